/* The command-line interface: one file per subcommand. */
#ifndef ENVDOCTOR_CLI_H
#define ENVDOCTOR_CLI_H

#include <stdbool.h>

#include "envdoctor/engine.h"

/* Exit codes (DESIGN.md). */
enum {
    EXIT_CLEAN = 0,    /* no finding at or above the failure threshold */
    EXIT_FINDINGS = 1, /* findings at or above it */
    EXIT_USAGE = 2,    /* usage or configuration error */
    EXIT_INPUT = 3,    /* an input could not be read */
};

int cmd_lint(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_dockerfile(int argc, char **argv);
int cmd_compose(int argc, char **argv);
int cmd_apptainer(int argc, char **argv);
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

/* Options shared by the linting subcommands (lint_common.c). */
#define CLI_MAX_OUTPUTS 32
#define CLI_MAX_IGNORES 64

typedef struct cli_output {
    int format;       /* rep_format */
    const char *path; /* NULL: standard output */
} cli_output;

typedef struct cli_lint_options {
    cli_output outputs[CLI_MAX_OUTPUTS]; /* --format F [--output FILE] pairs */
    size_t noutputs;
    bool format_pending; /* the last --format has no --output yet */
    int threshold;       /* --failure-threshold: the lowest ed_severity that fails, 4 never, 0 unset */
    bool no_fail;        /* --no-fail */
    const char *color;   /* --color, or NULL */
    int gpu;             /* --gpu: 0 auto, 1 always, 2 never */
    bool no_inline_ignores; /* --no-inline-ignores */
    bool show_source;       /* --show-source: text findings with their source line */
    bool gpu_set;           /* --gpu was given */
    const char *ignores[CLI_MAX_IGNORES]; /* --ignore values (each a comma-separated list) */
    size_t nignores;
    const char *config;     /* --config FILE */
    bool no_config;         /* --no-config */
    bool force_exclude;     /* --force-exclude */
    const char *stdin_filename; /* --stdin-filename NAME */
    int config_threshold;   /* the config file's failure-threshold (set by cli_lint_setup) */
    bool fix;               /* --fix: apply the safe fixes */
    bool unsafe_fixes;      /* --unsafe-fixes: and the unsafe ones */
    bool diff;              /* --diff: print the fixes as a diff, change nothing */
    bool stdout_taken;      /* standard output holds fixed text or a diff: reports go to stderr */
    ed_limits limits;       /* --max-* values, those in limits_given */
    unsigned limits_given;  /* bit i: ed_limit_table[i] was given */
} cli_lint_options;

/* Parses --format, --output/-o, --failure-threshold, --no-fail, --gpu,
 * --no-inline-ignores, --show-source, --ignore, --config, --no-config,
 * --force-exclude, --stdin-filename, --color or a --max-* limit at argv[*i]: EXIT_CLEAN when it was one (advanced past),
 * EXIT_USAGE after a usage message for a bad value, -1 when argv[*i] is
 * none of them. `--format F` starts a report (to standard output unless an
 * --output follows; at most one report goes to standard output); `--output
 * FILE` sends the last --format without a file there (or, when there is
 * none, the default format). */
int cli_lint_option(int argc, char **argv, int *i, cli_lint_options *o);

/* After the options are parsed: loads the configuration (--config FILE;
 * else, unless --no-config, the nearest .env-doctor.yaml from the current
 * folder up to the repository root) and fills the engine options: the
 * rules ignored by --ignore, ENV_DOCTOR_IGNORE and the config (they add
 * up), the config's severity overrides and image facts, --gpu else the
 * config's gpu, the config's build args then build_args (the command line
 * wins for a key given twice), the config's build-arg matrix with the
 * command line's axes replacing those of the same name. *config is the loaded file (NULL: none).
 * EXIT_CLEAN, or EXIT_USAGE after a message for a bad configuration, an
 * unknown rule name or a bad ENV_DOCTOR_IGNORE. */
struct ed_config;
int cli_lint_setup(ed_arena *arena, cli_lint_options *o, const char *const *build_args,
                   size_t nbuild_args, const ed_matrix_axis *matrix, size_t nmatrix,
                   ed_options *options, const struct ed_config **config);

/* Writes the reports (no --format or --output: one, in ENV_DOCTOR_FORMAT or
 * text, on stdout; the text summary goes to stderr when the text report is
 * on stdout) and returns the exit code: EXIT_USAGE for a bad environment
 * variable, EXIT_INPUT when an input was unreadable or a report could not
 * be written, else EXIT_FINDINGS when a finding is at or above the failure
 * threshold (--failure-threshold, else ENV_DOCTOR_FAILURE_THRESHOLD, else
 * the config's failure-threshold, else error; never with --no-fail), else EXIT_CLEAN. */
int cli_lint_report(const ed_file_result *results, size_t n, const cli_lint_options *o,
                    bool unreadable);

/* Prints the usage to stdout (for -h/--help after a subcommand). */
int cli_help(void);

#endif
