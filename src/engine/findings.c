/* Collecting the findings rules report, and ordering them. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "envdoctor/engine.h"

static ed_finding *push(ed_ctx *ctx)
{
    ctx->findings = ed_arena_push(ctx->arena, ctx->findings, ctx->nfindings, sizeof *ctx->findings);
    ed_finding *f = &ctx->findings[ctx->nfindings++];
    memset(f, 0, sizeof *f);
    return f;
}

static ed_finding *vreport(ed_ctx *ctx, ed_severity severity, size_t start, size_t end,
                           const char *fmt, va_list ap)
{
    ed_finding *f = push(ctx);
    f->rule = ctx->rule;
    f->severity = severity;
    f->message = ed_arena_vprintf(ctx->arena, fmt, ap);
    f->start = start;
    f->end = end < start ? start : end;
    return f;
}

void ed_report(ed_ctx *ctx, size_t start, size_t end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(ctx, ctx->rule->severity, start, end, fmt, ap);
    va_end(ap);
}

ed_finding *ed_report_with(ed_ctx *ctx, ed_severity severity, size_t start, size_t end,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ed_finding *f = vreport(ctx, severity, start, end, fmt, ap);
    va_end(ap);
    return f;
}

static int compare_findings(const void *pa, const void *pb)
{
    const ed_finding *a = pa, *b = pb;
    if (a->begin.line != b->begin.line)
        return a->begin.line < b->begin.line ? -1 : 1;
    if (a->begin.column != b->begin.column)
        return a->begin.column < b->begin.column ? -1 : 1;
    int c = strcmp(a->rule->id, b->rule->id);
    if (c)
        return c;
    return strcmp(a->message, b->message);
}

void ed_sort_findings(ed_finding *findings, size_t n, const ed_source *src)
{
    for (size_t i = 0; i < n; i++) {
        findings[i].begin = ed_source_pos(src, findings[i].start);
        findings[i].finish = ed_source_pos(src, findings[i].end);
    }
    if (n > 1)
        qsort(findings, n, sizeof *findings, compare_findings);
}
