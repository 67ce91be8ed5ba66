/* nvidia/cuda tags (cuda-images.yaml): the tag grammar, which versions,
 * flavors and OS suffixes NVIDIA published, and the end-of-life policy. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "kb_internal.h"

/* ---- Tables --------------------------------------------------------------- */

static const kb_field kb_release_fields[] = {
    KB_FIELD(kb_cuda_release, "cuda", KB_F_VERSION, cuda, true),
    KB_FIELD_N(kb_cuda_release, "patches", KB_F_INTS, patches, npatches, true),
    KB_FIELD_DEF(kb_cuda_release, "final", KB_F_BOOL, final, 0),
    KB_FIELD_DEF(kb_cuda_release, "two_part", KB_F_BOOL, two_part, 0),
    KB_FIELD_DEF(kb_cuda_release, "fresh", KB_F_BOOL, fresh, 0),
    KB_META(kb_cuda_release),
};
KB_SCHEMA(kb_release_schema, kb_cuda_release, "release", kb_release_fields);

static const kb_field kb_never_fields[] = {
    KB_FIELD(kb_cuda_never, "cuda", KB_F_VERSION, cuda, true),
    KB_FIELD(kb_cuda_never, "reason", KB_F_STR, reason, true),
    KB_META(kb_cuda_never),
};
KB_SCHEMA(kb_never_schema, kb_cuda_never, "never-released version", kb_never_fields);

static const kb_field kb_majors_fields[] = {
    KB_FIELD_N(kb_cuda_majors, "majors", KB_F_INTS, majors, nmajors, true),
    KB_META(kb_cuda_majors),
};
KB_SCHEMA(kb_majors_schema, kb_cuda_majors, "complete-majors entry", kb_majors_fields);

static const kb_field kb_flavor_fields[] = {
    KB_FIELD(kb_cuda_flavor, "flavor", KB_F_STR, flavor, true),
    KB_FIELD(kb_cuda_flavor, "nvcc", KB_F_TRI, nvcc, true),
    KB_FIELD(kb_cuda_flavor, "cudnn", KB_F_TRI, cudnn, true),
    KB_FIELD(kb_cuda_flavor, "versions", KB_F_RANGES, versions, true),
    KB_FIELD(kb_cuda_flavor, "except", KB_F_RANGES, except, false),
    KB_FIELD(kb_cuda_flavor, "partial", KB_F_RANGES, partial, false),
    KB_FIELD_DEF(kb_cuda_flavor, "closed", KB_F_BOOL, closed, 1),
    KB_FIELD(kb_cuda_flavor, "ends", KB_F_STR, ends, false),
    KB_META(kb_cuda_flavor),
};
KB_SCHEMA(kb_flavor_schema, kb_cuda_flavor, "flavor", kb_flavor_fields);

static const kb_field kb_os_fields[] = {
    KB_FIELD(kb_cuda_os, "os", KB_F_STR, os, true),
    KB_FIELD(kb_cuda_os, "versions", KB_F_RANGES, versions, true),
    KB_FIELD(kb_cuda_os, "dropped", KB_F_VERSION, dropped, false),
    KB_FIELD_DEF(kb_cuda_os, "closed", KB_F_BOOL, closed, 1),
    KB_META(kb_cuda_os),
};
KB_SCHEMA(kb_os_schema, kb_cuda_os, "OS", kb_os_fields);

static const kb_field kb_eol_fields[] = {
    KB_FIELD(kb_cuda_eol, "versions", KB_F_RANGES, versions, true),
    KB_FIELD(kb_cuda_eol, "reason", KB_F_STR, reason, true),
    KB_META(kb_cuda_eol),
};
KB_SCHEMA(kb_eol_schema, kb_cuda_eol, "end-of-life entry", kb_eol_fields);

static const kb_field kb_rule_fields[] = {
    KB_FIELD(kb_rule, "cuda", KB_F_VERSION, cuda, false),
    KB_FIELD(kb_rule, "reason", KB_F_STR, reason, true),
    KB_META(kb_rule),
};
KB_SCHEMA(kb_rule_schema, kb_rule, "policy entry", kb_rule_fields);

#define KB_CUDA_FILE "cuda-images.yaml"

