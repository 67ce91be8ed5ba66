/* Builder flags (bflag.go): the flags BuildKit defines for each instruction
 * and BFlags.Parse's checks on how they are written. */
#include <string.h>
#include <strings.h>

#include "validate_internal.h"

typedef enum flag_type { FLAG_BOOL, FLAG_STRING, FLAG_STRINGS } flag_type;

typedef struct flag_spec {
    const char *name;
    flag_type type; /* FLAG_STRINGS may be repeated */
} flag_spec;

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

/* flag_set and the suggestion list hold at most MAX_FLAG_SPECS flags. */
_Static_assert(COUNT(add_flags) <= MAX_FLAG_SPECS && COUNT(copy_flags) <= MAX_FLAG_SPECS &&
                   COUNT(run_flags) <= MAX_FLAG_SPECS && COUNT(healthcheck_flags) <= MAX_FLAG_SPECS,
               "raise MAX_FLAG_SPECS");

/* The flags BuildKit defines for an instruction (none for the others). */
typedef struct flag_specs {
    const flag_spec *items;
    size_t n;
} flag_specs;

#define FLAGS(a) {a, COUNT(a)}

static const flag_specs specs_by_kind[] = {
    [DF_ADD] = FLAGS(add_flags),
    [DF_COPY] = FLAGS(copy_flags),
    [DF_FROM] = FLAGS(from_flags),
    [DF_HEALTHCHECK] = FLAGS(healthcheck_flags),
    [DF_RUN] = FLAGS(run_flags),
};

static flag_specs specs_of(df_kind kind)
{
    return (size_t)kind < COUNT(specs_by_kind) ? specs_by_kind[kind] : (flag_specs){NULL, 0};
}

static const char *unknown_flag_message(vctx *v, const df_flag *fl, flag_specs specs)
{
    const char *names[MAX_FLAG_SPECS];
    for (size_t k = 0; k < specs.n; k++)
        names[k] = specs.items[k].name;
    const char *msg = ed_arena_printf(v->arena, "unknown flag: --%s", fl->name);
    return df_with_suggestion(v->arena, msg, fl->name, names, specs.n);
}

const df_flag *dfv_flag_used(const flag_set *set, const df_instr *in, const char *name)
{
    flag_specs specs = specs_of(in->kind);
    for (size_t k = 0; k < specs.n; k++)
        if (strcmp(specs.items[k].name, name) == 0)
            return set->used[k];
    return NULL;
}

/* One flag against its definition (BFlags.Parse's per-type rules). */
static bool check_flag_value(vctx *v, df_instr *in, const df_flag *fl, flag_type type)
{
    if (type != FLAG_BOOL) {
        if (!fl->value)
            return dfv_fail(v, in, fl->word.span, "missing a value on flag: --%s", fl->name);
        return true;
    }
    if (fl->value && !*fl->value)
        return dfv_fail(v, in, fl->word.span, "missing a value on flag: --%s", fl->name);
    if (fl->value && strcasecmp(fl->value, "true") != 0 && strcasecmp(fl->value, "false") != 0)
        return dfv_fail(v, in, fl->word.span, "expecting boolean value for flag --%s, not: %s",
                        fl->name, fl->value);
    return true;
}

bool dfv_check_flags(vctx *v, df_instr *in, flag_set *set)
{
    flag_specs specs = specs_of(in->kind);
    memset(set, 0, sizeof *set);
    for (size_t i = 0; i < in->nflags; i++) {
        const df_flag *fl = &in->flags[i];
        size_t k = 0;
        while (k < specs.n && strcmp(specs.items[k].name, fl->name) != 0)
            k++;
        if (k == specs.n)
            return dfv_fail(v, in, fl->word.span, "%s", unknown_flag_message(v, fl, specs));
        if (set->used[k] && specs.items[k].type != FLAG_STRINGS)
            return dfv_fail(v, in, fl->word.span, "duplicate flag specified: --%s", fl->name);
        set->used[k] = fl;
        if (!check_flag_value(v, in, fl, specs.items[k].type))
            return false;
    }
    return true;
}
