/* Autofix: --fix, --unsafe-fixes and --diff. */
#ifndef ENVDOCTOR_CLI_FIX_H
#define ENVDOCTOR_CLI_FIX_H

#include "lint_main.h"

/* One file the fixes changed: its text as read and as fixed. */
typedef struct cli_fixed {
    const char *path;
    const char *before, *after;
    size_t before_len, after_len;
    bool from_stdin;
} cli_fixed;

typedef struct cli_fixes {
    cli_fixed *files; /* sorted by path */
    size_t nfiles;
    size_t applied; /* fixes applied, over all passes */
} cli_fixes;

/* Lints with `lint` over and over (at most CLI_FIX_PASSES times), each pass
 * on the text the previous pass fixed (held in options->overlay, nothing is
 * written), until no fix applies. *r ends with the last pass's results:
 * what remains after fixing. */
#define CLI_FIX_PASSES 10
int cli_fix_passes(cli_run *r, const cli_args *a, cli_lint_inputs lint, ed_options *options,
                   cli_fixes *out);

/* --diff: the unified diff of every changed file on standard output.
 * --fix: writes every changed file (crash-safely; standard input's fixed
 * text goes to standard output). EXIT_CLEAN, or EXIT_INPUT after a message
 * when a file could not be written. */
int cli_fix_output(const cli_fixes *fixes, bool diff);

#endif
