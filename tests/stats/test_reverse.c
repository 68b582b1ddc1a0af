/* test_reverse.c — reverse-mode loss gradients (compiler/ir/ir_reverse.c)
 * against the symbolic derivation and finite differences, on every loss
 * spec: specs/vae.ebm, specs/sfa.ebm, the small VAE (with and without a
 * decoder layer), a classifier network of the form a stack's backprop
 * stage generates (sigmoid layers, log-sum-exp loss), and a loss through
 * the other elementwise functions (sqrt, 1/x, abs, logcosh).
 *
 *   - grad_loss is the reverse-mode kernel (not the symbolic fallback);
 *   - run in double by a reference interpreter of the IR (below), both the
 *     reverse-mode kernel and the symbolic one (EBMC_LOSS_GRAD=symbolic)
 *     equal central finite differences (h = 1e-5) of the loss kernel run in
 *     double: relative error (2-norm over the checked entries) < 1e-6;
 *     every entry of the small models, 12 per parameter of vae.ebm;
 *   - in float (the interpreter back end): reverse vs symbolic < 1e-5
 *     relative, and the loss rows grad_loss writes equal the loss
 *     kernel's (1e-6 relative), so minimize need not run both;
 *   - vae.ebm's loss kernel runs 2 GEMMs of 784 x 200 and grad_loss 5
 *     (before reverse mode: 3 and 29);
 *   - method = mp's network of a small DBM with labels (derive_mp.c, 3
 *     mean-field sweeps, lets kept): reverse mode against finite
 *     differences in double, < 1e-6 relative, every entry; and its loss
 *     equals the cross-entropy of the predicted units computed from the
 *     DBM's own rt_mean_field with the same units clamped (1e-5 relative,
 *     float), so the network is the compiler's mean field unrolled.
 * The adversarial pair's two steps (a small sigmoid generator and tanh
 * discriminator composed by derive_adversarial.c) are checked the same
 * way, and their losses against the formulas written out in double.
 * R = 4 rows; unit values a fixed pattern (one-hot for softmax groups,
 * N(0, 1) draws of Philox seed 5 for real ones); parameters N(0, sd^2) of
 * seed 81. */
#include "../unit/check.h"
#include "stats.h"
#include "derive_adversarial.h"

#include "derive_mp.h"
#include "rt_eval.h"

enum { R = 4 };

/* ---- a double-precision interpreter of the kernel IR --------------------------- */

typedef struct DRun {
    const IrProgram *p;
    double **b;
    int64_t B;
    int64_t var[16];
    double loc[64];
} DRun;

static int64_t d_address(DRun *r, int buf, const IrIdx *idx, int nidx) {
    const IrBuf *b = &r->p->bufs[buf];
    int64_t dims[IR_MAX_DIMS + 1];
    int nd = 0;
    if (b->batched) dims[nd++] = r->B;
    for (int d = 0; d < b->ndim; d++) dims[nd++] = b->dims[d];
    int64_t o = 0, stride = 1;
    for (int d = nd - 1; d >= 0; d--) {
        if (d < nidx) {
            int64_t v = idx[d].cst;
            for (int k = 0; k < idx[d].n; k++) v += (int64_t)idx[d].coef[k] * r->var[idx[d].var[k]];
            if (v < 0 || v >= dims[d]) return -1;
            o += v * stride;
        }
        stride *= dims[d];
    }
    return o;
}

static double d_fn(IrFn f, double a, double c) {
    switch (f) {
    case F_EXP: return exp(a);
    case F_LOG: return log(a);
    case F_SOFTPLUS: return a > 0 ? a + log1p(exp(-a)) : log1p(exp(a));
    case F_SIGMOID: return 1 / (1 + exp(-a));
    case F_ABS: return fabs(a);
    case F_SQRT: return sqrt(a);
    case F_TANH: return tanh(a);
    case F_LOG1P: return log1p(a);
    case F_LOGCOSH: return fabs(a) + log1p(exp(-2 * fabs(a))) - log(2.0);
    case F_SIGN: return a > 0 ? 1 : a < 0 ? -1 : 0;
    case F_POW: return pow(a, c);
    default: abort();
    }
}

