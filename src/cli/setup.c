/* The configuration of a linting run: the config file, ENV_DOCTOR_IGNORE
 * and the command line, merged into the engine options (see
 * cli_lint_setup in cli.h for the precedence). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "envdoctor/config.h"
#include "envdoctor/similar.h"

/* A rule named in --ignore or ENV_DOCTOR_IGNORE; NULL after a message. */
static const ed_rule *known_rule(const char *name, size_t len, const char *where)
{
    char buf[128];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, name, len);
    buf[len] = '\0';
    const ed_rule *rule = ed_rule_find(buf);
    if (rule)
        return rule;
    const char *guess = NULL;
    for (size_t i = 0; ed_rules_all[i] && !guess; i++) {
        const ed_rule *r = ed_rules_all[i];
        if (ed_is_typo_of(r->name, strlen(r->name), buf, len))
            guess = r->name;
        else if (ed_is_typo_of(r->id, strlen(r->id), buf, len))
            guess = r->id;
    }
    if (guess)
        cli_usage_error("%s: unknown rule '%s' (did you mean '%s'?)", where, buf, guess);
    else
        cli_usage_error("%s: unknown rule '%s' (see env-doctor rules)", where, buf);
    return NULL;
}

/* Appends the rules of a comma-separated list to *rules; false after a
 * message for an unknown one. */
static bool add_rule_list(ed_arena *arena, const char *list, const char *where,
                          const ed_rule ***rules, size_t *n)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        const char *name = p;
        size_t k = len;
        while (k && (*name == ' ' || *name == '\t'))
            name++, k--;
        while (k && (name[k - 1] == ' ' || name[k - 1] == '\t'))
            k--;
        if (k) {
            const ed_rule *rule = known_rule(name, k, where);
            if (!rule)
                return false;
            *rules = ed_arena_push(arena, *rules, *n, sizeof **rules);
            (*rules)[(*n)++] = rule;
        }
        p += len + (p[len] == ',');
    }
    return true;
}

/* The configuration file to read: --config, else (unless --no-config) the
 * nearest one; NULL when none. */
static const char *config_path(ed_arena *arena, const cli_lint_options *o)
{
    if (o->config)
        return o->config;
    if (o->no_config)
        return NULL;
    return ed_config_find(arena, NULL);
}

/* The config's matrix axes, those the command line names replaced. */
static int merge_matrix(ed_arena *arena, const ed_config *c, const ed_matrix_axis *matrix,
                        size_t nmatrix, ed_options *options)
{
    size_t nconfig = c ? c->nmatrix : 0;
    ed_matrix_axis *axes = ed_arena_calloc(arena, nconfig + nmatrix + 1, sizeof *axes);
    size_t n = 0;
    for (size_t i = 0; i < nconfig; i++) {
        bool replaced = false;
        for (size_t k = 0; k < nmatrix && !replaced; k++)
            replaced = strcmp(matrix[k].name, c->matrix[i].name) == 0;
        if (!replaced)
            axes[n++] = c->matrix[i];
    }
    for (size_t k = 0; k < nmatrix; k++)
        axes[n++] = matrix[k];
    if (ed_matrix_size(axes, n) > ED_MATRIX_MAX)
        return cli_usage_error("the build-arg matrix has more than %d combinations",
                               ED_MATRIX_MAX);
    options->matrix = axes;
    options->nmatrix = n;
    return EXIT_CLEAN;
}

int cli_lint_setup(ed_arena *arena, cli_lint_options *o, const char *const *build_args,
                   size_t nbuild_args, const ed_matrix_axis *matrix, size_t nmatrix,
                   ed_options *options, const struct ed_config **config)
{
    *config = NULL;
    ed_config *c = NULL;
    const char *path = config_path(arena, o);
    if (path) {
        char err[512];
        c = ed_arena_calloc(arena, 1, sizeof *c);
        if (!ed_config_load(arena, path, c, err, sizeof err)) {
            fprintf(stderr, "env-doctor: %s\n", err);
            return EXIT_USAGE;
        }
        ed_config_apply(c, options);
        o->config_threshold = c->failure_threshold;
        *config = c;
    }

    /* ignore lists add up: config, environment, command line */
    const ed_rule **ignored = NULL;
    size_t nignored = 0;
    for (size_t i = 0; i < options->nignored_rules; i++) {
        ignored = ed_arena_push(arena, ignored, nignored, sizeof *ignored);
        ignored[nignored++] = options->ignored_rules[i];
    }
    const char *env = getenv("ENV_DOCTOR_IGNORE");
    if (env && !add_rule_list(arena, env, "ENV_DOCTOR_IGNORE", &ignored, &nignored))
        return EXIT_USAGE;
    for (size_t i = 0; i < o->nignores; i++)
        if (!add_rule_list(arena, o->ignores[i], "--ignore", &ignored, &nignored))
            return EXIT_USAGE;
    options->ignored_rules = ignored;
    options->nignored_rules = nignored;

    /* single values: the command line over the config */
    options->gpu = o->gpu_set || !c || c->gpu < 0 ? o->gpu : c->gpu;
    options->no_inline_ignores = o->no_inline_ignores;
    /* limits: the defaults, the config's, then the command line's */
    if ((c && c->limits_given) || o->limits_given) {
        ed_limits *limits = ed_arena_alloc(arena, sizeof *limits);
        *limits = ed_default_limits;
        if (c)
            ed_limits_merge(limits, &c->limits, c->limits_given);
        ed_limits_merge(limits, &o->limits, o->limits_given);
        options->limits = limits;
    }

    /* build args: the config's first, so the command line's come later and win */
    size_t nconfig = c ? c->nbuild_args : 0;
    const char **args = ed_arena_calloc(arena, nconfig + nbuild_args + 1, sizeof *args);
    for (size_t i = 0; i < nconfig; i++)
        args[i] = c->build_args[i];
    for (size_t i = 0; i < nbuild_args; i++)
        args[nconfig + i] = build_args[i];
    options->build_args = args;
    options->nbuild_args = nconfig + nbuild_args;
    return merge_matrix(arena, c, matrix, nmatrix, options);
}
