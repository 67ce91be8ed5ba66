/* Build-argument matrices: one lint per combination, each finding once
 * with the combinations it occurs in (engine, reports, command line). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli_harness.h"

#include <jansson.h>
#include <limits.h>

#include "envdoctor/engine.h"
#include "envdoctor/report.h"

/* Pyrrhus' CI matrix (examples/pyrrhus/Dockerfile.cuda): ED102 for 12.4.1
 * and 12.8.0 (cudnn8 images end at 12.2.2), ED103 for 11.8.0, at 7:6. */
static const char pyrrhus[] = "examples/pyrrhus/Dockerfile.cuda";

static const char *const cuda_values[] = {"11.8.0", "12.1.1", "12.4.1", "12.8.0"};

static void lint_matrix(ed_arena *a, const char *text, const ed_matrix_axis *axes, size_t n,
                        ed_file_result *out)
{
    ed_source *src = ed_arena_alloc(a, sizeof *src);
    ed_source_init(src, a, "Dockerfile", text, strlen(text));
    ed_options o = {.matrix = axes, .nmatrix = n};
    ed_lint_matrix(a, src, ED_KIND_DOCKERFILE, &o, out);
}

static void test_each_finding_once_with_its_combinations(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    const char *text = "ARG CUDA_VERSION=12.1.1\n"
                       "FROM nvidia/cuda:${CUDA_VERSION}-cudnn8-runtime-ubuntu22.04\n"
                       "RUN pip install torch==2.5.1\n";
    ed_matrix_axis axis = {"CUDA_VERSION", cuda_values, 4};
    ed_file_result r;
    lint_matrix(a, text, &axis, 1, &r);
    /* ED102 twice (two messages), ED103 once, ED201 in every combination
     * but with each its own index in the message */
    size_t ed102 = 0, ed103 = 0, ed201 = 0;
    for (size_t i = 0; i < r.nfindings; i++) {
        const ed_finding *f = &r.findings[i];
        if (strcmp(f->rule->id, "ED102") == 0) {
            ed102++;
            assert_int_equal(f->begin.line, 2);
            assert_int_equal(f->begin.column, 6);
            assert_int_equal(f->ncombinations, 1);
            assert_int_equal(f->combinations[0].nargs, 1);
            assert_true(strcmp(f->combinations[0].args[0], "CUDA_VERSION=12.4.1") == 0 ||
                        strcmp(f->combinations[0].args[0], "CUDA_VERSION=12.8.0") == 0);
        } else if (strcmp(f->rule->id, "ED103") == 0) {
            ed103++;
            assert_int_equal(f->ncombinations, 1);
            assert_string_equal(f->combinations[0].args[0], "CUDA_VERSION=11.8.0");
        } else if (strcmp(f->rule->id, "ED201") == 0) {
            ed201++;
            assert_int_equal(f->begin.line, 3);
        }
    }
    assert_int_equal(ed102, 2);
    assert_int_equal(ed103, 1);
    assert_true(ed201 >= 1);
    ed_arena_free(a);
}

/* cu124 is right for 12.4.1 only: ED202's fix (cu118) would break that
 * combination, and --fix would flip the index back and forth. The finding
 * stays, without its fix; a fix every combination agrees on stays. */
static void test_fixes_only_where_every_combination_agrees(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    static const char *const two[] = {"11.8.0", "12.4.1"};
    ed_matrix_axis axis = {"CUDA_VERSION", two, 2};
    ed_file_result r;
    lint_matrix(a,
                "ARG CUDA_VERSION=12.4.1\n"
                "FROM nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu22.04\n"
                "RUN pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124 "
                "tensorflow-gpu==2.10.0\n",
                &axis, 1, &r);
    const ed_finding *ed202 = NULL, *ed206 = NULL;
    for (size_t i = 0; i < r.nfindings; i++) {
        if (strcmp(r.findings[i].rule->id, "ED202") == 0)
            ed202 = &r.findings[i];
        else if (strcmp(r.findings[i].rule->id, "ED206") == 0)
            ed206 = &r.findings[i];
    }
    assert_non_null(ed202);
    assert_int_equal(ed202->ncombinations, 1);
    assert_null(ed202->fix);
    assert_non_null(ed206);
    assert_int_equal(ed206->ncombinations, 0);
    assert_non_null(ed206->fix);
    ed_arena_free(a);
}

