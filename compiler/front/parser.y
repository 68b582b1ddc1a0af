/* parser.y — the grammar of the spec language; docs/language.md follows it.
 *
 *   program  = { block }
 *   block    = "model" NAME "{" { model_stmt } "}"
 *            | ("train" | "sample" | "eval" | "stack") NAME "{" entries "}"
 *   model_stmt
 *            = ("visible" | "hidden" | "input") NAME [dims] [":" type] [attrs]
 *            | "param" NAME [dims] ["init" expr] [attrs]
 *            | "let" NAME ["[" vars "]"] "=" expr
 *            | "energy" "=" expr
 *            | "loss" "=" expr       (a per-example objective to minimise)
 *            | ref "~" NAME "(" args ")"
 *   entries  = { entry }  (entries may be separated by ",")
 *   entry    = KEY "=" items ["every" expr] | calls ["every" expr]
 *            | "stage" NAME "{" entries "}"
 *   items    = item { "," item },  item = expr ["until" expr]
 *   expr     = sums and differences of products; "sum(i, j) body" takes a
 *              product as its body (like the sigma of written maths),
 *              "-" negates, "^" is a right-associative power.
 */
%define api.pure full
%locations
%define api.location.type {Span}
%define parse.error custom
%define parse.lac full
%expect 0
%param {yyscan_t scanner}
%initial-action {
    @$.first_line = @$.last_line = 1;
    @$.first_column = @$.last_column = 1;
}

%code requires {
#include "parse_ctx.h"
typedef void *yyscan_t;
}

%code provides {
int yylex(YYSTYPE *lval, Span *lloc, yyscan_t scanner);
}

%code {
#include <string.h>
#include "lexer.h"

#define CTX ((ParseCtx *)yyget_extra(scanner))
#define A (CTX->arena)

static Expr *mk_expr(ParseCtx *c, ExprKind k, Span s);
static Expr *mk_bin(ParseCtx *c, char op, Expr *l, Expr *r, Span s);
static Stmt *mk_stmt(ParseCtx *c, StmtKind k, Span s);
static void set_args(ParseCtx *c, Expr *e, PList *args);
static void set_vars(ParseCtx *c, PList *vars, int *n, const char ***names, Span **spans);
static Block *mk_block(ParseCtx *c, BlockKind k, const char *name, Span ns, PList *stmts, Span s);
static void yyerror(Span *loc, yyscan_t scanner, const char *msg);
}

%union {
    double num;
    const char *str;
    Expr *expr;
    Stmt *stmt;
    Block *block;
    PList *list;
    Arg *arg;
    int role;
}

%token <str> IDENT "identifier" KEY "name before '='" STRING "string"
%token <num> NUMBER "number"
%token MODEL "model" TRAIN "train" SAMPLE "sample" EVAL "eval" STACK "stack"
%token VISIBLE "visible" HIDDEN "hidden" INPUT "input" PARAM "param"
%token LET "let" ENERGY "energy" INIT "init" SUM "sum"
%token UNTIL "until" EVERY "every" STAGE "stage"
%token ENTRY_SEP "','"
%token BAD_CHAR "bad character"

%type <block> block
%type <stmt> model_stmt entry
%type <list> model_stmts entries exprs args items calls vars dims_opt attrs_opt
%type <expr> expr primary ref unit_type type_opt init_opt item call every_opt
%type <arg> arg
%type <role> role

%left '+' '-'
%precedence SUMBODY
%left '*' '/'
%precedence UMINUS
%right '^'

%%

program
    : %empty                    { }
    | program block             { PList l = {CTX->prog->nblocks, CTX->prog->nblocks, (void **)CTX->prog->blocks};
                                  plist_push(A, &l, $2);
                                  CTX->prog->blocks = (Block **)l.items; CTX->prog->nblocks = l.n; }
    | program error '}'         { }
    ;

block
    : MODEL IDENT '{' model_stmts '}'   { $$ = mk_block(CTX, BLK_MODEL, $2, @2, $4, @$); }
    | TRAIN IDENT '{' entries '}'       { $$ = mk_block(CTX, BLK_TRAIN, $2, @2, $4, @$); }
    | SAMPLE IDENT '{' entries '}'      { $$ = mk_block(CTX, BLK_SAMPLE, $2, @2, $4, @$); }
    | EVAL IDENT '{' entries '}'        { $$ = mk_block(CTX, BLK_EVAL, $2, @2, $4, @$); }
    | STACK IDENT '{' entries '}'       { $$ = mk_block(CTX, BLK_STACK, $2, @2, $4, @$); }
    ;

model_stmts
    : %empty                    { $$ = plist_new(A); }
    | model_stmts model_stmt    { $$ = plist_push(A, $1, $2); }
    | model_stmts error         { $$ = $1; }
    ;

model_stmt
    : role IDENT dims_opt type_opt attrs_opt {
          $$ = mk_stmt(CTX, ST_UNIT, @$); $$->role = (Role)$1; $$->name = $2; $$->name_span = @2;
          $$->ndims = $3->n; $$->dims = (Expr **)$3->items; $$->type = $4;
          $$->nentries = $5->n; $$->entries = (Stmt **)$5->items; }
    | PARAM IDENT dims_opt init_opt attrs_opt {
          $$ = mk_stmt(CTX, ST_PARAM, @$); $$->name = $2; $$->name_span = @2;
          $$->ndims = $3->n; $$->dims = (Expr **)$3->items; $$->expr = $4;
          $$->nentries = $5->n; $$->entries = (Stmt **)$5->items; }
    | LET KEY '=' expr {
          $$ = mk_stmt(CTX, ST_LET, @$); $$->name = $2; $$->name_span = @2; $$->expr = $4; }
    | LET IDENT '[' vars ']' '=' expr {
          $$ = mk_stmt(CTX, ST_LET, @$); $$->name = $2; $$->name_span = @2; $$->expr = $7;
          set_vars(CTX, $4, &$$->nvars, &$$->vars, &$$->var_spans); }
    | ENERGY '=' expr {
          $$ = mk_stmt(CTX, ST_ENERGY, @$); $$->expr = $3; }
    | KEY '=' expr {
          $$ = mk_stmt(CTX, ST_ASSIGN, @$); $$->name = $1; $$->name_span = @1; $$->expr = $3; }
    | ref '~' call {
          $$ = mk_stmt(CTX, ST_TILDE, @$); $$->expr = $1; $$->dist = $3; }
    ;

role
    : VISIBLE                   { $$ = ROLE_VISIBLE; }
    | HIDDEN                    { $$ = ROLE_HIDDEN; }
    | INPUT                     { $$ = ROLE_INPUT; }
    ;

dims_opt
    : %empty                    { $$ = plist_new(A); }
    | '[' exprs ']'             { $$ = $2; }
    ;

type_opt
    : %empty                    { $$ = NULL; }
    | ':' unit_type             { $$ = $2; }
    ;

unit_type
    : IDENT                     { $$ = mk_expr(CTX, EX_NAME, @$); $$->str = $1; }
    | call                      { $$ = $1; }
    ;

init_opt
    : %empty                    { $$ = NULL; }
    | INIT expr                 { $$ = $2; }
    ;

attrs_opt
    : %empty                    { $$ = plist_new(A); }
    | '{' entries '}'           { $$ = $2; }
    ;

vars
    : IDENT                     { Expr *v = mk_expr(CTX, EX_NAME, @1); v->str = $1; $$ = plist_push(A, plist_new(A), v); }
    | vars ',' IDENT            { Expr *v = mk_expr(CTX, EX_NAME, @3); v->str = $3; $$ = plist_push(A, $1, v); }
    ;

entries
    : %empty                    { $$ = plist_new(A); }
    | entries entry             { $$ = plist_push(A, $1, $2); }
    | entries ENTRY_SEP entry   { $$ = plist_push(A, $1, $3); }
    | entries error             { $$ = $1; }
    ;

