/* `env-doctor apptainer [PATH...]` (alias: singularity): lint Apptainer and
 * Singularity definition files. A named file is always read as a
 * definition file; without a PATH, the current folder's *.def, Singularity,
 * Singularity.*, Apptainer and Apptainer.* files that start with a
 * Bootstrap: header are linted, in name order (a *.def file without one is
 * something else, such as a Windows module definition). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "envdoctor/filekind.h"
#include "lint_main.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether the file starts with a Bootstrap: header (its first 4 KiB). */
static bool starts_with_header(const char *path)
{
    char head[4096];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return ed_has_bootstrap_header(head, n);
}

/* The definition files of the current folder, sorted, in the run's arena. */
static size_t default_paths(cli_run *r, const char ***out)
{
    const char **names = NULL;
    size_t n = 0;
    DIR *dir = opendir(".");
    if (!dir)
        return 0;
    for (struct dirent *e; (e = readdir(dir));) {
        struct stat st;
        if (!ed_name_may_be_apptainer(e->d_name) || stat(e->d_name, &st) != 0 ||
            !S_ISREG(st.st_mode) || !starts_with_header(e->d_name))
            continue;
        names = ed_arena_push(r->arena, names, n, sizeof *names);
        names[n++] = ed_arena_strdup(r->arena, e->d_name);
    }
    closedir(dir);
    if (n > 1)
        qsort(names, n, sizeof *names, by_name);
    *out = names;
    return n;
}

static int lint_definitions(cli_run *r, const cli_args *a)
{
    if (a->npaths == 0) {
        const char **paths = NULL;
        size_t n = default_paths(r, &paths);
        if (n == 0) {
            fputs("env-doctor: no *.def, Singularity or Apptainer file in the current "
                  "directory; name the files to lint\n",
                  stderr);
            return EXIT_INPUT;
        }
        for (size_t i = 0; i < n; i++)
            cli_lint_apptainer_path(r, paths[i]);
    }
    for (size_t i = 0; i < a->npaths; i++)
        cli_lint_apptainer_path(r, a->paths[i]);
    return EXIT_CLEAN;
}

int cmd_apptainer(int argc, char **argv)
{
    return cli_lint_main(argc, argv, CLI_OPT_BUILD_ARG | CLI_OPT_CONTEXT, lint_definitions);
}
