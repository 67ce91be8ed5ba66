/* The Go syntax that BuildKit's messages and values depend on: how Go
 * quotes a value in a message (strconv.Quote, the time package's quote),
 * which strings Go's parsers accept (strconv, time.ParseDuration, go-units,
 * go-csvvalue), and BuildKit's "did you mean ...?" (util/suggest). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envdoctor/buf.h"
#include "internal.h"

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* ---- ASCII, as Go's byte-wise code sees it ---- */

bool df_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

char df_ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

char *df_ascii_lower_dup(ed_arena *arena, const char *s, size_t len)
{
    char *out = ed_arena_strndup(arena, s, len);
    for (char *p = out; *p; p++)
        *p = df_ascii_lower(*p);
    return out;
}

bool df_in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* ---- Go's ways of printing a value in a message ---- */

/* Non-ASCII code points Go's strconv.IsPrint rejects (spaces other than
 * U+0020, format characters, C1 controls, private use); not Go's complete
 * table, which also covers unassigned code points. */
static bool go_unprintable(unsigned r)
{
    return (r >= 0x80 && r <= 0xA0) || r == 0xAD || (r >= 0x600 && r <= 0x605) || r == 0x61C ||
           r == 0x6DD || r == 0x70F || r == 0x180E || r == 0x1680 || (r >= 0x2000 && r <= 0x200F) ||
           (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F) || r == 0x3000 ||
           (r >= 0xD800 && r <= 0xF8FF) || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) ||
           r == 0xFFFE || r == 0xFFFF || (r >= 0xF0000 && r <= 0x10FFFF);
}

void df_go_quote_buf(ed_buf *out, const char *s, size_t len)
{
    ed_buf_addc(out, '"');
    for (size_t i = 0, w; i < len; i += w) {
        unsigned r = df_utf8_decode(s + i, len - i, &w);
        if (r == 0xFFFD && w == 1) { /* a byte that is not UTF-8 */
            ed_buf_printf(out, "\\x%02x", (unsigned char)s[i]);
            continue;
        }
        if (r == '"' || r == '\\') {
            ed_buf_addc(out, '\\');
            ed_buf_addc(out, (char)r);
        } else if ((r >= 0x20 && r < 0x7F) || (r >= 0x80 && !go_unprintable(r))) {
            ed_buf_add(out, s + i, w);
        } else {
            switch (r) {
            case '\a': ed_buf_adds(out, "\\a"); break;
            case '\b': ed_buf_adds(out, "\\b"); break;
            case '\f': ed_buf_adds(out, "\\f"); break;
            case '\n': ed_buf_adds(out, "\\n"); break;
            case '\r': ed_buf_adds(out, "\\r"); break;
            case '\t': ed_buf_adds(out, "\\t"); break;
            case '\v': ed_buf_adds(out, "\\v"); break;
            default:
                if (r < 0x20 || r == 0x7F)
                    ed_buf_printf(out, "\\x%02x", r);
                else if (r < 0x10000)
                    ed_buf_printf(out, "\\u%04x", r);
                else
                    ed_buf_printf(out, "\\U%08x", r);
            }
        }
    }
    ed_buf_addc(out, '"');
}

const char *df_go_quote(ed_arena *arena, const char *s)
{
    ed_buf out = ED_BUF_INIT;
    df_go_quote_buf(&out, s, strlen(s));
    char *q = ed_buf_to_arena(&out, arena);
    ed_buf_free(&out);
    return q;
}

/* The time package's own quote(): every byte outside printable ASCII as \xNN. */
static const char *time_quote(ed_arena *arena, const char *s)
{
    ed_buf out = ED_BUF_INIT;
    ed_buf_addc(&out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x80 || *p < 0x20)
            ed_buf_printf(&out, "\\x%02x", *p);
        else if (*p == '"' || *p == '\\')
            ed_buf_printf(&out, "\\%c", *p);
        else
            ed_buf_addc(&out, (char)*p);
    }
    ed_buf_addc(&out, '"');
    char *q = ed_buf_to_arena(&out, arena);
    ed_buf_free(&out);
    return q;
}

/* ---- "did you mean ...?" (BuildKit's util/suggest) ---- */

#define MAX_RUNES 64

/* The code points of s; MAX_RUNES + 1 when it has more than MAX_RUNES. */
static size_t runes_of(const char *s, unsigned *out)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0, w; i < len; i += w) {
        if (n == MAX_RUNES)
            return MAX_RUNES + 1;
        out[n++] = df_utf8_decode(s + i, len - i, &w);
    }
    return n;
}

/* Levenshtein distance over code points, every edit costing 1 (unlike
 * ed_edit_distance, which folds ASCII case and counts bytes). */
static size_t edit_distance(const char *a, const char *b)
{
    unsigned ra[MAX_RUNES], rb[MAX_RUNES];
    size_t na = runes_of(a, ra), nb = runes_of(b, rb);
    if (na > MAX_RUNES || nb > MAX_RUNES) /* far from any option name */
        return SIZE_MAX;
    size_t row[MAX_RUNES + 1];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (ra[i - 1] != rb[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* The option closest to val, at most 2 edits away (the first one on a tie;
 * BuildKit walks a Go map, so its pick on a tie varies from run to run). */
static const char *suggest(const char *val, const char *const *opts, size_t n)
{
    const char *match = NULL;
    size_t best = 3;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(val, opts[i]) == 0)
            return NULL;
        size_t d = edit_distance(val, opts[i]);
        if (d < best) {
            best = d;
            match = opts[i];
        }
    }
    return match;
}

const char *df_with_suggestion(ed_arena *arena, const char *msg, const char *val,
                               const char *const *opts, size_t n)
{
    const char *match = suggest(val, opts, n);
    return match ? ed_arena_printf(arena, "%s (did you mean %s?)", msg, match) : msg;
}

/* ---- Go's number, boolean, duration and size parsers ---- */

/* strconv.ParseUint(s, base, bits) for base <= 10: it stops at the first bad
 * digit or at the first overflow, whichever comes first. */
df_num_status df_go_parse_uint(const char *s, unsigned base, unsigned bits, uint64_t *out)
{
    if (!*s)
        return DF_NUM_SYNTAX;
    uint64_t max = bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    uint64_t cutoff = UINT64_MAX / base + 1;
    uint64_t n = 0;
    for (; *s; s++) {
        if (!df_is_digit(*s) || (unsigned)(*s - '0') >= base)
            return DF_NUM_SYNTAX;
        if (n >= cutoff)
            return DF_NUM_RANGE;
        n *= base;
        uint64_t n1 = n + (unsigned)(*s - '0');
        if (n1 < n || n1 > max)
            return DF_NUM_RANGE;
        n = n1;
    }
    *out = n;
    return DF_NUM_OK;
}

df_num_status df_go_parse_int32(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    const char *digits = *s == '+' || *s == '-' ? s + 1 : s;
    uint64_t un = 0;
    df_num_status st = df_go_parse_uint(digits, 10, 32, &un);
    if (st != DF_NUM_OK)
        return st;
    if ((!neg && un >= (1u << 31)) || (neg && un > (1u << 31)))
        return DF_NUM_RANGE;
    *out = neg ? -(int64_t)un : (int64_t)un;
    return DF_NUM_OK;
}

bool df_go_is_bool(const char *s)
{
    static const char *const words[] = {"1", "t", "T", "TRUE", "true", "True",
                                        "0", "f", "F", "FALSE", "false", "False"};
    return df_in_list(s, words, COUNT(words));
}

typedef struct duration_unit {
    const char *name;
    uint64_t ns;
} duration_unit;

static const duration_unit duration_units[] = {
    {"ns", 1},           {"us", 1000},          {"\xc2\xb5s", 1000}, /* µs */
    {"\xce\xbcs", 1000}, /* μs */                {"ms", 1000000},
    {"s", 1000000000ull}, {"m", 60000000000ull}, {"h", 3600000000000ull},
};

static uint64_t unit_ns(const char *u, size_t len)
{
    for (size_t i = 0; i < COUNT(duration_units); i++)
        if (strlen(duration_units[i].name) == len && memcmp(duration_units[i].name, u, len) == 0)
            return duration_units[i].ns;
    return 0;
}

/* One `[0-9]*(\.[0-9]*)?unit` term of a duration, added to *total; returns
 * NULL or the error message. Same arithmetic and limits as Go's time package. */
static const char *duration_term(ed_arena *arena, const char **sp, const char *orig,
                                 uint64_t *total)
{
    const uint64_t limit = (uint64_t)1 << 63;
    const char *invalid = "time: invalid duration %s";
    const char *s = *sp;
    if (!(*s == '.' || df_is_digit(*s)))
        return ed_arena_printf(arena, invalid, time_quote(arena, orig));
    uint64_t x = 0, f = 0;
    double scale = 1;
    const char *start = s;
    for (; df_is_digit(*s); s++) {
        if (x > limit / 10)
            return ed_arena_printf(arena, invalid, time_quote(arena, orig));
        x = x * 10 + (uint64_t)(*s - '0');
        if (x > limit)
            return ed_arena_printf(arena, invalid, time_quote(arena, orig));
    }
    bool pre = s != start, post = false;
    if (*s == '.') {
        const char *frac = ++s;
        bool overflow = false;
        for (; df_is_digit(*s); s++) {
            if (overflow || f > (limit - 1) / 10 || f * 10 + (uint64_t)(*s - '0') > limit) {
                overflow = true;
                continue;
            }
            f = f * 10 + (uint64_t)(*s - '0');
            scale *= 10;
        }
        post = s != frac;
    }
    if (!pre && !post)
        return ed_arena_printf(arena, invalid, time_quote(arena, orig));
    size_t ulen = 0;
    while (s[ulen] && s[ulen] != '.' && !df_is_digit(s[ulen]))
        ulen++;
    if (ulen == 0)
        return ed_arena_printf(arena, "time: missing unit in duration %s", time_quote(arena, orig));
    uint64_t unit = unit_ns(s, ulen);
    if (unit == 0)
        return ed_arena_printf(arena, "time: unknown unit %s in duration %s",
                               time_quote(arena, ed_arena_strndup(arena, s, ulen)),
                               time_quote(arena, orig));
    if (x > limit / unit)
        return ed_arena_printf(arena, invalid, time_quote(arena, orig));
    x *= unit;
    if (f > 0) {
        x += (uint64_t)((double)f * ((double)unit / scale));
        if (x > limit)
            return ed_arena_printf(arena, invalid, time_quote(arena, orig));
    }
    *total += x;
    if (*total > limit)
        return ed_arena_printf(arena, invalid, time_quote(arena, orig));
    *sp = s + ulen;
    return NULL;
}

const char *df_go_parse_duration(ed_arena *arena, const char *orig, int64_t *ns)
{
    const uint64_t limit = (uint64_t)1 << 63;
    const char *s = orig;
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    *ns = 0;
    if (strcmp(s, "0") == 0)
        return NULL;
    if (!*s)
        return ed_arena_printf(arena, "time: invalid duration %s", time_quote(arena, orig));
    uint64_t d = 0;
    while (*s) {
        const char *err = duration_term(arena, &s, orig, &d);
        if (err)
            return err;
    }
    if (!neg && d > limit - 1)
        return ed_arena_printf(arena, "time: invalid duration %s", time_quote(arena, orig));
    *ns = neg ? (d == limit ? INT64_MIN : -(int64_t)d) : (int64_t)d;
    return NULL;
}

/* strconv.ParseFloat's syntax (decimal, or hexadecimal with a p exponent;
 * no underscores) and range. */
static bool go_is_float(const char *s, double *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    if (hex)
        p += 2;
    size_t digits = 0;
    for (; df_is_digit(*p) || (hex && *p && strchr("abcdefABCDEF", *p)); p++)
        digits++;
    if (*p == '.')
        for (p++; df_is_digit(*p) || (hex && *p && strchr("abcdefABCDEF", *p)); p++)
            digits++;
    if (digits == 0)
        return false;
    char e = hex ? 'p' : 'e';
    if (df_ascii_lower(*p) == e) {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!df_is_digit(*p))
            return false;
        while (df_is_digit(*p))
            p++;
    } else if (hex) {
        return false;
    }
    if (*p)
        return false;
    *out = strtod(s, NULL);
    return !isinf(*out);
}

/* RAMInBytes: a number, then an optional blank and a suffix b, k, kb, kib,
 * m, ... (any case). */
bool df_go_is_ram_size(ed_arena *arena, const char *s)
{
    const char *sep = NULL;
    for (const char *p = s; *p; p++)
        if (df_is_digit(*p) || *p == '.' || *p == ' ')
            sep = p;
    if (!sep)
        return false;
    const char *num = ed_arena_strndup(arena, s, (size_t)(sep - s) + (*sep != ' '));
    double size;
    if (!go_is_float(num, &size) || size < 0)
        return false;
    const char *sfx = df_ascii_lower_dup(arena, sep + 1, strlen(sep + 1));
    size_t n = strlen(sfx);
    if (n == 0)
        return true;
    if (n > 3)
        return false;
    if (sfx[0] == 'b')
        return n == 1;
    if (!strchr("kmgtp", sfx[0]))
        return false;
    return n == 1 || (n == 2 && sfx[1] == 'b') || (n == 3 && strcmp(sfx + 1, "ib") == 0);
}

/* ---- CSV values (go-csvvalue) ---- */

static const char *csv_error(ed_arena *arena, size_t pos, bool bare)
{
    return ed_arena_printf(arena, "parse error on line 1, column %zu: %s", pos + 1,
                           bare ? "bare \" in non-quoted-field"
                                : "extraneous or missing \" in quoted-field");
}

/* A quoted field starting at *pos; returns NULL or the error message. */
static const char *csv_quoted(ed_arena *arena, const char *s, size_t len, size_t *pos,
                              df_csv_field *f)
{
    ed_buf text = ED_BUF_INIT;
    size_t p = *pos + 1;
    f->at = *pos;
    for (;;) {
        const char *q = memchr(s + p, '"', len - p);
        if (!q) {
            ed_buf_free(&text);
            return csv_error(arena, p, false);
        }
        ed_buf_add(&text, s + p, (size_t)(q - s) - p);
        p = (size_t)(q - s) + 1;
        if (p < len && s[p] == '"') { /* "" stands for one quote */
            ed_buf_addc(&text, '"');
            p++;
            continue;
        }
        if (p < len && s[p] != ',') {
            ed_buf_free(&text);
            return csv_error(arena, p - 1, false);
        }
        break;
    }
    f->end = p;
    f->text = text.data ? ed_buf_to_arena(&text, arena) : "";
    ed_buf_free(&text);
    *pos = p;
    return NULL;
}

const char *df_csv_split(ed_arena *arena, const char *s, df_csv_list *out)
{
    size_t len = strlen(s), pos = 0, commas = 0;
    if (len == 0)
        return "EOF";
    for (size_t i = 0; i < len; i++)
        commas += s[i] == ',';
    out->items = ed_arena_calloc(arena, commas + 1, sizeof *out->items);
    out->n = 0;
    for (;;) {
        df_csv_field *f = &out->items[out->n++];
        if (pos < len && s[pos] == '"') {
            const char *err = csv_quoted(arena, s, len, &pos, f);
            if (err)
                return err;
        } else {
            const char *comma = memchr(s + pos, ',', len - pos);
            size_t end = comma ? (size_t)(comma - s) : len;
            const char *quote = memchr(s + pos, '"', end - pos);
            if (quote)
                return csv_error(arena, (size_t)(quote - s), true);
            *f = (df_csv_field){ed_arena_strndup(arena, s + pos, end - pos), pos, end};
            pos = end;
        }
        if (pos >= len)
            return NULL;
        pos++; /* the comma */
    }
}