static void test_a_finding_in_every_combination_names_none(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    static const char *const py[] = {"3.11", "3.12"};
    ed_matrix_axis axis = {"PY", py, 2};
    ed_file_result r;
    lint_matrix(a, "ARG PY\nFROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN nvcc --version\n",
                &axis, 1, &r);
    for (size_t i = 0; i < r.nfindings; i++)
        assert_int_equal(r.findings[i].ncombinations, 0);
    ed_arena_free(a);
}

static void test_cartesian_product(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    static const char *const os[] = {"20.04", "22.04"};
    ed_matrix_axis axes[2] = {{"CUDA", cuda_values, 4}, {"OS", os, 2}};
    assert_int_equal(ed_matrix_size(axes, 2), 8);
    ed_file_result r;
    /* 12.8.0 on ubuntu20.04 does not exist, nor on 22.04 with cudnn8 */
    lint_matrix(a, "ARG CUDA\nARG OS\nFROM nvidia/cuda:${CUDA}-base-ubuntu${OS}\n", axes, 2, &r);
    bool seen = false;
    for (size_t i = 0; i < r.nfindings; i++) {
        const ed_finding *f = &r.findings[i];
        for (size_t c = 0; c < f->ncombinations; c++) {
            assert_int_equal(f->combinations[c].nargs, 2);
            assert_true(strncmp(f->combinations[c].args[0], "CUDA=", 5) == 0);
            assert_true(strncmp(f->combinations[c].args[1], "OS=", 3) == 0);
            seen = true;
        }
    }
    assert_true(seen);
    static const char *const many[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
                                       "k", "l", "m", "n", "o", "p", "q"};
    ed_matrix_axis big[2] = {{"A", many, 17}, {"B", many, 16}};
    assert_int_equal(ed_matrix_size(big, 2), 16 * 17 > ED_MATRIX_MAX ? ED_MATRIX_MAX + 1 : 272);
    ed_matrix_axis none = {"A", many, 0};
    assert_int_equal(ed_matrix_size(&none, 1), 0);
    ed_arena_free(a);
}

static void test_reports_name_the_combinations(void **state)
{
    (void)state;
    /* the test programs run from the repository's root */
    char path[PATH_MAX], args[PATH_MAX + 128];
    assert_non_null(realpath(pyrrhus, path));
    snprintf(args, sizeof args,
             "dockerfile --format gnu --build-arg-matrix CUDA_VERSION=11.8.0,12.1.1,12.4.1,12.8.0 "
             "%s",
             path);
    run_result r = run(args, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "Dockerfile.cuda:7.6-7.72: error: nvidia/cuda:12.4.1-cudnn8-"
                                  "runtime-ubuntu22.04 cannot be pulled"));
    assert_non_null(strstr(r.out, "12.4.1-cudnn-runtime-ubuntu22.04 [CUDA_VERSION=12.4.1] [ED102]\n"));
    assert_non_null(strstr(r.out, "12.8.1-cudnn-runtime-ubuntu22.04 [CUDA_VERSION=12.8.0] [ED102]\n"));
    assert_non_null(strstr(r.out, "[CUDA_VERSION=11.8.0] [ED103]\n"));
    assert_null(strstr(r.out, "CUDA_VERSION=12.1.1"));
    done(&r);
}