static double d_eval(DRun *r, const IrX *x) {
    switch (x->op) {
    case X_CONST: return x->c;
    case X_LOCAL: return r->loc[x->local];
    case X_LOAD: {
        int64_t a = d_address(r, x->buf, x->idx, x->nidx);
        return a < 0 ? 0 : r->b[x->buf][a];
    }
    case X_ADD: return d_eval(r, x->a) + d_eval(r, x->b);
    case X_SUB: return d_eval(r, x->a) - d_eval(r, x->b);
    case X_MUL: return d_eval(r, x->a) * d_eval(r, x->b);
    case X_DIV: return d_eval(r, x->a) / d_eval(r, x->b);
    case X_NEG: return -d_eval(r, x->a);
    case X_FN: return d_fn(x->fn, d_eval(r, x->a), x->c);
    case X_POWI: return pow(d_eval(r, x->a), (int)x->c);
    case X_LT: return d_eval(r, x->a) < d_eval(r, x->b);
    case X_MAX: {
        double a = d_eval(r, x->a), b = d_eval(r, x->b);
        return a > b ? a : b;
    }
    case X_SELECT: return d_eval(r, x->s) != 0 ? d_eval(r, x->a) : d_eval(r, x->b);
    default: abort();   /* random draws: not in loss kernels */
    }
}

static void d_point(DRun *r, const IrStmt *st) {
    for (int i = 0; i < st->nassign; i++) {
        const IrAssign *as = &st->assign[i];
        double v = d_eval(r, as->x);
        if (as->kind == A_LOCAL) {
            r->loc[as->local] = v;
            continue;
        }
        int skip = 0;
        for (int g = 0; g < as->nguard; g++) {
            int64_t u = as->guard[g].idx.cst;
            for (int k = 0; k < as->guard[g].idx.n; k++) u += (int64_t)as->guard[g].idx.coef[k] * r->var[as->guard[g].idx.var[k]];
            if (u < as->guard[g].lo || u > as->guard[g].hi) skip = 1;
        }
        if (skip) continue;
        int64_t a = d_address(r, as->buf, as->idx, as->nidx);
        if (as->kind == A_STORE) r->b[as->buf][a] = v;
        else r->b[as->buf][a] += v;
    }
}

static void d_loop(DRun *r, const IrStmt *st, int v) {
    if (v == st->nvars) {
        d_point(r, st);
        return;
    }
    int64_t n = ir_ext(st->ext[v], r->B);
    for (r->var[v] = 0; r->var[v] < n; r->var[v]++) d_loop(r, st, v + 1);
}

static void d_run(const IrProgram *p, int kernel, double **bufs, int64_t B) {
    DRun r = {.p = p, .b = bufs, .B = B};
    const IrKernel *k = &p->kernels[kernel];
    for (int s = 0; s < k->nstmts; s++) {
        const IrStmt *st = &k->stmts[s];
        switch (st->kind) {
        case S_LOOP: d_loop(&r, st, 0); break;
        case S_ZERO: memset(bufs[st->buf], 0, sizeof(double) * (size_t)ir_buf_floats(&p->bufs[st->buf], B)); break;
        case S_GEMM: {
            int64_t M = ir_ext(st->m, B), N = ir_ext(st->n, B), K = ir_ext(st->k, B);
            const double *A = bufs[st->a], *Bm = bufs[st->b];
            double *C = bufs[st->c];
            for (int64_t i = 0; i < M; i++)
                for (int64_t j = 0; j < N; j++) {
                    double s = 0;
                    for (int64_t l = 0; l < K; l++)
                        s += (st->ta ? A[l * M + i] : A[i * K + l]) * (st->tb ? Bm[j * K + l] : Bm[l * N + j]);
                    C[i * N + j] = st->alpha * s + (st->beta != 0 ? st->beta * C[i * N + j] : 0);
                }
            break;
        }
        case S_SOFTMAX: {
            if (st->mode != SM_LSE) abort();
            int64_t rows = ir_ext(st->rows, B);
            for (int64_t i = 0; i < rows; i++) {
                const double *x = bufs[st->in] + i * st->width;
                double mx = x[0], s = 0;
                for (int64_t k2 = 1; k2 < st->width; k2++) mx = x[k2] > mx ? x[k2] : mx;
                for (int64_t k2 = 0; k2 < st->width; k2++) s += exp(x[k2] - mx);
                bufs[st->out][i] = mx + log(s);
            }
            break;
        }
        default: abort();
        }
    }
}

