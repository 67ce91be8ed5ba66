/* The frame every linting subcommand shares: parse the command line, set
 * up the configuration, lint the inputs (and fix them), write the reports. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "fix.h"
#include "inputs.h"
#include "lint_main.h"

/* With --fix or --diff: the fix passes, then the diff or the writes. The
 * report that follows is what remains after fixing. */
static int lint_and_fix(cli_run *r, cli_args *a, cli_lint_inputs lint, ed_options *options,
                        bool *write_failed)
{
    bool from_stdin = false;
    for (size_t i = 0; i < a->npaths; i++)
        from_stdin |= strcmp(a->paths[i], "-") == 0;
    /* the diff, or standard input's fixed text, takes standard output */
    a->out.stdout_taken = a->out.diff || from_stdin;
    cli_fixes fixes;
    r->keep_sources = true; /* standard input's text is printed even when nothing changed */
    int rc = cli_fix_passes(r, a, lint, options, &fixes);
    if (rc != EXIT_CLEAN)
        return rc;
    *write_failed = cli_fix_output(&fixes, a->out.diff) != EXIT_CLEAN;
    size_t changed = 0;
    for (size_t i = 0; i < fixes.nfiles; i++)
        changed += fixes.files[i].after_len != fixes.files[i].before_len ||
                   memcmp(fixes.files[i].after, fixes.files[i].before, fixes.files[i].before_len);
    if (fixes.applied)
        fprintf(stderr, "env-doctor: %s %zu problem%s in %zu file%s\n",
                a->out.diff ? "would fix" : "fixed", fixes.applied, fixes.applied == 1 ? "" : "s",
                changed, changed == 1 ? "" : "s");
    return EXIT_CLEAN;
}

int cli_lint_main(int argc, char **argv, unsigned allowed, cli_lint_inputs lint)
{
    cli_args a;
    int rc = cli_args_parse(argc, argv, allowed, &a);
    if (rc != EXIT_CLEAN) {
        cli_args_free(&a);
        return rc == -1 ? cli_help() : rc;
    }
    ed_arena *arena = ed_arena_new();
    ed_options options = {0};
    const struct ed_config *config = NULL;
    rc = cli_lint_setup(arena, &a.out, a.build_args, a.nbuild_args, a.matrix, a.nmatrix,
                        &options, &config);
    if (rc == EXIT_CLEAN) {
        options.context_dir = a.context;
        cli_run r = {.arena = arena,
                     .options = &options,
                     .stdin_filename = a.out.stdin_filename,
                     .env_file = a.env_file,
                     .exclude = a.out.force_exclude ? config : NULL,
                     .config = config};
        bool write_failed = false;
        if (a.out.fix || a.out.diff)
            rc = lint_and_fix(&r, &a, lint, &options, &write_failed);
        else
            rc = lint(&r, &a);
        if (rc == EXIT_CLEAN) {
            rc = cli_lint_report(r.results, r.nresults, &a.out, r.unreadable || write_failed);
            /* a file of unknown kind is a usage error, after the others' reports */
            if (r.unknown_kind && rc != EXIT_INPUT)
                rc = EXIT_USAGE;
        }
        for (size_t i = 0; i < r.narenas; i++)
            ed_arena_free(r.arenas[i]);
    }
    ed_arena_free(arena);
    cli_args_free(&a);
    return rc;
}
