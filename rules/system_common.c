/* Helpers shared by the "system" rules (ED301-ED306). */
#include "system_common.h"

#include <string.h>

#include "envdoctor/model.h"

const char *sys_onbuild(const gpu_cmd *c)
{
    return c->onbuild ? "ONBUILD " : "";
}

bool sys_native_manager(const sh_pkgcmd *pkg, kb_pkg_manager *out)
{
    switch (pkg->manager) {
    case SH_PM_CONDA:
        *out = KB_PM_CONDA;
        return true;
    case SH_PM_APT:
    case SH_PM_DNF:
    case SH_PM_APK:
    case SH_PM_ZYPPER:
        *out = KB_PM_SYSTEM;
        return true;
    default:
        return false;
    }
}

const char *sys_image_name(const gpu_stage *s)
{
    return s->root && s->root->base ? s->root->base : "the base image";
}

const char *sys_cuda_str(ed_arena *arena, kb_version v)
{
    if (v.minor < 0)
        return ed_arena_printf(arena, "%d", v.major);
    return ed_arena_printf(arena, "%d.%d", v.major, v.minor);
}

kb_version sys_toolkit_version(const gpu_toolkit *t)
{
    if (t->version.major >= 0)
        return t->version;
    kb_version v;
    if (t->req->pinned && kb_version_parse(t->req->pinned, &v))
        return v;
    return KB_VERSION_NONE;
}

bool sys_same_cuda(kb_version a, kb_version b)
{
    if (a.major != b.major)
        return false;
    return a.minor < 0 || b.minor < 0 || a.minor == b.minor;
}

/* The last toolkit with nvcc and a known version in the stage or the
 * stages it is built FROM (the nearest stage first). */
static const gpu_toolkit *versioned_toolkit(const gpu_stage *s, const gpu_stage **where)
{
    for (const gpu_stage *p = s; p; p = p->parent)
        for (size_t i = p->ntoolkits; i-- > 0;) {
            const gpu_toolkit *t = &p->toolkits[i];
            if (t->nvcc != KB_NO && sys_toolkit_version(t).major >= 0) {
                *where = p;
                return t;
            }
        }
    return NULL;
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

bool sys_stage_cuda(ed_arena *arena, const gpu_stage *s, sys_cuda *out)
{
    kb_version image;
    bool image_known = image_cuda(s, &image);
    const gpu_stage *where = NULL;
    const gpu_toolkit *t = versioned_toolkit(s, &where);
    if (t && !(image_known && sys_same_cuda(sys_toolkit_version(t), image))) {
        out->version = sys_toolkit_version(t);
        out->origin = where == s ? ed_arena_printf(arena, "%s installed in this stage", t->req->raw_name)
                                 : ed_arena_printf(arena, "%s installed in stage %s", t->req->raw_name,
                                                   where->stage->name ? where->stage->name : "before it");
        return true;
    }
    if (!image_known)
        return false;
    out->version = image;
    out->origin = sys_image_name(s);
    return true;
}

bool *sys_stage_consumers(ed_arena *arena, const gpu_model *m, size_t producer)
{
    bool *uses = ed_arena_calloc(arena, m->nstages ? m->nstages : 1, sizeof *uses);
    const df_model *df = m->df;
    /* FROM and COPY --from only name earlier stages: one pass in order. */
    for (size_t k = producer; k < m->nstages; k++) {
        int parent = m->stages[k].stage->parent;
        uses[k] = k == producer || (parent >= 0 && (size_t)parent < k && uses[parent]);
        for (size_t i = 0; !uses[k] && i < df->nedges; i++) {
            const df_stage_edge *e = &df->edges[i];
            uses[k] = e->stage == k && e->from_stage >= 0 && (size_t)e->from_stage < k &&
                      uses[e->from_stage];
        }
    }
    return uses;
}

df_span sys_word_part(const gpu_cmd *c, const sh_word *w, size_t a, size_t b)
{
    size_t start, end;
    sh_word_span(w, a, b, &start, &end);
    return gpu_span(c, start, end);
}
