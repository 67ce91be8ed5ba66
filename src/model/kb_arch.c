/* GPU architectures (arch.yaml) and driver minimums (drivers.yaml): parsing
 * "sm_86" / "9.0+PTX" / "compute_90a", which CUDA can target which compute
 * capability, and which driver a CUDA release needs. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kb_internal.h"

/* ---- Tables ------------------------------------------------------------------ */

static const kb_field kb_horizon_fields[] = {
    KB_FIELD(kb_rule, "cuda", KB_F_VERSION, cuda, true),
    KB_META(kb_rule),
    KB_DERIVED(kb_rule, KB_F_STR, reason), /* a horizon has none: stays NULL */
};
KB_SCHEMA(kb_horizon_schema, kb_rule, "horizon", kb_horizon_fields);

static const kb_field kb_arch_name_fields[] = {
    KB_FIELD(kb_arch_name, "name", KB_F_STR, name, true),
    KB_FIELD_N(kb_arch_name, "aliases", KB_F_STRS, aliases, naliases, false),
    KB_FIELD_N(kb_arch_name, "cc", KB_F_STRS, cc, ncc, true),
    KB_FIELD(kb_arch_name, "gpus", KB_F_STR, gpus, false),
    KB_META(kb_arch_name),
};
KB_SCHEMA(kb_arch_name_schema, kb_arch_name, "architecture", kb_arch_name_fields);

static const kb_field kb_target_fields[] = {
    KB_FIELD_N(kb_arch_target, "cc", KB_F_STRS, cc, ncc, true),
    KB_FIELD(kb_arch_target, "added", KB_F_VERSION, added, false),
    KB_FIELD(kb_arch_target, "removed", KB_F_VERSION, removed, false),
    KB_FIELD(kb_arch_target, "note", KB_F_STR, note, false),
    KB_META(kb_arch_target),
    KB_DERIVED(kb_arch_target, KB_F_STR, why),
};
KB_SCHEMA(kb_target_schema, kb_arch_target, "target", kb_target_fields);

static const kb_field kb_driver_fields[] = {
    KB_FIELD(kb_driver_row, "cuda", KB_F_RANGE, cuda, true),
    KB_FIELD(kb_driver_row, "driver", KB_F_STR, driver, true),
    KB_FIELD(kb_driver_row, "note", KB_F_STR, note, false),
    KB_META(kb_driver_row),
};
KB_SCHEMA(kb_driver_schema, kb_driver_row, "toolkit driver", kb_driver_fields);

static const kb_field kb_floor_fields[] = {
    KB_FIELD(kb_driver_floor, "major", KB_F_INT, major, true),
    KB_FIELD(kb_driver_floor, "driver", KB_F_STR, driver, true),
    KB_META(kb_driver_floor),
};
KB_SCHEMA(kb_floor_schema, kb_driver_floor, "driver floor", kb_floor_fields);

static const kb_table kb_arch_tables[] = {
    KB_ONE("arch.yaml", "horizon", kb_horizon_schema, arch_horizon),
    KB_LIST("arch.yaml", "architectures", kb_arch_name_schema, arch_names, narch_names),
    KB_LIST("arch.yaml", "targets", kb_target_schema, arch_targets, narch_targets),
    KB_LIST("drivers.yaml", "toolkits", kb_driver_schema, driver_rows, ndriver_rows),
    KB_LIST("drivers.yaml", "floors", kb_floor_schema, driver_floors, ndriver_floors),
};

/* Every compute capability must parse; each target row gets its message. */
static bool kb_arch_finish(kb_ctx *ctx)
{
    kb *k = kb_ctx_kb(ctx);
    for (size_t i = 0; i < k->narch_names; i++)
        for (size_t j = 0; j < k->arch_names[i].ncc; j++) {
            kb_arch a;
            if (!kb_arch_parse_full(k->arch_names[i].cc[j], &a) || a.variant)
                return kb_fail(ctx, NULL, "%s: bad compute capability %s", k->arch_names[i].name,
                               k->arch_names[i].cc[j]);
        }
    for (size_t i = 0; i < k->narch_targets; i++) {
        kb_arch_target *t = &k->arch_targets[i];
        if ((t->added.major < 0) == (t->removed.major < 0))
            return kb_fail(ctx, NULL, "target %s: give either added or removed", t->cc[0]);
        const char *ccs = "";
        for (size_t j = 0; j < t->ncc; j++) {
            kb_arch a;
            if (!kb_arch_parse_full(t->cc[j], &a))
                return kb_fail(ctx, NULL, "target: bad compute capability %s", t->cc[j]);
            ccs = ed_arena_printf(k->arena, "%s%s%s", ccs, j ? ", " : "", t->cc[j]);
        }
        char vs[32];
        if (t->added.major >= 0)
            t->why = ed_arena_printf(k->arena, "compute capability %s needs CUDA %s or newer",
                                     ccs, kb_version_str(t->added, vs, sizeof vs));
        else
            t->why = ed_arena_printf(k->arena, "compute capability %s cannot be targeted from "
                                     "CUDA %s on%s%s",
                                     ccs, kb_version_str(t->removed, vs, sizeof vs),
                                     t->note ? ": " : "", t->note ? t->note : "");
    }
    return true;
}

const kb_module kb_module_arch = {kb_arch_tables, sizeof kb_arch_tables / sizeof kb_arch_tables[0],
                                  kb_arch_finish};

/* ---- Parsing ------------------------------------------------------------------ */

bool kb_arch_parse_full(const char *text, kb_arch *out)
{
    *out = (kb_arch){0, 0, 0, false};
    if (!text)
        return false;
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (strncasecmp(p, "compute_", 8) == 0) {
        p += 8;
        out->ptx = true;
    } else if (strncasecmp(p, "sm_", 3) == 0) {
        p += 3;
    }
    size_t n = strspn(p, "0123456789");
    if (n == 0)
        return false;
    int major = 0, minor = 0;
    if (p[n] == '.') {
        /* "8.6", "12.0", "9.0a" */
        if (n > 2 || !isdigit((unsigned char)p[n + 1]) || isdigit((unsigned char)p[n + 2]))
            return false;
        for (size_t i = 0; i < n; i++)
            major = major * 10 + (p[i] - '0');
        minor = p[n + 1] - '0';
        p += n + 2;
    } else {
        /* "86", "100", "90a": the last digit is the minor */
        if (n < 2 || n > 3)
            return false;
        for (size_t i = 0; i + 1 < n; i++)
            major = major * 10 + (p[i] - '0');
        minor = p[n - 1] - '0';
        p += n;
    }
    if (*p == 'a' || *p == 'f')
        out->variant = *p++;
    if (strcasecmp(p, "+ptx") == 0)
        out->ptx = true;
    else if (*p && !isspace((unsigned char)*p))
        return false;
    if (major == 0)
        return false;
    out->major = major;
    out->minor = minor;
    return true;
}

bool kb_arch_parse(const char *text, int *major, int *minor)
{
    kb_arch a;
    if (!kb_arch_parse_full(text, &a))
        return false;
    *major = a.major;
    *minor = a.minor;
    return true;
}

size_t kb_arch_names(const kb *k, const char *name, const char *const **ccs)
{
    *ccs = NULL;
    for (size_t i = 0; name && i < k->narch_names; i++) {
        const kb_arch_name *a = &k->arch_names[i];
        bool hit = strcasecmp(a->name, name) == 0;
        for (size_t j = 0; !hit && j < a->naliases; j++)
            hit = strcasecmp(a->aliases[j], name) == 0;
        if (hit) {
            *ccs = a->cc;
            return a->ncc;
        }
    }
    return 0;
}

/* ---- Targets -------------------------------------------------------------------- */

/* Does the table mention this exact target ("9.0", "9.0a")? */
static bool kb_cc_listed(const char *const *list, size_t n, const char *cc)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], cc) == 0)
            return true;
    return false;
}

kb_tri kb_cuda_supports_target(const kb *k, kb_version cuda, const kb_arch *arch,
                               const char **why)
{
    if (why)
        *why = NULL;
    if (cuda.major < 0 || !arch)
        return KB_UNKNOWN;
    char cc[16];
    snprintf(cc, sizeof cc, "%d.%d%s", arch->major, arch->minor,
             arch->variant == 'a' ? "a" : arch->variant == 'f' ? "f" : "");

    bool known = false, added_ok = false, unsure = false;
    for (size_t i = 0; !arch->variant && i < k->narch_names; i++)
        known = known || kb_cc_listed(k->arch_names[i].cc, k->arch_names[i].ncc, cc);
    kb_version lo = kb_version_fill(cuda, 0), hi = kb_version_fill(cuda, KB_VMAX);
    for (size_t i = 0; i < k->narch_targets; i++) {
        const kb_arch_target *t = &k->arch_targets[i];
        if (!kb_cc_listed(t->cc, t->ncc, cc))
            continue;
        known = true;
        /* added A: fails when CUDA < A; removed R: fails when CUDA >= R */
        bool is_added = t->added.major >= 0;
        kb_version edge = kb_version_fill(is_added ? t->added : t->removed, 0);
        bool fails = is_added ? kb_version_cmp(hi, edge) < 0 : kb_version_cmp(lo, edge) >= 0;
        bool passes = is_added ? kb_version_cmp(lo, edge) >= 0 : kb_version_cmp(hi, edge) < 0;
        if (fails && kb_solid(t->verified)) {
            if (why)
                *why = t->why;
            return KB_NO;
        }
        if (!passes)
            unsure = true; /* an [unverified] row, or a CUDA version that straddles it */
        else if (is_added)
            added_ok = true;
    }
    if (!known || unsure)
        return KB_UNKNOWN;
    if (added_ok)
        return KB_YES;
    /* No addition recorded: the target predates the horizon of the table. */
    const kb_rule *h = &k->arch_horizon;
    if (h->source && kb_version_cmp(lo, kb_version_fill(h->cuda, 0)) >= 0)
        return KB_YES;
    return KB_UNKNOWN;
}

kb_tri kb_cuda_supports_arch(const kb *k, kb_version cuda, int major, int minor,
                             const char **why)
{
    kb_arch a = {major, minor, 0, false};
    return kb_cuda_supports_target(k, cuda, &a, why);
}

/* ---- Drivers ----------------------------------------------------------------------- */

const char *kb_cuda_min_driver(const kb *k, kb_version cuda)
{
    const kb_driver_row *best = NULL;
    if (cuda.major < 0 || cuda.minor < 0)
        return NULL;
    for (size_t i = 0; i < k->ndriver_rows; i++) {
        const kb_driver_row *r = &k->driver_rows[i];
        kb_tri t = kb_range_has(&r->cuda, cuda);
        if (t == KB_YES)
            return r->driver;
        /* X.Y without a patch: the lowest row of the line */
        if (t == KB_UNKNOWN && cuda.patch < 0 && r->cuda.lo.major == cuda.major &&
            r->cuda.lo.minor == cuda.minor &&
            (!best || kb_version_cmp(r->cuda.lo, best->cuda.lo) < 0))
            best = r;
    }
    return best ? best->driver : NULL;
}

const char *kb_cuda_driver_floor(const kb *k, int major)
{
    for (size_t i = 0; i < k->ndriver_floors; i++)
        if (k->driver_floors[i].major == major)
            return k->driver_floors[i].driver;
    return NULL;
}
