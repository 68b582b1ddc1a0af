/* runconfig.c — overrides of settings blocks: --set KEY=VALUE parsed
 * against its own text, and every override applied with diagnostics in
 * the source it came from. */
#include "runconfig.h"

#include <string.h>

#include "parse.h"

static const RunConfig *current;

void runconfig_use(const RunConfig *rc) { current = rc; }
const RunConfig *runconfig_current(void) { return current; }

static const char *const kinds[] = {"train", "sample", "eval"};

static int is_ident(const char *s, size_t n) {
    if (n == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return 0;
    for (size_t i = 1; i < n; i++)
        if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return 0;
    return 1;
}

static Span span_at(int col, int len) {
    Span s = {1, col, 1, col + (len > 0 ? len - 1 : 0)};
    return s;
}

/* "[KIND.[STAGE.]]KEY=VALUE" as the entries of a block: the text after the
 * prefix stands on line 1 at its own columns, under a header on line 0, so
 * errors point into the --set text. 0 after errors (reported). */
static int set_source(Arena *a, const char *set, RunSource *out) {
    memset(out, 0, sizeof *out);
    out->file = "--set";
    out->text = set;
    out->len = strlen(set);
    Diag d;
    diag_init(&d, "--set", set, out->len);
    const char *eq = strchr(set, '=');
    if (!eq || eq == set) {
        diag_tool_error("--set expects KEY=VALUE, not '%s'", set);
        return 0;
    }
    /* the dotted parts of the key */
    const char *part[4];
    size_t plen[4];
    int np = 0;
    for (const char *p = set; p < eq && np < 4;) {
        const char *dot = memchr(p, '.', (size_t)(eq - p));
        const char *end = dot ? dot : eq;
        part[np] = p;
        plen[np++] = (size_t)(end - p);
        p = dot ? dot + 1 : eq;
    }
    for (int i = 0; i < np; i++)
        if (!is_ident(part[i], plen[i])) {
            diag_error(&d, span_at((int)(part[i] - set) + 1, (int)plen[i]), "a setting's name is a word: --set KEY=VALUE, "
                                                                                "--set train.KEY=VALUE");
            return 0;
        }
    /* param.W.lr=V or train.param.W.lr=V: the train entry params = W(lr = V),
     * laid out so that W, lr and V keep their columns in the --set text */
    int pp = np == 3 && plen[0] == 5 && !memcmp(part[0], "param", 5) ? 0
           : np == 4 && plen[0] == 5 && !memcmp(part[0], "train", 5) && plen[1] == 5 && !memcmp(part[1], "param", 5) ? 1
                                                                                                                 : -1;
    if (pp >= 0) {
        out->kind = "train";
        const char *w = part[pp + 1];
        char *psrc = arena_printf(a, "train _ {params =\n%*s%.*s(%s\n)}\n", (int)(w - set), "", (int)plen[pp + 1], w,
                                  part[pp + 2]);
        Program *p = parse_source_from(a, &d, "--set", psrc, strlen(psrc), 0);
        if (d.errors || p->nblocks != 1) return 0;
        out->block = p->blocks[0];
        return 1;
    }
    if (np > 3 || memchr(part[np - 1], '.', (size_t)(eq - part[np - 1]))) {
        diag_error(&d, span_at(1, (int)(eq - set)), "--set takes KEY, KIND.KEY, train.STAGE.KEY or param.NAME.KEY before '='");
        return 0;
    }
    if (np >= 2) {
        for (int k = 0; k < 3; k++)
            if (strlen(kinds[k]) == plen[0] && !memcmp(kinds[k], part[0], plen[0])) out->kind = kinds[k];
        if (!out->kind) {
            char *w = arena_strndup(a, part[0], plen[0]);
            diag_error(&d, span_at(1, (int)plen[0]), "'%s' is not a kind of block: train, sample or eval", w);
            const char *best = sema_suggest(w, kinds, 3);
            if (best) diag_note(&d, span_at(1, (int)plen[0]), "did you mean '%s'?", best);
            return 0;
        }
    }
    if (np == 3) {
        out->stage = arena_strndup(a, part[1], plen[1]);
        out->stage_span = span_at((int)(part[1] - set) + 1, (int)plen[1]);
    }
    const char *key = part[np - 1];
    char *src = arena_printf(a, "%s _ {%s%s%s\n%*s%s\n}%s\n", out->kind ? out->kind : "train", out->stage ? " stage " : "",
                             out->stage ? out->stage : "", out->stage ? " {" : "", (int)(key - set), "", key,
                             out->stage ? " }" : "");
    Program *p = parse_source_from(a, &d, "--set", src, strlen(src), 0);
    if (d.errors) return 0;
    if (p->nblocks != 1) {
        /* lr=0.1 } train m { ...: the value closed the block; the parse
         * succeeded, so nothing has been said yet */
        diag_error(&d, span_at(1, (int)out->len), "--set takes one KEY=VALUE; this value ends the settings block "
                                                  "and starts another");
        return 0;
    }
    Block *b = p->blocks[0];
    if (out->stage && b->nstmts == 1 && b->stmts[0]->kind == ST_STAGE) {
        Block *sb = ARENA_NEW(a, Block);
        *sb = *b;
        sb->nstmts = b->stmts[0]->nentries;
        sb->stmts = b->stmts[0]->entries;
        b = sb;
    }
    out->block = b;
    return 1;
}

/* s's entries through fn, with d reporting in s's source */
static void apply_source(Diag *d, const RunSource *s, const char *stage, RunEntryFn fn, void *ctx) {
    const char *file = d->file, *text = d->src;
    size_t len = d->len;
    diag_set_source(d, s->file, s->text, s->len);
    if (s->stage && !stage)
        diag_error(d, s->stage_span, "'%s' is not a train setting (a mapping of settings overrides a stage of a stack)",
                   s->stage);
    else if (!s->stage || !strcmp(s->stage, stage))
        for (int i = 0; i < s->block->nstmts; i++) fn(ctx, s->block->stmts[i]);
    diag_set_source(d, file, text, len);
}

int runconfig_apply(Arena *a, Diag *d, const char *kind, const char *stage, char **sets, int nsets, RunEntryFn fn,
                    void *ctx) {
    int errors = d->errors;
    for (int i = 0; current && i < current->n; i++)
        if (!strcmp(current->src[i].kind, kind)) apply_source(d, &current->src[i], stage, fn, ctx);
    for (int i = 0; i < nsets; i++) {
        RunSource s;
        if (!set_source(a, sets[i], &s)) {
            d->errors++;
            continue;
        }
        if (!s.kind || !strcmp(s.kind, kind)) apply_source(d, &s, stage, fn, ctx);
    }
    return d->errors == errors;
}

static void check_stage(Diag *d, const RunSource *s, const char *const *names, int n) {
    for (int k = 0; k < n; k++)
        if (!strcmp(names[k], s->stage)) return;
    const char *file = d->file, *text = d->src;
    size_t len = d->len;
    diag_set_source(d, s->file, s->text, s->len);
    diag_error(d, s->stage_span, "the stack's train block has no stage '%s'", s->stage);
    const char *best = sema_suggest(s->stage, names, n);
    if (best) diag_note(d, s->stage_span, "did you mean '%s'?", best);
    diag_set_source(d, file, text, len);
}

int runconfig_check_stages(Arena *a, Diag *d, char **sets, int nsets, const char *const *names, int n) {
    int errors = d->errors;
    for (int i = 0; current && i < current->n; i++)
        if (current->src[i].stage) check_stage(d, &current->src[i], names, n);
    for (int i = 0; i < nsets; i++) {
        RunSource s;
        if (set_source(a, sets[i], &s) && s.stage) check_stage(d, &s, names, n);
    }
    return d->errors == errors;
}