entry
    : KEY '=' items every_opt {
          $$ = mk_stmt(CTX, ST_ENTRY, @$); $$->name = $1; $$->name_span = @1;
          Expr *v = $3->n == 1 ? $3->items[0] : NULL;
          if (!v) { v = mk_expr(CTX, EX_LIST, @3); set_args(CTX, v, $3); }
          if ($4) { Expr *e = mk_expr(CTX, EX_EVERY, @$); e->lhs = v; e->rhs = $4; v = e; }
          $$->expr = v; }
    | calls every_opt {
          $$ = mk_stmt(CTX, ST_ENTRY, @$);
          Expr *v = $1->n == 1 ? $1->items[0] : NULL;
          if (!v) { v = mk_expr(CTX, EX_LIST, @1); set_args(CTX, v, $1); }
          if ($2) { Expr *e = mk_expr(CTX, EX_EVERY, @$); e->lhs = v; e->rhs = $2; v = e; }
          $$->expr = v; }
    | STAGE IDENT '{' entries '}' {
          $$ = mk_stmt(CTX, ST_STAGE, @$); $$->name = $2; $$->name_span = @2;
          $$->nentries = $4->n; $$->entries = (Stmt **)$4->items; }
    ;

every_opt
    : %empty                    { $$ = NULL; }
    | EVERY expr                { $$ = $2; }
    ;

items
    : item                      { $$ = plist_push(A, plist_new(A), $1); }
    | items ',' item            { $$ = plist_push(A, $1, $3); }
    ;

item
    : expr                      { $$ = $1; }
    | expr UNTIL expr           { $$ = mk_expr(CTX, EX_UNTIL, @$); $$->lhs = $1; $$->rhs = $3; }
    ;

/* a bare entry: eval rbm { ais(runs = 100), exact } */
calls
    : call                      { $$ = plist_push(A, plist_new(A), $1); }
    | IDENT                     { Expr *e = mk_expr(CTX, EX_NAME, @1); e->str = $1; $$ = plist_push(A, plist_new(A), e); }
    | calls ',' call            { $$ = plist_push(A, $1, $3); }
    | calls ',' IDENT           { Expr *e = mk_expr(CTX, EX_NAME, @3); e->str = $3; $$ = plist_push(A, $1, e); }
    ;

call
    : IDENT '(' ')'             { $$ = mk_expr(CTX, EX_CALL, @$); $$->str = $1; }
    | IDENT '(' args ')'        { $$ = mk_expr(CTX, EX_CALL, @$); $$->str = $1; set_args(CTX, $$, $3); }
    ;

args
    : arg                       { $$ = plist_push(A, plist_new(A), $1); }
    | args ',' arg              { $$ = plist_push(A, $1, $3); }
    | args ENTRY_SEP arg        { $$ = plist_push(A, $1, $3); }
    ;

arg
    : expr                      { $$ = ARENA_NEW(A, Arg); $$->value = $1; }
    | KEY '=' expr              { $$ = ARENA_NEW(A, Arg); $$->name = $1; $$->name_span = @1; $$->value = $3; }
    ;

exprs
    : expr                      { $$ = plist_push(A, plist_new(A), $1); }
    | exprs ',' expr            { $$ = plist_push(A, $1, $3); }
    ;

expr
    : expr '+' expr             { $$ = mk_bin(CTX, '+', $1, $3, @$); }
    | expr '-' expr             { $$ = mk_bin(CTX, '-', $1, $3, @$); }
    | expr '*' expr             { $$ = mk_bin(CTX, '*', $1, $3, @$); }
    | expr '/' expr             { $$ = mk_bin(CTX, '/', $1, $3, @$); }
    | expr '^' expr             { $$ = mk_bin(CTX, '^', $1, $3, @$); }
    | '-' expr %prec UMINUS     { $$ = mk_expr(CTX, EX_NEG, @$); $$->lhs = $2; }
    | SUM '(' vars ')' expr %prec SUMBODY {
          $$ = mk_expr(CTX, EX_SUM, @$); $$->lhs = $5;
          set_vars(CTX, $3, &$$->nvars, &$$->vars, &$$->var_spans); }
    | primary                   { $$ = $1; }
    ;

