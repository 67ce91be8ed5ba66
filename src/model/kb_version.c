/* Versions ("12.4.1") and the version ranges of the knowledge tables
 * ("11.0.3..12.2.2", "12.5.1..", "12.6"). */
#include <stdio.h>
#include <string.h>

#include "kb_internal.h"

/* Six digits are plenty for any version part and keep ints from overflowing. */
#define KB_PART_DIGITS 6

/* Reads digits at *s into *out; false when there are none or too many. */
static bool kb_read_part(const char **s, int *out)
{
    const char *p = *s;
    int n = 0, digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (++digits > KB_PART_DIGITS)
            return false;
        n = n * 10 + (*p - '0');
        p++;
    }
    if (digits == 0)
        return false;
    *s = p;
    *out = n;
    return true;
}

/* "X[.Y[.Z]]" at *s; stops at the first character that cannot continue it. */
static bool kb_read_version(const char **s, kb_version *out)
{
    kb_version v = KB_VERSION_NONE;
    const char *p = *s;
    if (!kb_read_part(&p, &v.major))
        return false;
    if (p[0] == '.' && p[1] >= '0' && p[1] <= '9') {
        p++;
        if (!kb_read_part(&p, &v.minor))
            return false;
        if (p[0] == '.' && p[1] >= '0' && p[1] <= '9') {
            p++;
            if (!kb_read_part(&p, &v.patch))
                return false;
        }
    }
    *s = p;
    *out = v;
    return true;
}

bool kb_version_parse(const char *s, kb_version *out)
{
    kb_version v;
    if (!s || !kb_read_version(&s, &v) || *s != '\0')
        return false;
    *out = v;
    return true;
}

bool kb_version_prefix(const char *s, kb_version *out)
{
    return s && kb_read_version(&s, out);
}

const char *kb_version_scan(const char *s, kb_version *out)
{
    return s && kb_read_version(&s, out) ? s : NULL;
}

int kb_version_cmp(kb_version a, kb_version b)
{
    if (a.major != b.major)
        return a.major < b.major ? -1 : 1;
    if (a.minor != b.minor)
        return a.minor < b.minor ? -1 : 1;
    if (a.patch != b.patch)
        return a.patch < b.patch ? -1 : 1;
    return 0;
}

const char *kb_version_str(kb_version v, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    if (v.major < 0)
        buf[0] = '\0';
    else if (v.minor < 0)
        snprintf(buf, size, "%d", v.major);
    else if (v.patch < 0)
        snprintf(buf, size, "%d.%d", v.major, v.minor);
    else
        snprintf(buf, size, "%d.%d.%d", v.major, v.minor, v.patch);
    return buf;
}

kb_version kb_version_fill(kb_version v, int fill)
{
    if (v.major < 0)
        v.major = fill;
    if (v.minor < 0)
        v.minor = fill;
    if (v.patch < 0)
        v.patch = fill;
    return v;
}

bool kb_range_parse(const char *s, kb_range *out)
{
    const char *dots = strstr(s, "..");
    kb_version lo = KB_VERSION_NONE, hi = KB_VERSION_NONE;
    if (!dots) {
        if (!kb_version_parse(s, &lo))
            return false;
        hi = lo;
    } else {
        if (dots > s) {
            const char *p = s;
            if (!kb_read_version(&p, &lo) || p != dots)
                return false;
        }
        if (dots[2] != '\0' && !kb_version_parse(dots + 2, &hi))
            return false;
    }
    out->lo = kb_version_fill(lo, 0);
    out->hi = kb_version_fill(hi, KB_VMAX);
    out->text = s;
    return kb_version_cmp(out->lo, out->hi) <= 0;
}

kb_tri kb_range_has(const kb_range *r, kb_version v)
{
    kb_version vlo = kb_version_fill(v, 0), vhi = kb_version_fill(v, KB_VMAX);
    if (kb_version_cmp(vlo, r->lo) >= 0 && kb_version_cmp(vhi, r->hi) <= 0)
        return KB_YES;
    if (kb_version_cmp(vhi, r->lo) < 0 || kb_version_cmp(vlo, r->hi) > 0)
        return KB_NO;
    return KB_UNKNOWN;
}

kb_tri kb_ranges_has(const kb_ranges *rs, kb_version v)
{
    kb_tri all = KB_NO;
    for (size_t i = 0; i < rs->n; i++) {
        kb_tri t = kb_range_has(&rs->v[i], v);
        if (t == KB_YES)
            return KB_YES;
        if (t == KB_UNKNOWN)
            all = KB_UNKNOWN;
    }
    return all;
}

const char *kb_range_describe(ed_arena *arena, const kb_range *r)
{
    const char *dots = strstr(r->text, "..");
    if (!dots)
        return r->text;
    int lo_len = (int)(dots - r->text);
    const char *hi = dots + 2;
    if (lo_len == 0 && *hi == '\0')
        return "every version";
    if (lo_len == 0)
        return ed_arena_printf(arena, "up to %s", hi);
    if (*hi == '\0')
        return ed_arena_printf(arena, "%.*s and newer", lo_len, r->text);
    return ed_arena_printf(arena, "%.*s to %s", lo_len, r->text, hi);
}
