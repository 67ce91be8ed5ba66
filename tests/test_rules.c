/* Every rule's documentation is a test: the bad example must give exactly the
 * findings its `<!-- expect RULE at LINE:COL -->` annotations name, the good
 * example none of that rule. Then the tricky forms of each rule. */
#include "testutil.h"

#include <stdio.h>

#include "envdoctor/engine.h"

/* What an example is linted as, from its code fence. */
typedef enum fence {
    FENCE_DOCKERFILE, /* ```dockerfile */
    FENCE_COMPOSE,    /* ```yaml: a Compose file */
    FENCE_APPTAINER,  /* ```apptainer or ```singularity: a definition file */
} fence;

/* The first ```dockerfile, ```yaml, ```apptainer or ```singularity block
 * after the heading `## <section>`; *kind says which. */
static char *example(const char *doc, const char *section, const char **after, fence *kind)
{
    static const struct {
        const char *open;
        fence kind;
    } fences[] = {
        {"```dockerfile\n", FENCE_DOCKERFILE},
        {"```yaml\n", FENCE_COMPOSE},
        {"```apptainer\n", FENCE_APPTAINER},
        {"```singularity\n", FENCE_APPTAINER},
    };
    char heading[64];
    snprintf(heading, sizeof heading, "\n## %s\n", section);
    const char *h = strstr(doc, heading);
    if (!h)
        return NULL;
    const char *next = strstr(h + 1, "\n## ");
    const char *fence_at = NULL;
    for (size_t i = 0; i < sizeof fences / sizeof *fences; i++) {
        const char *f = strstr(h, fences[i].open);
        if (!f || (next && f > next) || (fence_at && f > fence_at))
            continue;
        fence_at = f;
        *kind = fences[i].kind;
    }
    if (!fence_at)
        return NULL;
    const char *body = strchr(fence_at, '\n') + 1;
    const char *end = strstr(body, "```");
    if (!end)
        return NULL;
    if (after)
        *after = end + 3;
    return strndup(body, (size_t)(end - body));
}

static ed_file_result lint(ed_arena *arena, const char *text, const char *const *build_args,
                           size_t nbuild_args)
{
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "Dockerfile", text, strlen(text));
    ed_options options = {.build_args = build_args, .nbuild_args = nbuild_args};
    ed_file_result result;
    ed_lint_dockerfile(arena, src, &options, &result);
    return result;
}

/* Lints a definition file (an ```apptainer example). */
static ed_file_result lint_apptainer(ed_arena *arena, const char *text)
{
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "example.def", text, strlen(text));
    ed_file_result result;
    ed_lint_apptainer(arena, src, NULL, &result);
    return result;
}

/* Lints a Compose file (a ```yaml example) through the compose entry point. */
static ed_file_result lint_compose(ed_arena *arena, const char *text)
{
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "<stdin>", text, strlen(text));
    ed_file_result result;
    ed_lint_compose(arena, src, NULL, &result, NULL, NULL);
    return result;
}

/* Lints an example as its fence says. */
static ed_file_result lint_example(ed_arena *arena, const char *text, fence kind)
{
    switch (kind) {
    case FENCE_COMPOSE:
        return lint_compose(arena, text);
    case FENCE_APPTAINER:
        return lint_apptainer(arena, text);
    default:
        return lint(arena, text, NULL, 0);
    }
}

static size_t count_rule(const ed_file_result *r, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nfindings; i++)
        n += strcmp(r->findings[i].rule->id, id) == 0;
    return n;
}

static bool has_finding(const ed_file_result *r, const char *id, unsigned line, unsigned col)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].rule->id, id) == 0 && r->findings[i].begin.line == line &&
            r->findings[i].begin.column == col)
            return true;
    return false;
}

static void test_every_rule_is_documented(void **state)
{
    size_t n = 0;
    for (size_t i = 0; ed_rules_all[i]; i++, n++) {
        const ed_rule *rule = ed_rules_all[i];
        const char *doc = ed_rule_doc(rule);
        assert_non_null(doc);
        char title[128];
        snprintf(title, sizeof title, "# %s %s\n", rule->id, rule->name);
        assert_true(strncmp(doc, title, strlen(title)) == 0);
        assert_non_null(strstr(doc, "\n## Why\n"));
        assert_non_null(strstr(doc, "\n## How to fix\n"));
        assert_ptr_equal(ed_rule_find(rule->id), rule);
        assert_ptr_equal(ed_rule_find(rule->name), rule);
        assert_true(rule->summary && *rule->summary);
        if (i > 0) /* registry sorted by id */
            assert_true(strcmp(ed_rules_all[i - 1]->id, rule->id) < 0);
    }
    assert_true(n >= 2);
}

