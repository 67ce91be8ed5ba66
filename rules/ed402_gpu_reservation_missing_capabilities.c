/* ED402 gpu-reservation-missing-capabilities: a device reservation
 * (deploy.resources.reservations.devices) without capabilities, with
 * capabilities that are not a list of strings, or, for an NVIDIA device,
 * without a capability Docker's nvidia driver answers to. Docker picks the
 * device driver by capability, so a request it cannot match fails the
 * deployment. Entries of the service-level gpus: list imply the gpu
 * capability and are left alone; a missing driver is fine (Docker chooses
 * it from the capabilities). */
#include <string.h>
#include <strings.h>

#include "compose_common.h"

/* A capability list Docker can match for NVIDIA: one that holds gpu,
 * nvidia or an nvidia-* capability. */
static bool has_gpu_cap(const compose_cap *caps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (caps[i].value && (strcmp(caps[i].value, "gpu") == 0 ||
                              strcmp(caps[i].value, "nvidia") == 0 ||
                              strncmp(caps[i].value, "nvidia-", 7) == 0))
            return true;
    return false;
}

static bool any_unknown(const compose_cap *caps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (caps[i].unknown && caps[i].value)
            return true;
    return false;
}

/* The list as written, for messages ("[tpu]"), or "the list". */
static const char *written(ed_ctx *ctx, const cf_node *n)
{
    const char *w = compose_written(ctx->arena, ctx->src, n, 60);
    return w ? w : "the list";
}

static void check_device(ed_ctx *ctx, const cf_service *s, const cf_device *d, const char *who)
{
    if (d->from_gpus || d->node->kind != CF_MAP)
        return;
    compose_driver driver = compose_device_driver(d);
    bool nvidia = compose_device_nvidia(ctx, d);
    size_t start, end;
    if (!d->capabilities) {
        compose_entry_site(d, &start, &end);
        ed_finding *f = ed_report_with(
            ctx, ctx->rule->severity, start, end,
            "%s: the device reservation has no capabilities, which Compose requires "
            "(\"capabilities\" attribute is mandatory): add capabilities: [gpu]",
            who);
        if (driver == COMPOSE_DRIVER_ABSENT || driver == COMPOSE_DRIVER_NVIDIA)
            f->fix = compose_insert_pair(ctx, d->node, "capabilities: [gpu]",
                                         "Add capabilities: [gpu]");
        return;
    }
    const cf_node *v = d->capabilities->value;
    cf_node_site(v, &start, &end);
    if (v->kind != CF_SEQ) {
        if (cf_is_null(v)) {
            ed_report(ctx, d->capabilities->key->start, d->capabilities->key->end,
                      "%s: capabilities is empty; it must be a list of capabilities such as [gpu]",
                      who);
            return;
        }
        const char *w = compose_written(ctx->arena, ctx->src, v, 60);
        bool map = v->kind == CF_MAP;
        ed_finding *f = ed_report_with(
            ctx, ctx->rule->severity, start, end,
            "%s: capabilities must be a list such as [gpu], not %s%s%s%s: Compose rejects the file",
            who, map ? "a map" : "a string", !map && w ? " (" : "", !map && w ? w : "",
            !map && w ? ")" : "");
        /* `capabilities: gpu` -> `capabilities: [gpu]` */
        if (v->kind == CF_SCALAR && v->style == CF_PLAIN && !v->alias && v->value &&
            strcspn(v->value, " ,[]{}#") == v->len && w && strcmp(w, v->value) == 0) {
            ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
            fix->start = v->start;
            fix->end = v->end;
            fix->replacement = ed_arena_printf(ctx->arena, "[%s]", v->value);
            fix->description = ed_arena_printf(ctx->arena, "Write capabilities: [%s]", v->value);
            f->fix = fix;
        }
        return;
    }
    if (v->nitems == 0) {
        ed_report(ctx, start, end,
                  "%s: capabilities is an empty list, so the request does not say which devices "
                  "it is for: list gpu (capabilities: [gpu])",
                  who);
        return;
    }
    size_t n;
    compose_cap *caps = compose_device_caps(ctx, d, &n);
    bool bad_item = false;
    for (size_t i = 0; i < n; i++) {
        if (caps[i].value || cf_is_string(caps[i].node))
            continue;
        size_t is, ie;
        cf_node_site(caps[i].node, &is, &ie);
        ed_report(ctx, is, ie,
                  "%s: capabilities must be a flat list of strings such as [gpu], not one holding "
                  "%s",
                  who,
                  caps[i].node->kind == CF_SEQ   ? "a list"
                  : caps[i].node->kind == CF_MAP ? "a map"
                                                 : "null");
        bad_item = true;
    }
    if (bad_item || !nvidia || driver == COMPOSE_DRIVER_UNKNOWN || any_unknown(caps, n) ||
        has_gpu_cap(caps, n))
        return;
    /* an NVIDIA request without gpu: is there any capability Docker's
     * nvidia driver advertises? */
    bool driver_caps = false, wrong_case = false;
    for (size_t i = 0; i < n; i++) {
        if (!caps[i].value)
            continue;
        if (compose_nvidia_cap(caps[i].value))
            driver_caps = true;
        else if (strcasecmp(caps[i].value, "gpu") == 0 || strcasecmp(caps[i].value, "nvidia") == 0)
            wrong_case = true;
    }
    const char *list = written(ctx, v);
    if (wrong_case) {
        ed_report(ctx, start, end,
                  "%s: capabilities %s: Docker matches capabilities case-sensitively, so no "
                  "device driver answers to it; write gpu in lower case",
                  who, list);
    } else if (!driver_caps) {
        ed_report(ctx, start, end,
                  "%s: capabilities %s has no gpu: Docker's nvidia driver does not advertise it "
                  "(\"could not select device driver\"), so the service gets no GPU; add gpu",
                  who, list);
    } else {
        ed_report_with(ctx, ED_SEV_WARNING, start, end,
                       "%s: capabilities %s has no gpu: recent Docker Engines match the nvidia "
                       "driver by its capability names too, older ones only by gpu (\"could not "
                       "select device driver\"); add gpu and keep the others, which set "
                       "NVIDIA_DRIVER_CAPABILITIES",
                       who, list);
    }
    (void)s;
}

static void check(ed_ctx *ctx)
{
    compose_each_device(ctx, false, check_device);
}

ED_RULE(ed402){
    .id = "ED402",
    .name = "gpu-reservation-missing-capabilities",
    .severity = ED_SEV_ERROR,
    .summary = "A GPU device reservation without capabilities, or without gpu among them",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
