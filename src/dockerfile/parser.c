/* The Dockerfile parser: physical lines to instructions, following BuildKit's
 * parser.Parse step by step (directives, continuations, comments, heredocs),
 * but recording errors and going on instead of stopping at the first one. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "envdoctor/buf.h"
#include "internal.h"

typedef struct parser {
    ed_arena *arena;
    df_file *file;
    const char *data;
    size_t len;
    size_t pos;       /* start of the next physical line */
    unsigned line_no; /* physical lines consumed so far */
    size_t last_end;  /* end of the last consumed line (line ending excluded) */

    bool directives_done;
    unsigned directives_seen;

    const char **comments;
    size_t ncomments, comments_cap;

    ed_buf text; /* the logical line being built */
    df_segment *segs;
    size_t nsegs, segs_cap;

    df_instr *instrs;
    size_t ninstrs, instrs_cap;
    size_t nheredocs;
    /* parsing stops once there are more instructions or heredocs than this */
    size_t max_instructions, max_heredocs;
} parser;

static const char *const kind_names[] = {
    NULL,     "ADD",   "ARG",       "CMD",   "COPY",    "ENTRYPOINT", "ENV",
    "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN",
    "SHELL",  "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
};

const char *df_kind_name(df_kind kind)
{
    return (unsigned)kind < sizeof kind_names / sizeof *kind_names ? kind_names[kind] : NULL;
}

df_kind df_kind_from_word(const char *word, size_t len)
{
    for (size_t k = 1; k < sizeof kind_names / sizeof *kind_names; k++)
        if (strlen(kind_names[k]) == len && strncasecmp(kind_names[k], word, len) == 0)
            return (df_kind)k;
    return DF_UNKNOWN;
}

void df_add_error(df_file *file, ed_arena *arena, df_span span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = ed_arena_vprintf(arena, fmt, ap);
    va_end(ap);
    file->errors = ed_arena_push(arena, file->errors, file->nerrors, sizeof *file->errors);
    file->errors[file->nerrors++] = (df_error){span, msg};
}

/* ---- logical line and the mapping back to the source ---- */

size_t df_source_offset(const df_instr *in, size_t logical_offset)
{
    size_t off = logical_offset + in->line_base;
    const df_segment *segs = in->segs;
    size_t lo = 0, hi = in->nsegs;
    if (hi == 0)
        return in->span.start;
    while (hi - lo > 1) { /* last segment starting at or before off */
        size_t mid = lo + (hi - lo) / 2;
        if (segs[mid].logical <= off)
            lo = mid;
        else
            hi = mid;
    }
    size_t delta = off - segs[lo].logical;
    if (delta > segs[lo].len)
        delta = segs[lo].len;
    return segs[lo].source + delta;
}

df_span df_source_span(const df_instr *in, size_t lstart, size_t lend)
{
    df_span span;
    span.start = df_source_offset(in, lstart);
    span.end = lend > lstart ? df_source_offset(in, lend - 1) + 1 : span.start;
    return span;
}

static void add_segment(parser *p, size_t source, size_t len)
{
    if (p->nsegs == p->segs_cap) {
        p->segs_cap = p->segs_cap ? p->segs_cap * 2 : 16;
        p->segs = realloc(p->segs, p->segs_cap * sizeof *p->segs);
        if (!p->segs)
            ed_out_of_memory();
    }
    p->segs[p->nsegs++] = (df_segment){p->text.len, source, len};
    ed_buf_add(&p->text, p->data + source, len);
}

/* ---- physical lines ---- */

static bool next_line(parser *p, size_t *start, size_t *end)
{
    if (p->pos >= p->len)
        return false;
    *start = p->pos;
    const char *nl = memchr(p->data + p->pos, '\n', p->len - p->pos);
    size_t e = nl ? (size_t)(nl - p->data) : p->len;
    p->pos = nl ? e + 1 : p->len;
    p->last_end = e;
    while (e > *start && p->data[e - 1] == '\r') /* trimNewline */
        e--;
    *end = e;
    p->line_no++;
    return true;
}

static size_t skip_spaces(const char *s, size_t start, size_t end)
{
    size_t w;
    while (start < end && (w = df_space_width(s + start, end - start)) > 0)
        start += w;
    return start;
}

static bool is_comment(const parser *p, size_t start, size_t end)
{
    start = skip_spaces(p->data, start, end);
    return start < end && p->data[start] == '#';
}

/* The escape character at the end (before blanks) continues the line,
 * unless it is itself escaped. */
static bool trim_continuation(const parser *p, size_t start, size_t *end)
{
    size_t e = *end;
    while (e > start && (p->data[e - 1] == ' ' || p->data[e - 1] == '\t'))
        e--;
    if (e > start && p->data[e - 1] == p->file->escape &&
        (e - 1 == start || p->data[e - 2] != p->file->escape)) {
        *end = e - 1;
        return true;
    }
    return false;
}

/* ---- parser directives ---- */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_go_space(char c) /* Go regexp \s */
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Handles a line of the leading directive block; returns true when the
 * line was a directive (BuildKit then drops it from the comments). */
static bool parse_directive(parser *p, size_t start, size_t end)
{
    if (p->directives_done)
        return false;
    if (start >= end || p->data[start] != '#') {
        p->directives_done = true;
        return false;
    }
    size_t i = skip_spaces(p->data, start + 1, end);
    size_t key_start = i;
    if (i >= end || !is_alpha(p->data[i])) {
        p->directives_done = true;
        return false;
    }
    while (i < end && (is_alpha(p->data[i]) || (p->data[i] >= '0' && p->data[i] <= '9')))
        i++;
    size_t key_end = i;
    while (i < end && is_go_space(p->data[i]))
        i++;
    if (i >= end || p->data[i] != '=') {
        p->directives_done = true;
        return false;
    }
    i++;
    while (i < end && is_go_space(p->data[i]))
        i++;
    size_t value_end = end;
    while (value_end > i && is_go_space(p->data[value_end - 1]))
        value_end--;
    if (value_end <= i) {
        p->directives_done = true;
        return false;
    }
    static const char *const known[] = {"syntax", "escape", "check"};
    int which = -1;
    for (int k = 0; k < 3; k++)
        if (strlen(known[k]) == key_end - key_start &&
            strncasecmp(known[k], p->data + key_start, key_end - key_start) == 0)
            which = k;
    if (which < 0) {
        p->directives_done = true;
        return false;
    }
    df_span span = {start, end};
    if (p->directives_seen & (1u << which)) {
        df_add_error(p->file, p->arena, span, "only one %s parser directive can be used",
                     known[which]);
        return true;
    }
    p->directives_seen |= 1u << which;
    const char *value = ed_arena_strndup(p->arena, p->data + i, value_end - i);
    if (which == 1) {
        if (strcmp(value, "\\") != 0 && strcmp(value, "`") != 0) {
            df_add_error(p->file, p->arena, (df_span){i, value_end},
                         "invalid escape token '%s' does not match ` or \\", value);
            return true;
        }
        p->file->escape = value[0];
    }
    df_file *f = p->file;
    f->directives = ed_arena_push(p->arena, f->directives, f->ndirectives, sizeof *f->directives);
    f->directives[f->ndirectives++] = (df_directive){known[which], value, span};
    return true;
}

/* ---- comments above an instruction ---- */

static void note_comment(parser *p, size_t start, size_t end)
{
    size_t s = skip_spaces(p->data, start, end) + 1; /* past '#' */
    size_t e = end;
    df_trim_space(p->data, &s, &e);
    if (s >= e) { /* a bare '#' line resets the comments */
        p->ncomments = 0;
        return;
    }
    if (p->ncomments == p->comments_cap) {
        p->comments_cap = p->comments_cap ? p->comments_cap * 2 : 8;
        p->comments = realloc(p->comments, p->comments_cap * sizeof *p->comments);
        if (!p->comments)
            ed_out_of_memory();
    }
    p->comments[p->ncomments++] = ed_arena_strndup(p->arena, p->data + s, e - s);
}

/* ---- instructions ---- */

static df_instr *new_instr(parser *p)
{
    if (p->ninstrs == p->instrs_cap) {
        p->instrs_cap = p->instrs_cap ? p->instrs_cap * 2 : 32;
        p->instrs = realloc(p->instrs, p->instrs_cap * sizeof *p->instrs);
        if (!p->instrs)
            ed_out_of_memory();
    }
    df_instr *in = &p->instrs[p->ninstrs++];
    memset(in, 0, sizeof *in);
    return in;
}

/* The instructions, grown on the heap, go to the arena trimmed to their
 * count: one copy of the largest array of the parse, not two. */
static df_instr *adopt_instrs(parser *p)
{
    if (p->ninstrs == 0) {
        free(p->instrs);
        return ed_arena_calloc(p->arena, 0, sizeof *p->instrs); /* not NULL, as before */
    }
    size_t size = p->ninstrs * sizeof *p->instrs;
    df_instr *trimmed = realloc(p->instrs, size);
    return ed_arena_adopt(p->arena, trimmed ? trimmed : p->instrs, size);
}

static bool can_contain_heredoc(const df_instr *in)
{
    if (in->kind == DF_ONBUILD && in->trigger)
        in = in->trigger;
    return (in->kind == DF_RUN || in->kind == DF_COPY || in->kind == DF_ADD) && !in->json;
}

/* Reads the bodies of the heredocs named on the instruction's line. */
static void read_heredocs(parser *p, df_instr *in, df_heredoc_list *docs)
{
    for (size_t k = 0; k < docs->n; k++) {
        df_heredoc *doc = &docs->items[k];
        doc->word.span = df_source_span(in, doc->word.lstart, doc->word.lend);
        if (!doc->name) {
            df_add_error(p->file, p->arena, doc->word.span,
                         "unterminated quote in heredoc delimiter");
            in->has_error = true;
            continue;
        }
        size_t name_len = strlen(doc->name);
        size_t body_start = p->pos, ls, le;
        bool terminated = false;
        while (next_line(p, &ls, &le)) {
            size_t s = ls;
            if (doc->chomp)
                while (s < le && p->data[s] == '\t')
                    s++;
            if (le - s == name_len && memcmp(p->data + s, doc->name, name_len) == 0) {
                doc->body = (df_span){body_start, ls};
                doc->terminator = (df_span){ls, le};
                terminated = true;
                break;
            }
        }
        if (!terminated) {
            doc->body = (df_span){body_start, p->len};
            doc->terminator = (df_span){p->len, p->len};
            df_add_error(p->file, p->arena, doc->word.span, "unterminated heredoc '%s'",
                         doc->name);
            in->has_error = true;
        }
        doc->content = p->data + doc->body.start;
        doc->content_len = doc->body.end - doc->body.start;
    }
    in->heredocs = docs->items;
    in->nheredocs = docs->n;
    if (in->trigger && docs->n) { /* the trigger's offsets are relative to its own line */
        df_heredoc *copy = ed_arena_calloc(p->arena, docs->n, sizeof *copy);
        memcpy(copy, docs->items, docs->n * sizeof *copy);
        for (size_t k = 0; k < docs->n; k++) {
            copy[k].word.lstart -= in->trigger->line_base;
            copy[k].word.lend -= in->trigger->line_base;
        }
        in->trigger->heredocs = copy;
        in->trigger->nheredocs = docs->n;
    }
}

static void finish_instruction(parser *p, unsigned start_line, size_t first_source)
{
    df_instr *in = new_instr(p);
    size_t nerrors_before = p->file->nerrors;
    in->line = ed_arena_strndup(p->arena, p->text.data ? p->text.data : "", p->text.len);
    in->line_len = p->text.len;
    df_segment *segs = ed_arena_calloc(p->arena, p->nsegs, sizeof *segs);
    if (p->nsegs)
        memcpy(segs, p->segs, p->nsegs * sizeof *segs);
    in->segs = segs;
    in->nsegs = p->nsegs;
    in->start_line = start_line;
    in->span.start = first_source;
    in->span.end = p->last_end;
    if (in->span.end > first_source && p->data[in->span.end - 1] == '\r')
        in->span.end--;
    if (p->ncomments) {
        in->comments = ed_arena_calloc(p->arena, p->ncomments, sizeof *in->comments);
        memcpy(in->comments, p->comments, p->ncomments * sizeof *in->comments);
        in->ncomments = p->ncomments;
    }

    df_build_node(p->arena, p->file, in, in->line, in->line_len);

    if (can_contain_heredoc(in) && strstr(in->line, "<<")) {
        df_heredoc_list docs = {0};
        df_find_heredocs(p->arena, in->line, in->line_len, &docs);
        if (docs.n) {
            p->nheredocs += docs.n;
            read_heredocs(p, in, &docs);
            in->span.end = p->last_end;
        }
    }
    in->end_line = p->line_no;
    for (df_instr *t = in->trigger; t; t = t->trigger) { /* ONBUILD's covers the same lines */
        t->end_line = in->end_line;
        t->span = in->span;
    }
    if (p->file->nerrors > nerrors_before)
        in->has_error = true;
}

static void parse_lines(parser *p)
{
    size_t ls, le;
    while (p->ninstrs <= p->max_instructions && p->nheredocs <= p->max_heredocs &&
           next_line(p, &ls, &le)) {
        if (p->line_no == 1 && ls == 0 && le >= 3 && memcmp(p->data, "\xEF\xBB\xBF", 3) == 0)
            ls = 3;
        bool comment = is_comment(p, ls, le);
        if (comment)
            note_comment(p, ls, le);
        size_t start = skip_spaces(p->data, ls, le);
        if (parse_directive(p, start, le) && p->ncomments && comment)
            p->ncomments--;
        size_t end = comment ? start : le;
        unsigned start_line = p->line_no;
        bool continued = trim_continuation(p, start, &end);
        if (!continued && end == start)
            continue;

        ed_buf_reset(&p->text);
        p->nsegs = 0;
        add_segment(p, start, end - start);
        size_t first_source = start;
        while (continued && next_line(p, &ls, &le)) {
            if (is_comment(p, ls, le))
                continue;
            if (skip_spaces(p->data, ls, le) == le) {
                df_file *f = p->file;
                f->empty_continuations = ed_arena_push(p->arena, f->empty_continuations,
                                                       f->nempty_continuations,
                                                       sizeof *f->empty_continuations);
                f->empty_continuations[f->nempty_continuations++] = (df_span){ls, le};
                continue;
            }
            end = le;
            continued = trim_continuation(p, ls, &end);
            add_segment(p, ls, end - ls);
        }
        finish_instruction(p, start_line, first_source);
        p->ncomments = 0;
    }
}

df_file *df_parse(const ed_source *src, ed_arena *arena)
{
    return df_parse_bounded(src, arena, SIZE_MAX, SIZE_MAX);
}

df_file *df_parse_bounded(const ed_source *src, ed_arena *arena, size_t max_instructions,
                          size_t max_heredocs)
{
    df_file *file = ed_arena_alloc(arena, sizeof *file);
    file->src = src;
    file->escape = '\\';
    parser p = {0};
    p.arena = arena;
    p.file = file;
    p.data = src->data;
    p.len = src->len;
    p.max_instructions = max_instructions;
    p.max_heredocs = max_heredocs;

    parse_lines(&p);

    file->instrs = adopt_instrs(&p);
    file->ninstrs = p.ninstrs;
    if (p.ninstrs == 0) {
        size_t at = src->len;
        df_add_error(file, arena, (df_span){at, at}, "file with no instructions");
    }
    free(p.segs);
    free(p.comments);
    ed_buf_free(&p.text);
    return file;
}
