/* Inline suppression pragmas (`# env-doctor [global|stage] ignore=...`) and
 * ED003 useless-suppression, in Dockerfiles and Compose files. */
#include "testutil.h"

#include <stdio.h>

#include "envdoctor/engine.h"
#include "../src/engine/suppress.h"

#define CUDA "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"

static ed_arena *arena;
static ed_file_result result;

static int teardown(void **state)
{
    ed_arena_free(arena);
    arena = NULL;
    return 0;
}

static void fresh(void)
{
    if (arena)
        ed_arena_free(arena);
    arena = ed_arena_new();
}

static void lint_df_opts(const char *text, bool no_inline)
{
    fresh();
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "Dockerfile", ed_arena_strdup(arena, text), strlen(text));
    ed_options options = {0};
    options.no_inline_ignores = no_inline;
    ed_lint_dockerfile(arena, src, &options, &result);
}

static void lint_df(const char *text)
{
    lint_df_opts(text, false);
}

static void lint_compose_opts(const char *text, bool no_inline)
{
    fresh();
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "<stdin>", ed_arena_strdup(arena, text), strlen(text));
    ed_options options = {0};
    options.no_inline_ignores = no_inline;
    ed_lint_compose(arena, src, &options, &result, NULL, NULL);
}

static void lint_compose(const char *text)
{
    lint_compose_opts(text, false);
}

static void show(void)
{
    for (size_t i = 0; i < result.nfindings; i++)
        print_message("  %s %u:%u-%u %s\n", result.findings[i].rule->id,
                      result.findings[i].begin.line, result.findings[i].begin.column,
                      result.findings[i].finish.column, result.findings[i].message);
}

static size_t count(const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < result.nfindings; i++)
        n += strcmp(result.findings[i].rule->id, rule) == 0;
    return n;
}

/* A finding of rule at line:col (end_col 0: any), or NULL. */
static const ed_finding *at(const char *rule, unsigned line, unsigned col, unsigned end_col)
{
    for (size_t i = 0; i < result.nfindings; i++) {
        const ed_finding *f = &result.findings[i];
        if (strcmp(f->rule->id, rule) == 0 && f->begin.line == line && f->begin.column == col &&
            (!end_col || f->finish.column == end_col))
            return f;
    }
    return NULL;
}

static void expect_at(const char *rule, unsigned line, unsigned col, unsigned end_col)
{
    if (!at(rule, line, col, end_col)) {
        show();
        fail_msg("no %s at %u:%u-%u", rule, line, col, end_col);
    }
}

static void expect_none(void)
{
    if (result.nfindings) {
        show();
        fail_msg("expected no findings");
    }
}

/* ---- the pragma syntax ---- */

static ed_pragma parse(const char *text, bool *ok)
{
    ed_pragma p;
    *ok = ed_pragma_parse(arena, text, 0, strlen(text), &p);
    return p;
}

static void test_parse_forms(void **state)
{
    fresh();
    bool ok;
    const char *t = "# env-doctor ignore=ED201,torch-extra-index-url -- torch comes from a mirror";
    ed_pragma p = parse(t, &ok);
    assert_true(ok);
    assert_null(p.malformed);
    assert_int_equal(p.scope, ED_PRAGMA_NEXT);
    assert_int_equal(p.nrules, 2);
    assert_ptr_equal(p.rules[0].rule, ed_rule_find("ED201"));
    assert_ptr_equal(p.rules[1].rule, ed_rule_find("ED204"));
    assert_int_equal(p.rules[0].start, 20);
    assert_int_equal(p.rules[0].end, 25);
    assert_int_equal(p.rules[1].start, 26);
    assert_string_equal(p.rules[1].text, "torch-extra-index-url");
    assert_string_equal(p.reason, "torch comes from a mirror");

    p = parse("#env-doctor global ignore = ed201 , ED-NOPE", &ok);
    assert_true(ok);
    assert_null(p.malformed);
    assert_int_equal(p.scope, ED_PRAGMA_GLOBAL);
    assert_int_equal(p.nrules, 2);
    assert_ptr_equal(p.rules[0].rule, ed_rule_find("ED201"));
    assert_null(p.rules[1].rule);
    assert_null(p.reason);

    p = parse("# env-doctor stage ignore=ED105", &ok);
    assert_true(ok);
    assert_int_equal(p.scope, ED_PRAGMA_STAGE);
    assert_int_equal(p.nrules, 1);

    /* ordinary comments */
    parse("# install torch", &ok);
    assert_false(ok);
    parse("# env-doctor lints this file in CI", &ok);
    assert_false(ok);
    parse("# env-doctorignore=ED201", &ok);
    assert_false(ok);

    /* malformed pragmas are pragmas (reported, never silently ignored) */
    p = parse("# env-doctor ignore ED201", &ok);
    assert_true(ok);
    assert_non_null(p.malformed);
    p = parse("# env-doctor ignore=", &ok);
    assert_true(ok);
    assert_non_null(p.malformed);
    p = parse("# env-doctor ignore=ED201 because", &ok);
    assert_true(ok);
    assert_non_null(p.malformed);
    assert_int_equal(p.bad_start, 26);
}

