/* Growable byte buffer (heap-backed) for building strings of unknown length. */
#ifndef ENVDOCTOR_BUF_H
#define ENVDOCTOR_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "envdoctor/arena.h"

typedef struct ed_buf {
    char *data; /* always NUL-terminated once anything was added */
    size_t len;
    size_t cap;
} ed_buf;

#define ED_BUF_INIT {0}

void ed_buf_add(ed_buf *buf, const char *s, size_t len);
void ed_buf_adds(ed_buf *buf, const char *s);
void ed_buf_addc(ed_buf *buf, char c);
void ed_buf_printf(ed_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ed_buf_reset(ed_buf *buf);
void ed_buf_free(ed_buf *buf);
/* Copies the content into the arena (NUL-terminated) and resets the buffer. */
char *ed_buf_to_arena(ed_buf *buf, ed_arena *arena);
/* An arena copy of the buffer's bytes (NULL when there are none), aligned
 * for any type: an array collected in a buffer, kept at its exact size
 * (an arena array grown by doubling would leave every outgrown copy). */
void *ed_buf_copy(const ed_buf *buf, ed_arena *arena);
/* Returns the heap string (caller frees) and leaves the buffer empty. */
char *ed_buf_take(ed_buf *buf);

#endif
