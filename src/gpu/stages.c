/* How stages relate and how messages name them. */
#include "gpu_internal.h"

/* consumers of stage `producer`: one pass in stage order, since FROM and
 * COPY --from / RUN --mount only name earlier stages. */
static void find_consumers(gpu_builder *b, size_t producer)
{
    const gpu_model *m = b->model;
    const df_model *df = m->df;
    bool *uses = ed_arena_calloc(b->arena, m->nstages, sizeof *uses);
    size_t *list = ed_arena_calloc(b->arena, m->nstages, sizeof *list);
    size_t n = 0;
    for (size_t k = producer; k < m->nstages; k++) {
        int parent = m->stages[k].stage->parent;
        uses[k] = k == producer || (parent >= 0 && (size_t)parent < k && uses[parent]);
        for (size_t i = 0; !uses[k] && i < df->nedges; i++) {
            const df_stage_edge *e = &df->edges[i];
            uses[k] = e->stage == k && e->from_stage >= 0 && (size_t)e->from_stage < k &&
                      uses[e->from_stage];
        }
        if (uses[k])
            list[n++] = k;
    }
    m->stages[producer].consumers = list;
    m->stages[producer].nconsumers = n;
}

void gpu_find_consumers(gpu_builder *b)
{
    for (size_t i = 0; i < b->model->nstages; i++)
        find_consumers(b, i);
}

const char *gpu_stage_label(ed_arena *arena, const gpu_model *m, const gpu_stage *s)
{
    if (m->nstages == 1)
        return "the stage";
    if (s->stage->name)
        return ed_arena_printf(arena, "stage %s", s->stage->name);
    return ed_arena_printf(arena, "stage %zu", s->stage->index);
}

const char *gpu_stage_image(const gpu_stage *s)
{
    return s->root && s->root->base ? s->root->base : "the base image";
}
