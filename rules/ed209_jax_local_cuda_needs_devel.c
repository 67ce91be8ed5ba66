/* ED209 jax-local-cuda-needs-devel: the "local CUDA" ways to install JAX
 * (jax[cuda12_local], a CUDA plugin without its [with-cuda] wheels, the old
 * monolithic jaxlib==X+cudaNN wheels) use the system's CUDA toolkit (ptxas,
 * nvlink) at run time; an image without one fails when JAX compiles. */
#include <string.h>

#include "frameworks_common.h"

typedef enum local_kind { NOT_LOCAL, LOCAL_EXTRA, LOCAL_PLUGIN, LOCAL_MONOLITHIC } local_kind;

/* Is the extra gone in `version` (NULL: the newest release)? Then pip
 * ignores it and JAX is the CPU build: ED208's finding, not this one. */
static kb_tri extra_gone(ed_ctx *ctx, const char *version, const void *data)
{
    const kb_jax_extra *extra = data;
    return extra->removed ? fw_version_reached(version, extra->removed) : KB_NO;
}

/* How the requirement needs a local CUDA; *major gets its CUDA major (0
 * when it names none). */
static local_kind local_kind_of(ed_ctx *ctx, const fw_item *item, int *major)
{
    const kb *k = ctx->gpu->kb;
    const sh_req *r = item->r;
    *major = 0;
    const kb_jax_plugin *plugin = kb_jax_plugin_find(k, r->name);
    if (plugin && plugin->bundled_extra && !fw_has_extra(r, plugin->bundled_extra) &&
        fw_from_index(r)) {
        *major = plugin->cuda_major;
        return LOCAL_PLUGIN;
    }
    if (strcmp(r->name, "jaxlib") == 0 && kb_jaxlib_is_monolithic_cuda(k, r->pinned, NULL))
        return LOCAL_MONOLITHIC;
    if ((strcmp(r->name, "jax") != 0 && strcmp(r->name, "jaxlib") != 0) || !fw_from_index(r))
        return NOT_LOCAL;
    for (size_t i = 0; i < r->nextras; i++) {
        const kb_jax_extra *e = kb_jax_extra_find(k, r->extras[i]);
        if (e && e->backend == KB_JAX_CUDA && e->local &&
            fw_picked_version_has(ctx, item, extra_gone, e) != KB_YES) {
            *major = e->cuda_major;
            return LOCAL_EXTRA;
        }
    }
    return NOT_LOCAL;
}

/* The nvidia-cuda-nvcc wheels anywhere in the stage or a stage it builds
 * on (in any order: JAX looks for ptxas when it compiles, at run time). */
static bool nvcc_wheels(const gpu_stage *s)
{
    for (; s; s = s->parent)
        for (size_t i = 0; i < s->ncuda_installs; i++)
            if (s->cuda_installs[i].source == GPU_CUDA_WHEEL)
                return true;
    return false;
}

/* CUDA's compiler tools arrive as pip wheels somewhere in the stage:
 * jax[cudaNN] or a plugin with [with-cuda]. */
static bool brings_cuda_wheels(ed_ctx *ctx, const fw_item *item, void *data)
{
    const sh_req *r = item->r;
    if (!sh_pm_is_python(item->cmd->pkg->manager))
        return false;
    const kb_jax_plugin *plugin = kb_jax_plugin_find(ctx->gpu->kb, r->name);
    if (plugin && plugin->bundled_extra && fw_has_extra(r, plugin->bundled_extra))
        return true;
    for (size_t i = 0; strcmp(r->name, "jax") == 0 && i < r->nextras; i++) {
        const kb_jax_extra *e = kb_jax_extra_find(ctx->gpu->kb, r->extras[i]);
        if (e && e->backend == KB_JAX_CUDA && !e->local &&
            fw_picked_version_has(ctx, item, extra_gone, e) != KB_YES)
            return true;
    }
    return false;
}

/* The image has no nvcc/ptxas and the stage brings none before the
 * command (ONBUILD triggers run after all of the stage). */
static bool lacks_toolkit(const fw_item *item)
{
    const gpu_stage *s = item->stage;
    return s->image.has_nvcc == KB_NO && !gpu_stage_has_nvcc(s, fw_cmd_index(item));
}

/* What to install instead, for the message. */
static const char *advice(ed_ctx *ctx, local_kind kind, const sh_req *r, int major)
{
    if (kind == LOCAL_PLUGIN)
        return ed_arena_printf(ctx->arena, "%s[with-cuda], whose pip wheels bring CUDA",
                               r->raw_name);
    const char *extra = fw_jax_wheel_extra(ctx, major);
    if (extra)
        return ed_arena_printf(ctx->arena, "jax[%s], whose pip wheels bring CUDA", extra);
    return "jax[cuda12] or jax[cuda13], whose pip wheels bring CUDA";
}

static void visit(ed_ctx *ctx, const fw_item *item, void *data)
{
    const gpu_stage *s = item->stage;
    const sh_req *r = item->r;
    int major;
    if (s->image.vendor == KB_VENDOR_AMD || s->image.vendor == KB_VENDOR_INTEL)
        return;
    local_kind kind = local_kind_of(ctx, item, &major);
    if (kind == NOT_LOCAL || !lacks_toolkit(item) || nvcc_wheels(s) ||
        fw_chain_installs(ctx, s, brings_cuda_wheels, data))
        return;
    const char *what = kind == LOCAL_MONOLITHIC ? " (a monolithic CUDA jaxlib)" : "";
    if (kind == LOCAL_MONOLITHIC)
        major = s->image.cuda.major;
    ed_finding *f = ed_report_with(
        ctx, ctx->rule->severity, item->req->span.start, item->req->span.end,
        "%s%s uses the system's CUDA toolkit (ptxas, nvlink), but %s has no nvcc or ptxas and "
        "the stage installs no CUDA toolkit; use a -devel image, or %s",
        fw_subject(ctx, item), what, gpu_stage_image(s), advice(ctx, kind, r, major));
    if (kind == LOCAL_PLUGIN && r->nextras == 0) {
        ed_fix *fix = fw_fix_name(ctx, item,
                                  ed_arena_printf(ctx->arena, "%s[with-cuda]", r->raw_name),
                                  "Add the [with-cuda] extra (unsafe, a judgement: NVIDIA's CUDA "
                                  "wheels are installed instead of using a system toolkit)");
        if (fix)
            fix->unsafe = true;
        f->fix = fix;
    }
}

static void check(ed_ctx *ctx)
{
    fw_chain_cache cache = {NULL};
    fw_each_python_req(ctx, FW_INSTALLS, visit, &cache);
}

ED_RULE(ed209){
    .id = "ED209",
    .name = "jax-local-cuda-needs-devel",
    .severity = ED_SEV_WARNING,
    .summary = "A local-CUDA JAX install (jax[cudaNN_local], monolithic jaxlib) on an image "
               "without nvcc/ptxas",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
