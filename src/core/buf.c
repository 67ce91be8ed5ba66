#include "envdoctor/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(ed_buf *buf, size_t extra)
{
    if (extra > SIZE_MAX - buf->len - 1)
        ed_out_of_memory();
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return;
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(buf->data, cap);
    if (!p)
        ed_out_of_memory();
    buf->data = p;
    buf->cap = cap;
}

void ed_buf_add(ed_buf *buf, const char *s, size_t len)
{
    grow(buf, len);
    if (len)
        memcpy(buf->data + buf->len, s, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void ed_buf_adds(ed_buf *buf, const char *s)
{
    ed_buf_add(buf, s, strlen(s));
}

void ed_buf_addc(ed_buf *buf, char c)
{
    ed_buf_add(buf, &c, 1);
}

void ed_buf_printf(ed_buf *buf, const char *fmt, ...)
{
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n > 0) {
        grow(buf, (size_t)n);
        vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
        buf->len += (size_t)n;
    }
    va_end(ap);
}

void ed_buf_reset(ed_buf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void ed_buf_free(ed_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

char *ed_buf_to_arena(ed_buf *buf, ed_arena *arena)
{
    char *s = ed_arena_strndup(arena, buf->data ? buf->data : "", buf->len);
    ed_buf_reset(buf);
    return s;
}

void *ed_buf_copy(const ed_buf *buf, ed_arena *arena)
{
    if (!buf->len)
        return NULL;
    void *copy = ed_arena_alloc(arena, buf->len);
    memcpy(copy, buf->data, buf->len);
    return copy;
}

char *ed_buf_take(ed_buf *buf)
{
    char *s = buf->data;
    if (!s) {
        s = malloc(1);
        if (!s)
            ed_out_of_memory();
        s[0] = '\0';
    }
    buf->data = NULL;
    buf->len = buf->cap = 0;
    return s;
}
