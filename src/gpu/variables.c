/* Variables as a command sees them: its own NAME=value prefixes, `export`s
 * earlier in the same RUN, then the stage's ENV and ARG values.
 *
 * What the RUNs of a stage set is indexed once (gpu_index_run_vars): every
 * assignment word, sorted by name and then by command, so that a lookup is a
 * binary search instead of a walk over the commands before the one asked
 * about (a RUN of 50,000 commands would otherwise cost 50,000² steps). */
#include <stdlib.h>
#include <string.h>

#include "envdoctor/dfexpand.h"
#include "envdoctor/gpu.h"
#include "gpu_internal.h"

/* A NAME=value word that sets `name`, as it sets it. */
typedef struct assignment {
    const gpu_cmd *cmd;  /* the command holding the word */
    const sh_word *word;
} assignment;

static bool assigns(const sh_word *w, const char *name, size_t len)
{
    return w->len > len && strncmp(w->text, name, len) == 0 && w->text[len] == '=';
}

static bool from_command(const gpu_cmd *c, const char *name, size_t len, assignment *out)
{
    bool found = false;
    for (size_t i = 0; i < c->cmd->nassigns; i++)
        if (assigns(&c->cmd->assigns[i], name, len)) {
            *out = (assignment){c, &c->cmd->assigns[i]};
            found = true;
        }
    return found;
}

/* ---- The index ------------------------------------------------------------ */

/* An assignment word of an `export` or a bare NAME=value command. */
typedef struct run_var {
    const char *name; /* the word's text; the name is its first len bytes */
    size_t len;
    size_t cmd;       /* index of the command in the stage's cmds */
    size_t seq;       /* order in the stage (several words of one command) */
    const sh_word *word;
} run_var;

struct gpu_run_vars {
    run_var *v; /* by name, then command, then seq */
    size_t n;
};

static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int d = memcmp(a, b, alen < blen ? alen : blen);
    return d ? d : (alen > blen) - (alen < blen);
}

