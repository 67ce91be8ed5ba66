/* PyTorch (pytorch.yaml): index URLs of download.pytorch.org, local version
 * labels, which CUDA builds each torch release published, and the best index
 * for an image's CUDA. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kb_internal.h"

static const kb_field kb_suffix_fields[] = {
    KB_FIELD(kb_torch_suffix, "suffix", KB_F_STR, suffix, true),
    KB_FIELD(kb_torch_suffix, "cuda", KB_F_VERSION, cuda, true),
    KB_META(kb_torch_suffix),
};
KB_SCHEMA(kb_suffix_schema, kb_torch_suffix, "index", kb_suffix_fields);

static const char *const kb_verified_words[] = {"v", "3p", "unverified", NULL};

static const kb_field kb_torch_fields[] = {
    KB_FIELD(kb_torch_release, "torch", KB_F_VERSION, torch, true),
    KB_FIELD_N(kb_torch_release, "cuda", KB_F_STRS, cuda, ncuda, true),
    KB_FIELD_N(kb_torch_release, "maybe", KB_F_STRS, maybe, nmaybe, false),
    KB_FIELD(kb_torch_release, "default", KB_F_STR, pypi_default, false),
    KB_FIELD_ENUM(kb_torch_release, "default_verified", default_verified, false, -1,
                  kb_verified_words, NULL),
    KB_FIELD(kb_torch_release, "rocm", KB_F_STR, rocm, false),
    KB_FIELD(kb_torch_release, "note", KB_F_STR, note, false),
    KB_META(kb_torch_release),
};
KB_SCHEMA(kb_torch_schema, kb_torch_release, "torch release", kb_torch_fields);

static const kb_table kb_torch_tables[] = {
    KB_LIST("pytorch.yaml", "indexes", kb_suffix_schema, torch_suffixes, ntorch_suffixes),
    KB_LIST("pytorch.yaml", "releases", kb_torch_schema, torch_releases, ntorch_releases),
};

static const kb_torch_suffix *kb_suffix_find(const kb *k, const char *suffix)
{
    for (size_t i = 0; i < k->ntorch_suffixes; i++)
        if (strcmp(k->torch_suffixes[i].suffix, suffix) == 0)
            return &k->torch_suffixes[i];
    return NULL;
}

/* Every suffix a release names must be an index, and agree with its name. */
static bool kb_torch_finish(kb_ctx *ctx)
{
    const kb *k = kb_ctx_kb(ctx);
    for (size_t i = 0; i < k->ntorch_suffixes; i++) {
        kb_version v;
        const kb_torch_suffix *s = &k->torch_suffixes[i];
        if (!kb_cuda_suffix_version(s->suffix, &v) || kb_version_cmp(v, s->cuda) != 0)
            return kb_fail(ctx, NULL, "index %s does not name CUDA %d.%d", s->suffix,
                           s->cuda.major, s->cuda.minor);
    }
    for (size_t i = 0; i < k->ntorch_releases; i++) {
        const kb_torch_release *r = &k->torch_releases[i];
        const char *const *lists[] = {r->cuda, r->maybe};
        size_t counts[] = {r->ncuda, r->nmaybe};
        for (size_t l = 0; l < 2; l++)
            for (size_t j = 0; j < counts[l]; j++)
                if (!kb_suffix_find(k, lists[l][j]))
                    return kb_fail(ctx, NULL, "torch %d.%d: %s is not in indexes", r->torch.major,
                                   r->torch.minor, lists[l][j]);
        if (r->pypi_default && !kb_suffix_find(k, r->pypi_default))
            return kb_fail(ctx, NULL, "torch %d.%d: default %s is not in indexes",
                           r->torch.major, r->torch.minor, r->pypi_default);
    }
    return true;
}

const kb_module kb_module_pytorch = {kb_torch_tables,
                                     sizeof kb_torch_tables / sizeof kb_torch_tables[0],
                                     kb_torch_finish};

/* ---- Suffixes and labels ---------------------------------------------------- */

bool kb_cuda_suffix_version(const char *suffix, kb_version *out)
{
    if (!suffix || strncmp(suffix, "cu", 2) != 0)
        return false;
    const char *d = suffix + 2;
    size_t n = strspn(d, "0123456789");
    if (d[n] != '\0' || n < 2 || n > 4)
        return false;
    /* cu92 = 9.2; cu118 = 11.8; cu1241 = 12.4.1 (runpod tags) */
    size_t major_digits = n == 2 ? 1 : 2;
    kb_version v = KB_VERSION_NONE;
    v.major = major_digits == 1 ? d[0] - '0' : (d[0] - '0') * 10 + (d[1] - '0');
    v.minor = d[major_digits] - '0';
    if (n == 4)
        v.patch = d[3] - '0';
    *out = v;
    return true;
}

/* Classifies one build-variant word: "cu124", "cpu", "rocm6.2", "xpu". */
static bool kb_variant(const char *word, size_t len, kb_torch_index *out)
{
    char w[sizeof out->suffix];
    if (len == 0 || len >= sizeof w)
        return false;
    memcpy(w, word, len);
    w[len] = '\0';
    kb_version v;
    if (kb_cuda_suffix_version(w, &v)) {
        out->kind = KB_INDEX_CUDA;
        out->cuda = v;
    } else if (strncmp(w, "cpu", 3) == 0) {
        out->kind = KB_INDEX_CPU;
    } else if (strncmp(w, "rocm", 4) == 0 && isdigit((unsigned char)w[4])) {
        out->kind = KB_INDEX_ROCM;
    } else if (strcmp(w, "xpu") == 0) {
        out->kind = KB_INDEX_XPU;
    } else {
        return false;
    }
    memcpy(out->suffix, w, len + 1);
    return true;
}

static void kb_index_clear(kb_torch_index *out)
{
    memset(out, 0, sizeof *out);
    out->kind = KB_INDEX_NONE;
    out->cuda = KB_VERSION_NONE;
}

bool kb_torch_index_parse(const char *url, kb_torch_index *out)
{
    kb_index_clear(out);
    if (!url)
        return false;
    const char *p = url;
    if (strncasecmp(p, "https://", 8) == 0)
        p += 8;
    else if (strncasecmp(p, "http://", 7) == 0)
        p += 7;
    static const char host[] = "download.pytorch.org";
    size_t hn = sizeof host - 1;
    if (strncasecmp(p, host, hn) != 0 || (p[hn] && p[hn] != '/' && p[hn] != ':'))
        return false;
    p += hn;
    if (*p == ':')
        p += strspn(p + 1, "0123456789") + 1; /* a port */
    out->kind = KB_INDEX_OTHER_PYTORCH;
    /* path segments up to a query or fragment */
    size_t end = strcspn(p, "?#");
    bool whl = false, variant = false;
    size_t seg = 0;
    for (size_t i = 0; i < end;) {
        while (i < end && p[i] == '/')
            i++;
        size_t len = 0;
        while (i + len < end && p[i + len] != '/')
            len++;
        if (len == 0)
            break;
        const char *s = p + i;
        bool is_page = len > 5 && strncasecmp(s + len - 5, ".html", 5) == 0;
        if (seg == 0) {
            whl = len == 3 && strncmp(s, "whl", 3) == 0;
            if (!whl)
                break; /* /libtorch, ...: PyTorch, but no pip index */
        } else if (!variant && len == 7 && strncmp(s, "nightly", 7) == 0) {
            out->nightly = true;
        } else if (!variant && len == 4 && strncmp(s, "test", 4) == 0) {
            out->test = true;
        } else if (is_page) {
            out->find_links_page = true; /* torch_stable.html, cu111/torch_stable.html */
            break;
        } else if (!variant) {
            variant = true;
            if (!kb_variant(s, len, out))
                break; /* /whl/triton, ...: OTHER_PYTORCH */
        }
        /* after the variant: "simple", a project page or a wheel file */
        i += len;
        seg++;
    }
    return true;
}

bool kb_torch_local_label(const char *version, kb_torch_index *out)
{
    kb_index_clear(out);
    const char *plus = version ? strchr(version, '+') : NULL;
    if (!plus)
        return false;
    const char *label = plus + 1;
    /* "+cu121" or "+cu121.with.pypi.cudnn": the first dot-separated part */
    size_t len = strcspn(label, ".");
    if (strncmp(label, "rocm", 4) == 0)
        len = strlen(label); /* "+rocm6.0" keeps its dots */
    return kb_variant(label, len, out);
}

/* ---- Releases --------------------------------------------------------------- */

static const kb_torch_release *kb_torch_find(const kb *k, const char *torch_version)
{
    kb_version v;
    if (!kb_version_prefix(torch_version, &v) || v.minor < 0)
        return NULL;
    for (size_t i = 0; i < k->ntorch_releases; i++)
        if (k->torch_releases[i].torch.major == v.major &&
            k->torch_releases[i].torch.minor == v.minor)
            return &k->torch_releases[i];
    return NULL;
}

static bool kb_in(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

kb_tri kb_torch_has_build(const kb *k, const char *torch_version, const char *suffix)
{
    const kb_torch_release *r = kb_torch_find(k, torch_version);
    if (!r || !suffix || !kb_solid(r->verified))
        return KB_UNKNOWN;
    if (strcmp(suffix, "cpu") == 0)
        return KB_YES; /* CPU wheels exist for every release (3.1: "all") */
    kb_version v;
    if (!kb_cuda_suffix_version(suffix, &v))
        return KB_UNKNOWN; /* rocm / xpu: not tabulated per release */
    if (kb_in(r->cuda, r->ncuda, suffix))
        return KB_YES;
    if (kb_in(r->maybe, r->nmaybe, suffix))
        return KB_UNKNOWN;
    return KB_NO;
}

size_t kb_torch_builds(const kb *k, const char *torch_version, const char *const **suffixes)
{
    const kb_torch_release *r = kb_torch_find(k, torch_version);
    *suffixes = r && r->ncuda ? r->cuda : NULL;
    return r ? r->ncuda : 0;
}

const char *kb_torch_pypi_default(const kb *k, const char *torch_version, kb_verified *verified)
{
    const kb_torch_release *r = kb_torch_find(k, torch_version);
    if (!r || !r->pypi_default)
        return NULL;
    if (verified)
        *verified = r->default_verified >= 0 ? (kb_verified)r->default_verified : r->verified;
    return r->pypi_default;
}

const char *kb_torch_suffix_for_cuda(const kb *k, kb_version cuda)
{
    const kb_torch_suffix *best = NULL;
    if (cuda.major < 0 || cuda.minor < 0)
        return NULL;
    for (size_t i = 0; i < k->ntorch_suffixes; i++) {
        const kb_torch_suffix *s = &k->torch_suffixes[i];
        if (s->cuda.major == cuda.major && s->cuda.minor <= cuda.minor &&
            (!best || kb_version_cmp(s->cuda, best->cuda) > 0))
            best = s;
    }
    return best ? best->suffix : NULL;
}
