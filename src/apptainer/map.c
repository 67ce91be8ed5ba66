/* The Dockerfile view of a definition file. Per stage, in the order the
 * build runs them: FROM (the image Bootstrap: and From: name), COPY
 * (%files, %appfiles: files are copied before %post runs), RUN (%post, then
 * each %appinstall), ENV (%environment, %appenv: sourced when the container
 * runs, so %post does not see them), LABEL (%labels, %applabels), and last
 * ARG (%arguments: {{ }} substitutions, not variables %post could read).
 * %setup (runs on the host), %test, %runscript, %startscript and %help stay
 * in the definition file's AST only. Each instruction's logical line is its
 * section's substituted text, so every word maps back to the .def. */
#include <string.h>

#include "internal.h"

static void set_lines(ap_parser *p, df_instr *in)
{
    in->start_line = ed_source_pos(p->src, in->span.start).line;
    size_t last = in->span.end > in->span.start ? in->span.end - 1 : in->span.start;
    in->end_line = ed_source_pos(p->src, last).line;
}

df_instr *ap_map_add(ap_parser *p, df_kind kind, const ap_section *section)
{
    ap_file *f = p->file;
    df_file *df = &f->dockerfile;
    df->instrs = ed_arena_push(p->arena, df->instrs, df->ninstrs, sizeof *df->instrs);
    f->origins = ed_arena_push(p->arena, f->origins, df->ninstrs, sizeof *f->origins);
    f->origins[df->ninstrs] = section;
    df_instr *in = &df->instrs[df->ninstrs++];
    memset(in, 0, sizeof *in);
    in->kind = kind;
    if (section) {
        in->keyword.text = ap_section_label(p->arena, section);
        in->keyword.len = strlen(in->keyword.text);
        in->keyword.span = section->name_span;
        in->line = section->text.text;
        in->line_len = section->text.len;
        in->segs = section->text.segs;
        in->nsegs = section->text.nsegs;
        in->span = (df_span){section->header.start, section->body.end};
        set_lines(p, in);
    }
    return in;
}

df_word ap_map_word(ap_parser *p, const df_instr *in, const char *text, size_t lstart, size_t lend)
{
    df_word w = {0};
    w.text = text ? text : ed_arena_strndup(p->arena, in->line + lstart, lend - lstart);
    w.len = strlen(w.text);
    w.lstart = lstart;
    w.lend = lend;
    w.span = df_source_span(in, lstart, lend);
    return w;
}

static void push_arg(ap_parser *p, df_instr *in, df_word w)
{
    in->args = ed_arena_push(p->arena, in->args, in->nargs, sizeof *in->args);
    in->args[in->nargs++] = w;
}

static void push_pair(ap_parser *p, df_instr *in, df_word key, df_word value)
{
    in->pairs = ed_arena_push(p->arena, in->pairs, in->npairs, sizeof *in->pairs);
    in->pairs[in->npairs++] = (df_pair){key, value, false};
}

/* ---- FROM ---- */

static const ap_header *last_header(const ap_stage *st, const char *key)
{
    const ap_header *found = NULL;
    for (size_t i = 0; i < st->nheaders; i++)
        if (strcmp(st->headers[i].key, key) == 0)
            found = &st->headers[i];
    return found;
}

/* The image as the knowledge base should see it: a Docker reference for
 * docker and docker-daemon (with Registry:/Namespace: in front, as
 * Apptainer puts them), "scratch", and for every other agent a name that
 * is no Docker reference (`library://...`, `localimage://...`), so that the
 * image is unknown rather than misread. */
static const char *image_text(ap_parser *p, const ap_stage *st, size_t *skip)
{
    const char *agent = st->agent && *st->agent ? st->agent : "docker";
    const char *from = st->from ? st->from->value.text : "";
    *skip = 0;
    if (strcmp(agent, "scratch") == 0)
        return "scratch";
    if (strcmp(agent, "docker") == 0 || strcmp(agent, "docker-daemon") == 0) {
        if (strncmp(from, "docker://", 9) == 0)
            *skip = 9;
        const char *ref = from + *skip;
        const ap_header *ns = last_header(st, "namespace");
        const ap_header *reg = last_header(st, "registry");
        if (ns && ns->value.len)
            ref = ed_arena_printf(p->arena, "%s/%s", ns->value.text, ref);
        if (reg && reg->value.len)
            ref = ed_arena_printf(p->arena, "%s/%s", reg->value.text, ref);
        return ref;
    }
    if (strstr(from, "://"))
        return from;
    if (!st->from) { /* debootstrap, yum, ...: an OS built from its packages */
        const ap_header *os = last_header(st, "osversion");
        return ed_arena_printf(p->arena, "%s://%s", agent, os ? os->value.text : "");
    }
    return ed_arena_printf(p->arena, "%s://%s", agent, from);
}

static void map_from(ap_parser *p, const ap_stage *st)
{
    const ap_header *named = st->from ? st->from : st->bootstrap ? st->bootstrap : &st->headers[0];
    df_instr *in = ap_map_add(p, DF_FROM, NULL);
    in->keyword.text = ed_arena_strndup(p->arena, p->data + named->key_span.start,
                                        named->key_span.end - named->key_span.start);
    in->keyword.len = strlen(in->keyword.text);
    in->keyword.span = named->key_span;
    in->line = named->value.text;
    in->line_len = named->value.len;
    in->segs = named->value.segs;
    in->nsegs = named->value.nsegs;
    size_t end = 0;
    for (size_t i = 0; i < st->nheaders; i++)
        if (st->headers[i].span.end > end)
            end = st->headers[i].span.end;
    in->span = (df_span){st->headers[0].span.start, end};
    set_lines(p, in);
    size_t skip;
    const char *image = image_text(p, st, &skip);
    push_arg(p, in, ap_map_word(p, in, image, skip < named->value.len ? skip : 0,
                                named->value.len));
    if (!st->stage || st->stage->value.len == 0)
        return;
    df_word as = {0};
    as.text = "AS";
    as.len = 2;
    as.span = st->stage->key_span;
    push_arg(p, in, as);
    df_word name = {0};
    name.text = st->stage->value.text;
    name.len = st->stage->value.len;
    name.span = st->stage->value_span;
    push_arg(p, in, name);
}

/* ---- COPY, LABEL, ARG ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* The next word of line [*at, end): a run of non-blanks, or "..." (the
 * quotes are dropped, as Apptainer does); [*ws, *we) is where it stands. */
static const char *next_word(ap_parser *p, const char *t, size_t *at, size_t end, size_t *ws,
                             size_t *we)
{
    size_t i = *at;
    while (i < end && is_blank(t[i]))
        i++;
    if (i >= end)
        return NULL;
    *ws = i;
    const char *text;
    if (t[i] == '"') {
        const char *close = memchr(t + i + 1, '"', end - i - 1);
        size_t ce = close ? (size_t)(close - t) : end;
        text = ed_arena_strndup(p->arena, t + i + 1, ce - i - 1);
        i = close ? ce + 1 : end;
    } else {
        size_t s = i;
        while (i < end && !is_blank(t[i]))
            i++;
        text = ed_arena_strndup(p->arena, t + s, i - s);
    }
    *we = i;
    *at = i;
    return text;
}

/* Calls fn for each line of the section that is neither blank nor a comment. */
typedef void (*line_fn)(ap_parser *p, const ap_section *sec, size_t s, size_t e, void *ctx);

static void each_line(ap_parser *p, const ap_section *sec, line_fn fn, void *ctx)
{
    const char *t = sec->text.text;
    for (size_t s = 0; s < sec->text.len;) {
        const char *nl = memchr(t + s, '\n', sec->text.len - s);
        size_t e = nl ? (size_t)(nl - t) : sec->text.len, ls = s, le = e;
        while (ls < le && is_blank(t[ls]))
            ls++;
        while (le > ls && is_blank(t[le - 1]))
            le--;
        if (le > ls && t[ls] != '#')
            fn(p, sec, ls, le, ctx);
        s = e + 1;
    }
}

static void files_line(ap_parser *p, const ap_section *sec, size_t s, size_t e, void *ctx)
{
    const df_flag *from = ctx;
    df_instr *in = ap_map_add(p, DF_COPY, sec);
    in->span = ap_text_span(&sec->text, s, e);
    set_lines(p, in);
    if (from) {
        in->flags = ed_arena_alloc(p->arena, sizeof *in->flags);
        in->flags[0] = *from;
        in->nflags = 1;
    }
    size_t at = s, ws, we;
    const char *src = next_word(p, in->line, &at, e, &ws, &we);
    push_arg(p, in, ap_map_word(p, in, src, ws, we));
    const char *dst = next_word(p, in->line, &at, e, &ws, &we);
    if (dst) /* a missing destination is the source path in the image */
        push_arg(p, in, ap_map_word(p, in, dst, ws, we));
    else
        push_arg(p, in, in->args[0]);
}

/* `%files from STAGE`: COPY --from=STAGE. */
static df_flag *files_from(ap_parser *p, const ap_section *sec)
{
    const ap_text *a = &sec->args;
    if (a->len < 5 || strncmp(a->text, "from", 4) != 0 || !is_blank(a->text[4]))
        return NULL;
    size_t ns = 4;
    while (ns < a->len && is_blank(a->text[ns]))
        ns++;
    if (ns == a->len)
        return NULL;
    df_flag *f = ed_arena_alloc(p->arena, sizeof *f);
    f->word.text = ed_arena_printf(p->arena, "--from=%s", a->text + ns);
    f->word.len = strlen(f->word.text);
    f->word.span = ap_text_span(a, 0, a->len);
    f->name = "from";
    f->value = f->word.text + 7;
    return f;
}

static void labels_line(ap_parser *p, const ap_section *sec, size_t s, size_t e, void *ctx)
{
    df_instr *in = ctx;
    const char *t = sec->text.text;
    size_t ke = s;
    while (ke < e && !is_blank(t[ke]))
        ke++;
    size_t vs = ke;
    while (vs < e && is_blank(t[vs]))
        vs++;
    push_pair(p, in, ap_map_word(p, in, NULL, s, ke), ap_map_word(p, in, NULL, vs, e));
}

static void map_arguments(ap_parser *p, const ap_stage *st, const ap_section *first)
{
    if (st->nargs == 0)
        return;
    df_instr *in = ap_map_add(p, DF_ARG, first);
    for (size_t i = 0; i < st->nargs; i++) {
        const ap_arg *a = &st->args[i];
        df_word w = {0};
        w.text = ed_arena_printf(p->arena, "%s=%s", a->name, a->value);
        w.len = strlen(w.text);
        w.span = (df_span){a->name_span.start, a->value_span.end};
        push_arg(p, in, w);
    }
}

/* ---- stages ---- */

static void map_sections(ap_parser *p, const ap_stage *st, const ap_section_kind *kinds,
                         size_t nkinds, df_kind kind)
{
    for (size_t i = st->first_section; i < st->end_section; i++) {
        const ap_section *sec = &p->file->sections[i];
        bool wanted = false;
        for (size_t k = 0; k < nkinds; k++)
            wanted |= sec->kind == kinds[k];
        if (!wanted)
            continue;
        if (kind == DF_COPY) {
            each_line(p, sec, files_line, files_from(p, sec));
        } else if (kind == DF_RUN) {
            df_instr *in = ap_map_add(p, DF_RUN, sec);
            if (sec->text.len)
                push_arg(p, in, ap_map_word(p, in, sec->text.text, 0, sec->text.len));
        } else if (kind == DF_ENV) {
            ap_map_environment(p, ap_map_add(p, DF_ENV, sec), sec);
        } else if (kind == DF_LABEL) {
            each_line(p, sec, labels_line, ap_map_add(p, DF_LABEL, sec));
        }
    }
}

static const ap_section *first_of(const ap_parser *p, const ap_stage *st, ap_section_kind kind)
{
    for (size_t i = st->first_section; i < st->end_section; i++)
        if (p->file->sections[i].kind == kind)
            return &p->file->sections[i];
    return NULL;
}

void ap_map(ap_parser *p)
{
    static const ap_section_kind files[] = {AP_SECTION_FILES, AP_SECTION_APPFILES};
    static const ap_section_kind post[] = {AP_SECTION_POST};
    static const ap_section_kind install[] = {AP_SECTION_APPINSTALL};
    static const ap_section_kind env[] = {AP_SECTION_ENVIRONMENT, AP_SECTION_APPENV};
    static const ap_section_kind labels[] = {AP_SECTION_LABELS, AP_SECTION_APPLABELS};
    for (size_t i = 0; i < p->file->nstages; i++) {
        const ap_stage *st = &p->file->stages[i];
        if (st->nheaders == 0) /* sections before any header: in no build stage */
            continue;
        map_from(p, st);
        map_sections(p, st, files, 2, DF_COPY);
        map_sections(p, st, post, 1, DF_RUN);
        map_sections(p, st, install, 1, DF_RUN);
        map_sections(p, st, env, 2, DF_ENV);
        map_sections(p, st, labels, 2, DF_LABEL);
        const ap_section *args = first_of(p, st, AP_SECTION_ARGUMENTS);
        if (args)
            map_arguments(p, st, args);
    }
}
