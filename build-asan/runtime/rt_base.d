build-asan/runtime/rt_base.o: runtime/rt_base.c runtime/rt.h
runtime/rt.h:
