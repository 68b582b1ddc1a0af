/* config.c — train and sample blocks to runtime settings. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "parse.h"
#include "runconfig.h"

typedef struct Ctx {
    Arena *a;
    Diag *d;
    const Model *m;
} Ctx;

/* a visible group of the model, by name; -1 after an error */
static int group_index(Ctx *c, const Expr *e, const char *what) {
    if (e->kind != EX_NAME || e->has_index) {
        diag_error(c->d, e->span, "%s must name a visible group", what);
        return -1;
    }
    if (!c->m) return 0;
    for (int u = 0; u < c->m->nunits; u++)
        if (!strcmp(c->m->units[u]->name, e->str)) {
            if (c->m->units[u]->role != ROLE_VISIBLE) {
                diag_error(c->d, e->span, "%s must be a visible group; '%s' is %s", what, e->str,
                           ast_role_name(c->m->units[u]->role));
                return -1;
            }
            return u;
        }
    diag_error(c->d, e->span, "model '%s' has no group '%s'", c->m->name, e->str);
    return -1;
}

/* ---- values ------------------------------------------------------------------ */

/* a constant expression (sema_const: 1/10, 2^8) or true / false */
static int get_num(Ctx *c, const Expr *e, double *out, const char *what) {
    if (e->kind == EX_NAME && !e->has_index && (!strcmp(e->str, "true") || !strcmp(e->str, "false"))) {
        *out = !strcmp(e->str, "true");
        return 1;
    }
    if (e->kind == EX_NAME || e->kind == EX_STR || e->kind == EX_LIST || e->kind == EX_UNTIL || e->kind == EX_EVERY ||
        e->kind == EX_SUM) {
        diag_error(c->d, e->span, "%s must be a number", what);
        return 0;
    }
    return sema_const(c->d, e, out, what);
}

/* Every integer setting ends in an int of the runtime (epochs, k, sweeps)
 * or a count that sizes a buffer: past INT_MAX it would wrap, so it is
 * refused here. Seeds are 64-bit but pass through a double: 2^53 keeps
 * them exact. */
#define INT_SETTING_MAX 2147483647LL
#define SEED_MAX (1LL << 53)

static int get_int_in(Ctx *c, const Expr *e, long long lo, long long hi, long long *out, const char *what) {
    double v;
    if (!get_num(c, e, &v, what)) return 0;
    if (v != floor(v) || v < (double)lo) {
        diag_error(c->d, e->span, "%s must be an integer of at least %lld, not %.15g", what, lo, v);
        return 0;
    }
    if (v > (double)hi) {
        diag_error(c->d, e->span, "%s must be at most %lld, not %.15g", what, hi, v);
        return 0;
    }
    *out = (long long)v;
    return 1;
}

static int get_int(Ctx *c, const Expr *e, long long lo, long long *out, const char *what) {
    return get_int_in(c, e, lo, INT_SETTING_MAX, out, what);
}

static int get_pos(Ctx *c, const Expr *e, double *out, const char *what) {
    if (!get_num(c, e, out, what)) return 0;
    if (*out < 0) {
        diag_error(c->d, e->span, "%s must not be negative", what);
        return 0;
    }
    return 1;
}

static const char *get_str(Ctx *c, const Expr *e, const char *what) {
    if (e->kind == EX_STR) return e->str;
    diag_error(c->d, e->span, "%s must be a string in double quotes", what);
    return NULL;
}

/* one piece's value: a number, or linear(a, b), exp(a, rate), cosine(a, b) */
static int get_piece(Ctx *c, const Expr *e, rt_sched_piece *p, const char *what) {
    static const char *const curves[] = {"linear", "exp", "cosine"};
    static const int kinds[] = {RT_SCHED_LINEAR, RT_SCHED_EXP, RT_SCHED_COSINE};
    p->kind = RT_SCHED_CONST;
    if (e->kind != EX_CALL) return get_pos(c, e, &p->a, what);
    int k = 0;
    while (k < 3 && strcmp(e->str, curves[k])) k++;
    if (k == 3 || e->nargs != 2 || e->args[0].name || e->args[1].name) {
        diag_error(c->d, e->span, "%s: a piece is a number, linear(from, to), exp(from, rate) or cosine(from, to)", what);
        if (k == 3) {
            const char *best = sema_suggest(e->str, curves, 3);
            if (best) diag_note(c->d, e->span, "did you mean '%s'?", best);
        }
        return 0;
    }
    p->kind = kinds[k];
    if (!get_pos(c, e->args[0].value, &p->a, what) || !get_pos(c, e->args[1].value, &p->b, what)) return 0;
    if (p->kind == RT_SCHED_EXP && p->b <= 0) {
        diag_error(c->d, e->args[1].value->span, "%s: exp's rate multiplies the value every epoch and must be positive", what);
        return 0;
    }
    return 1;
}

/* "0.5 until 5, 0.9", "linear(0.1, 0.01)", "exp(0.1, 0.9) until 10, 0.03"
 * or a number: pieces of any number (rt_schedule.h says what each means) */
static int get_schedule(Ctx *c, const Expr *e, rt_schedule *s, const char *what) {
    int n = e->kind == EX_LIST ? e->nargs : 1;
    rt_sched_piece *pieces = ARENA_ARRAY(c->a, rt_sched_piece, n);
    int last_until = 0;
    for (int i = 0; i < n; i++) {
        const Expr *it = e->kind == EX_LIST ? e->args[i].value : e;
        long long until = -1;
        if (it->kind == EX_UNTIL) {
            if (!get_int(c, it->rhs, 1, &until, "the epoch after 'until'")) return 0;
            if (until <= last_until) {
                diag_error(c->d, it->rhs->span, "epochs after 'until' must increase");
                return 0;
            }
            last_until = (int)until;
            it = it->lhs;
        } else if (i != n - 1) {
            diag_error(c->d, it->span, "only the last piece of %s may omit 'until'", what);
            return 0;
        }
        if (!get_piece(c, it, &pieces[i], what)) return 0;
        pieces[i].until = (int)until;
    }
    s->n = n;
    s->piece = n == 1 ? NULL : pieces;
    s->one = pieces[0];
    return 1;
}

/* A momentum or a decay rate of 1 or more makes every update grow the next:
 * training diverges whatever the data, so it is refused before it starts. */
