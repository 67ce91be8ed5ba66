/* The example files (examples/, including the seed scenarios) give exactly
 * the findings listed in examples/expected-findings.txt:
 *
 *     == examples/pyrrhus/Dockerfile.cuda --build-arg CUDA_VERSION=12.8.0
 *     ED102 7:18
 *
 * one block per lint run (file, then build arguments), one line per
 * finding (rule id, line:column), in report order. A file named *.def is
 * linted as an Apptainer definition file, anything else as a Dockerfile. */
#include "testutil.h"

#include <stdio.h>

#include "envdoctor/engine.h"

#define EXPECTED "examples/expected-findings.txt"

typedef struct run {
    char *file;
    const char *args[8];
    size_t nargs;
    char expected[4096];
} run;

static char *next_token(char **p)
{
    while (**p == ' ')
        (*p)++;
    if (!**p)
        return NULL;
    char *start = *p;
    while (**p && **p != ' ')
        (*p)++;
    if (**p)
        *(*p)++ = '\0';
    return start;
}

static bool is_definition_file(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".def") == 0;
}

static void check_run(const run *r)
{
    ed_arena *arena = ed_arena_new();
    ed_source src;
    char err[256];
    if (!ed_source_read(&src, arena, r->file, NULL, err, sizeof err))
        fail_msg("%s: %s", r->file, err);
    ed_options options = {.build_args = r->args, .nbuild_args = r->nargs};
    ed_file_result result;
    if (is_definition_file(r->file))
        ed_lint_apptainer(arena, &src, &options, &result);
    else
        ed_lint_dockerfile(arena, &src, &options, &result);
    char got[4096] = "";
    for (size_t i = 0; i < result.nfindings; i++) {
        const ed_finding *f = &result.findings[i];
        char line[64];
        snprintf(line, sizeof line, "%s %u:%u\n", f->rule->id, f->begin.line, f->begin.column);
        strncat(got, line, sizeof got - strlen(got) - 1);
    }
    if (strcmp(got, r->expected) != 0) {
        printf("%s (%zu build args):\n  want:\n%s  got:\n%s", r->file, r->nargs, r->expected, got);
        for (size_t i = 0; i < result.nfindings; i++)
            printf("    %s %u:%u %s\n", result.findings[i].rule->id, result.findings[i].begin.line,
                   result.findings[i].begin.column, result.findings[i].message);
        fail();
    }
    ed_arena_free(arena);
}

static void finish_run(run *r)
{
    check_run(r);
    free(r->file);
    for (size_t i = 0; i < r->nargs; i++)
        free((char *)r->args[i]);
}

static void test_examples(void **state)
{
    FILE *f = fopen(EXPECTED, "r");
    assert_non_null(f);
    char line[1024];
    run r;
    bool open = false;
    size_t runs = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "== ", 3) == 0) {
            if (open)
                finish_run(&r);
            memset(&r, 0, sizeof r);
            char *p = line + 3;
            r.file = strdup(next_token(&p));
            for (char *t; (t = next_token(&p));)
                if (strcmp(t, "--build-arg") != 0 && r.nargs < 8)
                    r.args[r.nargs++] = strdup(t);
            open = true;
            runs++;
            continue;
        }
        strncat(r.expected, line, sizeof r.expected - strlen(r.expected) - 2);
        strcat(r.expected, "\n");
    }
    if (open)
        finish_run(&r);
    fclose(f);
    assert_true(runs >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_examples)};
    return cmocka_run_group_tests_name("examples", tests, NULL, NULL);
}
