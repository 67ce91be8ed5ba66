/* ED105 cuda-build-on-runtime-image: a stage compiles CUDA code, but its
 * image has no nvcc and no toolkit was installed (or copied in) before.
 * Compiling in a devel builder stage and copying the result into a runtime
 * stage is the recommended pattern and is silent: each stage is judged
 * against its own root image. */
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "images_common.h"

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* "nvidia/cuda:12.4.1-devel-ubuntu22.04" for "...-runtime-ubuntu22.04": the
 * devel flavor of the same nvidia/cuda tag, when the tables list it (or the
 * tag they suggest instead of it). */
static const char *cuda_devel(ed_ctx *ctx, const img_ref *ref, const kb_image_facts *f)
{
    const char *flavor = f->flavor;
    const char *runtime = strstr(flavor, "runtime");
    const char *devel;
    if (runtime)
        devel = ed_arena_printf(ctx->arena, "%.*sdevel%s", (int)(runtime - flavor), flavor,
                                runtime + strlen("runtime"));
    else if (strcmp(flavor, "base") == 0)
        devel = "devel";
    else
        return NULL;
    char vs[32];
    const char *text = ed_arena_printf(ctx->arena, "%s:%s-%s-%s", ref->name,
                                       kb_version_str(f->cuda, vs, sizeof vs), devel, f->os);
    img_ref dref;
    const char *error;
    kb_image_facts facts;
    if (!img_ref_parse(ctx->arena, text, strlen(text), &dref, &error))
        return NULL;
    kb_image(ctx->gpu->kb, &dref, ctx->arena, &facts);
    if (facts.suggested_tag && (facts.tag_exists == KB_NO || facts.eol == KB_YES))
        return ed_arena_printf(ctx->arena, "%s:%s", ref->name, facts.suggested_tag);
    return facts.tag_exists == KB_YES ? text : NULL;
}

/* A devel image to compile in: the devel twin of the stage's image, else
 * a CUDA devel image for the CUDA of the image or of the stage's wheels. */
static const char *devel_image(ed_ctx *ctx, const gpu_stage *s)
{
    const kb_image_facts *f = &s->image;
    const img_ref *ref = &s->root->ref;
    const char *family = f->family ? f->family : "";
    const char *twin = strcmp(family, "nvidia/cuda") == 0 && f->flavor && f->os &&
                               f->cuda.patch >= 0
                           ? cuda_devel(ctx, ref, f)
                           : NULL;
    if (twin)
        return twin;
    if (strcmp(family, "pytorch/pytorch") == 0 && ref->tag && has_suffix(ref->tag, "-runtime"))
        return ed_arena_printf(ctx->arena, "%s:%.*s-devel", ref->name,
                               (int)(strlen(ref->tag) - strlen("-runtime")), ref->tag);
    kb_version cuda = f->cuda;
    if ((cuda.minor < 0 || f->cuda_unverified) && !gpu_stage_wheel_cuda(ctx->arena, ctx->gpu, s, &cuda))
        return NULL;
    return images_cuda_image(ctx, cuda, "devel");
}

/* "(a CPU-only image)", "(runtime flavor)" */
static const char *image_kind(ed_ctx *ctx, const kb_image_facts *f)
{
    if (f->vendor == KB_VENDOR_NONE)
        return "a CPU-only image";
    if (f->flavor)
        return ed_arena_printf(ctx->arena, "%s flavor", f->flavor);
    return "no CUDA toolkit";
}

static void report(ed_ctx *ctx, const gpu_stage *s, df_span span, const char *what)
{
    const char *devel = devel_image(ctx, s);
    const char *builder = devel ? devel : "a CUDA -devel image";
    if (ctx->kind == ED_KIND_APPTAINER) /* Apptainer's stages: Stage: and %files from */
        ed_report(ctx, span.start, span.end,
                  "%s, but %s (%s) has no nvcc: compile it in a build stage (From: %s, Stage: "
                  "build) and copy the result in with `%%files from build`",
                  what, s->root->base, image_kind(ctx, &s->image), builder);
    else
        ed_report(ctx, span.start, span.end,
                  "%s, but %s (%s) has no nvcc: compile it in a builder stage FROM %s and copy "
                  "the result into this stage",
                  what, s->root->base, image_kind(ctx, &s->image), builder);
}

static void check_stage(ed_ctx *ctx, const gpu_stage *s)
{
    for (size_t i = 0; i < s->nbuilds; i++) {
        const gpu_build *b = &s->builds[i];
        if (gpu_stage_has_nvcc(s, b->cmd))
            continue;
        report(ctx, s, b->span,
               b->onbuild ? ed_arena_printf(ctx->arena,
                                            "ONBUILD trigger: %s in every image built FROM this one",
                                            b->what)
                          : b->what);
    }
}

static void check(ed_ctx *ctx)
{
    const gpu_model *m = ctx->gpu;
    for (size_t i = 0; m && i < m->nstages; i++)
        if (m->stages[i].image.has_nvcc == KB_NO)
            check_stage(ctx, &m->stages[i]);
}

ED_RULE(ed105){
    .id = "ED105",
    .name = "cuda-build-on-runtime-image",
    .severity = ED_SEV_ERROR,
    .summary = "CUDA code is compiled on an image without nvcc (a runtime, base or CPU-only image)",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
