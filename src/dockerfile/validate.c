/* BuildKit's instruction stage: the checks `docker build` applies to every
 * parsed instruction before it builds anything (frontend/dockerfile/
 * instructions: parse.go, bflag.go and the RUN flag files), plus the few
 * option checks it makes later on values that no variable can change
 * (RUN --mount options, COPY/ADD --chmod). Each problem is recorded as a
 * syntax error on the most exact token; like BuildKit, an instruction
 * gets at most one error, the first one BuildKit would raise. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envdoctor/buf.h"
#include "internal.h"

typedef struct vctx {
    df_file *file;
    ed_arena *arena;
} vctx;

/* Records the instruction's error; returns false so checks can `return fail(...)`. */
static bool fail(vctx *v, df_instr *in, df_span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool fail(vctx *v, df_instr *in, df_span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = ed_arena_vprintf(v->arena, fmt, ap);
    va_end(ap);
    df_add_error(v->file, v->arena, span, "%s", msg);
    in->has_error = true;
    return false;
}

/* Source span of text[off, off+len) of a word, when the word is written
 * verbatim in the line (no quotes or escapes removed); else the whole word. */
static df_span word_part(const df_instr *in, const df_word *w, size_t off, size_t len)
{
    size_t raw = w->lend - w->lstart;
    if (raw != w->len || off + len > raw || memcmp(in->line + w->lstart, w->text, raw) != 0)
        return w->span;
    return df_source_span(in, w->lstart + off, w->lstart + off + len);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static char *lower_copy(vctx *v, const char *s, size_t len)
{
    char *out = ed_arena_strndup(v->arena, s, len);
    for (char *p = out; *p; p++)
        *p = ascii_lower(*p);
    return out;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* ---- Go's ways of printing a value in a message ---- */

/* Non-ASCII code points Go's strconv.IsPrint rejects (the common ones). */
static bool go_unprintable(unsigned r)
{
    return (r >= 0x80 && r <= 0xA0) || r == 0xAD || (r >= 0x600 && r <= 0x605) || r == 0x61C ||
           r == 0x6DD || r == 0x70F || r == 0x180E || r == 0x1680 || (r >= 0x2000 && r <= 0x200F) ||
           (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F) || r == 0x3000 ||
           (r >= 0xD800 && r <= 0xF8FF) || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) ||
           r == 0xFFFE || r == 0xFFFF || r >= 0xF0000;
}

/* Go's %q (strconv.Quote). */
static const char *go_quote(vctx *v, const char *s)
{
    static const char escapes[] = "\a\b\f\n\r\t\v";
    static const char letters[] = "abfnrtv";
    ed_buf out = ED_BUF_INIT;
    size_t len = strlen(s);
    ed_buf_addc(&out, '"');
    for (size_t i = 0; i < len;) {
        size_t w;
        unsigned r = df_utf8_decode(s + i, len - i, &w);
        const char *esc = r && r < 0x80 ? strchr(escapes, (int)r) : NULL;
        if (r == 0xFFFD && w == 1)
            ed_buf_printf(&out, "\\x%02x", (unsigned char)s[i]);
        else if (r == '"' || r == '\\')
            ed_buf_printf(&out, "\\%c", (char)r);
        else if ((r >= 0x20 && r < 0x7F) || (r >= 0x80 && !go_unprintable(r)))
            ed_buf_add(&out, s + i, w);
        else if (esc)
            ed_buf_printf(&out, "\\%c", letters[esc - escapes]);
        else if (r < 0x20 || r == 0x7F)
            ed_buf_printf(&out, "\\x%02x", r);
        else if (r < 0x10000)
            ed_buf_printf(&out, "\\u%04x", r);
        else
            ed_buf_printf(&out, "\\U%08x", r);
        i += w;
    }
    ed_buf_addc(&out, '"');
    char *q = ed_buf_to_arena(&out, v->arena);
    ed_buf_free(&out);
    return q;
}

/* The time package's own quote(): every byte outside printable ASCII as \xNN. */
static const char *time_quote(vctx *v, const char *s)
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
    char *q = ed_buf_to_arena(&out, v->arena);
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

/* Levenshtein distance over code points, every edit costing 1. */
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

static const char *with_suggestion(vctx *v, const char *msg, const char *val,
                                   const char *const *opts, size_t n)
{
    const char *match = suggest(val, opts, n);
    return match ? ed_arena_printf(v->arena, "%s (did you mean %s?)", msg, match) : msg;
}

/* ---- Go's number, boolean, duration and size parsers ---- */

typedef enum num_status { NUM_OK, NUM_SYNTAX, NUM_RANGE } num_status;

/* strconv.ParseUint(s, base, bits) for base <= 10: it stops at the first bad
 * digit or at the first overflow, whichever comes first. */
static num_status go_parse_uint(const char *s, unsigned base, unsigned bits, uint64_t *out)
{
    if (!*s)
        return NUM_SYNTAX;
    uint64_t max = bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    uint64_t cutoff = UINT64_MAX / base + 1;
    uint64_t n = 0;
    for (; *s; s++) {
        if (!is_digit(*s) || (unsigned)(*s - '0') >= base)
            return NUM_SYNTAX;
        if (n >= cutoff)
            return NUM_RANGE;
        n *= base;
        uint64_t n1 = n + (unsigned)(*s - '0');
        if (n1 < n || n1 > max)
            return NUM_RANGE;
        n = n1;
    }
    *out = n;
    return NUM_OK;
}

/* strconv.ParseInt(s, 10, 32). */
static num_status go_parse_int32(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    const char *digits = *s == '+' || *s == '-' ? s + 1 : s;
    uint64_t un = 0;
    num_status st = go_parse_uint(digits, 10, 32, &un);
    if (st != NUM_OK)
        return st;
    if ((!neg && un >= (1u << 31)) || (neg && un > (1u << 31)))
        return NUM_RANGE;
    *out = neg ? -(int64_t)un : (int64_t)un;
    return NUM_OK;
}

/* strconv.ParseBool. */
static bool go_is_bool(const char *s)
{
    static const char *const words[] = {"1", "t", "T", "TRUE", "true", "True",
                                        "0", "f", "F", "FALSE", "false", "False"};
    return in_list(s, words, COUNT(words));
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
static const char *duration_term(vctx *v, const char **sp, const char *orig, uint64_t *total)
{
    const uint64_t limit = (uint64_t)1 << 63;
    const char *invalid = "time: invalid duration %s";
    const char *s = *sp;
    if (!(*s == '.' || is_digit(*s)))
        return ed_arena_printf(v->arena, invalid, time_quote(v, orig));
    uint64_t x = 0, f = 0;
    double scale = 1;
    const char *start = s;
    for (; is_digit(*s); s++) {
        if (x > limit / 10)
            return ed_arena_printf(v->arena, invalid, time_quote(v, orig));
        x = x * 10 + (uint64_t)(*s - '0');
        if (x > limit)
            return ed_arena_printf(v->arena, invalid, time_quote(v, orig));
    }
    bool pre = s != start, post = false;
    if (*s == '.') {
        const char *frac = ++s;
        bool overflow = false;
        for (; is_digit(*s); s++) {
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
        return ed_arena_printf(v->arena, invalid, time_quote(v, orig));
    size_t ulen = 0;
    while (s[ulen] && s[ulen] != '.' && !is_digit(s[ulen]))
        ulen++;
    if (ulen == 0)
        return ed_arena_printf(v->arena, "time: missing unit in duration %s", time_quote(v, orig));
    uint64_t unit = unit_ns(s, ulen);
    if (unit == 0)
        return ed_arena_printf(v->arena, "time: unknown unit %s in duration %s",
                               time_quote(v, ed_arena_strndup(v->arena, s, ulen)),
                               time_quote(v, orig));
    if (x > limit / unit)
        return ed_arena_printf(v->arena, invalid, time_quote(v, orig));
    x *= unit;
    if (f > 0) {
        x += (uint64_t)((double)f * ((double)unit / scale));
        if (x > limit)
            return ed_arena_printf(v->arena, invalid, time_quote(v, orig));
    }
    *total += x;
    if (*total > limit)
        return ed_arena_printf(v->arena, invalid, time_quote(v, orig));
    *sp = s + ulen;
    return NULL;
}

/* time.ParseDuration: NULL and the signed duration, or the error message. */
static const char *go_parse_duration(vctx *v, const char *orig, int64_t *ns)
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
        return ed_arena_printf(v->arena, "time: invalid duration %s", time_quote(v, orig));
    uint64_t d = 0;
    while (*s) {
        const char *err = duration_term(v, &s, orig, &d);
        if (err)
            return err;
    }
    if (!neg && d > limit - 1)
        return ed_arena_printf(v->arena, "time: invalid duration %s", time_quote(v, orig));
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
    for (; is_digit(*p) || (hex && *p && strchr("abcdefABCDEF", *p)); p++)
        digits++;
    if (*p == '.')
        for (p++; is_digit(*p) || (hex && *p && strchr("abcdefABCDEF", *p)); p++)
            digits++;
    if (digits == 0)
        return false;
    char e = hex ? 'p' : 'e';
    if (ascii_lower(*p) == e) {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!is_digit(*p))
            return false;
        while (is_digit(*p))
            p++;
    } else if (hex) {
        return false;
    }
    if (*p)
        return false;
    *out = strtod(s, NULL);
    return !isinf(*out);
}

/* go-units' RAMInBytes, the tmpfs size= syntax: a number, then an optional
 * blank and a suffix b, k, kb, kib, m, ... (any case). */
static bool go_is_ram_size(vctx *v, const char *s)
{
    const char *sep = NULL;
    for (const char *p = s; *p; p++)
        if (is_digit(*p) || *p == '.' || *p == ' ')
            sep = p;
    if (!sep)
        return false;
    const char *num = ed_arena_strndup(v->arena, s, (size_t)(sep - s) + (*sep != ' '));
    double size;
    if (!go_is_float(num, &size) || size < 0)
        return false;
    const char *sfx = lower_copy(v, sep + 1, strlen(sep + 1));
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

/* ---- CSV values of --mount and --device (go-csvvalue) ---- */

typedef struct csv_field {
    const char *text; /* with the CSV quoting removed */
    size_t at, end;   /* where it is written in the value */
} csv_field;

typedef struct csv_list {
    csv_field *items;
    size_t n;
} csv_list;

static const char *csv_error(vctx *v, size_t pos, bool bare)
{
    return ed_arena_printf(v->arena, "parse error on line 1, column %zu: %s", pos + 1,
                           bare ? "bare \" in non-quoted-field"
                                : "extraneous or missing \" in quoted-field");
}

/* A quoted field starting at *pos; returns NULL or the error message. */
static const char *csv_quoted(vctx *v, const char *s, size_t len, size_t *pos, csv_field *f)
{
    ed_buf text = ED_BUF_INIT;
    size_t p = *pos + 1;
    f->at = *pos;
    for (;;) {
        const char *q = memchr(s + p, '"', len - p);
        if (!q) {
            ed_buf_free(&text);
            return csv_error(v, p, false);
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
            return csv_error(v, p - 1, false);
        }
        break;
    }
    f->end = p;
    f->text = text.data ? ed_buf_to_arena(&text, v->arena) : "";
    ed_buf_free(&text);
    *pos = p;
    return NULL;
}

/* Splits a one-line CSV value; returns NULL or the error message. */
static const char *csv_split(vctx *v, const char *s, csv_list *out)
{
    size_t len = strlen(s), pos = 0, commas = 0;
    if (len == 0)
        return "EOF";
    for (size_t i = 0; i < len; i++)
        commas += s[i] == ',';
    out->items = ed_arena_calloc(v->arena, commas + 1, sizeof *out->items);
    out->n = 0;
    for (;;) {
        csv_field *f = &out->items[out->n++];
        if (pos < len && s[pos] == '"') {
            const char *err = csv_quoted(v, s, len, &pos, f);
            if (err)
                return err;
        } else {
            const char *comma = memchr(s + pos, ',', len - pos);
            size_t end = comma ? (size_t)(comma - s) : len;
            const char *quote = memchr(s + pos, '"', end - pos);
            if (quote)
                return csv_error(v, (size_t)(quote - s), true);
            *f = (csv_field){ed_arena_strndup(v->arena, s + pos, end - pos), pos, end};
            pos = end;
        }
        if (pos >= len)
            return NULL;
        pos++; /* the comma */
    }
}

/* A field's key (lower case) and value, split at the first '='. */
typedef struct key_value {
    const char *key;
    const char *value; /* NULL without '=' */
} key_value;

static key_value split_field(vctx *v, const csv_field *f)
{
    const char *eq = strchr(f->text, '=');
    if (!eq)
        return (key_value){lower_copy(v, f->text, strlen(f->text)), NULL};
    return (key_value){lower_copy(v, f->text, (size_t)(eq - f->text)), eq + 1};
}

/* ---- builder flags (bflag.go) ---- */

typedef enum flag_type { FLAG_BOOL, FLAG_STRING, FLAG_STRINGS } flag_type;

typedef struct flag_spec {
    const char *name;
    flag_type type; /* FLAG_STRINGS may be repeated */
} flag_spec;

#define MAX_FLAG_SPECS 8

/* The flags of one instruction once parsed: the last use of each. */
typedef struct flag_set {
    const df_flag *used[MAX_FLAG_SPECS];
} flag_set;

static const flag_spec from_flags[] = {{"platform", FLAG_STRING}};
static const flag_spec copy_flags[] = {
    {"chown", FLAG_STRING}, {"from", FLAG_STRING},      {"chmod", FLAG_STRING},
    {"link", FLAG_BOOL},    {"exclude", FLAG_STRINGS}, {"parents", FLAG_BOOL},
};
static const flag_spec add_flags[] = {
    {"chown", FLAG_STRING},    {"chmod", FLAG_STRING}, {"link", FLAG_BOOL},
    {"keep-git-dir", FLAG_BOOL}, {"checksum", FLAG_STRING}, {"unpack", FLAG_BOOL},
    {"exclude", FLAG_STRINGS},
};
static const flag_spec run_flags[] = {
    {"mount", FLAG_STRINGS}, {"network", FLAG_STRING}, {"security", FLAG_STRING},
    {"device", FLAG_STRINGS},
};
static const flag_spec healthcheck_flags[] = {
    {"interval", FLAG_STRING},       {"timeout", FLAG_STRING}, {"start-period", FLAG_STRING},
    {"start-interval", FLAG_STRING}, {"retries", FLAG_STRING},
};

typedef bool (*instr_check)(vctx *v, df_instr *in);

typedef struct instr_rule {
    const flag_spec *flags; /* the flags BuildKit defines for the instruction */
    size_t nflags;
    instr_check check;
} instr_rule;

static const instr_rule *rule_of(df_kind kind);

static const char *unknown_flag_message(vctx *v, const df_flag *fl, const instr_rule *rule)
{
    const char *names[MAX_FLAG_SPECS];
    for (size_t k = 0; k < rule->nflags; k++)
        names[k] = rule->flags[k].name;
    const char *msg = ed_arena_printf(v->arena, "unknown flag: --%s", fl->name);
    return with_suggestion(v, msg, fl->name, names, rule->nflags);
}

/* The last use of a flag the instruction defines, or NULL. */
static const df_flag *flag_used(const flag_set *set, const df_instr *in, const char *name)
{
    const instr_rule *rule = rule_of(in->kind);
    for (size_t k = 0; k < rule->nflags; k++)
        if (strcmp(rule->flags[k].name, name) == 0)
            return set->used[k];
    return NULL;
}

/* One flag against its definition (BFlags.Parse's per-type rules). */
static bool check_flag_value(vctx *v, df_instr *in, const df_flag *fl, flag_type type)
{
    if (type != FLAG_BOOL) {
        if (!fl->value)
            return fail(v, in, fl->word.span, "missing a value on flag: --%s", fl->name);
        return true;
    }
    if (fl->value && !*fl->value)
        return fail(v, in, fl->word.span, "missing a value on flag: --%s", fl->name);
    if (fl->value && strcasecmp(fl->value, "true") != 0 && strcasecmp(fl->value, "false") != 0)
        return fail(v, in, fl->word.span, "expecting boolean value for flag --%s, not: %s",
                    fl->name, fl->value);
    return true;
}

/* BFlags.Parse over the instruction's flags, in order, first error wins. */
static bool check_flags(vctx *v, df_instr *in, flag_set *set)
{
    const instr_rule *rule = rule_of(in->kind);
    memset(set, 0, sizeof *set);
    for (size_t i = 0; i < in->nflags; i++) {
        const df_flag *fl = &in->flags[i];
        size_t k = 0;
        while (k < rule->nflags && strcmp(rule->flags[k].name, fl->name) != 0)
            k++;
        if (k == rule->nflags)
            return fail(v, in, fl->word.span, "%s", unknown_flag_message(v, fl, rule));
        if (set->used[k] && rule->flags[k].type != FLAG_STRINGS)
            return fail(v, in, fl->word.span, "duplicate flag specified: --%s", fl->name);
        set->used[k] = fl;
        if (!check_flag_value(v, in, fl, rule->flags[k].type))
            return false;
    }
    return true;
}

/* Span of a field of a flag's value. */
static df_span field_span(const df_instr *in, const df_flag *fl, const csv_field *f)
{
    size_t off = (size_t)(fl->value - fl->word.text);
    return word_part(in, &fl->word, off + f->at, f->end - f->at);
}

/* ---- RUN --device (commands_rundevice.go) ---- */

static bool check_device(vctx *v, df_instr *in, const df_flag *fl)
{
    static const char *const keys[] = {"name", "required"};
    csv_list fields;
    const char *err = csv_split(v, fl->value, &fields);
    if (err)
        return fail(v, in, fl->word.span, "failed to parse csv devices: %s", err);
    const char *name = "";
    for (size_t i = 0; i < fields.n; i++) {
        const csv_field *f = &fields.items[i];
        key_value kv = split_field(v, f);
        df_span at = field_span(in, fl, f);
        if (!kv.value && strcmp(kv.key, "required") == 0)
            continue;
        if (strcmp(kv.key, "name") == 0 && kv.value) {
            if (*name)
                return fail(v, in, at, "device name already set to %s", name);
            name = kv.value;
        } else if (strcmp(kv.key, "required") == 0) {
            if (!go_is_bool(kv.value))
                return fail(v, in, at, "invalid value for %s: %s", kv.key, kv.value);
        } else if (!*name) { /* the first bare word is the name */
            name = f->text;
        } else if (!kv.value) {
            return fail(v, in, at, "invalid field '%s' must be a key=value pair", f->text);
        } else {
            const char *msg = ed_arena_printf(v->arena, "unexpected key '%s' in '%s'", kv.key, f->text);
            return fail(v, in, at, "%s", with_suggestion(v, msg, kv.key, keys, COUNT(keys)));
        }
    }
    return true;
}

/* ---- RUN --mount (commands_runmount.go and dispatchRunMounts) ---- */

typedef enum mount_type { MT_BIND, MT_CACHE, MT_TMPFS, MT_SECRET, MT_SSH, MT_UNKNOWN } mount_type;

static const char *const mount_types[] = {"bind", "cache", "tmpfs", "secret", "ssh"};
static const char *const sharing_modes[] = {"shared", "private", "locked"};
static const char *const mount_keys[] = {
    "type", "from", "source", "target", "readonly", "id",  "sharing",     "required", "size", "mode",
    "uid",  "gid",  "src",    "dst",    "destination", "ro", "rw", "readwrite", "env",
};

/* What a string option will hold once BuildKit has expanded it. */
typedef enum opt_value { OPT_EMPTY, OPT_SET, OPT_UNKNOWN } opt_value;

typedef struct mount {
    const df_flag *flag;
    csv_list fields;
    mount_type type;
    opt_value from, source, target, id;
    const char *target_text;
    const csv_field *sharing, *mode, *uid, *gid, *from_field;
} mount;

/* Whether variable expansion leaves the value as it is: BuildKit expands
 * mount options and --chmod with the file's escape character and quotes. */
static bool is_literal(const vctx *v, const char *value)
{
    for (const char *p = value; *p; p++)
        if (*p == '$' || *p == '\'' || *p == '"' || *p == v->file->escape)
            return false;
    return true;
}

static opt_value opt_of(const vctx *v, const char *value)
{
    if (!is_literal(v, value))
        return OPT_UNKNOWN;
    return *value ? OPT_SET : OPT_EMPTY;
}

/* The checks BuildKit makes when it parses the instruction: the CSV syntax
 * and no variable in from=. */
static bool check_mount_syntax(vctx *v, df_instr *in, mount *m)
{
    const char *err = csv_split(v, m->flag->value, &m->fields);
    if (err)
        return fail(v, in, m->flag->word.span, "failed to parse csv mounts: %s", err);
    for (size_t i = 0; i < m->fields.n; i++) {
        key_value kv = split_field(v, &m->fields.items[i]);
        if (!kv.value || strcmp(kv.key, "from") != 0)
            continue;
        const char *dollar = strchr(kv.value, '$');
        if (dollar && dollar[1])
            return fail(v, in, field_span(in, m->flag, &m->fields.items[i]),
                        "'%s' doesn't support variable expansion, define alias stage instead",
                        kv.key);
    }
    return true;
}

static bool type_takes(mount_type type, mount_type a, mount_type b)
{
    return type == a || type == b || type == MT_UNKNOWN;
}

/* A field without '=': a flag word (ro, rw, required) or an error. */
static bool check_mount_word(vctx *v, df_instr *in, const mount *m, const csv_field *f,
                             const char *key)
{
    static const char *const words[] = {"readonly", "ro", "readwrite", "rw"};
    df_span at = field_span(in, m->flag, f);
    if (in_list(key, words, COUNT(words)))
        return true;
    if (strcmp(key, "required") == 0) {
        if (type_takes(m->type, MT_SECRET, MT_SSH))
            return true;
        return fail(v, in, at, "unexpected key '%s' for mount type '%s'", key, mount_types[m->type]);
    }
    return fail(v, in, at, "invalid field '%s' must be a key=value pair", f->text);
}

/* type= and sharing=: one of a fixed set, case-insensitively. */
static bool check_mount_choice(vctx *v, df_instr *in, mount *m, const csv_field *f,
                               const char *key, const char *value)
{
    df_span at = field_span(in, m->flag, f);
    bool is_type = strcmp(key, "type") == 0;
    const char *const *opts = is_type ? mount_types : sharing_modes;
    size_t n = is_type ? COUNT(mount_types) : COUNT(sharing_modes);
    if (is_type)
        m->type = MT_UNKNOWN;
    else
        m->sharing = f;
    if (!is_literal(v, value))
        return true;
    const char *lower = lower_copy(v, value, strlen(value));
    for (size_t i = 0; i < n; i++)
        if (strcmp(lower, opts[i]) == 0) {
            if (is_type)
                m->type = (mount_type)i;
            return true;
        }
    const char *msg = ed_arena_printf(v->arena, is_type ? "unsupported mount type %s"
                                                        : "unsupported sharing value %s",
                                      go_quote(v, value));
    return fail(v, in, at, "%s", with_suggestion(v, msg, value, opts, n));
}

/* ro=, rw=, required=, size=, mode=, uid=, gid=: typed values. */
static bool check_mount_typed(vctx *v, df_instr *in, mount *m, const csv_field *f,
                              const char *key, const char *value)
{
    df_span at = field_span(in, m->flag, f);
    bool literal = is_literal(v, value);
    uint64_t n;
    if (strcmp(key, "required") == 0 || strcmp(key, "size") == 0) {
        bool required = key[0] == 'r';
        if (!(required ? type_takes(m->type, MT_SECRET, MT_SSH)
                       : type_takes(m->type, MT_TMPFS, MT_TMPFS)))
            return fail(v, in, at, "unexpected key '%s' for mount type '%s'", key,
                        mount_types[m->type]);
        if (literal && m->type != MT_UNKNOWN &&
            !(required ? go_is_bool(value) : go_is_ram_size(v, value)))
            return fail(v, in, at, "invalid value for %s: %s", key, value);
        return true;
    }
    if (strcmp(key, "mode") == 0 || strcmp(key, "uid") == 0 || strcmp(key, "gid") == 0) {
        *(key[0] == 'm' ? &m->mode : key[0] == 'u' ? &m->uid : &m->gid) = f;
        if (literal && go_parse_uint(value, key[0] == 'm' ? 8 : 10, 32, &n) != NUM_OK)
            return fail(v, in, at, "invalid value %s for %s", value, key);
        return true;
    }
    /* readonly, ro, readwrite, rw */
    if (literal && !go_is_bool(value))
        return fail(v, in, at, "invalid value for %s: %s", key, value);
    return true;
}

/* One key=value field, in BuildKit's order of keys. */
static bool check_mount_field(vctx *v, df_instr *in, mount *m, const csv_field *f)
{
    static const char *const typed[] = {"readonly", "ro", "readwrite", "rw", "required",
                                        "size",     "mode", "uid",     "gid"};
    key_value kv = split_field(v, f);
    const char *key = kv.key, *value = kv.value;
    if (!value)
        return check_mount_word(v, in, m, f, key);
    if (strcmp(key, "type") == 0 || strcmp(key, "sharing") == 0)
        return check_mount_choice(v, in, m, f, key, value);
    if (in_list(key, typed, COUNT(typed)))
        return check_mount_typed(v, in, m, f, key, value);
    if (strcmp(key, "from") == 0) {
        m->from = opt_of(v, value);
        m->from_field = f;
    } else if (strcmp(key, "source") == 0 || strcmp(key, "src") == 0) {
        m->source = opt_of(v, value);
    } else if (strcmp(key, "target") == 0 || strcmp(key, "dst") == 0 ||
               strcmp(key, "destination") == 0) {
        m->target = opt_of(v, value);
        m->target_text = value;
    } else if (strcmp(key, "id") == 0) {
        m->id = opt_of(v, value);
    } else if (strcmp(key, "env") != 0) {
        const char *msg = ed_arena_printf(v->arena, "unexpected key '%s' in '%s'", key, f->text);
        return fail(v, in, field_span(in, m->flag, f), "%s",
                    with_suggestion(v, msg, key, mount_keys, COUNT(mount_keys)));
    }
    return true;
}

/* The checks after all fields: options the mount type does not take. */
static bool check_mount_combination(vctx *v, df_instr *in, const mount *m)
{
    df_span whole = m->flag->word.span;
    if (m->type == MT_UNKNOWN)
        return true;
    if (m->type == MT_BIND || m->type == MT_TMPFS) {
        const csv_field *info[] = {m->mode, m->uid, m->gid};
        static const char *const names[] = {"mode", "uid", "gid"};
        for (size_t i = 0; i < COUNT(info); i++)
            if (info[i])
                return fail(v, in, field_span(in, m->flag, info[i]), "%s not allowed for %s type mounts",
                            names[i], go_quote(v, mount_types[m->type]));
    }
    if (m->type == MT_SECRET) {
        if (m->from == OPT_SET)
            return fail(v, in, field_span(in, m->flag, m->from_field),
                        "secret mount should not have a from");
        if (m->sharing)
            return fail(v, in, field_span(in, m->flag, m->sharing),
                        "secret mount should not define sharing");
        if (m->source == OPT_EMPTY && m->target == OPT_EMPTY && m->id == OPT_EMPTY)
            return fail(v, in, whole, "invalid secret mount. one of source, target required");
        if (m->source == OPT_SET && m->id == OPT_SET)
            return fail(v, in, whole, "both source and id can't be set");
    }
    if (m->sharing && m->type != MT_CACHE)
        return fail(v, in, field_span(in, m->flag, m->sharing), "invalid cache sharing set for %s mount",
                    mount_types[m->type]);
    return true;
}

/* What BuildKit checks when it runs the stage, on the literal values. */
static bool check_mount_options(vctx *v, df_instr *in, mount *m)
{
    for (size_t i = 0; i < m->fields.n; i++)
        if (!check_mount_field(v, in, m, &m->fields.items[i]))
            return false;
    return check_mount_combination(v, in, m);
}

/* An absolute path that filepath.Clean turns into "/". */
static bool cleans_to_root(const char *path)
{
    if (path[0] != '/')
        return false;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n && !(n == 1 && p[0] == '.') && !(n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n;
    }
    return true;
}

/* dispatchRunMounts: a bind, cache or tmpfs mount cannot cover "/". */
static bool check_mount_target(vctx *v, df_instr *in, const mount *m)
{
    if (m->type == MT_SECRET || m->type == MT_SSH || m->type == MT_UNKNOWN)
        return true;
    if (m->target == OPT_SET && cleans_to_root(m->target_text))
        return fail(v, in, m->flag->word.span, "invalid mount target \"/\"");
    return true;
}

/* ---- RUN ---- */

/* --network and --security: one of a fixed set, exactly as written. */
static bool check_run_modes(vctx *v, df_instr *in, const flag_set *set)
{
    static const char *const networks[] = {"default", "none", "host"};
    static const char *const securities[] = {"sandbox", "insecure"};
    const df_flag *net = flag_used(set, in, "network"), *sec = flag_used(set, in, "security");
    if (net && !in_list(net->value, networks, COUNT(networks)))
        return fail(v, in, net->word.span, "invalid network mode %s", go_quote(v, net->value));
    if (sec && !in_list(sec->value, securities, COUNT(securities)))
        return fail(v, in, sec->word.span, "security %s is not valid", go_quote(v, sec->value));
    return true;
}

/* The mounts in three passes, in BuildKit's order: syntax when parsing,
 * options when expanding, targets when mounting. */
static bool check_run_mounts(vctx *v, df_instr *in, mount *mounts, size_t n, int pass)
{
    for (size_t i = 0; i < n; i++) {
        bool ok = pass == 0   ? check_mount_syntax(v, in, &mounts[i])
                  : pass == 1 ? check_mount_options(v, in, &mounts[i])
                              : check_mount_target(v, in, &mounts[i]);
        if (!ok)
            return false;
    }
    return true;
}

static bool check_run(vctx *v, df_instr *in)
{
    flag_set set;
    if (!check_flags(v, in, &set))
        return false;
    mount *mounts = ed_arena_calloc(v->arena, in->nflags ? in->nflags : 1, sizeof *mounts);
    size_t nmounts = 0;
    for (size_t i = 0; i < in->nflags; i++) { /* the device hook runs first */
        const df_flag *fl = &in->flags[i];
        if (strcmp(fl->name, "device") == 0 && !check_device(v, in, fl))
            return false;
        if (strcmp(fl->name, "mount") == 0)
            mounts[nmounts++].flag = fl;
    }
    return check_run_mounts(v, in, mounts, nmounts, 0) && check_run_modes(v, in, &set) &&
           check_run_mounts(v, in, mounts, nmounts, 1) && check_run_mounts(v, in, mounts, nmounts, 2);
}

/* ---- FROM ---- */

/* BuildKit lower-cases the name (Go's strings.ToLower, under which the
 * Kelvin sign is a 'k' and a dotted capital I an 'i') and then wants
 * ^[a-z][a-z0-9-_.]*$. */
static bool is_valid_stage_name(const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0, w; i < len; i += w) {
        unsigned r = df_utf8_decode(name + i, len - i, &w);
        if (r == 0x212A)
            r = 'k';
        else if (r == 0x130)
            r = 'i';
        else if (r < 0x80)
            r = (unsigned char)ascii_lower((char)r);
        bool letter = r >= 'a' && r <= 'z';
        if (!(letter || (i > 0 && ((r >= '0' && r <= '9') || r == '-' || r == '_' || r == '.'))))
            return false;
    }
    return len > 0;
}

/* The word to point at when FROM has the wrong number of words. */
static df_span from_count_span(const df_instr *in)
{
    if (in->nargs == 0)
        return in->keyword.span;
    if (in->nargs > 3 && strcasecmp(in->args[1].text, "as") == 0)
        return in->args[3].span;
    return in->args[1].span;
}

static bool check_from(vctx *v, df_instr *in)
{
    flag_set set;
    if (in->nargs == 3 && strcasecmp(in->args[1].text, "as") == 0) {
        if (!is_valid_stage_name(in->args[2].text))
            return fail(v, in, in->args[2].span,
                        "invalid name for build stage: %s, name can't start with a number or "
                        "contain symbols",
                        go_quote(v, in->args[2].text));
    } else if (in->nargs != 1) {
        return fail(v, in, from_count_span(in), "FROM requires either one or three arguments");
    }
    return check_flags(v, in, &set);
}

/* ---- COPY and ADD ---- */

/* BuildKit's MustParseHeredoc on one argument: `[fd]<<[-]name` where name is
 * one shell word. */
static bool is_heredoc_word(const char *w)
{
    while (is_digit(*w))
        w++;
    if (w[0] != '<' || w[1] != '<')
        return false;
    w += 2;
    if (*w == '-')
        w++;
    while (*w == ' ' || *w == '\t' || *w == '\n' || *w == '\f' || *w == '\r')
        w++;
    if (!*w || strchr(w, '<'))
        return false;
    size_t words = 0;
    bool in_word = false;
    size_t len = strlen(w);
    for (size_t i = 0, width; i < len; i += width) {
        unsigned r = df_utf8_decode(w + i, len - i, &width);
        if (df_is_unicode_space(r)) {
            in_word = false;
            continue;
        }
        words += !in_word;
        in_word = true;
        if (r == '\\' && i + 1 < len) {
            size_t next;
            df_utf8_decode(w + i + 1, len - i - 1, &next);
            width = 1 + next;
        } else if (r == '\'' || r == '"') {
            const char *close = w + i + 1;
            while (*close && *close != (char)r)
                close += *close == '\\' && r == '"' && close[1] ? 2 : 1;
            if (!*close)
                return false; /* unterminated: BuildKit's lexer fails, no heredoc */
            width = (size_t)(close - (w + i)) + 1;
        }
    }
    return words == 1;
}

/* dispatchCopy's --chmod: octal up to 07777, else a chmod(1) symbolic mode
 * ([ugoa]*[-+=][rwxXstugo]*..., clauses joined by commas). */
static const char *chmod_error(vctx *v, const char *s)
{
    uint64_t n;
    const char *nonoctal = "invalid chmod parameter: '%s'. it should be octal string and between "
                           "0 and 07777";
    if (go_parse_uint(s, 8, 32, &n) == NUM_OK)
        return n > 07777 ? ed_arena_printf(v->arena, nonoctal, s) : NULL;
    if (is_digit(*s))
        return ed_arena_printf(v->arena, nonoctal, s);
    for (;;) {
        while (*s && strchr("augo", *s))
            s++;
        if (!*s)
            return "invalid syntax";
        do {
            if (*s != '+' && *s != '-' && *s != '=')
                return "invalid syntax";
            s++;
            while (*s && strchr("rstwXxugo", *s))
                s++;
        } while (*s && *s != ',');
        if (!*s)
            return NULL;
        s++;
    }
}

static bool check_copy_add(vctx *v, df_instr *in)
{
    const char *name = df_kind_name(in->kind);
    flag_set set;
    if (in->nargs < 2)
        return fail(v, in, in->keyword.span,
                    "%s requires at least two arguments, but only one was provided. Destination "
                    "could not be determined",
                    name);
    if (!check_flags(v, in, &set))
        return false;
    const df_word *dest = &in->args[in->nargs - 1];
    if (is_heredoc_word(dest->text))
        return fail(v, in, dest->span, "%s cannot accept a heredoc as a destination", name);
    const df_flag *chmod = flag_used(&set, in, "chmod");
    if (chmod && *chmod->value && is_literal(v, chmod->value)) {
        const char *err = chmod_error(v, chmod->value);
        if (err)
            return fail(v, in, chmod->word.span, "%s", err);
    }
    return true;
}

/* ---- HEALTHCHECK ---- */

/* --interval and friends: a Go duration, 0 or at least 1ms. */
static bool check_interval(vctx *v, df_instr *in, const df_flag *fl)
{
    int64_t ns;
    if (!fl || !*fl->value)
        return true;
    const char *err = go_parse_duration(v, fl->value, &ns);
    if (err)
        return fail(v, in, fl->word.span, "%s", err);
    if (ns != 0 && ns < 1000000)
        return fail(v, in, fl->word.span, "Interval %s cannot be less than 1ms",
                    go_quote(v, fl->name));
    return true;
}

static bool check_retries(vctx *v, df_instr *in, const df_flag *fl)
{
    int64_t n = 0;
    if (!fl || !*fl->value)
        return true;
    switch (go_parse_int32(fl->value, &n)) {
    case NUM_SYNTAX:
        return fail(v, in, fl->word.span, "strconv.ParseInt: parsing %s: invalid syntax",
                    go_quote(v, fl->value));
    case NUM_RANGE:
        return fail(v, in, fl->word.span, "strconv.ParseInt: parsing %s: value out of range",
                    go_quote(v, fl->value));
    case NUM_OK:
        break;
    }
    if (n < 0)
        return fail(v, in, fl->word.span, "--retries cannot be negative (%lld)", (long long)n);
    return true;
}

/* The test type: CMD with a command, or NONE alone (checked by the caller). */
static bool check_healthcheck_type(vctx *v, df_instr *in, const char *type)
{
    if (strcmp(type, "CMD") != 0)
        return fail(v, in, in->args[0].span, "Unknown type %s in HEALTHCHECK (try CMD)",
                    go_quote(v, type));
    if (in->nargs < 2)
        return fail(v, in, in->args[0].span, "Missing command after HEALTHCHECK CMD");
    return true;
}

static bool check_healthcheck(vctx *v, df_instr *in)
{
    static const char *const intervals[] = {"interval", "timeout", "start-period",
                                            "start-interval"};
    flag_set set;
    if (in->nargs == 0)
        return fail(v, in, in->keyword.span, "HEALTHCHECK requires at least one argument");
    char *type = ed_arena_strdup(v->arena, in->args[0].text);
    for (char *p = type; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    if (strcmp(type, "NONE") == 0) { /* BuildKit does not look at the flags then */
        if (in->nargs > 1)
            return fail(v, in, in->args[1].span, "HEALTHCHECK NONE takes no arguments");
        return true;
    }
    if (!check_flags(v, in, &set) || !check_healthcheck_type(v, in, type))
        return false;
    for (size_t k = 0; k < COUNT(intervals); k++)
        if (!check_interval(v, in, flag_used(&set, in, intervals[k])))
            return false;
    return check_retries(v, in, flag_used(&set, in, "retries"));
}

/* ---- the instructions with simple argument rules ---- */

static bool at_least_one(vctx *v, df_instr *in, size_t n)
{
    if (n > 0)
        return true;
    return fail(v, in, in->keyword.span, "%s requires at least one argument", df_kind_name(in->kind));
}

/* MAINTAINER, USER, WORKDIR: one argument, then the flags. */
static bool check_one_argument(vctx *v, df_instr *in)
{
    flag_set set;
    if (in->nargs != 1)
        return fail(v, in, in->keyword.span, "%s requires exactly one argument",
                    df_kind_name(in->kind));
    return check_flags(v, in, &set);
}

/* BuildKit never parses STOPSIGNAL's flags. */
static bool check_stopsignal(vctx *v, df_instr *in)
{
    if (in->nargs != 1)
        return fail(v, in, in->keyword.span, "STOPSIGNAL requires exactly one argument");
    return true;
}

/* CMD, ENTRYPOINT: only the flags. */
static bool check_flags_only(vctx *v, df_instr *in)
{
    flag_set set;
    return check_flags(v, in, &set);
}

static bool check_expose(vctx *v, df_instr *in)
{
    flag_set set;
    return at_least_one(v, in, in->nargs) && check_flags(v, in, &set);
}

static bool check_volume(vctx *v, df_instr *in)
{
    flag_set set;
    if (!at_least_one(v, in, in->nargs) || !check_flags(v, in, &set))
        return false;
    for (size_t i = 0; i < in->nargs; i++) {
        size_t s = 0, e = in->args[i].len;
        df_trim_space(in->args[i].text, &s, &e);
        if (s >= e)
            return fail(v, in, in->args[i].span, "VOLUME specified can not be an empty string");
    }
    return true;
}

/* ENV, LABEL: the flags, then at least one pair, none without a name. */
static bool check_pairs(vctx *v, df_instr *in)
{
    flag_set set;
    if (!check_flags(v, in, &set) || !at_least_one(v, in, in->npairs))
        return false;
    for (size_t i = 0; i < in->npairs; i++)
        if (in->pairs[i].key.len == 0)
            return fail(v, in, in->pairs[i].key.span, "%s names can not be blank",
                        df_kind_name(in->kind));
    return true;
}

/* BuildKit never parses ARG's flags. */
static bool check_arg(vctx *v, df_instr *in)
{
    if (!at_least_one(v, in, in->nargs))
        return false;
    for (size_t i = 0; i < in->nargs; i++)
        if (in->args[i].text[0] == '=')
            return fail(v, in, in->args[i].span, "ARG names can not be blank");
    return true;
}

static bool check_shell(vctx *v, df_instr *in)
{
    flag_set set;
    if (!check_flags(v, in, &set) || !at_least_one(v, in, in->nargs))
        return false;
    if (!in->json)
        return fail(v, in, in->args[0].span, "SHELL requires the arguments to be in JSON form");
    return true;
}

static bool validate_instr(vctx *v, df_instr *in);

/* ONBUILD's own rules, then the trigger's (which BuildKit only meets when
 * an image built FROM this one runs it, and then fails every such build). */
static bool check_onbuild(vctx *v, df_instr *in)
{
    flag_set set;
    df_instr *trigger = in->trigger;
    if (!trigger)
        return at_least_one(v, in, 0);
    if (!check_flags(v, in, &set))
        return false;
    if (trigger->kind == DF_ONBUILD)
        return fail(v, in, trigger->keyword.span,
                    "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    if (trigger->kind == DF_FROM || trigger->kind == DF_MAINTAINER)
        return fail(v, in, trigger->keyword.span, "%s isn't allowed as an ONBUILD trigger",
                    df_kind_name(trigger->kind));
    if (!validate_instr(v, trigger)) {
        in->has_error = true;
        return false;
    }
    return true;
}

/* ---- the table and the driver ---- */

#define FLAGS(a) a, COUNT(a)

static const instr_rule rules[] = {
    [DF_UNKNOWN] = {NULL, 0, NULL},
    [DF_ADD] = {FLAGS(add_flags), check_copy_add},
    [DF_ARG] = {NULL, 0, check_arg},
    [DF_CMD] = {NULL, 0, check_flags_only},
    [DF_COPY] = {FLAGS(copy_flags), check_copy_add},
    [DF_ENTRYPOINT] = {NULL, 0, check_flags_only},
    [DF_ENV] = {NULL, 0, check_pairs},
    [DF_EXPOSE] = {NULL, 0, check_expose},
    [DF_FROM] = {FLAGS(from_flags), check_from},
    [DF_HEALTHCHECK] = {FLAGS(healthcheck_flags), check_healthcheck},
    [DF_LABEL] = {NULL, 0, check_pairs},
    [DF_MAINTAINER] = {NULL, 0, check_one_argument},
    [DF_ONBUILD] = {NULL, 0, check_onbuild},
    [DF_RUN] = {FLAGS(run_flags), check_run},
    [DF_SHELL] = {NULL, 0, check_shell},
    [DF_STOPSIGNAL] = {NULL, 0, check_stopsignal},
    [DF_USER] = {NULL, 0, check_one_argument},
    [DF_VOLUME] = {NULL, 0, check_volume},
    [DF_WORKDIR] = {NULL, 0, check_one_argument},
};

static const instr_rule *rule_of(df_kind kind)
{
    return (size_t)kind < COUNT(rules) ? &rules[kind] : &rules[DF_UNKNOWN];
}

static bool validate_instr(vctx *v, df_instr *in)
{
    const instr_rule *rule = rule_of(in->kind);
    return !rule->check || rule->check(v, in);
}

/* Stable merge sort of the errors by where they start. */
static void sort_errors(df_error *e, df_error *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t half = n / 2;
    sort_errors(e, tmp, half);
    sort_errors(e + half, tmp, n - half);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n)
        tmp[k++] = e[j].span.start < e[i].span.start ? e[j++] : e[i++];
    while (i < half)
        tmp[k++] = e[i++];
    while (j < n)
        tmp[k++] = e[j++];
    memcpy(e, tmp, n * sizeof *e);
}

void df_validate(df_file *file, ed_arena *arena)
{
    vctx v = {file, arena};
    size_t before = file->nerrors;
    bool in_stage = false;
    for (size_t i = 0; i < file->ninstrs; i++) {
        df_instr *in = &file->instrs[i];
        in_stage |= in->kind == DF_FROM; /* a broken FROM still opens a stage */
        if (in->has_error || !validate_instr(&v, in))
            continue;
        if (!in_stage && in->kind != DF_ARG && in->kind != DF_FROM)
            fail(&v, in, in->keyword.span, "no build stage in current context");
    }
    if (file->nerrors > before) {
        df_error *tmp = ed_arena_calloc(arena, file->nerrors, sizeof *tmp);
        sort_errors(file->errors, tmp, file->nerrors);
    }
}
