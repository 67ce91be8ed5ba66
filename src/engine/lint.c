/* Linting one file: front end, build model, every rule, sorted findings. */
#include <stdint.h>
#include <string.h>

#include "envdoctor/dockerfile.h"
#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "envdoctor/kb.h"
#include "envdoctor/model.h"
#include "engine_internal.h"
#include "suppress.h"

const char *ed_unlintable(ed_arena *arena, const ed_source *src, const ed_limits *limits,
                          size_t *at)
{
    char size[32];
    if (src->oversize || src->len > limits->max_file_size) {
        *at = 0;
        return ed_arena_printf(arena,
                               "file is larger than the %s limit: not linted (raise the limit "
                               "with --max-file-size)",
                               ed_limit_size_text(limits->max_file_size, size, sizeof size));
    }
    const char *why = ed_source_not_text(src, at);
    if (why)
        return why;
    for (size_t i = 0; i < src->line_count; i++) {
        size_t start = src->line_starts[i];
        size_t end = i + 1 < src->line_count ? src->line_starts[i + 1] : src->len;
        if (end - start > limits->max_line_length) {
            *at = start;
            return ed_arena_printf(arena,
                                   "line %zu is %zu bytes long, over the %s limit: the file is "
                                   "not linted (raise the limit with --max-line-length)",
                                   i + 1, end - start,
                                   ed_limit_size_text(limits->max_line_length, size, sizeof size));
        }
    }
    return NULL;
}

bool ed_reject_unlintable(ed_ctx *ctx)
{
    size_t at;
    const char *why = ed_unlintable(ctx->arena, ctx->src, ed_options_limits(ctx->options), &at);
    if (!why)
        return false;
    ctx->rule = ed_rule_find("ED001");
    ed_report(ctx, at, at + (at < ctx->src->len), "%s", why);
    return true;
}

bool ed_reject_over_limits(ed_ctx *ctx, const df_file *file, const char *instructions)
{
    const ed_limits *limits = ed_options_limits(ctx->options);
    size_t at = SIZE_MAX;
    const char *why = NULL;
    if (file->ninstrs > limits->max_instructions) {
        at = file->instrs[limits->max_instructions].span.start;
        why = ed_arena_printf(ctx->arena,
                              "more than %zu %s (the limit): the file is not linted (raise the "
                              "limit with --max-instructions)",
                              limits->max_instructions, instructions);
    }
    size_t heredocs = 0;
    for (size_t i = 0; i < file->ninstrs && !why; i++) {
        const df_instr *in = &file->instrs[i];
        if (heredocs + in->nheredocs > limits->max_heredocs) {
            at = in->heredocs[limits->max_heredocs - heredocs].word.span.start;
            why = ed_arena_printf(ctx->arena,
                                  "more than %zu heredocs (the limit): the file is not linted "
                                  "(raise the limit with --max-heredocs)",
                                  limits->max_heredocs);
        }
        heredocs += in->nheredocs;
    }
    if (!why)
        return false;
    ctx->rule = ed_rule_find("ED001");
    ed_report(ctx, at, at + (at < ctx->src->len), "%s", why);
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
    const ed_limits *limits = ed_options_limits(ctx.options);
    df_file *file = ed_reject_unlintable(&ctx)
                        ? NULL
                        : df_parse_bounded(src, arena, limits->max_instructions,
                                           limits->max_heredocs);
    if (file && !ed_reject_over_limits(&ctx, file, "instructions")) {
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