static const kb_table kb_policy_tables[] = {
    KB_ONE(KB_CUDA_FILE, "latest", kb_rule_schema, cuda_latest),
    KB_ONE(KB_CUDA_FILE, "grammar", kb_rule_schema, cuda_grammar),
    KB_ONE(KB_CUDA_FILE, "three_part_from", kb_rule_schema, cuda_three_part),
    KB_ONE(KB_CUDA_FILE, "os_suffix_from", kb_rule_schema, cuda_os_suffix),
    KB_ONE(KB_CUDA_FILE, "superseded", kb_rule_schema, cuda_superseded),
    KB_ONE(KB_CUDA_FILE, "deletion", kb_rule_schema, cuda_deletion),
};

static const kb_table kb_cuda_tables[] = {
    KB_LIST(KB_CUDA_FILE, "releases", kb_release_schema, cuda_releases, ncuda_releases),
    KB_LIST(KB_CUDA_FILE, "never_released", kb_never_schema, cuda_never, ncuda_never),
    KB_LIST(KB_CUDA_FILE, "complete_majors", kb_majors_schema, cuda_complete, ncuda_complete),
    KB_LIST(KB_CUDA_FILE, "flavors", kb_flavor_schema, cuda_flavors, ncuda_flavors),
    KB_LIST(KB_CUDA_FILE, "os", kb_os_schema, cuda_os, ncuda_os),
    KB_LIST(KB_CUDA_FILE, "eol", kb_eol_schema, cuda_eol, ncuda_eol),
    KB_GROUP(KB_CUDA_FILE, "policy", kb_policy_tables),
};

static bool kb_cuda_finish(kb_ctx *ctx)
{
    const kb *k = kb_ctx_kb(ctx);
    for (size_t i = 0; i < k->ncuda_releases; i++) {
        const kb_cuda_release *r = &k->cuda_releases[i];
        if (r->cuda.minor < 0 || r->cuda.patch >= 0)
            return kb_fail(ctx, NULL, "release %d: `cuda` must be X.Y", r->cuda.major);
        for (size_t j = 1; j < r->npatches; j++)
            if (r->patches[j] <= r->patches[j - 1])
                return kb_fail(ctx, NULL, "release %d.%d: patches must ascend", r->cuda.major,
                               r->cuda.minor);
        if (r->final && r->npatches == 0)
            return kb_fail(ctx, NULL, "release %d.%d: final without patches", r->cuda.major,
                           r->cuda.minor);
    }
    for (size_t i = 0; i < k->ncuda_flavors; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(k->cuda_flavors[i].flavor, k->cuda_flavors[j].flavor) == 0)
                return kb_fail(ctx, NULL, "flavor %s listed twice", k->cuda_flavors[i].flavor);
    if (k->cuda_three_part.source && k->cuda_three_part.cuda.major < 0)
        return kb_fail(ctx, NULL, "policy three_part_from needs `cuda`");
    if (k->cuda_os_suffix.source && k->cuda_os_suffix.cuda.major < 0)
        return kb_fail(ctx, NULL, "policy os_suffix_from needs `cuda`");
    return true;
}

const kb_module kb_module_cuda = {kb_cuda_tables, sizeof kb_cuda_tables / sizeof kb_cuda_tables[0],
                                  kb_cuda_finish};

/* ---- Lookups ---------------------------------------------------------------- */

static const kb_cuda_release *kb_release_find(const kb *k, kb_version v)
{
    for (size_t i = 0; i < k->ncuda_releases; i++)
        if (k->cuda_releases[i].cuda.major == v.major && k->cuda_releases[i].cuda.minor == v.minor)
            return &k->cuda_releases[i];
    return NULL;
}

static int kb_release_newest(const kb_cuda_release *r)
{
    return r->npatches ? r->patches[r->npatches - 1] : -1;
}

static bool kb_release_has_patch(const kb_cuda_release *r, int patch)
{
    for (size_t i = 0; i < r->npatches; i++)
        if (r->patches[i] == patch)
            return true;
    return false;
}

static const kb_cuda_flavor *kb_flavor_find(const kb *k, const char *flavor)
{
    for (size_t i = 0; flavor && i < k->ncuda_flavors; i++)
        if (strcmp(k->cuda_flavors[i].flavor, flavor) == 0)
            return &k->cuda_flavors[i];
    return NULL;
}

static const kb_cuda_os *kb_os_find(const kb *k, const char *os)
{
    for (size_t i = 0; os && i < k->ncuda_os; i++)
        if (strcmp(k->cuda_os[i].os, os) == 0)
            return &k->cuda_os[i];
    return NULL;
}

static bool kb_major_complete(const kb *k, int major)
{
    for (size_t i = 0; i < k->ncuda_complete; i++) {
        if (!kb_solid(k->cuda_complete[i].verified))
            continue;
        for (size_t j = 0; j < k->cuda_complete[i].nmajors; j++)
            if (k->cuda_complete[i].majors[j] == major)
                return true;
    }
    return false;
}

kb_version kb_cuda_image_latest_patch(const kb *k, kb_version cuda)
{
    const kb_cuda_release *r = kb_release_find(k, cuda);
    if (!r || r->npatches == 0)
        return KB_VERSION_NONE;
    return (kb_version){cuda.major, cuda.minor, kb_release_newest(r)};
}

/* Is every version that v stands for at or after `from`? */
static bool kb_at_or_after(kb_version v, kb_version from)
{
    return kb_version_cmp(kb_version_fill(v, 0), kb_version_fill(from, 0)) >= 0;
}

/* ---- Reading a tag ------------------------------------------------------- */

/* "[a-z]+[0-9]+(.[0-9]+)?": the shape of an OS suffix (ubuntu22.04, ubi9, cm2). */
static bool kb_looks_like_os(const char *s)
{
    const char *p = s;
    while (*p >= 'a' && *p <= 'z')
        p++;
    if (p == s || !isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.' && isdigit((unsigned char)p[1]))
        for (p++; isdigit((unsigned char)*p);)
            p++;
    return *p == '\0';
}

typedef struct kb_tag_parts {
    kb_version v;
    const char *flavor; /* NULL when the tag has none */
    const char *os;     /* NULL when the tag has none */
} kb_tag_parts;

/* "<X.Y[.Z]>-<flavor>[-<os>]"; false when the tag does not start that way. */
static bool kb_split_tag(const kb *k, const char *tag, ed_arena *arena, kb_tag_parts *out)
{
    const char *rest = kb_version_scan(tag, &out->v);
    if (!rest || out->v.minor < 0 || *rest != '-' || rest[1] == '\0')
        return false;
    rest++;
    out->flavor = rest;
    out->os = NULL;
    const char *dash = strrchr(rest, '-');
    if (dash && kb_looks_like_os(dash + 1)) {
        out->flavor = ed_arena_strndup(arena, rest, (size_t)(dash - rest));
        out->os = dash + 1;
    } else if (!dash && kb_looks_like_os(rest) && (!k || kb_os_find(k, rest))) {
        /* "12.4.1-ubuntu22.04": an OS, no flavor */
        out->flavor = NULL;
        out->os = rest;
    }
    return true;
}

/* nvcc / cuDNN from a flavor the tables do not know: the doc's rule of thumb
 * ("devel" => nvcc; base/runtime => none). */
static void kb_flavor_guess(const char *flavor, kb_image_facts *out)
{
    if (!flavor)
        return;
    if (strstr(flavor, "devel"))
        out->has_nvcc = KB_YES;
    else if (strstr(flavor, "runtime") || strstr(flavor, "base"))
        out->has_nvcc = KB_NO;
    if (strncmp(flavor, "cudnn", 5) == 0)
        out->has_cudnn = KB_YES;
}

void kb_cuda_like_read_tag(const char *tag, ed_arena *arena, kb_image_facts *out)
{
    kb_tag_parts parts;
    if (!tag || !kb_split_tag(NULL, tag, arena, &parts))
        return;
    out->cuda = parts.v;
    out->flavor = parts.flavor;
    out->os = parts.os;
    kb_flavor_guess(parts.flavor, out);
}

/* The verdict on a tag's existence: KB_YES until something is unknown or
 * proven absent; the first "absent" keeps its reason. */
typedef struct kb_verdict {
    kb_tri exists;
    const char *problem;
} kb_verdict;

static void kb_absent(kb_verdict *v, const char *problem)
{
    if (v->exists != KB_NO) {
        v->exists = KB_NO;
        v->problem = problem;
    }
}

/* Is a problem worth describing: the caller wants reasons (arena is not NULL)
 * and it is the first one, the only one kept? Checks that only need the
 * verdict (kb_os_fits, many per suggestion) skip the messages. */
static bool kb_why(const kb_verdict *v, const ed_arena *arena)
{
    return arena && v->exists != KB_NO;
}

static void kb_unsure(kb_verdict *v)
{
    if (v->exists == KB_YES)
        v->exists = KB_UNKNOWN;
}

static const char *kb_ranges_describe(ed_arena *arena, const kb_ranges *rs)
{
    const char *s = "";
    for (size_t i = 0; i < rs->n; i++)
        s = ed_arena_printf(arena, "%s%s%s", s, i ? ", " : "", kb_range_describe(arena, &rs->v[i]));
    return s;
}

/* Did NVIDIA publish <v>-<flavor>-<os>? The problem is described in arena,
 * or not at all when arena is NULL. */
static kb_verdict kb_cuda_check(const kb *k, ed_arena *arena, kb_version v, const char *flavor,
                                const char *os)
{
    kb_verdict out = {KB_YES, NULL};
    char vs[32];
    kb_version_str(v, vs, sizeof vs);

    /* The version */
    for (size_t i = 0; i < k->ncuda_never; i++)
        if (k->cuda_never[i].cuda.major == v.major && k->cuda_never[i].cuda.minor == v.minor &&
            kb_solid(k->cuda_never[i].verified))
            kb_absent(&out, k->cuda_never[i].reason);
    const kb_cuda_release *rel = kb_release_find(k, v);
    bool in_snapshot = rel != NULL;
    if (!rel) {
        if (kb_major_complete(k, v.major))
            kb_absent(&out, kb_why(&out, arena) ? ed_arena_printf(arena,
                                                                  "CUDA %d.%d was never released",
                                                                  v.major, v.minor)
                                                : NULL);
        kb_unsure(&out);
    } else if (v.patch < 0) {
        const kb_rule *r = &k->cuda_three_part;
        if (r->source && kb_solid(r->verified) && kb_at_or_after(v, r->cuda))
            kb_absent(&out, kb_why(&out, arena)
                                ? ed_arena_printf(arena,
                                                  "the two-part version %s does not exist: %s", vs,
                                                  r->reason)
                                : NULL);
        else if (!rel->two_part)
            kb_unsure(&out);
    } else {
        int newest = kb_release_newest(rel);
        if (rel->npatches == 0 || !kb_release_has_patch(rel, v.patch))
            kb_unsure(&out);
        if (rel->npatches && v.patch > newest) {
            if (rel->final && kb_solid(rel->verified))
                kb_absent(&out, kb_why(&out, arena)
                                    ? ed_arena_printf(arena,
                                                      "CUDA %d.%d images end at %d.%d.%d (no %s "
                                                      "was published)",
                                                      v.major, v.minor, v.major, v.minor, newest,
                                                      vs)
                                    : NULL);
            else
                in_snapshot = false; /* a patch newer than the data */
        } else if ((rel->npatches == 0 && !rel->two_part) ||
                   (rel->fresh && v.patch == newest)) {
            in_snapshot = false; /* nothing known, or maybe not complete yet */
        }
    }

    /* The flavor */
    const kb_cuda_flavor *fl = kb_flavor_find(k, flavor);
    if (!flavor) {
        const kb_rule *g = &k->cuda_grammar;
        if (g->source && kb_solid(g->verified))
            kb_absent(&out, kb_why(&out, arena)
                                ? ed_arena_printf(arena, "the tag has no flavor: %s", g->reason)
                                : NULL);
        kb_unsure(&out);
    } else if (!fl || !in_snapshot) {
        kb_unsure(&out);
    } else {
        kb_tri t = kb_ranges_has(&fl->versions, v);
        if (t == KB_YES && kb_ranges_has(&fl->except, v) == KB_YES)
            t = KB_NO;
        if (t != KB_NO && fl->partial.n && kb_ranges_has(&fl->partial, v) != KB_NO)
            t = KB_UNKNOWN; /* published for some OSes only */
        if (t == KB_NO && fl->closed && kb_solid(fl->verified))
            kb_absent(&out, !kb_why(&out, arena) ? NULL
                            : fl->ends
                                ? ed_arena_printf(arena, "no %s images for CUDA %s (%s)", flavor,
                                                  vs, fl->ends)
                                : ed_arena_printf(arena,
                                                  "no %s images for CUDA %s (published for %s)",
                                                  flavor, vs,
                                                  kb_ranges_describe(arena, &fl->versions)));
        else if (t != KB_YES || !kb_solid(fl->verified))
            kb_unsure(&out);
    }

    /* The OS */
    const kb_cuda_os *o = kb_os_find(k, os);
    if (!os) {
        const kb_rule *r = &k->cuda_os_suffix;
        if (r->source && kb_solid(r->verified) && kb_at_or_after(v, r->cuda))
            kb_absent(&out, kb_why(&out, arena)
                                ? ed_arena_printf(arena, "the tag has no OS suffix: %s", r->reason)
                                : NULL);
        kb_unsure(&out);
    } else if (!o) {
        kb_unsure(&out);
    } else if (o->dropped.major >= 0 && kb_at_or_after(v, o->dropped) && kb_solid(o->verified)) {
        char ds[32];
        kb_absent(&out, kb_why(&out, arena)
                            ? ed_arena_printf(arena, "no %s images from CUDA %s on", os,
                                              kb_version_str(o->dropped, ds, sizeof ds))
                            : NULL);
    } else if (!in_snapshot) {
        kb_unsure(&out);
    } else {
        kb_tri t = kb_ranges_has(&o->versions, v);
        if (t == KB_NO && o->closed && kb_solid(o->verified))
            kb_absent(&out, kb_why(&out, arena)
                                ? ed_arena_printf(arena,
                                                  "no %s images for CUDA %s (published for %s)",
                                                  os, vs, kb_ranges_describe(arena, &o->versions))
                                : NULL);
        else if (t != KB_YES || !kb_solid(o->verified))
            kb_unsure(&out);
    }
    return out;
}

static bool kb_os_fits(const kb *k, kb_version target, const char *flavor, const char *os)
{
    return kb_cuda_check(k, NULL, target, flavor, os).exists == KB_YES;
}

/* An OS to suggest for target: the tag's own; else the closest of the same
 * distribution (the next newer first: ubuntu20.04 -> ubuntu22.04, then older
 * ones: ubuntu24.04 -> ubuntu22.04); else the newest Ubuntu that has it. */
static const char *kb_suggest_os(const kb *k, kb_version target, const char *flavor,
                                 const char *os)
{
    if (os && kb_os_fits(k, target, flavor, os))
        return os;
    size_t prefix = 0, self = k->ncuda_os;
    while (os && os[prefix] >= 'a' && os[prefix] <= 'z')
        prefix++;
    for (size_t i = 0; os && i < k->ncuda_os; i++)
        if (strcmp(k->cuda_os[i].os, os) == 0)
            self = i;
    for (size_t pass = 0; prefix && self < k->ncuda_os && pass < 2; pass++)
        for (size_t n = 1; n < k->ncuda_os; n++) {
            /* pass 0 walks forward from the tag's OS, pass 1 backward */
            if (pass == 0 ? self + n >= k->ncuda_os : n > self)
                break;
            const char *cand = k->cuda_os[pass == 0 ? self + n : self - n].os;
            if (strncmp(cand, os, prefix) == 0 && !isalpha((unsigned char)cand[prefix]) &&
                kb_os_fits(k, target, flavor, cand))
                return cand;
        }
    for (size_t i = k->ncuda_os; i-- > 0;) {
        const char *cand = k->cuda_os[i].os;
        if (strncmp(cand, "ubuntu", 6) == 0 && kb_os_fits(k, target, flavor, cand))
            return cand;
    }
    return NULL;
}

/* A published tag of the newest patch of the same X.Y, with the same flavor
 * (or one with the same nvcc and cuDNN) and OS (or a close one). */
static const char *kb_cuda_suggest(const kb *k, ed_arena *arena, kb_version v,
                                   const kb_cuda_flavor *fl, const char *os)
{
    const kb_cuda_release *rel = kb_release_find(k, v);
    if (!rel || rel->npatches == 0 || !fl)
        return NULL;
    kb_version target = {v.major, v.minor, kb_release_newest(rel)};
    char ts[32];
    kb_version_str(target, ts, sizeof ts);
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < k->ncuda_flavors; i++) {
            const kb_cuda_flavor *cand = &k->cuda_flavors[i];
            /* first the tag's own flavor, then its equivalents */
            if (pass == 0 ? cand != fl : cand == fl || cand->nvcc != fl->nvcc || cand->cudnn != fl->cudnn)
                continue;
            const char *o = kb_suggest_os(k, target, cand->flavor, os);
            if (o)
                return ed_arena_printf(arena, "%s-%s-%s", ts, cand->flavor, o);
        }
    return NULL;
}

/* End of life: a superseded patch, or a whole CUDA line. */
static void kb_cuda_eol_check(const kb *k, ed_arena *arena, kb_version v, kb_image_facts *out)
{
    const char *reason = NULL;
    const kb_cuda_release *rel = kb_release_find(k, v);
    const kb_rule *sup = &k->cuda_superseded;
    if (rel && v.patch >= 0 && rel->npatches && v.patch < kb_release_newest(rel) && sup->source &&
        kb_solid(sup->verified)) {
        char vs[32];
        reason = ed_arena_printf(arena, "%s is superseded by %d.%d.%d (%s)",
                                 kb_version_str(v, vs, sizeof vs), v.major, v.minor,
                                 kb_release_newest(rel), sup->reason);
    }
    for (size_t i = 0; i < k->ncuda_eol; i++) {
        const kb_cuda_eol *e = &k->cuda_eol[i];
        if (kb_solid(e->verified) && kb_ranges_has(&e->versions, v) == KB_YES)
            reason = reason ? ed_arena_printf(arena, "%s; %s", reason, e->reason) : e->reason;
    }
    if (reason) {
        out->eol = KB_YES;
        out->eol_reason = reason;
        if (k->cuda_deletion.source && !strstr(reason, "deleted"))
            out->eol_reason = ed_arena_printf(arena, "%s; %s", reason, k->cuda_deletion.reason);
    } else if (rel && rel->npatches && v.patch == kb_release_newest(rel)) {
        out->eol = KB_NO;
    }
}

