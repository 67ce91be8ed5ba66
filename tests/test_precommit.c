/* The pre-commit hooks in .pre-commit-hooks.yaml, run by the real
 * pre-commit: which files each hook receives (nested folders, names that
 * look alike but are not container files), that a hook fails with findings
 * and passes on clean files, the overrides docs/pre-commit.md shows (args,
 * exclude) and --force-exclude with the configuration's exclude: globs.
 *
 * Everything happens in a temporary folder: a copy of the hook manifest (and
 * the Dockerfile the -docker hooks build) committed to a git repository of
 * its own, and one repository per test with files to lint. HOME and
 * PRE_COMMIT_HOME point into it, so nothing outside is read or written. The
 * env-doctor under test is found on PATH through a small wrapper script (it
 * honours ED_TEST_WRAPPER, so `make valgrind` checks it here too).
 *
 * Without pre-commit on PATH the tests are skipped; with
 * ED_REQUIRE_TEST_TOOLS=1 in the environment they fail instead. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli_harness.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256];    /* tmpdir, absolute */
static char srcdir[512];  /* the repository holding .pre-commit-hooks.yaml */
static char hooks_rev[64]; /* the commit of the hook repository */
static bool have_precommit;

/* The files linted. ED002 at 1:18. */
static const char bad_dockerfile[] = "FROM nvidia/cuda:${CUDA_VERSION}-devel-ubuntu22.04\n";
static const char clean_dockerfile[] = "FROM debian:bookworm-slim\nRUN echo hello\n";
/* ED306, a warning only: 2:5. */
static const char warning_dockerfile[] = "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
                                         "RUN nvidia-smi\n";
/* ED403 at 10:15. */
static const char bad_compose[] = "services:\n"
                                  "  app:\n"
                                  "    image: alpine:3.20\n"
                                  "    deploy:\n"
                                  "      resources:\n"
                                  "        reservations:\n"
                                  "          devices:\n"
                                  "            - driver: nvidia\n"
                                  "              count: 1\n"
                                  "              device_ids: [\"0\"]\n"
                                  "              capabilities: [gpu]\n";
static const char clean_compose[] = "services:\n  app:\n    image: alpine:3.20\n";
/* ED301 (an NVIDIA driver in the image) in %post: 5:24. */
static const char bad_definition[] = "Bootstrap: docker\n"
                                     "From: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                                     "\n"
                                     "%post\n"
                                     "    apt-get install -y nvidia-driver-535\n";

typedef struct sh_result {
    int status;
    char *out; /* standard output and error together */
} sh_result;

/* Runs the shell script in the temporary directory's subdirectory `dir`,
 * with PATH starting with `path_first` (when given), then the folder of the
 * env-doctor wrapper. */
static sh_result sh_in(const char *dir, const char *path_first, const char *script)
{
    write_file("cmd.sh", script);
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd '%s/%s' && env -u NO_COLOR -u ENV_DOCTOR_FORMAT -u ENV_DOCTOR_FAILURE_THRESHOLD "
             "-u ENV_DOCTOR_IGNORE -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE "
             "-u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES -u GIT_CONFIG_PARAMETERS "
             "-u GIT_CONFIG_GLOBAL -u GIT_CONFIG_COUNT -u XDG_CONFIG_HOME "
             "-u PRE_COMMIT -u PRE_COMMIT_CONFIG "
             "HOME='%s/home' PRE_COMMIT_HOME='%s/cache' XDG_CACHE_HOME='%s/cache' "
             "GIT_CONFIG_NOSYSTEM=1 PRE_COMMIT_COLOR=never "
             "PATH=%s%s'%s/bin':\"$PATH\" sh '%s/cmd.sh' >'%s/out.txt' 2>&1",
             root, dir ? dir : ".", root, root, root, path_first ? path_first : "",
             path_first ? ":" : "", root, root, root);
    int status = system(cmd);
    sh_result r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/out.txt", root);
    r.out = slurp(path);
    return r;
}

static void sh_done(sh_result *r)
{
    free(r->out);
}

/* Writes tmpdir/name, making its folders. */
static void put(const char *name, const char *text)
{
    const char *slash = strrchr(name, '/');
    if (slash) {
        char dir[512];
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - name), name);
        make_dir(dir);
    }
    write_file(name, text);
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Takes dir as srcdir when it holds .pre-commit-hooks.yaml. */
static bool found_srcdir(const char *dir)
{
    char probe[PATH_MAX + 32];
    snprintf(probe, sizeof probe, "%s/.pre-commit-hooks.yaml", dir);
    if (strlen(dir) >= sizeof srcdir || !exists(probe))
        return false;
    memcpy(srcdir, dir, strlen(dir) + 1);
    return true;
}

/* The folder with .pre-commit-hooks.yaml: the current one (`make test` runs
 * from the repository), else one above the program under test. */
static bool find_srcdir(void)
{
    char dir[PATH_MAX];
    if (getcwd(dir, sizeof dir) && found_srcdir(dir))
        return true;
    if (!realpath(ED_TEST_BIN, dir))
        return false;
    for (char *slash = strrchr(dir, '/'); slash && slash != dir; slash = strrchr(dir, '/')) {
        *slash = '\0';
        if (found_srcdir(dir))
            return true;
    }
    return false;
}

static const char git_identity[] = "git init -q && git config user.name env-doctor-test && "
                                   "git config user.email test@example.invalid && "
                                   "git config commit.gpgsign false\n";

/* The hook repository: the manifest and what the -docker hooks build,
 * committed; its commit goes to hooks_rev. */
static void make_hook_repo(void)
{
    char script[4096];
    snprintf(script, sizeof script,
             "set -e\nmkdir -p hooks && cd hooks\n%s"
             "cp '%s/.pre-commit-hooks.yaml' .\n"
             "for f in Dockerfile .dockerignore; do [ ! -f '%s'/$f ] || cp '%s'/$f .; done\n"
             "git add -A && git commit -q -m hooks\n"
             "git rev-parse HEAD\n",
             git_identity, srcdir, srcdir, srcdir);
    sh_result r = sh_in(NULL, NULL, script);
    assert_int_equal(r.status, 0);
    char *nl = strrchr(r.out, '\n');
    if (nl)
        *nl = '\0';
    const char *sha = strrchr(r.out, '\n') ? strrchr(r.out, '\n') + 1 : r.out;
    assert_int_equal(strlen(sha), 40);
    snprintf(hooks_rev, sizeof hooks_rev, "%s", sha);
    sh_done(&r);
}

/* A work repository `name` with the files (name, text pairs, NULL-ended),
 * all added to the index (pre-commit --all-files lints what git tracks). */
static void make_work_repo(const char *name, const char *const *files)
{
    char path[512];
    make_dir(name);
    for (size_t i = 0; files[i]; i += 2) {
        snprintf(path, sizeof path, "%s/%s", name, files[i]);
        put(path, files[i + 1]);
    }
    char script[1024];
    snprintf(script, sizeof script, "set -e\n%sgit add -A\n", git_identity);
    sh_result r = sh_in(name, NULL, script);
    assert_int_equal(r.status, 0);
    sh_done(&r);
}

/* Whether a line of text starts with prefix. */
static bool has_line(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *line = text; *line;) {
        if (strncmp(line, prefix, n) == 0)
            return true;
        const char *nl = strchr(line, '\n');
        if (!nl)
            break;
        line = nl + 1;
    }
    return false;
}

/* The lines of text that contain needle. */
static size_t count_lines(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[4096];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
        n += strstr(buf, needle) != NULL;
        if (!nl)
            break;
        line = nl + 1;
    }
    return n;
}

/* Shows pre-commit's output when an assertion below fails. */
static void show(const sh_result *r)
{
    print_message("pre-commit exited %d:\n%s\n", r->status, r->out);
}

/* Each file of `expected` has a line starting `path<suffix>`, none of
 * `absent` has a line starting `path:`, and as many lines as there are
 * expected files contain `needle` (so no other file was reported). */
static void assert_files(const sh_result *r, const char *const *expected, const char *suffix,
                         const char *const *absent, const char *needle)
{
    char prefix[512];
    size_t n = 0;
    for (; expected[n]; n++) {
        snprintf(prefix, sizeof prefix, "%s%s", expected[n], suffix);
        if (!has_line(r->out, prefix)) {
            show(r);
            fail_msg("no line starting with %s", prefix);
        }
    }
    for (size_t i = 0; absent && absent[i]; i++) {
        snprintf(prefix, sizeof prefix, "%s:", absent[i]);
        if (has_line(r->out, prefix)) {
            show(r);
            fail_msg("%s was passed to the hook", absent[i]);
        }
    }
    if (count_lines(r->out, needle) != n) {
        show(r);
        fail_msg("%zu lines with %s, expected %zu", count_lines(r->out, needle), needle, n);
    }
}

#define NEED_PRECOMMIT()                                                                        \
    do {                                                                                        \
        if (!have_precommit) {                                                                  \
            const char *req = getenv("ED_REQUIRE_TEST_TOOLS");                                  \
            if (req && strcmp(req, "1") == 0)                                                   \
                fail_msg("pre-commit is not installed (scripts/bootstrap --test-tools "         \
                         "installs it)");                                                       \
            print_message("SKIPPED: pre-commit is not installed\n");                            \
            skip();                                                                             \
        }                                                                                       \
    } while (0)

static int setup(void **state)
{
    char real[PATH_MAX];
    if (!mkdtemp(tmpdir) || !realpath(tmpdir, real) || strlen(real) >= sizeof root)
        return -1;
    memcpy(root, real, strlen(real) + 1);
    if (!find_srcdir()) {
        fprintf(stderr, "test_precommit: no .pre-commit-hooks.yaml here or above %s\n",
                ED_TEST_BIN);
        return -1;
    }
    have_precommit = system("command -v pre-commit >/dev/null 2>&1") == 0;
    make_dir("home");
    make_dir("cache");
    make_dir("bin");
    /* the env-doctor under test, under the test wrapper when there is one */
    const char *wrapper = getenv("ED_TEST_WRAPPER");
    char shim[4096];
    snprintf(shim, sizeof shim, "#!/bin/sh\nexec %s '%s' \"$@\"\n", wrapper ? wrapper : "",
             ED_TEST_BIN);
    write_file("bin/env-doctor", shim);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/bin/env-doctor", root);
    if (chmod(path, 0755) != 0)
        return -1;
    if (have_precommit)
        make_hook_repo();
    return 0;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_manifest_is_valid(void **state)
{
    NEED_PRECOMMIT();
    sh_result r = sh_in("hooks", NULL, "pre-commit validate-manifest .pre-commit-hooks.yaml\n");
    if (r.status != 0)
        show(&r);
    assert_int_equal(r.status, 0);
    sh_done(&r);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/hooks/.pre-commit-hooks.yaml", root);
    char *manifest = slurp(path);
    static const char *const ids[] = {"env-doctor-dockerfile", "env-doctor-compose",
                                      "env-doctor-apptainer"};
    for (size_t i = 0; i < 3; i++) {
        char line[128];
        snprintf(line, sizeof line, "- id: %s\n", ids[i]);
        assert_non_null(strstr(manifest, line));
        snprintf(line, sizeof line, "- id: %s-docker\n", ids[i]);
        assert_non_null(strstr(manifest, line));
    }
    free(manifest);
}

static const char *const dockerfiles_linted[] = {
    "Dockerfile", "services/api/Dockerfile.gpu", "deep/a/b/train.Dockerfile", "ci/Containerfile",
    "tools/base.containerfile", "x/Containerfile.cuda", NULL};
static const char *const dockerfiles_not_linted[] = {
    "Dockerfile.md", "docs/Dockerfile.gpu.md", "Dockerfile.dockerignore",
    "deep/a/b/train.Dockerfile.dockerignore", "MyDockerfile", "Dockerfile-old",
    "templates/Dockerfile.j2", "README.md", "svc/compose.yaml", NULL};

static void test_dockerfile_hook_gets_dockerfiles_at_any_depth(void **state)
{
    NEED_PRECOMMIT();
    const char *files[64];
    size_t n = 0;
    for (size_t i = 0; dockerfiles_linted[i]; i++) {
        files[n++] = dockerfiles_linted[i];
        files[n++] = bad_dockerfile;
    }
    for (size_t i = 0; dockerfiles_not_linted[i]; i++) {
        files[n++] = dockerfiles_not_linted[i];
        files[n++] = bad_dockerfile; /* a finding if it were linted */
    }
    files[n] = NULL;
    make_work_repo("df", files);
    sh_result r = sh_in("df", NULL,
                        "pre-commit try-repo ../hooks env-doctor-dockerfile --all-files "
                        "--verbose --color never\n");
    if (r.status != 1)
        show(&r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "- exit code: 1\n")); /* env-doctor's, not a usage error */
    assert_files(&r, dockerfiles_linted, ":1:18: error: FROM uses $CUDA_VERSION",
                 dockerfiles_not_linted, "[ED002 undefined-arg-in-from]");
    sh_done(&r);
}

static void test_dockerfile_hook_passes_on_clean_files(void **state)
{
    NEED_PRECOMMIT();
    static const char *const files[] = {"Dockerfile", clean_dockerfile,
                                        "services/api/Dockerfile.gpu", clean_dockerfile,
                                        "deep/a/b/train.Dockerfile", clean_dockerfile,
                                        "README.md", "# not a Dockerfile\n", NULL};
    make_work_repo("clean", files);
    sh_result r = sh_in("clean", NULL,
                        "pre-commit try-repo ../hooks env-doctor-dockerfile --all-files "
                        "--verbose --color never\n");
    if (r.status != 0)
        show(&r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Passed"));
    /* three files, in one run of env-doctor (pre-commit gives each at least 4) */
    assert_non_null(strstr(r.out, "No problems found in 3 files."));
    sh_done(&r);
}

static const char *const compose_linted[] = {"compose.yaml", "svc/compose.yml",
                                             "docker-compose.override.yml",
                                             "deploy/compose.gpu.yaml", NULL};
static const char *const compose_not_linted[] = {"config.yaml", "svc/values.yml",
                                                 "mycompose.yaml", "compose.json", NULL};

static void test_compose_hook_gets_compose_files_at_any_depth(void **state)
{
    NEED_PRECOMMIT();
    const char *files[32];
    size_t n = 0;
    for (size_t i = 0; compose_linted[i]; i++) {
        files[n++] = compose_linted[i];
        files[n++] = bad_compose;
    }
    for (size_t i = 0; compose_not_linted[i]; i++) {
        files[n++] = compose_not_linted[i];
        files[n++] = bad_compose;
    }
    files[n++] = "Dockerfile";
    files[n++] = bad_dockerfile; /* for the Dockerfile hook, not this one */
    files[n] = NULL;
    make_work_repo("cf", files);
    sh_result r = sh_in("cf", NULL,
                        "pre-commit try-repo ../hooks env-doctor-compose --all-files "
                        "--verbose --color never\n");
    if (r.status != 1)
        show(&r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "- exit code: 1\n"));
    static const char *const not_linted_either[] = {"config.yaml", "svc/values.yml",
                                                    "mycompose.yaml", "compose.json",
                                                    "Dockerfile", NULL};
    assert_files(&r, compose_linted, ":10:15: error: service app: the device request sets both",
                 not_linted_either, "[ED403 gpu-count-and-device-ids]");
    sh_done(&r);

    /* the same files, made clean: the hook passes */
    for (size_t i = 0; compose_linted[i]; i++) {
        char path[256];
        snprintf(path, sizeof path, "cf/%s", compose_linted[i]);
        put(path, clean_compose);
    }
    r = sh_in("cf", NULL,
              "git add -A && pre-commit try-repo ../hooks env-doctor-compose --all-files "
              "--verbose --color never\n");
    if (r.status != 0)
        show(&r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Passed"));
    sh_done(&r);
}

static void test_apptainer_hook_gets_definitions(void **state)
{
    NEED_PRECOMMIT();
    static const char *const linted[] = {"app.def", "hpc/Singularity", "hpc/Singularity.gpu",
                                         "x/Apptainer", NULL};
    static const char *const not_linted[] = {"Singularity.md", "docs/app.def.txt", "Dockerfile",
                                             NULL};
    const char *files[32];
    size_t n = 0;
    for (size_t i = 0; linted[i]; i++) {
        files[n++] = linted[i];
        files[n++] = bad_definition;
    }
    for (size_t i = 0; not_linted[i]; i++) {
        files[n++] = not_linted[i];
        files[n++] = bad_definition;
    }
    files[n] = NULL;
    make_work_repo("ap", files);
    sh_result r = sh_in("ap", NULL,
                        "pre-commit try-repo ../hooks env-doctor-apptainer --all-files "
                        "--verbose --color never\n");
    if (r.status != 1)
        show(&r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "- exit code: 1\n"));
    assert_files(&r, linted, ":5:24: error: apt-get installs nvidia-driver-535", not_linted,
                 "[ED301 nvidia-driver-in-image]");
    sh_done(&r);
}

