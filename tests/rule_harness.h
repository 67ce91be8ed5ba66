/* What the rule-test programs share: the last lint's result, and checking
 * every finding of one rule in it exactly (position, severity, message). */
#ifndef ENVDOCTOR_TESTS_RULE_HARNESS_H
#define ENVDOCTOR_TESTS_RULE_HARNESS_H

#include <string.h>

#include "testutil.h"
#include "envdoctor/engine.h"

static ed_arena *arena;        /* the last lint's memory */
static ed_file_result result; /* the last lint's result */

static int teardown(void **state)
{
    (void)state;
    ed_arena_free(arena);
    arena = NULL;
    return 0;
}

typedef struct expect {
    unsigned line, col, end_col;
    ed_severity severity;
    const char *message;
} expect;

/* The k-th finding of a rule in the last result, or NULL. */
static const ed_finding *finding(const char *rule, size_t k)
{
    for (size_t i = 0; i < result.nfindings; i++)
        if (strcmp(result.findings[i].rule->id, rule) == 0 && k-- == 0)
            return &result.findings[i];
    return NULL;
}

static size_t count(const char *rule)
{
    size_t n = 0;
    while (finding(rule, n))
        n++;
    return n;
}

static void show(void)
{
    for (size_t i = 0; i < result.nfindings; i++)
        print_message("  %s %u:%u-%u %s\n", result.findings[i].rule->id,
                      result.findings[i].begin.line, result.findings[i].begin.column,
                      result.findings[i].finish.column, result.findings[i].message);
}

/* Exactly these findings of `rule` in the last result. */
static void expect_findings(const char *rule, const expect *want, size_t n)
{
    if (count(rule) != n) {
        show();
        fail_msg("%s: %zu findings, want %zu", rule, count(rule), n);
    }
    for (size_t k = 0; k < n; k++) {
        const ed_finding *f = finding(rule, k);
        if (f->begin.line != want[k].line || f->begin.column != want[k].col ||
            f->finish.column != want[k].end_col || strcmp(f->message, want[k].message) != 0)
            show();
        assert_int_equal(f->begin.line, want[k].line);
        assert_int_equal(f->begin.column, want[k].col);
        assert_int_equal(f->finish.line, want[k].line);
        assert_int_equal(f->finish.column, want[k].end_col);
        assert_int_equal(f->severity, want[k].severity);
        assert_string_equal(f->message, want[k].message);
    }
}

#endif