primary
    : NUMBER                    { $$ = mk_expr(CTX, EX_NUM, @$); $$->num = $1; }
    | STRING                    { $$ = mk_expr(CTX, EX_STR, @$); $$->str = $1; }
    | ref                       { $$ = $1; }
    | call                      { $$ = $1; }
    | '(' expr ')'              { $$ = $2; }
    ;

ref
    : IDENT                     { $$ = mk_expr(CTX, EX_NAME, @$); $$->str = $1; }
    | IDENT '[' exprs ']'       { $$ = mk_expr(CTX, EX_NAME, @$); $$->str = $1; $$->has_index = 1;
                                  $$->nidx = $3->n; $$->idx = (Expr **)$3->items; }
    ;

%%

PList *plist_new(Arena *a) { return ARENA_NEW(a, PList); }

PList *plist_push(Arena *a, PList *l, void *item) {
    void **slot = arena_grow(a, &l->items, &l->n, &l->cap, sizeof(void *));
    *slot = item;
    l->n++;
    return l;
}

static Expr *mk_expr(ParseCtx *c, ExprKind k, Span s) {
    Expr *e = ARENA_NEW(c->arena, Expr);
    e->kind = k;
    e->span = s;
    return e;
}

static Expr *mk_bin(ParseCtx *c, char op, Expr *l, Expr *r, Span s) {
    Expr *e = mk_expr(c, EX_BIN, s);
    e->op = op;
    e->lhs = l;
    e->rhs = r;
    return e;
}

static Stmt *mk_stmt(ParseCtx *c, StmtKind k, Span s) {
    Stmt *st = ARENA_NEW(c->arena, Stmt);
    st->kind = k;
    st->span = s;
    return st;
}

static void set_args(ParseCtx *c, Expr *e, PList *args) {
    e->nargs = args->n;
    e->args = ARENA_ARRAY(c->arena, Arg, args->n);
    for (int i = 0; i < args->n; i++) {
        if (e->kind == EX_LIST) e->args[i].value = args->items[i];
        else e->args[i] = *(Arg *)args->items[i];
    }
}

static void set_vars(ParseCtx *c, PList *vars, int *n, const char ***names, Span **spans) {
    *n = vars->n;
    *names = ARENA_ARRAY(c->arena, const char *, vars->n);
    *spans = ARENA_ARRAY(c->arena, Span, vars->n);
    for (int i = 0; i < vars->n; i++) {
        Expr *v = vars->items[i];
        (*names)[i] = v->str;
        (*spans)[i] = v->span;
    }
}

static Block *mk_block(ParseCtx *c, BlockKind k, const char *name, Span ns, PList *stmts, Span s) {
    Block *b = ARENA_NEW(c->arena, Block);
    b->kind = k;
    b->span = s;
    b->name = name;
    b->name_span = ns;
    b->nstmts = stmts->n;
    b->stmts = (Stmt **)stmts->items;
    return b;
}

static void yyerror(Span *loc, yyscan_t scanner, const char *msg) {
    /* bison's stack stops at YYMAXDEPTH (10000) entries: the documented
     * limit on nesting, an error here rather than a crash later */
    if (!strcmp(msg, "memory exhausted"))
        diag_error(CTX->diag, *loc, "expression nested too deeply (more than the parser's %d stack entries)", YYMAXDEPTH);
    else diag_error(CTX->diag, *loc, "%s", msg);
}

/* Token names come quoted from bison ("\"identifier\"", "'='"); a person
 * reads them better as: identifier, '='. */
static const char *token_name(yysymbol_kind_t sym) {
    const char *n = yysymbol_name(sym);
    static char buf[64];
    size_t len = strlen(n);
    if (len >= 2 && n[0] == '"' && n[len - 1] == '"') {
        snprintf(buf, sizeof buf, "%.*s", (int)(len - 2), n + 1);
        return buf;
    }
    return n;
}

static int is_operator(yysymbol_kind_t s) {
    const char *n = yysymbol_name(s);
    return n[0] == '\'' && strchr("+-*/^", n[1]) && n[2] == '\'';
}

static int starts_expr(yysymbol_kind_t s) {
    return s == YYSYMBOL_NUMBER || s == YYSYMBOL_STRING || s == YYSYMBOL_IDENT ||
           s == YYSYMBOL_SUM || !strcmp(yysymbol_name(s), "'('") || !strcmp(yysymbol_name(s), "'-'");
}

/* "unexpected X, expected A or B": operators are left out of the list (they
 * are rarely what was meant) and the tokens that start an expression are
 * named as one, so the list stays short enough to read. */
static int yyreport_syntax_error(const yypcontext_t *pc, yyscan_t scanner) {
    ParseCtx *c = CTX;
    enum { MAX_EXPECTED = 32 };
    if (c->quiet) c->diag->errors++;   /* still an error, just not said twice */
    yysymbol_kind_t expected[MAX_EXPECTED];
    int nexp = yypcontext_expected_tokens(pc, expected, MAX_EXPECTED);
    yysymbol_kind_t got = yypcontext_token(pc);
    if (got == YYSYMBOL_BAD_CHAR || c->quiet) return 0;   /* the scanner reported it */
    char msg[512];
    int o = 0;
    if (got == YYSYMBOL_YYEOF)
        o += snprintf(msg + o, sizeof msg - o, "unexpected end of file");
    else if (got == YYSYMBOL_NUMBER || got == YYSYMBOL_STRING || !c->last_text)
        o += snprintf(msg + o, sizeof msg - o, "unexpected %s", token_name(got));
    else
        o += snprintf(msg + o, sizeof msg - o, "unexpected '%s'", c->last_text);
    const char *names[MAX_EXPECTED];
    int nnames = 0, want_expr = 0;
    for (int i = 0; i < nexp; i++)
        if (expected[i] == YYSYMBOL_NUMBER) want_expr = 1;
    for (int i = 0; i < nexp; i++) {
        if (want_expr && starts_expr(expected[i])) continue;
        if (is_operator(expected[i])) continue;
        names[nnames++] = yysymbol_name(expected[i]);
    }
    if (want_expr) names[nnames++] = "an expression";
    if (nnames > 0 && nnames <= 5) {
        o += snprintf(msg + o, sizeof msg - o, ", expected ");
        for (int i = 0; i < nnames && o < (int)sizeof msg - 40; i++) {
            const char *n = names[i];
            size_t len = strlen(n);
            int quoted = len >= 2 && n[0] == '"';
            o += snprintf(msg + o, sizeof msg - o, "%s%.*s",
                          i == 0 ? "" : i == nnames - 1 ? " or " : ", ",
                          quoted ? (int)len - 2 : (int)len, quoted ? n + 1 : n);
        }
    }
    diag_error(c->diag, *yypcontext_location(pc), "%s", msg);
    int top = c->nopen - 1;
    if (top >= 0 && top < (int)(sizeof c->open / sizeof c->open[0])) {
        char want = c->open[top].ch == '{' ? '}' : c->open[top].ch == '(' ? ')' : ']';
        int expects_closer = 0;
        for (int i = 0; i < nexp; i++)
            if (yysymbol_name(expected[i])[1] == want) expects_closer = 1;
        if (got == YYSYMBOL_YYEOF || expects_closer)
            diag_note(c->diag, c->open[top].span, "to close this '%c' (expected '%c')", c->open[top].ch, want);
    }
    return 0;
}

Program *parse_source_from(Arena *a, Diag *d, const char *file, const char *src, size_t len, int first_line) {
    ParseCtx ctx = {0};
    ctx.arena = a;
    ctx.diag = d;
    ctx.src = src;
    ctx.len = len;
    ctx.line = first_line;
    ctx.col = 1;
    ctx.prog = ARENA_NEW(a, Program);
    ctx.prog->file = file;
    yyscan_t scanner;
    yylex_init_extra(&ctx, &scanner);
    YY_BUFFER_STATE buf = yy_scan_bytes(src, (int)len, scanner);
    yyparse(scanner);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    return ctx.prog;
}

Program *parse_source(Arena *a, Diag *d, const char *file, const char *src, size_t len) {
    return parse_source_from(a, d, file, src, len, 1);
}
