build-asan/compiler/ir_lower.o: compiler/ir_lower.c compiler/ir_lower.h \
 compiler/derive.h compiler/energy.h compiler/sema.h compiler/ast.h \
 compiler/arena.h compiler/diag.h compiler/ir.h
compiler/ir_lower.h:
compiler/derive.h:
compiler/energy.h:
compiler/sema.h:
compiler/ast.h:
compiler/arena.h:
compiler/diag.h:
compiler/ir.h:
