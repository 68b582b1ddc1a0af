build-asan/runtime/rt_ws.o: runtime/rt_ws.c runtime/rt_model.h \
 runtime/rt.h
runtime/rt_model.h:
runtime/rt.h:
