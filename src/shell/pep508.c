/* PEP 508 requirements as pip reads them from its command line: name,
 * extras, version specifier, `name @ url`, environment marker, plus the
 * forms pip accepts that are not PEP 508 (bare URLs and VCS links named by
 * #egg=, local paths, wheel and sdist file names). */
#include "envdoctor/pkgcmd.h"

#include <string.h>

#include "shell_internal.h"

static bool sh_is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool sh_is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Characters of a distribution name; '$', '{', '}' keep $VAR / ${VAR}
 * inside a name together. */
static bool sh_is_name_char(char c)
{
    return sh_is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '$' || c == '{' ||
           c == '}';
}

static bool sh_ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    if (len < n)
        return false;
    for (size_t k = 0; k < n; k++) {
        char c = s[len - n + k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[k])
            return false;
    }
    return true;
}

bool sh_text_contains(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t k = 0; k + n <= len; k++)
        if (memcmp(s + k, needle, n) == 0)
            return true;
    return false;
}

static bool sh_starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

const char *sh_pep503_name(ed_arena *arena, const char *name, size_t len)
{
    if (memchr(name, '$', len))
        return ed_arena_strndup(arena, name, len); /* an expansion: keep it as written */
    char *out = ed_arena_alloc(arena, len + 1);
    size_t n = 0;
    for (size_t k = 0; k < len; k++) {
        char c = name[k];
        if (c == '-' || c == '_' || c == '.') {
            if (n == 0 || out[n - 1] != '-')
                out[n++] = '-';
        } else {
            out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
    }
    out[n] = '\0';
    return out;
}

/* Archive suffixes pip installs from a file. */
static const char *const sh_sdist_exts[] = {".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tbz",
                                            ".zip",    NULL};

static size_t sh_archive_ext(const char *s, size_t len)
{
    if (sh_ends_with(s, len, ".whl"))
        return 4;
    for (const char *const *e = sh_sdist_exts; *e; e++)
        if (sh_ends_with(s, len, *e))
            return strlen(*e);
    return 0;
}

/* Does the token start like a URL ("scheme://", "git+...", "file:")? */
static bool sh_is_url(const char *s, size_t len)
{
    static const char *const prefixes[] = {"git+", "hg+", "svn+", "bzr+", "file:"};
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++)
        if (sh_starts_with(s, len, prefixes[k]))
            return true;
    size_t k = 0;
    while (k < len && (sh_is_alnum(s[k]) || s[k] == '+' || s[k] == '-' || s[k] == '.'))
        k++;
    return k > 0 && k + 3 <= len && memcmp(s + k, "://", 3) == 0;
}

static void sh_set_name(ed_arena *arena, const sh_word *w, size_t a, size_t b, sh_req *out)
{
    out->raw_name = ed_arena_strndup(arena, w->text + a, b - a);
    out->name = sh_pep503_name(arena, w->text + a, b - a);
    sh_word_span(w, a, b, &out->name_start, &out->name_end);
}

/* Extras "[a, b]" at text[a..b) (brackets excluded). */
static void sh_set_extras(ed_arena *arena, const char *t, size_t a, size_t b, sh_req *out)
{
    while (a < b) {
        size_t e = a;
        while (e < b && t[e] != ',')
            e++;
        size_t x = a, y = e;
        while (x < y && sh_is_space(t[x]))
            x++;
        while (y > x && sh_is_space(t[y - 1]))
            y--;
        if (y > x) {
            out->extras = ed_arena_push(arena, out->extras, out->nextras, sizeof *out->extras);
            out->extras[out->nextras++] = ed_arena_strndup(arena, t + x, y - x);
        }
        a = e + 1;
    }
}

/* Name (and version) from the last path segment of a URL or path:
 * "torch-2.1.0+cu121-cp310-...whl", "flash_attn-2.5.8.tar.gz". */
static void sh_name_from_file(ed_arena *arena, const sh_word *w, size_t a, size_t b,
                              sh_version_at *at, sh_req *out)
{
    const char *t = w->text;
    size_t cut = a;
    while (cut < b && t[cut] != '#' && t[cut] != '?')
        cut++;
    b = cut;
    for (size_t k = a; k < b; k++)
        if (t[k] == '/')
            a = k + 1;
    size_t ext = sh_archive_ext(t + a, b - a);
    if (!ext)
        return;
    size_t stem = b - ext, name_end = a;
    if (ext == 4) { /* wheel: name-version-...: the first '-' ends the name */
        while (name_end < stem && t[name_end] != '-')
            name_end++;
    } else { /* sdist: name-version: the last '-' before a digit */
        for (size_t k = a; k + 1 < stem; k++)
            if (t[k] == '-' && t[k + 1] >= '0' && t[k + 1] <= '9')
                name_end = k;
    }
    if (name_end == a || name_end >= stem)
        return;
    size_t v = name_end + 1, ve = v;
    while (ve < stem && (ext != 4 || t[ve] != '-'))
        ve++;
    sh_set_name(arena, w, a, name_end, out);
    if (ve > v) {
        out->pinned = ed_arena_strndup(arena, t + v, ve - v);
        out->specifier = ed_arena_printf(arena, "==%s", out->pinned);
        *at = (sh_version_at){v, ve, v, ve};
    }
}

/* #egg=NAME[extras] in a URL's fragment. */
static bool sh_name_from_egg(ed_arena *arena, const sh_word *w, size_t a, size_t b, sh_req *out)
{
    const char *t = w->text;
    const char *hash = memchr(t + a, '#', b - a);
    if (!hash)
        return false;
    for (size_t k = (size_t)(hash - t) + 1; k < b;) {
        size_t e = k;
        while (e < b && t[e] != '&')
            e++;
        if (e - k > 4 && memcmp(t + k, "egg=", 4) == 0) {
            size_t n = k + 4, ne = n;
            while (ne < e && t[ne] != '[')
                ne++;
            if (ne > n) {
                sh_set_name(arena, w, n, ne, out);
                if (ne < e) {
                    size_t close = ne;
                    while (close < e && t[close] != ']')
                        close++;
                    sh_set_extras(arena, t, ne + 1, close, out);
                }
                return true;
            }
        }
        k = e + 1;
    }
    return false;
}

/* A URL or path at text[a..) up to whitespace; then an optional marker. */
static void sh_parse_url(ed_arena *arena, const sh_word *w, size_t a, size_t b, bool named,
                         sh_version_at *at, sh_req *out)
{
    const char *t = w->text;
    size_t e = a;
    while (e < b && !sh_is_space(t[e])) {
        if (t[e] == '[' && !named) { /* extras of a path may hold spaces: ".[a, b]" */
            while (e < b && t[e] != ']')
                e++;
            if (e == b)
                break;
        }
        e++;
    }
    size_t ue = e;
    if (!named && ue > a && t[ue - 1] == ';') /* "url;marker" without the space */
        ue--;
    out->is_local = !sh_text_contains(t + a, ue - a, "://") || sh_starts_with(t + a, ue - a, "file:");
    if (!named && out->is_local && ue > a && t[ue - 1] == ']') { /* ".[gpu]": a path with extras */
        size_t open = ue - 1;
        while (open > a && t[open] != '[')
            open--;
        if (t[open] == '[' && open > a) {
            sh_set_extras(arena, t, open + 1, ue - 1, out);
            ue = open;
        }
    }
    out->url = ed_arena_strndup(arena, t + a, ue - a);
    if (!named && !sh_name_from_egg(arena, w, a, ue, out))
        sh_name_from_file(arena, w, a, ue, at, out);
    const char *semi = memchr(t + ue, ';', b - ue);
    if (semi) {
        size_t m = (size_t)(semi - t) + 1, me = b;
        while (m < me && sh_is_space(t[m]))
            m++;
        while (me > m && sh_is_space(t[me - 1]))
            me--;
        out->marker = ed_arena_strndup(arena, t + m, me - m);
    }
}

/* Is the specifier exactly one `==X` / `===X` without wildcards? */
static const char *sh_pinned(ed_arena *arena, const char *spec)
{
    size_t skip = strncmp(spec, "===", 3) == 0 ? 3 : strncmp(spec, "==", 2) == 0 ? 2 : 0;
    if (!skip || !spec[skip] || strpbrk(spec + skip, ",*<>=!~"))
        return NULL;
    return ed_arena_strdup(arena, spec + skip);
}

void sh_req_set_version_spans(const sh_word *w, const sh_version_at *at, bool pip_label,
                              sh_req *out)
{
    if (at->spec_b > at->spec_a)
        sh_word_span(w, at->spec_a, at->spec_b, &out->spec_start, &out->spec_end);
    else
        out->spec_start = out->spec_end = out->name_end;
    if (at->ver_b > at->ver_a)
        sh_word_span(w, at->ver_a, at->ver_b, &out->version_start, &out->version_end);
    else
        out->version_start = out->version_end = out->spec_end;
    const char *plus = pip_label && at->ver_b > at->ver_a
                           ? memchr(w->text + at->ver_a, '+', at->ver_b - at->ver_a)
                           : NULL;
    if (plus)
        sh_word_span(w, (size_t)(plus - w->text), at->ver_b, &out->label_start, &out->label_end);
    else
        out->label_start = out->label_end = out->version_end;
}

/* The pinned version inside the specifier text[a..b): after the operator,
 * parentheses and blanks. */
static sh_version_at sh_pin_at(const char *t, size_t a, size_t b)
{
    size_t va = a, vb = b;
    while (va < vb && (t[va] == '=' || t[va] == '(' || sh_is_space(t[va])))
        va++;
    while (vb > va && (t[vb - 1] == ')' || sh_is_space(t[vb - 1])))
        vb--;
    return (sh_version_at){a, b, va, vb};
}

static bool sh_parse_word(ed_arena *arena, const sh_word *w, sh_version_at *at, sh_req *out)
{
    const char *t = w->text;
    size_t a = 0, b = w->len;
    while (a < b && sh_is_space(t[a]))
        a++;
    while (b > a && sh_is_space(t[b - 1]))
        b--;
    if (a == b)
        return false;
    size_t tok = a;
    while (tok < b && !sh_is_space(t[tok]) && t[tok] != ';')
        tok++;
    /* URLs, paths and archive files carry no PEP 508 name of their own */
    if (sh_is_url(t + a, tok - a) || t[a] == '.' || t[a] == '/' || t[a] == '~' ||
        (sh_archive_ext(t + a, tok - a) && !memchr(t + a, '@', tok - a))) {
        sh_parse_url(arena, w, a, b, false, at, out);
        return out->name[0] != '\0';
    }
    size_t n = a;
    while (n < b && sh_is_name_char(t[n]))
        n++;
    if (n == a) /* not a requirement at all: keep the text as the url-less raw name */
        return false;
    sh_set_name(arena, w, a, n, out);
    size_t k = n;
    while (k < b && sh_is_space(t[k]))
        k++;
    if (k < b && t[k] == '[') {
        size_t close = k;
        while (close < b && t[close] != ']')
            close++;
        sh_set_extras(arena, t, k + 1, close, out);
        k = close < b ? close + 1 : b;
        while (k < b && sh_is_space(t[k]))
            k++;
    }
    if (k < b && t[k] == '@') { /* name @ url */
        k++;
        while (k < b && sh_is_space(t[k]))
            k++;
        sh_parse_url(arena, w, k, b, true, at, out);
        return true;
    }
    const char *semi = memchr(t + k, ';', b - k);
    size_t se = semi ? (size_t)(semi - t) : b;
    char *spec = ed_arena_alloc(arena, se - k + 1);
    size_t len = 0;
    for (size_t j = k; j < se; j++)
        if (!sh_is_space(t[j]) && t[j] != '(' && t[j] != ')')
            spec[len++] = t[j];
    spec[len] = '\0';
    if (len) {
        out->specifier = spec;
        out->pinned = sh_pinned(arena, spec);
        size_t sb = se;
        while (sb > k && sh_is_space(t[sb - 1]))
            sb--;
        *at = sh_pin_at(t, k, sb);
        if (!out->pinned)
            at->ver_a = at->ver_b;
    }
    if (semi) {
        size_t m = se + 1, me = b;
        while (m < me && sh_is_space(t[m]))
            m++;
        out->marker = ed_arena_strndup(arena, t + m, me - m);
    }
    return true;
}

void sh_req_init(const sh_word *w, sh_req *out)
{
    memset(out, 0, sizeof *out);
    out->word = w;
    out->name = out->raw_name = "";
    out->name_start = w->start;
    out->name_end = w->end;
}

bool sh_req_parse_word(ed_arena *arena, const sh_word *w, sh_req *out)
{
    sh_req_init(w, out);
    sh_version_at at = {0, 0, 0, 0};
    bool named = sh_parse_word(arena, w, &at, out);
    sh_req_set_version_spans(w, &at, true, out);
    return named;
}

bool sh_req_parse(ed_arena *arena, const char *text, size_t len, sh_req *out)
{
    sh_word *w = ed_arena_calloc(arena, 1, sizeof *w);
    w->text = ed_arena_strndup(arena, text ? text : "", text ? len : 0);
    w->len = strlen(w->text);
    w->start = 0;
    w->end = len;
    w->exact = true; /* text[k] is at offset k */
    bool named = sh_req_parse_word(arena, w, out);
    out->word = NULL;
    return named;
}
