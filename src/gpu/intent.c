/* GPU intent: is a stage meant to use an NVIDIA GPU? Rules about CPU-only
 * images apply only to such stages, so a web app on python:3.12 is never
 * flagged. The evidence, strongest first: --gpu always, a CUDA base image,
 * NVIDIA_* variables, a CUDA build of a framework or a CUDA package being
 * installed, a FROM or COPY --from of a GPU stage. */
#include <stdio.h>
#include <string.h>

#include "gpu_internal.h"

bool gpu_is_torch_package(const char *name)
{
    return strcmp(name, "torch") == 0 || strcmp(name, "torchvision") == 0 ||
           strcmp(name, "torchaudio") == 0;
}

typedef struct evidence {
    const char *why;
    df_span span;
} evidence;

static bool has_extra(const sh_req *r, const char *prefix)
{
    for (size_t i = 0; i < r->nextras; i++)
        if (strncmp(r->extras[i], prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

/* A torch install that pulls CUDA wheels: a cu index, a +cuXYZ label, or
 * uv's torch backend. */
static const char *torch_cuda_source(gpu_builder *b, const gpu_cmd *c, const sh_req *r)
{
    kb_torch_index label;
    if (r->pinned && kb_torch_local_label(r->pinned, &label) && label.kind == KB_INDEX_CUDA)
        return ed_arena_printf(b->arena, "installs %s==%s", r->name, r->pinned);
    size_t n;
    gpu_index *ix = gpu_cmd_indexes(b->arena, b->model, c, &n);
    for (size_t i = 0; i < n; i++)
        if (ix[i].torch.kind == KB_INDEX_CUDA)
            return ed_arena_printf(b->arena, "installs %s from the %s index", r->name,
                                   ix[i].torch.suffix);
    const char *backend = c->pkg->torch_backend ? c->pkg->torch_backend->text
                                                : gpu_cmd_var(b->model, c, "UV_TORCH_BACKEND");
    if (backend && (strncmp(backend, "cu", 2) == 0 || strcmp(backend, "auto") == 0) &&
        (c->pkg->manager == SH_PM_UV_PIP || c->pkg->manager == SH_PM_UV_ADD))
        return ed_arena_printf(b->arena, "installs %s with uv's torch backend %s", r->name, backend);
    return NULL;
}

static bool req_needs_local_cuda(const kb *k, const sh_req *r)
{
    const kb_jax_plugin *plugin = kb_jax_plugin_find(k, r->name);
    if (plugin && plugin->bundled_extra) {
        /* PEP 685: [with_cuda] is [with-cuda] */
        char want[64], have[64];
        kb_normalise_name(plugin->bundled_extra, want, sizeof want);
        for (size_t i = 0; i < r->nextras; i++) {
            kb_normalise_name(r->extras[i], have, sizeof have);
            if (strcmp(have, want) == 0)
                return false;
        }
        return true;
    }
    if (strcmp(r->name, "jaxlib") == 0 && kb_jaxlib_is_monolithic_cuda(k, r->pinned, NULL))
        return true;
    if (strcmp(r->name, "jax") != 0 && strcmp(r->name, "jaxlib") != 0)
        return false;
    for (size_t i = 0; i < r->nextras; i++) {
        const kb_jax_extra *e = kb_jax_extra_find(k, r->extras[i]);
        if (e && e->backend == KB_JAX_CUDA && e->local)
            return true;
    }
    return false;
}

bool gpu_stage_needs_local_cuda(const gpu_stage *s, const kb *knowledge)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_pkgcmd *pkg = s->cmds[i].pkg;
        if (s->cmds[i].onbuild || !pkg || pkg->action != SH_ACT_INSTALL ||
            !sh_pm_is_python(pkg->manager))
            continue;
        for (size_t k = 0; k < pkg->nreqs; k++)
            if (req_needs_local_cuda(knowledge, &pkg->reqs[k]))
                return true;
    }
    return false;
}

/* Why installing this Python package means a GPU, or NULL. */
static const char *python_package_intent(gpu_builder *b, const gpu_cmd *c, const sh_req *r)
{
    const char *name = r->name;
    if (gpu_is_torch_package(name))
        return torch_cuda_source(b, c, r);
    if ((strcmp(name, "jax") == 0 || strcmp(name, "jaxlib") == 0) && has_extra(r, "cuda"))
        return ed_arena_printf(b->arena, "installs %s[%s]", name, r->extras[0]);
    if (strncmp(name, "jax-cuda", 8) == 0)
        return ed_arena_printf(b->arena, "installs %s", name);
    /* the monolithic CUDA jaxlib of jax <= 0.4.29: jaxlib==0.4.26+cuda12.cudnn89 */
    if (strcmp(name, "jaxlib") == 0 && r->pinned && strstr(r->pinned, "+cuda"))
        return ed_arena_printf(b->arena, "installs jaxlib==%s", r->pinned);
    if (strcmp(name, "tensorflow") == 0 && has_extra(r, "and-cuda"))
        return "installs tensorflow[and-cuda]";
    if (strcmp(name, "tensorflow-gpu") == 0 || strncmp(name, "cupy-cuda", 9) == 0 ||
        (strncmp(name, "nvidia-", 7) == 0 && strstr(name, "-cu1")))
        return ed_arena_printf(b->arena, "installs %s", name);
    if (kb_cuda_package_find(b->model->kb, name))
        return ed_arena_printf(b->arena, "installs %s, which builds CUDA code", name);
    return NULL;
}

static bool command_evidence(gpu_builder *b, const gpu_cmd *c, evidence *e)
{
    const sh_pkgcmd *pkg = c->pkg;
    if (!pkg || (pkg->action != SH_ACT_INSTALL && pkg->action != SH_ACT_WHEEL &&
                 pkg->action != SH_ACT_MODULE_INSTALL))
        return false;
    for (size_t i = 0; i < pkg->nreqs; i++) {
        const sh_req *r = &pkg->reqs[i];
        const char *why = NULL;
        switch (pkg->manager) {
        case SH_PM_PIP:
        case SH_PM_UV_PIP:
        case SH_PM_UV_ADD:
        case SH_PM_PIPX:
            why = python_package_intent(b, c, r);
            break;
        case SH_PM_CONDA:
            if (strcmp(r->name, "pytorch-cuda") == 0 || strcmp(r->name, "cudatoolkit") == 0 ||
                strcmp(r->name, "cuda-toolkit") == 0 || strcmp(r->name, "cuda-nvcc") == 0 ||
                (r->build && strstr(r->build, "cuda")))
                why = ed_arena_printf(b->arena, "installs %s with conda", r->name);
            break;
        default: {
            kb_version v;
            kb_pkg_class cls = kb_os_package_class(b->model->kb, r->name, &v);
            if (cls == KB_PKG_TOOLKIT || cls == KB_PKG_DRIVER || cls == KB_PKG_COMPAT)
                why = ed_arena_printf(b->arena, "installs %s", r->name);
        }
        }
        if (why) {
            e->why = why;
            e->span = gpu_req_span(c, r);
            return true;
        }
    }
    return false;
}

/* NVIDIA_VISIBLE_DEVICES and friends set by ENV in the stage. */
static bool env_evidence(const gpu_stage *s, evidence *e)
{
    for (size_t i = 0; i < s->stage->nvars; i++) {
        const df_var *v = &s->stage->vars[i];
        if (v->is_env && strncmp(v->name, "NVIDIA_", 7) == 0 && v->instr) {
            e->why = "sets NVIDIA_ variables";
            e->span = df_var_span(v);
            for (size_t k = 0; k < v->instr->npairs; k++)
                if (strcmp(v->instr->pairs[k].key.text, v->name) == 0)
                    e->span = v->instr->pairs[k].key.span;
            return true;
        }
    }
    return false;
}

/* COPY --from a GPU stage: the files (site-packages, binaries) need a GPU. */
static bool copy_evidence(gpu_builder *b, const gpu_stage *s, evidence *e)
{
    size_t n;
    const df_stage_edge *edges = df_model_stage_edges(b->model->df, s->stage->index, &n);
    for (size_t i = 0; i < n; i++) {
        const df_stage_edge *edge = &edges[i];
        if (edge->from_stage < 0 || !b->model->stages[edge->from_stage].gpu_intended)
            continue;
        e->why = ed_arena_printf(b->arena, "copies files from the GPU stage %s", edge->from);
        e->span = edge->instr->keyword.span;
        for (size_t k = 0; k < edge->instr->nflags; k++)
            if (strcmp(edge->instr->flags[k].name, "from") == 0)
                e->span = edge->instr->flags[k].word.span;
        return true;
    }
    return false;
}

void gpu_decide_intent(gpu_builder *b, gpu_stage *s)
{
    evidence e = {NULL, s->stage->from->keyword.span};
    bool found = false;
    if (b->mode == GPU_NEVER)
        return;
    if (b->mode == GPU_ALWAYS) {
        e.why = "--gpu always";
        found = true;
    } else if (s->image.vendor == KB_VENDOR_NVIDIA) {
        e.why = "is built on a CUDA image";
        e.span = s->stage->from->nargs ? s->stage->from->args[0].span : e.span;
        found = true;
    } else if (s->stage->parent >= 0 && b->model->stages[s->stage->parent].gpu_intended) {
        e.why = ed_arena_printf(b->arena, "is built on the GPU stage %s", s->stage->base);
        e.span = s->stage->from->args[0].span;
        found = true;
    } else if (env_evidence(s, &e)) {
        found = true;
    } else {
        for (size_t i = 0; i < s->ncmds && !found; i++)
            found = !s->cmds[i].onbuild && command_evidence(b, &s->cmds[i], &e);
        if (!found)
            found = copy_evidence(b, s, &e);
    }
    s->gpu_intended = found;
    s->intent = found ? e.why : NULL;
    s->intent_span = e.span;
    /* ONBUILD triggers: the same evidence, for the images built FROM this one */
    evidence o = {NULL, s->stage->from->keyword.span};
    bool onbuild = false;
    for (size_t i = 0; i < s->ncmds && !onbuild; i++)
        onbuild = s->cmds[i].onbuild && command_evidence(b, &s->cmds[i], &o);
    s->onbuild_intended = onbuild;
    s->onbuild_intent = onbuild ? o.why : NULL;
    s->onbuild_intent_span = o.span;
}
