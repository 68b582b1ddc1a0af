build-asan/runtime/rt_train.o: runtime/rt_train.c runtime/rt_train.h \
 runtime/rt_model.h runtime/rt.h runtime/rt_exact.h
runtime/rt_train.h:
runtime/rt_model.h:
runtime/rt.h:
runtime/rt_exact.h:
