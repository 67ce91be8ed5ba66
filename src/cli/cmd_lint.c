/* `env-doctor lint PATH...`: lint files of any kind, each by the kind its
 * name tells (or --kind). Compose files go first so that a Dockerfile one
 * of their services builds is linted once, with the services' build args;
 * the report lists the files by path. */
#include <stdio.h>

#include "envdoctor/filekind.h"
#include "lint_main.h"

static int lint_any(cli_run *r, const cli_args *a)
{
    if (a->npaths == 0) {
        fputs("env-doctor: lint: name the files to lint\n", stderr);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < a->npaths; i++) {
        const char *name = cli_display_name(r, a->paths[i]);
        ed_file_kind kind = a->kind ? a->kind : ed_kind_from_name(name);
        if (kind == ED_KIND_COMPOSE)
            cli_lint_path(r, a->paths[i], kind);
    }
    for (size_t i = 0; i < a->npaths; i++) {
        const char *name = cli_display_name(r, a->paths[i]);
        ed_file_kind kind = a->kind ? a->kind : ed_kind_from_name(name);
        if (kind != ED_KIND_COMPOSE)
            cli_lint_path(r, a->paths[i], a->kind);
    }
    cli_sort_results(r);
    return EXIT_CLEAN;
}

int cmd_lint(int argc, char **argv)
{
    return cli_lint_main(argc, argv,
                         CLI_OPT_BUILD_ARG | CLI_OPT_CONTEXT | CLI_OPT_ENV_FILE | CLI_OPT_KIND,
                         lint_any);
}
