/* Autofix passes and their output (see fix.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envdoctor/replace.h"
#include "envdoctor/report.h"
#include "fix.h"

/* The overlay entry of a path, or NULL. */
static ed_overlay *overlay_of(ed_options *o, const char *path)
{
    for (size_t i = 0; i < o->noverlay; i++)
        if (strcmp(o->overlay[i].path, path) == 0)
            return (ed_overlay *)&o->overlay[i];
    return NULL;
}

static cli_fixed *fixed_of(cli_fixes *f, const char *path)
{
    for (size_t i = 0; i < f->nfiles; i++)
        if (strcmp(f->files[i].path, path) == 0)
            return &f->files[i];
    return NULL;
}

/* Sets the text later passes read for path. */
static void set_overlay(ed_arena *arena, ed_options *options, const char *path, const char *text,
                        size_t len)
{
    ed_overlay *o = overlay_of(options, path);
    if (!o) {
        ed_overlay *grown = ed_arena_push(arena, (void *)options->overlay, options->noverlay,
                                          sizeof *grown);
        o = &grown[options->noverlay];
        options->overlay = grown;
        options->noverlay++;
        o->path = path;
    }
    o->data = text;
    o->len = len;
}

/* The entry of a file, made on its first change (what was read is the
 * original: copied, the pass's memory may go). */
static cli_fixed *entry_of(ed_arena *arena, cli_fixes *out, const ed_file_result *res,
                           bool from_stdin)
{
    cli_fixed *f = fixed_of(out, res->path);
    if (f)
        return f;
    out->files = ed_arena_push(arena, out->files, out->nfiles, sizeof *out->files);
    f = &out->files[out->nfiles++];
    const char *path = ed_arena_strdup(arena, res->path);
    const char *before = ed_arena_strndup(arena, res->src->data, res->src->len);
    *f = (cli_fixed){path, before, before, res->src->len, res->src->len, from_stdin};
    return f;
}

/* Applies the fixes of one result; true when its text changed. */
static bool fix_result(ed_arena *arena, const ed_file_result *res, bool unsafe,
                       ed_options *options, cli_fixes *out, bool from_stdin)
{
    if (!res->src || !res->path)
        return false;
    if (from_stdin) /* standard input cannot be read twice: later passes read this */
        set_overlay(arena, options, entry_of(arena, out, res, true)->path, res->src->data,
                    res->src->len);
    size_t len, applied;
    const char *text =
        ed_apply_fixes(arena, res->src, res->findings, res->nfindings, unsafe, &len, &applied);
    if (applied == 0 || (len == res->src->len && memcmp(text, res->src->data, len) == 0))
        return false;
    out->applied += applied;
    cli_fixed *f = entry_of(arena, out, res, from_stdin);
    f->after = text;
    f->after_len = len;
    set_overlay(arena, options, f->path, text, len);
    return true;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const cli_fixed *)a)->path, ((const cli_fixed *)b)->path);
}

int cli_fix_passes(cli_run *r, const cli_args *a, cli_lint_inputs lint, ed_options *options,
                   cli_fixes *out)
{
    memset(out, 0, sizeof *out);
    cli_run first = *r;
    bool unsafe = a->out.unsafe_fixes;
    const char *stdin_name = r->stdin_filename ? r->stdin_filename : "<stdin>";
    for (int pass = 0; pass < CLI_FIX_PASSES; pass++) {
        cli_run run = first;
        run.quiet = pass > 0; /* the first pass said it all */
        if (pass > 0) /* the previous pass's parallel jobs: their results are done with */
            for (size_t i = 0; i < r->narenas; i++)
                ed_arena_free(r->arenas[i]);
        int rc = lint(&run, a);
        *r = run;
        if (rc != EXIT_CLEAN)
            return rc;
        bool changed = false;
        for (size_t i = 0; i < run.nresults; i++) {
            bool from_stdin = false;
            for (size_t k = 0; k < a->npaths; k++)
                from_stdin |= strcmp(a->paths[k], "-") == 0 &&
                              strcmp(run.results[i].path, stdin_name) == 0;
            changed |= fix_result(r->arena, &run.results[i], unsafe, options, out, from_stdin);
        }
        if (!changed)
            break;
    }
    if (out->nfiles > 1)
        qsort(out->files, out->nfiles, sizeof *out->files, by_path);
    return EXIT_CLEAN;
}

int cli_fix_output(const cli_fixes *fixes, bool diff)
{
    int rc = EXIT_CLEAN;
    for (size_t i = 0; i < fixes->nfiles; i++) {
        const cli_fixed *f = &fixes->files[i];
        if (diff) {
            rep_unified_diff(stdout, f->path, f->before, f->before_len, f->after, f->after_len);
            continue;
        }
        if (f->from_stdin) {
            fwrite(f->after, 1, f->after_len, stdout);
            continue;
        }
        char err[512];
        if (!ed_replace_file(f->path, f->before, f->before_len, f->after, f->after_len, err,
                             sizeof err)) {
            fprintf(stderr, "env-doctor: %s: %s\n", f->path, err);
            rc = EXIT_INPUT;
        }
    }
    fflush(stdout);
    return rc;
}
