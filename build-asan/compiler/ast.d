build-asan/compiler/ast.o: compiler/ast.c compiler/ast.h compiler/arena.h \
 compiler/diag.h
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
