/* Fuzz target: the Dockerfile front end. The input is a Dockerfile: parse,
 * BuildKit's instruction checks, the AST dump, the build model (with build
 * args), and variable expansion of every argument as its instruction sees
 * the variables. Positions must stay inside the input. */
#include "fuzz.h"

#include "envdoctor/dfexpand.h"
#include "envdoctor/dockerfile.h"
#include "envdoctor/model.h"

static const char *const fuzz_df_build_args[] = {
    "CUDA_VERSION=12.4.1",
    "BASE_IMAGE=nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04",
    "TORCH_CUDA_ARCH_LIST=8.0;8.6;9.0+PTX",
    "ED_FUZZ_UNSET_ARG", /* `--build-arg NAME`: from the environment, where it is unset */
};

typedef struct fuzz_df_lookup_ctx {
    const df_model *model;
    size_t instr;
    ed_arena *arena;
} fuzz_df_lookup_ctx;

static const char *fuzz_df_lookup(void *data, const char *name, size_t name_len, size_t offset)
{
    (void)offset;
    fuzz_df_lookup_ctx *c = data;
    return df_model_lookup(c->model, c->instr, ed_arena_strndup(c->arena, name, name_len));
}

static void fuzz_df_check_span(const df_file *f, df_span s)
{
    FUZZ_CHECK(s.start <= s.end);
    FUZZ_CHECK(s.end <= f->src->len);
}

static void fuzz_df_check_instr(const df_file *f, const df_instr *in)
{
    size_t len = f->src->len;
    fuzz_df_check_span(f, in->span);
    FUZZ_CHECK(in->start_line <= in->end_line);
    FUZZ_CHECK(in->line != NULL);
    for (size_t i = 0; i < in->nsegs; i++)
        FUZZ_CHECK(in->segs[i].source <= len && in->segs[i].len <= len - in->segs[i].source);
    for (size_t i = 0; i < in->nargs; i++) {
        fuzz_df_check_span(f, in->args[i].span);
        FUZZ_CHECK(in->args[i].text != NULL);
        FUZZ_CHECK(in->args[i].lstart <= in->args[i].lend);
        df_span s = df_source_span(in, in->args[i].lstart, in->args[i].lend);
        fuzz_df_check_span(f, s);
    }
    for (size_t i = 0; i < in->nflags; i++) {
        fuzz_df_check_span(f, in->flags[i].word.span);
        FUZZ_CHECK(in->flags[i].name != NULL);
    }
    for (size_t i = 0; i < in->npairs; i++) {
        fuzz_df_check_span(f, in->pairs[i].key.span);
        fuzz_df_check_span(f, in->pairs[i].value.span);
    }
    for (size_t i = 0; i < in->nheredocs; i++) {
        const df_heredoc *h = &in->heredocs[i];
        fuzz_df_check_span(f, h->word.span);
        fuzz_df_check_span(f, h->body);
        fuzz_df_check_span(f, h->terminator);
        FUZZ_CHECK(h->name != NULL);
        FUZZ_CHECK(h->content_len <= len);
    }
    if (in->trigger)
        fuzz_df_check_instr(f, in->trigger);
    (void)df_kind_name(in->kind);
}

static void fuzz_df_expand_all(ed_arena *arena, const df_file *f, const df_model *m)
{
    for (size_t i = 0; i < f->ninstrs; i++) {
        const df_instr *in = &f->instrs[i];
        fuzz_df_lookup_ctx c = {m, i, arena};
        for (size_t k = 0; k < in->nargs; k++) {
            df_expand_error err;
            char **words;
            (void)df_expand_word(arena, in->args[k].text, in->args[k].len, f->escape,
                                 fuzz_df_lookup, &c, &err);
            (void)df_expand_words(arena, in->args[k].text, in->args[k].len, f->escape,
                                  fuzz_df_lookup, &c, &words, &err);
        }
        for (size_t k = 0; k < in->npairs; k++) {
            df_expand_error err;
            (void)df_expand_word(arena, in->pairs[k].value.text, in->pairs[k].value.len,
                                 f->escape, fuzz_df_lookup, &c, &err);
        }
    }
}

int fuzz_dockerfile(const uint8_t *data, size_t size)
{
    fuzz_enter();
    ed_arena *arena = ed_arena_new();
    ed_source *src = fuzz_source(arena, "Dockerfile", data, size);

    df_file *f = df_parse(src, arena);
    FUZZ_CHECK(f != NULL);
    df_validate(f, arena);
    for (size_t i = 0; i < f->ninstrs; i++)
        fuzz_df_check_instr(f, &f->instrs[i]);
    for (size_t i = 0; i < f->nerrors; i++) {
        fuzz_df_check_span(f, f->errors[i].span);
        FUZZ_CHECK(f->errors[i].message != NULL);
    }
    for (size_t i = 0; i < f->ndirectives; i++)
        fuzz_df_check_span(f, f->directives[i].span);
    for (size_t i = 0; i < f->nempty_continuations; i++)
        fuzz_df_check_span(f, f->empty_continuations[i]);

    char *dump = df_dump(f, arena);
    FUZZ_CHECK(dump != NULL);

    /* without build args, then with them */
    df_model *m0 = df_model_build(arena, f, NULL, 0);
    FUZZ_CHECK(m0 != NULL);
    df_model *m = df_model_build(arena, f, fuzz_df_build_args,
                                 sizeof fuzz_df_build_args / sizeof *fuzz_df_build_args);
    FUZZ_CHECK(m != NULL);
    for (size_t i = 0; i < m->nstages; i++) {
        const df_stage *s = &m->stages[i];
        FUZZ_CHECK(s->first <= s->end && s->end <= f->ninstrs);
        FUZZ_CHECK(s->parent < (int)m->nstages);
        FUZZ_CHECK(df_model_root(m, s) != NULL);
        for (size_t k = 0; k < s->nvars; k++)
            fuzz_df_check_span(f, df_var_span(&s->vars[k]));
    }
    for (size_t i = 0; i < m->nundefined; i++)
        fuzz_df_check_span(f, m->undefined[i].span);
    for (size_t i = 0; i < m->nedges; i++)
        FUZZ_CHECK(m->edges[i].stage < m->nstages && m->edges[i].from_stage < (int)m->nstages);
    fuzz_df_expand_all(arena, f, m);

    ed_arena_free(arena);
    fuzz_leave();
    return 0;
}

FUZZ_ENTRY(fuzz_dockerfile)
