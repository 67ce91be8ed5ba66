/* Comments: libyaml skips them, so they are found in the text. A '#' starts
 * a comment at the start of a line or after a blank, unless it is inside a
 * scalar (whose extents the tree knows): "a # b", 'x #y', a#b and the lines
 * of a block scalar are not comments. One pass over the file. */
#include <string.h>

#include "yaml_internal.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void add_comment(cf_builder *b, unsigned line, size_t line_start, size_t at, size_t end)
{
    const char *d = b->src->data;
    cf_yaml *y = b->y;
    size_t ts = at + 1, te = end;
    while (ts < te && (is_blank(d[ts]) || d[ts] == '\r'))
        ts++;
    while (te > ts && (is_blank(d[te - 1]) || d[te - 1] == '\r'))
        te--;
    bool own = true;
    for (size_t i = line_start; i < at; i++)
        if (!is_blank(d[i]))
            own = false;
    y->comments = ed_arena_push(b->arena, y->comments, y->ncomments, sizeof *y->comments);
    y->comments[y->ncomments++] = (cf_comment){
        .line = line,
        .start = at,
        .end = end > at && d[end - 1] == '\r' ? end - 1 : end,
        .text = ed_arena_strndup(b->arena, d + ts, te - ts),
        .own_line = own,
    };
}

void cf_find_comments(cf_builder *b)
{
    const ed_source *src = b->src;
    const char *d = src->data;
    size_t len = src->len, r = 0, line = 0; /* line: 0-based index into line_starts */
    size_t p = b->base;
    while (p < len) {
        const char *hash = memchr(d + p, '#', len - p);
        if (!hash)
            break;
        size_t at = (size_t)(hash - d);
        while (line + 1 < src->line_count && src->line_starts[line + 1] <= at)
            line++;
        size_t line_start = src->line_starts[line];
        while (r < b->nranges && b->ranges[r].end <= at)
            r++;
        bool in_scalar = r < b->nranges && b->ranges[r].start <= at;
        bool starts = at == line_start || is_blank(d[at - 1]);
        if (in_scalar || !starts) {
            p = at + 1;
            continue;
        }
        const char *nl = memchr(d + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - d) : len;
        add_comment(b, (unsigned)line + 1, line_start, at, end);
        p = end;
    }
}

const cf_comment *cf_comments_on_line(const cf_yaml *y, unsigned line, size_t *n)
{
    size_t lo = 0, hi = y->ncomments;
    while (lo < hi) { /* first comment on a line >= line */
        size_t mid = lo + (hi - lo) / 2;
        if (y->comments[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t count = 0;
    while (lo + count < y->ncomments && y->comments[lo + count].line == line)
        count++;
    if (n)
        *n = count;
    return count ? &y->comments[lo] : NULL;
}
