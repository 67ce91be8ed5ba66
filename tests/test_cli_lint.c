/* End-to-end tests of `env-doctor lint`, file kinds, standard input names,
 * ignored rules and the configuration file with its precedence. */
#include "cli_harness.h"

#include <unistd.h>

/* ED201 at 2:17 (error) and ED210 at 2:17 (info) */
static const char torch[] = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                            "RUN pip install torch\n";
/* ED401 at 4:14 (warning) */
static const char legacy[] = "services:\n"
                             "  a:\n"
                             "    image: x\n"
                             "    runtime: nvidia\n";

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmpdir))
        return -1;
    char cmd[600];
    /* a repository root, so no configuration above it is ever found */
    snprintf(cmd, sizeof cmd, "mkdir -p %s/repo/.git %s/repo/sub/deep", tmpdir, tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Each test starts from the same files and no configuration. */
static void reset(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -f %s/repo/.env-doctor.y*ml %s/repo/sub/.env-doctor.y*ml", tmpdir,
             tmpdir);
    assert_int_equal(system(cmd), 0);
    write_file("repo/train.Dockerfile", torch);
    write_file("repo/compose.yaml", legacy);
    write_file("repo/Dockerfile.md", torch);
}

static run_result lint(const char *env, const char *args, const char *input)
{
    return run_in("repo", env, args, input);
}

static void test_kinds_from_names_sorted_by_path(void **state)
{
    (void)state;
    reset();
    run_result r = lint(NULL, "lint --format gnu train.Dockerfile compose.yaml", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out,
                        "compose.yaml:4.14-4.20: warning: service a: runtime: nvidia is the legacy "
                        "way to get a GPU: it works only on a Docker daemon whose daemon.json "
                        "registers the nvidia runtime (elsewhere it fails with \"Unknown runtime "
                        "specified nvidia\"); request the GPU with "
                        "deploy.resources.reservations.devices or gpus:, which need only the NVIDIA "
                        "container toolkit [ED401]\n"
                        "train.Dockerfile:2.17-2.22: error: pip installs torch without a PyTorch "
                        "CUDA index, so it gets PyPI's default build, whose CUDA changes with each "
                        "torch release (and is CPU-only on arm64 before 2.11); for "
                        "nvidia/cuda:12.4.1-runtime-ubuntu22.04 (CUDA 12.4.1) use --index-url "
                        "https://download.pytorch.org/whl/cu124 [ED201]\n"
                        "train.Dockerfile:2.17-2.22: info: torch is not pinned: each rebuild can "
                        "install a newer release, built for another CUDA and needing another "
                        "driver; pin it with == [ED210]\n");
    done(&r);
}

static void test_unknown_kind_is_a_usage_error_after_the_others(void **state)
{
    (void)state;
    reset();
    run_result r = lint(NULL, "lint --format gnu Dockerfile.md compose.yaml", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.out, "compose.yaml:4.14-4.20: warning:"));
    assert_null(strstr(r.out, "Dockerfile.md"));
    assert_non_null(strstr(r.err, "env-doctor: Dockerfile.md: cannot tell what kind of file this "
                                  "is (a Dockerfile, Compose file or Apptainer definition); name "
                                  "it so, or use --kind\n"));
    done(&r);
    /* --kind decides */
    r = lint(NULL, "lint --format gnu --kind dockerfile Dockerfile.md", NULL);
    assert_int_equal(r.status, 1);
    assert_true(strncmp(r.out, "Dockerfile.md:2.17-2.22: error:", 31) == 0);
    done(&r);
    r = lint(NULL, "lint --kind yaml compose.yaml", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--kind takes dockerfile, compose or apptainer"));
    done(&r);
    r = lint(NULL, "lint", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "env-doctor: lint: name the files to lint\n");
    done(&r);
}

