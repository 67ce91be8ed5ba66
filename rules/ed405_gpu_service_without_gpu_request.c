/* ED405 gpu-service-without-gpu-request: a service whose image is an NVIDIA
 * GPU image, or whose built Dockerfile stage is meant for an NVIDIA GPU,
 * requests no GPU: no device reservation, no gpus:, no runtime: nvidia, no
 * CDI device. Docker then starts it without a GPU and CUDA finds no device.
 * Whether an image is a GPU image comes from the knowledge base (image name
 * and tag parsed, never a substring test); a service with build: is judged
 * by the stage it builds, not by the name it tags the result with. */
#include <string.h>

#include "compose_common.h"

#include "envdoctor/gpu.h"

static const char *image_kind(ed_ctx *ctx, const kb_image_facts *f)
{
    char buf[32];
    if (f->cuda.major >= 0 && !f->cuda_unverified)
        return ed_arena_printf(ctx->arena, "a CUDA %s image",
                               kb_version_str(f->cuda, buf, sizeof buf));
    return "an NVIDIA GPU image";
}

static const char *const FIX_HINT =
    "add a device reservation (deploy.resources.reservations.devices: - driver: nvidia, "
    "count: all, capabilities: [gpu]) or gpus: all";

/* The built stage of a service when it is meant for a GPU, else NULL. */
static const gpu_stage *gpu_built_stage(const cf_service *s)
{
    const gpu_model *m = s->built;
    if (!m || s->built_stage < 0 || (size_t)s->built_stage >= m->nstages)
        return NULL;
    const gpu_stage *st = &m->stages[s->built_stage];
    return st->gpu_intended ? st : NULL;
}

/* Where the service is reported (the build: key, or the image value) when
 * it is meant for a GPU and requests none; false otherwise. */
static bool site(ed_ctx *ctx, const cf_service *s, const cf_node **at)
{
    if (!s->node || compose_requests_gpu(ctx, s))
        return false;
    if (s->build) {
        /* judged by what it builds, not by the name it tags it with */
        if (!gpu_built_stage(s))
            return false;
        *at = s->build->key;
        return true;
    }
    if (!s->image.node || s->image_facts.vendor != KB_VENDOR_NVIDIA)
        return false;
    *at = s->image.node;
    return true;
}

static void check(ed_ctx *ctx)
{
    const cf_compose *c = ctx->compose;
    if (!c)
        return;
    /* an image or build written once for several services (extends, an
     * anchor, a merge key) is one finding naming them all */
    compose_site *sites = ed_arena_calloc(ctx->arena, c->nservices ? c->nservices : 1,
                                          sizeof *sites);
    bool *reported = ed_arena_calloc(ctx->arena, c->nservices ? c->nservices : 1,
                                     sizeof *reported);
    for (size_t i = 0; i < c->nservices; i++) {
        const cf_node *at = NULL;
        reported[i] = site(ctx, &c->services[i], &at);
        sites[i] = (compose_site){reported[i] ? at : NULL, 0, i};
    }
    compose_groups g = compose_group_sites(ctx->arena, sites, c->nservices);
    for (size_t i = 0; i < c->nservices; i++) {
        const cf_service *s = &c->services[i];
        const cf_node *at = sites[i].node;
        if (!reported[i] || g.later[i])
            continue;
        size_t n;
        const char **names = compose_group_names(ctx->arena, c, sites, &g, i, &n);
        const char *who = compose_who(ctx->arena, names, n);
        const char *verb = n == 1 ? "requests" : "request";
        const char *they = n == 1 ? "it starts" : "they start";
        size_t start, end;
        cf_node_site(at, &start, &end);
        if (s->build) {
            const gpu_model *m = s->built;
            const gpu_stage *st = gpu_built_stage(s);
            const char *file = s->build_dockerfile.value && !s->build_dockerfile.unknown &&
                                       *s->build_dockerfile.value
                                   ? s->build_dockerfile.value
                                   : "Dockerfile";
            const char *what =
                m->nstages == 1
                    ? file
                    : ed_arena_printf(ctx->arena, "%s of %s",
                                      gpu_stage_label(ctx->arena, m, st), file);
            const char *why = !st->intent ? ""
                              : strcmp(st->intent, "--gpu always") == 0
                                  ? " (--gpu always)"
                                  : ed_arena_printf(ctx->arena, " (it %s)", st->intent);
            ed_report(ctx, start, end,
                      "%s %s %s, which is meant for an NVIDIA GPU%s, but %s no GPU, so %s "
                      "without one: %s",
                      who, n == 1 ? "builds" : "build", what, why, verb, they, FIX_HINT);
            continue;
        }
        ed_report(ctx, start, end,
                  "%s %s %s, %s, but %s no GPU, so %s without one and CUDA finds no device: %s",
                  who, n == 1 ? "runs" : "run", s->image.value, image_kind(ctx, &s->image_facts),
                  verb, they, FIX_HINT);
    }
}

ED_RULE(ed405){
    .id = "ED405",
    .name = "gpu-service-without-gpu-request",
    .severity = ED_SEV_WARNING,
    .summary = "A service with a GPU image or GPU Dockerfile requests no GPU",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