/* A stand-in for docker: logs each call, "builds" only where there is a
 * Dockerfile, and runs the entrypoint here in the current folder, which is
 * what `-v $PWD:/src --workdir /src` gives inside the container. */
static const char fake_docker[] =
    "#!/bin/sh\n"
    "printf '%s\\n' \"$*\" >> \"$FAKE_DOCKER_LOG\"\n"
    "case $1 in\n"
    "build) [ -f Dockerfile ] || { echo \"fake docker: no Dockerfile in $PWD\" >&2; exit 1; }\n"
    "       exit 0 ;;\n"
    "run) shift\n"
    "     while [ $# -gt 0 ]; do\n"
    "         case $1 in\n"
    "         --entrypoint) entry=$2; shift 3; break ;;\n" /* --entrypoint EXE IMAGE */
    "         -v|-u|--workdir|-e) shift 2 ;;\n"
    "         *) shift ;;\n"
    "         esac\n"
    "     done\n"
    "     exec \"$entry\" \"$@\" ;;\n"
    "*) exit 1 ;;\n"
    "esac\n";

static void test_docker_hooks_through_pre_commits_docker_language(void **state)
{
    NEED_PRECOMMIT();
    make_dir("fakedocker");
    write_file("fakedocker/docker", fake_docker);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/fakedocker/docker", root);
    assert_int_equal(chmod(path, 0755), 0);
    static const char *const files[] = {"Dockerfile", bad_dockerfile,
                                        "services/api/Dockerfile.gpu", bad_dockerfile,
                                        "Dockerfile.md", bad_dockerfile,
                                        "svc/compose.yaml", bad_compose,
                                        NULL};
    make_work_repo("dk", files);

    char fakedir[PATH_MAX + 16], script[PATH_MAX * 2];
    snprintf(fakedir, sizeof fakedir, "'%s/fakedocker'", root);
    snprintf(script, sizeof script,
             "FAKE_DOCKER_LOG='%s/docker.log' pre-commit try-repo ../hooks "
             "env-doctor-dockerfile-docker --all-files --verbose --color never\n",
             root);
    sh_result r = sh_in("dk", fakedir, script);
    if (r.status != 1)
        show(&r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "- exit code: 1\n"));
    static const char *const linted[] = {"Dockerfile", "services/api/Dockerfile.gpu", NULL};
    static const char *const not_linted[] = {"Dockerfile.md", "svc/compose.yaml", NULL};
    assert_files(&r, linted, ":1:18: error:", not_linted, "[ED002 undefined-arg-in-from]");
    sh_done(&r);

    snprintf(script, sizeof script,
             "FAKE_DOCKER_LOG='%s/docker.log' pre-commit try-repo ../hooks "
             "env-doctor-compose-docker --all-files --verbose --color never\n",
             root);
    r = sh_in("dk", fakedir, script);
    if (r.status != 1)
        show(&r);
    assert_int_equal(r.status, 1);
    static const char *const compose_file[] = {"svc/compose.yaml", NULL};
    assert_files(&r, compose_file, ":10:15: error:", NULL, "[ED403 ");
    sh_done(&r);

    /* the image is built from the hook repository's Dockerfile, and the hook
     * runs `env-doctor SUBCOMMAND --force-exclude FILES...` in it with the
     * work tree as /src */
    snprintf(path, sizeof path, "%s/docker.log", root);
    char *log = slurp(path);
    char want[PATH_MAX + 64];
    assert_non_null(strstr(log, "build --tag pre-commit-"));
    snprintf(want, sizeof want, "-v %s/dk:/src:rw,Z --workdir /src", root);
    if (!strstr(log, want) || !strstr(log, " --entrypoint env-doctor pre-commit-") ||
        !strstr(log, " dockerfile --force-exclude ") ||
        !strstr(log, " compose --force-exclude svc/compose.yaml"))
        fail_msg("unexpected docker calls:\n%s", log);
    free(log);
}