void kb_cuda_read_tag(const kb *k, const char *tag, ed_arena *arena, kb_image_facts *out)
{
    const kb_rule *latest = &k->cuda_latest;
    if (strcmp(tag, "latest") == 0) {
        if (latest->source && kb_solid(latest->verified)) {
            out->tag_exists = KB_NO;
            out->tag_problem = latest->reason;
        }
        return;
    }
    kb_tag_parts parts;
    if (!kb_split_tag(k, tag, arena, &parts)) {
        const kb_rule *g = &k->cuda_grammar;
        if (g->source && kb_solid(g->verified)) {
            out->tag_exists = KB_NO;
            out->tag_problem = ed_arena_printf(arena, "\"%s\" is not an nvidia/cuda tag: %s", tag,
                                               g->reason);
        }
        return;
    }
    out->cuda = parts.v;
    out->flavor = parts.flavor;
    out->os = parts.os;
    const kb_cuda_flavor *fl = kb_flavor_find(k, parts.flavor);
    if (fl) {
        out->has_nvcc = fl->nvcc;
        out->has_cudnn = fl->cudnn;
    } else {
        kb_flavor_guess(parts.flavor, out);
    }
    kb_verdict v = kb_cuda_check(k, arena, parts.v, parts.flavor, parts.os);
    out->tag_exists = v.exists;
    out->tag_problem = v.problem;
    kb_cuda_eol_check(k, arena, parts.v, out);
    if (out->tag_exists == KB_NO || out->eol == KB_YES) {
        const char *s = kb_cuda_suggest(k, arena, parts.v, fl, parts.os);
        if (s && strcmp(s, tag) != 0)
            out->suggested_tag = s;
    }
    out->note = "nvidia/cuda tag tables (CUDAIMG snapshot of Dec 2025)";
}
