/* ED202 torch-cuda-mismatch: the CUDA of the torch build a command asks for
 * (a cuXYZ index, a +cuXYZ label, uv's --torch-backend=cuXYZ, conda's
 * pytorch-cuda=X.Y) disagrees with the CUDA of the stage's image. A
 * different major or a newer wheel is an error; an older minor of the same
 * major is a warning, and only when PyTorch publishes a closer build. */
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "torch_common.h"

typedef enum mismatch { MATCH, OLDER_MINOR, NEWER_MINOR, OTHER_MAJOR } mismatch;

static mismatch compare(kb_version wheel, kb_version image)
{
    if (wheel.major != image.major)
        return OTHER_MAJOR;
    if (wheel.minor > image.minor)
        return NEWER_MINOR;
    if (wheel.minor < image.minor)
        return OLDER_MINOR;
    return MATCH;
}

/* The stage's image has a CUDA version to compare with. */
static bool image_cuda_known(const gpu_stage *s)
{
    return gpu_stage_is_cuda(s) && s->image.cuda.major >= 0 && s->image.cuda.minor >= 0;
}

/* PyTorch publishes a build closer to the image's CUDA than the wheel's. */
static bool closer(const char *best, const kb_torch_index *wheel)
{
    kb_version v;
    return best && kb_cuda_suffix_version(best, &v) && kb_version_cmp(v, wheel->cuda) > 0;
}

/* Error, warning, or OFF for no finding. An image CUDA taken from an
 * [unverified] table gives at most a warning, and no older-minor advice. */
static ed_severity severity_of(mismatch m, const gpu_stage *s, const char *best,
                               const kb_torch_index *wheel)
{
    ed_severity sev = ED_SEV_OFF;
    if (m == OTHER_MAJOR || m == NEWER_MINOR)
        sev = ED_SEV_ERROR;
    else if (m == OLDER_MINOR && closer(best, wheel))
        sev = ED_SEV_WARNING; /* cu121 on 12.2 is the best there is: no finding */
    if (s->image.cuda_unverified)
        sev = sev == ED_SEV_ERROR ? ED_SEV_WARNING : ED_SEV_OFF;
    return sev;
}

static const char *how_it_differs(ed_ctx *ctx, mismatch m, const gpu_stage *s)
{
    const char *image = gpu_stage_image(s);
    const char *cuda = torch_version_text(ctx, s->image.cuda);
    if (s->image.cuda_unverified)
        cuda = ed_arena_printf(ctx->arena, "%s (unverified)", cuda);
    switch (m) {
    case OTHER_MAJOR:
        return ed_arena_printf(ctx->arena, "but %s has CUDA %s, another major version", image,
                               cuda);
    case NEWER_MINOR:
        return ed_arena_printf(ctx->arena,
                               "newer than the CUDA %s of %s (hosts set up for the image may "
                               "lack the driver it needs)",
                               cuda, image);
    default:
        return ed_arena_printf(ctx->arena, "older than the CUDA %s of %s", cuda, image);
    }
}

/* "; use cu124" or why there is nothing to use. */
static const char *advice(ed_ctx *ctx, const torch_cmd *t, const char *best, mismatch m)
{
    kb_version cuda = t->stage->image.cuda;
    if (best)
        return ed_arena_printf(ctx->arena, "; use %s%s", best,
                               m == OLDER_MINOR ? ", which matches it" : "");
    const char *builds = t->torch_version ? torch_builds_text(ctx, t->torch_version) : NULL;
    if (!builds)
        return ed_arena_printf(ctx->arena, "; PyTorch publishes no index for CUDA %d.%d or an "
                                           "earlier %d.x",
                               cuda.major, cuda.minor, cuda.major);
    return ed_arena_printf(ctx->arena, "; torch %s has no build for CUDA %d (only %s)",
                           torch_plain_version(ctx, t->torch_version), cuda.major, builds);
}

/* "torch comes from the cu118 index (CUDA 11.8)" / "torch==2.1.0+cu118 is a CUDA 11.8 build" */
static const char *subject(ed_ctx *ctx, const torch_cmd *t, const torch_source *src)
{
    const char *cuda = torch_version_text(ctx, src->torch.cuda);
    if (src->origin == TORCH_FROM_LABEL)
        return ed_arena_printf(ctx->arena, "%s is a CUDA %s build", torch_source_what(ctx, src),
                               cuda);
    const gpu_req *r = src->req ? src->req : t->first;
    return ed_arena_printf(ctx->arena, "%s comes from %s (CUDA %s)", torch_req_label(ctx, r),
                           torch_source_what(ctx, src), cuda);
}

static void check_source(ed_ctx *ctx, const torch_cmd *t, const torch_source *src)
{
    const gpu_stage *s = t->stage;
    bool names_package = src->req || t->first; /* an index of a command installing torch */
    if (src->torch.kind != KB_INDEX_CUDA || !image_cuda_known(s) || !names_package ||
        torch_reported(ctx, src->span))
        return;
    mismatch m = compare(src->torch.cuda, s->image.cuda);
    const char *best = torch_best_suffix(ctx->gpu->kb, s->image.cuda, t->torch_version);
    ed_severity sev = severity_of(m, s, best, &src->torch);
    if (sev == ED_SEV_OFF)
        return;
    ed_finding *f = ed_report_with(ctx, sev, src->span.start, src->span.end, "%s%s, %s%s",
                                   torch_prefix(t->cmd), subject(ctx, t, src),
                                   how_it_differs(ctx, m, s), advice(ctx, t, best, m));
    f->fix = torch_suffix_fix(
        ctx, src, best,
        ed_arena_printf(ctx->arena, "Use %s, PyTorch's build for CUDA %s", best ? best : "",
                        torch_version_text(ctx, s->image.cuda)));
}

static void check_cmd(ed_ctx *ctx, const torch_cmd *t)
{
    for (size_t i = 0; i < t->nsources; i++)
        check_source(ctx, t, &t->sources[i]);
}

/* ---- conda: pytorch-cuda=X.Y (pytorch 1.13-2.5 from -c pytorch -c nvidia) ---- */

static void check_conda_req(ed_ctx *ctx, const gpu_stage *s, const gpu_cmd *c, const sh_req *r)
{
    kb_version wheel;
    if (strcmp(r->name, "pytorch-cuda") != 0 || !r->pinned || !kb_version_parse(r->pinned, &wheel))
        return;
    mismatch m = compare(wheel, s->image.cuda);
    /* conda's pytorch-cuda stops at 12.4: an older minor is no mistake */
    if (m != OTHER_MAJOR && m != NEWER_MINOR)
        return;
    df_span at = gpu_span(c, r->version_start, r->version_end);
    ed_report_with(ctx, s->image.cuda_unverified ? ED_SEV_WARNING : ED_SEV_ERROR, at.start,
                   at.end, "%s%s installs pytorch-cuda=%s (CUDA %s), %s", torch_prefix(c),
                   c->pkg->program, r->pinned, torch_version_text(ctx, wheel),
                   how_it_differs(ctx, m, s));
}

static void check_conda(ed_ctx *ctx)
{
    for (size_t i = 0; i < ctx->gpu->nstages; i++) {
        const gpu_stage *s = &ctx->gpu->stages[i];
        for (size_t k = 0; k < s->ncmds && image_cuda_known(s); k++) {
            const gpu_cmd *c = &s->cmds[k];
            if (!c->pkg || c->pkg->manager != SH_PM_CONDA || c->pkg->action != SH_ACT_INSTALL)
                continue;
            for (size_t j = 0; j < c->pkg->nreqs; j++)
                check_conda_req(ctx, s, c, &c->pkg->reqs[j]);
        }
    }
}

static void check(ed_ctx *ctx)
{
    if (!ctx->gpu)
        return;
    torch_each_cmd(ctx, check_cmd);
    check_conda(ctx);
}

ED_RULE(ed202){
    .id = "ED202",
    .name = "torch-cuda-mismatch",
    .severity = ED_SEV_ERROR,
    .summary = "The CUDA of the torch build (cuXYZ index or label) disagrees with the image's CUDA",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