static void test_json_and_sarif_carry_the_combinations(void **state)
{
    (void)state;
    write_file("Dockerfile", "ARG CUDA_VERSION=12.1.1\n"
                             "FROM nvidia/cuda:${CUDA_VERSION}-cudnn8-runtime-ubuntu22.04\n");
    run_result r = run("dockerfile --format json --build-arg-matrix CUDA_VERSION=12.1.1,12.8.0 "
                       "--build-arg-matrix UNUSED=x Dockerfile",
                       NULL);
    assert_int_equal(r.status, 1);
    json_error_t err;
    json_t *root = json_loads(r.out, 0, &err);
    assert_non_null(root);
    json_t *f = json_array_get(json_object_get(json_array_get(json_object_get(root, "files"), 0),
                                               "findings"),
                               0);
    assert_string_equal(json_string_value(json_object_get(f, "rule")), "ED102");
    json_t *combos = json_object_get(f, "build_args");
    assert_int_equal(json_array_size(combos), 1);
    json_t *c0 = json_array_get(combos, 0);
    assert_string_equal(json_string_value(json_object_get(c0, "CUDA_VERSION")), "12.8.0");
    assert_string_equal(json_string_value(json_object_get(c0, "UNUSED")), "x");
    json_decref(root);
    done(&r);

    r = run("dockerfile --format sarif --build-arg-matrix CUDA_VERSION=12.1.1,12.8.0 Dockerfile",
            NULL);
    root = json_loads(r.out, 0, &err);
    assert_non_null(root);
    json_t *res = json_array_get(
        json_object_get(json_array_get(json_object_get(root, "runs"), 0), "results"), 0);
    const char *text = json_string_value(json_object_get(json_object_get(res, "message"), "text"));
    assert_non_null(strstr(text, " [CUDA_VERSION=12.8.0]"));
    json_t *props = json_object_get(json_object_get(res, "properties"), "buildArgs");
    assert_string_equal(json_string_value(json_object_get(json_array_get(props, 0),
                                                          "CUDA_VERSION")),
                        "12.8.0");
    json_decref(root);
    done(&r);
}

static void test_matrix_from_the_config_and_the_command_line(void **state)
{
    (void)state;
    write_file("Dockerfile", "ARG CUDA_VERSION=12.1.1\n"
                             "FROM nvidia/cuda:${CUDA_VERSION}-cudnn8-runtime-ubuntu22.04\n");
    write_file(".env-doctor.yaml", "build-arg-matrix:\n  CUDA_VERSION: [12.1.1, 12.4.1]\n");
    run_result r = run("dockerfile --format gnu Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "[CUDA_VERSION=12.4.1] [ED102]"));
    done(&r);
    /* the command line's axis replaces the file's */
    r = run("dockerfile --format gnu --build-arg-matrix CUDA_VERSION=12.1.1,12.2.2 Dockerfile",
            NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    done(&r);
    write_file(".env-doctor.yaml", "build-arg-matrix:\n  CUDA_VERSION: []\n");
    r = run("dockerfile Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, ".env-doctor.yaml:2:17: the matrix of CUDA_VERSION has no "
                                  "values"));
    done(&r);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -f %s/.env-doctor.yaml", tmpdir);
    assert_int_equal(system(cmd), 0);
    r = run("dockerfile --build-arg-matrix CUDA_VERSION= Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--build-arg-matrix takes KEY=VALUE1,VALUE2,..."));
    done(&r);
    r = run("dockerfile --build-arg-matrix A=1,,2 Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    done(&r);
    r = run("dockerfile --build-arg-matrix A=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17 "
            "--build-arg-matrix B=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 Dockerfile",
            NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "the build-arg matrix has more than 256 combinations"));
    done(&r);
}

/* Two services build one Dockerfile with other args: both sets are linted,
 * each finding names the set it occurs in. */
