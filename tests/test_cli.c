/* End-to-end tests of the env-doctor program: exact output and exit codes. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli_harness.h"

#include <jansson.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conformance.h"

static const char undefined_arg[] = "FROM nvidia/cuda:${CUDA_VERSION}-devel-ubuntu22.04\n"
                                    "RUN nvcc --version\n";
static const char clean[] = "ARG CUDA_VERSION=12.4.1\n"
                            "FROM nvidia/cuda:${CUDA_VERSION}-devel-ubuntu22.04\n";

static int setup(void **state)
{
    if (!mkdtemp(tmpdir))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_version(void **state)
{
    run_result r = run("--version", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "env-doctor " ED_VERSION "\n");
    done(&r);
}

static void test_help(void **state)
{
    run_result r = run("--help", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "env-doctor dockerfile [options] [PATH...]"));
    assert_string_equal(r.err, "");
    done(&r);
}

static void test_usage_errors_exit_2(void **state)
{
    run_result r = run("frobnicate", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "env-doctor: unknown command 'frobnicate'"));
    done(&r);
    r = run("dockerfile --bogus x", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown option '--bogus'"));
    done(&r);
    r = run("dockerfile --format yaml x", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--format takes text, json, sarif, github, gnu, checkstyle, junit or codeclimate, not yaml"));
    done(&r);
    r = run("dockerfile --build-arg", NULL);
    assert_int_equal(r.status, 2);
    done(&r);
}

static void test_text_output_exact(void **state)
{
    write_file("Dockerfile.bad", undefined_arg);
    run_result r = run("dockerfile Dockerfile.bad", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out,
                        "Dockerfile.bad:1:18: error: FROM uses $CUDA_VERSION, which no ARG before "
                        "the first FROM declares, so it expands to an empty string "
                        "[ED002 undefined-arg-in-from]\n");
    assert_string_equal(r.err, "Found 1 problem (1 error, 0 warnings, 0 info) in 1 file.\n");
    done(&r);
}

static void test_clean_file(void **state)
{
    write_file("Dockerfile.good", clean);
    run_result r = run("dockerfile Dockerfile.good", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "No problems found in 1 file.\n");
    done(&r);
}

static void test_default_path_and_containerfile(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/a %s/b %s/c", tmpdir, tmpdir, tmpdir);
    assert_int_equal(system(cmd), 0);
    write_file("a/Dockerfile", undefined_arg);
    write_file("b/Containerfile", undefined_arg);
    run_result r = run_in("a", NULL, "dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_true(strncmp(r.out, "Dockerfile:1:18: error:", 23) == 0);
    done(&r);
    r = run_in("b", NULL, "dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_true(strncmp(r.out, "Containerfile:1:18: error:", 26) == 0);
    done(&r);
    r = run_in("c", NULL, "dockerfile", NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "no Dockerfile or Containerfile in the current directory"));
    done(&r);
}

static void test_stdin(void **state)
{
    run_result r = run("dockerfile -", undefined_arg);
    assert_int_equal(r.status, 1);
    assert_true(strncmp(r.out, "<stdin>:1:18: error: FROM uses $CUDA_VERSION", 44) == 0);
    done(&r);
}

static void test_unreadable_inputs_exit_3_and_others_still_linted(void **state)
{
    write_file("Dockerfile.bad", undefined_arg);
    run_result r = run("dockerfile missing.Dockerfile Dockerfile.bad .", NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "env-doctor: missing.Dockerfile: cannot open: No such file or directory\n"));
    assert_non_null(strstr(r.err, "env-doctor: .: is a directory\n"));
    assert_true(strncmp(r.out, "Dockerfile.bad:1:18: error:", 27) == 0);
    done(&r);
}

static void test_binary_file_is_a_finding(void **state)
{
    char path[512];
    snprintf(path, sizeof path, "%s/binary", tmpdir);
    FILE *f = fopen(path, "wb");
    fwrite("FROM a\nRUN \0x\n", 1, 14, f);
    fclose(f);
    run_result r = run("dockerfile binary", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "binary:2:5: error: file is not text (contains a NUL byte) "
                               "[ED001 syntax-error]\n");
    done(&r);
}

static void test_build_arg_hint(void **state)
{
    write_file("Dockerfile.bad", undefined_arg);
    run_result r = run("dockerfile --build-arg CUDA_VERSION=12.4.1 Dockerfile.bad", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "; --build-arg CUDA_VERSION is given, but a build argument "
                                  "reaches FROM only through a global ARG [ED002"));
    done(&r);
}

static void test_color(void **state)
{
    write_file("Dockerfile.bad", undefined_arg);
    run_result r = run("dockerfile --color=always Dockerfile.bad", NULL);
    assert_non_null(strstr(r.out, "\033[1;31merror:"));
    done(&r);
    r = run("dockerfile Dockerfile.bad", NULL); /* not a terminal */
    assert_null(strchr(r.out, '\033'));
    assert_null(strchr(r.err, '\033'));
    done(&r);
    r = run_env("NO_COLOR=1", "dockerfile --color=auto Dockerfile.bad", NULL);
    assert_null(strchr(r.out, '\033'));
    done(&r);
}

