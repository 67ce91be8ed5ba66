/* Helpers shared by the "system" rules (ED301-ED306: drivers, toolkits,
 * architectures, builds and GPU queries). They only read the GPU model and
 * the knowledge base. */
#ifndef ENVDOCTOR_RULES_SYSTEM_COMMON_H
#define ENVDOCTOR_RULES_SYSTEM_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"

/* "ONBUILD " for a command that runs when a child image builds, else "". */
const char *sys_onbuild(const gpu_cmd *c);

/* The knowledge-base manager family of an OS or conda package command;
 * false for pip, uv and anything else. */
bool sys_native_manager(const sh_pkgcmd *pkg, kb_pkg_manager *out);

/* The image a stage is built on, as written after variable expansion
 * ("nvidia/cuda:12.4.1-devel-ubuntu22.04"), for messages. */
const char *sys_image_name(const gpu_stage *s);

/* "12.4" (X.Y of a version; just "12" when the minor is absent). */
const char *sys_cuda_str(ed_arena *arena, kb_version v);

/* The CUDA X.Y a toolkit install brings: from the package name
 * (cuda-toolkit-12-4) or, for a name without one, from an exact version
 * pin (conda cuda-nvcc=12.1); KB_VERSION_NONE when neither says. */
kb_version sys_toolkit_version(const gpu_toolkit *t);

/* Same X.Y (a missing minor compares by major only). */
bool sys_same_cuda(kb_version a, kb_version b);

/* The CUDA a stage compiles with: the newest-listed toolkit with a known
 * version installed in the stage or a stage it is built FROM, else the root
 * image's CUDA when the knowledge base knows it from verified data. */
typedef struct sys_cuda {
    kb_version version;
    const char *origin; /* for messages: the image, or "cuda-toolkit-11-7 installed in this stage" */
} sys_cuda;

bool sys_stage_cuda(ed_arena *arena, const gpu_stage *s, sys_cuda *out);

/* Per stage: does it use what stage `producer` made? True for the stage
 * itself, stages built FROM it (at any depth) and stages that COPY --from
 * or RUN --mount from such a stage. */
bool *sys_stage_consumers(ed_arena *arena, const gpu_model *m, size_t producer);

/* Source span of text[a..b) of a command's word. */
df_span sys_word_part(const gpu_cmd *c, const sh_word *w, size_t a, size_t b);

#endif
