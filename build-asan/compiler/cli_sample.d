build-asan/compiler/cli_sample.o: compiler/cli_sample.c compiler/cli.h \
 compiler/compile.h compiler/derive.h compiler/energy.h compiler/sema.h \
 compiler/ast.h compiler/arena.h compiler/diag.h compiler/ir.h \
 runtime/rt_model.h runtime/rt.h compiler/config.h runtime/rt_train.h \
 runtime/rt_model.h runtime/rt_sample.h
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
compiler/config.h:
runtime/rt_train.h:
runtime/rt_model.h:
runtime/rt_sample.h:
