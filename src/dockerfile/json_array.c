/* The exec form: a JSON array of strings, judged as Go's encoding/json does,
 * because BuildKit's choice between exec form, shell form and a hard error
 * depends on exactly that. */
#include <string.h>

#include "envdoctor/buf.h"
#include "internal.h"

enum { MAX_DEPTH = 10000 }; /* encoding/json's nesting limit */

typedef struct cursor {
    const char *s;
    size_t pos, end;
} cursor;

static void skip_ws(cursor *c)
{
    while (c->pos < c->end) {
        char ch = c->s[c->pos];
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
            break;
        c->pos++;
    }
}

static bool is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static unsigned hex4(const char *p)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        v = v * 16 + (unsigned)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
    }
    return v;
}

static void put_rune(ed_buf *out, unsigned r)
{
    char b[4];
    size_t n;
    if (r < 0x80) {
        b[0] = (char)r, n = 1;
    } else if (r < 0x800) {
        b[0] = (char)(0xC0 | (r >> 6)), b[1] = (char)(0x80 | (r & 0x3F)), n = 2;
    } else if (r < 0x10000) {
        b[0] = (char)(0xE0 | (r >> 12)), b[1] = (char)(0x80 | ((r >> 6) & 0x3F));
        b[2] = (char)(0x80 | (r & 0x3F)), n = 3;
    } else {
        b[0] = (char)(0xF0 | (r >> 18)), b[1] = (char)(0x80 | ((r >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((r >> 6) & 0x3F)), b[3] = (char)(0x80 | (r & 0x3F)), n = 4;
    }
    ed_buf_add(out, b, n);
}

/* Scans a string at c->pos (on the opening quote). When out is given, the
 * decoded value is appended (invalid UTF-8 and lone surrogates become U+FFFD). */
static bool scan_string(cursor *c, ed_buf *out)
{
    c->pos++; /* opening quote */
    while (c->pos < c->end) {
        unsigned char ch = (unsigned char)c->s[c->pos];
        if (ch == '"') {
            c->pos++;
            return true;
        }
        if (ch < 0x20)
            return false;
        if (ch == '\\') {
            if (c->pos + 1 >= c->end)
                return false;
            char e = c->s[c->pos + 1];
            const char *simple = strchr("\"\\/bfnrt", e);
            if (e && simple) {
                static const char decoded[] = "\"\\/\b\f\n\r\t";
                if (out)
                    ed_buf_addc(out, decoded[simple - "\"\\/bfnrt"]);
                c->pos += 2;
                continue;
            }
            if (e != 'u' || c->pos + 6 > c->end)
                return false;
            for (int i = 2; i < 6; i++)
                if (!is_hex(c->s[c->pos + i]))
                    return false;
            unsigned r = hex4(c->s + c->pos + 2);
            c->pos += 6;
            if (r >= 0xD800 && r < 0xDC00) { /* a high surrogate wants a low one */
                if (c->pos + 6 <= c->end && c->s[c->pos] == '\\' && c->s[c->pos + 1] == 'u' &&
                    is_hex(c->s[c->pos + 2]) && is_hex(c->s[c->pos + 3]) &&
                    is_hex(c->s[c->pos + 4]) && is_hex(c->s[c->pos + 5])) {
                    unsigned lo = hex4(c->s + c->pos + 2);
                    if (lo >= 0xDC00 && lo < 0xE000) {
                        r = 0x10000 + ((r - 0xD800) << 10) + (lo - 0xDC00);
                        c->pos += 6;
                    } else {
                        r = 0xFFFD;
                    }
                } else {
                    r = 0xFFFD;
                }
            } else if (r >= 0xDC00 && r < 0xE000) {
                r = 0xFFFD;
            }
            if (out)
                put_rune(out, r);
            continue;
        }
        size_t w;
        unsigned r = df_utf8_decode(c->s + c->pos, c->end - c->pos, &w);
        if (out) {
            if (r == 0xFFFD && w == 1)
                put_rune(out, 0xFFFD);
            else
                ed_buf_add(out, c->s + c->pos, w);
        }
        c->pos += w;
    }
    return false;
}

static bool scan_digits(cursor *c)
{
    size_t start = c->pos;
    while (c->pos < c->end && c->s[c->pos] >= '0' && c->s[c->pos] <= '9')
        c->pos++;
    return c->pos > start;
}

static bool scan_number(cursor *c)
{
    if (c->s[c->pos] == '-')
        c->pos++;
    if (c->pos < c->end && c->s[c->pos] == '0')
        c->pos++;
    else if (!(c->pos < c->end && c->s[c->pos] >= '1' && c->s[c->pos] <= '9') || !scan_digits(c))
        return false;
    if (c->pos < c->end && c->s[c->pos] == '.') {
        c->pos++;
        if (!scan_digits(c))
            return false;
    }
    if (c->pos < c->end && (c->s[c->pos] == 'e' || c->s[c->pos] == 'E')) {
        c->pos++;
        if (c->pos < c->end && (c->s[c->pos] == '+' || c->s[c->pos] == '-'))
            c->pos++;
        if (!scan_digits(c))
            return false;
    }
    return true;
}

static bool scan_literal(cursor *c, const char *word)
{
    size_t n = strlen(word);
    if (c->end - c->pos < n || memcmp(c->s + c->pos, word, n) != 0)
        return false;
    c->pos += n;
    return true;
}

static bool scan_value(cursor *c, int depth);

static bool scan_container(cursor *c, int depth, char close, bool object)
{
    if (depth > MAX_DEPTH)
        return false;
    c->pos++;
    skip_ws(c);
    if (c->pos < c->end && c->s[c->pos] == close) {
        c->pos++;
        return true;
    }
    for (;;) {
        if (object) {
            if (c->pos >= c->end || c->s[c->pos] != '"' || !scan_string(c, NULL))
                return false;
            skip_ws(c);
            if (c->pos >= c->end || c->s[c->pos] != ':')
                return false;
            c->pos++;
            skip_ws(c);
        }
        if (!scan_value(c, depth + 1))
            return false;
        skip_ws(c);
        if (c->pos >= c->end)
            return false;
        if (c->s[c->pos] == close) {
            c->pos++;
            return true;
        }
        if (c->s[c->pos] != ',')
            return false;
        c->pos++;
        skip_ws(c);
    }
}

static bool scan_value(cursor *c, int depth)
{
    if (c->pos >= c->end)
        return false;
    switch (c->s[c->pos]) {
    case '"': return scan_string(c, NULL);
    case '[': return scan_container(c, depth, ']', false);
    case '{': return scan_container(c, depth, '}', true);
    case 't': return scan_literal(c, "true");
    case 'f': return scan_literal(c, "false");
    case 'n': return scan_literal(c, "null");
    default: return scan_number(c);
    }
}

df_json_status df_json_array(ed_arena *arena, const char *s, size_t start, size_t end,
                             df_word **words, size_t *nwords, size_t *bad_at)
{
    *words = NULL;
    *nwords = 0;
    size_t w;
    while (start < end && (w = df_space_width(s + start, end - start)) > 0)
        start += w;
    if (start >= end || s[start] != '[')
        return DF_JSON_INVALID;

    /* First the whole text must be valid JSON, as encoding/json checks. */
    cursor c = {s, start, end};
    skip_ws(&c);
    if (!scan_value(&c, 1))
        return DF_JSON_INVALID;
    skip_ws(&c);
    if (c.pos != end)
        return DF_JSON_INVALID;

    /* Then every element must be a string. */
    df_wordlist list = {0};
    ed_buf value = ED_BUF_INIT;
    c.pos = start + 1;
    skip_ws(&c);
    while (c.pos < end && s[c.pos] != ']') {
        size_t elem = c.pos;
        if (s[c.pos] != '"') {
            ed_buf_free(&value);
            df_wordlist_free(&list);
            *bad_at = elem;
            return DF_JSON_NOT_STRING;
        }
        ed_buf_reset(&value);
        scan_string(&c, &value);
        df_wordlist_push(&list,
                         df_make_word(arena, value.data ? value.data : "", value.len, elem, c.pos));
        skip_ws(&c);
        if (c.pos < end && s[c.pos] == ',')
            c.pos++;
        skip_ws(&c);
    }
    ed_buf_free(&value);
    *nwords = list.n;
    *words = df_wordlist_finish(arena, &list);
    return DF_JSON_OK;
}
