/* ED201 torch-missing-index-url: torch, torchvision or torchaudio installed
 * by pip / uv from PyPI alone in a stage meant for an NVIDIA GPU. PyPI's
 * build has whatever CUDA that torch release defaults to (and is CPU-only on
 * arm64 before 2.11); PyTorch's cuXYZ index pins the build. */
#include <string.h>
#include <strings.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "envdoctor/model.h"
#include "torch_common.h"

/* pypi.org itself (also pypi.python.org and files.pythonhosted.org). */
static bool is_pypi(const char *url)
{
    static const char *const hosts[] = {"pypi.org", "pypi.python.org", "files.pythonhosted.org"};
    const char *p = url;
    const char *scheme = strstr(p, "://");
    if (scheme)
        p = scheme + 3;
    size_t len = strcspn(p, "/:");
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
        if (len == strlen(hosts[i]) && strncasecmp(p, hosts[i], len) == 0)
            return true;
    return false;
}

/* Anything that decides where torch comes from: a PyTorch index of any
 * kind (the cpu one is ED203's business), a local version label, uv's
 * torch backend, --no-index, or an index that is not PyPI (a mirror or a
 * local wheel folder: what it serves cannot be known). */
static bool has_torch_source(const torch_cmd *t)
{
    if (t->no_index)
        return true;
    for (size_t i = 0; i < t->nsources; i++) {
        const torch_source *src = &t->sources[i];
        if (src->origin == TORCH_FROM_LABEL || src->origin == TORCH_FROM_BACKEND ||
            src->origin == TORCH_FROM_URL || src->torch.kind != KB_INDEX_NONE ||
            !is_pypi(src->url))
            return true;
    }
    return false;
}

/* The cuXYZ index URL for the stage's image, or NULL when its CUDA is not
 * known for certain. */
static const char *index_for_image(ed_ctx *ctx, const torch_cmd *t)
{
    const kb_image_facts *img = &t->stage->image;
    if (!gpu_stage_is_cuda(t->stage) || img->cuda_unverified || img->cuda.minor < 0)
        return NULL;
    const char *suffix = torch_best_suffix(ctx->gpu->kb, img->cuda, t->torch_version);
    return suffix ? ed_arena_printf(ctx->arena, "https://download.pytorch.org/whl/%s", suffix)
                  : NULL;
}

/* The command installs nothing but the torch family, so PyTorch's index
 * can serve all of it. */
static bool only_torch(const torch_cmd *t)
{
    if (t->cmd->pkg->nrequirement_files > 0)
        return false;
    for (size_t i = 0; i < t->nreqs; i++)
        if (!gpu_is_torch_package(t->reqs[i].req->name))
            return false;
    return true;
}

/* ` --index-url URL` after the command's last word (`, "--index-url", "URL"`
 * after a word of an exec form), where a reader looks for it. When the
 * command already names PyPI with -i/--index-url, that value is replaced
 * instead: pip takes the last one. */
static ed_fix *option_fix(ed_ctx *ctx, const torch_cmd *t, const char *url)
{
    const gpu_cmd *c = t->cmd;
    ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
    const sh_word *index = c->pkg->index_url;
    if (index) {
        df_span value = gpu_word_span(c, index);
        fix->description = ed_arena_printf(ctx->arena, "Use --index-url %s", url);
        fix->replacement = url;
        fix->start = value.start;
        fix->end = value.end;
        return fix;
    }
    df_span word = gpu_word_span(c, &c->cmd->words[c->cmd->nwords - 1]);
    fix->description = ed_arena_printf(ctx->arena, "Add --index-url %s", url);
    bool argv_word = c->instr->json && c->cmd->depth == 0; /* not inside an sh -c string */
    fix->replacement = argv_word
                           ? ed_arena_printf(ctx->arena, ", \"--index-url\", \"%s\"", url)
                           : ed_arena_printf(ctx->arena, " --index-url %s", url);
    fix->start = fix->end = word.end;
    return fix;
}

/* For requirements files: an ENV line before the RUN (ONBUILD ENV for an
 * ONBUILD RUN). */
static ed_fix *env_fix(ed_ctx *ctx, const torch_cmd *t, const char *variable, const char *url)
{
    const gpu_cmd *c = t->cmd;
    const df_instr *in = &ctx->dockerfile->instrs[c->index];
    ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
    fix->description = ed_arena_printf(
        ctx->arena,
        "Set ENV %s=%s before this RUN so %s takes %s from PyTorch's index (if the file "
        "needs packages that index lacks, install %s in a RUN of its own with --index-url)",
        variable, url, c->pkg->program, t->first->req->name, t->first->req->name);
    fix->replacement = ed_arena_printf(ctx->arena, "%sENV %s=%s\n", c->onbuild ? "ONBUILD " : "",
                                       variable, url);
    fix->start = fix->end = in->span.start;
    return fix;
}

/* "; for IMAGE (CUDA X.Y.Z) use --index-url URL" (requirements files: "set
 * PIP_INDEX_URL=URL"), or a generic hint when the image's CUDA is unknown. */
static const char *advice(ed_ctx *ctx, const torch_cmd *t, const char *url, const char *variable)
{
    if (!url)
        return "; choose the https://download.pytorch.org/whl/cuXYZ index of the CUDA this stage "
               "targets";
    const char *how = t->first->file ? ed_arena_printf(ctx->arena, "set %s=", variable)
                                     : "use --index-url ";
    return ed_arena_printf(ctx->arena, "; for %s (CUDA %s) %s%s", gpu_stage_image(t->stage),
                           torch_version_text(ctx, t->stage->image.cuda), how, url);
}

static void check_cmd(ed_ctx *ctx, const torch_cmd *t)
{
    const gpu_cmd *c = t->cmd;
    /* uv add takes its indexes from pyproject.toml, which is not read here */
    if (!t->first || !t->stage->gpu_intended || c->pkg->manager == SH_PM_UV_ADD ||
        has_torch_source(t) || gpu_cmd_index_config_unread(ctx->gpu, c))
        return;
    const char *url = index_for_image(ctx, t);
    const char *variable = t->uv ? "UV_INDEX_URL" : "PIP_INDEX_URL";
    df_span at = t->first->span;
    ed_finding *f = ed_report_with(
        ctx, ctx->rule->severity, at.start, at.end,
        "%s%s installs %s without a PyTorch CUDA index, so it gets PyPI's default build, whose "
        "CUDA changes with each torch release (and is CPU-only on arm64 before 2.11)%s",
        torch_prefix(c), c->pkg->program, torch_req_label(ctx, t->first),
        advice(ctx, t, url, variable));
    if (!url)
        return;
    if (t->first->file)
        f->fix = env_fix(ctx, t, variable, url);
    else if (only_torch(t))
        f->fix = option_fix(ctx, t, url);
}

static void check(ed_ctx *ctx)
{
    torch_each_cmd(ctx, check_cmd);
}

ED_RULE(ed201){
    .id = "ED201",
    .name = "torch-missing-index-url",
    .severity = ED_SEV_ERROR,
    .summary = "torch is installed from PyPI alone in a GPU stage, without PyTorch's CUDA index",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
