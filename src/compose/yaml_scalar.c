/* What a scalar means: null, booleans and integers as go-yaml v3 (which
 * Compose uses) resolves plain scalars, and Compose's looser boolean cast. */
#include <limits.h>
#include <string.h>

#include "yaml_internal.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

/* Untagged, or tagged with the standard tag of the given name. */
static bool tag_is(const cf_node *n, const char *name)
{
    return n->tag && strncmp(n->tag, TAG_PREFIX, sizeof TAG_PREFIX - 1) == 0 &&
           strcmp(n->tag + sizeof TAG_PREFIX - 1, name) == 0;
}

/* A scalar resolution may apply to: plain and untagged, or tagged name. */
static bool resolvable(const cf_node *n, const char *name)
{
    if (!n || n->kind != CF_SCALAR)
        return false;
    if (n->tag)
        return tag_is(n, name);
    return n->style == CF_PLAIN;
}

static bool equals(const cf_node *n, const char *s)
{
    size_t len = strlen(s);
    return n->len == len && memcmp(n->value, s, len) == 0;
}

static bool null_text(const cf_node *n)
{
    return n->len == 0 || equals(n, "~") || equals(n, "null") || equals(n, "Null") ||
           equals(n, "NULL");
}

bool cf_is_null(const cf_node *n)
{
    if (!n)
        return true;
    if (n->kind != CF_SCALAR)
        return false;
    if (tag_is(n, "null"))
        return true;
    return !n->tag && n->style == CF_PLAIN && null_text(n);
}

bool cf_is_string(const cf_node *n)
{
    return n && n->kind == CF_SCALAR && !cf_is_null(n);
}

bool cf_scalar_is(const cf_node *n, const char *s)
{
    return n && n->kind == CF_SCALAR && s && equals(n, s);
}

/* Go's strconv.ParseInt(s, 0, 64) on s without '_', as go-yaml v3 does for
 * a plain scalar starting with a digit or a sign. */
static bool parse_int(const char *text, size_t len, long long *out)
{
    if (len == 0 || !(text[0] == '+' || text[0] == '-' || (text[0] >= '0' && text[0] <= '9')))
        return false;
    char s[160];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '_')
            continue;
        if (n == sizeof s - 1)
            return false; /* far too long for 64 bits */
        s[n++] = text[i];
    }
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    unsigned base = 10;
    if (i + 1 < n && s[i] == '0') {
        char p = s[i + 1];
        if (p == 'x' || p == 'X')
            base = 16, i += 2;
        else if (p == 'o' || p == 'O')
            base = 8, i += 2;
        else if (p == 'b' || p == 'B')
            base = 2, i += 2;
        else
            base = 8, i += 1;
    }
    if (i >= n)
        return false;
    unsigned long long v = 0, limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    for (; i < n; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return false;
        if (d >= base)
            return false;
        if (v > (limit - d) / base)
            return false;
        v = v * base + d;
    }
    if (neg)
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    else
        *out = (long long)v;
    return true;
}

bool cf_scalar_int(const cf_node *n, long long *out)
{
    if (!resolvable(n, "int"))
        return false;
    long long v;
    if (!parse_int(n->value, n->len, &v))
        return false;
    if (out)
        *out = v;
    return true;
}

bool cf_scalar_bool(const cf_node *n, bool *out)
{
    if (!resolvable(n, "bool"))
        return false;
    bool v;
    if (equals(n, "true") || equals(n, "True") || equals(n, "TRUE"))
        v = true;
    else if (equals(n, "false") || equals(n, "False") || equals(n, "FALSE"))
        v = false;
    else
        return false;
    if (out)
        *out = v;
    return true;
}

bool cf_scalar_bool_loose(const cf_node *n, bool *out)
{
    if (!n || n->kind != CF_SCALAR || n->len > 5)
        return false;
    char low[6];
    for (size_t i = 0; i < n->len; i++) {
        char c = n->value[i];
        low[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    low[n->len] = '\0';
    static const char *const yes[] = {"y", "yes", "true", "on"};
    static const char *const no[] = {"n", "no", "false", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(low, yes[i]) == 0 || strcmp(low, no[i]) == 0) {
            if (out)
                *out = strcmp(low, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

static bool digits(const char *s, size_t n, size_t *i)
{
    size_t start = *i;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9')
        (*i)++;
    return *i > start;
}

/* go-yaml v3's float forms: .inf/.nan spellings, and
 * ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ without '_'. */
static bool is_float(const cf_node *n)
{
    static const char *const special[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
                                          "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"};
    for (size_t k = 0; k < sizeof special / sizeof *special; k++)
        if (equals(n, special[k]))
            return true;
    char s[160];
    size_t len = 0;
    bool leading_dot = n->len > 0 && n->value[0] == '.';
    if (n->len == 0 || !(leading_dot || n->value[0] == '+' || n->value[0] == '-' ||
                         (n->value[0] >= '0' && n->value[0] <= '9')))
        return false;
    for (size_t k = 0; k < n->len; k++) {
        if (n->value[k] == '_' && !leading_dot)
            continue;
        if (len == sizeof s - 1)
            return false;
        s[len++] = n->value[k];
    }
    size_t i = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    if (i < len && s[i] == '.') {
        i++;
        if (!digits(s, len, &i))
            return false;
    } else {
        if (!digits(s, len, &i))
            return false;
        if (i < len && s[i] == '.') {
            i++;
            digits(s, len, &i);
        }
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (!digits(s, len, &i))
            return false;
    }
    return i == len;
}

const char *cf_type_name(const cf_node *n)
{
    if (!n)
        return "null";
    if (n->kind == CF_MAP)
        return "map";
    if (n->kind == CF_SEQ)
        return "list";
    if (cf_is_null(n))
        return "null";
    if (cf_scalar_bool(n, NULL))
        return "bool";
    if (cf_scalar_int(n, NULL))
        return "int";
    if ((!n->tag && n->style == CF_PLAIN) || tag_is(n, "float"))
        if (is_float(n))
            return "float";
    return "string";
}

const char *cf_type_phrase(const cf_node *n)
{
    static const char *const names[] = {"null", "bool", "int", "float", "map", "list"};
    static const char *const phrases[] = {"empty", "a boolean", "an integer", "a number",
                                          "a map", "a list"};
    const char *t = cf_type_name(n);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(t, names[i]) == 0)
            return phrases[i];
    return "a string";
}