static void test_json_output(void **state)
{
    write_file("Dockerfile.bad", undefined_arg);
    run_result r = run("dockerfile --format json Dockerfile.bad", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.err, "");
    json_error_t error;
    json_t *root = json_loads(r.out, 0, &error);
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(root, "schema_version")), 1);
    json_t *tool = json_object_get(root, "tool");
    assert_string_equal(json_string_value(json_object_get(tool, "name")), "env-doctor");
    assert_string_equal(json_string_value(json_object_get(tool, "version")), ED_VERSION);
    json_t *file = json_array_get(json_object_get(root, "files"), 0);
    assert_string_equal(json_string_value(json_object_get(file, "path")), "Dockerfile.bad");
    assert_string_equal(json_string_value(json_object_get(file, "kind")), "dockerfile");
    json_t *f = json_array_get(json_object_get(file, "findings"), 0);
    assert_string_equal(json_string_value(json_object_get(f, "rule")), "ED002");
    assert_string_equal(json_string_value(json_object_get(f, "name")), "undefined-arg-in-from");
    assert_string_equal(json_string_value(json_object_get(f, "severity")), "error");
    assert_int_equal(json_integer_value(json_object_get(f, "line")), 1);
    assert_int_equal(json_integer_value(json_object_get(f, "column")), 18);
    assert_int_equal(json_integer_value(json_object_get(f, "end_line")), 1);
    assert_int_equal(json_integer_value(json_object_get(f, "end_column")), 33);
    assert_true(json_is_null(json_object_get(f, "fix")));
    assert_non_null(strstr(json_string_value(json_object_get(f, "help_uri")), "ED002"));
    json_t *summary = json_object_get(root, "summary");
    assert_int_equal(json_integer_value(json_object_get(summary, "files")), 1);
    assert_int_equal(json_integer_value(json_object_get(summary, "errors")), 1);
    assert_int_equal(json_integer_value(json_object_get(summary, "warnings")), 0);
    assert_int_equal(json_integer_value(json_object_get(summary, "info")), 0);
    json_decref(root);
    done(&r);
}

static void test_rules_and_explain(void **state)
{
    run_result r = run("rules", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "ED001  syntax-error"));
    assert_non_null(strstr(r.out, "ED002  undefined-arg-in-from"));
    done(&r);
    r = run("explain undefined-arg-in-from", NULL);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "# ED002 undefined-arg-in-from\n", 30) == 0);
    assert_null(strstr(r.out, "<!--"));
    done(&r);
    r = run("explain ed001", NULL);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "# ED001 syntax-error\n", 21) == 0);
    done(&r);
    r = run("explain ED999", NULL);
    assert_int_equal(r.status, 2);
    done(&r);
}

static void test_dump(void **state)
{
    write_file("Dockerfile.dump", "FROM a AS b\nENV X=1 Y 2\nONBUILD RUN [\"echo\", \"hi\"]\n");
    run_result r = run("dump Dockerfile.dump", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "(from \"a\" \"AS\" \"b\")\n(onbuild (run \"echo\" \"hi\"))\n");
    assert_non_null(strstr(r.err, "Dockerfile.dump:2:9: Syntax error - can't find = in \"Y\""));
    done(&r);
}

/* Checks one file entry of the JSON contract. */
static void check_contract_file(json_t *file)
{
    assert_true(json_is_string(json_object_get(file, "path")));
    assert_string_equal(json_string_value(json_object_get(file, "kind")), "dockerfile");
    json_t *findings = json_object_get(file, "findings");
    assert_true(json_is_array(findings));
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f) {
        assert_int_equal(json_object_size(f), 10);
        const char *sev = json_string_value(json_object_get(f, "severity"));
        assert_true(strcmp(sev, "error") == 0 || strcmp(sev, "warning") == 0 || strcmp(sev, "info") == 0);
        assert_true(json_integer_value(json_object_get(f, "line")) >= 1);
        assert_true(json_integer_value(json_object_get(f, "column")) >= 1);
        assert_true(json_integer_value(json_object_get(f, "end_line")) >=
                    json_integer_value(json_object_get(f, "line")));
        assert_true(json_is_string(json_object_get(f, "message")));
        assert_true(json_is_null(json_object_get(f, "fix")) || json_is_object(json_object_get(f, "fix")));
    }
}

static void test_json_contract_on_conformance_files(void **state)
{
    const char *base = conformance_dir();
    if (!base)
        skip();
    char abs[1024];
    assert_non_null(realpath(base, abs));
    const char *subs[] = {"testfiles", "testfiles-negative", "testfile-line"};
    for (int s = 0; s < 3; s++) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "ls -d %s/%s/*/Dockerfile %s/%s/Dockerfile > %s/list.txt 2>/dev/null; true",
                 abs, subs[s], abs, subs[s], tmpdir);
        assert_int_equal(system(cmd), 0);
        char listpath[512];
        snprintf(listpath, sizeof listpath, "%s/list.txt", tmpdir);
        char *list = slurp(listpath);
        /* one run over the folder's files (one start of env-doctor: a
         * second each under valgrind), each file's part of the report checked */
        char args[6144];
        size_t len = (size_t)snprintf(args, sizeof args, "dockerfile --format json");
        size_t nfiles = 0;
        for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n"), nfiles++) {
            len += (size_t)snprintf(args + len, sizeof args - len, " %s", line);
            assert_true(len < sizeof args);
        }
        free(list);
        if (nfiles == 0)
            continue;
        run_result r = run(args, NULL);
        assert_true(r.status == 0 || r.status == 1);
        json_error_t error;
        json_t *root = json_loads(r.out, 0, &error);
        assert_non_null(root);
        assert_int_equal(json_integer_value(json_object_get(root, "schema_version")), 1);
        json_t *files = json_object_get(root, "files");
        assert_int_equal(json_array_size(files), nfiles);
        for (size_t i = 0; i < nfiles; i++)
            check_contract_file(json_array_get(files, i));
        json_decref(root);
        done(&r);
    }
}

/* env-doctor-python 4.1 item 29: results never depend on the network or
 * the clock: the same input gives the same bytes, and the program makes no
 * network system call (checked with strace where it is installed). */
static void test_item_29_deterministic_and_offline(void **state)
{
    run_result a = run("dockerfile --format json -", "FROM python:3.12\nRUN pip install torch "
                                                      "--index-url https://download.pytorch.org/whl/cu124\n");
    run_result b = run("dockerfile --format json -", "FROM python:3.12\nRUN pip install torch "
                                                      "--index-url https://download.pytorch.org/whl/cu124\n");
    assert_int_equal(a.status, 1);
    assert_string_equal(a.out, b.out);
    done(&a);
    done(&b);
    if (system("command -v strace >/dev/null 2>&1") != 0 || getenv("ED_TEST_WRAPPER"))
        return;
    write_file("Dockerfile.net", "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install torch\n");
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && strace -f -qq -e trace=socket,connect -o strace.txt %s dockerfile "
             "Dockerfile.net >/dev/null 2>&1; true",
             tmpdir, ED_TEST_BIN);
    assert_int_equal(system(cmd), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/strace.txt", tmpdir);
    char *trace = slurp(path);
    assert_null(strstr(trace, "socket("));
    assert_null(strstr(trace, "connect("));
    free(trace);
}

static void test_inline_ignores_and_flag(void **state)
{
    const char *text = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                       "# env-doctor ignore=ED201 -- the image ships its own index config\n"
                       "RUN pip install torch==2.5.1\n";
    run_result r = run("dockerfile -", text);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    done(&r);
    r = run("dockerfile --no-inline-ignores -", text);
    assert_int_equal(r.status, 1);
    assert_true(strncmp(r.out, "<stdin>:3:17: error:", 20) == 0);
    assert_non_null(strstr(r.out, "[ED201 torch-missing-index-url]"));
    done(&r);
}

static void test_show_source(void **state)
{
    run_result r = run("dockerfile --show-source -",
                       "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                       "RUN pip install \\\n\t\t\"torch==2.5.1\"\n");
    assert_int_equal(r.status, 1);
    const char *excerpt = strstr(r.out, "[ED201 torch-missing-index-url]\n");
    assert_non_null(excerpt);
    assert_string_equal(excerpt + strlen("[ED201 torch-missing-index-url]\n"),
                        "    3 | \t\t\"torch==2.5.1\"\n"
                        "      | \t\t ^^^^^\n"
                        "      = fix: Add --index-url https://download.pytorch.org/whl/cu124\n");
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_usage_errors_exit_2),
        cmocka_unit_test(test_text_output_exact),
        cmocka_unit_test(test_clean_file),
        cmocka_unit_test(test_default_path_and_containerfile),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_unreadable_inputs_exit_3_and_others_still_linted),
        cmocka_unit_test(test_binary_file_is_a_finding),
        cmocka_unit_test(test_build_arg_hint),
        cmocka_unit_test(test_color),
        cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_rules_and_explain),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_json_contract_on_conformance_files),
        cmocka_unit_test(test_item_29_deterministic_and_offline),
        cmocka_unit_test(test_inline_ignores_and_flag),
        cmocka_unit_test(test_show_source),
    };
    return cmocka_run_group_tests_name("env-doctor CLI", tests, setup, teardown);
}
