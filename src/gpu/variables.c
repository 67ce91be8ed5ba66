/* Variables as a command sees them: its own NAME=value prefixes, `export`s
 * earlier in the same RUN, then the stage's ENV and ARG values. */
#include <string.h>

#include "envdoctor/dfexpand.h"
#include "envdoctor/gpu.h"

/* The value in a NAME=value word, or NULL when the word sets another name. */
static const char *assigned(const sh_word *w, const char *name, size_t len)
{
    if (w->len > len && strncmp(w->text, name, len) == 0 && w->text[len] == '=')
        return w->text + len + 1;
    return NULL;
}

static const char *from_command(const sh_command *cmd, const char *name, size_t len)
{
    const char *value = NULL;
    for (size_t i = 0; i < cmd->nassigns; i++) {
        const char *v = assigned(&cmd->assigns[i], name, len);
        if (v)
            value = v;
    }
    return value;
}

/* `export NAME=value` or a bare `NAME=value` command before c in its RUN. */
static const char *from_earlier(const gpu_model *m, const gpu_cmd *c, const char *name, size_t len)
{
    const gpu_stage *s = &m->stages[c->stage];
    const char *value = NULL;
    for (const gpu_cmd *e = s->cmds; e < c; e++) {
        if (e->instr != c->instr || e->cmd->depth > c->cmd->depth)
            continue;
        const sh_command *cmd = e->cmd;
        if (cmd->nwords == 0) {
            const char *v = from_command(cmd, name, len);
            if (v)
                value = v;
        } else if (strcmp(sh_program(cmd), "export") == 0) {
            for (size_t i = 1; i < cmd->nwords; i++) {
                const char *v = assigned(&cmd->words[i], name, len);
                if (v)
                    value = v;
            }
        }
    }
    return value;
}

const char *gpu_cmd_var(const gpu_model *m, const gpu_cmd *c, const char *name)
{
    size_t len = strlen(name);
    const char *v = from_command(c->cmd, name, len);
    if (!v)
        v = from_earlier(m, c, name, len);
    if (!v)
        v = df_model_lookup(m->df, c->index, name);
    return v;
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
