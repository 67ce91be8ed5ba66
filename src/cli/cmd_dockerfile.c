/* `env-doctor dockerfile [PATH...]`: lint Dockerfiles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "envdoctor/engine.h"
#include "envdoctor/report.h"

typedef enum { FORMAT_TEXT, FORMAT_JSON } output_format;

typedef struct args {
    output_format format;
    const char *color;
    int gpu;
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
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            a->paths[a->npaths++] = arg;
            i++;
        } else if (strcmp(arg, "--") == 0) {
            options_done = true;
            i++;
        } else if (cli_option_value(argc, argv, &i, "--format", &value)) {
            if (value && strcmp(value, "text") == 0)
                a->format = FORMAT_TEXT;
            else if (value && strcmp(value, "json") == 0)
                a->format = FORMAT_JSON;
            else
                return cli_usage_error("--format takes text or json%s%s", value ? ", not " : "",
                                       value ? value : "");
        } else if (cli_option_value(argc, argv, &i, "--build-arg", &value)) {
            if (!value || !*value || *value == '=')
                return cli_usage_error("--build-arg takes KEY=VALUE");
            a->build_args[a->nbuild_args++] = value;
        } else if (cli_option_value(argc, argv, &i, "--gpu", &value)) {
            static const char *const modes[] = {"auto", "always", "never"};
            a->gpu = -1;
            for (int m = 0; m < 3 && value; m++)
                if (strcmp(value, modes[m]) == 0)
                    a->gpu = m;
            if (a->gpu < 0)
                return cli_usage_error("--gpu takes auto, always or never");
        } else if (cli_option_value(argc, argv, &i, "--context", &value)) {
            if (!value || !*value)
                return cli_usage_error("--context takes a directory");
            a->context = value;
        } else if (cli_option_value(argc, argv, &i, "--color", &value)) {
            if (!value || (strcmp(value, "auto") && strcmp(value, "always") && strcmp(value, "never")))
                return cli_usage_error("--color takes auto, always or never");
            a->color = value;
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
        char *help[] = {"env-doctor", "--help"};
        free(a.build_args);
        free(a.paths);
        extern int main(int, char **);
        return main(2, help);
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

    ed_options options = {a.build_args, a.nbuild_args, a.gpu, a.context};
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

    if (a.format == FORMAT_JSON) {
        rep_json(stdout, results, nresults);
    } else {
        rep_text(stdout, results, nresults, cli_use_color(a.color, STDOUT_FILENO));
        fflush(stdout); /* findings before the summary when both go to one terminal */
        rep_text_summary(stderr, results, nresults, cli_use_color(a.color, STDERR_FILENO));
    }
    fflush(stdout);
    rep_summary s = rep_count(results, nresults);
    rc = unreadable ? EXIT_INPUT : s.errors ? EXIT_FINDINGS : EXIT_CLEAN;
    ed_arena_free(arena);
done:
    free(a.build_args);
    free(a.paths);
    return rc;
}
