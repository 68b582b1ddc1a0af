build-asan/compiler/ir_kernels.o: compiler/ir_kernels.c \
 compiler/ir_kernels.h compiler/derive.h compiler/energy.h \
 compiler/sema.h compiler/ast.h compiler/arena.h compiler/diag.h \
 compiler/ir.h compiler/ir_lower.h
compiler/ir_kernels.h:
compiler/derive.h:
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
compiler/ir.h:
compiler/ir_lower.h:
