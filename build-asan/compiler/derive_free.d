build-asan/compiler/derive_free.o: compiler/derive_free.c \
 compiler/derive.h compiler/energy.h compiler/sema.h compiler/ast.h \
 compiler/arena.h compiler/diag.h
compiler/derive.h:
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