/* ---- Dockerfiles ---- */

static void test_baseline_fires(void **state)
{
    lint_df(CUDA "RUN pip install torch==2.4.1\n");
    expect_at("ED201", 2, 17, 0);
    assert_int_equal(result.nfindings, 1);
}

static void test_above_run_with_continuation(void **state)
{
    lint_df(CUDA "# env-doctor ignore=ED201 -- mirror\n"
                 "RUN apt-get update && \\\n"
                 "    pip install torch==2.4.1\n"
                 "RUN pip install torch==2.4.1\n");
    /* the second RUN is not covered */
    expect_at("ED201", 5, 17, 0);
    assert_int_equal(result.nfindings, 1);
}

static void test_above_heredoc(void **state)
{
    lint_df(CUDA "# env-doctor ignore=ED201\n"
                 "RUN <<EOF\n"
                 "pip install torch==2.4.1\n"
                 "EOF\n");
    expect_none();
}

static void test_pragma_inside_heredoc_is_not_one(void **state)
{
    lint_df(CUDA "RUN <<EOF\n"
                 "# env-doctor ignore=ED201\n"
                 "pip install torch==2.4.1\n"
                 "EOF\n");
    expect_at("ED201", 4, 13, 0);
    assert_int_equal(result.nfindings, 1);
}

static void test_on_onbuild(void **state)
{
    lint_df(CUDA "# env-doctor ignore=ED201\n"
                 "ONBUILD RUN pip install torch==2.4.1\n");
    expect_none();
    lint_df(CUDA "ONBUILD RUN pip install torch==2.4.1\n");
    expect_at("ED201", 2, 25, 0);
}

static void test_stage_ignore(void **state)
{
    lint_df("# env-doctor stage ignore=ED201 -- legacy stage\n" CUDA
            "RUN pip install torch==2.4.1\n"
            "RUN pip install torch==2.4.1\n" CUDA "RUN pip install torch==2.4.1\n");
    expect_at("ED201", 6, 17, 0);
    assert_int_equal(result.nfindings, 1);
}

static void test_stage_ignore_not_above_from(void **state)
{
    lint_df(CUDA "# env-doctor stage ignore=ED201\n"
                 "RUN pip install torch==2.4.1\n");
    expect_at("ED201", 3, 17, 0);
    expect_at("ED003", 2, 27, 32);
    assert_int_equal(result.nfindings, 2);
}

static void test_global_anywhere(void **state)
{
    lint_df(CUDA "RUN pip install torch==2.4.1\n"
                 "RUN pip install torch==2.4.1\n"
                 "# env-doctor global ignore=ED201\n");
    expect_none();
}