static void test_doc_examples(void **state)
{
    for (size_t i = 0; ed_rules_all[i]; i++) {
        const ed_rule *rule = ed_rules_all[i];
        const char *doc = ed_rule_doc(rule);
        const char *after;
        fence bad_kind = FENCE_DOCKERFILE, good_kind = FENCE_DOCKERFILE;
        char *bad = example(doc, "Bad", &after, &bad_kind);
        char *good = example(doc, "Good", NULL, &good_kind);
        if (!bad || !good)
            fail_msg("%s: no Bad or Good example", rule->id);
        ed_arena *arena = ed_arena_new();

        ed_file_result r = lint_example(arena, bad, bad_kind);
        size_t expected = 0;
        const char *next_section = strstr(after, "\n## ");
        for (const char *e = strstr(after, "<!-- expect "); e && (!next_section || e < next_section);
             e = strstr(e + 1, "<!-- expect ")) {
            char id[16];
            unsigned line, col;
            assert_int_equal(sscanf(e, "<!-- expect %15s at %u:%u -->", id, &line, &col), 3);
            if (!has_finding(&r, id, line, col)) {
                for (size_t k = 0; k < r.nfindings; k++)
                    print_message("  %s %u:%u %s\n", r.findings[k].rule->id,
                                  r.findings[k].begin.line, r.findings[k].begin.column,
                                  r.findings[k].message);
                fail_msg("%s: bad example lacks %s at %u:%u", rule->id, id, line, col);
            }
            expected += strcmp(id, rule->id) == 0;
        }
        assert_true(expected >= 1);
        assert_int_equal(count_rule(&r, rule->id), expected);

        r = lint_example(arena, good, good_kind);
        if (r.nfindings)
            fail_msg("%s: good example has a finding: %s %s", rule->id, r.findings[0].rule->id,
                     r.findings[0].message);
        ed_arena_free(arena);
        free(bad);
        free(good);
    }
}

/* ---- ED002 undefined-arg-in-from ---- */

typedef struct expect {
    unsigned line, col, end_col;
    const char *message;
} expect;

static void check_ed002(const char *text, const char *const *args, size_t nargs,
                        const expect *want, size_t nwant)
{
    ed_arena *arena = ed_arena_new();
    ed_file_result r = lint(arena, text, args, nargs);
    assert_int_equal(count_rule(&r, "ED002"), nwant);
    size_t k = 0;
    for (size_t i = 0; i < r.nfindings; i++) {
        const ed_finding *f = &r.findings[i];
        if (strcmp(f->rule->id, "ED002") != 0)
            continue;
        assert_int_equal(f->begin.line, want[k].line);
        assert_int_equal(f->begin.column, want[k].col);
        assert_int_equal(f->finish.column, want[k].end_col);
        if (want[k].message)
            assert_string_equal(f->message, want[k].message);
        k++;
    }
    ed_arena_free(arena);
}

static void test_ed002_declared_without_default_is_silent(void **state)
{
    check_ed002("ARG CUDA\nFROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n", NULL, 0, NULL, 0);
}

static void test_ed002_default_modifier_still_undefined(void **state)
{
    expect want[] = {{1, 18, 41, NULL}};
    check_ed002("FROM nvidia/cuda:${CUDA_VERSION:-12.4.1}-base-ubuntu22.04\n", NULL, 0, want, 1);
}

static void test_ed002_stage_arg_is_not_global(void **state)
{
    expect want[] = {{3, 13, 22, NULL}};
    check_ed002("FROM alpine AS a\nARG BASE=ubuntu\nFROM ubuntu:$BASE_TAG\n", NULL, 0, want, 1);
}

