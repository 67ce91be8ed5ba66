/* ED207 tensorflow-without-cuda-extra: TensorFlow >= 2.14 loads CUDA and
 * cuDNN from the pip wheels its [and-cuda] extra brings; without them, on an
 * image that has no cuDNN, it silently runs on the CPU. */
#include <string.h>

#include "frameworks_common.h"

static kb_tri needs_and_cuda(ed_ctx *ctx, const char *version, const void *data)
{
    return kb_tf_needs_and_cuda(ctx->gpu->kb, version);
}

/* cuDNN arrives some other way: tensorflow[and-cuda] elsewhere in the
 * stage (or a stage it builds on), the nvidia-cudnn wheels, or an OS or
 * conda cuDNN package. */
static bool brings_cudnn(ed_ctx *ctx, const fw_item *item, void *data)
{
    const sh_req *r = item->r;
    if (sh_pm_is_python(item->cmd->pkg->manager))
        return (strcmp(r->name, "tensorflow") == 0 && fw_has_extra(r, "and-cuda")) ||
               strncmp(r->name, "nvidia-cudnn", 12) == 0;
    return strncmp(r->name, "libcudnn", 8) == 0 || strncmp(r->name, "cudnn", 5) == 0;
}

/* How the stage's image lacks cuDNN, for the message; NULL when it has it
 * or nobody knows. */
static const char *missing_cudnn(ed_ctx *ctx, const gpu_stage *s)
{
    if (!s->gpu_intended || s->image.has_cudnn != KB_NO)
        return NULL;
    if (s->image.vendor == KB_VENDOR_NVIDIA)
        return "which has no cuDNN";
    if (s->image.vendor == KB_VENDOR_NONE)
        return ed_arena_printf(ctx->arena,
                               "a CPU-only image, although the stage is meant for a GPU (%s)",
                               fw_intent(ctx->arena, s));
    return NULL; /* AMD / Intel images: not NVIDIA's cuDNN */
}

static void visit(ed_ctx *ctx, const fw_item *item, void *data)
{
    const sh_req *r = item->r;
    if (strcmp(r->name, "tensorflow") != 0 || !fw_from_index(r) || fw_has_extra(r, "and-cuda"))
        return;
    const char *image_lacks = missing_cudnn(ctx, item->stage);
    if (!image_lacks || fw_picked_version_has(ctx, item, needs_and_cuda, NULL) != KB_YES ||
        fw_chain_installs(ctx, item->stage, brings_cudnn, data))
        return;
    ed_finding *f = ed_report_with(
        ctx, ctx->rule->severity, item->req->span.start, item->req->span.end,
        "%s is installed without the [and-cuda] extra on %s, %s: this TensorFlow loads CUDA "
        "and cuDNN from the pip wheels that [and-cuda] brings, so without them it runs on the "
        "CPU only",
        fw_subject(ctx, item), gpu_stage_image(item->stage), image_lacks);
    if (r->nextras == 0)
        f->fix = fw_fix_name(ctx, item, ed_arena_printf(ctx->arena, "%s[and-cuda]", r->raw_name),
                             "Add the [and-cuda] extra (safe: the same TensorFlow, plus "
                             "NVIDIA's CUDA and cuDNN pip wheels)");
}

static void check(ed_ctx *ctx)
{
    fw_chain_cache cache = {NULL};
    fw_each_python_req(ctx, FW_INSTALLS, visit, &cache);
}

ED_RULE(ed207){
    .id = "ED207",
    .name = "tensorflow-without-cuda-extra",
    .severity = ED_SEV_WARNING,
    .summary = "TensorFlow >= 2.14 installed without [and-cuda] on an image without cuDNN runs "
               "on the CPU",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
