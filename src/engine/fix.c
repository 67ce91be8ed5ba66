/* Applying fixes to a source (see ed_apply_fixes in engine.h). */
#include <stdlib.h>
#include <string.h>

#include "envdoctor/buf.h"
#include "envdoctor/engine.h"
#include "engine_internal.h"

size_t ed_fix_edits(const ed_fix *fix, ed_edit *out, size_t max)
{
    size_t n = 0;
    if (max > 0)
        out[n++] = (ed_edit){fix->start, fix->end, fix->replacement ? fix->replacement : ""};
    for (size_t i = 0; i < fix->nmore && n < max; i++)
        out[n++] = fix->more[i];
    return n;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

void ed_removal_range(const ed_source *src, size_t start, size_t end, size_t *from, size_t *to)
{
    const char *d = src->data;
    /* the line of start begins after the line break before it (at 0 on the
     * first line), and the line of end stops at the line break after it:
     * from the line index, not by scanning a long line for each removal */
    size_t k = ed_line_at(src, start);
    size_t ls = k == 0 ? 0 : src->line_starts[k];
    size_t le = end;
    if (end < src->len) {
        k = ed_line_at(src, end);
        le = k + 1 < src->line_count ? src->line_starts[k + 1] - 1 : src->len;
    }
    /* where the line's text ends: a CRLF line break keeps its '\r' */
    size_t te = le < src->len && le > end && d[le - 1] == '\r' ? le - 1 : le;
    size_t b = start, a = end;
    while (b > ls && blank(d[b - 1]))
        b--;
    while (a < te && blank(d[a]))
        a++;
    bool alone_before = b == ls;
    bool continued = a < le && d[a] == '\\' && a + 1 + strspn(d + a + 1, " \t\r") >= le;
    if (alone_before && continued) { /* the whole line, its break included */
        *from = ls;
        *to = le < src->len ? le + 1 : le;
        return;
    }
    if (alone_before && a == te && ls > 0) {
        /* the last line of a continuation: join it to the line before */
        size_t p = ls - 1; /* the '\n' */
        while (p > 0 && blank(d[p - 1]))
            p--;
        if (p > 0 && d[p - 1] == '\\') {
            p--;
            while (p > 0 && blank(d[p - 1]))
                p--;
            *from = p;
            *to = te;
            return;
        }
    }
    if (b < start) { /* the blanks before it */
        *from = b;
        *to = end;
    } else {
        *from = start;
        *to = a;
    }
}

static int by_start(const void *pa, const void *pb)
{
    const ed_edit *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->end < b->end ? -1 : a->end > b->end;
}

/* Do two edits touch the same bytes? Two insertions at one place do too
 * (their order would be a guess), and an insertion inside a replaced range. */
static bool overlap(const ed_edit *a, const ed_edit *b)
{
    if (a->start == b->start)
        return true;
    return a->start < b->end && b->start < a->end;
}

/* Does the text end its lines with CRLF (its first line break says)? */
static bool uses_crlf(const ed_source *src)
{
    const char *nl = memchr(src->data, '\n', src->len);
    return nl && nl > src->data && nl[-1] == '\r';
}

/* A replacement with the file's line endings. */
static void add_replacement(ed_buf *out, const char *text, bool crlf)
{
    for (const char *p = text; *p; p++) {
        if (crlf && *p == '\n' && (p == text || p[-1] != '\r'))
            ed_buf_addc(out, '\r');
        ed_buf_addc(out, *p);
    }
}

const char *ed_apply_fixes(ed_arena *arena, const ed_source *src, const ed_finding *findings,
                           size_t n, bool unsafe, size_t *len, size_t *applied)
{
    ed_edit *taken = NULL;
    size_t ntaken = 0;
    *applied = 0;
    for (size_t k = 0; k < n; k++) {
        const ed_fix *fix = findings[k].fix;
        if (!fix || (fix->unsafe && !unsafe))
            continue;
        size_t nedits = 1 + fix->nmore;
        ed_edit *edits = ed_arena_calloc(arena, nedits, sizeof *edits);
        ed_fix_edits(fix, edits, nedits);
        bool ok = true;
        for (size_t e = 0; e < nedits && ok; e++) {
            ok = edits[e].start <= edits[e].end && edits[e].end <= src->len;
            for (size_t t = 0; t < ntaken && ok; t++)
                ok = !overlap(&edits[e], &taken[t]);
            for (size_t f = 0; f < e && ok; f++)
                ok = !overlap(&edits[e], &edits[f]);
        }
        if (!ok)
            continue; /* conflicts are dropped, not merged */
        for (size_t e = 0; e < nedits; e++) {
            taken = ed_arena_push(arena, taken, ntaken, sizeof *taken);
            taken[ntaken++] = edits[e];
        }
        (*applied)++;
    }
    if (*applied == 0) {
        *len = src->len;
        return src->data;
    }
    qsort(taken, ntaken, sizeof *taken, by_start);
    ed_buf out = ED_BUF_INIT;
    size_t at = 0;
    bool crlf = uses_crlf(src);
    for (size_t t = 0; t < ntaken; t++) {
        ed_buf_add(&out, src->data + at, taken[t].start - at);
        add_replacement(&out, taken[t].replacement, crlf);
        at = taken[t].end;
    }
    ed_buf_add(&out, src->data + at, src->len - at);
    *len = out.len;
    const char *text = out.len ? ed_buf_to_arena(&out, arena) : "";
    ed_buf_free(&out);
    return text;
}
