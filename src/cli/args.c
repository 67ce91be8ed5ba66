/* The linting subcommands' command line (see args.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "envdoctor/filekind.h"

/* One subcommand-specific option at argv[*i]: EXIT_CLEAN when it was one,
 * EXIT_USAGE for a bad value, -1 when it is none of the allowed ones. */
/* "NAME=v1,v2,..." into a matrix axis (malloc'ed; values[0] holds the
 * copy the values point into); false when it is not of that form (an
 * empty value included). */
static bool parse_axis(const char *value, ed_matrix_axis *axis)
{
    const char *eq = value ? strchr(value, '=') : NULL;
    if (!eq || eq == value || !eq[1])
        return false;
    size_t nvalues = 1;
    for (const char *p = eq + 1; *p; p++)
        nvalues += *p == ',';
    const char **values = calloc(nvalues, sizeof *values);
    char *copy = strdup(eq + 1);
    if (!values || !copy) {
        free(values);
        free(copy);
        return false;
    }
    size_t n = 0;
    for (char *p = copy, *comma; p; p = comma ? comma + 1 : NULL) {
        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        values[n++] = p;
    }
    char *name = strndup(value, (size_t)(eq - value));
    bool empty = false;
    for (size_t k = 0; k < n; k++)
        empty |= !*values[k];
    if (empty || !name) { /* values[0] is copy */
        free(values);
        free(copy);
        free(name);
        return false;
    }
    *axis = (ed_matrix_axis){name, values, n};
    return true;
}

static int specific_option(int argc, char **argv, int *i, unsigned allowed, cli_args *a)
{
    const char *value;
    if ((allowed & CLI_OPT_BUILD_ARG) &&
        cli_option_value(argc, argv, i, "--build-arg-matrix", &value)) {
        ed_matrix_axis axis;
        if (!parse_axis(value, &axis))
            return cli_usage_error("--build-arg-matrix takes KEY=VALUE1,VALUE2,...");
        a->matrix[a->nmatrix++] = axis;
        return EXIT_CLEAN;
    }
    if ((allowed & CLI_OPT_BUILD_ARG) && cli_option_value(argc, argv, i, "--build-arg", &value)) {
        if (!value || !*value || *value == '=')
            return cli_usage_error("--build-arg takes KEY=VALUE");
        a->build_args[a->nbuild_args++] = value;
        return EXIT_CLEAN;
    }
    if ((allowed & CLI_OPT_CONTEXT) && cli_option_value(argc, argv, i, "--context", &value)) {
        if (!value || !*value)
            return cli_usage_error("--context takes a directory");
        a->context = value;
        return EXIT_CLEAN;
    }
    if ((allowed & CLI_OPT_FILE) && (cli_option_value(argc, argv, i, "-f", &value) ||
                                     cli_option_value(argc, argv, i, "--file", &value))) {
        if (!value || !*value)
            return cli_usage_error("-f takes a Compose file");
        a->files[a->nfiles++] = value;
        return EXIT_CLEAN;
    }
    if ((allowed & CLI_OPT_ENV_FILE) && cli_option_value(argc, argv, i, "--env-file", &value)) {
        if (!value || !*value)
            return cli_usage_error("--env-file takes a file");
        a->env_file = value;
        return EXIT_CLEAN;
    }
    if ((allowed & CLI_OPT_KIND) && cli_option_value(argc, argv, i, "--kind", &value)) {
        a->kind = ed_kind_parse(value);
        if (!a->kind)
            return cli_usage_error("--kind takes dockerfile, compose or apptainer");
        return EXIT_CLEAN;
    }
    if ((allowed & CLI_OPT_JOBS) && (cli_option_value(argc, argv, i, "--jobs", &value) ||
                                     cli_option_value(argc, argv, i, "-j", &value))) {
        char *end;
        long n = value ? strtol(value, &end, 10) : 0;
        if (!value || *end || n < 1 || n > 1024)
            return cli_usage_error("--jobs takes a number of threads from 1 to 1024");
        a->jobs = (unsigned)n;
        return EXIT_CLEAN;
    }
    if ((allowed & CLI_OPT_NO_IGNORE) && strcmp(argv[*i], "--no-ignore") == 0) {
        a->no_ignore = true;
        (*i)++;
        return EXIT_CLEAN;
    }
    return -1;
}

int cli_args_parse(int argc, char **argv, unsigned allowed, cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->build_args = calloc((size_t)argc + 1, sizeof *a->build_args);
    a->files = calloc((size_t)argc + 1, sizeof *a->files);
    a->paths = calloc((size_t)argc + 1, sizeof *a->paths);
    a->matrix = calloc((size_t)argc + 1, sizeof *a->matrix);
    if (!a->build_args || !a->files || !a->paths || !a->matrix) {
        fputs("env-doctor: out of memory\n", stderr);
        return EXIT_USAGE;
    }
    bool options_done = false;
    for (int i = 1; i < argc;) {
        const char *arg = argv[i];
        int rc;
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            a->paths[a->npaths++] = arg;
            i++;
        } else if (strcmp(arg, "--") == 0) {
            options_done = true;
            i++;
        } else if ((rc = cli_lint_option(argc, argv, &i, &a->out)) >= 0 ||
                   (rc = specific_option(argc, argv, &i, allowed, a)) >= 0) {
            if (rc != EXIT_CLEAN)
                return rc;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            return -1;
        } else {
            return cli_usage_error("unknown option '%s'", arg);
        }
    }
    size_t nstdin = 0;
    for (size_t k = 0; k < a->npaths; k++)
        nstdin += strcmp(a->paths[k], "-") == 0;
    for (size_t k = 0; k < a->nfiles; k++)
        nstdin += strcmp(a->files[k], "-") == 0;
    if (nstdin > 1)
        return cli_usage_error("standard input ('-') can be read only once");
    if (a->out.stdin_filename && nstdin == 0)
        return cli_usage_error("--stdin-filename names standard input: give '-' as a path too");
    return EXIT_CLEAN;
}

void cli_args_free(cli_args *a)
{
    for (size_t i = 0; a->matrix && i < a->nmatrix; i++) {
        free((char *)a->matrix[i].name);
        free((char *)a->matrix[i].values[0]);
        free((void *)a->matrix[i].values);
    }
    free(a->matrix);
    free(a->build_args);
    free(a->files);
    free(a->paths);
}
