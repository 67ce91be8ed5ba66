/* Shared helpers of the image rules (ED101-ED105): where an image is named
 * in the source, how to fix its tag, and which CUDA image to suggest. */
#ifndef ENVDOCTOR_RULES_IMAGES_COMMON_H
#define ENVDOCTOR_RULES_IMAGES_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"

/* An image the file names: the root FROM of a stage, or COPY --from=IMAGE. */
typedef struct images_use {
    const char *text;       /* the reference after variable expansion */
    img_ref ref;
    kb_image_facts facts;
    const gpu_stage *stage; /* the stage whose FROM names it, NULL for COPY --from */
    df_span word;           /* the image word in the source */
    df_span tag;            /* the tag in the source; the whole word when it used
                               variables or has no tag */
    bool exact;             /* `tag` is the tag itself: a tag fix may replace it */
} images_use;

/* The images of the file's root FROM lines (stages that name an image, not
 * another stage) and, when with_copies, of COPY --from=IMAGE; *n gets the
 * count. Unparsable references and `scratch` are left out. */
images_use *images_uses(ed_ctx *ctx, bool with_copies, size_t *n);

/* The image facts say the image is for a GPU (NVIDIA, AMD or Intel). */
bool images_is_gpu(const kb_image_facts *facts);

/* A fix that replaces the tag of `use` with `tag`; NULL when the tag is not
 * exactly where the finding points (the word used variables, or no tag). */
ed_fix *images_tag_fix(ed_ctx *ctx, const images_use *use, const char *tag,
                       const char *description);

/* "nvidia/cuda:12.4.1-runtime-ubuntu22.04": the newest published patch of
 * CUDA X.Y with `flavor` on Ubuntu, a tag the knowledge base lists as
 * published (one that is not end-of-life first); NULL when there is none. */
const char *images_cuda_image(ed_ctx *ctx, kb_version cuda, const char *flavor);

#endif
