build-asan/runtime/rt_outputs.o: runtime/rt_outputs.c runtime/rt.h
runtime/rt.h:
