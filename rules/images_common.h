/* Shared helpers of the image rules (ED101-ED105): where an image is named
 * in the source, how to describe stages and images in messages, which CUDA
 * image to suggest, and the few facts about a stage the GPU model does not
 * record (ONBUILD evidence and builds, CUDA brought in by hand). */
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

/* "the stage" in a one-stage file, else "stage build" or "stage 1" (the
 * index COPY --from=1 would use). */
const char *images_stage_label(ed_ctx *ctx, const gpu_stage *s);

/* The CUDA X.Y of the wheels a stage installs: a PyTorch cuXYZ index or a
 * +cuXYZ version label, or uv's --torch-backend cuXYZ. */
bool images_stage_wheel_cuda(ed_ctx *ctx, const gpu_stage *s, kb_version *out);

/* "nvidia/cuda:12.4.1-runtime-ubuntu22.04": the newest published patch of
 * CUDA X.Y with `flavor` on Ubuntu, a tag the knowledge base lists as
 * published (one that is not end-of-life first); NULL when there is none. */
const char *images_cuda_image(ed_ctx *ctx, kb_version cuda, const char *flavor);

/* A COPY or ADD of /usr/local/cuda (a toolkit taken from a CUDA image or
 * another stage) before command `before` of the stage (s->ncmds: anywhere
 * in it) or anywhere in a stage it is built FROM. */
bool images_stage_copies_cuda(ed_ctx *ctx, const gpu_stage *s, size_t before);

/* The stage, or a stage it is built FROM, installs CUDA itself: a CUDA
 * toolkit or CUDA libraries from an OS or conda package manager, or a copy
 * of /usr/local/cuda. */
bool images_stage_brings_cuda(ed_ctx *ctx, const gpu_stage *s);

/* Why an ONBUILD trigger of the stage means an NVIDIA GPU (the evidence
 * GPU intent reads from ordinary commands: torch from a CUDA index, a CUDA
 * package, jax[cuda*], tensorflow[and-cuda], ...), or NULL. */
const char *images_onbuild_intent(ed_ctx *ctx, const gpu_stage *s);

/* A CUDA compilation in an ONBUILD trigger (the GPU model records builds of
 * ordinary commands only). */
typedef struct images_build {
    size_t cmd;       /* index into the stage's cmds */
    const char *what; /* "flash-attn is built from source (--no-build-isolation)" */
    df_span span;     /* the package name or the program word */
} images_build;

images_build *images_onbuild_builds(ed_ctx *ctx, const gpu_stage *s, size_t *n);

#endif
