/* Helpers shared by the "system" rules (ED301-ED306). */
#include "system_common.h"

#include <string.h>

const char *sys_onbuild(const gpu_cmd *c)
{
    return c->onbuild ? "ONBUILD " : "";
}

const char *sys_cuda_str(ed_arena *arena, kb_version v)
{
    if (v.minor < 0)
        return ed_arena_printf(arena, "%d", v.major);
    return ed_arena_printf(arena, "%d.%d", v.major, v.minor);
}

bool sys_same_cuda(kb_version a, kb_version b)
{
    if (a.major != b.major)
        return false;
    return a.minor < 0 || b.minor < 0 || a.minor == b.minor;
}

/* The last toolkit with nvcc and a known version in the stage itself. */
static const gpu_toolkit *own_toolkit(const gpu_stage *s)
{
    for (size_t i = s->ntoolkits; i-- > 0;) {
        const gpu_toolkit *t = &s->toolkits[i];
        if (!t->onbuild && t->nvcc != KB_NO && t->version.major >= 0)
            return t;
    }
    return NULL;
}

/* Each stage's answer is its own toolkit or its parent's answer: walking
 * the FROM chain per stage is quadratic in a long chain, so the chain is
 * walked up to the first stage already answered (or holding a toolkit, or
 * the root), and every stage on the way gets that answer. */
sys_toolkits sys_find_toolkits(ed_arena *arena, const gpu_model *m)
{
    size_t n = m->nstages;
    sys_toolkits tk = {ed_arena_calloc(arena, n ? n : 1, sizeof *tk.toolkit),
                       ed_arena_calloc(arena, n ? n : 1, sizeof *tk.where)};
    bool *done = ed_arena_calloc(arena, n ? n : 1, sizeof *done);
    size_t *path = ed_arena_calloc(arena, n ? n : 1, sizeof *path);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const gpu_toolkit *t = NULL;
        const gpu_stage *where = NULL;
        for (const gpu_stage *p = &m->stages[i]; p; p = p->parent) {
            size_t k = (size_t)(p - m->stages);
            if (done[k]) {
                t = tk.toolkit[k];
                where = tk.where[k];
                break;
            }
            path[len++] = k;
            if ((t = own_toolkit(p))) {
                where = p;
                break;
            }
            if (len == n)
                break; /* a cycle: the model has none, but never loop */
        }
        for (size_t j = 0; j < len; j++) {
            done[path[j]] = true;
            tk.toolkit[path[j]] = t;
            tk.where[path[j]] = where;
        }
    }
    return tk;
}

/* The image's CUDA when the knowledge base knows it from verified data (an
 * [unverified] table row is good for messages, never for a verdict). */
static bool image_cuda(const gpu_stage *s, kb_version *out)
{
    if (!gpu_stage_is_cuda(s) || s->image.cuda.major < 0 || s->image.cuda.minor < 0 ||
        s->image.cuda_unverified)
        return false;
    *out = s->image.cuda;
    return true;
}

bool sys_stage_cuda(ed_arena *arena, const gpu_model *m, const sys_toolkits *tk,
                    const gpu_stage *s, sys_cuda *out)
{
    kb_version image;
    bool image_known = image_cuda(s, &image);
    size_t k = (size_t)(s - m->stages);
    const gpu_stage *where = tk->where[k];
    const gpu_toolkit *t = tk->toolkit[k];
    if (t && !(image_known && sys_same_cuda(t->version, image))) {
        out->version = t->version;
        out->origin = where == s ? ed_arena_printf(arena, "%s installed in this stage", t->req->raw_name)
                                 : ed_arena_printf(arena, "%s installed in %s", t->req->raw_name,
                                                   gpu_stage_label(arena, m, where));
        return true;
    }
    if (!image_known)
        return false;
    out->version = image;
    out->origin = gpu_stage_image(s);
    return true;
}

void sys_each_cmd(ed_ctx *ctx, void (*visit)(ed_ctx *ctx, const gpu_stage *s, const gpu_cmd *c))
{
    const gpu_model *m = ctx->gpu;
    for (size_t i = 0; m && i < m->nstages; i++)
        for (size_t k = 0; k < m->stages[i].ncmds; k++)
            visit(ctx, &m->stages[i], &m->stages[i].cmds[k]);
}

void sys_each_toolkit(ed_ctx *ctx,
                      void (*visit)(ed_ctx *ctx, const gpu_stage *s, const gpu_toolkit *t))
{
    const gpu_model *m = ctx->gpu;
    for (size_t i = 0; m && i < m->nstages; i++)
        for (size_t k = 0; k < m->stages[i].ntoolkits; k++)
            if (!m->stages[i].toolkits[k].onbuild)
                visit(ctx, &m->stages[i], &m->stages[i].toolkits[k]);
}

void sys_each_build(ed_ctx *ctx, void (*visit)(ed_ctx *ctx, const gpu_stage *s, const gpu_build *b))
{
    const gpu_model *m = ctx->gpu;
    for (size_t i = 0; m && i < m->nstages; i++)
        for (size_t k = 0; k < m->stages[i].nbuilds; k++)
            if (!m->stages[i].builds[k].onbuild)
                visit(ctx, &m->stages[i], &m->stages[i].builds[k]);
}
