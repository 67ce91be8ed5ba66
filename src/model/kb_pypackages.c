/* Python packages (cuda-packages.yaml, wrong-packages.yaml): which packages
 * compile CUDA code at install time and with which knobs, and which names are
 * not the GPU library people mean. */
#include <ctype.h>
#include <string.h>

#include "kb_internal.h"

static const char *const kb_builds_words[] = {"always", "no-wheel", "flag", NULL};
static const char *const kb_verified_words[] = {"v", "3p", "unverified", NULL};

static const kb_field kb_cuda_pkg_fields[] = {
    KB_FIELD(kb_cuda_pkg_entry, "name", KB_F_STR, pkg.name, true),
    KB_FIELD_N(kb_cuda_pkg_entry, "aliases", KB_F_STRS, aliases, naliases, false),
    KB_FIELD(kb_cuda_pkg_entry, "builds", KB_F_STR, pkg.builds, true),
    KB_FIELD_DEF(kb_cuda_pkg_entry, "jit", KB_F_BOOL, pkg.jit, 0),
    KB_FIELD_N(kb_cuda_pkg_entry, "force", KB_F_STRS, pkg.force, pkg.nforce, false),
    KB_FIELD_N(kb_cuda_pkg_entry, "skip", KB_F_STRS, pkg.skip, pkg.nskip, false),
    KB_FIELD_N(kb_cuda_pkg_entry, "knobs", KB_F_STRS, pkg.knobs, pkg.nknobs, false),
    KB_FIELD_ENUM(kb_cuda_pkg_entry, "knobs_verified", knobs_verified, false, -1,
                  kb_verified_words, NULL),
    KB_FIELD(kb_cuda_pkg_entry, "arch_knob", KB_F_STR, pkg.arch_knob, false),
    KB_FIELD_DEF(kb_cuda_pkg_entry, "no_build_isolation", KB_F_BOOL, pkg.no_build_isolation, 0),
    KB_FIELD(kb_cuda_pkg_entry, "needs", KB_F_STR, pkg.needs, false),
    KB_FIELD(kb_cuda_pkg_entry, "note", KB_F_STR, pkg.note, false),
    KB_FIELD(kb_cuda_pkg_entry, "source", KB_F_STR, pkg.source, true),
    KB_FIELD(kb_cuda_pkg_entry, "verified", KB_F_VERIFIED, pkg.verified, true),
    KB_DERIVED(kb_cuda_pkg_entry, KB_F_VERIFIED, pkg.knobs_verified),
};
KB_SCHEMA(kb_cuda_pkg_schema, kb_cuda_pkg_entry, "package", kb_cuda_pkg_fields);

static const char *const kb_kind_words[] = {"wrong", "removed", "deprecated", "cpu-only",
                                            "not-on-pypi", NULL};
static const int kb_kind_values[] = {KB_WRONG_NAME, KB_WRONG_REMOVED, KB_WRONG_DEPRECATED,
                                     KB_WRONG_CPU_ONLY, KB_WRONG_NOT_ON_PYPI};

static const kb_field kb_wrong_fields[] = {
    KB_FIELD(kb_wrong_entry, "name", KB_F_STR, name, true),
    KB_FIELD_ENUM(kb_wrong_entry, "kind", kind, true, 0, kb_kind_words, kb_kind_values),
    KB_FIELD(kb_wrong_entry, "reason", KB_F_STR, reason, true),
    KB_FIELD(kb_wrong_entry, "instead", KB_F_STR, instead, false),
    KB_FIELD(kb_wrong_entry, "note", KB_F_STR, note, false),
    KB_META(kb_wrong_entry),
};
KB_SCHEMA(kb_wrong_schema, kb_wrong_entry, "package", kb_wrong_fields);

static const kb_table kb_pypackage_tables[] = {
    KB_LIST("cuda-packages.yaml", "packages", kb_cuda_pkg_schema, cuda_packages, ncuda_packages),
    KB_LIST("wrong-packages.yaml", "packages", kb_wrong_schema, wrong_packages, nwrong_packages),
};

/* Names must be written normalised, so lookups can compare them directly;
 * the knob list inherits the entry's marker unless it has its own. */
static bool kb_pypackages_finish(kb_ctx *ctx)
{
    kb *k = kb_ctx_kb(ctx);
    char buf[128];
    for (size_t i = 0; i < k->ncuda_packages; i++) {
        kb_cuda_pkg_entry *e = &k->cuda_packages[i];
        kb_normalise_name(e->pkg.name, buf, sizeof buf);
        if (strcmp(buf, e->pkg.name) != 0)
            return kb_fail(ctx, NULL, "package %s: write the name normalised (%s)", e->pkg.name,
                           buf);
        size_t w = 0;
        while (kb_builds_words[w] && strcmp(kb_builds_words[w], e->pkg.builds) != 0)
            w++;
        if (!kb_builds_words[w])
            return kb_fail(ctx, NULL, "package %s: builds is always, no-wheel or flag",
                           e->pkg.name);
        e->pkg.knobs_verified =
            e->knobs_verified >= 0 ? (kb_verified)e->knobs_verified : e->pkg.verified;
    }
    return true;
}

const kb_module kb_module_pypackages = {kb_pypackage_tables,
                                        sizeof kb_pypackage_tables / sizeof kb_pypackage_tables[0],
                                        kb_pypackages_finish};

size_t kb_normalise_name(const char *name, char *buf, size_t size)
{
    size_t n = 0;
    bool sep = false;
    for (const char *p = name ? name : ""; *p; p++) {
        if (*p == '-' || *p == '_' || *p == '.') {
            sep = true;
            continue;
        }
        if (sep && n > 0) {
            if (n + 1 < size)
                buf[n] = '-';
            n++;
        }
        sep = false;
        if (n + 1 < size)
            buf[n] = (char)tolower((unsigned char)*p);
        n++;
    }
    if (size)
        buf[n < size ? n : size - 1] = '\0';
    return n;
}

/* Callers pass normalised names; normalising again costs little and makes a
 * raw "Flash_Attn" work too. */
static const char *kb_norm(const char *name, char *buf, size_t size)
{
    if (!name || kb_normalise_name(name, buf, size) >= size)
        return NULL;
    return buf;
}

const kb_cuda_package *kb_cuda_package_find(const kb *k, const char *normalised_name)
{
    char buf[128];
    const char *name = kb_norm(normalised_name, buf, sizeof buf);
    for (size_t i = 0; name && i < k->ncuda_packages; i++) {
        const kb_cuda_pkg_entry *e = &k->cuda_packages[i];
        if (strcmp(e->pkg.name, name) == 0)
            return &e->pkg;
        for (size_t j = 0; j < e->naliases; j++)
            if (strcmp(e->aliases[j], name) == 0)
                return &e->pkg;
    }
    return NULL;
}

const kb_wrong_entry *kb_wrong_package_find(const kb *k, const char *normalised_name)
{
    char buf[128];
    const char *name = kb_norm(normalised_name, buf, sizeof buf);
    for (size_t i = 0; name && i < k->nwrong_packages; i++)
        if (kb_glob(k->wrong_packages[i].name, name))
            return &k->wrong_packages[i];
    return NULL;
}

const char *kb_wrong_package(const kb *k, const char *normalised_name, const char **instead)
{
    const kb_wrong_entry *w = kb_wrong_package_find(k, normalised_name);
    if (instead)
        *instead = w ? w->instead : NULL;
    return w ? w->reason : NULL;
}
