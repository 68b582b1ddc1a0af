/* ast.h — the syntax tree of a spec, as the parser builds it.
 *
 * One expression type serves the energy language (index notation) and the
 * values of train/sample/eval blocks (calls with named arguments, strings,
 * lists, "x until n", "items every n"), so a schedule field can hold any
 * value and sema decides what it means. Everything lives in the arena of the
 * compilation. */
#ifndef EBMC_AST_H
#define EBMC_AST_H
#include "arena.h"
#include "diag.h"

typedef enum {
    EX_NUM,    /* num */
    EX_STR,    /* str */
    EX_NAME,   /* str, optionally indexed: str[idx...] (has_index) */
    EX_BIN,    /* lhs op rhs, op in + - * / ^ */
    EX_NEG,    /* - lhs */
    EX_CALL,   /* str(args) : functions, distributions, methods, loaders */
    EX_SUM,    /* sum(vars) lhs */
    EX_LIST,   /* args (unnamed) : a, b, c in a block entry */
    EX_UNTIL,  /* lhs until rhs : a value that holds until epoch rhs */
    EX_EVERY,  /* lhs every rhs : monitors computed every rhs epochs */
} ExprKind;

typedef struct Expr Expr;

typedef struct Arg {
    const char *name;     /* NULL for positional */
    Span name_span;
    Expr *value;
} Arg;

struct Expr {
    ExprKind kind;
    Span span;
    double num;
    const char *str;
    char op;
    int has_index;
    Expr *lhs, *rhs;
    int nidx;
    Expr **idx;
    int nargs;
    Arg *args;
    int nvars;
    const char **vars;
    Span *var_spans;
    long long *ranges;    /* EX_SUM: the range of each var, filled by sema */
};

typedef enum {
    ST_UNIT,    /* role name[dims] : type {attrs} */
    ST_PARAM,   /* param name[dims] init expr {attrs} */
    ST_LET,     /* let name[vars] = expr */
    ST_ENERGY,  /* energy = expr */
    ST_TILDE,   /* lhs ~ dist(args) */
    ST_ENTRY,   /* key = value [every n]   or a bare value (key NULL) */
    ST_STAGE,   /* stage name { entries } */
    ST_ASSIGN,  /* name = expr in a model: loss = ... */
} StmtKind;

typedef enum { ROLE_VISIBLE, ROLE_HIDDEN, ROLE_INPUT } Role;

typedef struct Stmt Stmt;
struct Stmt {
    StmtKind kind;
    Span span;
    const char *name;     /* unit/param/let/stage name, entry key (NULL: bare) */
    Span name_span;
    Role role;
    int ndims;
    Expr **dims;
    Expr *type;           /* ST_UNIT: the unit type, a name or a call */
    Expr *expr;           /* init, let/energy right side, tilde left side, entry value */
    Expr *dist;           /* ST_TILDE */
    int nvars;            /* ST_LET index variables */
    const char **vars;
    Span *var_spans;
    int nentries;         /* ST_UNIT/ST_PARAM attributes, ST_STAGE entries */
    Stmt **entries;
};

typedef enum { BLK_MODEL, BLK_TRAIN, BLK_SAMPLE, BLK_EVAL, BLK_STACK } BlockKind;

typedef struct Block {
    BlockKind kind;
    Span span;
    const char *name;     /* the model's name (for train/sample/eval: the model they run) */
    Span name_span;
    int nstmts;
    Stmt **stmts;
} Block;

typedef struct Program {
    const char *file;
    int nblocks;
    Block **blocks;
} Program;

const char *ast_block_kind_name(BlockKind k);
const char *ast_role_name(Role r);
/* Prints an expression back in the spec language (for explain and goldens). */
void ast_print_expr(FILE *out, const Expr *e);
/* nodes built by the compiler itself (what the parser would have made of
 * text), spanning `at` for messages */
Expr *ast_expr(Arena *a, ExprKind k, Span at);
Expr *ast_num(Arena *a, double v, Span at);
Expr *ast_bin(Arena *a, char op, Expr *l, Expr *r);
char *ast_expr_string(Arena *a, const Expr *e);
#endif
