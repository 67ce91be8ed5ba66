/* A stage's %arguments: NAME=default lines (blank and `#` lines skipped,
 * lines without '=' skipped as Apptainer does with a warning). The value a
 * {{ NAME }} gets is the --build-arg when one is given, else the default,
 * in which a nested {{ OTHER }} is replaced once (build argument first,
 * then default), as Apptainer does. */
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

static void read_line(ap_parser *p, ap_stage *st, size_t s, size_t e)
{
    const char *d = p->data;
    trim(d, &s, &e);
    if (s == e || d[s] == '#')
        return;
    const char *eq = memchr(d + s, '=', e - s);
    if (!eq)
        return;
    size_t ns = s, ne = (size_t)(eq - d), vs = ne + 1, ve = e;
    trim(d, &ns, &ne);
    trim(d, &vs, &ve);
    if (ne == ns)
        return;
    st->args = ed_arena_push(p->arena, st->args, st->nargs, sizeof *st->args);
    ap_arg *a = &st->args[st->nargs++];
    memset(a, 0, sizeof *a);
    a->name = ed_arena_strndup(p->arena, d + ns, ne - ns);
    a->default_value = ed_arena_strndup(p->arena, d + vs, ve - vs);
    a->name_span = (df_span){ns, ne};
    a->value_span = (df_span){vs, ve};
}

/* The default of `name` in the stage (the last definition), or NULL. */
static const char *default_of(const ap_stage *st, const char *name, size_t len)
{
    for (size_t i = st->nargs; i-- > 0;)
        if (strlen(st->args[i].name) == len && memcmp(st->args[i].name, name, len) == 0)
            return st->args[i].default_value;
    return NULL;
}

static const char *build_arg(const ap_parser *p, const char *name, size_t len)
{
    for (size_t i = p->nbuild_args; i-- > 0;)
        if (p->build_args[i].name_len == len && memcmp(p->build_args[i].name, name, len) == 0)
            return p->build_args[i].value;
    return NULL;
}

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* A default with each {{ NAME }} replaced once, unknown names kept. */
static const char *expand_once(ap_parser *p, const ap_stage *st, const char *value)
{
    if (!strstr(value, "{{"))
        return value;
    ed_buf out = ED_BUF_INIT;
    const char *v = value;
    while (*v) {
        if (v[0] != '{' || v[1] != '{') {
            ed_buf_addc(&out, *v++);
            continue;
        }
        const char *n = v + 2;
        while (is_space(*n))
            n++;
        const char *ne = n;
        while (is_word(*ne))
            ne++;
        const char *c = ne;
        while (is_space(*c))
            c++;
        const char *with = NULL;
        if (ne > n && c[0] == '}' && c[1] == '}') {
            with = build_arg(p, n, (size_t)(ne - n));
            if (!with)
                with = default_of(st, n, (size_t)(ne - n));
        }
        if (!with) {
            ed_buf_addc(&out, *v++);
            continue;
        }
        ed_buf_adds(&out, with);
        v = c + 2;
    }
    const char *result = ed_arena_strndup(p->arena, out.data ? out.data : "", out.len);
    ed_buf_free(&out);
    return result;
}

void ap_read_arguments(ap_parser *p, ap_stage *st)
{
    const ap_file *f = p->file;
    for (size_t i = st->first_section; i < st->end_section; i++) {
        const ap_section *sec = &f->sections[i];
        if (sec->kind != AP_SECTION_ARGUMENTS)
            continue;
        for (size_t s = sec->body.start; s < sec->body.end;) {
            const char *nl = memchr(p->data + s, '\n', sec->body.end - s);
            size_t e = nl ? (size_t)(nl - p->data) : sec->body.end;
            read_line(p, st, s, e);
            s = e + 1;
        }
    }
    for (size_t i = 0; i < st->nargs; i++) {
        ap_arg *a = &st->args[i];
        const char *given = build_arg(p, a->name, strlen(a->name));
        a->from_build_arg = given != NULL;
        a->value = given ? given : expand_once(p, st, a->default_value);
    }
}
