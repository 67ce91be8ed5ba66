/* A stage's header: `Key: value` lines as Apptainer reads them (blank and
 * `#` lines skipped, a `#` cuts the rest of a line, the key is case-
 * insensitive, a value ending in `\` continues on the next line), and the
 * checks of Bootstrap:, From: and %files from STAGE once the stage is read. */
#include <string.h>

#include "internal.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static void trim(const char *d, size_t *s, size_t *e)
{
    while (*s < *e && is_blank(d[*s]))
        (*s)++;
    while (*e > *s && is_blank(d[*e - 1]))
        (*e)--;
}

/* A header being read (it may continue over several lines). */
typedef struct pending {
    bool open;
    size_t line_start;
    const char *key;
    df_span key_span;
    size_t value_start, value_end, end;
    ap_text_builder text;
} pending;

static void finish(ap_parser *p, ap_stage *st, pending *h)
{
    if (!h->open)
        return;
    st->headers = ed_arena_push(p->arena, st->headers, st->nheaders, sizeof *st->headers);
    ap_header *out = &st->headers[st->nheaders++];
    memset(out, 0, sizeof *out);
    out->key = h->key;
    out->key_span = h->key_span;
    out->value_span = (df_span){h->value_start, h->value_end};
    out->span = (df_span){h->line_start, h->end};
    if (!h->text.started)
        h->text.at = h->value_start;
    out->value = ap_text_finish(p, &h->text);
    h->open = false;
}

/* Adds a piece of value [s, e) (continuation backslash dropped). */
static bool add_piece(ap_parser *p, const ap_stage *st, pending *h, size_t s, size_t e)
{
    bool more = e > s && p->data[e - 1] == '\\';
    if (more)
        e--;
    if (e > s) {
        if (h->value_end == h->value_start && !h->text.started)
            h->value_start = s;
        h->value_end = e;
        ap_text_add(p, &h->text, st, s, e);
    }
    return more;
}

static char *lower_dup(ed_arena *arena, const char *s, size_t len)
{
    char *out = ed_arena_strndup(arena, s, len);
    for (char *c = out; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c + 32);
    return out;
}

/* A new `Key: value` line; false when it has no colon. */
static bool start_header(ap_parser *p, pending *h, size_t s, size_t cut, size_t line_end)
{
    const char *d = p->data;
    const char *colon = memchr(d + s, ':', cut - s);
    if (!colon) {
        ap_error(p, s, line_end, "header line without a colon: expected `Key: value`");
        return false;
    }
    size_t ks = s, ke = (size_t)(colon - d), vs = ke + 1, ve = cut;
    trim(d, &ks, &ke);
    trim(d, &vs, &ve);
    memset(h, 0, sizeof *h);
    h->open = true;
    h->line_start = s;
    h->key = lower_dup(p->arena, d + ks, ke - ks);
    h->key_span = (df_span){ks, ke};
    h->value_start = h->value_end = ve;
    h->end = line_end;
    if (!ap_is_header_key(h->key)) {
        const char *best = ap_suggest_header_key(h->key);
        if (best)
            ap_error(p, ks, ke, "unknown header keyword %s (did you mean %s?)", h->key, best);
        else
            ap_error(p, ks, ke, "unknown header keyword %s", h->key);
    }
    return true;
}

void ap_read_headers(ap_parser *p, ap_stage *st, size_t first, size_t end)
{
    const char *d = p->data;
    pending h = {0};
    bool more = false;
    for (size_t li = first; li < end; li++) {
        size_t s = p->line_start[li], e = p->line_end[li];
        trim(d, &s, &e);
        if (s == e || d[s] == '#') { /* a blank or comment line ends a continuation */
            finish(p, st, &h);
            more = false;
            continue;
        }
        const char *hash = memchr(d + s, '#', e - s);
        size_t cut = hash ? (size_t)(hash - d) : e, cs = s;
        if (!more) {
            finish(p, st, &h);
            if (!start_header(p, &h, s, cut, e))
                continue;
            cs = (size_t)((const char *)memchr(d + s, ':', cut - s) - d) + 1;
        } else {
            h.end = e;
        }
        size_t ce = cut;
        trim(d, &cs, &ce);
        more = add_piece(p, st, &h, cs, ce);
    }
    finish(p, st, &h);
    for (size_t i = 0; i < st->nheaders; i++) { /* the last one of a key counts */
        const ap_header *hd = &st->headers[i];
        if (strcmp(hd->key, "bootstrap") == 0)
            st->bootstrap = hd;
        else if (strcmp(hd->key, "from") == 0)
            st->from = hd;
        else if (strcmp(hd->key, "stage") == 0)
            st->stage = hd;
    }
    if (st->bootstrap)
        st->agent = lower_dup(p->arena, st->bootstrap->value.text, st->bootstrap->value.len);
}

/* `%files from NAME`: NAME must be an earlier stage's Stage: value. */
static void check_files_from(ap_parser *p, const ap_section *sec, size_t index)
{
    const ap_text *a = &sec->args;
    if (a->len == 0)
        return;
    size_t n = strcspn(a->text, " \t");
    size_t ns = n;
    while (a->text[ns] == ' ' || a->text[ns] == '\t')
        ns++;
    if (n != 4 || strncmp(a->text, "from", 4) != 0 || !a->text[ns]) {
        df_span at = ap_text_span(a, 0, a->len);
        ap_error(p, at.start, at.end, "%%%s takes `from STAGE` or nothing", sec->name);
        return;
    }
    const char *name = a->text + ns;
    for (size_t i = 0; i < index; i++) {
        const ap_header *st = p->file->stages[i].stage;
        if (st && strcmp(st->value.text, name) == 0)
            return;
    }
    df_span at = ap_text_span(a, ns, a->len);
    ap_error(p, at.start, at.end, "%%%s from %s: no earlier stage has `Stage: %s`", sec->name,
             name, name);
}

/* The line that starts at `start`, without its line ending. */
static df_span first_line(const ap_parser *p, size_t start)
{
    const char *nl = memchr(p->data + start, '\n', p->len - start);
    size_t end = nl ? (size_t)(nl - p->data) : p->len;
    while (end > start && p->data[end - 1] == '\r')
        end--;
    return (df_span){start, end};
}

void ap_check_stage(ap_parser *p, ap_stage *st, size_t index)
{
    for (size_t i = st->first_section; i < st->end_section; i++) {
        const ap_section *sec = &p->file->sections[i];
        if (sec->kind == AP_SECTION_FILES || sec->kind == AP_SECTION_APPFILES)
            check_files_from(p, sec, index);
    }
    if (!st->bootstrap) {
        df_span at = st->nheaders ? st->headers[0].key_span : first_line(p, st->span.start);
        ap_error(p, at.start, at.end, "the header has no Bootstrap: line (e.g. Bootstrap: docker)");
        return;
    }
    df_span value = st->bootstrap->value_span;
    if (!*st->agent) {
        ap_error(p, st->bootstrap->key_span.start, st->bootstrap->key_span.end,
                 "Bootstrap: names no agent (e.g. Bootstrap: docker)");
        return;
    }
    if (!ap_is_agent(st->agent)) {
        ap_error(p, value.start, value.end, "unknown bootstrap agent \"%s\"", st->agent);
        return;
    }
    if (ap_agent_needs_from(st->agent) && (!st->from || st->from->value.len == 0)) {
        df_span at = st->from ? st->from->key_span : st->bootstrap->span;
        ap_error(p, at.start, at.end, "Bootstrap: %s needs a From: header naming the image",
                 st->agent);
    }
}
