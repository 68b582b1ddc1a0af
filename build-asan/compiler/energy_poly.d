build-asan/compiler/energy_poly.o: compiler/energy_poly.c \
 compiler/energy.h compiler/sema.h compiler/ast.h compiler/arena.h \
 compiler/diag.h
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