static void test_names_ids_any_case_several(void **state)
{
    lint_df(CUDA "RUN pip install torch\n");
    assert_int_equal(count("ED201"), 1);
    assert_int_equal(count("ED210"), 1);
    lint_df(CUDA "# env-doctor ignore=ed201,unpinned-gpu-framework\n"
                 "RUN pip install torch\n");
    expect_none();
    lint_df(CUDA "# env-doctor ignore=Torch-Missing-Index-URL -- case does not matter\n"
                 "# env-doctor ignore=Ed210\n"
                 "RUN pip install torch\n");
    expect_none();
}

static void test_blank_lines_do_not_detach(void **state)
{
    lint_df(CUDA "# env-doctor ignore=ED201\n"
                 "\n"
                 "# install the framework\n"
                 "\n"
                 "RUN pip install torch==2.4.1\n");
    expect_none();
}

static void test_bare_hash_detaches(void **state)
{
    lint_df(CUDA "# env-doctor ignore=ED201\n"
                 "#\n"
                 "RUN pip install torch==2.4.1\n");
    expect_at("ED201", 4, 17, 0);
    expect_at("ED003", 2, 21, 26);
    assert_int_equal(result.nfindings, 2);
}

static void test_unknown_rule_exact_column(void **state)
{
    lint_df(CUDA "#  env-doctor ignore=ED201, not-a-rule -- x\n"
                 "RUN pip install torch==2.4.1\n");
    expect_at("ED003", 2, 29, 39);
    const ed_finding *f = at("ED003", 2, 29, 39);
    assert_int_equal(f->severity, ED_SEV_INFO);
    assert_non_null(strstr(f->message, "unknown rule \"not-a-rule\""));
    assert_int_equal(result.nfindings, 1);
}

static void test_unused_pragma(void **state)
{
    lint_df(CUDA "# env-doctor ignore=ED201,ED105\n"
                 "RUN pip install torch==2.4.1\n"
                 "# env-doctor global ignore=ED301\n");
    expect_at("ED003", 2, 27, 32);
    expect_at("ED003", 4, 28, 33);
    assert_non_null(strstr(at("ED003", 2, 27, 32)->message, "ED105"));
    assert_int_equal(result.nfindings, 2);
}

static void test_not_above_an_instruction(void **state)
{
    lint_df(CUDA "RUN pip install torch==2.4.1\n"
                 "# env-doctor ignore=ED201\n");
    expect_at("ED201", 2, 17, 0);
    expect_at("ED003", 3, 21, 26);
    assert_int_equal(result.nfindings, 2);
}

static void test_malformed_reported(void **state)
{
    lint_df(CUDA "# env-doctor ignore ED201\n"
                 "RUN pip install torch==2.4.1\n");
    expect_at("ED201", 3, 17, 0);
    expect_at("ED003", 2, 14, 20);
    assert_int_equal(result.nfindings, 2);
}

static void test_ed003_only_global(void **state)
{
    /* a line pragma cannot silence ED003 */
    lint_df(CUDA "# env-doctor ignore=ED003,ED999\n"
                 "RUN pip install torch==2.4.1\n");
    assert_int_equal(count("ED003"), 2);
    expect_at("ED201", 3, 17, 0);
    /* global ignore=ED003 can */
    lint_df(CUDA "# env-doctor global ignore=ED003\n"
                 "# env-doctor ignore=ED999,ED105\n"
                 "RUN pip install torch==2.4.1\n");
    assert_int_equal(count("ED003"), 0);
    expect_at("ED201", 4, 17, 0);
    assert_int_equal(result.nfindings, 1);
}

static void test_no_inline_ignores(void **state)
{
    lint_df_opts(CUDA "# env-doctor ignore=ED201,ED999\n"
                      "RUN pip install torch==2.4.1\n"
                      "# env-doctor global ignore=ED201\n",
                 true);
    expect_at("ED201", 3, 17, 0);
    assert_int_equal(result.nfindings, 1);
}

/* ---- Compose files ---- */

static void test_compose_baseline(void **state)
{
    lint_compose("version: \"3\"\nservices:\n  web:\n    image: nginx:mainline\n");
    expect_at("ED410", 1, 1, 0);
    assert_int_equal(result.nfindings, 1);
}

