/* Linting one file: front end, build model, every rule, sorted findings. */
#include <string.h>

#include "envdoctor/dockerfile.h"
#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "envdoctor/model.h"
#include "engine_internal.h"
#include "suppress.h"

/* A file that is not text gets one syntax-error finding and nothing else. */
bool ed_reject_non_text(ed_ctx *ctx)
{
    size_t at;
    const char *why = ed_source_not_text(ctx->src, &at);
    if (!why)
        return false;
    ctx->rule = ed_rule_find("ED001");
    ed_report(ctx, at, at + 1, "%s", why);
    return true;
}

/* The build context: --context, else the Dockerfile's folder (none for stdin). */
static const char *context_dir(ed_arena *arena, const ed_source *src, const ed_options *options)
{
    if (options->context_dir)
        return options->context_dir;
    if (!src->path || strcmp(src->path, "<stdin>") == 0)
        return NULL;
    const char *slash = strrchr(src->path, '/');
    return slash ? ed_arena_strndup(arena, src->path, (size_t)(slash - src->path) + (slash == src->path))
                 : ".";
}

void ed_run_rules(ed_ctx *ctx)
{
    for (size_t i = 0; ed_rules_all[i]; i++) {
        const ed_rule *rule = ed_rules_all[i];
        if (!(rule->kinds & ctx->kind) || !rule->check)
            continue;
        ctx->rule = rule;
        rule->check(ctx);
    }
    ctx->rule = NULL;
}

void ed_lint_dockerfile(ed_arena *arena, const ed_source *src, const ed_options *options,
                        ed_file_result *out)
{
    static const ed_options no_options = {0};
    ed_ctx ctx = {0};
    ctx.arena = arena;
    ctx.src = src;
    ctx.kind = ED_KIND_DOCKERFILE;
    ctx.options = options ? options : &no_options;
    if (!ed_reject_non_text(&ctx)) {
        df_file *file = df_parse(src, arena);
        df_validate(file, arena);
        ctx.dockerfile = file;
        ctx.model = df_model_build(arena, ctx.dockerfile, ctx.options->build_args,
                                   ctx.options->nbuild_args);
        ctx.gpu = gpu_model_build(arena, ctx.model, kb_get(), (gpu_mode)ctx.options->gpu,
                                  context_dir(arena, src, ctx.options));
        ed_run_rules(&ctx);
        ed_suppress_dockerfile(&ctx);
    }
    ed_sort_findings(ctx.findings, ctx.nfindings, src);
    memset(out, 0, sizeof *out);
    out->path = src->path;
    out->kind = ED_KIND_DOCKERFILE;
    out->src = src;
    out->findings = ctx.findings;
    out->nfindings = ctx.nfindings;
    out->gpu = ctx.gpu;
}
