/* Finding files under a folder (ed_scan, .gitignore) and `env-doctor scan`:
 * the same report whatever the number of threads. */
#define _XOPEN_SOURCE 700 /* symlink */
#include "cli_harness.h"

#include <unistd.h>

#include "envdoctor/config.h"
#include "envdoctor/glob.h"
#include "envdoctor/scan.h"
#include "../src/scan/gitignore.h"

static const char gpu_torch[] = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                                "RUN pip install torch==2.5.1\n"; /* ED201 at 2:17 */
static const char legacy[] = "services:\n"
                             "  a:\n"
                             "    image: x\n"
                             "    runtime: nvidia\n"; /* ED401 at 4:14 */

static void link_in(const char *target, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    assert_int_equal(symlink(target, path), 0);
}

/* The paths ed_scan finds under tmpdir/root, one per line, relative. */
static char *found_paths(const char *root, const char *config_text)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, root);
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    ed_arena *a = ed_arena_new();
    ed_config config = {0};
    ed_scan_options o = {0};
    if (config_text) {
        ed_source src;
        ed_source_init(&src, a, ".env-doctor.yaml", config_text, strlen(config_text));
        char err[256];
        assert_true(ed_config_parse(a, &src, &config, err, sizeof err));
        o.config = &config;
    }
    ed_scan_result r = {0};
    assert_true(ed_scan(a, ".", &o, &r));
    size_t cap = 1;
    for (size_t i = 0; i < r.nfiles; i++)
        cap += strlen(r.files[i].path) + 4;
    char *out = calloc(1, cap);
    for (size_t i = 0; i < r.nfiles; i++) {
        strcat(out, r.files[i].path);
        strcat(out, r.files[i].kind == ED_KIND_COMPOSE     ? " C\n"
                    : r.files[i].kind == ED_KIND_APPTAINER ? " A\n"
                                                           : " D\n");
    }
    ed_arena_free(a);
    assert_int_equal(chdir(cwd), 0);
    return out;
}

static void test_finds_files_by_kind_and_skips_folders(void **state)
{
    (void)state;
    make_dir("t1/svc/api");
    make_dir("t1/node_modules/pkg");
    make_dir("t1/.git");
    make_dir("t1/.venv/lib");
    make_dir("t1/.devcontainer");
    make_dir("t1/hpc");
    write_file("t1/Dockerfile", gpu_torch);
    write_file("t1/svc/api/Dockerfile.gpu", gpu_torch);
    write_file("t1/svc/compose.yaml", legacy);
    write_file("t1/svc/api/Dockerfile.dockerignore", "*\n");
    write_file("t1/node_modules/pkg/Dockerfile", gpu_torch);
    write_file("t1/.venv/lib/Dockerfile", gpu_torch);
    write_file("t1/.git/Dockerfile", gpu_torch);
    write_file("t1/.devcontainer/Dockerfile", gpu_torch);
    write_file("t1/hpc/af.def", "Bootstrap: docker\nFrom: ubuntu:22.04\n");
    write_file("t1/hpc/module.def", "LIBRARY x\nEXPORTS\n");
    write_file("t1/README.md", "# x\n");
    char *got = found_paths("t1", NULL);
    assert_string_equal(got, ".devcontainer/Dockerfile D\n"
                             "Dockerfile D\n"
                             "hpc/af.def A\n"
                             "svc/api/Dockerfile.gpu D\n"
                             "svc/compose.yaml C\n");
    free(got);
}

static void test_gitignore_and_excludes(void **state)
{
    (void)state;
    make_dir("t2/.git/info");
    make_dir("t2/build/x");
    make_dir("t2/keep/sub");
    make_dir("t2/docs");
    make_dir("t2/legacy");
    write_file("t2/.gitignore", "# generated\nbuild/\n*.tmp.Dockerfile\n!keep.tmp.Dockerfile\n"
                                "/docs/Dockerfile\n");
    write_file("t2/.git/info/exclude", "private.Dockerfile\n");
    write_file("t2/keep/.gitignore", "sub/\n!Dockerfile\n");
    write_file("t2/build/x/Dockerfile", gpu_torch);
    write_file("t2/a.tmp.Dockerfile", gpu_torch);
    write_file("t2/keep.tmp.Dockerfile", gpu_torch);
    write_file("t2/keep/Dockerfile", gpu_torch);
    write_file("t2/keep/sub/Dockerfile", gpu_torch);
    write_file("t2/docs/Dockerfile", gpu_torch);
    write_file("t2/legacy/Dockerfile", gpu_torch);
    write_file("t2/legacy/Dockerfile.old", gpu_torch);
    write_file("t2/private.Dockerfile", gpu_torch);
    char *got = found_paths("t2", NULL);
    assert_string_equal(got, "keep.tmp.Dockerfile D\n"
                             "keep/Dockerfile D\n"
                             "legacy/Dockerfile D\n"
                             "legacy/Dockerfile.old D\n");
    free(got);
    got = found_paths("t2", "exclude: [legacy/*.old, keep/**]\n");
    assert_string_equal(got, "keep.tmp.Dockerfile D\n"
                             "legacy/Dockerfile D\n");
    free(got);
    /* a .gitignore of the repository above the scanned folder applies too */
    got = found_paths("t2/keep", NULL);
    assert_string_equal(got, "Dockerfile D\n");
    free(got);
}

static void test_links_stay_in_the_tree_and_cannot_loop(void **state)
{
    (void)state;
    make_dir("t3/a/b");
    make_dir("outside");
    write_file("t3/a/b/Dockerfile", gpu_torch);
    write_file("outside/Dockerfile", gpu_torch);
    link_in("..", "t3/a/b/up");          /* a loop */
    link_in("../..", "t3/a/b/root");     /* another way into the tree */
    link_in("../../outside", "t3/a/out"); /* leaves the tree */
    link_in("b/Dockerfile", "t3/a/same.Dockerfile");
    link_in("missing", "t3/a/dangling.Dockerfile");
    char *got = found_paths("t3", NULL);
    assert_string_equal(got, "a/b/Dockerfile D\n");
    free(got);
}

static void test_gitignore_rules(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    const char *text = "*.log\n"
                       "\\#literal\n"
                       "trailing   \n"
                       "/root-only\n"
                       "dir/\n"
                       "a/**/z\n"
                       "!important.log\n";
    gi_level level = gi_parse(a, text, strlen(text), 0);
    assert_int_equal(level.nrules, 7);
    char *p1[] = {"x", "y.log"};
    assert_true(gi_ignored(&level, 1, p1, 2, false));
    char *p2[] = {"x", "important.log"};
    assert_false(gi_ignored(&level, 1, p2, 2, false));
    char *p3[] = {"#literal"};
    assert_true(gi_ignored(&level, 1, p3, 1, false));
    char *p4[] = {"trailing"};
    assert_true(gi_ignored(&level, 1, p4, 1, false));
    char *p5[] = {"root-only"}, *p6[] = {"sub", "root-only"};
    assert_true(gi_ignored(&level, 1, p5, 1, false));
    assert_false(gi_ignored(&level, 1, p6, 2, false));
    char *p7[] = {"q", "dir"};
    assert_true(gi_ignored(&level, 1, p7, 2, true));
    assert_false(gi_ignored(&level, 1, p7, 2, false));
    char *p8[] = {"a", "z"}, *p9[] = {"a", "b", "c", "z"}, *p10[] = {"b", "a", "z"};
    assert_true(gi_ignored(&level, 1, p8, 2, false));
    assert_true(gi_ignored(&level, 1, p9, 4, false));
    assert_false(gi_ignored(&level, 1, p10, 3, false));
    /* a deeper file wins over a shallower one */
    gi_level levels[2] = {level, gi_parse(a, "!keep.log\n", 10, 1)};
    char *p11[] = {"sub", "keep.log"}, *p12[] = {"keep.log"};
    assert_false(gi_ignored(levels, 2, p11, 2, false));
    assert_true(gi_ignored(levels, 2, p12, 1, false));
    ed_arena_free(a);
}

/* "**" takes any number of segments, and many of them do not make a
 * match take exponential time (.gitignore files and exclude globs come
 * with the tree). */
static void test_glob_segments(void **state)
{
    (void)state;
    char *p1[] = {"**", "a", "**", "b"}, *s1[] = {"x", "a", "y", "a", "b"}, *s2[] = {"a", "b", "a"};
    assert_true(ed_glob_match_segments(p1, 4, s1, 5));
    assert_false(ed_glob_match_segments(p1, 4, s2, 3));
    char *p2[] = {"a", "**"}, *p3[] = {"**"}, *s3[] = {"a"};
    assert_true(ed_glob_match_segments(p2, 2, s3, 1)); /* a trailing "**" takes nothing */
    assert_true(ed_glob_match_segments(p3, 1, s3, 0));
    assert_false(ed_glob_match_segments(p2, 2, s3, 0));
    char *p4[] = {"*.md"}, *s4[] = {"x", "y.md"};
    assert_false(ed_glob_match_segments(p4, 1, s4, 2)); /* '*' stays in its segment */
    /* 20 times "**", "x", then "y", against 60 "x": at once */
    char *p5[41], *s5[60];
    for (size_t i = 0; i < 20; i++) {
        p5[2 * i] = "**";
        p5[2 * i + 1] = "x";
    }
    p5[40] = "y";
    for (size_t i = 0; i < 60; i++)
        s5[i] = "x";
    assert_false(ed_glob_match_segments(p5, 41, s5, 60));
    s5[59] = "y";
    assert_true(ed_glob_match_segments(p5, 41, s5, 60));
}

/* 200 files in nested projects, an ignored folder and a link loop: the
 * same report, byte for byte, on one thread and on eight. */
static void test_scan_report_is_the_same_on_any_number_of_threads(void **state)
{
    (void)state;
    make_dir("big/.git");
    char name[256];
    for (int p = 0; p < 20; p++) {
        snprintf(name, sizeof name, "big/proj%02d/services/api", p);
        make_dir(name);
        snprintf(name, sizeof name, "big/proj%02d/compose.yaml", p);
        write_file(name, "services:\n"
                         "  api:\n"
                         "    build: {context: services/api, args: {CUDA: 12.4.1}}\n"
                         "    runtime: nvidia\n");
        /* without the service's CUDA, FROM would be ED002 */
        snprintf(name, sizeof name, "big/proj%02d/services/api/Dockerfile", p);
        write_file(name, "ARG CUDA\n"
                         "FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n"
                         "RUN pip install torch==2.5.1\n");
        for (int k = 0; k < 8; k++) {
            snprintf(name, sizeof name, "big/proj%02d/images/%d", p, k);
            make_dir(name);
            snprintf(name, sizeof name, "big/proj%02d/images/%d/train.Dockerfile", p, k);
            write_file(name, k % 2 ? gpu_torch : "FROM python:3.12-slim\n");
        }
    }
    make_dir("big/ignored");
    write_file("big/.gitignore", "ignored/\n");
    write_file("big/ignored/Dockerfile", gpu_torch);
    link_in("..", "big/proj00/loop");
    run_result one = run_in("big", NULL, "scan --jobs 1 --format json", NULL);
    run_result eight = run_in("big", NULL, "scan --jobs 8 --format json", NULL);
    assert_int_equal(one.status, 1);
    assert_int_equal(eight.status, 1);
    assert_string_equal(one.out, eight.out);
    /* every file: 20 compose files, 20 Dockerfiles they build, 160 others */
    size_t files = 0;
    for (const char *p = one.out; (p = strstr(p, "\"path\": ")); p++)
        files++;
    assert_int_equal(files, 200);
    assert_null(strstr(one.out, "ignored/"));
    assert_null(strstr(one.out, "loop/"));
    done(&one);
    done(&eight);
    /* the text report: sorted by path, the Dockerfile built with the service's args */
    run_result text = run_in("big", NULL, "scan --jobs 3 --format gnu proj00", NULL);
    assert_true(strncmp(text.out, "proj00/compose.yaml:4.14-4.20: warning:", 39) == 0);
    assert_non_null(strstr(text.out, "proj00/images/1/train.Dockerfile:2.17-2.22: error:"));
    const char *built = strstr(text.out, "proj00/services/api/Dockerfile:3.17-3.22: error:");
    assert_non_null(built);
    assert_null(strstr(built + 1, "proj00/services/api/Dockerfile:3.17"));
    assert_null(strstr(text.out, "[ED002]"));
    done(&text);
}

static void test_scan_usage(void **state)
{
    (void)state;
    run_result r = run("scan --jobs 0", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--jobs takes a number of threads from 1 to 1024"));
    done(&r);
    r = run("scan missing-folder", NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "env-doctor: missing-folder: No such file or directory"));
    done(&r);
    r = run("scan -", NULL);
    assert_int_equal(r.status, 2);
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finds_files_by_kind_and_skips_folders),
        cmocka_unit_test(test_gitignore_and_excludes),
        cmocka_unit_test(test_links_stay_in_the_tree_and_cannot_loop),
        cmocka_unit_test(test_gitignore_rules),
        cmocka_unit_test(test_glob_segments),
        cmocka_unit_test(test_scan_report_is_the_same_on_any_number_of_threads),
        cmocka_unit_test(test_scan_usage),
    };
    return cmocka_run_group_tests_name("scan", tests, harness_setup, harness_teardown);
}
