build-asan/compiler/compile.o: compiler/compile.c compiler/compile.h \
 compiler/derive.h compiler/energy.h compiler/sema.h compiler/ast.h \
 compiler/arena.h compiler/diag.h compiler/config.h runtime/rt_train.h \
 runtime/rt_model.h runtime/rt.h compiler/parse.h
compiler/compile.h:
compiler/derive.h:
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
compiler/config.h:
runtime/rt_train.h:
runtime/rt_model.h:
runtime/rt.h:
compiler/parse.h:
