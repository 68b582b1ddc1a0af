/* runconfig_yaml.c — a run file (YAML, read with libyaml) as overrides of
 * the spec's blocks.
 *
 * For each block kind (and each stage of a stack's train block) the
 * entries are written out as spec text, every key and value at the line
 * and column where it stands in the YAML file, under a header on line 0
 * ("train _ {"); parse_source_from() reads that text, so the spec
 * grammar decides what a value means and every span points into the YAML
 * file. libyaml's marks are 0-based: line + 1, column + 1. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "parse.h"
#include "rt.h"
#include "runconfig.h"

typedef struct Text {      /* spec text, written at given lines and columns */
    Arena *a;
    char *buf;
    int n, cap;
    int line, col;         /* where the next character lands (line 0: the header) */
} Text;

static void put(Text *t, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char *slot = arena_grow(t->a, &t->buf, &t->n, &t->cap, 1);
        *slot = s[i];
        t->n++;
        if (s[i] == '\n') t->line++, t->col = 1;
        else t->col++;
    }
}

static void puts_(Text *t, const char *s) { put(t, s, strlen(s)); }

/* s at (line, col) (1-based), or as close after it as the text allows */
static void put_at(Text *t, int line, int col, const char *s, size_t n) {
    if (line > t->line)
        while (t->line < line) put(t, "\n", 1);
    if (t->col < col)
        while (t->col < col) put(t, " ", 1);
    else if (t->n && t->buf[t->n - 1] != ' ' && t->buf[t->n - 1] != '\n')
        put(t, " ", 1);
    put(t, s, n);
}

typedef struct Loader {
    Arena *a;
    Diag d;                /* reports in the YAML file */
    yaml_document_t *doc;
    RunSource *src;
    int n, cap;
} Loader;

static Span mark_span(yaml_mark_t m, yaml_mark_t end) {
    Span s = {(int)m.line + 1, (int)m.column + 1, (int)m.line + 1, (int)m.column + 1};
    if (end.line == m.line && end.column > m.column) s.last_column = (int)end.column;
    return s;
}

static Span node_span(const yaml_node_t *n) { return mark_span(n->start_mark, n->end_mark); }

static const char *scalar(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

static int is_null(const yaml_node_t *n) {
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
    const char *s = scalar(n);
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* "..." with the spec language's escapes */
static char *quoted(Arena *a, const char *s) {
    char *out = arena_alloc(a, 2 * strlen(s) + 3), *o = out;
    *o++ = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') *o++ = '\\';
        *o++ = *s;
    }
    *o++ = '"';
    return out;
}

/* The spec text of a YAML value of key: most values are spec text as they
 * stand (numbers, names, calls, schedules); a file name may stand bare
 * (out: samples.png, data: train.npy). *shift: characters the text adds
 * before the YAML value. */
static const char *value_text(Arena *a, const char *kind, const char *key, const char *v, int *shift) {
    *shift = 0;
    int string_key = (!strcmp(kind, "train") && !strcmp(key, "filters")) || (!strcmp(kind, "sample") && !strcmp(key, "out"));
    if (string_key && v[0] != '"') {
        *shift = 1;
        return quoted(a, v);
    }
    int data_key = !strcmp(kind, "train") && (!strcmp(key, "data") || !strcmp(key, "test"));
    if (data_key && !strchr(v, '(') && (strchr(v, '.') || strchr(v, '/'))) {
        const char *fn = ends_with(v, ".csv") ? "csv" : ends_with(v, ".npy") ? "npy" : "idx";
        *shift = (int)strlen(fn) + 2;
        return arena_printf(a, "%s(%s)", fn, quoted(a, v));
    }
    return v;
}

/* where a scalar's text starts: after the quote of a quoted one */
static int text_col(const yaml_node_t *n) {
    int q = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    return (int)n->start_mark.column + 1 + q;
}

static void put_value(Loader *L, Text *t, const char *kind, const char *key, const yaml_node_t *v) {
    int shift;
    const char *s = value_text(L->a, kind, key, scalar(v), &shift);
    int col = text_col(v) - shift;
    put_at(t, (int)v->start_mark.line + 1, col > 1 ? col : 1, s, strlen(s));
}

/* key = value, key at its place, '=' after it, the value at its place */
static int put_entry(Loader *L, Text *t, const char *kind, const yaml_node_t *k, const yaml_node_t *v) {
    const char *key = scalar(k);
    if (is_null(v)) {
        diag_error(&L->d, node_span(k), "'%s' needs a value", key);
        return 0;
    }
    put_at(t, (int)k->start_mark.line + 1, text_col(k), key, strlen(key));
    puts_(t, "=");
    if (v->type == YAML_SCALAR_NODE) {
        put_value(L, t, kind, key, v);
        return 1;
    }
    if (v->type == YAML_MAPPING_NODE) {
        diag_error(&L->d, node_span(v), "'%s' takes a value, not a mapping", key);
        diag_note(&L->d, node_span(v), "spec text goes in quotes: %s: 'pcd(k = 1, chains = 100)'", key);
        return 0;
    }
    /* a list: the items of one value, as in monitor = recon_error, pseudo_loglik */
    yaml_node_item_t *it = v->data.sequence.items.start;
    if (it == v->data.sequence.items.top) {
        diag_error(&L->d, node_span(v), "'%s' needs a value, not an empty list", key);
        return 0;
    }
    for (; it < v->data.sequence.items.top; it++) {
        const yaml_node_t *x = yaml_document_get_node(L->doc, *it);
        if (x->type != YAML_SCALAR_NODE || is_null(x)) {
            diag_error(&L->d, node_span(x), "the items of '%s' are values", key);
            return 0;
        }
        if (it != v->data.sequence.items.start) puts_(t, ",");
        put_value(L, t, kind, key, x);
    }
    return 1;
}

static int key_ok(Loader *L, const yaml_node_t *k) {
    if (k->type != YAML_SCALAR_NODE) {
        diag_error(&L->d, node_span(k), "a key is a name, not a list or a mapping");
        return 0;
    }
    const char *s = scalar(k);
    int ok = *s && !(*s >= '0' && *s <= '9');
    for (const char *p = s; *p; p++)
        ok &= *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
    if (!ok) diag_error(&L->d, node_span(k), "'%s' is not a setting's name (letters, digits and '_')", s);
    return ok;
}

static void parse_source_at(Loader *L, const char *kind, const char *stage, const yaml_node_t *stage_key, Text *t);

/* the entries of one block (or stage) as a source, then its stages' */
static void add_source(Loader *L, const char *kind, const yaml_node_t *stage_key, const yaml_node_t *map) {
    Text t = {L->a, NULL, 0, 0, 0, 1};
    const char *stage = stage_key ? arena_strdup(L->a, scalar(stage_key)) : NULL;
    const yaml_node_pair_t *stages[64];
    int nstages = 0;
    puts_(&t, kind);
    puts_(&t, " _ {");
    if (stage) {
        puts_(&t, " stage ");
        puts_(&t, stage);
        puts_(&t, " {");
    }
    int errors = L->d.errors;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(L->doc, p->key), *v = yaml_document_get_node(L->doc, p->value);
        if (!key_ok(L, k)) continue;
        if (v->type == YAML_MAPPING_NODE && !stage && !strcmp(kind, "train") && nstages < 64) {
            stages[nstages++] = p;   /* a stage of a stack: after the block's own entries */
            continue;
        }
        put_entry(L, &t, kind, k, v);
    }
    puts_(&t, stage ? "\n} }\n" : "\n}\n");
    if (L->d.errors == errors) parse_source_at(L, kind, stage, stage_key, &t);
    for (int i = 0; i < nstages; i++)
        add_source(L, kind, yaml_document_get_node(L->doc, stages[i]->key), yaml_document_get_node(L->doc, stages[i]->value));
}

