/* ED305 unbounded-cuda-build: a CUDA extension is compiled without an
 * architecture list (with no GPU visible during `docker build`, PyTorch's
 * extension builder then compiles for every architecture it supports), or
 * flash-attn without MAX_JOBS (its parallel nvcc jobs are known to exhaust
 * memory). */
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "system_common.h"

static const char *const torch_arch_knob = "TORCH_CUDA_ARCH_LIST";

static bool lists_knob(const kb_cuda_package *p, const char *knob)
{
    for (size_t i = 0; i < p->nknobs; i++)
        if (strcmp(p->knobs[i], knob) == 0)
            return true;
    return false;
}

/* The variable that bounds the architectures a build compiles for, or NULL
 * when the build has none we know (nvcc and cmake builds name their own). */
static const char *arch_knob_of(const gpu_build *b, const sh_command *cmd)
{
    const char *program = sh_program(cmd);
    if (strcmp(program, "nvcc") == 0 || strcmp(program, "cmake") == 0)
        return NULL;
    if (!b->known) /* setup.py / a local project built with PyTorch's extension builder */
        return torch_arch_knob;
    if (b->known->arch_knob)
        return b->known->arch_knob;
    return lists_knob(b->known, torch_arch_knob) ? torch_arch_knob : NULL;
}

static bool is_unset(const gpu_model *m, const gpu_cmd *c, const char *name)
{
    const char *value = gpu_cmd_var(m, c, name);
    return !value || !*value;
}

static bool needs_max_jobs(const gpu_build *b)
{
    return b->known && strcmp(b->known->name, "flash-attn") == 0;
}

/* MAX_JOBS=4 in front of the command, for shell-form RUN lines. */
static void attach_max_jobs_fix(ed_ctx *ctx, ed_finding *f, const gpu_cmd *c)
{
    if (c->instr->json)
        return;
    df_span at = gpu_span(c, c->cmd->start, c->cmd->start);
    ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
    *fix = (ed_fix){.description = "limit the parallel compile jobs (flash-attn's README "
                                   "suggests MAX_JOBS=4)",
                    .replacement = "MAX_JOBS=4 ",
                    .start = at.start,
                    .end = at.start};
    f->fix = fix;
}

static void check_build(ed_ctx *ctx, const gpu_stage *s, const gpu_build *b)
{
    const gpu_cmd *c = &s->cmds[b->cmd];
    const char *knob = arch_knob_of(b, c->cmd);
    bool no_arch = knob && is_unset(ctx->gpu, c, knob);
    bool no_jobs = needs_max_jobs(b) && is_unset(ctx->gpu, c, "MAX_JOBS");
    if (!no_arch && !no_jobs)
        return;
    static const char *const all_archs = "it compiles for every GPU architecture it supports, "
                                         "multiplying build time and size";
    static const char *const all_cores = "one nvcc job per CPU core is known to exhaust the "
                                         "builder's memory";
    /* TORCH_CUDA_ARCH_LIST set for a package that reads its own variable */
    const char *ignored = no_arch && strcmp(knob, torch_arch_knob) != 0 &&
                                  !is_unset(ctx->gpu, c, torch_arch_knob)
                              ? ed_arena_printf(ctx->arena, " (%s is, but %s does not read it)",
                                                torch_arch_knob, b->package)
                              : "";
    ed_finding *f;
    if (no_arch && no_jobs)
        f = ed_report_with(ctx, ED_SEV_INFO, b->span.start, b->span.end,
                           "%s, and neither %s nor MAX_JOBS is set%s: %s, and %s", b->what, knob,
                           ignored, all_archs, all_cores);
    else
        f = ed_report_with(ctx, ED_SEV_INFO, b->span.start, b->span.end,
                           "%s, and %s is not set%s: %s", b->what, no_arch ? knob : "MAX_JOBS",
                           ignored, no_arch ? all_archs : all_cores);
    /* only a whole repair is a fix: the architectures are the user's choice */
    if (no_jobs && !no_arch)
        attach_max_jobs_fix(ctx, f, c);
}

static void check(ed_ctx *ctx)
{
    sys_each_build(ctx, check_build);
}

ED_RULE(ed305){
    .id = "ED305",
    .name = "unbounded-cuda-build",
    .severity = ED_SEV_INFO,
    .summary = "A CUDA extension is compiled for every architecture, or flash-attn without MAX_JOBS",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
