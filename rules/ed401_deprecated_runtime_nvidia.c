/* ED401 deprecated-runtime-nvidia: `runtime: nvidia`, the legacy way to give
 * a service a GPU. It works only where the nvidia runtime is registered in
 * the daemon's daemon.json; a device reservation (or gpus:) works wherever
 * the NVIDIA container toolkit is installed. A service that sets
 * runtime: nvidia with NVIDIA_* variables is a working setup on such a
 * daemon: this warning is all env-doctor says about it. */
#include <stdint.h>
#include <string.h>

#include "compose_common.h"

/* The GPUs the service asks for through NVIDIA_VISIBLE_DEVICES, as the
 * selector of a device request ("count: all", "device_ids: [\"0\", \"1\"]");
 * NULL when it has no equivalent (void, none, empty, CDI names, unknown). */
static const char *selector(ed_ctx *ctx, const cf_service *s)
{
    const cf_env *e = cf_service_env(s, "NVIDIA_VISIBLE_DEVICES");
    if (!e)
        return "count: all";
    const char *v = e->value.value;
    if (!v || e->value.unknown)
        return NULL;
    if (strcmp(v, "all") == 0)
        return "count: all";
    if (!*v || strcmp(v, "void") == 0 || strcmp(v, "none") == 0 || strchr(v, '='))
        return NULL;
    char *ids = ed_arena_strdup(ctx->arena, "device_ids: [");
    const char *p = v;
    bool first = true;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (!len || memchr(p, '"', len) || memchr(p, '\\', len))
            return NULL;
        ids = ed_arena_printf(ctx->arena, "%s%s\"%.*s\"", ids, first ? "" : ", ", (int)len, p);
        first = false;
        p = comma ? comma + 1 : p + len;
    }
    return first ? NULL : ed_arena_printf(ctx->arena, "%s]", ids);
}

/* The service asks for a GPU another way too (some setups keep both). */
static bool has_device_request(const cf_service *s)
{
    for (size_t i = 0; i < s->ndevices; i++)
        if (!s->devices[i].under_limits)
            return true;
    return false;
}

/* The fix, for the service s whose map (as written in some file) holds
 * the runtime pair. */
static ed_fix *runtime_fix(ed_ctx *ctx, const cf_service *s, const cf_node *map,
                          const cf_pair *name)
{
    const cf_pair *p = s->runtime;
    if (p->merged || p->value->alias)
        return NULL;
    if (has_device_request(s))
        return compose_remove_pair_lines(
            ctx, p,
            ed_arena_printf(ctx->arena, "Remove runtime: nvidia (service %s already requests its "
                                        "GPU with %s)",
                            s->name, s->gpus ? "gpus:" : "deploy.resources.reservations.devices"));
    const char *sel = selector(ctx, s);
    if (!sel)
        return NULL;
    size_t start = p->key->props_start, end = p->value->end;
    if (end > ctx->src->len || memchr(ctx->src->data + start, '\n', end - start))
        return NULL;
    bool has_deploy = cf_map_pair(map, "deploy") || cf_map_pair(s->node, "deploy");
    bool all = strcmp(sel, "count: all") == 0;
    ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
    fix->start = start;
    fix->end = end;
    if (map->style == CF_FLOW) {
        if (!all || s->gpus)
            return NULL;
        fix->replacement = "gpus: all";
        fix->description = "Replace runtime: nvidia with gpus: all (Compose 2.30 or later)";
        return fix;
    }
    long col = compose_block_column(ctx->src, start);
    if (col < 0)
        return NULL;
    /* the file's indentation step: from the service's key to its fields */
    size_t step = 2;
    long scol = name ? compose_block_column(ctx->src, name->key->start) : -1;
    if (scol >= 0 && col > scol)
        step = (size_t)(col - scol);
    size_t c = (size_t)col;
    ed_arena *a = ctx->arena;
    if (has_deploy) {
        if (s->gpus)
            return NULL;
        fix->replacement =
            all ? "gpus: all"
                : ed_arena_printf(a, "gpus:\n%s- %s", compose_spaces(a, c + step), sel);
        fix->description = ed_arena_printf(
            a, "Replace runtime: nvidia with %s (Compose 2.30 or later)",
            all ? "gpus: all" : "a gpus: request");
        return fix;
    }
    const char *item = compose_spaces(a, c + 4 * step);
    fix->replacement = ed_arena_printf(
        a, "deploy:\n%sresources:\n%sreservations:\n%sdevices:\n%s- driver: nvidia\n%s  %s\n%s  "
           "capabilities: [gpu]",
        compose_spaces(a, c + step), compose_spaces(a, c + 2 * step), compose_spaces(a, c + 3 * step),
        item, item, sel, item);
    fix->description = ed_arena_printf(
        a, "Replace runtime: nvidia with a deploy.resources.reservations.devices request (%s)", sel);
    return fix;
}

static void check(ed_ctx *ctx)
{
    const cf_compose *c = ctx->compose;
    if (!c)
        return;
    /* a runtime written once and used by several services (an anchor, a
     * merge key, extends) is reported once */
    compose_site *sites = ed_arena_calloc(ctx->arena, c->nservices ? c->nservices : 1,
                                          sizeof *sites);
    for (size_t i = 0; i < c->nservices; i++) {
        const cf_service *s = &c->services[i];
        sites[i] = (compose_site){compose_runtime_nvidia(s) ? s->runtime->value : NULL, 0, i};
    }
    compose_groups g = compose_group_sites(ctx->arena, sites, c->nservices);
    for (size_t i = 0; i < c->nservices; i++) {
        const cf_service *s = &c->services[i];
        if (!compose_runtime_nvidia(s) || g.later[i])
            continue;
        size_t n;
        const char **names = compose_group_names(ctx->arena, c, sites, &g, i, &n);
        const cf_service *owner = NULL; /* the service whose map holds the pair */
        const cf_node *map = NULL;
        const cf_pair *name = NULL;
        for (size_t j = i; j != SIZE_MAX && !owner; j = g.next[j]) {
            const cf_service *o = &c->services[j];
            if ((map = compose_map_holding(c, o, o->runtime, &name)))
                owner = o;
        }
        const cf_env *caps = cf_service_env(s, "NVIDIA_DRIVER_CAPABILITIES");
        const char *note = "";
        if (caps && caps->value.value && !caps->value.unknown && *caps->value.value)
            note = ed_arena_printf(ctx->arena,
                                   "; NVIDIA_DRIVER_CAPABILITIES=%s keeps working with a device "
                                   "request",
                                   caps->value.value);
        size_t start, end;
        cf_node_site(s->runtime->value, &start, &end);
        ed_finding *f = ed_report_with(
            ctx, ctx->rule->severity, start, end,
            "%s: runtime: nvidia is the legacy way to get a GPU: it works only on a Docker daemon "
            "whose daemon.json registers the nvidia runtime (elsewhere it fails with \"Unknown "
            "runtime specified nvidia\"); request the GPU with "
            "deploy.resources.reservations.devices or gpus:, which need only the NVIDIA "
            "container toolkit%s",
            compose_who(ctx->arena, names, n), note);
        f->fix = owner ? runtime_fix(ctx, owner, map, name) : NULL;
    }
}

ED_RULE(ed401){
    .id = "ED401",
    .name = "deprecated-runtime-nvidia",
    .severity = ED_SEV_WARNING,
    .summary = "runtime: nvidia, the legacy GPU setting that needs the nvidia runtime in daemon.json",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
