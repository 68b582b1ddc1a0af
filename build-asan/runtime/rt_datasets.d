build-asan/runtime/rt_datasets.o: runtime/rt_datasets.c runtime/rt.h
runtime/rt.h:
