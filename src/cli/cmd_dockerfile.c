/* `env-doctor dockerfile [PATH...]`: lint Dockerfiles. */
#include <stdio.h>
#include <unistd.h>

#include "lint_main.h"

/* No path given: ./Dockerfile, else ./Containerfile. */
static const char *default_path(void)
{
    if (access("Dockerfile", F_OK) == 0)
        return "Dockerfile";
    if (access("Containerfile", F_OK) == 0)
        return "Containerfile";
    return NULL;
}

static int lint_dockerfiles(cli_run *r, const cli_args *a)
{
    if (a->npaths == 0) {
        const char *path = default_path();
        if (!path) {
            fputs("env-doctor: no Dockerfile or Containerfile in the current directory; "
                  "name the files to lint\n",
                  stderr);
            return EXIT_INPUT;
        }
        cli_lint_dockerfile_path(r, path);
    }
    for (size_t i = 0; i < a->npaths; i++)
        cli_lint_dockerfile_path(r, a->paths[i]);
    return EXIT_CLEAN;
}

int cmd_dockerfile(int argc, char **argv)
{
    return cli_lint_main(argc, argv, CLI_OPT_BUILD_ARG | CLI_OPT_CONTEXT, lint_dockerfiles);
}
