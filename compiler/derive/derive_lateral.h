/* derive_lateral.h — a coupled group's whole field for `ebmc explain`: the
 * couplings J folded into the one formula its units are updated from. */
#ifndef EBMC_DERIVE_LATERAL_H
#define EBMC_DERIVE_LATERAL_H
#include "derive.h"

typedef struct LateralField {
    Poly *named;   /* couplings to partners named by index (v[r, s + 1]) and
                      the diagonal's share J[p, p]/2 ({0,1} units), as terms */
    Poly *dense;   /* the couplings left as sum(p2 != p) J[p, p2]*g[p2]: the
                      terms of J that do not pin the partner; NULL if none */
} LateralField;

LateralField derive_lateral_field(Analysis *an, const GroupInfo *gi);
/* the field with the couplings inside: "b[i] + ... + sum(i2) J[i, i2]*v[i2]" */
char *derive_lateral_text(Analysis *an, const GroupInfo *gi, const LateralField *lf);
/* "J[i, i2] = ... where i2 != i, and 0 where they are equal" (lf->dense) */
char *derive_lateral_j(Analysis *an, const GroupInfo *gi, const LateralField *lf);
#endif