static int below_one(Ctx *c, const Expr *e, const rt_schedule *s, const char *what) {
    const rt_sched_piece *pc = rt_schedule_pieces(s);
    for (int i = 0; i < s->n; i++) {
        /* the largest value the piece takes: a curve's ends, or an
         * exponential's start when it does not grow */
        const rt_sched_piece *q = &pc[i];
        double top = q->kind == RT_SCHED_CONST ? q->a : q->kind == RT_SCHED_EXP ? (q->b > 1 ? INFINITY : q->a)
                                                                                : fmax(q->a, q->b);
        if (top >= 1) {
            const Expr *it = e->kind == EX_LIST && i < e->nargs ? e->args[i].value : e;
            diag_error(c->d, it->span, "%s must be below 1, not %g: the updates would grow without bound", what,
                       q->kind == RT_SCHED_EXP && q->b > 1 ? q->b : top);
            return 0;
        }
    }
    return 1;
}

static int get_frac(Ctx *c, const Expr *e, double *out, const char *what) {
    if (!get_pos(c, e, out, what)) return 0;
    if (*out >= 1) {
        diag_error(c->d, e->span, "%s must be below 1, not %g: the averages would never forget", what, *out);
        return 0;
    }
    return 1;
}

/* ---- named arguments of calls -------------------------------------------------------- */

typedef struct ArgSpec {
    const char *name;
    const Expr *value;
} ArgSpec;

/* Matches positional then named arguments against names; reports unknown
 * and repeated ones. */
static int bind_args(Ctx *c, const Expr *call, ArgSpec *spec, int nspec) {
    int ok = 1, pos = 0;
    for (int i = 0; i < call->nargs; i++) {
        const Arg *a = &call->args[i];
        int k = -1;
        if (!a->name) {
            k = pos < nspec ? pos++ : -1;
            if (k < 0) {
                diag_error(c->d, a->value->span, "%s() takes at most %d argument%s", call->str, nspec, nspec == 1 ? "" : "s");
                ok = 0;
                continue;
            }
        } else {
            for (int q = 0; q < nspec; q++)
                if (!strcmp(spec[q].name, a->name)) k = q;
            if (k < 0) {
                const char *names[16];
                for (int q = 0; q < nspec && q < 16; q++) names[q] = spec[q].name;
                diag_error(c->d, a->name_span, "%s() has no argument '%s'", call->str, a->name);
                const char *best = sema_suggest(a->name, names, nspec < 16 ? nspec : 16);
                if (best) {
                    diag_note(c->d, a->name_span, "did you mean '%s'?", best);
                } else {
                    char list[256] = "";
                    for (int q = 0; q < nspec; q++)
                        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", q ? ", " : "", spec[q].name);
                    diag_note(c->d, a->name_span, "%s() takes %s", call->str, list);
                }
                ok = 0;
                continue;
            }
        }
        if (spec[k].value) {
            diag_error(c->d, a->value->span, "argument '%s' given twice", spec[k].name);
            ok = 0;
        }
        spec[k].value = a->value;
    }
    return ok;
}

/* ---- train ----------------------------------------------------------------------- */

static int set_data(Ctx *c, const Expr *e, DataSpec *ds) {
    memset(ds, 0, sizeof *ds);
    ds->binarize = NAN;
    const char *fn = e->kind == EX_CALL ? e->str : NULL;
    if (!fn) {
        diag_error(c->d, e->span, "data must be a loader: idx(\"file\"), csv(\"file\"), npy(\"file\") or bars_and_stripes(rows, cols)");
        return 0;
    }
    if (!strcmp(fn, "moving_bar")) {
        ArgSpec a[3] = {{"width", NULL}, {"history", NULL}, {"length", NULL}};
        long long w = 12, h = 2, len = 0;
        if (!bind_args(c, e, a, 3)) return 0;
        if (a[0].value && !get_int(c, a[0].value, 5, &w, "width")) return 0;
        if (a[1].value && !get_int(c, a[1].value, 0, &h, "history")) return 0;
        if (a[2].value && !get_int(c, a[2].value, 1, &len, "length")) return 0;
        if (a[1].value && a[2].value) {
            diag_error(c->d, a[2].value->span,
                       "moving_bar takes history = n (frames with their past) or length = T (sequences), not both");
            return 0;
        }
        ds->kind = RT_SRC_MOVING_BAR;
        ds->cols = (int)w;
        ds->rows = len ? 0 : (int)h;
        ds->length = (int)len;
        return 1;
    }
    if (!strcmp(fn, "bars_and_stripes")) {
        ArgSpec a[3] = {{"rows", NULL}, {"cols", NULL}, {"spins", NULL}};
        long long r = 4, k = 4;
        double sp;
        if (!bind_args(c, e, a, 3)) return 0;
        if (a[2].value) {
            if (!get_num(c, a[2].value, &sp, "spins")) return 0;
            ds->spins = sp != 0;
        }
        if (a[0].value && !get_int(c, a[0].value, 1, &r, "rows")) return 0;
        if (a[1].value && !get_int(c, a[1].value, 1, &k, "cols")) return 0;
        if (r > 12 || k > 12) {
            diag_error(c->d, e->span, "bars_and_stripes is for small images (at most 12 x 12)");
            return 0;
        }
        ds->kind = RT_SRC_BARS_STRIPES;
        ds->rows = (int)r;
        ds->cols = (int)k;
        return 1;
    }
    static const char *const loaders[] = {"idx", "csv", "npy", "bars_and_stripes", "moving_bar"};
    if (strcmp(fn, "idx") && strcmp(fn, "csv") && strcmp(fn, "npy")) {
        diag_error(c->d, e->span, "unknown data loader '%s'", fn);
        const char *best = sema_suggest(fn, loaders, 5);
        if (best) diag_note(c->d, e->span, "did you mean '%s'?", best);
        return 0;
    }
    ds->kind = !strcmp(fn, "idx") ? RT_SRC_IDX : !strcmp(fn, "csv") ? RT_SRC_CSV : RT_SRC_NPY;
    ArgSpec a[9] = {{"path", NULL},  {"binarize", NULL}, {"standardize", NULL}, {"limit", NULL}, {"spins", NULL},
                    {"history", NULL}, {"patch", NULL},   {"patches", NULL},     {"labels", NULL}};
    if (!bind_args(c, e, a, ds->kind == RT_SRC_IDX ? 9 : 6)) return 0;
    if (a[8].value && !(ds->labels = get_str(c, a[8].value, "labels"))) return 0;
    long long pv;
    if (a[6].value) {
        if (!get_int(c, a[6].value, 1, &pv, "patch")) return 0;
        ds->patch = (int)pv;
        ds->patches = 10000;
    }
    if (a[7].value && !get_int(c, a[7].value, 1, &ds->patches, "patches")) return 0;
    if (a[5].value) {
        if (!get_int(c, a[5].value, 1, &pv, "history")) return 0;
        ds->history = (int)pv;
    }
    double sp;
    if (a[4].value) {
        if (!get_num(c, a[4].value, &sp, "spins")) return 0;
        ds->spins = sp != 0;
    }
    if (!a[0].value) {
        diag_error(c->d, e->span, "%s() needs the file to read: %s(\"path\")", fn, fn);
        return 0;
    }
    if (!(ds->path = get_str(c, a[0].value, "the file"))) return 0;
    double v;
    if (a[1].value) {
        if (!get_num(c, a[1].value, &v, "binarize")) return 0;
        ds->binarize = v;
    }
    if (a[2].value) {
        if (!get_num(c, a[2].value, &v, "standardize")) return 0;
        ds->standardize = v != 0;
    }
    if (a[3].value && !get_int(c, a[3].value, 1, &ds->limit, "limit")) return 0;
    return 1;
}

