/* ED103 eol-cuda-image: a GPU image tag that is end-of-life (a superseded
 * patch release, an end-of-life CUDA line, a deprecated image) and is or
 * will be deleted. Silent when the tag does not exist at all (ED102). */
#include "envdoctor/engine.h"
#include "images_common.h"

static void check_use(ed_ctx *ctx, const images_use *use)
{
    const kb_image_facts *f = &use->facts;
    const char *advice = f->suggested_tag
                             ? ed_arena_printf(ctx->arena, "; use %s", f->suggested_tag)
                             : "; move to a supported release";
    ed_finding *finding = ed_report_with(ctx, ctx->rule->severity, use->tag.start, use->tag.end,
                                         "%s is end-of-life: %s%s", use->text, f->eol_reason,
                                         advice);
    if (f->suggested_tag)
        finding->fix = images_tag_fix(
            ctx, use, f->suggested_tag,
            ed_arena_printf(ctx->arena,
                            "Use the supported tag %s (unsafe, a judgement: a newer release of "
                            "the same CUDA version; rebuild and test)",
                            f->suggested_tag));
}

static void check(ed_ctx *ctx)
{
    size_t n;
    images_use *uses = images_uses(ctx, true, &n);
    for (size_t i = 0; i < n; i++) {
        const kb_image_facts *f = &uses[i].facts;
        if (f->eol == KB_YES && f->tag_exists != KB_NO && images_is_gpu(f))
            check_use(ctx, &uses[i]);
    }
}

ED_RULE(ed103){
    .id = "ED103",
    .name = "eol-cuda-image",
    .severity = ED_SEV_WARNING,
    .summary = "An end-of-life nvidia/cuda image tag that is or will be deleted",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
