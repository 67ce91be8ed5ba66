/* ED204 torch-extra-index-url: pip gets PyTorch's CUDA index only as an
 * extra index (--extra-index-url, PIP_EXTRA_INDEX_URL, or such a line in a
 * requirements file). pip then searches PyPI too and installs the newest
 * version it finds anywhere, so torch may come from PyPI, built for another
 * CUDA. Not for uv: uv tries extra indexes before the default one and stops
 * at the first index that has the package. */
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "torch_common.h"

static const char extra_option[] = "--extra-index-url";
static const char extra_variable[] = "PIP_EXTRA_INDEX_URL";

/* A PyTorch index pip uses as its main index: then PyPI is not searched. */
static bool has_main_pytorch_index(const torch_cmd *t)
{
    for (size_t i = 0; i < t->nsources; i++) {
        const torch_source *src = &t->sources[i];
        bool index = src->origin == TORCH_FROM_OPTION || src->origin == TORCH_FROM_VARIABLE ||
                     src->origin == TORCH_FROM_FILE;
        if (index && !src->extra && !src->find_links && src->torch.kind != KB_INDEX_NONE)
            return true;
    }
    return false;
}

/* Every torch-family requirement pins a +label: only PyTorch's index has it. */
static bool all_labelled(const torch_cmd *t)
{
    for (size_t i = 0; i < t->nreqs; i++) {
        const sh_req *r = t->reqs[i].req;
        kb_torch_index label;
        if (gpu_is_torch_package(r->name) && !r->url && !r->is_local &&
            !(r->pinned && kb_torch_local_label(r->pinned, &label)))
            return false;
    }
    return true;
}

static ed_fix *rename_fix(ed_ctx *ctx, df_span span, const char *to)
{
    ed_fix *fix = ed_arena_alloc(ctx->arena, sizeof *fix);
    fix->description = ed_arena_printf(ctx->arena, "Use %s: only PyTorch's index is searched", to);
    fix->replacement = to;
    fix->start = span.start;
    fix->end = span.end;
    return fix;
}

static void check_source(ed_ctx *ctx, const torch_cmd *t, const torch_source *src)
{
    if (!src->extra || src->torch.kind != KB_INDEX_CUDA)
        return;
    df_span at = src->span;
    const char *how = extra_option, *use = "--index-url";
    bool renamable = false;
    if (src->origin == TORCH_FROM_VARIABLE && strcmp(src->variable, extra_variable) == 0) {
        how = extra_variable;
        use = "PIP_INDEX_URL";
    } else if (src->origin != TORCH_FROM_OPTION && src->origin != TORCH_FROM_FILE) {
        return;
    }
    /* `--extra-index-url` or PIP_EXTRA_INDEX_URL as written: rename it */
    if (src->option && strcmp(src->option, how) == 0) {
        renamable = true;
        at = src->option_span;
    }
    if (torch_reported(ctx, at))
        return;
    const char *where = src->origin == TORCH_FROM_FILE
                            ? ed_arena_printf(ctx->arena, " in %s", src->file)
                            : "";
    const char *name = t->first->req->name;
    ed_finding *f = ed_report_with(
        ctx, ctx->rule->severity, at.start, at.end,
        "%sthe %s index is given with %s%s, so pip also searches PyPI and installs the newest "
        "%s it finds on either, which can be PyPI's build for another CUDA; use %s",
        torch_prefix(t->cmd), src->torch.suffix, how, where, name, use);
    if (renamable)
        f->fix = rename_fix(ctx, at, use);
}

static void check_cmd(ed_ctx *ctx, const torch_cmd *t)
{
    if (t->uv || !t->first || t->no_index || has_main_pytorch_index(t) || all_labelled(t))
        return;
    for (size_t i = 0; i < t->nsources; i++)
        check_source(ctx, t, &t->sources[i]);
}

static void check(ed_ctx *ctx)
{
    torch_each_cmd(ctx, check_cmd);
}

ED_RULE(ed204){
    .id = "ED204",
    .name = "torch-extra-index-url",
    .severity = ED_SEV_WARNING,
    .summary = "PyTorch's CUDA index is only an extra index: pip may take torch from PyPI",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
