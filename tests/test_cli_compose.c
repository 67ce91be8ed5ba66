/* End-to-end tests of `env-doctor docker-compose`: default lookup and
 * override files, -f merge order, --env-file and .env, linked Dockerfiles
 * in text and JSON, exit codes, a file too large to parse. */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include "cli_harness.h"

#include <jansson.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How many output lines start with prefix and name the rule. */
static int lines_with(const char *out, const char *prefix, const char *rule)
{
    int n = 0;
    for (const char *line = out; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[4096];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
        if (strncmp(buf, prefix, strlen(prefix)) == 0 && strstr(buf, rule))
            n++;
        line += len + (end ? 1 : 0);
    }
    return n;
}

static char repo[1024]; /* the tests run from the repository's root */

static int setup(void **state)
{
    return getcwd(repo, sizeof repo) && mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char clean_compose[] = "services:\n"
                                    "  web:\n"
                                    "    image: nginx:mainline\n";

static void test_help_and_usage(void **state)
{
    run_result r = run_in(NULL, NULL, "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "env-doctor docker-compose [options] [PATH...]"));
    assert_non_null(strstr(r.out, "--env-file FILE"));
    done(&r);
    r = run_in(NULL, NULL, "docker-compose --help", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "-f, --file FILE"));
    done(&r);
    r = run_in(NULL, NULL, "docker-compose --bogus", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown option '--bogus'"));
    done(&r);
    r = run_in(NULL, NULL, "compose -f", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "-f takes a Compose file"));
    done(&r);
    r = run_in(NULL, NULL, "compose --format xml x.yaml", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--format takes text, json, sarif, github, gnu, checkstyle, junit or codeclimate, not xml"));
    done(&r);
    r = run_in(NULL, NULL, "compose --env-file", NULL);
    assert_int_equal(r.status, 2);
    done(&r);
}

static void test_default_lookup_and_override(void **state)
{
    make_dir("lookup/a");
    make_dir("lookup/b");
    make_dir("lookup/empty");
    write_file("lookup/a/compose.yaml", clean_compose);
    write_file("lookup/a/docker-compose.yml", "services: [ignored]\n");
    write_file("lookup/a/compose.override.yml", "services:\n  web:\n    environment: [A=1]\n"
                                                "  broken:\n");
    write_file("lookup/b/docker-compose.yaml", "services: [x]\n");
    run_result r = run_in("lookup/a", NULL, "docker-compose", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "compose.override.yml:4:3: error: service \"broken\" has no "
                               "definition: a service must be a mapping [ED001 syntax-error]\n");
    assert_string_equal(r.err, "Found 1 problem (1 error, 0 warnings, 0 info) in 2 files.\n");
    done(&r);

    r = run_in("lookup/b", NULL, "compose", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(lines_with(r.out, "docker-compose.yaml:1:11: error:", "[ED001"), 1);
    done(&r);

    /* a folder as PATH: the same lookup inside it */
    r = run_in("lookup", NULL, "compose a b", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(lines_with(r.out, "a/compose.override.yml:4:3:", "[ED001"), 1);
    assert_int_equal(lines_with(r.out, "b/docker-compose.yaml:1:11:", "[ED001"), 1);
    assert_non_null(strstr(r.err, "in 3 files"));
    done(&r);

    r = run_in("lookup/empty", NULL, "compose", NULL);
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "no compose.yaml, compose.yml, docker-compose.yml or "
                                  "docker-compose.yaml in the current directory"));
    done(&r);
}

static void test_f_merge_order(void **state)
{
    make_dir("merge");
    write_file("merge/base.yaml", "services:\n"
                                  "  app:\n"
                                  "    image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n");
    write_file("merge/gpu.yaml", "services:\n"
                                 "  app:\n"
                                 "    gpus: all\n"
                                 "  bad:\n");
    /* the GPU request of the second file belongs to the service of the first */
    run_result r = run_in("merge", NULL, "compose -f base.yaml", NULL);
    assert_int_equal(lines_with(r.out, "base.yaml:", "[ED405"), 1);
    done(&r);
    r = run_in("merge", NULL, "compose -f base.yaml -f gpu.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(lines_with(r.out, "base.yaml:", "[ED405"), 0);
    assert_string_equal(r.out, "gpu.yaml:4:3: error: service \"bad\" has no definition: a "
                               "service must be a mapping [ED001 syntax-error]\n");
    assert_non_null(strstr(r.err, "in 2 files"));
    done(&r);
    /* each file is reported under its own name, in the order given */
    r = run_in("merge", NULL, "compose --format json --file=gpu.yaml -f base.yaml", NULL);
    json_error_t error;
    json_t *root = json_loads(r.out, 0, &error);
    assert_non_null(root);
    json_t *files = json_object_get(root, "files");
    assert_int_equal(json_array_size(files), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(files, 0), "path")),
                        "gpu.yaml");
    assert_string_equal(json_string_value(json_object_get(json_array_get(files, 1), "path")),
                        "base.yaml");
    json_decref(root);
    done(&r);
}

static void test_env_file(void **state)
{
    make_dir("env");
    write_file("env/compose.yaml", "services:\n"
                                   "  app:\n"
                                   "    image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                                   "    gpus: ${GPUS}\n");
    /* unset: unknown, never guessed, no finding */
    run_result r = run_in("env", NULL, "compose", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    done(&r);
    /* the .env beside the file */
    write_file("env/.env", "GPUS=3\n");
    r = run_in("env", NULL, "compose", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "compose.yaml:4:11: error: gpus must be `all` or a list of device "
                               "requests, not \"3\" [ED001 syntax-error]\n");
    done(&r);
    /* also when the file is named from elsewhere */
    r = run_in(NULL, NULL, "compose env/compose.yaml", NULL);
    assert_int_equal(lines_with(r.out, "env/compose.yaml:4:11:", "not \"3\""), 1);
    done(&r);
    /* --env-file replaces it */
    write_file("env/other.env", "# other\nexport GPUS=all\n");
    r = run_in("env", NULL, "compose --env-file other.env", NULL);
    assert_int_equal(r.status, 0);
    done(&r);
    write_file("env/five.env", "GPUS=5\n");
    r = run_in("env", NULL, "compose --env-file=five.env compose.yaml", NULL);
    assert_int_equal(lines_with(r.out, "compose.yaml:4:11:", "not \"5\""), 1);
    done(&r);
    /* a --env-file that cannot be read: exit 3, the file is still linted */
    r = run_in("env", NULL, "compose --env-file missing.env", NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "missing.env"));
    done(&r);
}

static const char bad_dockerfile[] = "FROM nvidia/cuda:${CUDA_VERSION}-devel-ubuntu22.04\n"
                                     "RUN nvcc --version\n";

static void test_linked_dockerfile(void **state)
{
    make_dir("link/app");
    write_file("link/app/Dockerfile", bad_dockerfile);
    write_file("link/compose.yaml", "services:\n"
                                    "  train:\n"
                                    "    build: ./app\n"
                                    "    gpus: [{device_ids: ['0']}]\n"
                                    "  eval:\n"
                                    "    build:\n"
                                    "      context: app\n"
                                    "    gpus: [{device_ids: ['1']}]\n");
    run_result r = run_in("link", NULL, "compose", NULL);
    assert_int_equal(r.status, 1);
    /* linted once, reported against the Dockerfile */
    assert_int_equal(lines_with(r.out, "app/Dockerfile:1:18: error:", "[ED002"), 1);
    assert_int_equal(lines_with(r.out, "compose.yaml:", "[ED"), 0);
    assert_non_null(strstr(r.err, "in 2 files"));
    done(&r);

    /* two projects building one Dockerfile: it is reported once */
    write_file("link/other.yaml", "services:\n  x:\n    build: app\n    gpus: all\n");
    r = run_in("link", NULL, "compose compose.yaml other.yaml", NULL);
    assert_int_equal(lines_with(r.out, "app/Dockerfile:1:18: error:", "[ED002"), 1);
    assert_non_null(strstr(r.err, "in 3 files"));
    done(&r);

    r = run_in("link", NULL, "docker-compose --format json", NULL);
    assert_int_equal(r.status, 1);
    json_error_t error;
    json_t *root = json_loads(r.out, 0, &error);
    assert_non_null(root);
    json_t *files = json_object_get(root, "files");
    assert_int_equal(json_array_size(files), 2);
    json_t *f0 = json_array_get(files, 0), *f1 = json_array_get(files, 1);
    assert_string_equal(json_string_value(json_object_get(f0, "path")), "compose.yaml");
    assert_string_equal(json_string_value(json_object_get(f0, "kind")), "compose");
    assert_string_equal(json_string_value(json_object_get(f1, "path")), "app/Dockerfile");
    assert_string_equal(json_string_value(json_object_get(f1, "kind")), "dockerfile");
    json_t *finding = json_array_get(json_object_get(f1, "findings"), 0);
    assert_string_equal(json_string_value(json_object_get(finding, "rule")), "ED002");
    assert_int_equal(json_integer_value(json_object_get(finding, "line")), 1);
    json_decref(root);
    done(&r);
}

static void test_exit_codes(void **state)
{
    make_dir("exit");
    write_file("exit/clean.yaml", clean_compose);
    write_file("exit/syntax.yaml", "services:\n  app: {image: x\n");
    run_result r = run_in("exit", NULL, "compose clean.yaml", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "No problems found in 1 file.\n");
    done(&r);
    r = run_in("exit", NULL, "compose syntax.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(lines_with(r.out, "syntax.yaml:3:1: error:", "[ED001"), 1);
    done(&r);
    /* unreadable: exit 3, the other files still linted */
    r = run_in("exit", NULL, "compose missing.yaml syntax.yaml", NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "env-doctor: missing.yaml: "));
    assert_int_equal(lines_with(r.out, "syntax.yaml:", "[ED001"), 1);
    done(&r);
    /* standard input */
    r = run_in("exit", NULL, "compose -", "services: [x]\n");
    assert_int_equal(r.status, 1);
    assert_int_equal(lines_with(r.out, "<stdin>:1:11: error:", "[ED001"), 1);
    done(&r);
}

static void test_large_file_refused(void **state)
{
    make_dir("big");
    char path[600];
    snprintf(path, sizeof path, "%s/big/compose.yaml", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("services:\n", f);
    for (int i = 0; i < 9 * 1024 * 64; i++) /* 9 MB of services */
        fprintf(f, "  s%07d: {image: nginx}\n", i);
    fclose(f);
    run_result r = run_in("big", NULL, "compose", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(lines_with(r.out, "compose.yaml:1:1: error: file is larger than the 8 MiB "
                                       "limit: not linted (raise the limit with --max-file-size)",
                                "[ED001"),
                     1);
    done(&r);
}

/* examples/compose/ as `make run` shows them. */
static void test_examples(void **state)
{
    char args[2048];
    snprintf(args, sizeof args, "compose %s/examples/compose/gpu-app", repo);
    run_result r = run_in(NULL, NULL, args, NULL);
    assert_int_equal(r.status, 1);
    char prefix[1200];
    snprintf(prefix, sizeof prefix, "%s/examples/compose/gpu-app/compose.yaml:8:5:", repo);
    assert_int_equal(lines_with(r.out, prefix, "[ED405"), 1); /* the built Dockerfile is GPU */
    snprintf(prefix, sizeof prefix, "%s/examples/compose/gpu-app/compose.yaml:24:15:", repo);
    assert_int_equal(lines_with(r.out, prefix, "[ED403"), 1);
    snprintf(prefix, sizeof prefix, "%s/examples/compose/gpu-app/compose.yaml:", repo);
    assert_int_equal(lines_with(r.out, prefix, "service web"), 0);
    assert_non_null(strstr(r.err, "in 2 files")); /* and its Dockerfile */
    done(&r);

    snprintf(args, sizeof args, "compose %s/examples/compose/legacy", repo);
    r = run_in(NULL, NULL, args, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "[ED401"));
    assert_non_null(strstr(r.out, "[ED407"));
    done(&r);

    snprintf(args, sizeof args, "compose %s/examples/compose/clean", repo);
    r = run_in(NULL, NULL, args, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    done(&r);

    /* the override file brings the GPU request */
    snprintf(args, sizeof args, "compose %s/examples/compose/override", repo);
    r = run_in(NULL, NULL, args, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "No problems found in 2 files.\n");
    done(&r);
    snprintf(args, sizeof args, "compose -f %s/examples/compose/override/compose.yaml", repo);
    r = run_in(NULL, NULL, args, NULL);
    assert_non_null(strstr(r.out, "[ED405"));
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_usage),
        cmocka_unit_test(test_default_lookup_and_override),
        cmocka_unit_test(test_f_merge_order),
        cmocka_unit_test(test_env_file),
        cmocka_unit_test(test_linked_dockerfile),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_large_file_refused),
        cmocka_unit_test(test_examples),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
