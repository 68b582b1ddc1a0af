build-asan/compiler/sema.o: compiler/sema.c compiler/sema.h \
 compiler/ast.h compiler/arena.h compiler/diag.h
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
