/* Image references: a hand-written scanner for the grammar of
 * github.com/distribution/reference (reference.go, regexp.go) plus the
 * Docker Hub normalisation of normalize.go.
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ registry "/" ] path
 *   registry  := host [ ":" port ]        host: domain name or [IPv6]
 *   path      := component ( "/" component )*
 *   component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest    := algorithm ":" hex
 */
#include "envdoctor/imageref.h"

#include <string.h>

#define IMG_ERR(msg) "invalid reference format: " msg

static const char img_hub[] = "docker.io";
static const char img_legacy_hub[] = "index.docker.io";
static const char img_library[] = "library/";
#define IMG_LIBRARY_LEN (sizeof img_library - 1)

/* What the scanner found, as byte ranges of the text. Nothing is allocated,
 * so img_ref_is can scan its argument without an arena. */
typedef struct img_scan {
    size_t name_end, path_start;
    bool has_registry; /* a registry was written before the path */
    bool hub;          /* the registry is Docker Hub, written or implied */
    bool add_library;  /* an official image: "library/" goes before the path */
    bool has_tag, has_digest;
    size_t tag_start, tag_end, digest_start, digest_end;
    const char *error;
    size_t err_start, err_end;
} img_scan;

static bool img_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool img_is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static bool img_is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static bool img_is_alpha(unsigned char c) { return img_is_lower(c) || img_is_upper(c); }
static bool img_is_alnum(unsigned char c) { return img_is_alpha(c) || img_is_digit(c); }
static bool img_is_lower_alnum(unsigned char c) { return img_is_lower(c) || img_is_digit(c); }
static bool img_is_word(unsigned char c) { return img_is_alnum(c) || c == '_'; }

static bool img_is_hex(unsigned char c)
{
    return img_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* End of the character starting at i: a UTF-8 lead byte takes its
 * continuation bytes along, so an error points at a whole character. */
static size_t img_char_end(const char *s, size_t end, size_t i)
{
    size_t j = i + 1;
    if ((unsigned char)s[i] >= 0xC0)
        while (j < end && j < i + 4 && ((unsigned char)s[j] & 0xC0) == 0x80)
            j++;
    return j;
}

static bool img_fail(img_scan *sc, const char *msg, size_t start, size_t end)
{
    sc->error = msg;
    sc->err_start = start;
    sc->err_end = end;
    return false;
}

static bool img_span_is(const char *s, size_t start, size_t end, const char *lit)
{
    size_t n = strlen(lit);
    return end - start == n && memcmp(s + start, lit, n) == 0;
}

/* Docker's splitDockerDomain: the first of several components names a
 * registry when it is "localhost", contains '.' or ':', or is not all
 * lowercase (a namespace never has capitals). Otherwise it is a path on
 * Docker Hub. */
static bool img_looks_like_registry(const char *s, size_t end)
{
    if (img_span_is(s, 0, end, "localhost"))
        return true;
    for (size_t i = 0; i < end; i++)
        if (s[i] == '.' || s[i] == ':' || img_is_upper((unsigned char)s[i]))
            return true;
    return false;
}

/* host [":" port], host a domain name (components of letters and digits
 * with inner '-', joined by '.') or an IPv6 literal in brackets. */
static bool img_scan_registry(const char *s, size_t start, size_t end, img_scan *sc)
{
    size_t i = start;
    if (s[i] == '[') {
        /* Zone ids ("%eth0") and mapped IPv4 are deliberately not allowed. */
        size_t j = ++i;
        while (i < end && (img_is_hex((unsigned char)s[i]) || s[i] == ':'))
            i++;
        if (i == j || i == end || s[i] != ']')
            return img_fail(sc, IMG_ERR("invalid IPv6 address in registry"), start,
                            i == end ? end : img_char_end(s, end, i));
        i++;
    } else {
        for (;;) {
            size_t part = i;
            while (i < end && (img_is_alnum((unsigned char)s[i]) || s[i] == '-'))
                i++;
            if (i == part) {
                if (i < end && s[i] != '.' && s[i] != ':')
                    return img_fail(sc, IMG_ERR("invalid character in registry"), i,
                                    img_char_end(s, end, i));
                return img_fail(sc, IMG_ERR("empty part in registry host name"), start, end);
            }
            if (s[part] == '-' || s[i - 1] == '-')
                return img_fail(sc,
                                IMG_ERR("registry host name parts must not start or end with '-'"),
                                part, i);
            if (i < end && s[i] == '.') {
                i++;
                continue;
            }
            break;
        }
    }
    if (i < end && s[i] == ':') {
        size_t colon = i++;
        while (i < end && img_is_digit((unsigned char)s[i]))
            i++;
        if (i == colon + 1 || i != end)
            return img_fail(sc, IMG_ERR("registry port must be a number"), colon, end);
    }
    if (i != end)
        return img_fail(sc, IMG_ERR("invalid character in registry"), i, img_char_end(s, end, i));
    return true;
}

static bool img_is_separator(unsigned char c) { return c == '.' || c == '_' || c == '-'; }

/* One path component starting at *pos; leaves *pos at the '/' or end. */
static bool img_scan_component(const char *s, size_t *pos, size_t end, img_scan *sc)
{
    size_t i = *pos;
    if (i == end || s[i] == '/')
        return img_fail(sc, IMG_ERR("empty path component in repository name"), i,
                        i == end ? end : i + 1);
    size_t sep = i;
    for (;;) {
        /* A run of letters and digits is required here. */
        if (!img_is_lower_alnum((unsigned char)s[i])) {
            if (!img_is_separator((unsigned char)s[i]))
                return img_fail(sc, IMG_ERR("invalid character in repository name"), i,
                                img_char_end(s, end, i));
            if (i == *pos)
                return img_fail(
                    sc, IMG_ERR("path component must start with a lowercase letter or digit"), i,
                    i + 1);
            return img_fail(sc, IMG_ERR("invalid separator in repository name"), sep, i + 1);
        }
        while (i < end && img_is_lower_alnum((unsigned char)s[i]))
            i++;
        if (i == end || s[i] == '/') {
            *pos = i;
            return true;
        }
        /* A separator: one '.', one or two '_', or any number of '-'. */
        sep = i;
        if (s[i] == '.') {
            i++;
        } else if (s[i] == '_') {
            i++;
            if (i < end && s[i] == '_')
                i++;
        } else if (s[i] == '-') {
            while (i < end && s[i] == '-')
                i++;
        } else {
            return img_fail(sc, IMG_ERR("invalid character in repository name"), i,
                            img_char_end(s, end, i));
        }
        if (i == end || s[i] == '/')
            return img_fail(sc,
                            IMG_ERR("path component must end with a lowercase letter or digit"),
                            sep, i);
    }
}

static bool img_scan_path(const char *s, size_t start, size_t end, img_scan *sc)
{
    /* Checked first, as Docker does, so "Nvidia/cuda" gets the helpful
     * message rather than a generic one. */
    for (size_t i = start; i < end; i++)
        if (img_is_upper((unsigned char)s[i]))
            return img_fail(sc, IMG_ERR("repository name must be lowercase"), i, i + 1);
    size_t i = start;
    for (;;) {
        if (!img_scan_component(s, &i, end, sc))
            return false;
        if (i == end)
            return true;
        i++; /* the '/' */
    }
}

static bool img_scan_tag(const char *s, size_t start, size_t end, img_scan *sc)
{
    if (start == end)
        return img_fail(sc, IMG_ERR("missing tag after ':'"), start - 1, start);
    for (size_t i = start; i < end; i++) {
        unsigned char c = (unsigned char)s[i];
        if (img_is_word(c))
            continue;
        if ((c == '.' || c == '-') && i == start)
            return img_fail(sc, IMG_ERR("tag must start with a letter, digit or '_'"), i, i + 1);
        if (c != '.' && c != '-')
            return img_fail(sc, IMG_ERR("invalid character in tag"), i, img_char_end(s, end, i));
    }
    if (end - start > IMG_TAG_MAX)
        return img_fail(sc, IMG_ERR("tag must not be more than 128 characters"), start, end);
    return true;
}

/* The reference grammar accepts any algorithm with >= 32 hex digits, but
 * Docker then validates with go-digest, which knows only these and wants
 * lowercase hex of the exact length. */
static const struct {
    const char *name;
    size_t hex_len;
    const char *error;
} img_digest_algorithms[] = {
    {"sha256", 64, IMG_ERR("sha256 digest must be 64 lowercase hex characters")},
    {"sha384", 96, IMG_ERR("sha384 digest must be 96 lowercase hex characters")},
    {"sha512", 128, IMG_ERR("sha512 digest must be 128 lowercase hex characters")},
};

static bool img_scan_digest(const char *s, size_t start, size_t end, img_scan *sc)
{
    if (start == end)
        return img_fail(sc, IMG_ERR("missing digest after '@'"), start - 1, start);
    /* algorithm: [A-Za-z][A-Za-z0-9]* joined by single '-', '_', '+' or '.' */
    size_t i = start;
    for (;;) {
        if (i == end || !img_is_alpha((unsigned char)s[i]))
            return img_fail(sc, IMG_ERR("invalid digest algorithm"), start,
                            i == end ? end : img_char_end(s, end, i));
        while (i < end && img_is_alnum((unsigned char)s[i]))
            i++;
        if (i < end && (s[i] == '-' || s[i] == '_' || s[i] == '+' || s[i] == '.')) {
            i++;
            continue;
        }
        break;
    }
    if (i == end)
        return img_fail(sc, IMG_ERR("digest must be <algorithm>:<hex>"), start, end);
    if (s[i] != ':')
        return img_fail(sc, IMG_ERR("invalid character in digest"), i, img_char_end(s, end, i));
    size_t alg_end = i++;
    size_t hex = i;
    while (i < end && img_is_hex((unsigned char)s[i]))
        i++;
    if (i != end)
        return img_fail(sc, IMG_ERR("invalid character in digest"), i, img_char_end(s, end, i));
    if (end - hex < 32)
        return img_fail(sc, IMG_ERR("digest must have at least 32 hex characters"), hex, end);

    for (size_t k = 0; k < sizeof img_digest_algorithms / sizeof img_digest_algorithms[0]; k++) {
        if (!img_span_is(s, start, alg_end, img_digest_algorithms[k].name))
            continue;
        bool ok = end - hex == img_digest_algorithms[k].hex_len;
        for (size_t j = hex; ok && j < end; j++)
            ok = !(s[j] >= 'A' && s[j] <= 'F');
        if (!ok)
            return img_fail(sc, img_digest_algorithms[k].error, hex, end);
        return true;
    }
    /* go-digest: an unknown algorithm with capitals is malformed, one
     * without is merely unsupported. */
    for (size_t j = start; j < alg_end; j++)
        if (img_is_upper((unsigned char)s[j]))
            return img_fail(sc, IMG_ERR("invalid digest algorithm"), start, alg_end);
    return img_fail(sc, IMG_ERR("unsupported digest algorithm (sha256, sha384 and sha512 are)"),
                    start, alg_end);
}

static bool img_scan_ref(const char *s, size_t n, img_scan *sc)
{
    memset(sc, 0, sizeof *sc);
    if (n == 0)
        return img_fail(sc, IMG_ERR("repository name must have at least one component"), 0, 0);

    /* A bare 64-hex string is an image ID, not a name (Docker refuses it). */
    if (n == 64) {
        size_t i = 0;
        while (i < n && (img_is_digit((unsigned char)s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
            i++;
        if (i == n)
            return img_fail(sc, IMG_ERR("64-character hex strings are image IDs, not names"), 0,
                            n);
    }

    /* Neither name nor tag may hold '@', so the first one starts the digest.
     * A name holds ':' only in its registry, which ends at the first '/',
     * so the first ':' after the last '/' starts the tag. */
    size_t at = 0;
    while (at < n && s[at] != '@')
        at++;
    size_t tag_from = 0;
    for (size_t i = 0; i < at; i++)
        if (s[i] == '/')
            tag_from = i + 1;
    size_t colon = tag_from;
    while (colon < at && s[colon] != ':')
        colon++;
    sc->name_end = colon;
    if (colon == 0)
        return img_fail(sc, IMG_ERR("missing repository name"), 0, img_char_end(s, n, 0));

    size_t slash = 0;
    while (slash < colon && s[slash] != '/')
        slash++;
    if (slash < colon && img_looks_like_registry(s, slash)) {
        sc->has_registry = true;
        sc->path_start = slash + 1;
        if (!img_scan_registry(s, 0, slash, sc))
            return false;
        sc->hub = img_span_is(s, 0, slash, img_hub) || img_span_is(s, 0, slash, img_legacy_hub);
    } else {
        sc->hub = true;
    }

    if (!img_scan_path(s, sc->path_start, colon, sc))
        return false;
    /* Official images live under library/ on Docker Hub only. */
    sc->add_library = sc->hub && memchr(s + sc->path_start, '/', colon - sc->path_start) == NULL;
    size_t path_len = colon - sc->path_start + (sc->add_library ? IMG_LIBRARY_LEN : 0);
    if (path_len > IMG_REPOSITORY_MAX)
        return img_fail(sc, IMG_ERR("repository name must not be more than 255 characters"),
                        sc->path_start, colon);

    if (colon < at) {
        sc->has_tag = true;
        sc->tag_start = colon + 1;
        sc->tag_end = at;
        if (!img_scan_tag(s, sc->tag_start, sc->tag_end, sc))
            return false;
    }
    if (at < n) {
        sc->has_digest = true;
        sc->digest_start = at + 1;
        sc->digest_end = n;
        if (!img_scan_digest(s, sc->digest_start, sc->digest_end, sc))
            return false;
    }
    return true;
}

bool img_ref_parse(ed_arena *arena, const char *text, size_t len, img_ref *out,
                   const char **error)
{
    img_scan sc;
    memset(out, 0, sizeof *out);
    if (!text)
        len = 0;
    if (!img_scan_ref(text, len, &sc)) {
        out->error_start = sc.err_start;
        out->error_end = sc.err_end;
        if (error)
            *error = sc.error;
        return false;
    }
    if (error)
        *error = NULL;

    out->registry = sc.hub ? img_hub : ed_arena_strndup(arena, text, sc.path_start - 1);
    const char *path = text + sc.path_start;
    int path_len = (int)(sc.name_end - sc.path_start); /* <= 255, checked */
    out->repository = sc.add_library ? ed_arena_printf(arena, "%s%.*s", img_library, path_len, path)
                                     : ed_arena_strndup(arena, path, (size_t)path_len);

    /* Familiar form (FamiliarName): Docker Hub without "docker.io/", and an
     * official image without "library/" unless more path follows. */
    if (!sc.hub) {
        out->familiar = ed_arena_printf(arena, "%s/%s", out->registry, out->repository);
    } else if (strncmp(out->repository, img_library, IMG_LIBRARY_LEN) == 0 &&
               !strchr(out->repository + IMG_LIBRARY_LEN, '/')) {
        out->familiar = out->repository + IMG_LIBRARY_LEN;
    } else {
        out->familiar = out->repository;
    }

    out->name = ed_arena_strndup(arena, text, sc.name_end);
    out->name_start = 0;
    out->name_end = sc.name_end;
    out->path_start = sc.path_start;
    if (sc.has_tag) {
        out->tag = ed_arena_strndup(arena, text + sc.tag_start, sc.tag_end - sc.tag_start);
        out->tag_start = sc.tag_start;
        out->tag_end = sc.tag_end;
    }
    if (sc.has_digest) {
        out->digest =
            ed_arena_strndup(arena, text + sc.digest_start, sc.digest_end - sc.digest_start);
        out->digest_start = sc.digest_start;
        out->digest_end = sc.digest_end;
    }
    return true;
}

bool img_ref_same_repo(const img_ref *a, const img_ref *b)
{
    return a->registry && b->registry && strcmp(a->registry, b->registry) == 0 &&
           strcmp(a->repository, b->repository) == 0;
}

bool img_ref_is(const img_ref *ref, const char *repo)
{
    img_scan sc;
    if (!ref->registry || !repo || !img_scan_ref(repo, strlen(repo), &sc) || sc.has_tag ||
        sc.has_digest)
        return false;

    if (sc.hub ? strcmp(ref->registry, img_hub) != 0
               : !img_span_is(repo, 0, sc.path_start - 1, ref->registry))
        return false;

    /* Compare the normalised path without building it. */
    const char *have = ref->repository;
    if (sc.add_library) {
        if (strncmp(have, img_library, IMG_LIBRARY_LEN) != 0)
            return false;
        have += IMG_LIBRARY_LEN;
    }
    return img_span_is(repo, sc.path_start, sc.name_end, have);
}

bool img_ref_is_scratch(const img_ref *ref)
{
    return ref->name && !ref->tag && !ref->digest && strcmp(ref->name, "scratch") == 0;
}

static const char *img_ref_string(ed_arena *arena, const img_ref *ref, const char *name)
{
    return ed_arena_printf(arena, "%s%s%s%s%s", name, ref->tag ? ":" : "",
                           ref->tag ? ref->tag : "", ref->digest ? "@" : "",
                           ref->digest ? ref->digest : "");
}

const char *img_ref_familiar_string(ed_arena *arena, const img_ref *ref)
{
    return img_ref_string(arena, ref, ref->familiar);
}

const char *img_ref_canonical_string(ed_arena *arena, const img_ref *ref)
{
    const char *full = ed_arena_printf(arena, "%s/%s", ref->registry, ref->repository);
    return img_ref_string(arena, ref, full);
}