/* The overrides docs/pre-commit.md shows: exclude: and args:. */
static void test_config_overrides_args_and_exclude(void **state)
{
    NEED_PRECOMMIT();
    static const char *const files[] = {"Dockerfile", warning_dockerfile,
                                        "legacy/Dockerfile", bad_dockerfile, NULL};
    make_work_repo("cfg", files);
    char config[2048];

    /* the error in legacy/ fails the hook */
    snprintf(config, sizeof config,
             "repos:\n- repo: %s/hooks\n  rev: %s\n  hooks:\n  - id: env-doctor-dockerfile\n", root,
             hooks_rev);
    put("cfg/plain.yaml", config);
    sh_result r = sh_in("cfg", NULL,
                        "pre-commit run -c plain.yaml --all-files --verbose --color never\n");
    if (r.status != 1)
        show(&r);
    assert_int_equal(r.status, 1);
    assert_true(has_line(r.out, "legacy/Dockerfile:1:18: error:"));
    sh_done(&r);

    /* exclude: drops it; the warning left does not fail by default */
    snprintf(config, sizeof config,
             "repos:\n- repo: %s/hooks\n  rev: %s\n  hooks:\n  - id: env-doctor-dockerfile\n"
             "    exclude: ^legacy/\n",
             root, hooks_rev);
    put("cfg/exclude.yaml", config);
    r = sh_in("cfg", NULL, "pre-commit run -c exclude.yaml --all-files --verbose --color never\n");
    if (r.status != 0)
        show(&r);
    assert_int_equal(r.status, 0);
    assert_true(has_line(r.out, "Dockerfile:2:5: warning:")); /* shown: verbose */
    assert_false(has_line(r.out, "legacy/"));
    sh_done(&r);

    /* args: [--failure-threshold, warning] makes the warning fail */
    snprintf(config, sizeof config,
             "repos:\n- repo: %s/hooks\n  rev: %s\n  hooks:\n  - id: env-doctor-dockerfile\n"
             "    exclude: ^legacy/\n    args: [--failure-threshold, warning]\n",
             root, hooks_rev);
    put("cfg/args.yaml", config);
    r = sh_in("cfg", NULL, "pre-commit run -c args.yaml --all-files --verbose --color never\n");
    if (r.status != 1)
        show(&r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "- exit code: 1\n"));
    assert_true(has_line(r.out, "Dockerfile:2:5: warning: nvidia-smi runs during docker build"));
    assert_false(has_line(r.out, "legacy/"));
    sh_done(&r);
}

/* --force-exclude: the exclude: globs of .env-doctor.yaml apply to the files
 * pre-commit names; without the flag a named file is always linted. */
static void test_force_exclude_applies_the_config(void **state)
{
    NEED_PRECOMMIT();
    static const char *const files[] = {
        ".env-doctor.yaml", "exclude: [vendor, \"legacy/*.Dockerfile\"]\n",
        "Dockerfile", bad_dockerfile,
        "vendor/x/Dockerfile", bad_dockerfile,
        "legacy/old.Dockerfile", bad_dockerfile,
        "legacy/Dockerfile", bad_dockerfile,
        NULL};
    make_work_repo("fx", files);
    sh_result r = sh_in("fx", NULL,
                        "pre-commit try-repo ../hooks env-doctor-dockerfile --all-files "
                        "--verbose --color never\n");
    if (r.status != 1)
        show(&r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "- exit code: 1\n"));
    static const char *const linted[] = {"Dockerfile", "legacy/Dockerfile", NULL};
    static const char *const excluded[] = {"vendor/x/Dockerfile", "legacy/old.Dockerfile", NULL};
    assert_files(&r, linted, ":1:18: error:", excluded, "[ED002 undefined-arg-in-from]");
    sh_done(&r);

    /* named without --force-exclude: linted */
    run_result d = run_in("fx", NULL, "dockerfile vendor/x/Dockerfile", NULL);
    assert_int_equal(d.status, 1);
    assert_true(has_line(d.out, "vendor/x/Dockerfile:1:18: error:"));
    done(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manifest_is_valid),
        cmocka_unit_test(test_dockerfile_hook_gets_dockerfiles_at_any_depth),
        cmocka_unit_test(test_dockerfile_hook_passes_on_clean_files),
        cmocka_unit_test(test_compose_hook_gets_compose_files_at_any_depth),
        cmocka_unit_test(test_apptainer_hook_gets_definitions),
        cmocka_unit_test(test_docker_hooks_through_pre_commits_docker_language),
        cmocka_unit_test(test_config_overrides_args_and_exclude),
        cmocka_unit_test(test_force_exclude_applies_the_config),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
