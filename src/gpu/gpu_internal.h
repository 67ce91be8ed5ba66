/* Internal interfaces between the GPU model's files. */
#ifndef ENVDOCTOR_GPU_INTERNAL_H
#define ENVDOCTOR_GPU_INTERNAL_H

#include "envdoctor/gpu.h"

typedef struct gpu_builder {
    ed_arena *arena;
    gpu_model *model;
    gpu_mode mode;
} gpu_builder;

/* commands.c: appends the commands of a RUN (in->kind == DF_RUN) to the stage. */
void gpu_add_run(gpu_builder *b, gpu_stage *stage, const df_instr *in, size_t index, bool onbuild);

/* intent.c: decides whether the stage (and its ONBUILD triggers) is meant
 * for a GPU (stages before it are decided already). */
void gpu_decide_intent(gpu_builder *b, gpu_stage *stage);

/* builds.c: finds CUDA compilation and toolkit installs in the stage. */
void gpu_find_builds(gpu_builder *b, gpu_stage *stage);

/* cuda.c: finds CUDA brought into the stage other than by toolkit packages
 * (stages before it are done already). */
void gpu_find_cuda_installs(gpu_builder *b, gpu_stage *stage);

/* stages.c: fills every stage's consumers (all stages are built). */
void gpu_find_consumers(gpu_builder *b);

/* requirements.c: an empty cache of requirements files, in the arena. */
struct gpu_files *gpu_files_new(ed_arena *arena);

/* requirements.c: appends to items[0..*n) (an ed_arena_push array) the
 * option lines of the requirements files the command reads. */
gpu_index *gpu_files_indexes(ed_arena *arena, const gpu_model *m, const gpu_cmd *c,
                             gpu_index *items, size_t *n);

#endif
