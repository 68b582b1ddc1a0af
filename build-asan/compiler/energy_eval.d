build-asan/compiler/energy_eval.o: compiler/energy_eval.c \
 compiler/energy_eval.h compiler/energy.h compiler/sema.h compiler/ast.h \
 compiler/arena.h compiler/diag.h
compiler/energy_eval.h:
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
