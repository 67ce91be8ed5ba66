/* ED208 jax-without-cuda: plain `jax` / `jaxlib` is the CPU build; a stage
 * meant for a GPU needs a CUDA extra (jax[cuda12]), a CUDA plugin package
 * or, in old releases, a monolithic CUDA jaxlib. */
#include <string.h>

#include "frameworks_common.h"

typedef enum jax_backend {
    JAX_NONE,       /* not a JAX package */
    JAX_CPU,        /* jax / jaxlib / jax[cpu]: the CPU backend only */
    JAX_GONE_EXTRA, /* a CUDA extra the picked jax release no longer has */
    JAX_CUDA,       /* a CUDA backend comes with it */
    JAX_OTHER,      /* TPU or ROCm: another accelerator, not judged here */
} jax_backend;

static bool is_jax(const char *name)
{
    return strcmp(name, "jax") == 0 || strcmp(name, "jaxlib") == 0;
}

/* Is the extra gone in `version` (NULL: the newest release)? */
static kb_tri extra_removed(ed_ctx *ctx, const char *version, const void *data)
{
    const kb_jax_extra *extra = data;
    return extra->removed ? fw_version_reached(version, extra->removed) : KB_NO;
}

typedef struct jax_verdict {
    jax_backend backend;
    const kb_jax_extra *gone; /* for JAX_GONE_EXTRA: the removed extra */
    const char *gone_written; /* ... as the requirement spells it */
} jax_verdict;

/* Which backend a requirement brings. */
static jax_verdict backend_of(ed_ctx *ctx, const fw_item *item)
{
    const kb *k = ctx->gpu->kb;
    const sh_req *r = item->r;
    jax_verdict v = {JAX_CPU, NULL, NULL};
    if (kb_jax_plugin_find(k, r->name))
        return (jax_verdict){JAX_CUDA, NULL, NULL};
    if (!is_jax(r->name))
        return (jax_verdict){JAX_NONE, NULL, NULL};
    if (strcmp(r->name, "jaxlib") == 0 && kb_jaxlib_is_monolithic_cuda(k, r->pinned, NULL))
        return (jax_verdict){JAX_CUDA, NULL, NULL};
    if (!fw_from_index(r))
        return (jax_verdict){JAX_OTHER, NULL, NULL}; /* a custom build: it may well have CUDA */
    for (size_t i = 0; i < r->nextras; i++) {
        const kb_jax_extra *e = kb_jax_extra_find(k, r->extras[i]);
        if (!e || e->backend == KB_JAX_CPU)
            continue;
        if (e->backend != KB_JAX_CUDA)
            return (jax_verdict){JAX_OTHER, NULL, NULL};
        if (fw_picked_version_has(ctx, item, extra_removed, e) != KB_YES)
            return (jax_verdict){JAX_CUDA, NULL, NULL};
        v = (jax_verdict){JAX_GONE_EXTRA, e, r->extras[i]};
    }
    return v;
}

/* Somewhere in the stage (or a stage it builds on) JAX gets CUDA. */
static bool brings_cuda_jax(ed_ctx *ctx, const fw_item *item, void *data)
{
    if (sh_pm_is_python(item->cmd->pkg->manager))
        return backend_of(ctx, item).backend == JAX_CUDA;
    /* conda: jaxlib=*=*cuda* */
    return item->cmd->pkg->manager == SH_PM_CONDA && is_jax(item->r->name) && item->r->build &&
           strstr(item->r->build, "cuda");
}

/* `pip install jax jaxlib` is one mistake: report it at jax only. */
static bool jax_in_same_command(ed_ctx *ctx, const fw_item *item)
{
    size_t n;
    const gpu_req *reqs = gpu_cmd_reqs(ctx->arena, ctx->gpu, item->cmd, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(reqs[i].req->name, "jax") == 0)
            return true;
    return false;
}

/* NVIDIA's JAX containers (nvcr.io/nvidia/jax, ghcr.io/nvidia/jax) ship a
 * CUDA jax already; the knowledge base does not say which framework an
 * image ships, so this goes by the repository name. */
static bool image_ships_jax(const gpu_stage *s)
{
    const char *repo = s->image_known ? s->root->ref.repository : NULL;
    size_t n = repo ? strlen(repo) : 0;
    return n >= 4 && strcmp(repo + n - 4, "/jax") == 0;
}

/* "jax[cuda12] (CUDA 12, like the image's CUDA 12.4.1)", or both majors
 * with their driver floors when the image's CUDA has no matching extra. */
static const char *advice(ed_ctx *ctx, const gpu_stage *s, const char *extra)
{
    char buf[32];
    if (extra)
        return ed_arena_printf(ctx->arena, "jax[%s] (CUDA %d, like the image's CUDA %s)", extra,
                               s->image.cuda.major, kb_version_str(s->image.cuda, buf, sizeof buf));
    const char *floor12 = kb_cuda_driver_floor(ctx->gpu->kb, 12);
    const char *floor13 = kb_cuda_driver_floor(ctx->gpu->kb, 13);
    if (!floor12 || !floor13)
        return "jax[cuda12] or jax[cuda13]";
    return ed_arena_printf(ctx->arena, "jax[cuda12] (driver >= %s) or jax[cuda13] (driver >= %s)",
                           floor12, floor13);
}

static void report(ed_ctx *ctx, const fw_item *item, const jax_verdict *verdict)
{
    const sh_req *r = item->r;
    const gpu_stage *s = item->stage;
    const char *extra = fw_jax_wheel_extra(ctx, s->image.cuda.major);
    const char *why =
        verdict->gone
            ? ed_arena_printf(ctx->arena, "the [%s] extra was removed in jax %s and pip ignores it",
                              verdict->gone_written, verdict->gone->removed)
            : "no CUDA extra or CUDA plugin is installed";
    ed_finding *f = ed_report_with(
        ctx, ctx->rule->severity, item->req->span.start, item->req->span.end,
        "%s is the CPU build: %s, so JAX runs on the CPU only, although the stage is meant for "
        "a GPU (%s); install %s instead",
        fw_subject(ctx, item), why, fw_intent(ctx->arena, s), advice(ctx, s, extra));
    if (extra && strcmp(r->name, "jax") == 0 && r->nextras == 0) {
        ed_fix *fix = fw_fix_name(
            ctx, item, ed_arena_printf(ctx->arena, "%s[%s]", r->raw_name, extra),
            ed_arena_printf(ctx->arena,
                            "Install jax[%s] (unsafe, a judgement: it adds NVIDIA's CUDA pip "
                            "wheels and a minimum host driver)",
                            extra));
        if (fix)
            fix->unsafe = true;
        f->fix = fix;
    }
}

static void visit(ed_ctx *ctx, const fw_item *item, void *data)
{
    const gpu_stage *s = item->stage;
    if (!s->gpu_intended || s->image.vendor == KB_VENDOR_AMD ||
        s->image.vendor == KB_VENDOR_INTEL || image_ships_jax(s))
        return;
    jax_verdict verdict = backend_of(ctx, item);
    if (verdict.backend != JAX_CPU && verdict.backend != JAX_GONE_EXTRA)
        return;
    if (strcmp(item->r->name, "jaxlib") == 0 && jax_in_same_command(ctx, item))
        return;
    if (fw_chain_installs(ctx, s, brings_cuda_jax, data))
        return;
    report(ctx, item, &verdict);
}

static void check(ed_ctx *ctx)
{
    fw_chain_cache cache = {NULL};
    fw_each_python_req(ctx, FW_INSTALLS, visit, &cache);
}

ED_RULE(ed208){
    .id = "ED208",
    .name = "jax-without-cuda",
    .severity = ED_SEV_ERROR,
    .summary = "jax/jaxlib without a CUDA extra or plugin in a GPU stage runs on the CPU only",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