static int run_var_cmp(const void *pa, const void *pb)
{
    const run_var *a = pa, *b = pb;
    int d = name_cmp(a->name, a->len, b->name, b->len);
    if (d)
        return d;
    if (a->cmd != b->cmd)
        return a->cmd < b->cmd ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static void add_run_var(ed_arena *arena, struct gpu_run_vars *rv, size_t cmd, const sh_word *w)
{
    const char *eq = memchr(w->text, '=', w->len);
    if (!eq || eq == w->text)
        return;
    rv->v = ed_arena_push(arena, rv->v, rv->n, sizeof *rv->v);
    rv->v[rv->n] = (run_var){w->text, (size_t)(eq - w->text), cmd, rv->n, w};
    rv->n++;
}

void gpu_index_run_vars(gpu_builder *b, gpu_stage *stage)
{
    gpu_model *m = b->model;
    if (!m->files->run_vars)
        m->files->run_vars =
            ed_arena_calloc(b->arena, m->nstages ? m->nstages : 1, sizeof *m->files->run_vars);
    struct gpu_run_vars *rv = &m->files->run_vars[stage - m->stages];
    for (size_t i = 0; i < stage->ncmds; i++) {
        const sh_command *cmd = stage->cmds[i].cmd;
        if (cmd->nwords == 0) {
            for (size_t j = 0; j < cmd->nassigns; j++)
                add_run_var(b->arena, rv, i, &cmd->assigns[j]);
        } else if (strcmp(sh_program(cmd), "export") == 0) {
            for (size_t j = 1; j < cmd->nwords; j++)
                add_run_var(b->arena, rv, i, &cmd->words[j]);
        }
    }
    if (rv->n > 1)
        qsort(rv->v, rv->n, sizeof *rv->v, run_var_cmp);
}

/* The same as from_earlier below, by a walk over the commands; for names
 * with a '=' in them, which the index does not key. */
static bool from_earlier_walk(const gpu_model *m, const gpu_cmd *c, const char *name, size_t len,
                              assignment *out)
{
    const gpu_stage *s = &m->stages[c->stage];
    bool found = false;
    for (const gpu_cmd *e = s->cmds; e < c; e++) {
        if (e->instr != c->instr || e->cmd->depth > c->cmd->depth)
            continue;
        const sh_command *cmd = e->cmd;
        if (cmd->nwords == 0) {
            found |= from_command(e, name, len, out);
        } else if (strcmp(sh_program(cmd), "export") == 0) {
            for (size_t i = 1; i < cmd->nwords; i++)
                if (assigns(&cmd->words[i], name, len)) {
                    *out = (assignment){e, &cmd->words[i]};
                    found = true;
                }
        }
    }
    return found;
}

/* `export NAME=value` or a bare `NAME=value` command before c in its RUN:
 * the last such word before c that is not nested deeper than c. */
static bool from_earlier(const gpu_model *m, const gpu_cmd *c, const char *name, size_t len,
                         assignment *out)
{
    const gpu_stage *s = &m->stages[c->stage];
    const struct gpu_run_vars *rv = m->files->run_vars ? &m->files->run_vars[c->stage] : NULL;
    if (!rv || memchr(name, '=', len))
        return from_earlier_walk(m, c, name, len, out);
    size_t ci = (size_t)(c - s->cmds);
    /* hi: the first entry after (name, commands before c) */
    size_t lo = 0, hi = rv->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = name_cmp(rv->v[mid].name, rv->v[mid].len, name, len);
        if (d < 0 || (d == 0 && rv->v[mid].cmd < ci))
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Back from there: the commands of c's RUN are contiguous in the stage. */
    for (size_t k = lo; k-- > 0;) {
        const run_var *v = &rv->v[k];
        if (v->len != len || memcmp(v->name, name, len) != 0)
            break;
        const gpu_cmd *e = &s->cmds[v->cmd];
        if (e->instr != c->instr)
            break;
        if (e->cmd->depth > c->cmd->depth)
            continue;
        *out = (assignment){e, v->word};
        return true;
    }
    return false;
}

/* Where the RUN itself sets the variable for command c, if it does. */
static bool in_run(const gpu_model *m, const gpu_cmd *c, const char *name, assignment *out)
{
    size_t len = strlen(name);
    return from_command(c, name, len, out) || from_earlier(m, c, name, len, out);
}

const char *gpu_cmd_var(const gpu_model *m, const gpu_cmd *c, const char *name)
{
    assignment a;
    if (in_run(m, c, name, &a))
        return a.word->text + strlen(name) + 1;
    return df_model_lookup(m->df, c->index, name);
}

df_span gpu_var_span(const gpu_model *m, const gpu_cmd *c, const char *name)
{
    assignment a;
    if (in_run(m, c, name, &a))
        return gpu_word_part(a.cmd, a.word, strlen(name) + 1, a.word->len);
    const df_var *def = df_model_find(m->df, c->index, name);
    if (def && def->instr)
        return df_var_span(def);
    return gpu_span(c, c->cmd->start, c->cmd->start);
}

/* The name in an ENV key or an `ARG NAME[=value]` word written as is. */
static bool definition_name_span(const df_var *def, size_t len, df_span *out)
{
    const df_instr *in = def->instr;
    for (size_t i = in->npairs; i-- > 0;)
        if (strcmp(in->pairs[i].key.text, def->name) == 0) {
            *out = in->pairs[i].key.span;
            return true;
        }
    for (size_t i = in->nargs; i-- > 0;) {
        const df_word *w = &in->args[i];
        if (strncmp(w->text, def->name, len) != 0 || (w->text[len] != '=' && w->text[len]))
            continue;
        if (w->lend - w->lstart != w->len) /* quotes or escapes: not where the text says */
            return false;
        *out = df_source_span(in, w->lstart, w->lstart + len);
        return true;
    }
    return false;
}

bool gpu_var_name_span(const gpu_model *m, const gpu_cmd *c, const char *name, df_span *out)
{
    assignment a;
    size_t len = strlen(name);
    if (in_run(m, c, name, &a)) {
        *out = gpu_word_part(a.cmd, a.word, 0, len);
        return true;
    }
    const df_var *def = df_model_find(m->df, c->index, name);
    return def && def->instr && definition_name_span(def, len, out);
}

typedef struct lookup_ctx {
    const gpu_model *m;
    const gpu_cmd *c;
    ed_arena *arena;
} lookup_ctx;

static const char *lookup(void *ctx, const char *name, size_t len, size_t offset)
{
    lookup_ctx *l = ctx;
    (void)offset;
    return gpu_cmd_var(l->m, l->c, ed_arena_strndup(l->arena, name, len));
}

const char *gpu_expand(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, const char *text)
{
    if (!strchr(text, '$'))
        return text;
    lookup_ctx l = {m, c, arena};
    df_expand_error err;
    const char *out = df_expand_word(arena, text, strlen(text), '\\', lookup, &l, &err);
    return out ? out : text;
}
