/* ED404 gpu-reservation-selects-no-device: a device request with neither
 * count nor device_ids. The Compose docs say that means every GPU, but since
 * Docker Engine 27.3 (moby PR #48483) such a request gets
 * NVIDIA_VISIBLE_DEVICES=void: the container sees no GPU. `count: all`
 * says what is meant on every version. */
#include "compose_common.h"

static void check_device(ed_ctx *ctx, const cf_service *s, const cf_device *d, const char *who)
{
    if (d->all || d->node->kind != CF_MAP || d->count || d->device_ids)
        return;
    if (!d->from_gpus && !compose_device_nvidia(ctx, d))
        return;
    size_t start, end;
    compose_entry_site(d, &start, &end);
    ed_finding *f = ed_report_with(
        ctx, ctx->rule->severity, start, end,
        "%s: the %s sets neither count nor device_ids: since Docker Engine 27.3 such a request "
        "gets NVIDIA_VISIBLE_DEVICES=void and the container sees no GPU (the Compose docs still "
        "say it means all GPUs); add count: all, count: N or device_ids",
        who, d->from_gpus ? "gpus: entry" : "device reservation");
    f->fix = compose_insert_pair(ctx, d->node, "count: all", "Add count: all");
    (void)s;
}

static void check(ed_ctx *ctx)
{
    compose_each_device(ctx, false, check_device);
}

ED_RULE(ed404){
    .id = "ED404",
    .name = "gpu-reservation-selects-no-device",
    .severity = ED_SEV_WARNING,
    .summary = "A GPU device request with neither count nor device_ids: no GPU on Docker 27.3+",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