/* One of kinds, named by e (a bare name, or a call's name when calls is
 * set): its index, or -1 after an error saying msg, with a did-you-mean
 * note for a near miss when suggest is set. */
static int get_keyword(Ctx *c, const Expr *e, const char *const *kinds, int n, int calls, int suggest, const char *msg) {
    const char *s = (e->kind == EX_NAME && !e->has_index) || (calls && e->kind == EX_CALL) ? e->str : "";
    for (int i = 0; i < n; i++)
        if (!strcmp(s, kinds[i])) return i;
    diag_error(c->d, e->span, "%s", msg);
    const char *best = suggest && *s ? sema_suggest(s, kinds, n) : NULL;
    if (best) diag_note(c->d, e->span, "did you mean '%s'?", best);
    return -1;
}

/* em(tol) | ica(algorithm, tol) | sfa(expand) | sparse_coding(iters, l1)
 * | wake_sleep(recognition) | reinforce(recognition, samples, baseline): the methods
 * with loops of their own (runtime/run/rt_methods.h) */
static int set_latent_method(Ctx *c, const Expr *e, const char *name, TrainConfig *tc) {
    rt_train_cfg *t = &tc->rt;
    ArgSpec a[3] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}};
    int na = 0;
    if (!strcmp(name, "em")) {
        t->method = RT_EM;
        a[0].name = "tol", na = 1;
    } else if (!strcmp(name, "ica")) {
        t->method = RT_ICA;
        a[0].name = "algorithm", a[1].name = "tol", na = 2;
    } else if (!strcmp(name, "sfa")) {
        t->method = RT_SFA;
        a[0].name = "expand", na = 1;
    } else if (!strcmp(name, "sparse_coding")) {
        t->method = RT_SPARSE;
        a[0].name = "iters", a[1].name = "l1", na = 2;
    } else if (!strcmp(name, "wake_sleep") || !strcmp(name, "reinforce")) {
        t->method = !strcmp(name, "reinforce") ? RT_REINFORCE : RT_WAKE_SLEEP;
        a[0].name = "recognition", a[1].name = "samples", a[2].name = "baseline";
        na = t->method == RT_REINFORCE ? 3 : 1;
        /* the method's expression says everything: an override of it that
         * leaves an argument out gets the default, not the spec's value */
        t->samples = 1;
        t->baseline = RT_BASELINE_LEARNED;
    } else {
        return -1;
    }
    if (e->kind == EX_CALL && !bind_args(c, e, a, na)) return 0;
    long long v;
    switch (t->method) {
    case RT_EM: return !a[0].value || get_pos(c, a[0].value, &t->tol, "tol");
    case RT_ICA:
        if (a[0].value) {
            static const char *const algs[] = {"natural", "fastica"};
            int i = get_keyword(c, a[0].value, algs, 2, 0, 1, "algorithm must be natural (Amari's natural gradient) or fastica");
            if (i < 0) return 0;
            t->ica_fast = i == 1;
        }
        return !a[1].value || get_pos(c, a[1].value, &t->tol, "tol");
    case RT_SFA:
        if (a[0].value) {
            static const char *const expands[] = {"linear", "quadratic"};
            int i = get_keyword(c, a[0].value, expands, 2, 0, 0, "expand must be linear or quadratic");
            if (i < 0) return 0;
            t->sfa_quadratic = i == 1;
        }
        return 1;
    case RT_SPARSE:
        if (a[0].value && !get_int(c, a[0].value, 1, &v, "iters")) return 0;
        if (a[0].value) t->iters = (int)v;
        return !a[1].value || get_pos(c, a[1].value, &t->l1_scale, "l1");
    default:
        if (!a[0].value) {
            diag_error(c->d, e->span, "%s(recognition = q) names the model of q(h | x): a second model in this spec", name);
            return 0;
        }
        if (a[0].value->kind != EX_NAME || a[0].value->has_index) {
            diag_error(c->d, a[0].value->span, "recognition must name a model of this spec");
            return 0;
        }
        tc->recognition = a[0].value->str;
        tc->recognition_span = a[0].value->span;
        if (a[1].value && !get_int(c, a[1].value, 1, &v, "samples")) return 0;
        if (a[1].value) t->samples = v;
        if (a[2].value) {
            static const char *const kinds[] = {"none", "learned", "optimal"};
            int i = get_keyword(c, a[2].value, kinds, 3, 0, 1,
                                "baseline must be none, learned (b(x) = mu + c + v.x) or optimal (the learned one plus "
                                "the optimal constant per parameter)");
            if (i < 0) return 0;
            t->baseline = i;   /* the order of RT_BASELINE_* */
        }
        return 1;
    }
}

/* pt(replicas = 10, k = 1, chains = 100, beta_min = 0, spacing = linear):
 * persistent chains sampled by parallel tempering (runtime/run/rt_pt.h) */
