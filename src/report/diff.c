/* Unified diffs of a file before and after its fixes (see rep_unified_diff
 * in report.h): Myers' O(ND) algorithm over lines, hunks with three lines
 * of context, the format `patch -p1` applies. */
#include <stdlib.h>
#include <string.h>

#include "envdoctor/report.h"

enum { CONTEXT = 3 };

typedef struct line {
    const char *text;
    size_t len; /* without the '\n' */
    bool newline; /* ends with '\n' (only the last line may not) */
} line;

typedef struct lines {
    line *items;
    size_t n;
} lines;

static lines split_lines(ed_arena *arena, const char *s, size_t len)
{
    lines l = {0};
    for (size_t i = 0; i < len;) {
        size_t eol = i;
        while (eol < len && s[eol] != '\n')
            eol++;
        l.items = ed_arena_push(arena, l.items, l.n, sizeof *l.items);
        l.items[l.n++] = (line){s + i, eol - i, eol < len};
        i = eol + 1;
    }
    return l;
}

static bool same(const line *a, const line *b)
{
    return a->len == b->len && a->newline == b->newline && memcmp(a->text, b->text, a->len) == 0;
}

/* One step of the edit script: a line kept, deleted from a or inserted from b. */
typedef struct op {
    char kind; /* ' ', '-', '+' */
    size_t ai, bi; /* line indexes (0-based) in a and b at this step */
} op;

/* The shortest edit script (Myers), as ops in order. */
static op *edit_script(ed_arena *arena, const lines *a, const lines *b, size_t *nops)
{
    size_t n = a->n, m = b->n, max = n + m;
    size_t width = 2 * max + 1;
    long *v = ed_arena_calloc(arena, width, sizeof *v);
    long **trace = ed_arena_calloc(arena, max + 1, sizeof *trace);
    size_t d_end = 0;
    bool done = false;
    for (size_t d = 0; d <= max && !done; d++) {
        for (long k = -(long)d; k <= (long)d; k += 2) {
            long x;
            size_t ki = (size_t)(k + (long)max);
            if (k == -(long)d || (k != (long)d && v[ki - 1] < v[ki + 1]))
                x = v[ki + 1];
            else
                x = v[ki - 1] + 1;
            long y = x - k;
            while ((size_t)x < n && (size_t)y < m && same(&a->items[x], &b->items[y]))
                x++, y++;
            v[ki] = x;
            if ((size_t)x >= n && (size_t)y >= m) {
                done = true;
                break;
            }
        }
        trace[d] = ed_arena_calloc(arena, width, sizeof *v);
        memcpy(trace[d], v, width * sizeof *v);
        d_end = d;
    }
    /* walk back from (n, m) */
    op *ops = ed_arena_calloc(arena, n + m + 1, sizeof *ops);
    size_t count = 0;
    long x = (long)n, y = (long)m;
    for (size_t d = d_end + 1; d-- > 0;) {
        long k = x - y;
        long prev_k;
        if (d == 0) {
            prev_k = 0;
        } else {
            const long *pv = trace[d - 1];
            size_t ki = (size_t)(k + (long)max);
            if (k == -(long)d || (k != (long)d && pv[ki - 1] < pv[ki + 1]))
                prev_k = k + 1;
            else
                prev_k = k - 1;
        }
        long prev_x = d == 0 ? 0 : trace[d - 1][(size_t)(prev_k + (long)max)];
        long prev_y = prev_x - prev_k;
        while (x > prev_x && y > prev_y) {
            x--, y--;
            ops[count++] = (op){' ', (size_t)x, (size_t)y};
        }
        if (d > 0) {
            if (x == prev_x)
                ops[count++] = (op){'+', (size_t)x, (size_t)(y - 1)};
            else
                ops[count++] = (op){'-', (size_t)(x - 1), (size_t)y};
        }
        x = prev_x, y = prev_y;
    }
    for (size_t i = 0; i < count / 2; i++) { /* it was built backwards */
        op t = ops[i];
        ops[i] = ops[count - 1 - i];
        ops[count - 1 - i] = t;
    }
    *nops = count;
    return ops;
}

static void put_line(FILE *out, char kind, const line *l)
{
    fputc(kind, out);
    fwrite(l->text, 1, l->len, out);
    fputc('\n', out);
    if (!l->newline)
        fputs("\\ No newline at end of file\n", out);
}

/* "start,count" as in a hunk header (start is the line before an empty range). */
static void put_range(FILE *out, size_t start, size_t count)
{
    if (count == 1)
        fprintf(out, "%zu", start + 1);
    else
        fprintf(out, "%zu,%zu", count ? start + 1 : start, count);
}

void rep_unified_diff(FILE *out, const char *path, const char *before, size_t before_len,
                      const char *after, size_t after_len)
{
    ed_arena *arena = ed_arena_new();
    lines a = split_lines(arena, before, before_len), b = split_lines(arena, after, after_len);
    size_t nops;
    op *ops = edit_script(arena, &a, &b, &nops);
    bool header = false;
    for (size_t i = 0; i < nops;) {
        if (ops[i].kind == ' ') {
            i++;
            continue;
        }
        /* a hunk: from CONTEXT lines before this change to CONTEXT lines
         * after the last change that is at most 2*CONTEXT lines further */
        size_t first = i >= CONTEXT ? i - CONTEXT : 0;
        size_t last = i;
        for (size_t j = i; j < nops; j++) {
            if (ops[j].kind != ' ')
                last = j;
            else if (j - last > 2 * CONTEXT)
                break;
        }
        size_t end = last + CONTEXT + 1 < nops ? last + CONTEXT + 1 : nops;
        size_t a_start = ops[first].ai, b_start = ops[first].bi, a_count = 0, b_count = 0;
        for (size_t j = first; j < end; j++) {
            a_count += ops[j].kind != '+';
            b_count += ops[j].kind != '-';
        }
        if (!header) {
            fprintf(out, "--- a/%s\n+++ b/%s\n", path, path);
            header = true;
        }
        fputs("@@ -", out);
        put_range(out, a_start, a_count);
        fputs(" +", out);
        put_range(out, b_start, b_count);
        fputs(" @@\n", out);
        for (size_t j = first; j < end; j++)
            put_line(out, ops[j].kind, ops[j].kind == '+' ? &b.items[ops[j].bi]
                                                          : &a.items[ops[j].ai]);
        i = end;
    }
    ed_arena_free(arena);
}
