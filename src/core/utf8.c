#include "envdoctor/utf8.h"

#include <string.h>

#include "envdoctor/buf.h"

unsigned ed_utf8_decode(const char *s, size_t len, size_t *width)
{
    const unsigned char *p = (const unsigned char *)s;
    *width = 1;
    if (len == 0)
        return 0xFFFD;
    unsigned c = p[0];
    if (c < 0x80)
        return c;
    size_t need;
    unsigned rune, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2, rune = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3, rune = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4, rune = c & 0x07, min = 0x10000;
    } else {
        return 0xFFFD;
    }
    if (len < need)
        return 0xFFFD;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0xFFFD;
        rune = (rune << 6) | (p[i] & 0x3F);
    }
    if (rune < min || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF))
        return 0xFFFD;
    *width = need;
    return rune;
}

const char *ed_utf8_sanitize(ed_arena *arena, const char *s)
{
    size_t len = strlen(s), i = 0, w;
    while (i < len && !(ed_utf8_decode(s + i, len - i, &w) == 0xFFFD && w == 1))
        i += w;
    if (i == len)
        return s;
    ed_buf out = ED_BUF_INIT;
    ed_buf_add(&out, s, i);
    while (i < len) {
        unsigned r = ed_utf8_decode(s + i, len - i, &w);
        if (r == 0xFFFD && w == 1)
            ed_buf_add(&out, "\xEF\xBF\xBD", 3);
        else
            ed_buf_add(&out, s + i, w);
        i += w;
    }
    const char *result = ed_buf_to_arena(&out, arena);
    ed_buf_free(&out);
    return result;
}

const char *ed_utf8_abbrev(ed_arena *arena, const char *s, size_t max_chars)
{
    size_t len = strlen(s), at = 0;
    for (size_t n = 0; at < len && n < max_chars; n++) {
        size_t width;
        ed_utf8_decode(s + at, len - at, &width);
        at += width;
    }
    return at == len ? s : ed_arena_printf(arena, "%.*s\u2026", (int)at, s);
}