/* ---- one model, compiled both ways ------------------------------------------------ */

typedef struct Side {
    TestModel t;
    rt_ws *w;
    double **d;          /* every buffer in double */
} Side;

/* units: one-hot / {0,1} / N(0,1) patterns; the same on both sides */
static void fill_units(Side *s) {
    const rt_model *m = s->t.m;
    for (int u = 0; u < m->ngroups; u++) {
        const rt_group *g = &m->groups[u];
        float *x = s->w->bufs[g->state_buf];
        int64_t last = g->ndim ? g->dims[g->ndim - 1] : 1;
        for (int64_t i = 0; i < R * g->size; i++) {
            if (g->noise == RT_NOISE_BERNOULLI) x[i] = (i * 5 + i / 7 + u) % 3 != 0;   /* a mask: 0 and 1 */
            else if (g->utype == RT_SOFTMAX) x[i] = i % last == (i / last * 5 + u) % last;
            else if (g->utype == RT_BERNOULLI) x[i] = (i * 7 + i / 5 + u) % 3 == 0;
            else x[i] = (float)rt_normal(5, (uint32_t)u, 0, (uint32_t)i);
        }
    }
}

/* s->t compiled: its parameters drawn, units filled, buffers in double */
static int side_init(Side *s, double sd) {
    if (!s->t.m || s->t.m->k_grad_loss < 0) return 0;
    test_random_params(&s->t, sd, 81);
    s->w = rt_ws_new(s->t.m, R, s->t.p, 4);
    fill_units(s);
    const IrProgram *p = s->t.ir;
    s->d = calloc((size_t)p->nbufs, sizeof(double *));
    for (int b = 0; b < p->nbufs; b++) {
        int64_t n = ir_buf_floats(&p->bufs[b], R);
        s->d[b] = calloc((size_t)n + 1, sizeof(double));
        for (int64_t i = 0; i < n; i++) s->d[b][i] = s->w->bufs[b][i];
    }
    for (int b = 0; b < p->nbufs; b++) {
        if (p->bufs[b].kind == BUF_WEIGHT)
            for (int r = 0; r < R; r++) s->w->bufs[b][r] = (float)(s->d[b][r] = 1);
        if (p->bufs[b].kind == BUF_GRAD) memset(s->d[b], 0, sizeof(double) * (size_t)p->bufs[b].size);
    }
    return 1;
}

static int side_new(Side *s, const char *src, int symbolic, double sd) {
    if (symbolic) setenv("EBMC_LOSS_GRAD", "symbolic", 1);
    else unsetenv("EBMC_LOSS_GRAD");
    int ok = test_model(&s->t, src);
    unsetenv("EBMC_LOSS_GRAD");
    return ok && side_init(s, sd);
}

static void side_free(Side *s) {
    if (s->d)
        for (int b = 0; b < s->t.ir->nbufs; b++) free(s->d[b]);
    free(s->d);
    if (s->w) rt_ws_free(s->w);
    test_model_free(&s->t);
}

static double loss_double(Side *s) {
    d_run(s->t.ir, s->t.m->k_loss, s->d, R);
    double l = 0;
    for (int r = 0; r < R; r++) l += s->d[s->t.m->loss_buf][r];
    return l;
}

/* the double gradient kernel against central differences of the loss */
static double fd_error(Side *s, int per_param) {
    const rt_model *m = s->t.m;
    d_run(s->t.ir, m->k_grad_loss, s->d, R);
    double num = 0, den = 0;
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        int64_t n = per_param && per_param < q->size ? per_param : q->size;
        for (int64_t j = 0; j < n; j++) {
            int64_t k = n == q->size ? j : (j * 7919 + 13) % q->size;
            double *v = &s->d[q->buf][k], keep = *v, h = 1e-5;
            *v = keep + h;
            double lp = loss_double(s);
            *v = keep - h;
            double lm = loss_double(s);
            *v = keep;
            double fd = (lp - lm) / (2 * h), g = s->d[q->grad_buf][k];
            num += (g - fd) * (g - fd);
            den += fd * fd;
        }
    }
    return sqrt(num / den);
}

static double float_grads(Side *s) {
    const rt_model *m = s->t.m;
    for (int i = 0; i < m->nparams; i++) memset(s->t.p->grad[i], 0, sizeof(float) * (size_t)m->params[i].size);
    rt_ws_run(s->w, m->k_grad_loss);
    double l = 0;
    for (int r = 0; r < R; r++) l += s->w->bufs[m->loss_buf][r];
    return l;
}

static void check_spec(const char *name, const char *src, double sd, int per_param) {
    Side rev = {0}, sym = {0};
    CHECK(side_new(&rev, src, 0, sd), "%s: compile (reverse)", name);
    CHECK(side_new(&sym, src, 1, sd), "%s: compile (symbolic)", name);
    if (!rev.w || !sym.w) goto out;
    const IrProgram *p = rev.t.ir;
    CHECK(p->kernels[rev.t.m->k_grad_loss].reverse && rev.t.m->grad_loss_rows, "%s: grad_loss is reverse mode", name);
    CHECK(!sym.t.ir->kernels[sym.t.m->k_grad_loss].reverse, "%s: EBMC_LOSS_GRAD=symbolic keeps the symbolic kernel", name);
    double er = fd_error(&rev, per_param), es = fd_error(&sym, per_param);
    CHECK(er < 1e-6, "%s: reverse mode vs finite differences (double): relative error %g", name, er);
    CHECK(es < 1e-6, "%s: symbolic vs finite differences (double): relative error %g", name, es);
    /* float: the two kernels, and the loss rows of grad_loss */
    double lg = float_grads(&rev);
    float_grads(&sym);
    rt_ws_run(rev.w, rev.t.m->k_loss);
    double ll = 0;
    for (int r = 0; r < R; r++) ll += rev.w->bufs[rev.t.m->loss_buf][r];
    CHECK(fabs(lg - ll) <= 1e-6 * fabs(ll), "%s: loss rows of grad_loss %.9g vs the loss kernel %.9g", name, lg, ll);
    double num = 0, den = 0;
    for (int i = 0; i < rev.t.m->nparams; i++)
        for (int64_t k = 0; k < rev.t.m->params[i].size; k++) {
            double a = rev.t.p->grad[i][k], b = sym.t.p->grad[i][k];
            num += (a - b) * (a - b);
            den += b * b;
        }
    CHECK(sqrt(num / den) < 1e-5, "%s: reverse vs symbolic kernels (float): relative error %g", name, sqrt(num / den));
    printf("# %s: relative error vs finite differences %.2g (reverse), %.2g (symbolic); reverse vs symbolic in float %.2g\n",
           name, er, es, sqrt(num / den));
out:
    side_free(&rev);
    side_free(&sym);
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    s[fread(s, 1, (size_t)n, f)] = 0;
    fclose(f);
    return s;
}

static void check_file(const char *path, double sd, int per_param) {
    char *src = slurp(path);
    CHECK(src != NULL, "read %s", path);
    if (src) check_spec(path, src, sd, per_param);
    free(src);
}

static const char *small_vae =
    "model vae {\n  visible x[16] : bernoulli\n  input eps[2] { noise = normal }\n"
    "  param V[16, 6]\n  param d[6]\n  param Um[6, 2]\n  param um[2]\n  param Us[6, 2]\n  param us[2]\n"
    "  param W[2, 16]\n  param c[16]\n"
    "  let e[j] = tanh(sum(i) x[i]*V[i, j] + d[j])\n  let mu[k] = sum(j) e[j]*Um[j, k] + um[k]\n"
    "  let ls[k] = sum(j) e[j]*Us[j, k] + us[k]\n  let z[k] = mu[k] + exp(ls[k])*eps[k]\n"
    "  let a[i] = sum(k) z[k]*W[k, i] + c[i]\n"
    "  loss = sum(i) (softplus(a[i]) - x[i]*a[i])\n       + 0.5*sum(k) (mu[k]^2 + exp(2*ls[k]) - 2*ls[k] - 1)\n}\n";

static const char *deep_vae =
    "model vae2 {\n  visible x[16] : bernoulli\n  input eps[2] { noise = normal }\n"
    "  param V[16, 6]\n  param d[6]\n  param Um[6, 2]\n  param um[2]\n  param Us[6, 2]\n  param us[2]\n"
    "  param G[2, 5]\n  param g[5]\n  param W[5, 16]\n  param c[16]\n"
    "  let e[j] = tanh(sum(i) x[i]*V[i, j] + d[j])\n  let mu[k] = sum(j) e[j]*Um[j, k] + um[k]\n"
    "  let ls[k] = sum(j) e[j]*Us[j, k] + us[k]\n  let z[k] = mu[k] + exp(ls[k])*eps[k]\n"
    "  let hd[l] = tanh(sum(k) z[k]*G[k, l] + g[l])\n  let a[i] = sum(l) hd[l]*W[l, i] + c[i]\n"
    "  loss = sum(i) (softplus(a[i]) - x[i]*a[i])\n       + 0.5*sum(k) (mu[k]^2 + exp(2*ls[k]) - 2*ls[k] - 1)\n}\n";

/* the shape of a stack's backprop network (compiler/derive/derive_unroll.c) */
static const char *classifier =
    "model net {\n  visible x[6] : bernoulli\n  visible y[3] : softmax\n"
    "  param W0[6, 5]\n  param b0[5]\n  param W1[5, 4]\n  param b1[4]\n  param head_W[4, 3]\n  param head_b[3]\n"
    "  let a0[j] = sigmoid(sum(i) x[i]*W0[i, j] + b0[j])\n  let a1[j] = sigmoid(sum(i) a0[i]*W1[i, j] + b1[j])\n"
    "  let o[k] = sum(j) a1[j]*head_W[j, k] + head_b[k]\n"
    "  loss = log(sum(k) exp(o[k])) - sum(k) y[k]*o[k]\n}\n";

/* sqrt (as pow), a reciprocal (powi -1), abs, logcosh, log, sigmoid, exp of
 * a parameter-only temporary that a GEMM then reads */
static const char *functions =
    "model misc {\n  visible x[6] : gaussian\n  param K[6]\n  param W[6, 4]\n  param b[4]\n"
    "  let y[i] = x[i]*K[i] + 0.5*x[i]\n  let u[j] = sum(i) y[i]*W[i, j] + b[j]\n  let h[j] = sqrt(1 + sqr(u[j]))\n"
    "  loss = sum(j) (log(h[j]) + sigmoid(b[j]) / h[j] + 0.1*abs(u[j])) + sum(i) logcosh(y[i])\n"
    "       + sum(i, j) exp(-sqr(W[i, j]))*x[i]\n}\n";

static void small_vae_reverse(void) { check_spec("small vae", small_vae, 0.5, 0); }
static void deep_vae_reverse(void) { check_spec("deep vae", deep_vae, 0.5, 0); }
static void classifier_reverse(void) { check_spec("classifier network", classifier, 0.5, 0); }
static void functions_reverse(void) { check_spec("functions", functions, 0.5, 0); }
static void sfa_reverse(void) { check_file("specs/sfa.ebm", 0.5, 0); }
static void vae_spec_reverse(void) { check_file("specs/vae.ebm", 0.05, 12); }

/* ---- the adversarial pair (compiler/derive/derive_adversarial.c) ------------------ */

