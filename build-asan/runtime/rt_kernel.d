build-asan/runtime/rt_kernel.o: runtime/rt_kernel.c runtime/rt_kernel.h \
 /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h \
 /usr/include/x86_64-linux-gnu/openblas-pthread/openblas_config.h \
 runtime/rt.h
runtime/rt_kernel.h:
/usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h:
/usr/include/x86_64-linux-gnu/openblas-pthread/openblas_config.h:
runtime/rt.h:
