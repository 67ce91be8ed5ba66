/* Reading the inputs of a linting run and linting each by its kind:
 * Dockerfiles, Compose projects, Apptainer definitions. Shared by the
 * dockerfile, docker-compose, apptainer and lint subcommands. */
#ifndef ENVDOCTOR_CLI_INPUTS_H
#define ENVDOCTOR_CLI_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/engine.h"

struct ed_config;
typedef struct cli_seen cli_seen;

typedef struct cli_run {
    ed_arena *arena;
    const ed_options *options;
    const char *stdin_filename;      /* --stdin-filename: the name of "-" */
    const char *env_file;            /* compose: --env-file */
    const struct ed_config *exclude; /* --force-exclude: the config whose globs apply; NULL: none */
    const struct ed_config *config;  /* the configuration file read, or NULL */
    /* arenas of parallel jobs whose results are in `results` (freed with the run's) */
    ed_arena **arenas;
    size_t narenas;
    /* what the run produced */
    ed_file_result *results;
    size_t nresults;
    bool unreadable;    /* an input could not be read */
    bool unknown_kind;  /* an input's kind could not be told */
    bool quiet;         /* say nothing on stderr (a later autofix pass) */
    bool keep_sources;  /* keep every result's source, not only those with findings (--fix) */
    /* files linted so far (by identity), so a Dockerfile that a compose
     * file builds and that is also named is linted once */
    struct cli_seen *seen;
} cli_run;

/* The name a path is shown under ("-": --stdin-filename, else <stdin>). */
const char *cli_display_name(const cli_run *r, const char *path);

/* Whether --force-exclude and the config's exclude globs skip this path. */
bool cli_excluded(const cli_run *r, const char *path);

/* Each lints one input and appends its results (a compose project: its
 * files, its includes, then the Dockerfiles its services build). */
void cli_lint_dockerfile_path(cli_run *r, const char *path);
void cli_lint_apptainer_path(cli_run *r, const char *path);
void cli_lint_compose_project(cli_run *r, const char *const *paths, size_t n);

/* Lints a path of any kind: `kind`, or when 0 the kind its name (and for
 * *.def its header) tells; an unknown kind is reported on stderr and sets
 * r->unknown_kind. */
void cli_lint_path(cli_run *r, const char *path, ed_file_kind kind);

/* Orders the results by path (stable: a path's results keep their order). */
void cli_sort_results(cli_run *r);

#endif
