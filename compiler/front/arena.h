/* arena.h — memory for one compilation, freed in one call (as QBE pools it).
 * The AST, the analysis and the kernel IR all live here, so no stage owns or
 * frees pieces of another. */
#ifndef EBMC_ARENA_H
#define EBMC_ARENA_H
#include <stddef.h>
#include <string.h>

typedef struct Arena Arena;

Arena *arena_new(void);
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t bytes);          /* zeroed, 16-aligned */
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grows a dynamic array living in the arena: *items has *cap slots of size
 * elem; ensures room for one more and returns a pointer to slot *n (the
 * caller increments *n). Old storage stays in the arena until it is freed. */
void *arena_grow(Arena *a, void *items_ptr, int *n, int *cap, size_t elem);

/* memcpy that accepts an empty copy from a NULL array (memcpy does not) */
static inline void *mem_copy(void *dst, const void *src, size_t n) { return n ? memcpy(dst, src, n) : dst; }

#define ARENA_NEW(a, T) ((T *)arena_alloc((a), sizeof(T)))
#define ARENA_ARRAY(a, T, n) ((T *)arena_alloc((a), sizeof(T) * (size_t)(n)))
#endif
