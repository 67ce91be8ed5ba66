/* `env-doctor docker-compose [PATH...]` (alias `compose`): lint Compose
 * files and the Dockerfiles their services build.
 *
 * Projects: the -f files together form one project, merged in order like
 * `docker compose -f a -f b`; each PATH is a project of its own (a folder:
 * the default lookup inside it); with neither, the default lookup in the
 * current folder. The default lookup is Compose's: the first of
 * compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml, then
 * the first of compose.override.yml, compose.override.yaml,
 * docker-compose.override.yml, docker-compose.override.yaml merged over it
 * (parent folders are not searched: the linter lints what is here).
 * Interpolation variables: --env-file, else the .env beside the project's
 * first file when there is one; the process environment is never read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "envdoctor/compose.h"
#include "envdoctor/engine.h"

typedef struct args {
    cli_lint_options out;
    const char *env_file;
    const char **files; /* -f */
    size_t nfiles;
    const char **paths; /* positional */
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
        } else if (cli_option_value(argc, argv, &i, "-f", &value) ||
                   cli_option_value(argc, argv, &i, "--file", &value)) {
            if (!value || !*value)
                return cli_usage_error("-f takes a Compose file");
            a->files[a->nfiles++] = value;
        } else if (cli_option_value(argc, argv, &i, "--env-file", &value)) {
            if (!value || !*value)
                return cli_usage_error("--env-file takes a file");
            a->env_file = value;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            return -1;
        } else {
            return cli_usage_error("unknown option '%s'", arg);
        }
    }
    return EXIT_CLEAN;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *in_dir(ed_arena *arena, const char *dir, const char *name)
{
    if (!dir || strcmp(dir, ".") == 0)
        return name;
    size_t n = strlen(dir);
    return ed_arena_printf(arena, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

/* Compose's default files in dir: the main file and its override (0, 1 or
 * 2 paths written into out). */
static size_t default_files(ed_arena *arena, const char *dir, const char **out)
{
    static const char *const mains[] = {"compose.yaml", "compose.yml", "docker-compose.yml",
                                        "docker-compose.yaml"};
    static const char *const overrides[] = {"compose.override.yml", "compose.override.yaml",
                                            "docker-compose.override.yml",
                                            "docker-compose.override.yaml"};
    size_t n = 0;
    for (size_t i = 0; i < 4 && n == 0; i++)
        if (is_file(in_dir(arena, dir, mains[i])))
            out[n++] = in_dir(arena, dir, mains[i]);
    for (size_t i = 0; i < 4 && n == 1; i++)
        if (is_file(in_dir(arena, dir, overrides[i])))
            out[n++] = in_dir(arena, dir, overrides[i]);
    return n;
}

typedef struct results {
    ed_file_result *items;
    size_t n;
    bool unreadable;
} results;

/* Lints one project: paths merged in order. */
static void lint_project(ed_arena *arena, const args *a, const char *const *paths, size_t n,
                         results *out)
{
    const ed_source **files = ed_arena_calloc(arena, n + 1, sizeof *files);
    size_t nfiles = 0;
    for (size_t i = 0; i < n; i++) {
        ed_source *src = ed_arena_alloc(arena, sizeof *src);
        char err[256];
        const char *display = strcmp(paths[i], "-") == 0 ? "<stdin>" : paths[i];
        if (!ed_source_read(src, arena, paths[i], display, err, sizeof err)) {
            fprintf(stderr, "env-doctor: %s: %s\n", display, err);
            out->unreadable = true;
            continue;
        }
        files[nfiles++] = src;
    }
    if (!nfiles)
        return;

    /* --env-file, else the .env beside the first file */
    cf_vars vars = {0};
    const char *env_file = a->env_file;
    bool explicit_env = env_file != NULL;
    if (!env_file) {
        const char *first = files[0]->path;
        const char *slash = strrchr(first, '/');
        const char *dir = slash ? ed_arena_strndup(arena, first, (size_t)(slash - first) + (slash == first))
                                : ".";
        if (strcmp(first, "<stdin>") != 0 && is_file(in_dir(arena, dir, ".env")))
            env_file = in_dir(arena, dir, ".env");
    }
    if (env_file) {
        char err[256];
        if (!cf_vars_read(arena, env_file, &vars, err, sizeof err) && explicit_env) {
            fprintf(stderr, "env-doctor: %s: %s\n", env_file, err);
            out->unreadable = true;
        }
    }

    ed_options options = {.gpu = a->out.gpu, .compose_vars = vars.items, .ncompose_vars = vars.n,
                          .no_inline_ignores = a->out.no_inline_ignores};
    ed_file_result *res;
    size_t nres;
    ed_lint_compose_files(arena, files, nfiles, &options, &res, &nres);
    /* a Dockerfile (or include) shared by several projects is reported once */
    for (size_t i = 0; i < nres; i++) {
        bool seen = false;
        for (size_t k = 0; k < out->n && !seen && i >= nfiles; k++)
            seen = out->items[k].path && res[i].path && strcmp(out->items[k].path, res[i].path) == 0;
        if (seen)
            continue;
        out->items = ed_arena_push(arena, out->items, out->n, sizeof *out->items);
        out->items[out->n++] = res[i];
    }
}

int cmd_compose(int argc, char **argv)
{
    args a = {0};
    a.files = calloc((size_t)argc + 1, sizeof *a.files);
    a.paths = calloc((size_t)argc + 1, sizeof *a.paths);
    if (!a.files || !a.paths) {
        fputs("env-doctor: out of memory\n", stderr);
        return EXIT_INPUT;
    }
    int rc = parse_args(argc, argv, &a);
    if (rc == -1) {
        free(a.files);
        free(a.paths);
        return cli_help();
    }
    if (rc != EXIT_CLEAN)
        goto done;

    ed_arena *arena = ed_arena_new();
    results r = {0};
    if (a.nfiles)
        lint_project(arena, &a, a.files, a.nfiles, &r);
    for (size_t i = 0; i < a.npaths; i++) {
        const char *found[2];
        if (is_dir(a.paths[i])) {
            size_t n = default_files(arena, a.paths[i], found);
            if (n == 0) {
                fprintf(stderr, "env-doctor: %s: no compose.yaml, compose.yml, docker-compose.yml "
                                "or docker-compose.yaml in this folder\n",
                        a.paths[i]);
                r.unreadable = true;
                continue;
            }
            lint_project(arena, &a, found, n, &r);
        } else {
            lint_project(arena, &a, &a.paths[i], 1, &r);
        }
    }
    if (!a.nfiles && !a.npaths) {
        const char *found[2];
        size_t n = default_files(arena, ".", found);
        if (n == 0) {
            fputs("env-doctor: no compose.yaml, compose.yml, docker-compose.yml or "
                  "docker-compose.yaml in the current directory; name the files to lint\n",
                  stderr);
            ed_arena_free(arena);
            rc = EXIT_INPUT;
            goto done;
        }
        lint_project(arena, &a, found, n, &r);
    }
    rc = cli_lint_report(r.items, r.n, &a.out, r.unreadable);
    ed_arena_free(arena);
done:
    free(a.files);
    free(a.paths);
    return rc;
}
