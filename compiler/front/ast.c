/* ast.c — names and printing of syntax trees (explain, goldens, messages). */
#include "ast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *ast_block_kind_name(BlockKind k) {
    static const char *names[] = {"model", "train", "sample", "eval", "stack"};
    return names[k];
}

const char *ast_role_name(Role r) {
    static const char *names[] = {"visible", "hidden", "input"};
    return names[r];
}

static int prec(const Expr *e) {
    switch (e->kind) {
    case EX_BIN:
        return e->op == '+' || e->op == '-' ? 1 : e->op == '^' ? 4 : 2;
    case EX_SUM: return 1;   /* a sum's body runs to the next + or - */
    case EX_NEG: return 3;
    default: return 5;
    }
}

/* right: e is the last operand of its parent, where a sum needs no
 * parentheses (its body runs to the end of the parent anyway) */
static void print_sub(FILE *out, const Expr *e, int min, int right) {
    if (prec(e) < min && !(right && e->kind == EX_SUM)) {
        fputc('(', out);
        ast_print_expr(out, e);
        fputc(')', out);
    } else {
        ast_print_expr(out, e);
    }
}

static void print_num(FILE *out, double v) {
    char buf[64];
    if (v == (double)(long long)v && fabs(v) < 1e15) {
        fprintf(out, "%lld", (long long)v);
        return;
    }
    /* shortest form that reads back exactly */
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, v);
        if (strtod(buf, NULL) == v) break;
    }
    fputs(buf, out);
}

void ast_print_expr(FILE *out, const Expr *e) {
    switch (e->kind) {
    case EX_NUM: print_num(out, e->num); break;
    case EX_STR: fprintf(out, "\"%s\"", e->str); break;
    case EX_NAME:
        fputs(e->str, out);
        if (e->has_index) {
            fputc('[', out);
            for (int i = 0; i < e->nidx; i++) {
                if (i) fputs(", ", out);
                ast_print_expr(out, e->idx[i]);
            }
            fputc(']', out);
        }
        break;
    case EX_BIN: {
        int p = prec(e);
        /* left-associative: the right operand needs parentheses at equal
         * precedence (a - (b - c)); '^' is right-associative */
        print_sub(out, e->lhs, e->op == '^' ? p + 1 : p, 0);
        if (e->op == '*' || e->op == '/' || e->op == '^') fprintf(out, "%c", e->op);
        else fprintf(out, " %c ", e->op);
        print_sub(out, e->rhs, e->op == '^' ? p : p + 1, 1);
        break;
    }
    case EX_NEG:
        fputc('-', out);
        print_sub(out, e->lhs, 3, 1);
        break;
    case EX_CALL:
    case EX_LIST:
        if (e->kind == EX_CALL) fprintf(out, "%s(", e->str);
        for (int i = 0; i < e->nargs; i++) {
            if (i) fputs(", ", out);
            if (e->args[i].name) fprintf(out, "%s = ", e->args[i].name);
            ast_print_expr(out, e->args[i].value);
        }
        if (e->kind == EX_CALL) fputc(')', out);
        break;
    case EX_SUM:
        fputs("sum(", out);
        for (int i = 0; i < e->nvars; i++) fprintf(out, "%s%s", i ? ", " : "", e->vars[i]);
        fputs(") ", out);
        print_sub(out, e->lhs, 2, 1);
        break;
    case EX_UNTIL:
        ast_print_expr(out, e->lhs);
        fputs(" until ", out);
        ast_print_expr(out, e->rhs);
        break;
    case EX_EVERY:
        ast_print_expr(out, e->lhs);
        fputs(" every ", out);
        ast_print_expr(out, e->rhs);
        break;
    }
}

char *ast_expr_string(Arena *a, const Expr *e) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ast_print_expr(f, e);
    fclose(f);
    char *s = arena_strdup(a, buf);
    free(buf);
    return s;
}

Expr *ast_expr(Arena *a, ExprKind k, Span at) {
    Expr *e = ARENA_NEW(a, Expr);
    e->kind = k;
    e->span = at;
    return e;
}

Expr *ast_num(Arena *a, double v, Span at) {
    Expr *e = ast_expr(a, EX_NUM, at);
    e->num = v;
    return e;
}

Expr *ast_bin(Arena *a, char op, Expr *l, Expr *r) {
    Expr *e = ast_expr(a, EX_BIN, l->span);
    e->op = op;
    e->lhs = l;
    e->rhs = r;
    return e;
}
