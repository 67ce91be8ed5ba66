/* What the linting subcommands (dockerfile, docker-compose) share: the
 * output options and the report with its exit code. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "envdoctor/report.h"

int cli_lint_option(int argc, char **argv, int *i, cli_lint_options *o)
{
    const char *value;
    if (cli_option_value(argc, argv, i, "--format", &value)) {
        if (value && strcmp(value, "text") == 0)
            o->json = false;
        else if (value && strcmp(value, "json") == 0)
            o->json = true;
        else
            return cli_usage_error("--format takes text or json%s%s", value ? ", not " : "",
                                   value ? value : "");
        return EXIT_CLEAN;
    }
    if (cli_option_value(argc, argv, i, "--gpu", &value)) {
        static const char *const modes[] = {"auto", "always", "never"};
        o->gpu = -1;
        for (int m = 0; m < 3 && value; m++)
            if (strcmp(value, modes[m]) == 0)
                o->gpu = m;
        if (o->gpu < 0)
            return cli_usage_error("--gpu takes auto, always or never");
        return EXIT_CLEAN;
    }
    if (cli_option_value(argc, argv, i, "--color", &value)) {
        if (!value || (strcmp(value, "auto") && strcmp(value, "always") && strcmp(value, "never")))
            return cli_usage_error("--color takes auto, always or never");
        o->color = value;
        return EXIT_CLEAN;
    }
    return -1;
}

int cli_lint_report(const ed_file_result *results, size_t n, const cli_lint_options *o,
                    bool unreadable)
{
    if (o->json) {
        rep_json(stdout, results, n);
    } else {
        rep_text(stdout, results, n, cli_use_color(o->color, STDOUT_FILENO));
        fflush(stdout); /* findings before the summary when both go to one terminal */
        rep_text_summary(stderr, results, n, cli_use_color(o->color, STDERR_FILENO));
    }
    fflush(stdout);
    rep_summary s = rep_count(results, n);
    return unreadable ? EXIT_INPUT : s.errors ? EXIT_FINDINGS : EXIT_CLEAN;
}

int cli_help(void)
{
    char *help[] = {"env-doctor", "--help"};
    extern int main(int, char **);
    return main(2, help);
}
