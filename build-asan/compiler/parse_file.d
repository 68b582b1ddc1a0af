build-asan/compiler/parse_file.o: compiler/parse_file.c compiler/parse.h \
 compiler/ast.h compiler/arena.h compiler/diag.h
compiler/parse.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
