build-asan/compiler/cli_check.o: compiler/cli_check.c compiler/cli.h \
 compiler/compile.h compiler/derive.h compiler/energy.h compiler/sema.h \
 compiler/ast.h compiler/arena.h compiler/diag.h compiler/ir.h \
 runtime/rt_model.h runtime/rt.h compiler/explain.h compiler/ir_kernels.h
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
compiler/explain.h:
compiler/ir_kernels.h:
