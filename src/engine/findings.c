/* Collecting the findings rules report, and ordering them. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "envdoctor/engine.h"
#include "engine_internal.h"

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

size_t ed_line_at(const ed_source *src, size_t offset)
{
    size_t lo = 0, hi = src->line_count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (src->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The number of columns of data[from..to), all on one line: ed_source_pos
 * over a view of just those bytes. */
static unsigned columns_between(const ed_source *src, size_t from, size_t to)
{
    size_t zero = 0;
    ed_source view = {.data = src->data + from, .len = to - from, .line_starts = &zero,
                      .line_count = 1};
    return ed_source_pos(&view, to - from).column - 1;
}

typedef struct place {
    size_t offset;
    ed_pos *pos;
} place;

static int by_offset(const void *pa, const void *pb)
{
    const place *a = pa, *b = pb;
    return (a->offset > b->offset) - (a->offset < b->offset);
}

/* begin and finish of every finding, as ed_source_pos gives them, in one
 * pass over the source in offset order: ed_source_pos counts the columns
 * from the start of the line, so calling it per finding costs the line's
 * length each time (quadratic for many findings on one long line). */
static void fill_positions(ed_finding *findings, size_t n, const ed_source *src)
{
    place *at = malloc(2 * n * sizeof *at);
    if (!at)
        ed_out_of_memory();
    for (size_t i = 0; i < n; i++) {
        at[2 * i] = (place){findings[i].start > src->len ? src->len : findings[i].start,
                            &findings[i].begin};
        at[2 * i + 1] = (place){findings[i].end > src->len ? src->len : findings[i].end,
                                &findings[i].finish};
    }
    qsort(at, 2 * n, sizeof *at, by_offset);
    size_t line = 0, prev = 0;
    unsigned column = 1;
    for (size_t k = 0; k < 2 * n; k++) {
        size_t off = at[k].offset;
        bool same_line = k > 0;
        if (line + 1 < src->line_count && src->line_starts[line + 1] <= off) {
            line = ed_line_at(src, off); /* a later line */
            same_line = false;
        }
        size_t start = src->line_starts[line];
        if (same_line && prev >= start)
            column += columns_between(src, prev, off);
        else
            column = off > start ? 1 + columns_between(src, start, off) : 1;
        *at[k].pos = (ed_pos){(unsigned)line + 1, column};
        prev = off;
    }
    free(at);
}

void ed_sort_findings(ed_finding *findings, size_t n, const ed_source *src)
{
    if (n)
        fill_positions(findings, n, src);
    if (n > 1)
        qsort(findings, n, sizeof *findings, compare_findings);
}