static void test_ed002_global_after_use(void **state)
{
    /* An ARG between two FROMs is in the first stage, not global. */
    expect want[] = {{3, 6, 10, NULL}};
    check_ed002("FROM a\nARG IMG=b\nFROM $IMG\n", NULL, 0, want, 1);
}

static void test_ed002_automatic_platform_args(void **state)
{
    check_ed002("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
                "FROM --platform=${TARGETPLATFORM} alpine:${TARGETARCH}\n",
                NULL, 0, NULL, 0);
}

static void test_ed002_platform_flag_checked(void **state)
{
    expect want[] = {{1, 17, 26, NULL}};
    check_ed002("FROM --platform=$PLATFORM alpine\n", NULL, 0, want, 1);
}

static void test_ed002_suggestion(void **state)
{
    expect want[] = {{2, 18, 30,
                      "FROM uses $CUDA_VERSON, which no ARG before the first FROM declares, so it "
                      "expands to an empty string (did you mean CUDA_VERSION?)"}};
    check_ed002("ARG CUDA_VERSION=12.4.1\nFROM nvidia/cuda:$CUDA_VERSON-base-ubuntu22.04\n", NULL,
                0, want, 1);
}

static void test_ed002_build_arg_without_global(void **state)
{
    const char *args[] = {"CUDA=12.4.1"};
    expect want[] = {{1, 18, 25,
                      "FROM uses $CUDA, which no ARG before the first FROM declares, so it "
                      "expands to an empty string; --build-arg CUDA is given, but a build "
                      "argument reaches FROM only through a global ARG"}};
    check_ed002("FROM nvidia/cuda:${CUDA}-base-ubuntu22.04\n", args, 1, want, 1);
}

static void test_ed002_two_in_one_line_and_continuation(void **state)
{
    expect want[] = {{2, 3, 9, NULL}, {2, 10, 14, NULL}};
    check_ed002("FROM \\\n  ${REG}/$IMG:1\n", NULL, 0, want, 2);
}

static void test_ed002_stage_reference_is_not_a_variable(void **state)
{
    check_ed002("ARG BASE=nvidia/cuda:12.4.1-devel-ubuntu22.04\nFROM ${BASE} AS build\n"
                "FROM build AS final\n",
                NULL, 0, NULL, 0);
}

/* env-doctor-python 4.1 item 28: a BOM, `FROM<TAB>`, backtick escapes and
 * a file without FROM must not derail the GPU rules. */
static void test_item_28_parse_fragility(void **state)
{
    ed_arena *arena = ed_arena_new();
    ed_file_result r = lint(arena,
                            "\xEF\xBB\xBF# escape=`\n"
                            "FROM\tnvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                            "RUN pip install `\n    torch==2.5.1\n",
                            NULL, 0);
    assert_int_equal(r.nfindings, 1);
    assert_string_equal(r.findings[0].rule->id, "ED201");
    assert_int_equal(r.findings[0].begin.line, 4);
    assert_int_equal(r.findings[0].begin.column, 5);
    assert_non_null(strstr(r.findings[0].message, "CUDA 12.4.1"));

    /* no FROM: the builder stops at the first instruction; no GPU rule
     * judges the pip install against an unknown image */
    r = lint(arena, "RUN pip install torch\n", NULL, 0);
    assert_int_equal(r.nfindings, 1);
    assert_string_equal(r.findings[0].rule->id, "ED001");
    assert_string_equal(r.findings[0].message, "no build stage in current context");
    ed_arena_free(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule_is_documented),
        cmocka_unit_test(test_doc_examples),
        cmocka_unit_test(test_ed002_declared_without_default_is_silent),
        cmocka_unit_test(test_ed002_default_modifier_still_undefined),
        cmocka_unit_test(test_ed002_stage_arg_is_not_global),
        cmocka_unit_test(test_ed002_global_after_use),
        cmocka_unit_test(test_ed002_automatic_platform_args),
        cmocka_unit_test(test_ed002_platform_flag_checked),
        cmocka_unit_test(test_ed002_suggestion),
        cmocka_unit_test(test_ed002_build_arg_without_global),
        cmocka_unit_test(test_ed002_two_in_one_line_and_continuation),
        cmocka_unit_test(test_ed002_stage_reference_is_not_a_variable),
        cmocka_unit_test(test_item_28_parse_fragility),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
