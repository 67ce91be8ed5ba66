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
#include <string.h>
#include <sys/stat.h>

#include "lint_main.h"

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

static int lint_projects(cli_run *r, const cli_args *a)
{
    const char *found[2];
    if (a->nfiles)
        cli_lint_compose_project(r, a->files, a->nfiles);
    for (size_t i = 0; i < a->npaths; i++) {
        if (!is_dir(a->paths[i])) {
            cli_lint_compose_project(r, &a->paths[i], 1);
            continue;
        }
        size_t n = default_files(r->arena, a->paths[i], found);
        if (n == 0) {
            if (!r->quiet)
                fprintf(stderr, "env-doctor: %s: no compose.yaml, compose.yml, docker-compose.yml "
                            "or docker-compose.yaml in this folder\n",
                    a->paths[i]);
            r->unreadable = true;
            continue;
        }
        cli_lint_compose_project(r, found, n);
    }
    if (!a->nfiles && !a->npaths) {
        size_t n = default_files(r->arena, ".", found);
        if (n == 0) {
            fputs("env-doctor: no compose.yaml, compose.yml, docker-compose.yml or "
                  "docker-compose.yaml in the current directory; name the files to lint\n",
                  stderr);
            return EXIT_INPUT;
        }
        cli_lint_compose_project(r, found, n);
    }
    return EXIT_CLEAN;
}

int cmd_compose(int argc, char **argv)
{
    return cli_lint_main(argc, argv, CLI_OPT_FILE | CLI_OPT_ENV_FILE, lint_projects);
}