static int set_pt(Ctx *c, const Expr *e, rt_train_cfg *t) {
    t->method = RT_PT;
    t->replicas = 10;
    if (e->kind != EX_CALL) return 1;
    ArgSpec a[5] = {{"replicas", NULL}, {"k", NULL}, {"chains", NULL}, {"beta_min", NULL}, {"spacing", NULL}};
    if (!bind_args(c, e, a, 5)) return 0;
    long long v;
    if (a[0].value) {
        if (!get_int(c, a[0].value, 1, &v, "replicas")) return 0;
        t->replicas = (int)v;
    }
    if (a[1].value) {
        if (!get_int(c, a[1].value, 1, &v, "k")) return 0;
        t->k = (int)v;
    }
    if (a[2].value) {
        if (!get_int(c, a[2].value, 1, &v, "chains")) return 0;
        t->chains = v;
    }
    if (a[3].value) {
        if (!get_pos(c, a[3].value, &t->beta_min, "beta_min")) return 0;
        if (t->beta_min >= 1) {
            diag_error(c->d, a[3].value->span, "beta_min must be below 1 (the target temperature)");
            return 0;
        }
    }
    if (a[4].value) {
        const Expr *x = a[4].value;
        static const char *const spacings[] = {"linear", "geometric"};
        int i = get_keyword(c, x, spacings, 2, 0, 0, "spacing must be linear (betas evenly from 1 to beta_min) or geometric");
        if (i < 0) return 0;
        t->pt_geometric = i == 1;
        if (t->pt_geometric && t->beta_min <= 0) {
            diag_error(c->d, x->span, "geometric spacing needs beta_min > 0");
            return 0;
        }
    }
    return 1;
}

/* adversarial(discriminator = d, logit = s, k = 1): the train block's model
 * is the generator; k discriminator steps per generator step */
static int set_adversarial(Ctx *c, const Expr *e, TrainConfig *tc) {
    rt_train_cfg *t = &tc->rt;
    ArgSpec a[3] = {{"discriminator", NULL}, {"logit", NULL}, {"k", NULL}};
    t->method = RT_ADVERSARIAL;
    t->k = 1;
    tc->method_span = e->span;
    tc->logit = NULL;
    if (e->kind != EX_CALL || !bind_args(c, e, a, 3) || !a[0].value) {
        if (!a[0].value)
            diag_error(c->d, e->span, "adversarial(discriminator = d) names the discriminator: another model of this spec");
        return 0;
    }
    for (int i = 0; i < 2; i++)
        if (a[i].value && (a[i].value->kind != EX_NAME || a[i].value->has_index)) {
            diag_error(c->d, a[i].value->span, "%s must name %s", a[i].name,
                       i ? "a scalar let of the discriminator" : "a model of this spec");
            return 0;
        }
    tc->discriminator = a[0].value->str;
    if (a[1].value) tc->logit = a[1].value->str;
    long long k;
    if (a[2].value) {
        if (!get_int(c, a[2].value, 1, &k, "k")) return 0;
        t->k = (int)k;
    }
    return 1;
}

/* mp(iters = 10, drop = 0.5): the multi-prediction loss of a deep
 * Boltzmann machine (compiler/derive/derive_mp.h), minimised */
static int set_mp(Ctx *c, const Expr *e, rt_train_cfg *t) {
    t->method = RT_MP;
    t->iters = 10;
    t->mp_drop = 0.5;
    if (e->kind != EX_CALL) return 1;
    ArgSpec a[2] = {{"iters", NULL}, {"drop", NULL}};
    if (!bind_args(c, e, a, 2)) return 0;
    long long v;
    if (a[0].value) {
        if (!get_int(c, a[0].value, 1, &v, "iters")) return 0;
        if (v > 100) {
            diag_error(c->d, a[0].value->span, "iters must be at most 100 (mean-field sweeps unrolled into the network)");
            return 0;
        }
        t->iters = (int)v;
    }
    if (a[1].value) {
        if (!get_pos(c, a[1].value, &t->mp_drop, "drop")) return 0;
        if (t->mp_drop >= 1) {
            diag_error(c->d, a[1].value->span, "drop must be below 1: it is the fraction of the visible units predicted from the rest");
            return 0;
        }
    }
    return 1;
}

static int set_method(Ctx *c, const Expr *e, TrainConfig *tc) {
    rt_train_cfg *t = &tc->rt;
    const char *name = e->kind == EX_CALL || (e->kind == EX_NAME && !e->has_index) ? e->str : NULL;
    int latent = name ? set_latent_method(c, e, name, tc) : -1;
    if (latent >= 0) return latent;
    if (name && !strcmp(name, "minimize")) {
        t->method = RT_MINIMIZE;
        return 1;
    }
    if (name && !strcmp(name, "adversarial")) return set_adversarial(c, e, tc);
    if (name && !strcmp(name, "discriminative")) {
        t->method = RT_DISCRIMINATIVE;
        ArgSpec a[3] = {{"target", NULL}, {"generative", NULL}, {"k", NULL}};
        if (e->kind != EX_CALL || !bind_args(c, e, a, 3) || !a[0].value) {
            if (!a[0].value) diag_error(c->d, e->span, "discriminative(target = y) names the visible group to predict");
            return 0;
        }
        if ((t->target = group_index(c, a[0].value, "target")) < 0) return 0;
        if (a[1].value && !get_pos(c, a[1].value, &t->generative, "generative")) return 0;
        long long k;
        if (a[2].value) {
            if (!get_int(c, a[2].value, 1, &k, "k")) return 0;
            t->k = (int)k;
        }
        return 1;
    }
    if (name && !strcmp(name, "pt")) return set_pt(c, e, t);
    if (name && !strcmp(name, "mp")) return set_mp(c, e, t);
    if (name && !strcmp(name, "up_down")) {
        /* contrastive wake-sleep: k Gibbs steps in the top RBM per batch */
        if (c->m) {
            diag_error(c->d, e->span, "up_down fine-tunes a whole DBN: it is a stack's stage of its own "
                                      "(stage tune { method = up_down(k = 10) }), without layer =");
            return 0;
        }
        t->method = RT_UP_DOWN;
        t->k = 10;
        ArgSpec a[1] = {{"k", NULL}};
        long long v;
        if (e->kind == EX_CALL && !bind_args(c, e, a, 1)) return 0;
        if (a[0].value && !get_int(c, a[0].value, 1, &v, "k")) return 0;
        if (a[0].value) t->k = (int)v;
        return 1;
    }
    if (!name || (strcmp(name, "cd") && strcmp(name, "pcd"))) {
        diag_error(c->d, e->span, "method must be cd(k = 1), pcd(k = 1, chains = 100), pt(replicas = 10, k = 1, chains = 100), "
                                  "discriminative(target = y), minimize, adversarial(discriminator = d), em, ica, sfa, "
                                  "sparse_coding, wake_sleep(recognition = q), reinforce(recognition = q), mp(iters = 10, drop = 0.5) "
                                  "or (a DBN's stage) up_down(k = 10)");
        static const char *const m[] = {"cd", "pcd", "pt", "discriminative", "minimize", "adversarial", "em", "ica", "sfa",
                                        "sparse_coding", "wake_sleep", "reinforce", "mp", "up_down"};
        const char *best = name ? sema_suggest(name, m, (int)(sizeof m / sizeof *m)) : NULL;
        if (best) diag_note(c->d, e->span, "did you mean '%s'?", best);
        return 0;
    }
    t->method = !strcmp(name, "cd") ? RT_CD : RT_PCD;
    if (e->kind != EX_CALL) return 1;
    ArgSpec a[2] = {{"k", NULL}, {"chains", NULL}};
    int n = t->method == RT_PCD ? 2 : 1;
    if (!bind_args(c, e, a, n)) return 0;
    long long v;
    if (a[0].value) {
        if (!get_int(c, a[0].value, 1, &v, "k")) return 0;
        t->k = (int)v;
    }
    if (n > 1 && a[1].value) {
        if (!get_int(c, a[1].value, 1, &v, "chains")) return 0;
        t->chains = v;
    }
    return 1;
}

static int set_monitor(Ctx *c, const Expr *e, rt_train_cfg *t) {
    if (e->kind == EX_EVERY) {
        long long n;
        if (!get_int(c, e->rhs, 1, &n, "the epochs after 'every'")) return 0;
        t->mon_every = (int)n;
        e = e->lhs;
    }
    const Expr *items[16];
    int n = 0;
    if (e->kind == EX_LIST)
        for (int i = 0; i < e->nargs && n < 16; i++) items[n++] = e->args[i].value;
    else
        items[n++] = e;
    t->mon_recon = t->mon_pll = t->mon_exact = t->mon_accuracy = t->mon_fe_gap = 0;
    static const char *const names[] = {"recon_error", "pseudo_loglik", "exact_loglik", "accuracy", "fe_gap"};
    for (int i = 0; i < n; i++) {
        const Expr *it = items[i];
        const char *name = it->kind == EX_NAME && !it->has_index ? it->str : "";
        if (!strcmp(name, "recon_error")) t->mon_recon = 1;
        else if (!strcmp(name, "pseudo_loglik")) t->mon_pll = 1;
        else if (!strcmp(name, "exact_loglik")) t->mon_exact = 1;
        else if (!strcmp(name, "accuracy")) t->mon_accuracy = 1;
        else if (!strcmp(name, "fe_gap")) t->mon_fe_gap = 1;
        else if (!strcmp(name, "none")) continue;   /* no monitors (what --print-config writes for none) */
        else {
            diag_error(c->d, it->span, "unknown monitor");
            const char *best = *name ? sema_suggest(name, names, 5) : NULL;
            if (best) diag_note(c->d, it->span, "did you mean '%s'?", best);
            else diag_note(c->d, it->span, "the monitors are recon_error, pseudo_loglik, exact_loglik, accuracy, fe_gap");
            return 0;
        }
    }
    return 1;
}

/* optimizer = sgd | adam(beta1 = 0.9, beta2 = 0.999, eps = 1e-8) */
static int set_optimizer(Ctx *c, const Expr *e, rt_train_cfg *t) {
    const char *name = e->kind == EX_CALL || (e->kind == EX_NAME && !e->has_index) ? e->str : "";
    if (!strcmp(name, "sgd")) {
        t->optimizer = RT_SGD;
        return 1;
    }
    if (strcmp(name, "adam")) {
        diag_error(c->d, e->span, "optimizer must be sgd or adam(beta1 = 0.9, beta2 = 0.999, eps = 1e-8)");
        return 0;
    }
    t->optimizer = RT_ADAM;
    if (e->kind != EX_CALL) return 1;
    ArgSpec a[3] = {{"beta1", NULL}, {"beta2", NULL}, {"eps", NULL}};
    if (!bind_args(c, e, a, 3)) return 0;
    if (a[0].value && !get_frac(c, a[0].value, &t->beta1, "beta1")) return 0;
    if (a[1].value && !get_frac(c, a[1].value, &t->beta2, "beta2")) return 0;
    if (a[2].value && !get_pos(c, a[2].value, &t->adam_eps, "eps")) return 0;
    return 1;
}

/* gradient = plain | enhanced (runtime/run/rt_enhanced.h) */
static int set_gradient(Ctx *c, const Expr *e, rt_train_cfg *t) {
    static const char *const kinds[] = {"plain", "enhanced"};
    int i = get_keyword(c, e, kinds, 2, 0, 1,
                        "gradient must be plain or enhanced (Cho, Raiko & Ilin 2011: an RBM's W, b, c centred on "
                        "the average of the data and model means)");
    if (i < 0) return 0;
    t->gradient = i;   /* the order of RT_GRADIENT_* */
    return 1;
}

/* KIND or KINDS[call](factor = f): the kind's index, or -1 after an error
 * saying msg; *factor gets f when given, which must lie in (0, 1) when
 * below_one is set, else above 1 */
static int get_kind_factor(Ctx *c, const Expr *e, const char *const *kinds, int n, int call, const char *msg,
                           int below_one, double *factor) {
    int i = get_keyword(c, e, kinds, n, 1, 1, msg);
    if (i < 0) return -1;
    if (e->kind == EX_CALL && i != call) {
        diag_error(c->d, e->span, "%s", msg);
        return -1;
    }
    if (e->kind != EX_CALL) return i;
    ArgSpec a[1] = {{"factor", NULL}};
    if (!bind_args(c, e, a, 1)) return -1;
    if (!a[0].value) return i;
    double f;
    if (!get_pos(c, a[0].value, &f, "factor")) return -1;
    if (below_one ? !(f > 0 && f < 1) : !(f > 1)) {
        diag_error(c->d, a[0].value->span, below_one ? "factor must be between 0 and 1 (the learning rate is multiplied by it)"
                                                     : "factor must be above 1 (the candidates are lr / factor, lr and lr * factor)");
        return -1;
    }
    *factor = f;
    return i;
}

/* adapt_lr = off | likelihood | likelihood(factor = 1.1)
 * (runtime/run/rt_adaptive.h) */
static int set_adapt_lr(Ctx *c, const Expr *e, rt_train_cfg *t) {
    static const char *const kinds[] = {"off", "likelihood"};
    double f = 1.1;
    int i = get_kind_factor(c, e, kinds, 2, 1,
                            "adapt_lr must be off, likelihood or likelihood(factor = f) (each batch's lr chosen among "
                            "lr / f, lr and lr * f by estimated likelihood; f = 1.1 by default)",
                            0, &f);
    if (i < 0) return 0;
    t->adapt_lr = i ? f : 0;
    return 1;
}

/* on_collapse = stop | restore | restore(factor = 0.5) | ignore
 * (runtime/run/rt_collapse.h) */
static int set_on_collapse(Ctx *c, const Expr *e, rt_train_cfg *t) {
    static const char *const kinds[] = {"stop", "restore", "ignore"};
    double f = 0.5;
    int i = get_kind_factor(c, e, kinds, 3, RT_COLLAPSE_RESTORE,
                            "on_collapse must be stop (keep the last good epoch and stop), restore or restore(factor = "
                            "f) (go back to it with the learning rate times f, 0.5 by default) or ignore",
                            1, &f);
    if (i < 0) return 0;
    t->on_collapse = i;   /* the order of RT_COLLAPSE_* */
    t->collapse_factor = f;
    return 1;
}

/* params = W(lr = 0.1, momentum = 0), z(weight_decay = 0): overrides of
 * parameters' update rules, merged into what earlier entries set (so that
 * --set param.W.lr=0.1 and --set param.W.momentum=0 both hold) */
static int set_param_rules(Ctx *c, const Expr *e, rt_train_cfg *t) {
    int n = e->kind == EX_LIST ? e->nargs : 1;
    rt_param_rule *rules = ARENA_ARRAY(c->a, rt_param_rule, t->nparam_rules + n + 1);
    int nr = t->nparam_rules;
    for (int i = 0; i < nr; i++) rules[i] = t->param_rules[i];
    for (int i = 0; i < n; i++) {
        const Expr *it = e->kind == EX_LIST ? e->args[i].value : e;
        if (it->kind != EX_CALL) {
            diag_error(c->d, it->span, "params takes PARAM(lr = scale, momentum = m, weight_decay = d), ...");
            return 0;
        }
        const Sym *s = c->m ? sema_lookup(c->m, it->str) : NULL;
        if (c->m && (!s || s->kind != SYM_PARAM)) {
            diag_error(c->d, it->span, "params: model '%s' has no parameter '%s'", c->m->name, it->str);
            const char *names[64];
            int nn = 0;
            for (int k = 0; k < c->m->nparams && nn < 64; k++) names[nn++] = c->m->params[k]->name;
            const char *best = sema_suggest(it->str, names, nn);
            if (best) diag_note(c->d, it->span, "did you mean '%s'?", best);
            return 0;
        }
        ArgSpec a[3] = {{"lr", NULL}, {"momentum", NULL}, {"weight_decay", NULL}};
        if (!bind_args(c, it, a, 3)) return 0;
        int k = 0;
        while (k < nr && strcmp(rules[k].param, it->str)) k++;
        if (k == nr) rules[nr++] = (rt_param_rule){it->str, NAN, NAN, NAN};
        rt_param_rule *r = &rules[k];
        if (a[0].value && !get_pos(c, a[0].value, &r->lr_scale, "lr")) return 0;
        if (a[1].value && !get_pos(c, a[1].value, &r->momentum, "momentum")) return 0;
        if (a[1].value && r->momentum >= 1) {
            diag_error(c->d, a[1].value->span, "momentum must be below 1");
            return 0;
        }
        if (a[2].value && !get_pos(c, a[2].value, &r->weight_decay, "weight_decay")) return 0;
    }
    t->nparam_rules = nr;
    t->param_rules = rules;
    return 1;
}

static int train_entry(Ctx *c, const Stmt *st, TrainConfig *tc) {
    rt_train_cfg *t = &tc->rt;
    const Expr *e = st->expr;
    const char *k = st->name;
    long long v;
    double x;
    if (!k) {
        diag_error(c->d, st->span, "a train block holds settings: key = value");
        return 0;
    }
    if (!strcmp(k, "data")) return set_data(c, e, &tc->data);
    if (!strcmp(k, "test")) return set_data(c, e, &tc->test);
    if (!strcmp(k, "validation")) return set_data(c, e, &tc->validation);
    if (!strcmp(k, "filters")) return (tc->filters = get_str(c, e, "filters")) != NULL;
    if (!strcmp(k, "method")) return set_method(c, e, tc);
    if (!strcmp(k, "batch")) return get_int(c, e, 1, &v, "batch") && (t->batch = v, 1);
    if (!strcmp(k, "epochs")) return get_int(c, e, 0, &v, "epochs") && (t->epochs = (int)v, 1);
    if (!strcmp(k, "lr")) return get_schedule(c, e, &t->lr, "lr");
    if (!strcmp(k, "momentum")) return get_schedule(c, e, &t->momentum, "momentum") && below_one(c, e, &t->momentum, "momentum");
    if (!strcmp(k, "weight_decay")) return get_schedule(c, e, &t->weight_decay, "weight_decay");
    if (!strcmp(k, "seed")) return get_int_in(c, e, 0, SEED_MAX, &v, "seed") && (t->seed = (uint64_t)v, 1);
    if (!strcmp(k, "monitor")) return set_monitor(c, e, t);
    if (!strcmp(k, "mean_field")) return get_int(c, e, 1, &v, "mean_field") && (t->mf_iters = (int)v, 1);
    if (!strcmp(k, "mean_field_tol")) return get_pos(c, e, &x, "mean_field_tol") && (t->mf_tol = x, 1);
    if (!strcmp(k, "target")) return (t->target = group_index(c, e, "target")) >= 0;
    if (!strcmp(k, "optimizer")) return set_optimizer(c, e, t);
    if (!strcmp(k, "checkpoint_every")) return get_int(c, e, 1, &v, "checkpoint_every") && (t->checkpoint_every = (int)v, 1);
    if (!strcmp(k, "checkpoint_minutes")) return get_pos(c, e, &x, "checkpoint_minutes") && (t->checkpoint_minutes = x, 1);
    if (!strcmp(k, "on_collapse")) return set_on_collapse(c, e, t);
    if (!strcmp(k, "params")) return set_param_rules(c, e, t);
    if (!strcmp(k, "gradient")) return set_gradient(c, e, t);
    if (!strcmp(k, "adapt_lr")) return set_adapt_lr(c, e, t);
    static const char *const keys[] = {"data", "method", "batch", "epochs", "lr", "momentum",
                                       "weight_decay", "seed", "monitor", "mean_field", "mean_field_tol", "target",
                                       "optimizer", "checkpoint_every", "checkpoint_minutes", "test", "filters", "validation",
                                       "on_collapse", "params", "gradient", "adapt_lr"};
    diag_error(c->d, st->name_span, "unknown train setting '%s'", k);
    const char *best = sema_suggest(k, keys, (int)(sizeof keys / sizeof keys[0]));
    if (best) diag_note(c->d, st->name_span, "did you mean '%s'?", best);
    else diag_note(c->d, st->name_span, "the settings are data, method, batch, epochs, lr, momentum, weight_decay, seed, monitor, mean_field, mean_field_tol, target, optimizer, checkpoint_every, checkpoint_minutes, test, filters, validation, on_collapse, params, gradient, adapt_lr");
    return 0;
}

/* clamp = v(file = "x.csv", free = "bottom_half"), y(value = 0) */
static int set_clamps(Ctx *c, const Expr *e, SampleConfig *sc) {
    const Expr *items[16];
    int n = 0;
    if (e->kind == EX_LIST)
        for (int i = 0; i < e->nargs && n < 16; i++) items[n++] = e->args[i].value;
    else
        items[n++] = e;
    for (int i = 0; i < n; i++) {
        const Expr *it = items[i];
        if (it->kind != EX_CALL || sc->nclamps >= 16) {
            diag_error(c->d, it->span, "clamp takes GROUP(file = \"values.csv\") or GROUP(value = 0), optionally with free = \"bottom_half\"");
            return 0;
        }
        ClampSpec *cs = &sc->clamps[sc->nclamps];
        memset(cs, 0, sizeof *cs);
        cs->group = it->str;
        cs->value = NAN;
        cs->span = it->span;
        ArgSpec a[5] = {{"file", NULL}, {"value", NULL}, {"free", NULL}, {"binarize", NULL}, {"limit", NULL}};
        if (!bind_args(c, it, a, 5)) return 0;
        cs->binarize = NAN;
        if (a[3].value && !get_num(c, a[3].value, &cs->binarize, "binarize")) return 0;
        if (a[4].value && !get_int(c, a[4].value, 1, &cs->limit, "limit")) return 0;
        if (!a[0].value == !a[1].value) {
            diag_error(c->d, it->span, "clamp %s(...) needs either file = \"...\" or value = number", it->str);
            return 0;
        }
        if (a[0].value && !(cs->file = get_str(c, a[0].value, "file"))) return 0;
        if (a[1].value && !get_num(c, a[1].value, &cs->value, "value")) return 0;
        if (a[2].value) {
            static const char *const regions[] = {"top_half", "bottom_half", "left_half", "right_half"};
            if (!(cs->free = get_str(c, a[2].value, "free"))) return 0;
            int ok = 0;
            for (int k = 0; k < 4; k++) ok |= !strcmp(cs->free, regions[k]);
            if (!ok) {
                diag_error(c->d, a[2].value->span, "free must be top_half, bottom_half, left_half or right_half");
                return 0;
            }
        }
        sc->nclamps++;
    }
    return 1;
}

static int sample_entry(Ctx *c, const Stmt *st, SampleConfig *sc) {
    long long v;
    const char *k = st->name;
    if (!k) {
        diag_error(c->d, st->span, "a sample block holds settings: key = value");
        return 0;
    }
    if (!strcmp(k, "chains")) return get_int(c, st->expr, 1, &v, "chains") && (sc->chains = v, 1);
    if (!strcmp(k, "steps")) return get_int(c, st->expr, 0, &v, "steps") && (sc->steps = v, 1);
    if (!strcmp(k, "seed")) return get_int_in(c, st->expr, 0, SEED_MAX, &v, "seed") && (sc->seed = (unsigned long long)v, 1);
    if (!strcmp(k, "out")) return (sc->out = get_str(c, st->expr, "out")) != NULL;
    if (!strcmp(k, "length")) return get_int(c, st->expr, 1, &v, "length") && (sc->length = v, 1);
    if (!strcmp(k, "clamp")) return set_clamps(c, st->expr, sc);
    if (!strcmp(k, "mean_field")) {
        double x;
        return get_num(c, st->expr, &x, "mean_field") && (sc->mean_field = x != 0, 1);
    }
    static const char *const keys[] = {"chains", "steps", "seed", "out", "clamp", "mean_field", "length"};
    diag_error(c->d, st->name_span, "unknown sample setting '%s'", k);
    const char *best = sema_suggest(k, keys, 7);
    if (best) diag_note(c->d, st->name_span, "did you mean '%s'?", best);
    return 0;
}

/* entries of overrides (--config RUN.yaml, --set: runconfig.c) */
typedef struct Target {
    Ctx *c;
    void *out;
} Target;

static int train_fn(void *ctx, const Stmt *st) {
    Target *t = ctx;
    return train_entry(t->c, st, t->out);
}

static int sample_fn(void *ctx, const Stmt *st);

int config_train(Arena *a, Diag *d, const Model *m, const Block *block, char **sets, int nsets, TrainConfig *out) {
    Ctx c = {a, d, m};
    memset(out, 0, sizeof *out);
    out->rt = rt_train_defaults();
    out->data.kind = RT_SRC_NONE;
    out->test.kind = RT_SRC_NONE;
    out->validation.kind = RT_SRC_NONE;
    int errors = d->errors;
    for (int i = 0; block && i < block->nstmts; i++) {
        const Stmt *st = block->stmts[i];
        if (st->kind == ST_STAGE) {
            diag_error(d, st->span, "training stages are not supported yet");
            continue;
        }
        train_entry(&c, st, out);
    }
    Target t = {&c, out};
    runconfig_apply(a, d, "train", NULL, sets, nsets, train_fn, &t);
    return d->errors == errors;
}

int config_data(Arena *a, Diag *d, const Expr *e, DataSpec *out) {
    Ctx c = {a, d, NULL};
    return set_data(&c, e, out);
}

int config_train_entry(Arena *a, Diag *d, const Model *m, const Stmt *st, TrainConfig *out) {
    Ctx c = {a, d, m};
    return train_entry(&c, st, out);
}

