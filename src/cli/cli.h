/* The command-line interface: one file per subcommand. */
#ifndef ENVDOCTOR_CLI_H
#define ENVDOCTOR_CLI_H

#include <stdbool.h>

/* Exit codes (DESIGN.md). */
enum {
    EXIT_CLEAN = 0,    /* no finding at or above the failure threshold */
    EXIT_FINDINGS = 1, /* findings at or above it */
    EXIT_USAGE = 2,    /* usage or configuration error */
    EXIT_INPUT = 3,    /* an input could not be read */
};

int cmd_dockerfile(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_dump(int argc, char **argv);

/* Prints "env-doctor: <message>" and a hint to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Matches `--name VALUE` and `--name=VALUE` at argv[*i]; advances *i past
 * what it consumed. Returns false when argv[*i] is not this option; a
 * missing value sets *value to NULL and returns true. */
bool cli_option_value(int argc, char **argv, int *i, const char *name, const char **value);

/* Colour on a terminal unless NO_COLOR is set; `--color` overrides. */
bool cli_use_color(const char *mode, int fd);

#endif