/* a sigmoid generator G(z) of 3 noise inputs and 5 outputs, a tanh
 * discriminator with logit s(x) */
static const char *pair =
    "model gen {\n  input z[3] { noise = normal }\n  param A[3, 5]\n  param a[5]\n"
    "  let x[i] = sigmoid(sum(k) z[k]*A[k, i] + a[i])\n}\n"
    "model disc {\n  visible x[5] : gaussian\n  param W[5, 4]\n  param c[4]\n  param v[4]\n  param d\n"
    "  let e[j] = tanh(sum(i) x[i]*W[i, j] + c[j])\n  let s = sum(j) e[j]*v[j] + d\n}\n"
    "train gen {\n  data = csv(\"unused.csv\")\n  method = adversarial(discriminator = disc)\n}\n";

static const double *pair_param(Side *s, const char *name) {
    for (int i = 0; i < s->t.m->nparams; i++)
        if (!strcmp(s->t.m->params[i].name, name)) return s->d[s->t.m->params[i].buf];
    return NULL;
}

static double pair_logit(Side *s, const double *x) {
    const double *W = pair_param(s, "W"), *c = pair_param(s, "c"), *v = pair_param(s, "v"), *d = pair_param(s, "d");
    double l = d[0];
    for (int j = 0; j < 4; j++) {
        double u = c[j];
        for (int i = 0; i < 5; i++) u += x[i] * W[i * 4 + j];
        l += tanh(u) * v[j];
    }
    return l;
}

static double softplus(double a) { return a > 0 ? a + log1p(exp(-a)) : log1p(exp(a)); }

/* the step's loss written out: -log D(x) - log(1 - D(G(z))), or -log D(G(z)) */
static double pair_loss_direct(Side *s, int which) {
    const rt_model *m = s->t.m;
    const double *A = pair_param(s, "A"), *a = pair_param(s, "a"), *xs = NULL, *zs = NULL;
    for (int g = 0; g < m->ngroups; g++) {
        if (!strcmp(m->groups[g].name, "x")) xs = s->d[m->groups[g].state_buf];
        if (!strcmp(m->groups[g].name, "z")) zs = s->d[m->groups[g].state_buf];
    }
    double l = 0;
    for (int r = 0; r < R; r++) {
        double gz[5];
        for (int i = 0; i < 5; i++) {
            double u = a[i];
            for (int k = 0; k < 3; k++) u += zs[r * 3 + k] * A[k * 5 + i];
            gz[i] = 1 / (1 + exp(-u));
        }
        double fake = pair_logit(s, gz);
        l += which == ADV_DISCRIMINATOR ? softplus(-pair_logit(s, xs + r * 5)) + softplus(fake) : softplus(-fake);
    }
    return l;
}

/* both steps: their gradients (all parameters, the fixed ones too) against
 * finite differences as above, their losses against the written-out
 * formulas (1e-12 relative, in double), and which parameters each fixes */
static void adversarial_reverse(void) {
    Compilation *c = compile_source("pair.ebm", pair, strlen(pair));
    CHECK(c && !c->diag.errors && c->sema->nmodels == 2, "compile the pair");
    if (!c || c->diag.errors) goto out;
    static const char *const names[] = {"discriminator's step", "generator's step"};
    for (int w = ADV_DISCRIMINATOR; w <= ADV_GENERATOR; w++) {
        char *t = derive_adversarial_text(c->arena, &c->diag, c->sema->models[0]->span, c->sema->models[0], c->sema->models[1],
                                          NULL, w);
        CHECK(t != NULL, "%s: composed", names[w]);
        if (!t) continue;
        check_spec(names[w], t, 0.5, 0);
        Side s = {0};
        CHECK(side_new(&s, t, 0, 0.5), "%s: compile", names[w]);
        if (s.w) {
            double got = loss_double(&s), want = pair_loss_direct(&s, w);
            CHECK(fabs(got - want) <= 1e-12 * fabs(want), "%s: loss %.15g, written out %.15g", names[w], got, want);
            int ok = 1;
            for (int i = 0; i < s.t.m->nparams; i++) {
                int gens = strchr("Aa", s.t.m->params[i].name[0]) != NULL;   /* the generator's: A, a */
                ok &= s.t.m->params[i].fixed == (w == ADV_DISCRIMINATOR ? gens : !gens);
            }
            CHECK(ok, "%s: the other network's parameters are the fixed ones", names[w]);
        }
        side_free(&s);
    }
out:
    compile_free(c);
}

