/* End-to-end tests of the output options: --format, --output pairs, the
 * failure threshold, --no-fail and the environment variables. */
#include "cli_harness.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *read_tmp(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return slurp(path);
}

static bool tmp_exists(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return access(path, F_OK) == 0;
}

static void remove_tmp(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
}

static const char error_df[] = "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
                               "RUN pip install torch\n";
static const char warning_df[] = "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
                                 "RUN pip install tensorflow-gpu==2.11.0\n";
static const char info_df[] = "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
                              "RUN pip install \"jax[cuda12]\"\n";
static const char clean_df[] = "FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\n"
                               "RUN pip install --index-url https://download.pytorch.org/whl/cu124 "
                               "torch==2.4.0\n";

static int setup(void **state)
{
    if (!mkdtemp(tmpdir))
        return -1;
    write_file("error.Dockerfile", error_df);
    write_file("warning.Dockerfile", warning_df);
    write_file("info.Dockerfile", info_df);
    write_file("clean.Dockerfile", clean_df);
    write_file("compose.yaml", "services:\n  app:\n    build:\n      context: .\n"
                               "      dockerfile: error.Dockerfile\n");
    return 0;
}

static int teardown(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *root = json_loads(text, 0, &err);
    if (!root)
        fail_msg("invalid JSON (%s): %s", err.text, text);
    return root;
}

/* Every format on stdout: the same exit code, the summary only for text. */
static void test_every_format_same_exit_code(void **state)
{
    static const char *const formats[] = {"text", "json", "sarif", "github", "gnu",
                                          "checkstyle", "junit", "codeclimate"};
    for (size_t k = 0; k < 8; k++) {
        char args[256];
        snprintf(args, sizeof args, "dockerfile --format %s error.Dockerfile", formats[k]);
        run_result r = run(args, NULL);
        assert_int_equal(r.status, 1);
        assert_true(strlen(r.out) > 0);
        if (k == 0)
            assert_non_null(strstr(r.err, "Found 2 problems"));
        else
            assert_string_equal(r.err, "");
        done(&r);
        snprintf(args, sizeof args, "dockerfile --format=%s clean.Dockerfile", formats[k]);
        r = run(args, NULL);
        assert_int_equal(r.status, 0);
        done(&r);
        snprintf(args, sizeof args, "dockerfile --format %s missing.Dockerfile error.Dockerfile",
                 formats[k]);
        r = run(args, NULL);
        assert_int_equal(r.status, 3);
        done(&r);
    }
    run_result r = run("dockerfile --format gnu error.Dockerfile", NULL);
    assert_non_null(strstr(r.out, "error.Dockerfile:2.17-2.22: error: "));
    done(&r);
    r = run("compose --format github compose.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "::error file=error.Dockerfile,line=2,col=17,endLine=2,endColumn=22,"
                                  "title=ED201 torch-missing-index-url::"));
    done(&r);
}

