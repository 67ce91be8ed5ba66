/* `env-doctor dockerfile [PATH...]`: lint Dockerfiles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "envdoctor/engine.h"

typedef struct args {
    cli_lint_options out;
    const char *context;
    const char **build_args;
    size_t nbuild_args;
    const char **paths;
    size_t npaths;
} args;

static int parse_args(int argc, char **argv, args *a)
{
    bool options_done = false;
    for (int i = 1; i < argc;) {
        const char *arg = argv[i], *value;
        int rc;
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            a->paths[a->npaths++] = arg;
            i++;
        } else if (strcmp(arg, "--") == 0) {
            options_done = true;
            i++;
        } else if ((rc = cli_lint_option(argc, argv, &i, &a->out)) >= 0) {
            if (rc != EXIT_CLEAN)
                return rc;
        } else if (cli_option_value(argc, argv, &i, "--build-arg", &value)) {
            if (!value || !*value || *value == '=')
                return cli_usage_error("--build-arg takes KEY=VALUE");
            a->build_args[a->nbuild_args++] = value;
        } else if (cli_option_value(argc, argv, &i, "--context", &value)) {
            if (!value || !*value)
                return cli_usage_error("--context takes a directory");
            a->context = value;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            return -1;
        } else {
            return cli_usage_error("unknown option '%s'", arg);
        }
    }
    return EXIT_CLEAN;
}

/* No path given: ./Dockerfile, else ./Containerfile. */
static const char *default_path(void)
{
    if (access("Dockerfile", F_OK) == 0)
        return "Dockerfile";
    if (access("Containerfile", F_OK) == 0)
        return "Containerfile";
    return NULL;
}

int cmd_dockerfile(int argc, char **argv)
{
    args a = {0};
    a.build_args = calloc((size_t)argc + 1, sizeof *a.build_args);
    a.paths = calloc((size_t)argc + 1, sizeof *a.paths);
    if (!a.build_args || !a.paths) {
        fputs("env-doctor: out of memory\n", stderr);
        return EXIT_INPUT;
    }
    int rc = parse_args(argc, argv, &a);
    if (rc == -1) {
        free(a.build_args);
        free(a.paths);
        return cli_help();
    }
    if (rc != EXIT_CLEAN)
        goto done;
    if (a.npaths == 0) {
        a.paths[0] = default_path();
        if (!a.paths[0]) {
            fputs("env-doctor: no Dockerfile or Containerfile in the current directory; "
                  "name the files to lint\n",
                  stderr);
            rc = EXIT_INPUT;
            goto done;
        }
        a.npaths = 1;
    }

    ed_options options = {.build_args = a.build_args, .nbuild_args = a.nbuild_args,
                          .gpu = a.out.gpu, .context_dir = a.context,
                          .no_inline_ignores = a.out.no_inline_ignores};
    ed_arena *arena = ed_arena_new();
    ed_file_result *results = ed_arena_calloc(arena, a.npaths, sizeof *results);
    size_t nresults = 0;
    bool unreadable = false;
    for (size_t i = 0; i < a.npaths; i++) {
        ed_source *src = ed_arena_alloc(arena, sizeof *src);
        char err[256];
        const char *display = strcmp(a.paths[i], "-") == 0 ? "<stdin>" : a.paths[i];
        if (!ed_source_read(src, arena, a.paths[i], display, err, sizeof err)) {
            fprintf(stderr, "env-doctor: %s: %s\n", display, err);
            unreadable = true;
            continue;
        }
        ed_lint_dockerfile(arena, src, &options, &results[nresults++]);
    }
    rc = cli_lint_report(results, nresults, &a.out, unreadable);
    ed_arena_free(arena);
done:
    free(a.build_args);
    free(a.paths);
    return rc;
}
