/* Arena allocation: one arena per linted file; everything is freed at once. */
#ifndef ENVDOCTOR_ARENA_H
#define ENVDOCTOR_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct ed_arena ed_arena;

ed_arena *ed_arena_new(void);
void ed_arena_free(ed_arena *arena);

/* Zeroed memory, aligned for any type. Never returns NULL: running out of
 * memory ends the process with exit code 3 and a message on stderr. */
void *ed_arena_alloc(ed_arena *arena, size_t size);
void *ed_arena_calloc(ed_arena *arena, size_t count, size_t size);
/* Copy of s[0..len) with a terminating NUL. */
char *ed_arena_strndup(ed_arena *arena, const char *s, size_t len);
char *ed_arena_strdup(ed_arena *arena, const char *s);
char *ed_arena_printf(ed_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *ed_arena_vprintf(ed_arena *arena, const char *fmt, va_list ap);

/* Room for one more element in an arena array of n elements that only ever
 * grows through this function (capacity 4, 8, 16, ... is implied by n):
 * returns the array to store element n into, moved when it was full.
 *     items = ed_arena_push(arena, items, n, sizeof *items); items[n++] = x; */
void *ed_arena_push(ed_arena *arena, void *items, size_t n, size_t elem_size);

/* Hands a malloc'd block to the arena, which frees it with the rest; returns
 * ptr. For an array built on the heap at a size not known in advance: the
 * arena keeps that one copy instead of a second one. ptr may be NULL. */
void *ed_arena_adopt(ed_arena *arena, void *ptr, size_t size);

/* Bytes handed out (and adopted) so far (for tests and benchmarks). */
size_t ed_arena_used(const ed_arena *arena);

/* Ends the process after an allocation failure (exit 3). */
_Noreturn void ed_out_of_memory(void);

#endif
