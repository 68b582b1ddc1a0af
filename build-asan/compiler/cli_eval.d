build-asan/compiler/cli_eval.o: compiler/cli_eval.c compiler/cli.h \
 compiler/compile.h compiler/derive.h compiler/energy.h compiler/sema.h \
 compiler/ast.h compiler/arena.h compiler/diag.h compiler/ir.h \
 runtime/rt_model.h runtime/rt.h compiler/config.h runtime/rt_train.h \
 runtime/rt_model.h runtime/rt_exact.h
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
runtime/rt_exact.h:
