/* The definition-file parser: physical lines to stages (a new stage starts
 * at every line that begins with `Bootstrap:`, as Apptainer splits them),
 * each stage's header lines and its sections (a line whose first word
 * starts with '%'); then per stage its %arguments, the substituted header
 * values and section bodies, and the checks; last the Dockerfile view. */
#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

void ap_error(ap_parser *p, size_t start, size_t end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = ed_arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
    df_add_error(&p->file->dockerfile, p->arena, (df_span){start, end}, "%s", msg);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static void read_lines(ap_parser *p)
{
    size_t n = 0;
    for (size_t i = p->src->text_start; i < p->len; i++)
        n += p->data[i] == '\n';
    p->line_start = ed_arena_calloc(p->arena, n + 1, sizeof *p->line_start);
    p->line_end = ed_arena_calloc(p->arena, n + 1, sizeof *p->line_end);
    for (size_t i = p->src->text_start; i < p->len;) {
        const char *nl = memchr(p->data + i, '\n', p->len - i);
        size_t end = nl ? (size_t)(nl - p->data) : p->len;
        size_t e = end;
        while (e > i && p->data[e - 1] == '\r')
            e--;
        p->line_start[p->nlines] = i;
        p->line_end[p->nlines++] = e;
        i = nl ? end + 1 : p->len;
    }
}

/* The first non-blank byte of line li (its end when none). */
static size_t first_char(const ap_parser *p, size_t li)
{
    size_t i = p->line_start[li];
    while (i < p->line_end[li] && is_blank(p->data[i]))
        i++;
    return i;
}

static bool blank_or_comment(const ap_parser *p, size_t li)
{
    size_t i = first_char(p, li);
    return i == p->line_end[li] || p->data[i] == '#';
}

static bool is_section_line(const ap_parser *p, size_t li)
{
    size_t i = first_char(p, li);
    return i < p->line_end[li] && p->data[i] == '%';
}

/* `Bootstrap:` at the very start of the line, in any case. */
static bool starts_stage(const ap_parser *p, size_t li)
{
    static const char key[] = "bootstrap:";
    size_t s = p->line_start[li], n = sizeof key - 1;
    return p->line_end[li] - s >= n && strncasecmp(p->data + s, key, n) == 0;
}

static char *lower_dup(ed_arena *arena, const char *s, size_t len)
{
    char *out = ed_arena_strndup(arena, s, len);
    for (char *c = out; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c + 32);
    return out;
}

/* ---- sections ---- */

/* The % line: name, app name and the rest (raw range in *args). */
static void read_section_line(ap_parser *p, ap_section *sec, size_t li, size_t *args_start,
                              size_t *args_end)
{
    const char *d = p->data;
    size_t s = first_char(p, li), e = p->line_end[li];
    while (e > s && is_blank(d[e - 1]))
        e--;
    size_t n = s;
    while (n < e && d[n] == '%')
        n++;
    size_t ne = n;
    while (ne < e && !is_blank(d[ne]))
        ne++;
    sec->name = lower_dup(p->arena, d + n, ne - n);
    sec->name_span = (df_span){s, ne};
    sec->header = (df_span){p->line_start[li], p->line_end[li]};
    sec->kind = ap_section_kind_from_name(sec->name);
    size_t a = ne;
    while (a < e && is_blank(d[a]))
        a++;
    if (ap_section_is_app(sec->kind)) {
        size_t ae = a;
        while (ae < e && !is_blank(d[ae]))
            ae++;
        sec->app_span = (df_span){a, ae};
        if (ae > a)
            sec->app = ed_arena_strndup(p->arena, d + a, ae - a);
        else
            ap_error(p, s, ne, "%%%s needs an app name: %%%s NAME", sec->name, sec->name);
        a = ae;
        while (a < e && is_blank(d[a]))
            a++;
    } else {
        sec->app_span = (df_span){a, a};
    }
    *args_start = a;
    *args_end = e;
    if (sec->kind != AP_SECTION_UNKNOWN)
        return;
    const char *best = ap_suggest_section(sec->name);
    if (!*sec->name)
        ap_error(p, s, ne, "a section name must follow %%");
    else if (best)
        ap_error(p, s, ne, "unknown section %%%s (did you mean %%%s?)", sec->name, best);
    else
        ap_error(p, s, ne, "unknown section %%%s", sec->name);
}

/* ---- stages ---- */

typedef struct open_stage {
    bool open;
    bool bootstrap_line; /* it starts with a Bootstrap: line */
    size_t first_line, header_end; /* header lines [first_line, header_end) */
    bool in_header;
    size_t first_section;
    bool section_open;
    size_t section_line; /* the % line of the open section */
} open_stage;

static size_t body_start_after(const ap_parser *p, size_t li, size_t end)
{
    size_t s = li + 1 < p->nlines ? p->line_start[li + 1] : p->len;
    return s < end ? s : end;
}

/* args ranges of the stage's sections, kept until their text is built */
typedef struct arg_range {
    size_t start, end;
} arg_range;

static void close_section(ap_parser *p, open_stage *os, arg_range **ranges, size_t end)
{
    if (!os->section_open)
        return;
    ap_file *f = p->file;
    f->sections = ed_arena_push(p->arena, f->sections, f->nsections, sizeof *f->sections);
    *ranges = ed_arena_push(p->arena, *ranges, f->nsections, sizeof **ranges);
    ap_section *sec = &f->sections[f->nsections];
    memset(sec, 0, sizeof *sec);
    sec->stage = f->nstages - 1;
    read_section_line(p, sec, os->section_line, &(*ranges)[f->nsections].start,
                      &(*ranges)[f->nsections].end);
    sec->body = (df_span){body_start_after(p, os->section_line, end), end};
    f->nsections++;
    os->section_open = false;
}

/* Everything of a stage once its lines are known. */
static void finish_stage(ap_parser *p, open_stage *os, const arg_range *ranges, size_t end)
{
    ap_file *f = p->file;
    size_t index = f->nstages - 1;
    ap_stage *st = &f->stages[index];
    st->first_section = os->first_section;
    st->end_section = f->nsections;
    st->span = (df_span){p->line_start[os->first_line], end};
    ap_read_arguments(p, st);
    ap_read_headers(p, st, os->first_line, os->header_end);
    for (size_t i = st->first_section; i < st->end_section; i++) {
        ap_section *sec = &f->sections[i];
        sec->args = ap_text_of(p, st, ranges[i].start, ranges[i].end);
        sec->text = ap_text_of(p, st, sec->body.start, sec->body.end);
        if (ap_section_is_script(sec->kind))
            sec->script = sh_parse(p->arena, sec->text.text, sec->text.len);
    }
    if (st->nheaders == 0 && !os->bootstrap_line && st->end_section > st->first_section) {
        const ap_section *first = &f->sections[st->first_section];
        ap_error(p, first->name_span.start, first->name_span.end,
                 "%%%s comes before any header: a definition file starts with Bootstrap: "
                 "(and From:)",
                 first->name);
    } else {
        ap_check_stage(p, st, index);
    }
}

/* Ends the open stage before line end_line (byte `end`). */
static void close_stage(ap_parser *p, open_stage *os, arg_range **ranges, size_t end_line,
                        size_t end)
{
    if (!os->open)
        return;
    if (os->in_header)
        os->header_end = end_line;
    close_section(p, os, ranges, end);
    finish_stage(p, os, *ranges, end);
    os->open = false;
}

static void open_new_stage(ap_parser *p, open_stage *os, size_t li, bool bootstrap_line)
{
    ap_file *f = p->file;
    f->stages = ed_arena_push(p->arena, f->stages, f->nstages, sizeof *f->stages);
    memset(&f->stages[f->nstages++], 0, sizeof *f->stages);
    memset(os, 0, sizeof *os);
    os->open = true;
    os->bootstrap_line = bootstrap_line;
    os->first_line = li;
    os->in_header = true;
    os->first_section = f->nsections;
}

static void read_structure(ap_parser *p)
{
    open_stage os = {0};
    arg_range *ranges = NULL;
    size_t li = 0;
    for (; li < p->nlines && p->file->nsections <= p->max_sections; li++) {
        if (starts_stage(p, li)) {
            close_stage(p, &os, &ranges, li, p->line_start[li]);
            open_new_stage(p, &os, li, true);
            continue;
        }
        if (!os.open) {
            if (blank_or_comment(p, li))
                continue;
            open_new_stage(p, &os, li, false);
        }
        if (!is_section_line(p, li))
            continue;
        if (os.in_header) {
            os.header_end = li;
            os.in_header = false;
        }
        close_section(p, &os, &ranges, p->line_start[li]);
        os.section_open = true;
        os.section_line = li;
    }
    close_stage(p, &os, &ranges, li, li < p->nlines ? p->line_start[li] : p->len);
}

/* --build-arg NAME=VALUE; anything else is not a build argument for Apptainer. */
static void read_build_args(ap_parser *p, const char *const *raw, size_t n)
{
    ap_build_arg *args = ed_arena_calloc(p->arena, n ? n : 1, sizeof *args);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *eq = raw[i] ? strchr(raw[i], '=') : NULL;
        if (!eq)
            continue;
        const char *s = raw[i], *e = eq;
        while (s < e && is_blank(*s))
            s++;
        while (e > s && is_blank(e[-1]))
            e--;
        if (e == s)
            continue;
        const char *v = eq + 1;
        while (is_blank(*v))
            v++;
        size_t vl = strlen(v);
        while (vl > 0 && is_blank(v[vl - 1]))
            vl--;
        args[k++] = (ap_build_arg){s, (size_t)(e - s), ed_arena_strndup(p->arena, v, vl)};
    }
    p->build_args = args;
    p->nbuild_args = k;
}

/* Errors in source order (the header's are found after the sections'). */
typedef struct ordered {
    df_error error;
    size_t index;
} ordered;

static int by_position(const void *a, const void *b)
{
    const ordered *x = a, *y = b;
    if (x->error.span.start != y->error.span.start)
        return x->error.span.start < y->error.span.start ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void sort_errors(ap_parser *p)
{
    df_file *df = &p->file->dockerfile;
    if (df->nerrors < 2)
        return;
    ordered *o = ed_arena_calloc(p->arena, df->nerrors, sizeof *o);
    for (size_t i = 0; i < df->nerrors; i++)
        o[i] = (ordered){df->errors[i], i};
    qsort(o, df->nerrors, sizeof *o, by_position);
    for (size_t i = 0; i < df->nerrors; i++)
        df->errors[i] = o[i].error;
}

ap_file *ap_parse(const ed_source *src, ed_arena *arena, const char *const *build_args,
                  size_t nbuild_args)
{
    return ap_parse_bounded(src, arena, build_args, nbuild_args, SIZE_MAX);
}

ap_file *ap_parse_bounded(const ed_source *src, ed_arena *arena, const char *const *build_args,
                          size_t nbuild_args, size_t max_sections)
{
    ap_file *f = ed_arena_alloc(arena, sizeof *f);
    f->src = src;
    f->dockerfile.src = src;
    f->dockerfile.escape = '\\';
    ap_parser p = {0};
    p.arena = arena;
    p.file = f;
    p.src = src;
    p.data = src->data;
    p.len = src->len;
    /* a few long values referenced many times could multiply the file */
    p.max_substituted = src->len + AP_SUBSTITUTION_SLACK;
    p.max_sections = max_sections;
    read_build_args(&p, build_args, nbuild_args);
    read_lines(&p);
    read_structure(&p);
    if (f->nstages == 0)
        ap_error(&p, src->text_start, src->text_start,
                 "empty definition file: no Bootstrap: header and no sections");
    sort_errors(&p);
    ap_map(&p);
    return f;
}

const ap_file *ap_file_of(const df_file *dockerfile)
{
    /* dockerfile is the first member of its ap_file */
    return (const ap_file *)(const void *)dockerfile;
}

const ap_section *ap_section_of(const ap_file *file, const df_instr *instr)
{
    const df_file *df = &file->dockerfile;
    if (!file->origins || instr < df->instrs || instr >= df->instrs + df->ninstrs)
        return NULL;
    return file->origins[instr - df->instrs];
}
