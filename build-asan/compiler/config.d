build-asan/compiler/config.o: compiler/config.c compiler/config.h \
 runtime/rt_train.h runtime/rt_model.h runtime/rt.h compiler/sema.h \
 compiler/ast.h compiler/arena.h compiler/diag.h compiler/parse.h
compiler/config.h:
runtime/rt_train.h:
runtime/rt_model.h:
runtime/rt.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
compiler/parse.h:
