build-asan/runtime/rt_exact.o: runtime/rt_exact.c runtime/rt_exact.h \
 runtime/rt_model.h runtime/rt.h
runtime/rt_exact.h:
runtime/rt_model.h:
runtime/rt.h:
