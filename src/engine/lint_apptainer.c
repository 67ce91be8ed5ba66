/* Linting an Apptainer/Singularity definition file: the parser (errors as
 * ED001), the build and GPU models of its Dockerfile view, the rules for
 * ED_KIND_APPTAINER, inline pragmas, sorted findings. */
#include <string.h>

#include "envdoctor/apptainer.h"
#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "envdoctor/model.h"
#include "engine_internal.h"
#include "suppress.h"

/* Where %files sources and requirements files are read: --context, else
 * the definition file's folder (none for standard input). */
static const char *context_dir(ed_arena *arena, const ed_source *src, const ed_options *options)
{
    if (options->context_dir)
        return options->context_dir;
    if (!src->path || strcmp(src->path, "<stdin>") == 0)
        return NULL;
    const char *slash = strrchr(src->path, '/');
    if (!slash)
        return ".";
    return ed_arena_strndup(arena, src->path, (size_t)(slash - src->path) + (slash == src->path));
}

static bool continues(const ed_source *src, unsigned line)
{
    size_t s, e;
    ed_source_line_range(src, line, &s, &e);
    while (e > s && strchr(" \t\r", src->data[e - 1]))
        e--;
    return e > s && src->data[e - 1] == '\\';
}

/* The line a stage's header starts on (0: it has none). */
static unsigned stage_line(const ed_source *src, const ap_stage *st)
{
    return st->nheaders ? ed_source_pos(src, st->headers[0].span.start).line : 0;
}

/* The pragmas of a definition file go through the Dockerfile logic over a
 * stand-in file whose instructions are the definition's lines: every line
 * that is neither blank nor a comment (lines continued with `\` joined),
 * the first header line of each stage as its FROM, so that `ignore=`
 * covers the line below the pragma, `stage ignore=` above a stage's first
 * line (Bootstrap:) the stage, and `global ignore=` the file. */
static df_file *pragma_view(ed_arena *arena, const ed_source *src, const ap_file *f)
{
    df_file *view = ed_arena_alloc(arena, sizeof *view);
    view->src = src;
    size_t next_stage = 0;
    for (unsigned line = 1; line <= src->line_count; line++) {
        size_t s, e;
        ed_source_line_range(src, line, &s, &e);
        while (s < e && (src->data[s] == ' ' || src->data[s] == '\t' || src->data[s] == '\r'))
            s++;
        if (s == e || src->data[s] == '#')
            continue;
        unsigned last = line;
        while (last < src->line_count && continues(src, last))
            last++;
        while (next_stage < f->nstages && stage_line(src, &f->stages[next_stage]) < line)
            next_stage++;
        bool stage_start =
            next_stage < f->nstages && stage_line(src, &f->stages[next_stage]) == line;
        view->instrs = ed_arena_push(arena, view->instrs, view->ninstrs, sizeof *view->instrs);
        df_instr *in = &view->instrs[view->ninstrs++];
        memset(in, 0, sizeof *in);
        in->kind = stage_start ? DF_FROM : DF_RUN;
        in->start_line = line;
        in->end_line = last;
        line = last;
    }
    return view;
}

/* An image named through {{ NAME }} is an image named with variables: the
 * image rules then point at the whole value and offer no tag fix (which
 * would write the value over the reference). Stages without a header have
 * no FROM in the view. */
static void mark_substituted_images(const ap_file *f, df_model *m)
{
    size_t k = 0;
    for (size_t i = 0; i < f->nstages && k < m->nstages; i++) {
        const ap_stage *st = &f->stages[i];
        if (st->nheaders == 0)
            continue;
        if (st->from && st->from->value.substituted)
            m->stages[k].base_has_vars = true;
        k++;
    }
}

/* A fix that inserts text where a mapped instruction starts adds a
 * Dockerfile instruction (ED201's `ENV PIP_INDEX_URL=...` line), which a
 * definition file cannot take there: the finding stays, without the fix. */
static void drop_instruction_fixes(ed_ctx *ctx, const df_file *view)
{
    for (size_t k = 0; k < ctx->nfindings; k++) {
        const ed_fix *fix = ctx->findings[k].fix;
        if (!fix || fix->start != fix->end)
            continue;
        for (size_t i = 0; i < view->ninstrs; i++)
            if (view->instrs[i].span.start == fix->start) {
                ctx->findings[k].fix = NULL;
                break;
            }
    }
}

void ed_lint_apptainer(ed_arena *arena, const ed_source *src, const ed_options *options,
                       ed_file_result *out)
{
    static const ed_options no_options = {0};
    ed_ctx ctx = {0};
    ctx.arena = arena;
    ctx.src = src;
    ctx.kind = ED_KIND_APPTAINER;
    ctx.options = options ? options : &no_options;
    ap_file *file = ed_reject_unlintable(&ctx)
                        ? NULL
                        : ap_parse_bounded(src, arena, ctx.options->build_args,
                                           ctx.options->nbuild_args,
                                           ed_options_limits(ctx.options)->max_instructions);
    if (file && !ed_reject_over_limits(&ctx, &file->dockerfile, "sections")) {
        ctx.dockerfile = &file->dockerfile;
        /* the build args went into {{ }} already: the view has no $VAR to fill */
        df_model *model = df_model_build(arena, ctx.dockerfile, NULL, 0);
        mark_substituted_images(file, model);
        ctx.model = model;
        ctx.gpu = gpu_model_build(arena, ctx.model, ed_knowledge(arena, ctx.options),
                                  (gpu_mode)ctx.options->gpu, context_dir(arena, src, ctx.options));
        ed_run_rules(&ctx);
        drop_instruction_fixes(&ctx, &file->dockerfile);
        ctx.dockerfile = pragma_view(arena, src, file);
        ed_suppress_dockerfile(&ctx);
        ctx.dockerfile = &file->dockerfile;
    }
    ed_apply_rule_settings(&ctx);
    ed_sort_findings(ctx.findings, ctx.nfindings, src);
    memset(out, 0, sizeof *out);
    out->path = src->path;
    out->kind = ED_KIND_APPTAINER;
    out->src = src;
    out->findings = ctx.findings;
    out->nfindings = ctx.nfindings;
    out->gpu = ctx.gpu;
}