/* the text of one block's entries parsed; a source of the run file */
static void parse_source_at(Loader *L, const char *kind, const char *stage, const yaml_node_t *stage_key, Text *t) {
    int errors = L->d.errors;
    Program *prog = parse_source_from(L->a, &L->d, L->d.file, t->buf, (size_t)t->n, 0);
    if (L->d.errors != errors || prog->nblocks != 1) return;
    Block *b = prog->blocks[0];
    if (stage) {
        Block *sb = ARENA_NEW(L->a, Block);
        *sb = *b;
        sb->nstmts = b->nstmts == 1 ? b->stmts[0]->nentries : 0;
        sb->stmts = b->nstmts == 1 ? b->stmts[0]->entries : NULL;
        b = sb;
    }
    RunSource *s = arena_grow(L->a, &L->src, &L->n, &L->cap, sizeof(RunSource));
    L->n++;
    *s = (RunSource){kind, stage, stage_key ? node_span(stage_key) : span_none, L->d.file, L->d.src, L->d.len, b};
}

static void load_root(Loader *L, const yaml_node_t *root) {
    static const char *const kinds[] = {"train", "sample", "eval"};
    if (!root || is_null(root)) return;   /* an empty file: nothing to override */
    if (root->type != YAML_MAPPING_NODE) {
        diag_error(&L->d, node_span(root), "a run file is a mapping: train: {...}, sample: {...}, eval: {...}");
        return;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(L->doc, p->key), *v = yaml_document_get_node(L->doc, p->value);
        if (!key_ok(L, k)) continue;
        const char *kind = NULL;
        for (int i = 0; i < 3; i++)
            if (!strcmp(scalar(k), kinds[i])) kind = kinds[i];
        if (!kind) {
            diag_error(&L->d, node_span(k), "unknown section '%s'", scalar(k));
            const char *best = sema_suggest(scalar(k), kinds, 3);
            if (best) diag_note(&L->d, node_span(k), "did you mean '%s'?", best);
            else diag_note(&L->d, node_span(k), "the sections are train, sample and eval");
            continue;
        }
        if (is_null(v)) continue;
        if (v->type != YAML_MAPPING_NODE) {
            diag_error(&L->d, node_span(v), "'%s' holds settings: %s: {key: value, ...}", kind, kind);
            continue;
        }
        add_source(L, kind, NULL, v);
    }
}

RunConfig *runconfig_load(Arena *a, const char *path) {
    size_t len;
    char *text = parse_read_file(path, &len);
    if (!text) {
        const char *why = rt_last_error();
        diag_tool_error("cannot read run file %s", strncmp(why, "cannot read ", 12) ? why : why + 12);
        return NULL;
    }
    char *copy = arena_strndup(a, text, len);
    free(text);
    Loader L = {a, {0}, NULL, NULL, 0, 0};
    diag_init(&L.d, arena_strdup(a, path), copy, len);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)copy, len);
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_mark_t m = parser.problem_mark;
        diag_error(&L.d, mark_span(m, m), "%s%s%s", parser.problem ? parser.problem : "not YAML",
                   parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return NULL;
    }
    L.doc = &doc;
    load_root(&L, yaml_document_get_root_node(&doc));
    yaml_document_t next;
    if (yaml_parser_load(&parser, &next)) {
        if (yaml_document_get_root_node(&next)) {
            yaml_node_t *r = yaml_document_get_root_node(&next);
            diag_error(&L.d, node_span(r), "a run file holds one YAML document");
        }
        yaml_document_delete(&next);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (L.d.errors) return NULL;
    RunConfig *rc = ARENA_NEW(a, RunConfig);
    rc->path = L.d.file;
    rc->n = L.n;
    rc->src = L.src;
    return rc;
}
