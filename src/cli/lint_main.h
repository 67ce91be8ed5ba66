/* The frame of the linting subcommands (dockerfile, docker-compose,
 * apptainer, lint). */
#ifndef ENVDOCTOR_CLI_LINT_MAIN_H
#define ENVDOCTOR_CLI_LINT_MAIN_H

#include "args.h"
#include "inputs.h"

/* Lints the subcommand's inputs into r: EXIT_CLEAN, or EXIT_INPUT after a
 * message when there is nothing to lint (no default file). */
typedef int (*cli_lint_inputs)(cli_run *r, const cli_args *a);

/* Parses the options in `allowed` (args.h) plus the shared ones, loads the
 * configuration, runs `lint`, writes the reports; returns the exit code. */
int cli_lint_main(int argc, char **argv, unsigned allowed, cli_lint_inputs lint);

#endif
