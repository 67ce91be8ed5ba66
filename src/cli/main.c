/* env-doctor: entry point and subcommand dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"

static const char usage[] =
    "env-doctor " ED_VERSION " - a linter for GPU containers: Dockerfiles, Compose files,\n"
    "Apptainer definitions. It finds CUDA mismatches before you build.\n"
    "\n"
    "Usage:\n"
    "  env-doctor scan [options] [DIR...]          find and lint every Dockerfile, Compose file\n"
    "                                              and Apptainer definition under the folders\n"
    "                                              (default: .), skipping .git, node_modules,\n"
    "                                              vendor and the like, what .gitignore files\n"
    "                                              ignore and the configuration's exclude: globs\n"
    "  env-doctor lint [options] PATH...           lint files of any kind, told from the name:\n"
    "                                              Dockerfile, Dockerfile.*, *.Dockerfile,\n"
    "                                              *.dockerfile, Containerfile[.*] (Dockerfiles);\n"
    "                                              compose*.y[a]ml, docker-compose*.y[a]ml\n"
    "                                              (Compose); *.def, Singularity[.*] with a\n"
    "                                              Bootstrap: header (Apptainer)\n"
    "  env-doctor dockerfile [options] [PATH...]   lint Dockerfiles/Containerfiles\n"
    "                                              (no PATH: ./Dockerfile, else ./Containerfile)\n"
    "  env-doctor docker-compose [options] [PATH...]\n"
    "                                              lint Compose files and the Dockerfiles their\n"
    "                                              services build (alias: compose; no PATH:\n"
    "                                              ./compose.yaml, compose.yml, docker-compose.yml\n"
    "                                              or docker-compose.yaml, plus its override file;\n"
    "                                              a PATH that is a folder: the same lookup there)\n"
    "  env-doctor apptainer [options] [PATH...]    lint Apptainer/Singularity definition files\n"
    "                                              (alias: singularity; no PATH: the current\n"
    "                                              folder's *.def, Singularity[.*] and\n"
    "                                              Apptainer[.*] files with a Bootstrap: header)\n"
    "  env-doctor rules                            list every rule\n"
    "  env-doctor explain RULE                     print a rule's documentation (id or name)\n"
    "  env-doctor dump PATH                        print the parsed Dockerfile (BuildKit's format)\n"
    "  env-doctor --version | --help\n"
    "\n"
    "A PATH of '-' reads standard input (name it with --stdin-filename).\n"
    "\n"
    "Output and exit status:\n"
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
    "  --show-source           text format: show each finding's source line, carets\n"
    "                          under the token, and the fix when there is one\n"
    "  --color auto|always|never\n"
    "                          colour in text output (default: auto: on a terminal,\n"
    "                          never when NO_COLOR is set)\n"
    "\n"
    "Fixing:\n"
    "  --fix                   apply the safe fixes to the files (crash-safely; standard\n"
    "                          input's fixed text goes to standard output), then report\n"
    "                          what remains\n"
    "  --unsafe-fixes          with --fix or --diff, also the unsafe fixes (judgements,\n"
    "                          such as another base image)\n"
    "  --diff                  print the fixes as a unified diff (patch -p1 applies it)\n"
    "                          and change nothing; the report goes to standard error\n"
    "\n"
    "What is checked:\n"
    "  --ignore RULE[,RULE...] do not report these rules (ids or names; repeatable)\n"
    "  --no-inline-ignores     disregard `# env-doctor ignore=...` pragmas in the files\n"
    "  --gpu auto|always|never whether stages are meant for a GPU (default: auto: decided\n"
    "                          from the base image and what each stage installs)\n"
    "  --config FILE           the configuration file (default: the nearest\n"
    "                          .env-doctor.yaml from the current folder up to the\n"
    "                          repository root)\n"
    "  --no-config             read no configuration file\n"
    "  --force-exclude         apply the configuration's exclude: globs to the paths\n"
    "                          named on the command line too (for pre-commit hooks)\n"
    "  --stdin-filename NAME   the name of standard input, for its kind and messages\n"
    "\n"
    "Limits (a file over one gets an ED001 finding and is not linted; sizes take\n"
    "K, M or G):\n"
    "  --max-file-size SIZE    bytes in one file (default: 8M)\n"
    "  --max-line-length SIZE  bytes on one line (default: 1M)\n"
    "  --max-instructions N    instructions in a Dockerfile, sections in an\n"
    "                          Apptainer file (default: 100000)\n"
    "  --max-heredocs N        heredocs in a Dockerfile (default: 1000)\n"
    "  --max-yaml-depth N      nesting of YAML maps and lists (default: 512)\n"
    "  --max-yaml-aliases N    YAML nodes reached through aliases (default: 1000000)\n"
    "  --max-interpolation-depth N\n"
    "                          nesting of Compose ${...} (default: 64)\n"
    "\n"
    "Dockerfiles and Apptainer files (dockerfile, apptainer, lint, scan):\n"
    "  --build-arg KEY=VALUE   a build argument, as for docker build (repeatable)\n"
    "  --build-arg-matrix KEY=V1,V2,...\n"
    "                          lint once per value (repeatable: every combination);\n"
    "                          a finding not in every combination names its own\n"
    "  --context DIR           build context, where requirements files are read from\n"
    "                          (default: the Dockerfile's folder)\n"
    "Compose files (docker-compose; --env-file also for lint and scan):\n"
    "  -f, --file FILE         a Compose file (repeatable: merged in order, like\n"
    "                          docker compose -f a.yaml -f b.yaml)\n"
    "  --env-file FILE         variables for ${VAR} interpolation (default: the .env\n"
    "                          beside the first file; the environment is never read,\n"
    "                          so a variable set nowhere stays unknown)\n"
    "lint:\n"
    "  --kind dockerfile|compose|apptainer\n"
    "                          lint every PATH as this kind, whatever its name\n"
    "scan:\n"
    "  -j, --jobs N            lint on N threads (default: one per processor); the\n"
    "                          report is the same whatever N\n"
    "  --no-ignore             do not read .gitignore files\n"
    "\n"
    "Environment: ENV_DOCTOR_FORMAT (the format when no --format or --output is\n"
    "given), ENV_DOCTOR_FAILURE_THRESHOLD (when no --failure-threshold is given),\n"
    "ENV_DOCTOR_IGNORE (rules to ignore, comma-separated). A single setting comes\n"
    "from the command line, else the environment, else the configuration file;\n"
    "ignored rules from all three add up.\n"
    "\n"
    "Exit status, the same for every format: 0 no finding at or above the failure\n"
    "threshold, 1 such findings, 2 usage or configuration error, 3 an input could\n"
    "not be read or a report could not be written.\n";

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

/* Every file is linted in an arena of its own, freed once its results are
 * kept. By default glibc gives freed memory at the top of the heap back to
 * the kernel (a brk call) as soon as 128 KB are free, after nearly every
 * file, and the next file faults the same pages in again: keep up to 64 MB
 * of it (never more than the run's peak), and grow the heap by 1 MB at a
 * time. That is 10% less CPU for a lint of 2,400 small files. */
static void tune_malloc(void)
{
#if defined(__GLIBC__) && defined(M_TRIM_THRESHOLD) && defined(M_TOP_PAD)
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 1 << 20);
#endif
}

int main(int argc, char **argv)
{
    tune_malloc();
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
    if (strcmp(cmd, "scan") == 0)
        return cmd_scan(argc - 1, argv + 1);
    if (strcmp(cmd, "lint") == 0)
        return cmd_lint(argc - 1, argv + 1);
    if (strcmp(cmd, "dockerfile") == 0)
        return cmd_dockerfile(argc - 1, argv + 1);
    if (strcmp(cmd, "docker-compose") == 0 || strcmp(cmd, "compose") == 0)
        return cmd_compose(argc - 1, argv + 1);
    if (strcmp(cmd, "apptainer") == 0 || strcmp(cmd, "singularity") == 0)
        return cmd_apptainer(argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0)
        return cmd_rules(argc - 1, argv + 1);
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(argc - 1, argv + 1);
    if (strcmp(cmd, "dump") == 0)
        return cmd_dump(argc - 1, argv + 1);
    return cli_usage_error("unknown command '%s'", cmd);
}
