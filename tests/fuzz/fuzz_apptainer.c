/* Fuzz target: Apptainer/Singularity definition files. The input is a .def
 * file: the parser (headers, sections, {{ NAME }} substitution with build
 * args, the mapping onto the Dockerfile AST), then the whole apptainer lint
 * (ed_lint_apptainer). Spans must stay inside the input. */
#include "fuzz.h"

#include "envdoctor/apptainer.h"
#include "envdoctor/engine.h"

static const char *const fuzz_ap_build_args[] = {
    "CUDA_VERSION=12.4.1",
    "OS=ubuntu22.04",
    "IMAGE=nvidia/cuda:12.4.1-devel-ubuntu22.04",
};

static void fuzz_ap_check_span(df_span s, size_t len)
{
    FUZZ_CHECK(s.start <= s.end && s.end <= len);
}

static void fuzz_ap_check_text(const ap_text *t, size_t len)
{
    FUZZ_CHECK(t->text != NULL && strlen(t->text) <= t->len);
    fuzz_ap_check_span(ap_text_span(t, 0, t->len), len);
    fuzz_ap_check_span(ap_text_span(t, t->len / 2, t->len), len);
    for (size_t i = 0; i < t->nsegs; i++)
        FUZZ_CHECK(t->segs[i].source <= len && t->segs[i].len <= len - t->segs[i].source);
}

static void fuzz_ap_check(ed_arena *arena, const ap_file *f, size_t len)
{
    FUZZ_CHECK(f != NULL && ap_file_of(&f->dockerfile) == f);
    for (size_t i = 0; i < f->nstages; i++) {
        const ap_stage *st = &f->stages[i];
        FUZZ_CHECK(st->first_section <= st->end_section && st->end_section <= f->nsections);
        fuzz_ap_check_span(st->span, len);
        for (size_t k = 0; k < st->nheaders; k++) {
            const ap_header *h = &st->headers[k];
            FUZZ_CHECK(h->key != NULL);
            fuzz_ap_check_span(h->key_span, len);
            fuzz_ap_check_span(h->value_span, len);
            fuzz_ap_check_span(h->span, len);
            fuzz_ap_check_text(&h->value, len);
        }
        for (size_t k = 0; k < st->nargs; k++) {
            FUZZ_CHECK(st->args[k].name != NULL);
            fuzz_ap_check_span(st->args[k].name_span, len);
            fuzz_ap_check_span(st->args[k].value_span, len);
        }
    }
    for (size_t i = 0; i < f->nsections; i++) {
        const ap_section *s = &f->sections[i];
        FUZZ_CHECK(s->name != NULL && s->stage < f->nstages);
        fuzz_ap_check_span(s->name_span, len);
        fuzz_ap_check_span(s->app_span, len);
        fuzz_ap_check_span(s->header, len);
        fuzz_ap_check_span(s->body, len);
        fuzz_ap_check_text(&s->args, len);
        fuzz_ap_check_text(&s->text, len);
        FUZZ_CHECK(ap_section_label(arena, s) != NULL);
        (void)ap_section_is_app(s->kind);
        if (s->script)
            for (size_t k = 0; k < s->script->ncmds; k++)
                FUZZ_CHECK(s->script->cmds[k].start <= s->script->cmds[k].end &&
                           s->script->cmds[k].end <= s->text.len);
    }
    const df_file *df = &f->dockerfile;
    for (size_t i = 0; i < df->ninstrs; i++) {
        const df_instr *in = &df->instrs[i];
        fuzz_ap_check_span(in->span, len);
        for (size_t k = 0; k < in->nargs; k++)
            fuzz_ap_check_span(in->args[k].span, len);
        for (size_t k = 0; k < in->npairs; k++) {
            fuzz_ap_check_span(in->pairs[k].key.span, len);
            fuzz_ap_check_span(in->pairs[k].value.span, len);
        }
        const ap_section *origin = ap_section_of(f, in);
        FUZZ_CHECK(in->kind == DF_FROM || origin != NULL);
    }
    for (size_t i = 0; i < df->nerrors; i++) {
        FUZZ_CHECK(df->errors[i].message != NULL);
        fuzz_ap_check_span(df->errors[i].span, len);
    }
}

int fuzz_apptainer(const uint8_t *data, size_t size)
{
    fuzz_enter();
    ed_arena *arena = ed_arena_new();
    ed_source *src = fuzz_source(arena, "test.def", data, size);
    size_t nargs = sizeof fuzz_ap_build_args / sizeof *fuzz_ap_build_args;

    fuzz_ap_check(arena, ap_parse(src, arena, NULL, 0), size);
    fuzz_ap_check(arena, ap_parse(src, arena, fuzz_ap_build_args, nargs), size);

    ed_options options = {0};
    options.build_args = fuzz_ap_build_args;
    options.nbuild_args = nargs;
    ed_file_result result;
    ed_lint_apptainer(arena, src, &options, &result);
    FUZZ_CHECK(result.kind == ED_KIND_APPTAINER);
    fuzz_check_results(&result, 1);

    ed_arena_free(arena);
    fuzz_leave();
    return 0;
}

FUZZ_ENTRY(fuzz_apptainer)
