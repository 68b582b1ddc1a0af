build-asan/compiler/model_desc.o: compiler/model_desc.c \
 compiler/model_desc.h compiler/derive.h compiler/energy.h \
 compiler/sema.h compiler/ast.h compiler/arena.h compiler/diag.h \
 compiler/ir.h runtime/rt_model.h runtime/rt.h runtime/interp.h \
 compiler/ir.h
compiler/model_desc.h:
compiler/derive.h:
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
compiler/ir.h:
runtime/rt_model.h:
runtime/rt.h:
runtime/interp.h:
compiler/ir.h:
