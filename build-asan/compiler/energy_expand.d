build-asan/compiler/energy_expand.o: compiler/energy_expand.c \
 compiler/energy.h compiler/sema.h compiler/ast.h compiler/arena.h \
 compiler/diag.h
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
