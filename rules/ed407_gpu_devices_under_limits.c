/* ED407 gpu-devices-under-limits: devices under deploy.resources.limits.
 * Only reservations take devices (limits has cpus, memory and pids): Compose
 * rejects the file, and the service would get no GPU from it anyway. */
#include "compose_common.h"

/* The `limits:` pair of the service's own deploy.resources, when devices is
 * written under it at `devices`. */
static const cf_pair *limits_of(const cf_service *s, const cf_pair *devices,
                                const cf_node **resources)
{
    const cf_node *res = cf_map_get(cf_map_get(s->node, "deploy"), "resources");
    const cf_pair *lim = cf_map_pair(res, "limits");
    if (!lim || lim->value->kind != CF_MAP)
        return NULL;
    const cf_pair *dev = cf_map_pair(lim->value, "devices");
    if (!dev || !devices || dev->key->start != devices->key->start)
        return NULL;
    *resources = res;
    return lim;
}

static void report(ed_ctx *ctx, const cf_service *s, const cf_pair *devices)
{
    const cf_node *key = devices->key;
    if (compose_reported(ctx, key->start, key->end))
        return;
    const cf_node *res = NULL;
    const cf_pair *lim = limits_of(s, devices, &res);
    bool movable = lim && !lim->merged && lim->value->npairs == 1 &&
                   !cf_map_pair(res, "reservations") && cf_scalar_is(lim->key, "limits") &&
                   lim->key->style == CF_PLAIN && lim->key->end - lim->key->start == 6;
    ed_finding *f = ed_report_with(
        ctx, ctx->rule->severity, key->start, key->end,
        "service %s: devices under deploy.resources.limits: only reservations take devices "
        "(limits takes cpus, memory and pids), so Compose rejects the file and no GPU is "
        "requested; move it to deploy.resources.reservations.devices",
        s->name);
    if (movable) {
        ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
        fix->start = lim->key->start;
        fix->end = lim->key->end;
        fix->replacement = "reservations";
        fix->description = "Rename limits to reservations";
        f->fix = fix;
    }
}

static void check(ed_ctx *ctx)
{
    const cf_compose *c = ctx->compose;
    if (!c)
        return;
    for (size_t i = 0; i < c->nservices; i++) {
        const cf_service *s = &c->services[i];
        bool found = false;
        for (size_t k = 0; k < s->ndevices; k++)
            if (s->devices[k].under_limits && s->devices[k].pair) {
                report(ctx, s, s->devices[k].pair);
                found = true;
            }
        if (found || !s->node)
            continue;
        /* devices under limits that the model holds no request for (an
         * empty list, a single map) */
        const cf_node *res = cf_map_get(cf_map_get(s->node, "deploy"), "resources");
        const cf_pair *dev = cf_map_pair(cf_map_get(res, "limits"), "devices");
        if (dev && !cf_is_null(dev->value))
            report(ctx, s, dev);
    }
}

ED_RULE(ed407){
    .id = "ED407",
    .name = "gpu-devices-under-limits",
    .severity = ED_SEV_ERROR,
    .summary = "GPU devices under deploy.resources.limits, where Compose does not take them",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
