build-asan/compiler/main.o: compiler/main.c compiler/cli.h \
 compiler/compile.h compiler/derive.h compiler/energy.h compiler/sema.h \
 compiler/ast.h compiler/arena.h compiler/diag.h compiler/ir.h \
 runtime/rt_model.h runtime/rt.h
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