static void test_compose_services_with_different_build_args(void **state)
{
    (void)state;
    make_dir("two");
    write_file("two/compose.yaml", "services:\n"
                                   "  a:\n"
                                   "    build: {context: ., args: {CUDA: 12.1.1}}\n"
                                   "  b:\n"
                                   "    build: {context: ., args: {CUDA: 12.8.0}}\n"
                                   "  c:\n"
                                   "    build: {context: ., args: {CUDA: 12.1.1}}\n");
    write_file("two/Dockerfile", "ARG CUDA\n"
                                 "FROM nvidia/cuda:${CUDA}-cudnn8-runtime-ubuntu22.04\n");
    run_result r = run_in("two", NULL, "compose --no-config --ignore ED405 --format gnu", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "Dockerfile:2.6-2.52: error: nvidia/cuda:12.8.0-cudnn8-runtime-"
                               "ubuntu22.04 cannot be pulled: no cudnn8-runtime images for CUDA "
                               "12.8.0 (cudnn8 ends at 12.2.2); use "
                               "12.8.1-cudnn-runtime-ubuntu22.04 [CUDA=12.8.0] [ED102]\n");
    done(&r);
}

/* Every report, in every format and with excerpts, is the same from a
 * result kept in another arena (ed_file_result_keep) after the arena it was
 * linted in is gone: findings with fixes and combinations, and a file
 * without findings. */
static char *report_of(const ed_file_result *files, size_t n, rep_format format)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    rep_write_source(f, format, files, n, false, true);
    fclose(f);
    return text;
}

static void test_kept_results_report_the_same(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    const char *text = "ARG CUDA_VERSION=12.1.1\n"
                       "FROM nvidia/cuda:${CUDA_VERSION}-cudnn8-runtime-ubuntu22.04\n"
                       "RUN pip install torch==2.5.1 \\\n"
                       "    tensorflow-gpu\n"
                       "RUN apt-get install -y nvidia-driver-535\n";
    ed_matrix_axis axis = {"CUDA_VERSION", cuda_values, 4};
    ed_file_result r[2];
    lint_matrix(a, text, &axis, 1, &r[0]);
    ed_source *clean = ed_arena_alloc(a, sizeof *clean);
    ed_source_init(clean, a, "clean/Dockerfile", "FROM alpine:3.20\n", 17);
    ed_lint_dockerfile(a, clean, NULL, &r[1]);
    assert_true(r[0].nfindings > 3);
    assert_int_equal(r[1].nfindings, 0);
    bool fix = false, combos = false;
    for (size_t i = 0; i < r[0].nfindings; i++) {
        fix |= r[0].findings[i].fix != NULL;
        combos |= r[0].findings[i].ncombinations > 0;
    }
    assert_true(fix && combos);

    enum { NFORMATS = REP_CODECLIMATE + 1 };
    char *want[NFORMATS];
    for (int f = 0; f < NFORMATS; f++)
        want[f] = report_of(r, 2, (rep_format)f);
    ed_arena *kept = ed_arena_new();
    ed_file_result copy[2];
    for (int i = 0; i < 2; i++)
        ed_file_result_keep(kept, &r[i], false, &copy[i]);
    ed_arena_free(a);
    assert_null(copy[1].src);
    for (int f = 0; f < NFORMATS; f++) {
        char *got = report_of(copy, 2, (rep_format)f);
        assert_string_equal(got, want[f]);
        free(got);
        free(want[f]);
    }
    ed_arena_free(kept);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_finding_once_with_its_combinations),
        cmocka_unit_test(test_a_finding_in_every_combination_names_none),
        cmocka_unit_test(test_fixes_only_where_every_combination_agrees),
        cmocka_unit_test(test_cartesian_product),
        cmocka_unit_test(test_reports_name_the_combinations),
        cmocka_unit_test(test_json_and_sarif_carry_the_combinations),
        cmocka_unit_test(test_matrix_from_the_config_and_the_command_line),
        cmocka_unit_test(test_compose_services_with_different_build_args),
        cmocka_unit_test(test_kept_results_report_the_same),
    };
    return cmocka_run_group_tests_name("matrix", tests, harness_setup, harness_teardown);
}
