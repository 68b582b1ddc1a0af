build-asan/compiler/explain.o: compiler/explain.c compiler/explain.h \
 compiler/derive.h compiler/energy.h compiler/sema.h compiler/ast.h \
 compiler/arena.h compiler/diag.h
compiler/explain.h:
compiler/derive.h:
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
