build-asan/compiler/cli_build.o: compiler/cli_build.c compiler/cli.h \
 compiler/compile.h compiler/derive.h compiler/energy.h compiler/sema.h \
 compiler/ast.h compiler/arena.h compiler/diag.h compiler/ir.h \
 runtime/rt_model.h runtime/rt.h compiler/ir_kernels.h \
 compiler/model_desc.h
compiler/cli.h:
compiler/compile.h:
compiler/derive.h:
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
compiler/ir.h:
runtime/rt_model.h:
runtime/rt.h:
compiler/ir_kernels.h:
compiler/model_desc.h:
