/* The frame every linting subcommand shares: parse the command line, set
 * up the configuration, lint the inputs, write the reports. */
#include <stdio.h>

#include "args.h"
#include "inputs.h"
#include "lint_main.h"

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
        rc = lint(&r, &a);
        if (rc == EXIT_CLEAN) {
            rc = cli_lint_report(r.results, r.nresults, &a.out, r.unreadable);
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