/* GEMMs of a kernel with a dimension of 784 (the image side of vae.ebm) */
static int big_gemms(const IrProgram *p, int k) {
    int n = 0;
    for (int s = 0; s < p->kernels[k].nstmts; s++) {
        const IrStmt *st = &p->kernels[k].stmts[s];
        n += st->kind == S_GEMM && (st->m.c == 784 || st->n.c == 784 || st->k.c == 784);
    }
    return n;
}

static int all_gemms(const IrProgram *p, int k) {
    int n = 0;
    for (int s = 0; s < p->kernels[k].nstmts; s++) n += p->kernels[k].stmts[s].kind == S_GEMM;
    return n;
}

/* vae.ebm's kernels do the work a hand-written backward pass does: the
 * loss 2 GEMMs of 784 x 200 (x.V, h.W; its expansion repeats h.W, copied),
 * grad_loss those 2 and 3 more (dh = da.W', dW = h'.da, dV = x'.de); and
 * of the small ones (a side of 20), the expansion's 2 e.Us of exp(2 ls)
 * next to e.Us of ls is one GEMM, scaled in a copy, and one pair in the
 * reverse sweep: 17 GEMMs in all (20 when only equal alphas merged) */
static void vae_spec_gemms(void) {
    char *src = slurp("specs/vae.ebm");
    Side s = {0};
    CHECK(src && side_new(&s, src, 0, 0.05), "compile specs/vae.ebm");
    if (s.w) {
        int fl = big_gemms(s.t.ir, s.t.m->k_loss), gl = big_gemms(s.t.ir, s.t.m->k_grad_loss);
        CHECK(fl == 2 && gl == 5, "GEMMs with a side of 784: loss %d (want 2), grad_loss %d (want 5)", fl, gl);
        int ga = all_gemms(s.t.ir, s.t.m->k_grad_loss);
        CHECK(ga == 17, "grad_loss runs %d GEMMs (want 17)", ga);
    }
    side_free(&s);
    free(src);
}

/* a DBM v - h1 - h2 - y (labels on top), as specs/mpdbm.ebm, small */
static const char *mp_dbm =
    "model dbm {\n  visible v[7] : bernoulli\n  visible y[3] : softmax\n  hidden h1[5] : bernoulli\n"
    "  hidden h2[4] : bernoulli\n  param W1[7, 5]\n  param W2[5, 4]\n  param U[4, 3]\n  param b[7]\n"
    "  param c1[5]\n  param c2[4]\n  param d[3]\n"
    "  energy = - sum(i) b[i]*v[i] - sum(j) c1[j]*h1[j] - sum(k) c2[k]*h2[k] - sum(l) d[l]*y[l]\n"
    "           - sum(i, j) v[i]*W1[i, j]*h1[j] - sum(j, k) h1[j]*W2[j, k]*h2[k] - sum(k, l) h2[k]*U[k, l]*y[l]\n}\n";

/* the mp loss of each row from the DBM itself: rt_mean_field with the
 * net's clamped units held and the rest free from 0, `iters` sweeps, then
 * each visible group's conditional mean and the predicted units'
 * cross-entropy */
