build-asan/runtime/interp.o: runtime/interp.c runtime/interp.h \
 compiler/ir.h runtime/rt.h runtime/rt_kernel.h
runtime/interp.h:
compiler/ir.h:
runtime/rt.h:
runtime/rt_kernel.h:
