/* derive_directed.h — ancestral sampling of models written with "~".
 *
 * In a model whose energy is only directed statements, each statement is a
 * normalised conditional p(child | parents); drawing the groups in an order
 * where parents come first (ancestral sampling) draws exactly from the
 * joint. The conditional each draw needs is the one its own statement
 * gives, which the analysis of the whole energy cannot see (there, a
 * parent's conditional also holds its children's terms). */
#ifndef EBMC_DERIVE_DIRECTED_H
#define EBMC_DERIVE_DIRECTED_H
#include "derive.h"

typedef struct Ancestral {
    int n;                  /* groups in sampling order (0: not available) */
    int *order;             /* their unit numbers */
    GroupInfo *g;           /* per unit number: the statement's conditional
                               (cond COND_OBSERVED where there is none) */
    const char *why;        /* why not available */
} Ancestral;

/* Computed once per analysis (cached in an->ancestral). */
Ancestral *derive_ancestral(Analysis *an);
#endif
