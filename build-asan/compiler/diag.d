build-asan/compiler/diag.o: compiler/diag.c compiler/diag.h
compiler/diag.h:
