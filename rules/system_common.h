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

/* "12.4" (X.Y of a version; just "12" when the minor is absent). */
const char *sys_cuda_str(ed_arena *arena, kb_version v);

/* Same X.Y (a missing minor compares by major only). */
bool sys_same_cuda(kb_version a, kb_version b);

/* The CUDA a stage compiles with: the newest-listed toolkit with a known
 * version installed in the stage or a stage it is built FROM, else the root
 * image's CUDA when the knowledge base knows it from verified data.
 * Toolkits of ONBUILD triggers are the child images' business. */
typedef struct sys_cuda {
    kb_version version;
    const char *origin; /* for messages: the image, or "cuda-toolkit-11-7 installed in this stage" */
} sys_cuda;

/* For every stage of m (by index), its last toolkit with nvcc and a known
 * version, from the stage itself or the nearest stage it is built FROM, and
 * that stage; NULL when there is none. Computed for all stages at once. */
typedef struct sys_toolkits {
    const gpu_toolkit **toolkit;
    const gpu_stage **where;
} sys_toolkits;

sys_toolkits sys_find_toolkits(ed_arena *arena, const gpu_model *m);

/* tk: sys_find_toolkits(m); s: one of m's stages. */
bool sys_stage_cuda(ed_arena *arena, const gpu_model *m, const sys_toolkits *tk,
                    const gpu_stage *s, sys_cuda *out);

/* Calls visit for every command of every stage (ONBUILD triggers included). */
void sys_each_cmd(ed_ctx *ctx, void (*visit)(ed_ctx *ctx, const gpu_stage *s, const gpu_cmd *c));
/* Calls visit for every toolkit install of every stage, in order; those of
 * ONBUILD triggers are left out (they happen in the child images). */
void sys_each_toolkit(ed_ctx *ctx,
                      void (*visit)(ed_ctx *ctx, const gpu_stage *s, const gpu_toolkit *t));
/* The same for every CUDA build. */
void sys_each_build(ed_ctx *ctx, void (*visit)(ed_ctx *ctx, const gpu_stage *s, const gpu_build *b));

#endif
