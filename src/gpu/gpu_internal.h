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

/* intent.c: decides whether the stage is meant for a GPU (stages before it
 * are decided already). */
void gpu_decide_intent(gpu_builder *b, gpu_stage *stage);

/* builds.c: finds CUDA compilation and toolkit installs in the stage. */
void gpu_find_builds(gpu_builder *b, gpu_stage *stage);

/* True for the torch family of packages (torch, torchvision, torchaudio). */
bool gpu_is_torch_package(const char *name);

#endif
