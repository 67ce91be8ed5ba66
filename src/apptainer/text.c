/* Substituted text: every `{{ NAME }}` replaced by its value, with segments
 * leading back to the source. Apptainer replaces the pattern
 * {{\s*(\w+)\s*}} everywhere in a stage, except where the line before it
 * holds a `#` followed by anything but `!` (a comment), and fails the
 * build when a name is defined neither by --build-arg nor in %arguments. */
#include <string.h>

#include "internal.h"

df_span ap_text_span(const ap_text *t, size_t start, size_t end)
{
    /* the same mapping as an instruction's logical line */
    df_instr in = {0};
    in.segs = t->segs;
    in.nsegs = t->nsegs;
    in.span = (df_span){t->at, t->at};
    return df_source_span(&in, start, end);
}

const char *ap_lookup(const ap_parser *p, const ap_stage *stage, const char *name, size_t len)
{
    for (size_t i = p->nbuild_args; i-- > 0;) /* the last --build-arg wins */
        if (p->build_args[i].name_len == len && memcmp(p->build_args[i].name, name, len) == 0)
            return p->build_args[i].value;
    for (size_t i = stage ? stage->nargs : 0; i-- > 0;)
        if (strlen(stage->args[i].name) == len && memcmp(stage->args[i].name, name, len) == 0)
            return stage->args[i].value;
    return NULL;
}

/* RE2's \s and \w. */
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* {{\s*(\w+)\s*}} at d[at] (d[at] is the first '{'), within end: the name
 * range and the end of the match. */
static bool match_ref(const char *d, size_t at, size_t end, size_t *ns, size_t *ne, size_t *me)
{
    size_t i = at + 2;
    while (i < end && is_space(d[i]))
        i++;
    *ns = i;
    while (i < end && is_word(d[i]))
        i++;
    *ne = i;
    if (*ne == *ns)
        return false;
    while (i < end && is_space(d[i]))
        i++;
    if (i + 1 >= end || d[i] != '}' || d[i + 1] != '}')
        return false;
    *me = i + 2;
    return true;
}

static size_t line_start_of(const char *d, size_t at)
{
    while (at > 0 && d[at - 1] != '\n')
        at--;
    return at;
}

static void push_seg(ap_parser *p, ap_text_builder *b, size_t source, size_t len)
{
    if (b->nsegs > 0) {
        df_segment *last = &b->segs[b->nsegs - 1];
        if (last->logical + last->len == b->buf.len && last->source + last->len == source) {
            last->len += len;
            return;
        }
    }
    b->segs = ed_arena_push(p->arena, b->segs, b->nsegs, sizeof *b->segs);
    b->segs[b->nsegs++] = (df_segment){b->buf.len, source, len};
}

static void add_verbatim(ap_parser *p, ap_text_builder *b, size_t start, size_t end)
{
    if (end <= start)
        return;
    push_seg(p, b, start, end - start);
    ed_buf_add(&b->buf, p->data + start, end - start);
}

/* A value stands where its `{{ NAME }}` [rs, re) is written: its last
 * character maps to the closing brace, the others into the reference from
 * its start, so a span over the value covers the whole reference. */
static void add_value(ap_parser *p, ap_text_builder *b, const char *value, size_t rs, size_t re)
{
    size_t vlen = strlen(value), rlen = re - rs;
    if (vlen > 1) {
        size_t n = vlen - 1 < rlen - 2 ? vlen - 1 : rlen - 2;
        b->segs = ed_arena_push(p->arena, b->segs, b->nsegs, sizeof *b->segs);
        b->segs[b->nsegs++] = (df_segment){b->buf.len, rs, n};
    }
    if (vlen > 0) {
        b->segs = ed_arena_push(p->arena, b->segs, b->nsegs, sizeof *b->segs);
        b->segs[b->nsegs++] = (df_segment){b->buf.len + vlen - 1, re - 1, 1};
    }
    ed_buf_add(&b->buf, value, vlen);
}

/* Where the scan stands, kept up to date so that the text is read a
 * bounded number of times whatever it holds. */
typedef struct scan {
    size_t checked;    /* the line (from its start or the end of the previous
                          reference) was searched for a comment up to here */
    bool comment;      /* it holds `#` followed by anything but `!` */
    bool line_scanned; /* last_close is known for the current line */
    size_t last_close; /* the last `}}` of the line, or SIZE_MAX */
    bool reported;     /* the line has its `{{` error already */
} scan;

/* Apptainer's comment test on the line before `at`: a `#` followed by
 * anything but `!`. */
static bool in_comment(const char *d, scan *s, size_t at)
{
    for (; s->checked + 1 < at; s->checked++)
        if (d[s->checked] == '#' && d[s->checked + 1] != '!')
            s->comment = true;
    return s->comment;
}

/* A `{{` that is no reference is an error only when no `}}` follows on its
 * line (`{{.Id}}` in a docker --format is left alone, as Apptainer does). */
static bool closed_on_line(const char *d, scan *s, size_t at, size_t end)
{
    if (!s->line_scanned) {
        s->last_close = (size_t)-1;
        for (size_t i = at; i + 1 < end && d[i] != '\n'; i++)
            if (d[i] == '}' && d[i + 1] == '}')
                s->last_close = i;
        s->line_scanned = true;
    }
    return s->last_close != (size_t)-1 && s->last_close >= at + 2;
}

static void restart(scan *s, size_t from)
{
    s->checked = from;
    s->comment = false;
}

static void new_line(scan *s, size_t from)
{
    restart(s, from);
    s->line_scanned = s->reported = false;
}

void ap_text_add(ap_parser *p, ap_text_builder *b, const ap_stage *stage, size_t start,
                 size_t end)
{
    const char *d = p->data;
    if (!b->started) {
        b->at = start;
        b->started = true;
    }
    scan s = {0};
    new_line(&s, line_start_of(d, start));
    size_t i = start;
    for (size_t k = start; k + 1 < end; k++) {
        if (d[k] == '\n') {
            new_line(&s, k + 1);
            continue;
        }
        if (d[k] != '{' || d[k + 1] != '{' || in_comment(d, &s, k))
            continue;
        size_t ns, ne, me;
        if (!match_ref(d, k, end, &ns, &ne, &me)) {
            if (!s.reported && !closed_on_line(d, &s, k, end)) {
                ap_error(p, k, k + 2, "{{ without a closing }}: Apptainer leaves it as written");
                s.reported = true;
            }
            continue;
        }
        const char *value = NULL;
        if (p->over_substituted) {
            /* past the bound: left as written (reported once, at the first) */
        } else if (!(value = ap_lookup(p, stage, d + ns, ne - ns))) {
            ap_error(p, k, me,
                     "build argument %.*s is not defined: give --build-arg %.*s=VALUE or "
                     "define it in %%arguments (apptainer build fails here)",
                     (int)(ne - ns), d + ns, (int)(ne - ns), d + ns);
        } else if (p->substituted + strlen(value) > p->max_substituted) {
            ap_error(p, k, me,
                     "{{ }} substitution would more than double the file (%zu bytes added "
                     "so far): this reference and the later ones are left as written",
                     p->substituted);
            p->over_substituted = true;
        } else {
            add_verbatim(p, b, i, k);
            add_value(p, b, value, k, me);
            p->substituted += strlen(value);
            b->substituted = true;
            i = me;
        }
        if (memchr(d + k, '\n', me - k)) /* \s matches newlines too */
            new_line(&s, me);
        else
            restart(&s, me);
        k = me - 1;
    }
    add_verbatim(p, b, i, end);
}

ap_text ap_text_finish(ap_parser *p, ap_text_builder *b)
{
    ap_text t = {0};
    t.text = ed_arena_strndup(p->arena, b->buf.data ? b->buf.data : "", b->buf.len);
    t.len = b->buf.len;
    t.segs = b->segs;
    t.nsegs = b->nsegs;
    t.at = b->at;
    t.substituted = b->substituted;
    ed_buf_free(&b->buf);
    memset(b, 0, sizeof *b);
    return t;
}

ap_text ap_text_of(ap_parser *p, const ap_stage *stage, size_t start, size_t end)
{
    ap_text_builder b = {0};
    ap_text_add(p, &b, stage, start, end);
    return ap_text_finish(p, &b);
}
