/* Internal interfaces between the GPU model's files. */
#ifndef ENVDOCTOR_GPU_INTERNAL_H
#define ENVDOCTOR_GPU_INTERNAL_H

#include "envdoctor/buf.h"
#include "envdoctor/gpu.h"
#include "envdoctor/strmap.h"

typedef struct gpu_builder {
    ed_arena *arena;
    gpu_model *model;
    gpu_mode mode;
    /* the scripts of the stage being collected (commands.c): heap
     * scratch, reused stage after stage and freed at the end */
    ed_buf pieces;
} gpu_builder;

/* commands.c: notes the scripts a RUN (in->kind == DF_RUN) runs ... */
void gpu_add_run(gpu_builder *b, const df_instr *in, size_t index, bool onbuild);
/* ... and makes their commands the stage's, once all its RUNs are noted. */
void gpu_finish_commands(gpu_builder *b, gpu_stage *stage);

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

/* The model's private part, behind gpu_model.files: the requirements files
 * read so far (requirements.c) and, per stage, the index of the variables
 * its RUN scripts set (variables.c). */
struct gpu_file;
struct gpu_run_vars;
struct gpu_config_marks;
struct gpu_files {
    ed_arena *arena;
    struct gpu_file *items;
    size_t n;
    ed_strmap exists; /* build-context paths stat'ed so far: non-NULL when they exist */
    ed_strmap loaded; /* path -> index + 1 in items */
    struct copy_index *copies; /* per stage, what its COPY/ADDs put where (on first use) */
    struct req_cache **reqs; /* per stage, per command: gpu_cmd_reqs's answer */
    struct gpu_run_vars *run_vars; /* one per stage, filled by gpu_index_run_vars */
    struct gpu_config_marks *config; /* one per stage, filled by gpu_index_config */
};

/* indexes.c: notes where the stage first copies or writes a pip or uv
 * configuration file (once its commands are collected), so that
 * gpu_cmd_index_config_unread does not rescan the instructions before each
 * command: linear, not quadratic, in the stage's length. */
void gpu_index_config(gpu_builder *b, gpu_stage *stage);

/* requirements.c: an empty cache of requirements files, in the arena. */
struct gpu_files *gpu_files_new(ed_arena *arena);

/* variables.c: indexes the `export NAME=value` and bare `NAME=value`
 * commands of the stage's RUN scripts (once its commands are collected), so
 * that gpu_cmd_var finds what a RUN set before a command without rescanning
 * the commands before it: linear, not quadratic, in a RUN's length. */
void gpu_index_run_vars(gpu_builder *b, gpu_stage *stage);

/* requirements.c: appends to items[0..*n) (an ed_arena_push array) the
 * option lines of the requirements files the command reads. */
gpu_index *gpu_files_indexes(ed_arena *arena, const gpu_model *m, const gpu_cmd *c,
                             gpu_index *items, size_t *n);

#endif
