build-asan/runtime/rt_safetensors.o: runtime/rt_safetensors.c \
 runtime/rt.h
runtime/rt.h:
