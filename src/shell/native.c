/* Package arguments of conda and of the system package managers:
 *   conda   [channel::]name[=ver[=build]] | name==ver | name>=ver | "name ver build"
 *           | name[version='...',build=...]
 *   apt     name[:arch][=version | /release] | ./file.deb
 *   dnf     name | "name >= ver" | @group | ./file.rpm | https://.../file.rpm
 *   apk     name[=|>|<|~ver][@tag]
 *   zypper  name[=|>=|<ver] | ./file.rpm
 * A name may hold ${VAR} / $(...) with any characters inside. */
#include "envdoctor/pkgcmd.h"

#include <string.h>

#include "shell_internal.h"

static bool sh_ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* First character of delims in t[a..b) outside ${...} and $(...). */
static size_t sh_find_delim(const char *t, size_t a, size_t b, const char *delims)
{
    size_t depth = 0;
    for (size_t k = a; k < b; k++) {
        char c = t[k];
        if (c == '$' && k + 1 < b && (t[k + 1] == '{' || t[k + 1] == '(')) {
            depth++;
            k++;
        } else if (depth && (c == '}' || c == ')')) {
            depth--;
        } else if (!depth && strchr(delims, c)) {
            return k;
        }
    }
    return b;
}

/* A version without operators or wildcards ("12.1", "2.1.0+cu121", "${V}"). */
static bool sh_plain_version(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (strchr("*,|<>=!~ ", *s))
            return false;
    return true;
}

static void sh_name(ed_arena *arena, const sh_word *w, size_t a, size_t b, sh_req *out)
{
    out->name = out->raw_name = ed_arena_strndup(arena, w->text + a, b - a);
    sh_word_span(w, a, b, &out->name_start, &out->name_end);
}

static char *sh_dup(ed_arena *arena, const sh_word *w, size_t a, size_t b)
{
    return ed_arena_strndup(arena, w->text + a, b > a ? b - a : 0);
}

/* Start of the file name in a path or URL. */
static size_t sh_basename_at(const char *t, size_t len)
{
    size_t a = 0;
    for (size_t k = 0; k < len; k++)
        if (t[k] == '/')
            a = k + 1;
    return a;
}

/* name_version_arch.deb */
static void sh_deb_file(ed_arena *arena, const sh_word *w, sh_version_at *at, sh_req *out)
{
    const char *t = w->text;
    size_t a = sh_basename_at(t, w->len), stem = w->len - 4;
    size_t u = a;
    while (u < stem && t[u] != '_')
        u++;
    if (u == a || u >= stem)
        return;
    sh_name(arena, w, a, u, out);
    size_t v = u + 1, ve = v;
    while (ve < stem && t[ve] != '_')
        ve++;
    if (ve > v) {
        out->pinned = out->specifier = sh_dup(arena, w, v, ve);
        *at = (sh_version_at){v, ve, v, ve};
    }
}

/* name-version-release.arch.rpm */
static void sh_rpm_file(ed_arena *arena, const sh_word *w, sh_version_at *at, sh_req *out)
{
    static const char *const arches[] = {".x86_64", ".noarch", ".aarch64", ".i686", ".i386",
                                         ".ppc64le", ".s390x",  ".armv7hl", ".src"};
    const char *t = w->text;
    size_t a = sh_basename_at(t, w->len), stem = w->len - 4;
    for (size_t k = 0; k < sizeof arches / sizeof arches[0]; k++)
        if (sh_ends_with(t + a, stem - a, arches[k])) {
            stem -= strlen(arches[k]);
            break;
        }
    size_t rel = stem, ver = stem;
    while (rel > a && t[rel - 1] != '-')
        rel--;
    if (rel > a + 1) {
        ver = rel - 1;
        while (ver > a && t[ver - 1] != '-')
            ver--;
    }
    if (rel <= a + 1 || ver <= a + 1)
        return;
    sh_name(arena, w, a, ver - 1, out);
    out->pinned = out->specifier = sh_dup(arena, w, ver, stem);
    *at = (sh_version_at){ver, stem, ver, stem};
}

/* A local file or URL instead of a package name. */
static bool sh_native_file(ed_arena *arena, sh_pm pm, const sh_word *w, sh_version_at *at,
                           sh_req *out)
{
    const char *t = w->text;
    size_t len = w->len;
    bool url = sh_text_contains(t, len, "://");
    bool deb = sh_ends_with(t, len, ".deb"), rpm = sh_ends_with(t, len, ".rpm");
    bool conda_pkg = sh_ends_with(t, len, ".tar.bz2") || sh_ends_with(t, len, ".conda");
    bool apk_pkg = sh_ends_with(t, len, ".apk");
    bool path = t[0] == '/' || strncmp(t, "./", 2) == 0 || strncmp(t, "../", 3) == 0 ||
                strncmp(t, "~/", 2) == 0 || strcmp(t, ".") == 0; /* not ".build-deps" */
    if (!(path || url || deb || rpm ||
          (pm == SH_PM_CONDA && conda_pkg) || (pm == SH_PM_APK && apk_pkg)))
        return false;
    out->url = ed_arena_strndup(arena, t, len);
    out->is_local = !url || strncmp(t, "file:", 5) == 0;
    if (deb)
        sh_deb_file(arena, w, at, out);
    else if (rpm)
        sh_rpm_file(arena, w, at, out);
    return true;
}

/* key=value pairs of a conda bracket "[version='>=2',build=cuda*]". */
static void sh_conda_brackets(ed_arena *arena, const sh_word *w, size_t a, size_t b,
                              sh_version_at *at, sh_req *out)
{
    const char *t = w->text;
    while (a < b) {
        size_t e = a, eq;
        char quote = 0;
        for (; e < b && (quote || t[e] != ','); e++)
            if (t[e] == '\'' || t[e] == '"')
                quote = quote == t[e] ? 0 : quote ? quote : t[e];
        for (eq = a; eq < e && t[eq] != '='; eq++)
            ;
        size_t ka = a, kb = eq;
        while (ka < kb && t[ka] == ' ')
            ka++;
        while (kb > ka && t[kb - 1] == ' ')
            kb--;
        size_t va = eq + 1, vb = e;
        while (va < vb && (t[va] == ' ' || t[va] == '\'' || t[va] == '"'))
            va++;
        while (vb > va && (t[vb - 1] == ' ' || t[vb - 1] == '\'' || t[vb - 1] == '"'))
            vb--;
        if (eq < e && kb - ka == 7 && memcmp(t + ka, "version", 7) == 0) {
            out->specifier = sh_dup(arena, w, va, vb);
            *at = (sh_version_at){va, vb, va, vb};
        } else if (eq < e && kb - ka == 5 && memcmp(t + ka, "build", 5) == 0)
            out->build = sh_dup(arena, w, va, vb);
        a = e + 1;
    }
    if (out->specifier && sh_plain_version(out->specifier))
        out->pinned = out->specifier;
    else
        at->ver_a = at->ver_b;
}

static void sh_conda_spec(ed_arena *arena, const sh_word *w, sh_version_at *at, sh_req *out)
{
    const char *t = w->text;
    size_t len = w->len, a = 0;
    size_t colons = sh_find_delim(t, 0, len, ":");
    if (colons + 1 < len && t[colons + 1] == ':') {
        out->channel = sh_dup(arena, w, 0, colons);
        a = colons + 2;
    }
    size_t ne = sh_find_delim(t, a, len, "=<>!~ [");
    sh_name(arena, w, a, ne, out);
    if (ne >= len)
        return;
    if (t[ne] == '[') {
        size_t close = sh_find_delim(t, ne, len, "]");
        sh_conda_brackets(arena, w, ne + 1, close, at, out);
    } else if (t[ne] == ' ') { /* "name version [build]" */
        size_t v = ne;
        while (v < len && t[v] == ' ')
            v++;
        size_t ve = sh_find_delim(t, v, len, " ");
        if (ve > v)
            out->specifier = sh_dup(arena, w, v, ve);
        size_t bs = ve;
        while (bs < len && t[bs] == ' ')
            bs++;
        if (bs < len)
            out->build = sh_dup(arena, w, bs, sh_find_delim(t, bs, len, " "));
        bool pinned = out->specifier && sh_plain_version(out->specifier);
        if (pinned)
            out->pinned = out->specifier;
        *at = (sh_version_at){v, ve, v, pinned ? ve : v};
    } else if (t[ne] == '=') { /* =ver[=build] or ==ver */
        size_t v = ne + 1 + (ne + 1 < len && t[ne + 1] == '=');
        size_t ve = sh_find_delim(t, v, len, "=");
        out->specifier = sh_dup(arena, w, ne, ve);
        char *ver = sh_dup(arena, w, v, ve);
        bool pinned = sh_plain_version(ver);
        if (pinned)
            out->pinned = ver;
        *at = (sh_version_at){ne, ve, v, pinned ? ve : v};
        if (ve + 1 < len)
            out->build = sh_dup(arena, w, ve + 1, len);
    } else { /* >=, <, !=, ~= ranges */
        out->specifier = sh_dup(arena, w, ne, len);
        *at = (sh_version_at){ne, len, ne, ne};
    }
}

static void sh_apt_spec(ed_arena *arena, const sh_word *w, sh_version_at *at, sh_req *out)
{
    const char *t = w->text;
    size_t len = w->len;
    size_t ne = sh_find_delim(t, 0, len, "=/:");
    sh_name(arena, w, 0, ne, out);
    size_t k = ne;
    if (k < len && t[k] == ':') /* :arch */
        k = sh_find_delim(t, k, len, "=/");
    if (k < len && t[k] == '=' && k + 1 < len) {
        out->specifier = out->pinned = sh_dup(arena, w, k + 1, len);
        *at = (sh_version_at){k + 1, len, k + 1, len};
    }
}

/* name OP version, for dnf ("name >= 1"), apk and zypper; `stops` ends
 * the name. */
static void sh_op_spec(ed_arena *arena, const sh_word *w, const char *stops, sh_version_at *at,
                       sh_req *out)
{
    const char *t = w->text;
    size_t len = w->len;
    size_t ne = sh_find_delim(t, 0, len, stops);
    sh_name(arena, w, 0, ne, out);
    size_t k = ne;
    while (k < len && t[k] == ' ')
        k++;
    if (k < len && k > ne && !strchr("=<>~!", t[k])) { /* "Development Tools" */
        sh_name(arena, w, 0, len, out);
        return;
    }
    if (k >= len || !strchr("=<>~!", t[k]))
        return; /* no version (apk @tag, dnf NEVRA as written) */
    size_t se = sh_find_delim(t, k, len, "@");
    char *spec = ed_arena_alloc(arena, se - k + 1);
    size_t n = 0;
    for (size_t j = k; j < se; j++)
        if (t[j] != ' ')
            spec[n++] = t[j];
    spec[n] = '\0';
    out->specifier = spec;
    size_t op = strspn(spec, "=<>~!");
    size_t sb = se, va = k;
    while (sb > k && t[sb - 1] == ' ')
        sb--;
    if ((op == 1 && spec[0] == '=') || (op == 2 && spec[0] == '=' && spec[1] == '=')) {
        out->pinned = spec + op;
        while (va < sb && (t[va] == '=' || t[va] == ' '))
            va++;
    }
    *at = (sh_version_at){k, sb, va, out->pinned ? sb : va};
}

bool sh_req_parse_native(ed_arena *arena, sh_pm pm, const sh_word *w, sh_req *out)
{
    sh_req_init(w, out);
    sh_version_at at = {0, 0, 0, 0};
    if (w->len > 0 && !sh_native_file(arena, pm, w, &at, out)) {
        switch (pm) {
        case SH_PM_CONDA:
            sh_conda_spec(arena, w, &at, out);
            break;
        case SH_PM_APT:
            sh_apt_spec(arena, w, &at, out);
            break;
        case SH_PM_APK:
            sh_op_spec(arena, w, "=<>~@ ", &at, out);
            break;
        case SH_PM_DNF:
        case SH_PM_ZYPPER:
            sh_op_spec(arena, w, "=<>~ ", &at, out);
            break;
        default:
            sh_name(arena, w, 0, w->len, out);
            break;
        }
    }
    sh_req_set_version_spans(w, &at, false, out);
    return out->name[0] != '\0';
}
