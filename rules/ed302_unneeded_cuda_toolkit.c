/* ED302 unneeded-cuda-toolkit: a CUDA toolkit (nvcc) is installed where it
 * is not needed: the image or an earlier install already has the same one,
 * or the stage is an application image in which nothing compiles CUDA code
 * (prebuilt CUDA wheels bring their own libraries). */
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "system_common.h"

/* Where nvcc comes from before a toolkit install, if anywhere. */
typedef struct prior_nvcc {
    const char *what;   /* "nvidia/cuda:12.4.1-devel-ubuntu22.04", "cuda-nvcc-12-4" */
    kb_version version; /* its CUDA, or none */
} prior_nvcc;

static bool prior_toolkit(ed_arena *arena, const gpu_stage *s, const gpu_toolkit *before,
                          prior_nvcc *out)
{
    for (const gpu_stage *p = s; p; p = p->parent) {
        /* toolkits is NULL when there are none: count, do not add to it */
        size_t end = p == s ? (size_t)(before - p->toolkits) : p->ntoolkits;
        for (const gpu_toolkit *t = p->toolkits; t && t < p->toolkits + end; t++)
            if (!t->onbuild && t->nvcc != KB_NO) {
                out->what = ed_arena_printf(arena, "%s installed %s", t->req->raw_name,
                                            p == s ? "earlier in this stage" : "in the stage it is built FROM");
                out->version = t->version;
                return true;
            }
    }
    return false;
}

static bool prior_nvcc_of(ed_arena *arena, const gpu_stage *s, const gpu_toolkit *toolkit,
                          prior_nvcc *out)
{
    if (s->image.has_nvcc == KB_YES) {
        out->what = gpu_stage_image(s);
        out->version = s->image.cuda;
        return true;
    }
    return prior_toolkit(arena, s, toolkit, out);
}

/* ---- Could anything compile CUDA code? (conservative: yes when unsure) ---- */

static bool is_build_tool(const char *program)
{
    static const char *const tools[] = {"nvcc", "ptxas", "cmake", "make", "gmake", "ninja", "meson",
                                        "bazel", "bazelisk", "gcc", "g++", "cc", "c++", "clang",
                                        "clang++", "cargo"};
    for (size_t i = 0; i < sizeof tools / sizeof *tools; i++)
        if (strcmp(program, tools[i]) == 0)
            return true;
    return false;
}

/* `./build.sh`, `/opt/install.sh`, `bash install.sh`: a script we cannot see. */
static bool runs_script(const sh_command *cmd)
{
    const char *w0 = cmd->words[0].text;
    const char *program = sh_program(cmd);
    size_t n = strlen(program);
    if (strncmp(w0, "./", 2) == 0 || strncmp(w0, "../", 3) == 0 ||
        (n > 3 && strcmp(program + n - 3, ".sh") == 0))
        return true;
    return sh_is_shell_program(program) && sh_executable(cmd);
}

static bool is_setup_py(const sh_command *cmd)
{
    return strncmp(sh_program(cmd), "python", 6) == 0 && cmd->nwords > 1 &&
           strstr(cmd->words[1].text, "setup.py") != NULL;
}

/* A Python requirement that compiles, may compile, or needs nvcc at run
 * time: a source checkout, a package known to build CUDA code (also JIT),
 * or a JAX install that uses the system CUDA toolkit. */
static bool requirement_needs_nvcc(const kb *k, const sh_req *r)
{
    if (r->is_local || r->url || r->editable)
        return true;
    if (kb_cuda_package_find(k, r->name))
        return true;
    for (size_t i = 0; i < r->nextras; i++) {
        const kb_jax_extra *e = kb_jax_extra_find(k, r->extras[i]);
        if (e && e->local && (strcmp(r->name, "jax") == 0 || strcmp(r->name, "jaxlib") == 0))
            return true;
    }
    return strcmp(r->name, "jaxlib") == 0 && r->pinned && kb_jaxlib_is_monolithic_cuda(k, r->pinned, NULL);
}

static bool is_python_install(const sh_pkgcmd *pkg)
{
    return pkg && (pkg->action == SH_ACT_INSTALL || pkg->action == SH_ACT_WHEEL) &&
           sh_pm_is_python(pkg->manager);
}

static bool python_install_needs_nvcc(ed_ctx *ctx, const gpu_cmd *c)
{
    size_t n;
    gpu_req *reqs = gpu_cmd_reqs(ctx->arena, ctx->gpu, c, &n);
    bool read_a_file = false;
    for (size_t i = 0; i < n; i++) {
        read_a_file = read_a_file || reqs[i].file;
        if (requirement_needs_nvcc(ctx->gpu->kb, reqs[i].req))
            return true;
    }
    /* -r FILE that is not in the build context: its packages are unknown */
    return c->pkg->nrequirement_files > 0 && !read_a_file;
}

static bool command_may_compile(ed_ctx *ctx, const gpu_cmd *c)
{
    const sh_command *cmd = c->cmd;
    if (cmd->nwords == 0)
        return false;
    if (is_build_tool(sh_program(cmd)) || runs_script(cmd) || is_setup_py(cmd))
        return true;
    return is_python_install(c->pkg) && python_install_needs_nvcc(ctx, c);
}

typedef struct stage_use {
    bool may_compile;     /* something may need nvcc */
    bool installs_python; /* pip/uv installs: an application image, not a CUDA base image */
} stage_use;

static stage_use use_of_toolkit(ed_ctx *ctx, const gpu_stage *stage)
{
    stage_use use = {false, false};
    for (size_t k = 0; k < stage->nconsumers && !use.may_compile; k++) {
        const gpu_stage *s = &ctx->gpu->stages[stage->consumers[k]];
        use.may_compile = s->nbuilds > 0;
        for (size_t i = 0; i < s->ncmds && !use.may_compile; i++) {
            use.installs_python = use.installs_python || is_python_install(s->cmds[i].pkg);
            use.may_compile = command_may_compile(ctx, &s->cmds[i]);
        }
    }
    return use;
}

/* ---- Findings ---- */

static void report_redundant(ed_ctx *ctx, const gpu_stage *s, const gpu_toolkit *t,
                             const prior_nvcc *prior)
{
    const char *name = t->req->raw_name;
    const gpu_cmd *c = &s->cmds[t->cmd];
    const char *version = prior->version.major >= 0
                              ? ed_arena_printf(ctx->arena, ", CUDA %s",
                                                sys_cuda_str(ctx->arena, prior->version))
                              : "";
    ed_finding *f = ed_report_with(ctx, ED_SEV_WARNING, t->span.start, t->span.end,
                                   "%s installs a CUDA toolkit, but the stage already has one "
                                   "(nvcc from %s%s): the install only makes the image bigger",
                                   name, prior->what, version);
    if (t->req->word && !c->instr->json) { /* removing an exec-form element would break the JSON */
        df_span word = gpu_word_span(c, t->req->word);
        size_t from, to;
        ed_removal_range(ctx->src, word.start, word.end, &from, &to);
        ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
        *fix = (ed_fix){.description = ed_arena_printf(ctx->arena, "remove %s", name),
                        .replacement = "",
                        .start = from,
                        .end = to,
                        .unsafe = true}; /* the toolkit may be wanted after all */
        f->fix = fix;
    }
}

static void report_unused(ed_ctx *ctx, const gpu_toolkit *t)
{
    ed_report(ctx, t->span.start, t->span.end,
              "%s installs a CUDA toolkit, but neither this stage nor a stage built on it or "
              "copying from it compiles CUDA code: prebuilt CUDA wheels (torch, jax, cupy-cuda12x) "
              "bring their own CUDA libraries",
              t->req->raw_name);
}

static void check_toolkit(ed_ctx *ctx, const gpu_stage *s, const gpu_toolkit *t)
{
    if (t->nvcc == KB_NO) /* conda cudatoolkit: runtime libraries for conda packages */
        return;
    prior_nvcc prior;
    if (prior_nvcc_of(ctx->arena, s, t, &prior)) {
        kb_version mine = t->version;
        /* A different version is deliberate, or ED303's business. */
        if (mine.major < 0 || (prior.version.major >= 0 && sys_same_cuda(mine, prior.version)))
            report_redundant(ctx, s, t, &prior);
        return;
    }
    stage_use use = use_of_toolkit(ctx, s);
    if (!use.may_compile && use.installs_python)
        report_unused(ctx, t);
}

static void check(ed_ctx *ctx)
{
    sys_each_toolkit(ctx, check_toolkit);
}

ED_RULE(ed302){
    .id = "ED302",
    .name = "unneeded-cuda-toolkit",
    .severity = ED_SEV_WARNING,
    .summary = "A CUDA toolkit is installed on an image that has one, or where nothing compiles CUDA code",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
