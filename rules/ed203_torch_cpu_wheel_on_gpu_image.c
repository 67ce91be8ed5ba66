/* ED203 torch-cpu-wheel-on-gpu-image: a torch-family package taken from
 * PyTorch's CPU-only builds (the /whl/cpu index, a +cpu label, uv's
 * --torch-backend=cpu) in a stage built on an NVIDIA CUDA image. The image
 * is there for the GPU; that torch can never use it. A CPU base image with
 * CPU wheels is a CPU workload and stays silent. */
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "torch_common.h"

/* "a CUDA 12.1.1 image" when the version is certain, else "a CUDA image". */
static const char *image_kind(ed_ctx *ctx, const gpu_stage *s)
{
    if (s->image.cuda.major < 0 || s->image.cuda_unverified)
        return "a CUDA image";
    return ed_arena_printf(ctx->arena, "a CUDA %s image", torch_version_text(ctx, s->image.cuda));
}

/* "torch==2.1.0+cpu is a CPU-only build" / "torch comes from the cpu index (CPU-only builds)" */
static const char *subject(ed_ctx *ctx, const torch_cmd *t, const torch_source *src)
{
    if (src->origin == TORCH_FROM_LABEL)
        return ed_arena_printf(ctx->arena, "%s is a CPU-only build", torch_source_what(ctx, src));
    const gpu_req *r = src->req ? src->req : t->first;
    return ed_arena_printf(ctx->arena, "%s comes from %s (CPU-only builds)",
                           torch_req_label(ctx, r), torch_source_what(ctx, src));
}

/* The cuXYZ to use instead, when the image's CUDA is certain. */
static const char *suffix_for_image(ed_ctx *ctx, const torch_cmd *t)
{
    const kb_image_facts *img = &t->stage->image;
    if (img->cuda.minor < 0 || img->cuda_unverified)
        return NULL;
    return torch_best_suffix(ctx->gpu->kb, img->cuda, t->torch_version);
}

static void check_source(ed_ctx *ctx, const torch_cmd *t, const torch_source *src)
{
    bool names_package = src->req || t->first;
    if (src->torch.kind != KB_INDEX_CPU || !names_package || torch_reported(ctx, src->span))
        return;
    const char *suffix = suffix_for_image(ctx, t);
    ed_finding *f = ed_report_with(
        ctx, ctx->rule->severity, src->span.start, src->span.end,
        "%s%s, but %s is %s: torch will never use its GPU%s", torch_prefix(t->cmd),
        subject(ctx, t, src), gpu_stage_image(t->stage), image_kind(ctx, t->stage),
        suffix ? ed_arena_printf(ctx->arena, "; use %s", suffix) : "");
    if (suffix)
        f->fix = torch_suffix_fix(
            ctx, src, suffix,
            ed_arena_printf(ctx->arena, "Use %s, PyTorch's CUDA build for this image", suffix));
}

static void check_cmd(ed_ctx *ctx, const torch_cmd *t)
{
    if (!gpu_stage_is_cuda(t->stage))
        return;
    for (size_t i = 0; i < t->nsources; i++)
        check_source(ctx, t, &t->sources[i]);
}

static void check(ed_ctx *ctx)
{
    torch_each_cmd(ctx, check_cmd);
}

ED_RULE(ed203){
    .id = "ED203",
    .name = "torch-cpu-wheel-on-gpu-image",
    .severity = ED_SEV_ERROR,
    .summary = "A CPU-only torch build (/whl/cpu index or +cpu label) on an NVIDIA CUDA image",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
