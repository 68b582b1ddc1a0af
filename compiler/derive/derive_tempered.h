/* derive_tempered.h — the model at inverse temperature beta, built as a model.
 *
 * AIS and parallel tempering need E_t = beta*E + (1 - beta)*E_base
 * (runtime/run/rt_tempered.h says what E_base is). Rather than teach every
 * stage about temperatures, derive_tempered_build writes that energy as a new
 * Model — the original symbols, an input group __beta with no dimensions,
 * a parameter __base_<group> per visible group, and the energy
 *     __beta * (E1 + E2 + ...) + (1 - __beta) * E_base
 * as syntax-tree nodes — and runs the normal pipeline on it. The analysis
 * then works out by itself that at every beta the hidden groups of an RBM
 * still sum out (F_t(v) = (1 - beta) E_base(v) - sum_j softplus(beta *
 * field_j(v)) - ...), and the cond kernels sample at each row's beta. */
#ifndef EBMC_TEMPERED_H
#define EBMC_TEMPERED_H
#include "derive.h"
#include "ir.h"
#include "rt_tempered.h"

typedef struct Tempered {
    Model *model;
    Analysis *an;
    IrProgram *ir;
    rt_model *m;
    rt_tempered rt;     /* rt.m = m, rt.orig = the original runtime model */
} Tempered;

/* The tempered model of an (whose runtime model is orig), in arena a.
 * NULL after errors reported to d at the groups that prevent it (input
 * groups, visible groups of a type without a base model), or an
 * "internal: ..." one (d->internal) when its analysis fails. */
Tempered *derive_tempered_build(Arena *a, Diag *d, const Analysis *an, const rt_model *orig);

/* Where every hidden group sums out (an RBM), the side the chain runs on:
 * the visible groups, the hidden ones summed out (VISIBLE, and AUTO,
 * derive_tempered_build's choice), the hidden ones, the visible ones
 * summed out (where they can be: discrete, pairwise independent), or
 * whichever has fewer units. Where they do not (a DBM v - h1 - h2), VISIBLE
 * sums out the visible groups' hidden neighbours (h1: the chain on v and
 * h2) when they sum out and are independent; the others sum out the
 * largest independent set (v and h2: the chain on h1). */
enum { DERIVE_CHAIN_SMALLER, DERIVE_CHAIN_VISIBLE, DERIVE_CHAIN_HIDDEN, DERIVE_CHAIN_AUTO };
Tempered *derive_tempered_build_on(Arena *a, Diag *d, const Analysis *an, const rt_model *orig, int chain);
#endif
