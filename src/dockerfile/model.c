/* The build model: stages, the stage graph and ARG/ENV values, evaluated with
 * BuildKit's rules (global ARGs reach only FROM lines unless redeclared in a
 * stage; --build-arg overrides defaults; ENV beats ARG; each instruction sees
 * the values from before it). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envdoctor/dfexpand.h"
#include "envdoctor/model.h"
#include "envdoctor/similar.h"

/* Arguments BuildKit defines for FROM lines without a declaration. */
static const char *const automatic_args[] = {
    "TARGETPLATFORM", "TARGETOS",  "TARGETARCH",  "TARGETVARIANT",
    "BUILDPLATFORM",  "BUILDOS",   "BUILDARCH",   "BUILDVARIANT",
};

typedef struct build_arg {
    const char *name;
    size_t name_len;
    const char *value;
} build_arg;

typedef struct builder {
    ed_arena *arena;
    df_model *model;
    const build_arg *args;
    size_t nargs;
} builder;

static const char *build_arg_value(const builder *b, const char *name, size_t len)
{
    for (size_t i = b->nargs; i-- > 0;) /* the last --build-arg wins */
        if (b->args[i].name_len == len && memcmp(b->args[i].name, name, len) == 0)
            return b->args[i].value;
    return NULL;
}

static size_t instr_index(const df_model *m, const df_instr *in)
{
    return (size_t)(in - m->file->instrs);
}

/* ---- lookups ---- */

static const df_var *find_var(const df_var *vars, size_t n, const char *name, size_t len,
                              bool env, size_t before, const df_model *m)
{
    for (size_t i = n; i-- > 0;) {
        const df_var *v = &vars[i];
        if (v->is_env != env || strlen(v->name) != len || memcmp(v->name, name, len) != 0)
            continue;
        if (v->instr && instr_index(m, v->instr) >= before)
            continue;
        return v;
    }
    return NULL;
}

static const df_var *find_global(const df_model *m, const char *name, size_t len, size_t before)
{
    return find_var(m->global_args, m->nglobal_args, name, len, false, before, m);
}

/* ENV set in the stage or inherited through FROM <stage>. */
static const df_var *find_env(const df_model *m, int stage, const char *name, size_t len,
                              size_t before)
{
    while (stage >= 0) {
        const df_stage *s = &m->stages[stage];
        const df_var *v = find_var(s->vars, s->nvars, name, len, true, before, m);
        if (v)
            return v;
        before = (size_t)-1; /* a parent stage is complete */
        stage = s->parent;
    }
    return NULL;
}

static const df_var *lookup_var(const df_model *m, int stage, size_t before, const char *name,
                                size_t len)
{
    if (stage < 0)
        return find_global(m, name, len, before);
    const df_var *env = find_env(m, stage, name, len, before);
    if (env)
        return env;
    const df_stage *s = &m->stages[stage];
    return find_var(s->vars, s->nvars, name, len, false, before, m);
}

const char *df_model_lookup(const df_model *m, size_t instr, const char *name)
{
    if (instr >= m->file->ninstrs)
        return NULL;
    const df_var *v = lookup_var(m, m->stage_of[instr], instr, name, strlen(name));
    return v ? v->value : NULL;
}

const df_var *df_model_find(const df_model *m, size_t instr, const char *name)
{
    if (instr >= m->file->ninstrs)
        return NULL;
    return lookup_var(m, m->stage_of[instr], instr, name, strlen(name));
}

df_span df_var_span(const df_var *var)
{
    const df_instr *in = var->instr;
    if (!in)
        return (df_span){0, 0};
    size_t len = strlen(var->name);
    for (size_t i = 0; i < in->npairs; i++)
        if (in->pairs[i].key.len == len && memcmp(in->pairs[i].key.text, var->name, len) == 0)
            return in->pairs[i].value.len ? in->pairs[i].value.span : in->pairs[i].key.span;
    for (size_t i = 0; i < in->nargs; i++)
        if (strncmp(in->args[i].text, var->name, len) == 0 &&
            (in->args[i].text[len] == '=' || in->args[i].text[len] == '\0'))
            return in->args[i].span;
    return in->span;
}

const df_stage *df_model_root(const df_model *m, const df_stage *stage)
{
    return &m->stages[stage->root];
}

/* ---- expansion ---- */

typedef struct expand_ctx {
    builder *b;
    int stage;
    size_t before;
    /* for FROM lines: where undefined names are recorded */
    const df_instr *from;
    const df_word *word;
    size_t text_offset; /* where the expanded text starts within the word */
    bool used_vars;
} expand_ctx;

static bool is_automatic(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof automatic_args / sizeof *automatic_args; i++)
        if (strlen(automatic_args[i]) == len && memcmp(automatic_args[i], name, len) == 0)
            return true;
    return false;
}