/* --format F --output FILE pairs: several reports from one run. */
static void test_output_pairs(void **state)
{
    run_result r = run("dockerfile --format sarif --output r.sarif --format json -o r.json "
                       "--format=junit --output=r.xml --format gnu error.Dockerfile",
                       NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "error.Dockerfile:2.17-2.22: error: "));
    assert_null(strstr(r.out, "\"version\""));
    assert_string_equal(r.err, "");
    done(&r);
    char *sarif = read_tmp("r.sarif"), *json = read_tmp("r.json"), *xml = read_tmp("r.xml");
    json_t *root = parse(sarif);
    assert_string_equal(json_string_value(json_object_get(root, "version")), "2.1.0");
    json_decref(root);
    root = parse(json);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "summary"), "errors")), 1);
    json_decref(root);
    assert_non_null(strstr(xml, "<testsuites name=\"env-doctor\" tests=\"2\" failures=\"2\""));
    free(sarif);
    free(json);
    free(xml);

    /* all to files: nothing on stdout, no summary; the text report in a file */
    r = run("dockerfile --format text -o r.txt --format codeclimate -o r.cc clean.Dockerfile", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    done(&r);
    char *txt = read_tmp("r.txt"), *cc = read_tmp("r.cc");
    assert_string_equal(txt, "");
    assert_string_equal(cc, "[]\n");
    free(txt);
    free(cc);

    /* text on stdout alongside a file: the summary on stderr */
    r = run("dockerfile --format json -o r.json --format text error.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "error.Dockerfile:2:17: error:"));
    assert_non_null(strstr(r.err, "Found 2 problems"));
    done(&r);

    /* -o without a --format: the default format (text); -o - is stdout */
    r = run("dockerfile -o r2.txt --format json -o - error.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    json_decref(parse(r.out));
    done(&r);
    txt = read_tmp("r2.txt");
    assert_non_null(strstr(txt, "error.Dockerfile:2:17: error:"));
    free(txt);

    /* compose writes the same way */
    r = run("compose --format checkstyle -o r.cs.xml compose.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    done(&r);
    xml = read_tmp("r.cs.xml");
    assert_non_null(strstr(xml, "source=\"ED201\""));
    free(xml);
}

static void test_output_errors(void **state)
{
    run_result r = run("dockerfile --format json --format sarif error.Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "at most one report can go to standard output"));
    done(&r);
    r = run("dockerfile --format xml error.Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--format takes text, json, sarif, github, gnu, checkstyle, junit or codeclimate, not xml"));
    done(&r);
    r = run("dockerfile error.Dockerfile --format", NULL);
    assert_int_equal(r.status, 2);
    done(&r);
    r = run("dockerfile --format json --output", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--output takes a file"));
    done(&r);
    /* a report that cannot be written: exit 3, the other reports written */
    remove_tmp("ok.json");
    r = run("dockerfile --format sarif -o no/such/dir/r.sarif --format json -o ok.json "
            "clean.Dockerfile",
            NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "no/such/dir/r.sarif: cannot write the report"));
    assert_true(tmp_exists("ok.json"));
    done(&r);
}

static void test_failure_threshold(void **state)
{
    static const struct {
        const char *threshold, *file;
        int status;
    } cases[] = {
        {"error", "error.Dockerfile", 1},     {"error", "warning.Dockerfile", 0},
        {"error", "info.Dockerfile", 0},      {"warning", "error.Dockerfile", 1},
        {"warning", "warning.Dockerfile", 1}, {"warning", "info.Dockerfile", 0},
        {"info", "warning.Dockerfile", 1},    {"info", "info.Dockerfile", 1},
        {"info", "clean.Dockerfile", 0},      {"never", "error.Dockerfile", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char args[256];
        snprintf(args, sizeof args, "dockerfile --failure-threshold %s %s", cases[k].threshold,
                 cases[k].file);
        run_result r = run(args, NULL);
        assert_int_equal(r.status, cases[k].status);
        done(&r);
        /* the same through the environment, and in another format */
        char env[128];
        snprintf(env, sizeof env, "ENV_DOCTOR_FAILURE_THRESHOLD=%s", cases[k].threshold);
        snprintf(args, sizeof args, "dockerfile --format sarif %s", cases[k].file);
        r = run_env(env, args, NULL);
        assert_int_equal(r.status, cases[k].status);
        done(&r);
    }
    run_result r = run("dockerfile --failure-threshold=warning warning.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    done(&r);
    r = run("dockerfile --failure-threshold fatal error.Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--failure-threshold takes error, warning, info or never"));
    done(&r);
    /* --no-fail: findings never fail; unreadable inputs still do */
    r = run("dockerfile --no-fail --failure-threshold info error.Dockerfile", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "ED201"));
    done(&r);
    r = run("compose --no-fail compose.yaml", NULL);
    assert_int_equal(r.status, 0);
    done(&r);
    r = run("dockerfile --no-fail missing.Dockerfile", NULL);
    assert_int_equal(r.status, 3);
    done(&r);
    r = run("compose --failure-threshold never compose.yaml", NULL);
    assert_int_equal(r.status, 0);
    done(&r);
}

/* ENV_DOCTOR_FORMAT and ENV_DOCTOR_FAILURE_THRESHOLD; the CLI wins. */
static void test_environment(void **state)
{
    run_result r = run_env("ENV_DOCTOR_FORMAT=json", "dockerfile error.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    json_decref(parse(r.out));
    assert_string_equal(r.err, "");
    done(&r);
    r = run_env("ENV_DOCTOR_FORMAT=json", "dockerfile --format gnu error.Dockerfile", NULL);
    assert_non_null(strstr(r.out, "error.Dockerfile:2.17-2.22: error: "));
    done(&r);
    /* -o alone takes the environment's format */
    remove_tmp("env.out");
    r = run_env("ENV_DOCTOR_FORMAT=codeclimate", "dockerfile -o env.out error.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    done(&r);
    char *cc = read_tmp("env.out");
    json_t *root = parse(cc);
    assert_true(json_is_array(root));
    json_decref(root);
    free(cc);
    r = run_env("ENV_DOCTOR_FORMAT=yaml", "dockerfile error.Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "ENV_DOCTOR_FORMAT: unknown format 'yaml'"));
    done(&r);
    /* a bad variable the CLI overrides is not read */
    r = run_env("ENV_DOCTOR_FORMAT=yaml", "dockerfile --format text clean.Dockerfile", NULL);
    assert_int_equal(r.status, 0);
    done(&r);
    r = run_env("ENV_DOCTOR_FORMAT=", "dockerfile clean.Dockerfile", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "No problems found"));
    done(&r);
    /* threshold: the CLI wins over the environment */
    r = run_env("ENV_DOCTOR_FAILURE_THRESHOLD=info", "dockerfile --failure-threshold error info.Dockerfile",
                NULL);
    assert_int_equal(r.status, 0);
    done(&r);
    r = run_env("ENV_DOCTOR_FAILURE_THRESHOLD=never", "dockerfile --failure-threshold warning "
                "warning.Dockerfile",
                NULL);
    assert_int_equal(r.status, 1);
    done(&r);
    r = run_env("ENV_DOCTOR_FAILURE_THRESHOLD=sometimes", "dockerfile clean.Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "ENV_DOCTOR_FAILURE_THRESHOLD: 'sometimes'"));
    done(&r);
    r = run_env("ENV_DOCTOR_FAILURE_THRESHOLD=sometimes",
                "dockerfile --failure-threshold error clean.Dockerfile", NULL);
    assert_int_equal(r.status, 0);
    done(&r);
    r = run_env("ENV_DOCTOR_FAILURE_THRESHOLD=warning ENV_DOCTOR_FORMAT=junit",
                "compose compose.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "<testsuites"));
    done(&r);
}

static void test_help_mentions_options(void **state)
{
    run_result r = run("--help", NULL);
    assert_non_null(strstr(r.out, "--failure-threshold"));
    assert_non_null(strstr(r.out, "--no-fail"));
    assert_non_null(strstr(r.out, "codeclimate"));
    assert_non_null(strstr(r.out, "ENV_DOCTOR_FORMAT"));
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_format_same_exit_code),
        cmocka_unit_test(test_output_pairs),
        cmocka_unit_test(test_output_errors),
        cmocka_unit_test(test_failure_threshold),
        cmocka_unit_test(test_environment),
        cmocka_unit_test(test_help_mentions_options),
    };
    return cmocka_run_group_tests_name("env-doctor CLI formats", tests, setup, teardown);
}
