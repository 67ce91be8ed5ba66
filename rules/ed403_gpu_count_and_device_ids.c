/* ED403 gpu-count-and-device-ids: one device request sets both count and
 * device_ids. They are exclusive: Compose refuses the file ("count" and
 * "device_ids" are exclusive) and the Engine the request ("cannot set both
 * Count and DeviceIDs on device request"); the JSON schema cannot say so, so
 * schema validators pass it. */
#include "compose_common.h"

static void check_device(ed_ctx *ctx, const cf_service *s, const cf_device *d, const char *who)
{
    if (!d->count || !d->device_ids || d->node->kind != CF_MAP)
        return;
    /* point at the one written later (a merged key is written elsewhere) */
    const cf_pair *at = d->device_ids;
    if (at->merged || (!d->count->merged && d->count->key->start > at->key->start))
        at = d->count;
    const char *count = compose_written(ctx->arena, ctx->src, d->count->value, 40);
    const char *ids = compose_written(ctx->arena, ctx->src, d->device_ids->value, 60);
    if (d->count_text.value && !d->count_text.unknown)
        count = d->count_text.value;
    if (compose_reported(ctx, at->key->start, at->key->end))
        return;
    ed_report(ctx, at->key->start, at->key->end,
              "%s: the device request sets both %s and %s, which exclude each other: Compose "
              "rejects it (the Engine: \"cannot set both Count and DeviceIDs on device "
              "request\"); keep device_ids to pin GPUs, or count to take any N of them",
              who, count ? ed_arena_printf(ctx->arena, "count: %s", count) : "count",
              ids ? ed_arena_printf(ctx->arena, "device_ids: %s", ids) : "device_ids");
    (void)s;
}

static void check(ed_ctx *ctx)
{
    compose_each_device(ctx, false, check_device);
}

ED_RULE(ed403){
    .id = "ED403",
    .name = "gpu-count-and-device-ids",
    .severity = ED_SEV_ERROR,
    .summary = "A GPU device request sets both count and device_ids, which exclude each other",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