int config_train_sets(Arena *a, Diag *d, const Model *m, const char *stage, char **sets, int nsets, TrainConfig *out) {
    Ctx c = {a, d, m};
    Target t = {&c, out};
    return runconfig_apply(a, d, "train", stage, sets, nsets, train_fn, &t);
}

/* the index of another model of the spec named `name` (the `what` of m),
 * or -1 after an error whose note shows how to declare it */
static int other_model(Diag *d, const SemaResult *s, const Model *m, const char *name, Span at, const char *what,
                       const char *how) {
    const char *names[64];
    int n = 0;
    for (int k = 0; k < s->nmodels; k++) {
        if (!strcmp(s->models[k]->name, name)) {
            if (s->models[k] == m) break;
            return k;
        }
        if (n < 64 && s->models[k] != m) names[n++] = s->models[k]->name;
    }
    if (!strcmp(m->name, name)) {
        diag_error(d, at, "the %s model must be another model than '%s'", what, m->name);
        diag_note(d, at, "declare it as its own model: %s", how);
        return -1;
    }
    diag_error(d, at, "this spec has no model '%s'", name);
    const char *best = sema_suggest(name, names, n);
    if (best) diag_note(d, at, "did you mean '%s'?", best);
    else diag_note(d, at, "declare it as a model of this spec: %s", how);
    return -1;
}

int config_recognition(Diag *d, const SemaResult *s, const Model *m, const TrainConfig *tc) {
    if (!tc->recognition) return -1;
    return other_model(d, s, m, tc->recognition, tc->recognition_span, "recognition",
                       "q(h | x): input x, visible h, h[j] ~ bernoulli(...)");
}

int config_discriminator(Diag *d, const SemaResult *s, const Model *m, const TrainConfig *tc) {
    if (!tc->discriminator) return -1;
    return other_model(d, s, m, tc->discriminator, tc->method_span, "discriminator",
                       "visible x (the generator's output), lets, the last a scalar logit log D/(1 - D)");
}

int config_sample(Arena *a, Diag *d, const Block *block, char **sets, int nsets, SampleConfig *out) {
    Ctx c = {a, d, NULL};
    memset(out, 0, sizeof *out);
    out->chains = 64;
    out->steps = 1000;
    out->out = NULL;
    out->seed = 1;
    int errors = d->errors;
    for (int i = 0; block && i < block->nstmts; i++) sample_entry(&c, block->stmts[i], out);
    Target t = {&c, out};
    runconfig_apply(a, d, "sample", NULL, sets, nsets, sample_fn, &t);
    return d->errors == errors;
}

static int sample_fn(void *ctx, const Stmt *st) {
    Target *t = ctx;
    return sample_entry(t->c, st, t->out);
}

/* ---- eval --------------------------------------------------------------------------- */

/* ais(runs = 100, betas = 10000, schedule = "betas.txt") | exact */
static int eval_item(Ctx *c, const Expr *e, EvalConfig *ec) {
    const char *name = e->kind == EX_CALL || (e->kind == EX_NAME && !e->has_index) ? e->str : "";
    if (!strcmp(name, "exact") && e->kind == EX_NAME) return ec->exact = 1;
    if (strcmp(name, "ais")) {
        static const char *const items[] = {"ais", "exact"};
        diag_error(c->d, e->span, "unknown eval item%s%s%s", *name ? " '" : "", name, *name ? "'" : "");
        const char *best = *name ? sema_suggest(name, items, 2) : NULL;
        if (best) diag_note(c->d, e->span, "did you mean '%s'?", best);
        else diag_note(c->d, e->span, "an eval block holds ais(runs = 100, betas = 10000), exact, and settings data, filters, html, seed");
        return 0;
    }
    ec->ais = 1;
    if (e->kind != EX_CALL) return 1;
    ArgSpec a[3] = {{"runs", NULL}, {"betas", NULL}, {"schedule", NULL}};
    if (!bind_args(c, e, a, 3)) return 0;
    if (a[0].value && !get_int(c, a[0].value, 2, &ec->runs, "runs")) return 0;
    if (a[1].value && !get_int(c, a[1].value, 3, &ec->betas, "betas")) return 0;
    return !a[2].value || (ec->schedule = get_str(c, a[2].value, "schedule")) != NULL;
}

static int eval_entry(Ctx *c, const Stmt *st, EvalConfig *ec) {
    const Expr *e = st->expr;
    const char *k = st->name;
    long long v;
    if (!k) {
        if (e->kind != EX_LIST) return eval_item(c, e, ec);
        int ok = 1;
        for (int i = 0; i < e->nargs; i++) ok &= eval_item(c, e->args[i].value, ec);
        return ok;
    }
    if (!strcmp(k, "data")) return set_data(c, e, &ec->data);
    if (!strcmp(k, "filters")) return (ec->filters = get_str(c, e, "filters")) != NULL;
    if (!strcmp(k, "html")) return (ec->html = get_str(c, e, "html")) != NULL;
    if (!strcmp(k, "seed")) return get_int_in(c, e, 0, SEED_MAX, &v, "seed") && (ec->seed = (unsigned long long)v, 1);
    static const char *const keys[] = {"data", "filters", "html", "seed"};
    diag_error(c->d, st->name_span, "unknown eval setting '%s'", k);
    const char *best = sema_suggest(k, keys, 4);
    if (best) diag_note(c->d, st->name_span, "did you mean '%s'?", best);
    else diag_note(c->d, st->name_span, "an eval block holds ais(runs = 100, betas = 10000), exact, and settings data, filters, html, seed");
    return 0;
}

static int eval_fn(void *ctx, const Stmt *st) {
    Target *t = ctx;
    return eval_entry(t->c, st, t->out);
}

int config_eval(Arena *a, Diag *d, const Block *block, char **sets, int nsets, EvalConfig *out) {
    Ctx c = {a, d, NULL};
    memset(out, 0, sizeof *out);
    out->runs = 100;
    out->betas = 10000;
    out->seed = 1;
    out->data.kind = RT_SRC_NONE;
    int errors = d->errors;
    for (int i = 0; block && i < block->nstmts; i++) eval_entry(&c, block->stmts[i], out);
    Target t = {&c, out};
    runconfig_apply(a, d, "eval", NULL, sets, nsets, eval_fn, &t);
    return d->errors == errors;
}

/* ---- loading ------------------------------------------------------------------------ */

/* labels from an IDX file as one-hot columns after each example */
