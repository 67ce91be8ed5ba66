/* Building the GPU model of a Dockerfile: image facts, commands and intent
 * for every stage, in stage order (intent flows down FROM and COPY --from). */
#include <string.h>

#include "gpu_internal.h"

bool gpu_stage_is_cuda(const gpu_stage *s)
{
    return s->image.vendor == KB_VENDOR_NVIDIA;
}

static void collect_commands(gpu_builder *b, gpu_stage *s)
{
    const df_file *file = b->model->df->file;
    for (size_t i = s->stage->first; i < s->stage->end; i++) {
        const df_instr *in = &file->instrs[i];
        if (in->has_error)
            continue;
        if (in->kind == DF_RUN)
            gpu_add_run(b, in, i, false);
        else if (in->kind == DF_ONBUILD && in->trigger && in->trigger->kind == DF_RUN)
            gpu_add_run(b, in->trigger, i, true);
    }
    gpu_finish_commands(b, s);
}

gpu_model *gpu_model_build(ed_arena *arena, const df_model *df, const kb *knowledge, gpu_mode mode,
                           const char *context_dir)
{
    gpu_model *m = ed_arena_alloc(arena, sizeof *m);
    m->df = df;
    m->kb = knowledge;
    m->context_dir = context_dir;
    m->nstages = df->nstages;
    m->stages = ed_arena_calloc(arena, df->nstages ? df->nstages : 1, sizeof *m->stages);
    m->files = gpu_files_new(arena);
    gpu_builder b = {.arena = arena, .model = m, .mode = mode};
    for (size_t i = 0; i < df->nstages; i++) {
        gpu_stage *s = &m->stages[i];
        s->stage = &df->stages[i];
        s->root = df_model_root(df, s->stage);
        s->parent = s->stage->parent >= 0 ? &m->stages[s->stage->parent] : NULL;
        s->image_known = s->root->ref_ok;
        if (s->image_known)
            kb_image(knowledge, &s->root->ref, arena, &s->image);
        else
            s->image = (kb_image_facts){.vendor = KB_VENDOR_UNKNOWN, .cuda = {-1, -1, -1}};
        collect_commands(&b, s);
        gpu_index_run_vars(&b, s);
        gpu_index_config(&b, s);
        gpu_find_builds(&b, s);
        gpu_find_cuda_installs(&b, s);
        gpu_decide_intent(&b, s);
    }
    gpu_find_consumers(&b);
    ed_buf_free(&b.pieces);
    return m;
}
