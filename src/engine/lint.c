/* Linting one file: front end, build model, every rule, sorted findings. */
#include <string.h>

#include "envdoctor/dockerfile.h"
#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "envdoctor/kb.h"
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

bool ed_rule_disabled(const ed_options *options, const ed_rule *rule)
{
    if (!options || !rule)
        return false;
    for (size_t i = 0; i < options->nignored_rules; i++)
        if (options->ignored_rules[i] == rule)
            return true;
    bool off = false;
    for (size_t i = 0; i < options->nseverities; i++)
        if (options->severities[i].rule == rule)
            off = options->severities[i].severity == ED_SEV_OFF;
    return off;
}

void ed_apply_rule_settings(ed_ctx *ctx)
{
    const ed_options *o = ctx->options;
    if (!o || (o->nignored_rules == 0 && o->nseverities == 0))
        return;
    size_t kept = 0;
    for (size_t k = 0; k < ctx->nfindings; k++) {
        ed_finding f = ctx->findings[k];
        if (ed_rule_disabled(o, f.rule))
            continue;
        for (size_t i = 0; i < o->nseverities; i++)
            if (o->severities[i].rule == f.rule)
                f.severity = o->severities[i].severity;
        ctx->findings[kept++] = f;
    }
    ctx->nfindings = kept;
}

const kb *ed_knowledge(ed_arena *arena, const ed_options *options)
{
    if (!options || options->nimage_hints == 0)
        return kb_get();
    return kb_with_images(kb_get(), arena, options->image_hints, options->nimage_hints);
}

void ed_run_rules(ed_ctx *ctx)
{
    for (size_t i = 0; ed_rules_all[i]; i++) {
        const ed_rule *rule = ed_rules_all[i];
        if (!(rule->kinds & ctx->kind) || !rule->check || ed_rule_disabled(ctx->options, rule))
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
        ctx.gpu = gpu_model_build(arena, ctx.model, ed_knowledge(arena, ctx.options),
                                  (gpu_mode)ctx.options->gpu, context_dir(arena, src, ctx.options));
        ed_run_rules(&ctx);
        ed_suppress_dockerfile(&ctx);
    }
    ed_apply_rule_settings(&ctx);
    ed_sort_findings(ctx.findings, ctx.nfindings, src);
    memset(out, 0, sizeof *out);
    out->path = src->path;
    out->kind = ED_KIND_DOCKERFILE;
    out->src = src;
    out->findings = ctx.findings;
    out->nfindings = ctx.nfindings;
    out->gpu = ctx.gpu;
}
