/* env-doctor: entry point and subcommand dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "env-doctor " ED_VERSION " - a linter for GPU containers: Dockerfiles, Compose files,\n"
    "Apptainer definitions. It finds CUDA mismatches before you build.\n"
    "\n"
    "Usage:\n"
    "  env-doctor dockerfile [options] [PATH...]   lint Dockerfiles/Containerfiles\n"
    "                                              (no PATH: ./Dockerfile, else ./Containerfile;\n"
    "                                              '-' reads standard input)\n"
    "  env-doctor docker-compose [options] [PATH...]\n"
    "                                              lint Compose files and the Dockerfiles their\n"
    "                                              services build (alias: compose; no PATH:\n"
    "                                              ./compose.yaml, compose.yml, docker-compose.yml\n"
    "                                              or docker-compose.yaml, plus its override file;\n"
    "                                              a PATH that is a folder: the same lookup there)\n"
    "  env-doctor rules                            list every rule\n"
    "  env-doctor explain RULE                     print a rule's documentation (id or name)\n"
    "  env-doctor dump PATH                        print the parsed Dockerfile (BuildKit's format)\n"
    "  env-doctor --version | --help\n"
    "\n"
    "Options for dockerfile:\n"
    "  --format FORMAT         output format: text (default), json, sarif, github, gnu,\n"
    "                          checkstyle, junit or codeclimate (GitLab Code Quality)\n"
    "  -o, --output FILE       write the report of the last --format to FILE instead of\n"
    "                          standard output ('-': standard output); repeat\n"
    "                          --format F -o FILE to write several reports in one run\n"
    "                          (at most one goes to standard output)\n"
    "  --failure-threshold error|warning|info|never\n"
    "                          the lowest severity that makes the exit status 1\n"
    "                          (default: error)\n"
    "  --no-fail               exit 0 whatever the findings (3 still for unreadable input)\n"
    "  --no-inline-ignores     disregard `# env-doctor ignore=...` pragmas in the files\n"
    "  --show-source           text format: show each finding's source line, carets\n"
    "                          under the token, and the fix when there is one\n"
    "  --build-arg KEY=VALUE   a build argument, as for docker build (repeatable)\n"
    "  --gpu auto|always|never whether stages are meant for a GPU (default: auto: decided\n"
    "                          from the base image and what each stage installs)\n"
    "  --context DIR           build context, where requirements files are read from\n"
    "                          (default: the Dockerfile's folder)\n"
    "  --color auto|always|never\n"
    "                          colour in text output (default: auto: on a terminal,\n"
    "                          never when NO_COLOR is set)\n"
    "\n"
    "Options for docker-compose (also --format, --output, --failure-threshold,\n"
    "--no-fail, --gpu and --color as above):\n"
    "  -f, --file FILE         a Compose file (repeatable: merged in order, like\n"
    "                          docker compose -f a.yaml -f b.yaml)\n"
    "  --env-file FILE         variables for ${VAR} interpolation (default: the .env\n"
    "                          beside the first file; the environment is never read,\n"
    "                          so a variable set nowhere stays unknown)\n"
    "\n"
    "Environment: ENV_DOCTOR_FORMAT (the format when no --format or --output is\n"
    "given), ENV_DOCTOR_FAILURE_THRESHOLD (when no --failure-threshold is given).\n"
    "\n"
    "Exit status, the same for every format: 0 no finding at or above the failure\n"
    "threshold, 1 such findings, 2 usage error, 3 an input could not be read or a\n"
    "report could not be written.\n";

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("env-doctor: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\nTry 'env-doctor --help' for more information.\n", stderr);
    va_end(ap);
    return EXIT_USAGE;
}

bool cli_option_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        (*i)++;
        return true;
    }
    if (arg[n] != '\0')
        return false;
    *value = *i + 1 < argc ? argv[*i + 1] : NULL;
    *i += *value ? 2 : 1;
    return true;
}

bool cli_use_color(const char *mode, int fd)
{
    if (mode && strcmp(mode, "always") == 0)
        return true;
    if (mode && strcmp(mode, "never") == 0)
        return false;
    const char *no_color = getenv("NO_COLOR");
    if (no_color && *no_color)
        return false;
    return isatty(fd);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        puts("env-doctor " ED_VERSION);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "dockerfile") == 0)
        return cmd_dockerfile(argc - 1, argv + 1);
    if (strcmp(cmd, "docker-compose") == 0 || strcmp(cmd, "compose") == 0)
        return cmd_compose(argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0)
        return cmd_rules(argc - 1, argv + 1);
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(argc - 1, argv + 1);
    if (strcmp(cmd, "dump") == 0)
        return cmd_dump(argc - 1, argv + 1);
    return cli_usage_error("unknown command '%s'", cmd);
}
