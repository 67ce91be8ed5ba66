/* Variables as a command sees them: its own NAME=value prefixes, `export`s
 * earlier in the same RUN, then the stage's ENV and ARG values. */
#include <string.h>

#include "envdoctor/dfexpand.h"
#include "envdoctor/gpu.h"

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

/* `export NAME=value` or a bare `NAME=value` command before c in its RUN. */
static bool from_earlier(const gpu_model *m, const gpu_cmd *c, const char *name, size_t len,
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