static const char *closest_global(const df_model *m, const char *name, size_t len, size_t before)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < m->nglobal_args; i++) {
        const df_var *v = &m->global_args[i];
        size_t vlen = strlen(v->name);
        if ((v->instr && instr_index(m, v->instr) >= before) || !ed_is_typo_of(name, len, v->name, vlen))
            continue;
        size_t d = ed_edit_distance(name, len, v->name, vlen);
        if (d < best_d) {
            best = v->name;
            best_d = d;
        }
    }
    return best;
}

static void record_undefined(expand_ctx *c, const char *name, size_t len, size_t offset)
{
    df_model *m = c->b->model;
    const char *text = c->word->text + c->text_offset;
    size_t end = offset + 1 + len;
    if (text[offset + 1] == '{') { /* `${NAME...}`: up to the matching brace */
        int depth = 0;
        for (end = offset + 1; text[end]; end++) {
            if (text[end] == '{')
                depth++;
            else if (text[end] == '}' && --depth == 0) {
                end++;
                break;
            }
        }
    }
    df_undefined_ref ref = {0};
    ref.name = ed_arena_strndup(c->b->arena, name, len);
    size_t at = c->word->lstart + c->text_offset;
    if (at + end > c->word->lend) /* quotes were removed from the word: point at all of it */
        ref.span = df_source_span(c->from, c->word->lstart, c->word->lend);
    else
        ref.span = df_source_span(c->from, at + offset, at + end);
    ref.from = c->from;
    ref.given_as_build_arg = build_arg_value(c->b, name, len) != NULL;
    ref.suggestion = closest_global(m, name, len, c->before);
    m->undefined = ed_arena_push(c->b->arena, m->undefined, m->nundefined, sizeof *m->undefined);
    m->undefined[m->nundefined++] = ref;
}

static const char *lookup_cb(void *ctx, const char *name, size_t len, size_t offset)
{
    expand_ctx *c = ctx;
    c->used_vars = true;
    const df_var *v = lookup_var(c->b->model, c->stage, c->before, name, len);
    if (v)
        return v->value;
    if (c->from && c->stage < 0 && !is_automatic(name, len))
        record_undefined(c, name, len, offset);
    return NULL;
}

static const char *expand(builder *b, int stage, size_t before, const char *text, size_t len)
{
    expand_ctx c = {b, stage, before, NULL, NULL, 0, false};
    df_expand_error err;
    return df_expand_word(b->arena, text, len, b->model->file->escape, lookup_cb, &c, &err);
}

/* Expands a word of a FROM line, recording variables nothing defines. */
static const char *expand_from_word(builder *b, const df_instr *from, const df_word *word,
                                    size_t text_offset, bool *used_vars)
{
    expand_ctx c = {b, -1, instr_index(b->model, from), from, word, text_offset, false};
    df_expand_error err;
    const char *text = word->text + text_offset;
    const char *out = df_expand_word(b->arena, text, strlen(text), b->model->file->escape,
                                     lookup_cb, &c, &err);
    if (used_vars)
        *used_vars = c.used_vars;
    return out;
}

/* ---- definitions ---- */

static void push_var(builder *b, df_var **vars, size_t *n, df_var v)
{
    *vars = ed_arena_push(b->arena, *vars, *n, sizeof **vars);
    (*vars)[(*n)++] = v;
}

/* ARG name[=default] ... ; stage < 0 for global ARGs. */
static void define_args(builder *b, int stage, const df_instr *in)
{
    df_model *m = b->model;
    size_t at = instr_index(m, in);
    for (size_t i = 0; i < in->nargs; i++) {
        const df_word *w = &in->args[i];
        const char *eq = strchr(w->text, '=');
        size_t name_len = eq ? (size_t)(eq - w->text) : w->len;
        const char *name = ed_arena_strndup(b->arena, w->text, name_len);
        const char *value = build_arg_value(b, name, name_len);
        if (!value && eq)
            value = expand(b, stage, at, eq + 1, w->len - name_len - 1);
        if (!value && !eq && stage >= 0) { /* `ARG NAME` in a stage takes the global value */
            const df_var *g = find_global(m, name, name_len, (size_t)-1);
            if (g)
                value = g->value;
        }
        df_var v = {name, value, in, false};
        if (stage < 0) {
            push_var(b, &m->global_args, &m->nglobal_args, v);
        } else {
            df_stage *s = &m->stages[stage];
            push_var(b, &s->vars, &s->nvars, v);
        }
    }
}

static void define_env(builder *b, int stage, const df_instr *in)
{
    df_model *m = b->model;
    df_stage *s = &m->stages[stage];
    size_t at = instr_index(m, in);
    for (size_t i = 0; i < in->npairs; i++) {
        const df_pair *p = &in->pairs[i];
        /* Every pair of one ENV sees the values from before the instruction. */
        const char *value = expand(b, stage, at, p->value.text, p->value.len);
        const char *key = expand(b, stage, at, p->key.text, p->key.len);
        df_var v = {key ? key : p->key.text, value ? value : "", in, true};
        push_var(b, &s->vars, &s->nvars, v);
    }
}

static int find_stage_by_name(const df_model *m, size_t before_stage, const char *name)
{
    for (size_t i = 0; i < before_stage; i++)
        if (m->stages[i].name && strcasecmp(m->stages[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void resolve_from(builder *b, df_stage *s)
{
    df_model *m = b->model;
    const df_instr *from = s->from;
    s->parent = -1;
    s->root = (int)s->index;
    for (size_t i = 0; i < from->nflags; i++) {
        const df_flag *f = &from->flags[i];
        if (strcmp(f->name, "platform") == 0 && f->value)
            s->platform = expand_from_word(b, from, &f->word, (size_t)(f->value - f->word.text), NULL);
    }
    if (from->nargs >= 3 && strcasecmp(from->args[1].text, "as") == 0) {
        char *name = ed_arena_strdup(b->arena, from->args[2].text);
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        s->name = name;
    }
    if (from->nargs == 0)
        return;
    s->base = expand_from_word(b, from, &from->args[0], 0, &s->base_has_vars);
    if (!s->base || !*s->base)
        return;
    s->parent = find_stage_by_name(m, s->index, s->base);
    if (s->parent >= 0) {
        s->root = m->stages[s->parent].root;
        return;
    }
    s->ref_ok = img_ref_parse(b->arena, s->base, strlen(s->base), &s->ref, &s->ref_error);
}

/* The value of key `from=` in a --mount CSV, or NULL. */
static const char *mount_from(ed_arena *arena, const char *csv)
{
    for (const char *p = csv; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len > 5 && strncmp(p, "from=", 5) == 0)
            return ed_arena_strndup(arena, p + 5, len - 5);
        p = comma ? comma + 1 : NULL;
    }
    return NULL;
}

static void add_edge(builder *b, size_t stage, const df_instr *in, const char *raw)
{
    df_model *m = b->model;
    const char *from = expand(b, (int)stage, instr_index(m, in), raw, strlen(raw));
    if (!from)
        from = raw;
    int target = find_stage_by_name(m, stage, from);
    if (target < 0 && *from && strspn(from, "0123456789") == strlen(from) && strlen(from) < 9) {
        long idx = strtol(from, NULL, 10);
        if (idx < (long)stage)
            target = (int)idx;
    }
    m->edges = ed_arena_push(b->arena, m->edges, m->nedges, sizeof *m->edges);
    m->edges[m->nedges++] = (df_stage_edge){stage, target, from, in};
}

static void note_edges(builder *b, size_t stage, const df_instr *in)
{
    for (size_t i = 0; i < in->nflags; i++) {
        const df_flag *f = &in->flags[i];
        if (!f->value)
            continue;
        if (in->kind == DF_COPY && strcmp(f->name, "from") == 0)
            add_edge(b, stage, in, f->value);
        else if (in->kind == DF_RUN && strcmp(f->name, "mount") == 0) {
            const char *from = mount_from(b->arena, f->value);
            if (from)
                add_edge(b, stage, in, from);
        }
    }
}

static void parse_build_args(ed_arena *arena, const char *const *raw, size_t n, build_arg *out)
{
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(raw[i], '=');
        out[i].name = raw[i];
        out[i].name_len = eq ? (size_t)(eq - raw[i]) : strlen(raw[i]);
        /* `--build-arg NAME` takes the value from the environment, as docker does. */
        out[i].value = eq ? eq + 1 : getenv(ed_arena_strdup(arena, raw[i]));
    }
}

df_model *df_model_build(ed_arena *arena, const df_file *file, const char *const *build_args,
                         size_t nbuild_args)
{
    df_model *m = ed_arena_alloc(arena, sizeof *m);
    m->file = file;
    m->stage_of = ed_arena_calloc(arena, file->ninstrs ? file->ninstrs : 1, sizeof *m->stage_of);
    build_arg *args = ed_arena_calloc(arena, nbuild_args ? nbuild_args : 1, sizeof *args);
    parse_build_args(arena, build_args, nbuild_args, args);
    builder b = {arena, m, args, nbuild_args};

    size_t nstages = 0;
    for (size_t i = 0; i < file->ninstrs; i++)
        if (file->instrs[i].kind == DF_FROM)
            nstages++;
    m->stages = ed_arena_calloc(arena, nstages ? nstages : 1, sizeof *m->stages);

    int stage = -1;
    for (size_t i = 0; i < file->ninstrs; i++) {
        const df_instr *in = &file->instrs[i];
        /* A FROM with an error (a bad stage name, say) still opens its stage,
         * so that what follows is not taken for the previous stage. */
        if (in->kind == DF_FROM) {
            if (stage >= 0)
                m->stages[stage].end = i;
            stage = (int)m->nstages++;
            df_stage *s = &m->stages[stage];
            s->index = (size_t)stage;
            s->from = in;
            s->first = i;
            s->end = file->ninstrs;
            resolve_from(&b, s);
        }
        m->stage_of[i] = stage;
        if (in->has_error)
            continue;
        if (in->kind == DF_ARG)
            define_args(&b, stage, in);
        else if (in->kind == DF_ENV && stage >= 0)
            define_env(&b, stage, in);
        else if (stage >= 0)
            note_edges(&b, (size_t)stage, in);
    }
    return m;
}
