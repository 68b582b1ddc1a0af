build-asan/runtime/rt_sample.o: runtime/rt_sample.c runtime/rt_sample.h \
 runtime/rt_model.h runtime/rt.h
runtime/rt_sample.h:
runtime/rt_model.h:
runtime/rt.h:
