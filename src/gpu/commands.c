/* The commands of a stage's RUN instructions: shell form, exec form, heredoc
 * scripts and ONBUILD RUN, each split into simple commands by the shell
 * model, with package-manager calls parsed and a way back to the source. */
#include <string.h>

#include "envdoctor/gpu.h"
#include "gpu_internal.h"

df_span gpu_span(const gpu_cmd *c, size_t start, size_t end)
{
    if (c->direct)
        return (df_span){c->base + start, c->base + end};
    return df_source_span(c->instr, c->base + start, c->base + end);
}

df_span gpu_word_span(const gpu_cmd *c, const sh_word *w)
{
    return gpu_span(c, w->start, w->end);
}

df_span gpu_word_part(const gpu_cmd *c, const sh_word *w, size_t a, size_t b)
{
    size_t start, end;
    sh_word_span(w, a, b, &start, &end);
    return gpu_span(c, start, end);
}

df_span gpu_req_span(const gpu_cmd *c, const sh_req *r)
{
    return gpu_span(c, r->name_start, r->name_end);
}

/* `RUN <<EOF` runs the heredoc as a script; so does `RUN bash <<EOF` (a
 * shell reading its script from standard input). `RUN python3 <<EOF` does
 * not: that body is Python. */
static bool heredoc_is_script(const sh_script *line)
{
    const sh_command *first = NULL;
    for (size_t i = 0; i < line->ncmds; i++)
        if (line->cmds[i].nwords > 0) {
            first = &line->cmds[i];
            break;
        }
    if (!first)
        return true;
    return sh_is_shell_program(sh_program(first)) && !sh_shell_payload(first);
}

/* One script a RUN runs: its commands become the stage's, in order. */
typedef struct gpu_piece {
    const df_instr *in;
    size_t index;
    bool onbuild;
    const sh_script *script;
    bool direct;
    size_t base;
} gpu_piece;

static void add_script(gpu_builder *b, const df_instr *in, size_t index, bool onbuild,
                       const sh_script *script, bool direct, size_t base)
{
    gpu_piece piece = {in, index, onbuild, script, direct, base};
    ed_buf_add(&b->pieces, (const char *)&piece, sizeof piece);
}

void gpu_finish_commands(gpu_builder *b, gpu_stage *stage)
{
    const gpu_piece *pieces = (const gpu_piece *)(const void *)b->pieces.data;
    size_t npieces = b->pieces.len / sizeof *pieces;
    size_t n = 0;
    for (size_t i = 0; i < npieces; i++)
        n += pieces[i].script->ncmds;
    /* One array of the right size, not one grown command by command. */
    stage->cmds = n ? ed_arena_calloc(b->arena, n, sizeof *stage->cmds) : NULL;
    stage->ncmds = 0;
    for (size_t i = 0; i < npieces; i++) {
        const gpu_piece *p = &pieces[i];
        for (size_t k = 0; k < p->script->ncmds; k++) {
            gpu_cmd *c = &stage->cmds[stage->ncmds++];
            c->instr = p->in;
            c->index = p->index;
            c->stage = (size_t)(stage - b->model->stages);
            c->onbuild = p->onbuild;
            c->cmd = &p->script->cmds[k];
            c->direct = p->direct;
            c->base = p->base;
            /* Most commands are no package-manager call: keep a parse only when it is. */
            sh_pkgcmd pkg;
            if (sh_pkgcmd_parse(b->arena, c->cmd, &pkg)) {
                sh_pkgcmd *kept = ed_arena_alloc(b->arena, sizeof *kept);
                *kept = pkg;
                c->pkg = kept;
            }
        }
    }
    b->pieces.len = 0;
}

static void add_exec_form(gpu_builder *b, const df_instr *in, size_t index, bool onbuild)
{
    const char **argv = ed_arena_calloc(b->arena, in->nargs + 1, sizeof *argv);
    size_t *starts = ed_arena_calloc(b->arena, in->nargs + 1, sizeof *starts);
    size_t *ends = ed_arena_calloc(b->arena, in->nargs + 1, sizeof *ends);
    for (size_t i = 0; i < in->nargs; i++) {
        argv[i] = in->args[i].text;
        starts[i] = in->args[i].lstart;
        ends[i] = in->args[i].lend;
    }
    sh_script *script = sh_from_argv(b->arena, argv, starts, ends, in->nargs);
    add_script(b, in, index, onbuild, script, false, 0);
}

void gpu_add_run(gpu_builder *b, const df_instr *in, size_t index, bool onbuild)
{
    if (in->nargs == 0)
        return;
    if (in->json) {
        add_exec_form(b, in, index, onbuild);
        return;
    }
    const df_word *text = &in->args[0];
    sh_script *line = sh_parse(b->arena, text->text, text->len);
    add_script(b, in, index, onbuild, line, false, text->lstart);
    if (in->nheredocs == 0 || !heredoc_is_script(line))
        return;
    for (size_t i = 0; i < in->nheredocs; i++) {
        const df_heredoc *doc = &in->heredocs[i];
        sh_script *body = sh_parse(b->arena, doc->content, doc->content_len);
        add_script(b, in, index, onbuild, body, true, doc->body.start);
    }
}
