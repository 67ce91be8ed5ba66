/* ED101 cpu-only-base-image: a stage meant for an NVIDIA GPU is built on a
 * CPU-only image. One finding per root image, on its FROM image word,
 * naming every stage that wants the GPU and why. */
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "images_common.h"

/* Why a stage built on the CPU-only image wants a GPU, for the message, or
 * NULL when it does not count: no GPU evidence, evidence inherited from a
 * parent stage (named on its own), or CUDA installed by hand. */
static const char *stage_reason(ed_ctx *ctx, const gpu_stage *s)
{
    const char *label = gpu_stage_label(ctx->arena, ctx->gpu, s);
    if (s->gpu_intended) {
        if ((s->parent && s->parent->gpu_intended) || gpu_stage_installs_cuda(s, false))
            return NULL;
        return strcmp(s->intent, "--gpu always") == 0
                   ? ed_arena_printf(ctx->arena, "%s is meant for a GPU (--gpu always)", label)
                   : ed_arena_printf(ctx->arena, "%s %s", label, s->intent);
    }
    if (!s->onbuild_intended || gpu_stage_installs_cuda(s, true))
        return NULL;
    return ed_arena_printf(ctx->arena, "an ONBUILD trigger of %s %s", label, s->onbuild_intent);
}

/* "a", "a and b", "a, b and c" */
static const char *join(ed_ctx *ctx, const char *list, const char *item, bool last)
{
    if (!list)
        return item;
    return ed_arena_printf(ctx->arena, "%s%s%s", list, last ? " and " : ", ", item);
}

/* The CUDA of a CUDA image stage `s` copies files from (COPY --from). */
static bool copied_cuda(ed_ctx *ctx, const gpu_stage *s, kb_version *out)
{
    size_t n;
    const df_stage_edge *edges = df_model_stage_edges(ctx->model, s->stage->index, &n);
    for (size_t i = 0; i < n; i++) {
        const df_stage_edge *e = &edges[i];
        if (e->from_stage < 0)
            continue;
        const kb_image_facts *f = &ctx->gpu->stages[e->from_stage].image;
        if (f->vendor == KB_VENDOR_NVIDIA && f->cuda.minor >= 0 && !f->cuda_unverified) {
            *out = f->cuda;
            return true;
        }
    }
    return false;
}

/* The CUDA image to suggest: the CUDA of the wheels the stages install, or
 * of the CUDA image they copy files from; a devel flavor when one of them
 * compiles CUDA code. */
static const char *suggestion(ed_ctx *ctx, const gpu_stage *const *stages, size_t n,
                              const char *flavor)
{
    kb_version cuda = KB_VERSION_NONE;
    for (size_t i = 0; i < n && cuda.major < 0; i++)
        gpu_stage_wheel_cuda(ctx->arena, ctx->gpu, stages[i], &cuda);
    for (size_t i = 0; i < n && cuda.major < 0; i++)
        copied_cuda(ctx, stages[i], &cuda);
    return cuda.major < 0 ? NULL : images_cuda_image(ctx, cuda, flavor);
}

/* The GPU stages grouped by the stage at the root of their FROM chain (a
 * counting sort), so that each image use looks only at the stages built on
 * it: linear in the stages, not stages x uses. */
typedef struct root_groups {
    const gpu_stage **items; /* grouped by root stage index */
    size_t *start;           /* group of root r: items[start[r] .. start[r + 1]) */
} root_groups;

static root_groups group_by_root(ed_ctx *ctx)
{
    const gpu_model *m = ctx->gpu;
    root_groups g;
    g.items = ed_arena_calloc(ctx->arena, m->nstages + 1, sizeof *g.items);
    g.start = ed_arena_calloc(ctx->arena, m->nstages + 2, sizeof *g.start);
    for (size_t i = 0; i < m->nstages; i++)
        g.start[m->stages[i].root->index + 2]++;
    for (size_t r = 2; r < m->nstages + 2; r++)
        g.start[r] += g.start[r - 1];
    for (size_t i = 0; i < m->nstages; i++)
        g.items[g.start[m->stages[i].root->index + 1]++] = &m->stages[i];
    return g;
}

