/* ED104 floating-gpu-base-tag: a GPU base image without a tag or with a
 * moving one (latest, latest-gpu, nightly), so its CUDA version can change
 * under the build. A digest pins the image. A tag that does not exist at
 * all (nvidia/cuda:latest) is ED102's. */
#include "envdoctor/engine.h"
#include "images_common.h"

static void check_use(ed_ctx *ctx, const images_use *use)
{
    const char *what = use->ref.tag
                           ? ed_arena_printf(ctx->arena, "%s uses the moving tag %s", use->text,
                                             use->ref.tag)
                           : ed_arena_printf(ctx->arena, "%s has no tag, so it means the moving "
                                                         "tag latest",
                                             use->text);
    ed_report(ctx, use->tag.start, use->tag.end,
              "%s: the image, with the CUDA and framework versions in it, can change with any "
              "rebuild; pin a version tag or a digest (@sha256:...)",
              what);
}

static void check(ed_ctx *ctx)
{
    size_t n;
    images_use *uses = images_uses(ctx, false, &n);
    for (size_t i = 0; i < n; i++) {
        const kb_image_facts *f = &uses[i].facts;
        if (f->floating && images_is_gpu(f) && f->tag_exists != KB_NO)
            check_use(ctx, &uses[i]);
    }
}

ED_RULE(ed104){
    .id = "ED104",
    .name = "floating-gpu-base-tag",
    .severity = ED_SEV_WARNING,
    .summary = "A GPU base image without a tag or with a moving tag (latest, nightly)",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
