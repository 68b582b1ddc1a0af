/* sema_shift.c — the range of a sum's index when a shift would leave a
 * dimension.
 *
 * In sum(r, s) L[r, s]*v[r, s]*v[r, s + 1] with L[3, 2] and v[3, 3], s
 * indexes v's last dimension alone (3 values) and shifted (s + 1 needs
 * s <= 1), and L's (2 values). The sum then runs over the values where every
 * shifted index is inside its dimension (s in 0..1, the shortest dimension
 * that s indexes both plainly and shifted, cut by the shifts), provided that
 * each plain use either has exactly that many values (L) or is a dimension
 * that the sum also reaches through a shift of s (v: its entries 0..1
 * plainly, 1..2 shifted). A plain use of any other dimension that is longer (b[i] with
 * v[i + 1], both of 4) stays an error: cutting it would silently drop
 * entries of a tensor the shift does not explain. Only shifts that grow with
 * s and do not go below 0 are considered (s + a, 2*s, with constants);
 * an index that mixes variables (v[i + a], a convolution) keeps the plain
 * rule. The restricted uses are rewritten to the form that already meant
 * this (v[r, s + 0]: a compound index, bounds-checked, not range-defining),
 * so everything after sema sees the same tree as for that spelling. */
#include "sema.h"

#include <string.h>

enum { MAX_USES = 64 };

typedef struct Use {
    Expr **slot;            /* the index expression, to rewrite */
    const Sym *t;
    int axis;
    long long dim;
} Use;

typedef struct Uses {
    const Model *m;
    const char *var;
    Use plain[MAX_USES], shifted[MAX_USES];
    int nplain, nshifted, abort;
} Uses;

/* the value of an index expression at var = x; 0 when it holds another name */
static int affine_at(const Expr *e, const char *var, long long x, long long *out) {
    long long l, r;
    switch (e->kind) {
    case EX_NUM: *out = (long long)e->num; return 1;
    case EX_NAME: *out = x; return !e->has_index && !strcmp(e->str, var);
    case EX_NEG: if (!affine_at(e->lhs, var, x, &l)) return 0; *out = -l; return 1;
    case EX_BIN:
        if (!affine_at(e->lhs, var, x, &l) || !affine_at(e->rhs, var, x, &r)) return 0;
        if (e->op == '+') *out = l + r;
        else if (e->op == '-') *out = l - r;
        else if (e->op == '*') *out = l * r;
        else return 0;
        return 1;
    default: return 0;
    }
}

static int mentions(const Expr *e, const char *var) {
    if (!e) return 0;
    if (e->kind == EX_NAME && !e->has_index) return !strcmp(e->str, var);
    if (mentions(e->lhs, var) || mentions(e->rhs, var)) return 1;
    for (int i = 0; i < e->nidx; i++)
        if (mentions(e->idx[i], var)) return 1;
    for (int i = 0; i < e->nargs; i++)
        if (mentions(e->args[i].value, var)) return 1;
    return 0;
}

/* A loop along lhs, which the grammar's left-associative sums and
 * products make deep (40,000 factors), and recursion on the rest. */
static void collect(Uses *u, Expr *e) {
    for (; e && !u->abort; e = e->lhs) {
        if (e->kind == EX_NAME && e->has_index) {
            const Sym *s = sema_lookup(u->m, e->str);
            for (int k = 0; k < e->nidx; k++) {
                Expr *ix = e->idx[k];
                if (!mentions(ix, u->var)) continue;
                long long v0, v1;
                if (!s || s->kind == SYM_LET || k >= s->ndim) {
                    u->abort = 1;
                } else if (ix->kind == EX_NAME) {
                    if (u->nplain == MAX_USES) u->abort = 1;
                    else u->plain[u->nplain++] = (Use){&e->idx[k], s, k, s->dims[k]};
                } else if (affine_at(ix, u->var, 0, &v0) && affine_at(ix, u->var, 1, &v1) && v0 >= 0 && v1 > v0 &&
                           u->nshifted < MAX_USES) {
                    u->shifted[u->nshifted++] = (Use){&e->idx[k], s, k, s->dims[k]};
                } else {
                    u->abort = 1;
                }
            }
            return;
        }
        collect(u, e->rhs);
        for (int i = 0; i < e->nargs; i++) collect(u, e->args[i].value);
    }
}

/* every shifted use inside its dimension for var in 0..n-1 */
static int fits(const Uses *u, long long n) {
    for (int i = 0; i < u->nshifted; i++) {
        long long hi;
        affine_at(*u->shifted[i].slot, u->var, n - 1, &hi);
        if (hi >= u->shifted[i].dim) return 0;
    }
    return 1;
}

/* a plain use of a dimension that a shift of the variable also reaches */
static int explained(const Uses *u, const Use *p) {
    for (int k = 0; k < u->nshifted; k++)
        if (u->shifted[k].t == p->t && u->shifted[k].axis == p->axis) return 1;
    return 0;
}

long long sema_shift_range(Arena *a, const Model *m, Expr *body, const char *var) {
    static Uses u;   /* large; sema runs on one thread */
    memset(&u, 0, sizeof u);
    u.m = m;
    u.var = var;
    collect(&u, body);
    if (u.abort || u.nplain == 0 || u.nshifted == 0) return -1;
    int same = 1;
    long long cap = -1;
    for (int i = 0; i < u.nplain; i++) {
        same &= u.plain[i].dim == u.plain[0].dim;
        if (explained(&u, &u.plain[i]) && (cap < 0 || u.plain[i].dim < cap)) cap = u.plain[i].dim;
    }
    if ((same && fits(&u, u.plain[0].dim)) || cap < 0) return -1;   /* the plain rule */
    /* the shifts cut the range to n; every plain use must then have n
     * values, or be cut by a shift of its own dimension */
    /* the largest n in 1..cap that fits: shifts grow with the variable, so
     * fits holds up to some n and not beyond (a binary search: a step at a
     * time took minutes for a dimension of 10^9) */
    long long lo = 0, hi = cap;
    while (lo < hi) {
        long long mid = lo + (hi - lo + 1) / 2;
        if (fits(&u, mid)) lo = mid;
        else hi = mid - 1;
    }
    long long n = lo;
    if (n < 1) return -1;
    for (int i = 0; i < u.nplain; i++)
        if (u.plain[i].dim != n && !(u.plain[i].dim > n && explained(&u, &u.plain[i]))) return -1;
    for (int i = 0; i < u.nplain; i++)
        if (u.plain[i].dim != n) *u.plain[i].slot = ast_bin(a, '+', *u.plain[i].slot, ast_num(a, 0, (*u.plain[i].slot)->span));
    return n;
}
