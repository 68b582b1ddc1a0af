/* energy_directed.h — "x ~ dist(args)" statements as energy terms (-log p). */
#ifndef EBMC_DIRECTED_H
#define EBMC_DIRECTED_H
#include "sema.h"

/* The energy term of a ST_TILDE statement, as an expression for sema to
 * check like any energy; NULL after an error. */
Expr *energy_directed(Arena *a, Diag *d, const Model *m, const Stmt *st);
#endif
