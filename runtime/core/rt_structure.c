/* rt_structure.c — what a checkpoint must match to be loaded into a model.
 *
 * Two models with the same parameter names and shapes can still differ: a
 * bernoulli model's weights mean something else in a spin model, and an
 * energy with another sign or coupling reads the same tensors differently.
 * A checkpoint therefore carries its model's structure (groups with roles,
 * unit types, conditionals and shapes; parameters with shapes; the hash of
 * the expanded energy) as text and as a hash; loading compares hashes and,
 * when they differ, names both structures. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rt_model.h"

uint64_t rt_hash_text(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static const char *utype_name(int t) {
    static const char *const names[] = {"bernoulli", "spin", "gaussian", "softmax", "relu", "binomial", "laplace"};
    return t >= 0 && t < (int)(sizeof names / sizeof names[0]) ? names[t] : "?";
}

static void shape(FILE *f, int ndim, const int64_t *dims) {
    fputc('[', f);
    for (int d = 0; d < ndim; d++) fprintf(f, "%s%lld", d ? ", " : "", (long long)dims[d]);
    fputc(']', f);
}

char *rt_model_structure(const rt_model *m) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    static const char *const roles[] = {"visible", "hidden", "input"};
    static const char *const conds[] = {"sigmoid", "tanh", "softmax", "gaussian_diag", "gaussian_full", "relu",
                                        "binomial", "intractable"};
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        fprintf(f, "%s%s", g ? ", " : "", gr->name);
        if (gr->ndim) shape(f, gr->ndim, gr->dims);
        fprintf(f, " %s", utype_name(gr->utype));
        if (gr->utype == RT_BINOMIAL) fprintf(f, "(%d)", gr->binomial_n);
        fprintf(f, " %s", gr->role >= 0 && gr->role < 3 ? roles[gr->role] : "?");
        if (gr->cond >= 0 && gr->cond < RT_OBSERVED) fprintf(f, " %s", conds[gr->cond]);
    }
    fputs(";", f);
    for (int i = 0; i < m->nparams; i++) {
        fprintf(f, "%s%s", i ? ", " : " ", m->params[i].name);
        if (m->params[i].ndim) shape(f, m->params[i].ndim, m->params[i].dims);
    }
    if (m->energy_text) fprintf(f, "; energy %016" PRIx64, rt_hash_text(m->energy_text));
    fclose(f);
    return buf;
}

uint64_t rt_model_structure_hash(const rt_model *m) {
    char *s = rt_model_structure(m);
    uint64_t h = rt_hash_text(s);
    free(s);
    return h;
}

rt_meta *rt_structure_meta(const rt_model *m, const rt_meta *meta, int nmeta, int *n) {
    rt_meta *all = calloc((size_t)nmeta + 2, sizeof(rt_meta));
    if (!all) return NULL;
    int k = 0;
    for (int i = 0; i < nmeta; i++)
        if (strcmp(meta[i].key, "structure") && strcmp(meta[i].key, "structure_hash")) all[k++] = meta[i];
    char *text = rt_model_structure(m), *hash = malloc(17);
    if (hash) snprintf(hash, 17, "%016" PRIx64, rt_hash_text(text));
    all[k++] = (rt_meta){"structure", text ? text : ""};
    all[k++] = (rt_meta){"structure_hash", hash ? hash : ""};
    *n = k;
    return all;
}

void rt_structure_meta_free(rt_meta *all, int n) {
    if (!all) return;
    /* the last two values are this file's own */
    if (n >= 2) {
        if (*all[n - 2].value) free((char *)all[n - 2].value);
        if (*all[n - 1].value) free((char *)all[n - 1].value);
    }
    free(all);
}

int rt_structure_check(const rt_model *m, const char *path, const rt_meta *meta, int nmeta) {
    const char *hash = NULL, *text = NULL, *model = NULL;
    int stack = 0, ebmc = 0;
    for (int i = 0; i < nmeta; i++) {
        if (!strcmp(meta[i].key, "structure_hash")) hash = meta[i].value;
        else if (!strcmp(meta[i].key, "structure")) text = meta[i].value;
        else if (!strcmp(meta[i].key, "model")) model = meta[i].value;
        else if (!strcmp(meta[i].key, "stack")) stack = 1;
        if (!strcmp(meta[i].key, "spec") || !strcmp(meta[i].key, "model")) ebmc = 1;
    }
    if (!hash) {
        /* written by an ebmc from before checkpoints carried a structure: a
         * note; a stack's file (whose parts are matched by their
         * "MODEL.param" names) or another tool's file: names and shapes */
        if (ebmc && !stack)
            fprintf(stderr, "note: %s: written without its model's structure (by an older ebmc); "
                            "loaded by parameter names and shapes only\n", path);
        return 0;
    }
    char *mine = rt_model_structure(m);
    char want[17];
    snprintf(want, sizeof want, "%016" PRIx64, rt_hash_text(mine));
    int rc = 0;
    if (strcmp(hash, want))
        rc = rt_fail("%s: written for a model of another structure: %s%s%s(%s; structure %s), but the spec's model "
                     "'%s' is (%s; structure %s)",
                     path, model ? "'" : "", model ? model : "", model ? "' " : "", text ? text : "?", hash, m->name,
                     mine ? mine : "?", want);
    free(mine);
    return rc;
}
