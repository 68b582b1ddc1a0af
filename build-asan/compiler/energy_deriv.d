build-asan/compiler/energy_deriv.o: compiler/energy_deriv.c \
 compiler/energy.h compiler/sema.h compiler/ast.h compiler/arena.h \
 compiler/diag.h
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