/* The stages built on the image of `use` that want a GPU, in stage order
 * (in stages, room for the group); *why gets their reasons, joined for
 * the message. Returns how many. */
static size_t gpu_stages(ed_ctx *ctx, const root_groups *groups, const images_use *use,
                         const gpu_stage **stages, const char **why)
{
    size_t root = use->stage->stage->index;
    size_t from = groups->start[root], to = groups->start[root + 1];
    const char **reasons = ed_arena_calloc(ctx->arena, to - from + 1, sizeof *reasons);
    size_t n = 0;
    for (size_t i = from; i < to; i++) {
        const char *reason = stage_reason(ctx, groups->items[i]);
        if (reason) {
            stages[n] = groups->items[i];
            reasons[n++] = reason;
        }
    }
    *why = NULL;
    for (size_t i = 0; i < n; i++)
        *why = join(ctx, *why, reasons[i], i == n - 1);
    return n;
}

static ed_fix *image_fix(ed_ctx *ctx, const images_use *use, const char *image)
{
    ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
    fix->description = ed_arena_printf(ctx->arena,
                                       "Base the stage on %s (unsafe, a judgement: the OS, the "
                                       "Python version and the system packages change; choose "
                                       "the flavor and OS your stage needs)",
                                       image);
    fix->replacement = image;
    fix->start = use->word.start;
    fix->end = use->word.end;
    fix->unsafe = true;
    return fix;
}

static void check_image(ed_ctx *ctx, const root_groups *groups, const images_use *use)
{
    size_t root = use->stage->stage->index;
    const gpu_stage **stages = ed_arena_calloc(
        ctx->arena, groups->start[root + 1] - groups->start[root] + 1, sizeof *stages);
    const char *why;
    size_t n = gpu_stages(ctx, groups, use, stages, &why);
    if (n == 0)
        return;
    const char *flavor = "runtime";
    for (size_t i = 0; i < n; i++)
        if (stages[i]->nbuilds > 0 || gpu_stage_needs_local_cuda(stages[i], ctx->gpu->kb))
            flavor = "devel";
    const char *image = suggestion(ctx, stages, n, flavor);
    const char *advice =
        image ? ed_arena_printf(ctx->arena, "use a CUDA base image such as %s", image)
              : ed_arena_printf(ctx->arena,
                                "use a CUDA base image (nvidia/cuda:<version>-%s-<os>) that "
                                "matches the CUDA the stage needs",
                                flavor);
    /* musl is a hard mismatch, not only missing defaults */
    const char *musl = use->facts.family && strcmp(use->facts.family, "alpine") == 0
                           ? "; Alpine's musl libc cannot load CUDA wheels or the driver libraries "
                             "the NVIDIA runtime injects (they need glibc)"
                           : "";
    ed_finding *f = ed_report_with(ctx, ctx->rule->severity, use->word.start, use->word.end,
                                   "%s is a CPU-only image, but %s: the image has no CUDA "
                                   "libraries of its own, no NVIDIA_VISIBLE_DEVICES/"
                                   "NVIDIA_DRIVER_CAPABILITIES defaults and no nvcc%s; %s",
                                   use->text, why, musl, advice);
    if (image)
        f->fix = image_fix(ctx, use, image);
}

static void check(ed_ctx *ctx)
{
    size_t n;
    images_use *uses = images_uses(ctx, false, &n);
    if (n == 0)
        return;
    root_groups groups = group_by_root(ctx);
    for (size_t i = 0; i < n; i++)
        if (uses[i].facts.vendor == KB_VENDOR_NONE)
            check_image(ctx, &groups, &uses[i]);
}

ED_RULE(ed101){
    .id = "ED101",
    .name = "cpu-only-base-image",
    .severity = ED_SEV_ERROR,
    .summary = "A stage meant for an NVIDIA GPU is built on a CPU-only base image",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