static double mp_loss_by_mean_field(TestModel *dbm, Side *net, int iters) {
    const rt_model *m = dbm->m, *n = net->t.m;
    for (int i = 0; i < m->nparams; i++)
        memcpy(dbm->p->value[i], net->t.p->value[i], sizeof(float) * (size_t)m->params[i].size);
    rt_ws *w = rt_ws_new(m, R, dbm->p, 4);
    float *keep[64] = {0};
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        float *x = w->bufs[gr->state_buf];
        memset(x, 0, sizeof(float) * (size_t)(R * gr->size));
        if (gr->role != RT_VISIBLE) continue;
        char name[64];
        snprintf(name, sizeof name, "keep_%s", gr->name);
        int ng = rt_find_group(n, gr->name), nk = rt_find_group(n, name);
        const float *data = net->w->bufs[n->groups[ng].state_buf];
        keep[g] = net->w->bufs[n->groups[nk].state_buf];
        float *vals = malloc(sizeof(float) * (size_t)(R * gr->size));
        int64_t K = gr->utype == RT_SOFTMAX ? gr->dims[gr->ndim - 1] : 1;
        for (int64_t i = 0; i < R * gr->size; i++) {
            vals[i] = keep[g][i / K] != 0 ? data[i] : NAN;
            x[i] = keep[g][i / K] != 0 ? data[i] : 0;
        }
        rt_ws_clamp(w, g, vals, NULL, R);
        free(vals);
    }
    rt_mean_field(w, iters, 0);
    double loss = 0;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role != RT_VISIBLE) continue;
        const float *data = net->w->bufs[n->groups[rt_find_group(n, gr->name)].state_buf];
        rt_ws_run(w, gr->k_mean);   /* the readout: q of every unit from the last sweep */
        const float *q = w->bufs[gr->state_buf];
        int64_t K = gr->utype == RT_SOFTMAX ? gr->dims[gr->ndim - 1] : 1;
        for (int64_t i = 0; i < R * gr->size; i++) {
            if (keep[g][i / K] != 0) continue;
            loss -= K > 1 ? data[i] * log(q[i]) : data[i] * log(q[i]) + (1 - data[i]) * log(1 - q[i]);
        }
        rt_ws_clamp(w, g, NULL, NULL, 0);
    }
    rt_ws_free(w);
    return loss;
}

static void mp_network_reverse(void) {
    TestModel dbm;
    Side s = {0};
    CHECK(test_model(&dbm, mp_dbm), "compile the DBM");
    if (!dbm.an) goto out;
    s.t.c = derive_mp_network(dbm.c->arena, dbm.an, 3, 0.5);
    CHECK(s.t.c != NULL, "the mp network compiles: %s", s.t.c ? "" : rt_last_error());
    if (!s.t.c) goto out;
    s.t.an = compile_main_model(s.t.c);
    s.t.ir = ir_build(s.t.c->arena, s.t.an);
    s.t.m = ir_model_build(s.t.c->arena, s.t.an, s.t.ir);
    s.t.p = rt_params_new(s.t.m);
    CHECK(side_init(&s, 0.7) && s.t.ir->kernels[s.t.m->k_grad_loss].reverse, "mp network: grad_loss is reverse mode");
    if (!s.w) goto out;
    double e = fd_error(&s, 0);
    CHECK(e < 1e-6, "mp network: reverse mode vs finite differences (double): relative error %g", e);
    rt_ws_run(s.w, s.t.m->k_loss);
    double net = 0;
    for (int r = 0; r < R; r++) net += s.w->bufs[s.t.m->loss_buf][r];
    double mf = mp_loss_by_mean_field(&dbm, &s, 3);
    CHECK(fabs(net - mf) <= 1e-5 * fabs(mf) && net > 0, "mp network's loss %.7g vs the DBM's mean field %.7g", net, mf);
    printf("# mp network: relative error vs finite differences %.2g; loss %.7g, by rt_mean_field %.7g\n", e, net, mf);
out:
    side_free(&s);
    test_model_free(&dbm);
}

int main(void) {
    TEST(small_vae_reverse);
    TEST(deep_vae_reverse);
    TEST(classifier_reverse);
    TEST(functions_reverse);
    TEST(sfa_reverse);
    TEST(vae_spec_reverse);
    TEST(vae_spec_gemms);
    TEST(adversarial_reverse);
    TEST(mp_network_reverse);
    CHECK_DONE();
}