static void test_compose_above_key(void **state)
{
    lint_compose("# env-doctor ignore=ED410 -- old tooling reads it\n"
                 "\n"
                 "# the file format\n"
                 "version: \"3\"\n"
                 "services:\n  web:\n    image: nginx:mainline\n");
    expect_none();
}

static void test_compose_same_line(void **state)
{
    lint_compose("version: \"3\"  # env-doctor ignore=obsolete-compose-version\n"
                 "services:\n  web:\n    image: nginx:mainline\n");
    expect_none();
}

static void test_compose_other_key(void **state)
{
    lint_compose("version: \"3\"\n"
                 "services:  # env-doctor ignore=ED410\n"
                 "  web:\n    image: nginx:mainline\n");
    expect_at("ED410", 1, 1, 0);
    expect_at("ED003", 2, 32, 37);
    assert_int_equal(result.nfindings, 2);
}

static void test_compose_global(void **state)
{
    lint_compose("services:\n  web:\n    image: nginx:mainline\n"
                 "version: \"3\"\n"
                 "# env-doctor global ignore=ED410\n");
    expect_none();
}

static void test_compose_unknown_and_no_inline(void **state)
{
    lint_compose("# env-doctor ignore=ED410,ED4100\n"
                 "version: \"3\"\n"
                 "services:\n  web:\n    image: nginx:mainline\n");
    expect_at("ED003", 1, 27, 33);
    assert_int_equal(result.nfindings, 1);
    lint_compose_opts("# env-doctor ignore=ED410,ED4100\n"
                      "version: \"3\"\n"
                      "services:\n  web:\n    image: nginx:mainline\n",
                      true);
    expect_at("ED410", 2, 1, 0);
    assert_int_equal(result.nfindings, 1);
}

static void test_compose_stage_is_useless(void **state)
{
    lint_compose("# env-doctor stage ignore=ED410\n"
                 "version: \"3\"\n"
                 "services:\n  web:\n    image: nginx:mainline\n");
    expect_at("ED410", 2, 1, 0);
    expect_at("ED003", 1, 27, 32);
    assert_int_equal(result.nfindings, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_parse_forms, teardown),
        cmocka_unit_test_teardown(test_baseline_fires, teardown),
        cmocka_unit_test_teardown(test_above_run_with_continuation, teardown),
        cmocka_unit_test_teardown(test_above_heredoc, teardown),
        cmocka_unit_test_teardown(test_pragma_inside_heredoc_is_not_one, teardown),
        cmocka_unit_test_teardown(test_on_onbuild, teardown),
        cmocka_unit_test_teardown(test_stage_ignore, teardown),
        cmocka_unit_test_teardown(test_stage_ignore_not_above_from, teardown),
        cmocka_unit_test_teardown(test_global_anywhere, teardown),
        cmocka_unit_test_teardown(test_names_ids_any_case_several, teardown),
        cmocka_unit_test_teardown(test_blank_lines_do_not_detach, teardown),
        cmocka_unit_test_teardown(test_bare_hash_detaches, teardown),
        cmocka_unit_test_teardown(test_unknown_rule_exact_column, teardown),
        cmocka_unit_test_teardown(test_unused_pragma, teardown),
        cmocka_unit_test_teardown(test_not_above_an_instruction, teardown),
        cmocka_unit_test_teardown(test_malformed_reported, teardown),
        cmocka_unit_test_teardown(test_ed003_only_global, teardown),
        cmocka_unit_test_teardown(test_no_inline_ignores, teardown),
        cmocka_unit_test_teardown(test_compose_baseline, teardown),
        cmocka_unit_test_teardown(test_compose_above_key, teardown),
        cmocka_unit_test_teardown(test_compose_same_line, teardown),
        cmocka_unit_test_teardown(test_compose_other_key, teardown),
        cmocka_unit_test_teardown(test_compose_global, teardown),
        cmocka_unit_test_teardown(test_compose_unknown_and_no_inline, teardown),
        cmocka_unit_test_teardown(test_compose_stage_is_useless, teardown),
    };
    return cmocka_run_group_tests_name("suppress", tests, NULL, NULL);
}
