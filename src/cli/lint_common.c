/* What the linting subcommands (dockerfile, docker-compose) share: the
 * output options, the reports and the exit code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "envdoctor/report.h"

#define THRESHOLD_NEVER (ED_SEV_ERROR + 1)

/* error|warning|info|never: the lowest failing severity, else 0. */
static int parse_threshold(const char *value)
{
    static const char *const names[] = {"never", "info", "warning", "error"};
    static const int levels[] = {THRESHOLD_NEVER, ED_SEV_INFO, ED_SEV_WARNING, ED_SEV_ERROR};
    for (int k = 0; k < 4 && value; k++)
        if (strcmp(value, names[k]) == 0)
            return levels[k];
    return 0;
}

static int add_output(cli_lint_options *o, int format)
{
    if (o->noutputs == CLI_MAX_OUTPUTS)
        return cli_usage_error("at most %d reports per run", CLI_MAX_OUTPUTS);
    o->outputs[o->noutputs++] = (cli_output){format, NULL};
    return EXIT_CLEAN;
}

/* The default format: ENV_DOCTOR_FORMAT, else text; -1 for a bad value. */
static int default_format(void)
{
    const char *env = getenv("ENV_DOCTOR_FORMAT");
    rep_format f = REP_TEXT;
    if (env && *env && !rep_format_parse(env, &f)) {
        cli_usage_error("ENV_DOCTOR_FORMAT: unknown format '%s' (text, json, sarif, github, gnu, "
                        "checkstyle, junit or codeclimate)",
                        env);
        return -1;
    }
    return (int)f;
}

int cli_lint_option(int argc, char **argv, int *i, cli_lint_options *o)
{
    const char *value;
    if (cli_option_value(argc, argv, i, "--format", &value)) {
        rep_format f;
        if (!value)
            return cli_usage_error("--format takes text, json, sarif, github, gnu, checkstyle, "
                                   "junit or codeclimate");
        if (!rep_format_parse(value, &f))
            return cli_usage_error("--format takes text, json, sarif, github, gnu, checkstyle, "
                                   "junit or codeclimate, not %s",
                                   value);
        int rc = add_output(o, (int)f);
        o->format_pending = rc == EXIT_CLEAN;
        return rc;
    }
    if (cli_option_value(argc, argv, i, "--output", &value) ||
        cli_option_value(argc, argv, i, "-o", &value)) {
        if (!value || !*value)
            return cli_usage_error("--output takes a file");
        if (!o->format_pending) {
            int f = default_format();
            if (f < 0)
                return EXIT_USAGE;
            int rc = add_output(o, f);
            if (rc != EXIT_CLEAN)
                return rc;
        }
        o->outputs[o->noutputs - 1].path = value;
        o->format_pending = false;
        return EXIT_CLEAN;
    }
    if (cli_option_value(argc, argv, i, "--failure-threshold", &value)) {
        o->threshold = parse_threshold(value);
        if (!o->threshold)
            return cli_usage_error("--failure-threshold takes error, warning, info or never");
        return EXIT_CLEAN;
    }
    for (unsigned k = 0; ed_limit_table[k].flag; k++) {
        const ed_limit_info *l = &ed_limit_table[k];
        if (!cli_option_value(argc, argv, i, l->flag, &value))
            continue;
        size_t v;
        char expected[96];
        if (!ed_limit_parse(l, value, &v))
            return cli_usage_error("%s takes %s", l->flag,
                                   ed_limit_expected(l, expected, sizeof expected));
        ed_limit_set(&o->limits, l, v);
        o->limits_given |= 1u << k;
        return EXIT_CLEAN;
    }
    if (strcmp(argv[*i], "--no-fail") == 0) {
        o->no_fail = true;
        (*i)++;
        return EXIT_CLEAN;
    }
    if (strcmp(argv[*i], "--show-source") == 0) {
        o->show_source = true;
        (*i)++;
        return EXIT_CLEAN;
    }
    if (strcmp(argv[*i], "--no-inline-ignores") == 0) {
        o->no_inline_ignores = true;
        (*i)++;
        return EXIT_CLEAN;
    }
    if (cli_option_value(argc, argv, i, "--ignore", &value)) {
        if (!value || !*value)
            return cli_usage_error("--ignore takes a rule id or name (or a comma-separated list)");
        if (o->nignores == CLI_MAX_IGNORES)
            return cli_usage_error("at most %d --ignore options; list rules with commas",
                                   CLI_MAX_IGNORES);
        o->ignores[o->nignores++] = value;
        return EXIT_CLEAN;
    }
    if (cli_option_value(argc, argv, i, "--config", &value)) {
        if (!value || !*value)
            return cli_usage_error("--config takes a file");
        o->config = value;
        return EXIT_CLEAN;
    }
    if (strcmp(argv[*i], "--no-config") == 0) {
        o->no_config = true;
        (*i)++;
        return EXIT_CLEAN;
    }
    if (strcmp(argv[*i], "--fix") == 0 || strcmp(argv[*i], "--unsafe-fixes") == 0 ||
        strcmp(argv[*i], "--diff") == 0) {
        o->fix |= strcmp(argv[*i], "--fix") == 0;
        o->unsafe_fixes |= strcmp(argv[*i], "--unsafe-fixes") == 0;
        o->diff |= strcmp(argv[*i], "--diff") == 0;
        (*i)++;
        return EXIT_CLEAN;
    }
    if (strcmp(argv[*i], "--force-exclude") == 0) {
        o->force_exclude = true;
        (*i)++;
        return EXIT_CLEAN;
    }
    if (cli_option_value(argc, argv, i, "--stdin-filename", &value)) {
        if (!value || !*value)
            return cli_usage_error("--stdin-filename takes a file name");
        o->stdin_filename = value;
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
        o->gpu_set = true;
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

/* Writes one report to its file; false (after a message) on failure. */
static bool write_file(const cli_output *out, const ed_file_result *results, size_t n,
                       const cli_lint_options *o)
{
    FILE *f = fopen(out->path, "w");
    if (!f) {
        fprintf(stderr, "env-doctor: %s: cannot write the report: %s\n", out->path, strerror(errno));
        return false;
    }
    /* colour in a file only when asked for */
    rep_write_source(f, (rep_format)out->format, results, n,
                     o->color && strcmp(o->color, "always") == 0, o->show_source);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "env-doctor: %s: cannot write the report\n", out->path);
    return ok;
}

int cli_lint_report(const ed_file_result *results, size_t n, const cli_lint_options *o,
                    bool unreadable)
{
    cli_output outputs[CLI_MAX_OUTPUTS];
    size_t noutputs = o->noutputs, nstdout = 0;
    memcpy(outputs, o->outputs, sizeof outputs);
    if (noutputs == 0) {
        int f = default_format();
        if (f < 0)
            return EXIT_USAGE;
        outputs[noutputs++] = (cli_output){f, NULL};
    }
    for (size_t k = 0; k < noutputs; k++)
        nstdout += outputs[k].path == NULL || strcmp(outputs[k].path, "-") == 0;
    if (nstdout > 1)
        return cli_usage_error("at most one report can go to standard output: give the others "
                               "an --output FILE");

    int threshold = o->threshold;
    if (!threshold) {
        const char *env = getenv("ENV_DOCTOR_FAILURE_THRESHOLD");
        threshold = env && *env               ? parse_threshold(env)
                    : o->config_threshold ? o->config_threshold
                                          : ED_SEV_ERROR;
        if (!threshold)
            return cli_usage_error("ENV_DOCTOR_FAILURE_THRESHOLD: '%s' is not error, warning, "
                                   "info or never",
                                   env);
    }

    bool write_failed = false;
    for (size_t k = 0; k < noutputs; k++) {
        const cli_output *out = &outputs[k];
        if (out->path && strcmp(out->path, "-") != 0) {
            write_failed |= !write_file(out, results, n, o);
            continue;
        }
        /* standard output may hold fixed text or a diff: then the report goes to stderr */
        FILE *to = o->stdout_taken ? stderr : stdout;
        rep_write_source(to, (rep_format)out->format, results, n,
                         cli_use_color(o->color, fileno(to)), o->show_source);
        fflush(to); /* findings before the summary when both go to one terminal */
        if (out->format == REP_TEXT)
            rep_text_summary(stderr, results, n, cli_use_color(o->color, STDERR_FILENO));
    }
    fflush(stdout);

    if (unreadable || write_failed)
        return EXIT_INPUT;
    if (o->no_fail)
        return EXIT_CLEAN;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < results[i].nfindings; k++)
            if ((int)results[i].findings[k].severity >= threshold)
                return EXIT_FINDINGS;
    return EXIT_CLEAN;
}

int cli_help(void)
{
    char *help[] = {"env-doctor", "--help"};
    extern int main(int, char **);
    return main(2, help);
}
