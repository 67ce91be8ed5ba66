/* The command line of the linting subcommands: the shared options
 * (cli_lint_option) plus the ones each subcommand allows. */
#ifndef ENVDOCTOR_CLI_ARGS_H
#define ENVDOCTOR_CLI_ARGS_H

#include <stddef.h>

#include "cli.h"

enum {
    CLI_OPT_BUILD_ARG = 1 << 0, /* --build-arg K=V, --build-arg-matrix K=V1,V2 */
    CLI_OPT_CONTEXT = 1 << 1,   /* --context DIR */
    CLI_OPT_FILE = 1 << 2,      /* -f/--file FILE (compose) */
    CLI_OPT_ENV_FILE = 1 << 3,  /* --env-file FILE */
    CLI_OPT_KIND = 1 << 4,      /* --kind KIND */
    CLI_OPT_JOBS = 1 << 5,      /* -j/--jobs N */
    CLI_OPT_NO_IGNORE = 1 << 6, /* --no-ignore */
};

typedef struct cli_args {
    cli_lint_options out;
    const char *context;
    const char *env_file;
    ed_file_kind kind;
    unsigned jobs;  /* --jobs; 0: not given */
    bool no_ignore; /* --no-ignore */
    const char **build_args;
    size_t nbuild_args;
    ed_matrix_axis *matrix; /* --build-arg-matrix */
    size_t nmatrix;
    const char **files; /* -f */
    size_t nfiles;
    const char **paths; /* positional; "-" is standard input */
    size_t npaths;
} cli_args;

/* Parses argv[1..] allowing the shared options and those in `allowed`:
 * EXIT_CLEAN, EXIT_USAGE after a message, -1 for -h/--help. The arrays
 * are malloc'ed: release them with cli_args_free. */
int cli_args_parse(int argc, char **argv, unsigned allowed, cli_args *a);
void cli_args_free(cli_args *a);

#endif
