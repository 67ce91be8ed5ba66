/* Bump allocator over a chain of blocks. */
#include "envdoctor/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_ALIGN = 16, ARENA_BLOCK = 64 * 1024 };

/* Under AddressSanitizer (make asan, make fuzz) the free part of a block is
 * poisoned and every allocation is followed by a poisoned redzone, so that
 * reading or writing past the end of one allocation is reported as it would
 * be for malloc, not hidden inside the block. No effect on other builds. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
enum { ARENA_REDZONE = ARENA_ALIGN };
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
enum { ARENA_REDZONE = 0 };
#define ARENA_POISON(p, n) ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct block {
    struct block *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

/* A heap block given to the arena with ed_arena_adopt. */
struct adopted {
    struct adopted *next;
    void *ptr;
};

struct ed_arena {
    struct block *head;
    struct adopted *adopted; /* its nodes live in the blocks */
    size_t total;
};

_Noreturn void ed_out_of_memory(void)
{
    fputs("env-doctor: out of memory\n", stderr);
    exit(3);
}

ed_arena *ed_arena_new(void)
{
    ed_arena *arena = calloc(1, sizeof *arena);
    if (!arena)
        ed_out_of_memory();
    return arena;
}

void ed_arena_free(ed_arena *arena)
{
    if (!arena)
        return;
    for (struct adopted *a = arena->adopted; a; a = a->next)
        free(a->ptr);
    struct block *b = arena->head;
    while (b) {
        struct block *next = b->next;
        ARENA_UNPOISON(b->data, b->size);
        free(b);
        b = next;
    }
    free(arena);
}

static struct block *new_block(size_t min_size)
{
    size_t size = min_size > ARENA_BLOCK ? min_size : ARENA_BLOCK;
    if (size > SIZE_MAX - sizeof(struct block))
        ed_out_of_memory();
    struct block *b = malloc(sizeof(struct block) + size);
    if (!b)
        ed_out_of_memory();
    b->size = size;
    b->used = 0;
    ARENA_POISON(b->data, size);
    return b;
}

void *ed_arena_alloc(ed_arena *arena, size_t size)
{
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - ARENA_ALIGN - ARENA_REDZONE)
        ed_out_of_memory();
    size_t asked = size;
    size = ((size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1)) + ARENA_REDZONE;
    struct block *b = arena->head;
    if (!b || b->size - b->used < size) {
        struct block *fresh = new_block(size);
        /* A large allocation gets its own block behind the current one, so
         * the free space of the current block is not wasted. */
        if (b && size > ARENA_BLOCK / 4) {
            fresh->next = b->next;
            b->next = fresh;
        } else {
            fresh->next = b;
            arena->head = fresh;
        }
        b = fresh;
    }
    void *p = b->data + b->used;
    b->used += size;
    arena->total += size;
    ARENA_UNPOISON(p, asked);
    memset(p, 0, ARENA_REDZONE ? asked : size);
    return p;
}

void *ed_arena_calloc(ed_arena *arena, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        ed_out_of_memory();
    return ed_arena_alloc(arena, count * size);
}

char *ed_arena_strndup(ed_arena *arena, const char *s, size_t len)
{
    char *p = ed_arena_alloc(arena, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *ed_arena_strdup(ed_arena *arena, const char *s)
{
    return ed_arena_strndup(arena, s, strlen(s));
}

char *ed_arena_vprintf(ed_arena *arena, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    char *p = ed_arena_alloc(arena, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *ed_arena_printf(ed_arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = ed_arena_vprintf(arena, fmt, ap);
    va_end(ap);
    return p;
}

void *ed_arena_push(ed_arena *arena, void *items, size_t n, size_t elem_size)
{
    if (n > 0 && (n < 4 || (n & (n - 1)) != 0))
        return items; /* not full yet */
    size_t cap = n < 4 ? 4 : n * 2;
    void *grown = ed_arena_calloc(arena, cap, elem_size);
    if (n)
        memcpy(grown, items, n * elem_size);
    return grown;
}

void *ed_arena_adopt(ed_arena *arena, void *ptr, size_t size)
{
    struct adopted *a = ed_arena_alloc(arena, sizeof *a);
    a->ptr = ptr;
    a->next = arena->adopted;
    arena->adopted = a;
    arena->total += size;
    return ptr;
}

size_t ed_arena_used(const ed_arena *arena)
{
    return arena->total;
}
