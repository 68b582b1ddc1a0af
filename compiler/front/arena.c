/* arena.c — a chain of big blocks; allocation bumps a pointer. */
#include "arena.h"
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Block {
    struct Block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} Block;

struct Arena {
    Block *head;
};

static Block *block_new(size_t size, Block *next) {
    Block *b = malloc(sizeof(Block) + size);
    if (!b) {
        diag_tool_error("out of memory");
        exit(2);
    }
    b->next = next;
    b->used = 0;
    b->size = size;
    return b;
}

Arena *arena_new(void) {
    Arena *a = malloc(sizeof *a);
    if (!a) {
        diag_tool_error("out of memory");
        exit(2);
    }
    a->head = block_new(1 << 16, NULL);
    return a;
}

void arena_free(Arena *a) {
    if (!a) return;
    for (Block *b = a->head, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    free(a);
}

void *arena_alloc(Arena *a, size_t bytes) {
    bytes = (bytes + 15) & ~(size_t)15;
    Block *b = a->head;
    if (b->used + bytes > b->size) {
        size_t size = bytes > (1 << 15) ? bytes : (1 << 16);
        /* a big request gets its own block behind the head, so the head's
         * free space is not wasted */
        if (bytes > (1 << 15)) {
            Block *big = block_new(size, b->next);
            b->next = big;
            big->used = bytes;
            memset(big->data, 0, bytes);
            return big->data;
        }
        b = a->head = block_new(size, b);
    }
    void *p = b->data + b->used;
    b->used += bytes;
    memset(p, 0, bytes);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(Arena *a, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void *arena_grow(Arena *a, void *items_ptr, int *n, int *cap, size_t elem) {
    void **items = items_ptr;
    if (*n >= *cap) {
        int ncap = *cap ? *cap * 2 : 8;
        void *fresh = arena_alloc(a, elem * (size_t)ncap);
        if (*items) memcpy(fresh, *items, elem * (size_t)*n);
        *items = fresh;
        *cap = ncap;
    }
    return (char *)*items + elem * (size_t)*n;
}
