/* ED102 nonexistent-cuda-image-tag: a GPU image tag its publisher never
 * published (nvidia/cuda's tag grammar, versions, flavors and OS tables;
 * no `latest`). Checks root FROM images and COPY --from images. */
#include "envdoctor/engine.h"
#include "images_common.h"

static void check_use(ed_ctx *ctx, const images_use *use)
{
    const kb_image_facts *f = &use->facts;
    const char *subject = use->ref.tag || use->ref.digest
                              ? use->text
                              : ed_arena_printf(ctx->arena, "%s (no tag: %s:latest)", use->text,
                                                use->text);
    const char *advice = f->suggested_tag
                             ? ed_arena_printf(ctx->arena, "; use %s", f->suggested_tag)
                             : "; use a published version tag";
    ed_finding *finding = ed_report_with(ctx, ctx->rule->severity, use->tag.start, use->tag.end,
                                         "%s cannot be pulled: %s%s", subject, f->tag_problem, advice);
    if (f->suggested_tag)
        finding->fix = images_tag_fix(
            ctx, use, f->suggested_tag,
            ed_arena_printf(ctx->arena,
                            "Use the published tag %s (unsafe, a judgement: the closest tag the "
                            "knowledge base lists; check that its CUDA version, cuDNN and OS suit "
                            "the build)",
                            f->suggested_tag));
}

static void check(ed_ctx *ctx)
{
    size_t n;
    images_use *uses = images_uses(ctx, true, &n);
    for (size_t i = 0; i < n; i++)
        if (uses[i].facts.tag_exists == KB_NO)
            check_use(ctx, &uses[i]);
}

ED_RULE(ed102){
    .id = "ED102",
    .name = "nonexistent-cuda-image-tag",
    .severity = ED_SEV_ERROR,
    .summary = "An nvidia/cuda image tag that NVIDIA never published",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
