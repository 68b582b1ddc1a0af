build-asan/compiler/ir.o: compiler/ir.c compiler/ir.h
compiler/ir.h:
