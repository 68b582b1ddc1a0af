/* rt_precision.c — a learned Gaussian precision that stops being positive.
 *
 * A gaussian group whose energy holds q*v^2 with q > 0 has the conditional
 * N(a/(2q), 1/(2q)); with q <= 0 there is no density and the sampler draws
 * NaN. When q is a constant, `ebmc check` refuses it; when it is c0 +
 * c*x^k for a parameter x (a learned precision, s*v^2/2, or a variance,
 * v^2/(2*var)), the compiler marks x (rt_param.precision) and this file
 * checks the values: after every training update, before training, when a
 * checkpoint is loaded. */
#include <math.h>
#include <stdio.h>

#include "rt_model.h"

static double precision_of(const rt_param *q, float x) {
    return 2 * (q->precision_c0 + q->precision_c * pow((double)x, q->precision_power));
}

/* "0.5 + 2*s^-1": the precision as the compiler found it */
static void formula(char *buf, size_t n, const rt_param *q) {
    int o = 0;
    if (q->precision_c0 != 0) o += snprintf(buf + o, n - (size_t)o, "%g + ", 2 * q->precision_c0);
    if (2 * q->precision_c != 1 && o < (int)n) o += snprintf(buf + o, n - (size_t)o, "%g*", 2 * q->precision_c);
    if (o < (int)n) o += snprintf(buf + o, n - (size_t)o, "%s", q->name);
    if (q->precision_power != 1 && o < (int)n) snprintf(buf + o, n - (size_t)o, "^%d", q->precision_power);
}

int rt_precision_bad(const rt_model *m, float *const *value, char *why, size_t n) {
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        if (!q->precision || q->precision_of < 0 || q->precision_of >= m->ngroups) continue;
        for (int64_t k = 0; k < q->size; k++) {
            double prec = precision_of(q, value[i][k]);
            if (prec > 0 && isfinite(prec)) continue;
            char at[160], f[160];
            rt_param_element_text(at, sizeof at, q, k);
            formula(f, sizeof f, q);
            snprintf(why, n, "parameter '%s' sets the precision of gaussian group '%s' (precision = %s), and %s = %g makes it %g, "
                     "which is %s",
                     q->name, m->groups[q->precision_of].name, f, at, (double)value[i][k], prec,
                     isnan(prec) ? "not a number" : prec > 0 ? "infinite" : "not positive");
            return 1;
        }
    }
    return 0;
}
