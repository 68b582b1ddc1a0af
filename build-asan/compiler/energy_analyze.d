build-asan/compiler/energy_analyze.o: compiler/energy_analyze.c \
 compiler/derive.h compiler/energy.h compiler/sema.h compiler/ast.h \
 compiler/arena.h compiler/diag.h
compiler/derive.h:
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