static void test_stdin_filename(void **state)
{
    (void)state;
    reset();
    /* the name gives the kind and the path in messages */
    run_result r = lint(NULL, "lint --format gnu --stdin-filename sub/x.Dockerfile -", torch);
    assert_int_equal(r.status, 1);
    assert_true(strncmp(r.out, "sub/x.Dockerfile:2.17-2.22: error:", 34) == 0);
    done(&r);
    r = lint(NULL, "lint --format gnu - --stdin-filename=docker-compose.yml", legacy);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "docker-compose.yml:4.14-4.20: warning:", 38) == 0);
    done(&r);
    r = lint(NULL, "dockerfile --format gnu --stdin-filename Containerfile -", torch);
    assert_true(strncmp(r.out, "Containerfile:2.17-2.22: error:", 31) == 0);
    done(&r);
    /* without a name, standard input has no kind for lint */
    r = lint(NULL, "lint -", torch);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "<stdin>: cannot tell what kind of file this is"));
    done(&r);
    r = lint(NULL, "lint --stdin-filename x.Dockerfile train.Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--stdin-filename names standard input: give '-' as a path too"));
    done(&r);
    r = lint(NULL, "dockerfile - -", torch);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "standard input ('-') can be read only once"));
    done(&r);
}

static void test_ignore_from_command_line_and_environment(void **state)
{
    (void)state;
    reset();
    run_result r = lint(NULL, "lint --format gnu --ignore ED201 --ignore=unpinned-gpu-framework "
                              "train.Dockerfile",
                        NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    done(&r);
    r = lint("ENV_DOCTOR_IGNORE=' torch-missing-index-url , '", "dockerfile --format gnu "
                                                               "train.Dockerfile",
             NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "[ED201]"));
    assert_non_null(strstr(r.out, "[ED210]"));
    done(&r);
    r = lint(NULL, "lint --ignore ED2O1 train.Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "env-doctor: --ignore: unknown rule 'ED2O1' (did you mean "
                               "'ED201'?)\nTry 'env-doctor --help' for more information.\n");
    done(&r);
    r = lint("ENV_DOCTOR_IGNORE=no-such-rule", "lint train.Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "ENV_DOCTOR_IGNORE: unknown rule 'no-such-rule'"));
    done(&r);
}

static void test_config_file_found_upwards(void **state)
{
    (void)state;
    reset();
    write_file("repo/.env-doctor.yaml", "ignore: [ED201]\n"
                                        "severity: {unpinned-gpu-framework: warning}\n");
    write_file("repo/sub/deep/Dockerfile", torch);
    /* from a folder below, the repository's config applies */
    run_result r = run_in("repo/sub/deep", NULL, "dockerfile --format gnu", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "Dockerfile:2.17-2.22: warning: torch is not pinned: each rebuild "
                               "can install a newer release, built for another CUDA and needing "
                               "another driver; pin it with == [ED210]\n");
    done(&r);
    /* --no-config reads none */
    r = run_in("repo/sub/deep", NULL, "dockerfile --no-config --format gnu", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "[ED201]"));
    done(&r);
    /* --config names one */
    write_file("repo/other.yaml", "ignore: [ED210]\n");
    r = lint(NULL, "lint --config other.yaml --format gnu train.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "[ED201]"));
    assert_null(strstr(r.out, "[ED210]"));
    done(&r);
    r = lint(NULL, "lint --config missing.yaml train.Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "missing.yaml"));
    done(&r);
}

static void test_config_errors_exit_2_with_position(void **state)
{
    (void)state;
    reset();
    write_file("repo/.env-doctor.yaml", "ignore: [ED201]\nfailur-threshold: warning\n");
    run_result r = lint(NULL, "lint train.Dockerfile", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "env-doctor: .env-doctor.yaml:2:1: unknown key 'failur-threshold' "
                               "(did you mean 'failure-threshold'?)\n");
    done(&r);
}

static void test_precedence_command_line_environment_file(void **state)
{
    (void)state;
    reset();
    /* the file says warning: ED401 (a warning) fails */
    write_file("repo/.env-doctor.yaml", "failure-threshold: warning\n");
    run_result r = lint(NULL, "lint compose.yaml", NULL);
    assert_int_equal(r.status, 1);
    done(&r);
    /* the environment beats the file */
    r = lint("ENV_DOCTOR_FAILURE_THRESHOLD=error", "lint compose.yaml", NULL);
    assert_int_equal(r.status, 0);
    done(&r);
    /* the command line beats both */
    r = lint("ENV_DOCTOR_FAILURE_THRESHOLD=error", "lint --failure-threshold info compose.yaml",
             NULL);
    assert_int_equal(r.status, 1);
    done(&r);
    /* gpu: never in the file turns the torch stage into a CPU one; --gpu wins */
    write_file("repo/.env-doctor.yaml", "gpu: never\n");
    r = lint(NULL, "lint --format gnu train.Dockerfile", NULL);
    assert_null(strstr(r.out, "[ED201]"));
    done(&r);
    r = lint(NULL, "lint --format gnu --gpu auto train.Dockerfile", NULL);
    assert_non_null(strstr(r.out, "[ED201]"));
    done(&r);
    /* ignore lists add up: the file's, the environment's, the command line's */
    write_file("repo/.env-doctor.yaml", "ignore: [ED401]\n");
    r = lint("ENV_DOCTOR_IGNORE=ED201", "lint --format gnu --ignore ED210 train.Dockerfile "
                                        "compose.yaml",
             NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    done(&r);
}

static void test_config_build_args_command_line_wins(void **state)
{
    (void)state;
    reset();
    write_file("repo/cuda.Dockerfile", "ARG CUDA\n"
                                       "FROM nvidia/cuda:${CUDA}-devel-ubuntu22.04\n");
    write_file("repo/.env-doctor.yaml", "build-args: {CUDA: 12.8.1}\n");
    run_result r = lint(NULL, "lint --format gnu cuda.Dockerfile", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    done(&r);
    r = lint(NULL, "lint --format gnu --build-arg CUDA=12.99.0 cuda.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "[ED102]"));
    done(&r);
}

static void test_force_exclude(void **state)
{
    (void)state;
    reset();
    write_file("repo/.env-doctor.yaml", "exclude: [train.*]\n");
    /* named paths are linted unless --force-exclude */
    run_result r = lint(NULL, "lint --format gnu train.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    done(&r);
    r = lint(NULL, "lint --format gnu --force-exclude train.Dockerfile compose.yaml", NULL);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "compose.yaml:", 13) == 0);
    assert_null(strstr(r.out, "train.Dockerfile"));
    done(&r);
    /* standard input is excluded by its name */
    r = lint(NULL, "dockerfile --force-exclude --stdin-filename train.Dockerfile -", torch);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    done(&r);
}

static void test_a_file_named_twice_is_linted_once(void **state)
{
    (void)state;
    reset();
    run_result r = lint(NULL, "lint --format gnu train.Dockerfile ./train.Dockerfile", NULL);
    assert_int_equal(r.status, 1);
    const char *second = strstr(r.out, "[ED201]");
    assert_non_null(second);
    assert_null(strstr(second + 1, "[ED201]"));
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_from_names_sorted_by_path),
        cmocka_unit_test(test_unknown_kind_is_a_usage_error_after_the_others),
        cmocka_unit_test(test_stdin_filename),
        cmocka_unit_test(test_ignore_from_command_line_and_environment),
        cmocka_unit_test(test_config_file_found_upwards),
        cmocka_unit_test(test_config_errors_exit_2_with_position),
        cmocka_unit_test(test_precedence_command_line_environment_file),
        cmocka_unit_test(test_config_build_args_command_line_wins),
        cmocka_unit_test(test_force_exclude),
        cmocka_unit_test(test_a_file_named_twice_is_linted_once),
    };
    return cmocka_run_group_tests_name("cli_lint", tests, setup, teardown);
}
