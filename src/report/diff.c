/* Unified diffs of a file before and after its fixes (see rep_unified_diff
 * in report.h): Myers' O(ND) algorithm over lines, in linear space, hunks
 * with three lines of context, the format `patch -p1` applies. */
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

/* The shortest edit script in linear space (Myers' divide and conquer:
 * the middle snake of an optimal path, then each side of it), so that
 * files with many changed lines need no more memory than their lines. */
typedef struct script {
    const lines *a, *b;
    long *vf, *vb; /* the furthest x on each diagonal, forwards and backwards */
    long off;      /* diagonal k is at [off + k] */
    op *ops;
    size_t count;
} script;

static void emit(script *s, char kind, size_t ai, size_t bi)
{
    s->ops[s->count++] = (op){kind, ai, bi};
}

/* The middle snake of a[a0, a1) against b[b0, b1) (both non-empty, their
 * first lines different, their last lines too): it runs from (*x, *y) to
 * (*u, *v), and an optimal path goes through it. */
static void middle_snake(script *s, size_t a0, size_t a1, size_t b0, size_t b1, size_t *x,
                         size_t *y, size_t *u, size_t *v)
{
    const line *a = s->a->items, *b = s->b->items;
    long n = (long)(a1 - a0), m = (long)(b1 - b0), delta = n - m, off = s->off;
    long *vf = s->vf, *vb = s->vb;
    bool odd = delta % 2 != 0;
    vf[off + 1] = 0;
    vb[off + 1] = 0;
    for (long d = 0; d <= (n + m + 1) / 2; d++) {
        for (long k = -d; k <= d; k += 2) { /* forwards */
            bool down = k == -d || (k != d && vf[off + k - 1] < vf[off + k + 1]);
            long xs = down ? vf[off + k + 1] : vf[off + k - 1] + 1;
            long xe = xs, ye = xs - k;
            while (xe < n && ye < m && same(&a[a0 + (size_t)xe], &b[b0 + (size_t)ye]))
                xe++, ye++;
            vf[off + k] = xe;
            /* backwards, diagonal k is delta - k, done d - 1 times */
            if (odd && delta - k >= -(d - 1) && delta - k <= d - 1 &&
                xe + vb[off + delta - k] >= n) {
                *x = a0 + (size_t)xs, *y = b0 + (size_t)(xs - k);
                *u = a0 + (size_t)xe, *v = b0 + (size_t)ye;
                return;
            }
        }
        for (long k = -d; k <= d; k += 2) { /* backwards: x counts from the end */
            bool down = k == -d || (k != d && vb[off + k - 1] < vb[off + k + 1]);
            long xs = down ? vb[off + k + 1] : vb[off + k - 1] + 1;
            long xe = xs, ye = xs - k;
            while (xe < n && ye < m &&
                   same(&a[a1 - 1 - (size_t)xe], &b[b1 - 1 - (size_t)ye]))
                xe++, ye++;
            vb[off + k] = xe;
            if (!odd && delta - k >= -d && delta - k <= d && xe + vf[off + delta - k] >= n) {
                *x = a1 - (size_t)xe, *y = b1 - (size_t)ye;
                *u = a1 - (size_t)xs, *v = b1 - (size_t)(xs - k);
                return;
            }
        }
    }
    /* not reached (an optimal path has a middle snake); if it were: all of
     * a deleted, then all of b inserted */
    *x = *u = a1, *y = *v = b0;
}

/* The ops of a[a0, a1) against b[b0, b1), in order. */
static void diff_range(script *s, size_t a0, size_t a1, size_t b0, size_t b1)
{
    const line *a = s->a->items, *b = s->b->items;
    while (a0 < a1 && b0 < b1 && same(&a[a0], &b[b0])) {
        emit(s, ' ', a0, b0);
        a0++, b0++;
    }
    size_t tail = 0;
    while (a1 - tail > a0 && b1 - tail > b0 && same(&a[a1 - tail - 1], &b[b1 - tail - 1]))
        tail++;
    a1 -= tail, b1 -= tail;
    if (a0 == a1) {
        for (size_t j = b0; j < b1; j++)
            emit(s, '+', a0, j);
    } else if (b0 == b1) {
        for (size_t i = a0; i < a1; i++)
            emit(s, '-', i, b0);
    } else { /* at least two changes: each side of the snake has fewer */
        size_t x, y, u, v;
        middle_snake(s, a0, a1, b0, b1, &x, &y, &u, &v);
        diff_range(s, a0, x, b0, y);
        for (; x < u; x++, y++)
            emit(s, ' ', x, y);
        diff_range(s, u, a1, v, b1);
    }
    for (size_t t = 0; t < tail; t++)
        emit(s, ' ', a1 + t, b1 + t);
}

/* The shortest edit script, as ops in order; in each run of changes the
 * deletions come before the insertions. */
static op *edit_script(ed_arena *arena, const lines *a, const lines *b, size_t *nops)
{
    script s = {a, b, NULL, NULL, 0, NULL, 0};
    long half = (long)((a->n + b->n + 1) / 2) + 2;
    s.off = half;
    s.vf = ed_arena_calloc(arena, (size_t)(2 * half + 1), sizeof *s.vf);
    s.vb = ed_arena_calloc(arena, (size_t)(2 * half + 1), sizeof *s.vb);
    s.ops = ed_arena_calloc(arena, a->n + b->n + 1, sizeof *s.ops);
    diff_range(&s, 0, a->n, 0, b->n);
    for (size_t i = 0; i < s.count;) {
        if (s.ops[i].kind == ' ') {
            i++;
            continue;
        }
        size_t j = i, dels = 0;
        for (; j < s.count && s.ops[j].kind != ' '; j++)
            dels += s.ops[j].kind == '-';
        size_t x = s.ops[i].ai, y = s.ops[i].bi;
        for (size_t t = 0; t < j - i; t++)
            s.ops[i + t] = t < dels ? (op){'-', x + t, y} : (op){'+', x + dels, y + t - dels};
        i = j;
    }
    *nops = s.count;
    return s.ops;
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
