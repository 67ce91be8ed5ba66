/* The configuration file (.env-doctor.yaml): parsing every key, errors with
 * their positions, finding the file, exclude globs, and what the settings
 * do to a lint (ignored rules, severities, image hints). */
#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envdoctor/config.h"
#include "envdoctor/engine.h"
#include "envdoctor/imageref.h"
#include "envdoctor/kb.h"
#include "../src/engine/engine_internal.h"

static ed_arena *arena;
static ed_config config;
static char err[512];

static int teardown(void **state)
{
    (void)state;
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

static const ed_source *source(const char *path, const char *text)
{
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, path, ed_arena_strdup(arena, text), strlen(text));
    return src;
}

static bool parse(const char *text)
{
    fresh();
    err[0] = '\0';
    return ed_config_parse(arena, source("cfg/.env-doctor.yaml", text), &config, err, sizeof err);
}

/* The text must be rejected with exactly this message. */
static void expect_error(const char *text, const char *message)
{
    bool ok = parse(text);
    if (ok || strcmp(err, message) != 0)
        print_message("input:\n%s\ngot:      %s\nexpected: %s\n", text, ok ? "(accepted)" : err,
                      message);
    assert_false(ok);
    assert_string_equal(err, message);
}

/* ---- parsing ---- */

static const char full_config[] =
    "# .env-doctor.yaml\n"
    "ignore: [ED104, torch-extra-index-url]\n"
    "severity:\n"
    "  ED210: error\n"
    "  floating-gpu-base-tag: off\n"
    "  ed201: Warning\n"
    "failure-threshold: warning\n"
    "gpu: always\n"
    "build-args:\n"
    "  CUDA_VERSION: \"12.4.1\"\n"
    "  PY: 3.11\n"
    "  DEBUG: true\n"
    "  EMPTY: ''\n"
    "images:\n"
    "  cpu-only:\n"
    "    - registry.corp/ml/python-base\n"
    "    - \"mycorp/*:slim-*\"\n"
    "  gpu:\n"
    "    - registry.corp/ml/cuda-base\n"
    "    - image: \"registry.corp/ml/cuda:12.4-*\"\n"
    "      cuda: \"12.4.1\"\n"
    "      nvcc: true\n"
    "      cudnn: true\n"
    "    - {image: corp/old, cuda: 11.8, cudnn: false}\n"
    "exclude:\n"
    "  - third_party/**\n"
    "  - \"legacy/*.Dockerfile\"\n";

static void test_every_key(void **state)
{
    (void)state;
    assert_true(parse(full_config));
    assert_string_equal(err, "");
    assert_string_equal(config.path, "cfg/.env-doctor.yaml");
    assert_string_equal(config.dir, "cfg");

    assert_int_equal(config.nignored, 2);
    assert_ptr_equal(config.ignored[0], ed_rule_find("ED104"));
    assert_ptr_equal(config.ignored[1], ed_rule_find("ED204"));

    assert_int_equal(config.nseverities, 3);
    assert_ptr_equal(config.severities[0].rule, ed_rule_find("ED210"));
    assert_int_equal(config.severities[0].severity, ED_SEV_ERROR);
    assert_ptr_equal(config.severities[1].rule, ed_rule_find("ED104"));
    assert_int_equal(config.severities[1].severity, ED_SEV_OFF);
    assert_ptr_equal(config.severities[2].rule, ed_rule_find("ED201"));
    assert_int_equal(config.severities[2].severity, ED_SEV_WARNING);

    assert_int_equal(config.failure_threshold, ED_SEV_WARNING);
    assert_int_equal(config.gpu, 1);

    assert_int_equal(config.nbuild_args, 4);
    assert_string_equal(config.build_args[0], "CUDA_VERSION=12.4.1");
    assert_string_equal(config.build_args[1], "PY=3.11");
    assert_string_equal(config.build_args[2], "DEBUG=true");
    assert_string_equal(config.build_args[3], "EMPTY=");

    assert_int_equal(config.nimage_hints, 5);
    const kb_image_hint *h = config.image_hints;
    assert_string_equal(h[0].pattern, "registry.corp/ml/python-base");
    assert_false(h[0].gpu);
    assert_int_equal(config.image_hint_pos[0].line, 16);
    assert_int_equal(config.image_hint_pos[0].column, 7);
    assert_string_equal(h[1].pattern, "mycorp/*:slim-*");
    assert_false(h[1].gpu);
    assert_string_equal(h[2].pattern, "registry.corp/ml/cuda-base");
    assert_true(h[2].gpu);
    assert_int_equal(h[2].cuda.major, -1);
    assert_int_equal(h[2].nvcc, KB_NO);
    assert_int_equal(h[2].cudnn, KB_UNKNOWN);
    assert_string_equal(h[3].pattern, "registry.corp/ml/cuda:12.4-*");
    assert_true(h[3].gpu);
    assert_int_equal(h[3].cuda.major, 12);
    assert_int_equal(h[3].cuda.minor, 4);
    assert_int_equal(h[3].cuda.patch, 1);
    assert_int_equal(h[3].nvcc, KB_YES);
    assert_int_equal(h[3].cudnn, KB_YES);
    assert_int_equal(config.image_hint_pos[3].line, 20);
    assert_int_equal(config.image_hint_pos[3].column, 14);
    assert_string_equal(h[4].pattern, "corp/old");
    assert_int_equal(h[4].cuda.major, 11);
    assert_int_equal(h[4].cuda.minor, 8);
    assert_int_equal(h[4].cuda.patch, -1);
    assert_int_equal(h[4].nvcc, KB_NO);
    assert_int_equal(h[4].cudnn, KB_NO);

    assert_int_equal(config.nexcludes, 2);
    assert_string_equal(config.excludes[0].pattern, "third_party/**");
    assert_int_equal(config.excludes[0].pos.line, 26);
    assert_int_equal(config.excludes[0].pos.column, 5);
    assert_string_equal(config.excludes[1].pattern, "legacy/*.Dockerfile");

    ed_options options = {0};
    ed_config_apply(&config, &options);
    assert_ptr_equal(options.ignored_rules, config.ignored);
    assert_int_equal(options.nignored_rules, 2);
    assert_ptr_equal(options.severities, config.severities);
    assert_int_equal(options.nseverities, 3);
    assert_ptr_equal(options.image_hints, config.image_hints);
    assert_int_equal(options.nimage_hints, 5);
}

static void test_empty_and_unset(void **state)
{
    (void)state;
    const char *empties[] = {"", "# nothing here\n", "---\n",
                             "ignore:\nseverity:\nimages:\n  gpu:\n", "{}\n"};
    for (size_t i = 0; i < sizeof empties / sizeof *empties; i++) {
        assert_true(parse(empties[i]));
        assert_int_equal(config.nignored + config.nseverities + config.nbuild_args +
                             config.nimage_hints + config.nexcludes,
                         0);
        assert_int_equal(config.failure_threshold, 0);
        assert_int_equal(config.gpu, -1);
    }
    assert_true(parse("failure-threshold: never\ngpu: NEVER\n"));
    assert_int_equal(config.failure_threshold, ED_SEV_ERROR + 1);
    assert_int_equal(config.gpu, 2);
    assert_true(parse("failure-threshold: info\ngpu: auto\n"));
    assert_int_equal(config.failure_threshold, ED_SEV_INFO);
    assert_int_equal(config.gpu, 0);

    fresh();
    assert_true(ed_config_parse(arena, source("<stdin>", "ignore: [ED001]\n"), &config, err,
                                sizeof err));
    assert_string_equal(config.dir, ".");
    fresh();
    assert_true(ed_config_parse(arena, source(".env-doctor.yaml", ""), &config, err, sizeof err));
    assert_string_equal(config.dir, ".");
    fresh();
    assert_true(ed_config_parse(arena, source("/.env-doctor.yml", ""), &config, err, sizeof err));
    assert_string_equal(config.dir, "/");
}

static void test_key_errors(void **state)
{
    (void)state;
    expect_error("ignor: [ED104]\n",
                 "cfg/.env-doctor.yaml:1:1: unknown key 'ignor' (did you mean 'ignore'?)");
    expect_error("gpu: auto\nfailure_threshold: error\n",
                 "cfg/.env-doctor.yaml:2:1: unknown key 'failure_threshold' (did you mean "
                 "'failure-threshold'?)");
    expect_error("rules: {}\n",
                 "cfg/.env-doctor.yaml:1:1: unknown key 'rules' (expected ignore, severity, "
                 "failure-threshold, gpu, build-args, images, exclude, build-arg-matrix or "
                 "limits)");
    expect_error("images:\n  cpu_only: [python]\n",
                 "cfg/.env-doctor.yaml:2:3: unknown key 'cpu_only' in images (did you mean "
                 "'cpu-only'?)");
    expect_error("images:\n  gpu:\n    - image: corp/cuda\n      cdnn: true\n",
                 "cfg/.env-doctor.yaml:4:7: unknown key 'cdnn' in an images.gpu entry (did you "
                 "mean 'cudnn'?)");
    expect_error("images:\n  gpu:\n    - image: corp/cuda\n      driver: '550'\n",
                 "cfg/.env-doctor.yaml:4:7: unknown key 'driver' in an images.gpu entry "
                 "(expected image, cuda, nvcc or cudnn)");
    expect_error("Ignore: [ED104]\n",
                 "cfg/.env-doctor.yaml:1:1: unknown key 'Ignore' (did you mean 'ignore'?)");
    expect_error("ignore: [ED104]\nignore: [ED105]\n",
                 "cfg/.env-doctor.yaml:2:1: duplicate key \"ignore\" (first at line 1, column 1)");
    expect_error("severity:\n  ED210: error\n  ED210: info\n",
                 "cfg/.env-doctor.yaml:3:3: duplicate key \"ED210\" (first at line 2, column 3)");
    expect_error("severity:\n  ED210: error\n  unpinned-gpu-framework: info\n",
                 "cfg/.env-doctor.yaml:3:3: severity of ED210 (unpinned-gpu-framework) given "
                 "twice (first at line 2, column 3)");
    expect_error("images:\n  gpu:\n    - cuda: '12.4'\n",
                 "cfg/.env-doctor.yaml:3:7: an images.gpu entry needs an image: key");
}

static void test_value_errors(void **state)
{
    (void)state;
    expect_error("severity:\n  ED210: fatal\n",
                 "cfg/.env-doctor.yaml:2:10: bad severity 'fatal' for ED210: expected error, "
                 "warning, info or off");
    expect_error("failure-threshold: warn\n",
                 "cfg/.env-doctor.yaml:1:20: bad failure-threshold 'warn': expected error, "
                 "warning, info or never");
    expect_error("gpu: yes please\n",
                 "cfg/.env-doctor.yaml:1:6: bad gpu mode 'yes please': expected auto, always or "
                 "never");
    expect_error("ignore: [ED104, ED2100]\n",
                 "cfg/.env-doctor.yaml:1:17: unknown rule 'ED2100' (did you mean 'ED210'?)");
    expect_error("ignore: [ED104, ED999]\n",
                 "cfg/.env-doctor.yaml:1:17: unknown rule 'ED999' (`env-doctor rules` lists "
                 "them)");
    expect_error("ignore:\n  - torch-extra-index\n",
                 "cfg/.env-doctor.yaml:2:5: unknown rule 'torch-extra-index' (did you mean "
                 "'torch-extra-index-url'?)");
    expect_error("severity:\n  no-such-thing-at-all: off\n",
                 "cfg/.env-doctor.yaml:2:3: unknown rule 'no-such-thing-at-all' (`env-doctor "
                 "rules` lists them)");
    expect_error("images:\n  gpu:\n    - image: corp/cuda\n      cuda: 12.x\n",
                 "cfg/.env-doctor.yaml:4:13: bad CUDA version '12.x': expected X.Y or X.Y.Z");
    expect_error("images:\n  gpu:\n    - image: corp/cuda\n      cuda: 12\n",
                 "cfg/.env-doctor.yaml:4:13: bad CUDA version '12': expected X.Y or X.Y.Z");
    expect_error("images:\n  gpu:\n    - image: corp/cuda\n      nvcc: yes\n",
                 "cfg/.env-doctor.yaml:4:13: nvcc must be true or false, not 'yes'");
    expect_error("images:\n  cpu-only: ['python@sha256:abc']\n",
                 "cfg/.env-doctor.yaml:2:14: image pattern 'python@sha256:abc' has a digest: "
                 "patterns match references without it");
    expect_error("build-args:\n  CUDA_VERSION:\n",
                 "cfg/.env-doctor.yaml:2:16: build arg CUDA_VERSION has no value (write \"\" for "
                 "an empty one)");
    expect_error("exclude: ['']\n", "cfg/.env-doctor.yaml:1:11: an exclude entry is empty");
}

static void test_limits(void **state)
{
    (void)state;
    assert_true(parse("limits:\n  max-file-size: 16M\n  max-instructions: 200000\n"
                      "  max-yaml-depth: 1000\n"));
    assert_int_equal(config.limits_given, (1u << 0) | (1u << 2) | (1u << 4));
    assert_int_equal(config.limits.max_file_size, (size_t)16 << 20);
    assert_int_equal(config.limits.max_instructions, 200000);
    assert_int_equal(config.limits.max_yaml_depth, 1000);
    expect_error("limits:\n  max-file-sise: 16M\n",
                 "cfg/.env-doctor.yaml:2:3: unknown key 'max-file-sise' in limits (did you mean "
                 "'max-file-size'?)");
    expect_error("limits:\n  max-file-size: 16Q\n",
                 "cfg/.env-doctor.yaml:2:18: bad max-file-size '16Q': expected a size in bytes, "
                 "with K, M or G for KiB, MiB or GiB (e.g. 64M)");
    expect_error("limits:\n  max-yaml-depth: 0\n",
                 "cfg/.env-doctor.yaml:2:19: bad max-yaml-depth '0': expected a number from 1 to "
                 "10000");
    expect_error("limits: 16M\n",
                 "cfg/.env-doctor.yaml:1:9: limits must be a map of limit: value (max-file-size: "
                 "16M, ...), not a string");
}

static void test_type_errors(void **state)
{
    (void)state;
    expect_error("ignore: ED104\n",
                 "cfg/.env-doctor.yaml:1:9: ignore must be a list of rule ids or names, not a "
                 "string");
    expect_error("ignore: [[ED104]]\n",
                 "cfg/.env-doctor.yaml:1:10: an ignore entry must be a rule id or name, not a "
                 "list");
    expect_error("severity: [ED104]\n",
                 "cfg/.env-doctor.yaml:1:11: severity must be a map of rule: level, not a list");
    expect_error("severity:\n  ED104: {a: b}\n",
                 "cfg/.env-doctor.yaml:2:10: the severity of ED104 must be error, warning, info "
                 "or off, not a map");
    expect_error("exclude: 5\n",
                 "cfg/.env-doctor.yaml:1:10: exclude must be a list of path globs, not an integer");
    expect_error("build-args:\n  - A=1\n",
                 "cfg/.env-doctor.yaml:2:3: build-args must be a map of NAME: value, not a list");
    expect_error("images:\n  gpu: corp/cuda\n",
                 "cfg/.env-doctor.yaml:2:8: images.gpu must be a list of images, not a string");
    expect_error("gpu: [auto]\n", "cfg/.env-doctor.yaml:1:6: gpu must be auto, always or never, "
                                  "not a list");
    expect_error("- ignore\n",
                 "cfg/.env-doctor.yaml:1:1: the configuration must be a map of keys (ignore:, "
                 "severity:, ...), not a list");
    expect_error("ignore: []\n---\ngpu: auto\n",
                 "cfg/.env-doctor.yaml:3:1: a second YAML document: the configuration is one "
                 "document");
}

static void test_yaml_syntax_error(void **state)
{
    (void)state;
    expect_error("ignore: [ED104\ngpu: auto\n",
                 "cfg/.env-doctor.yaml:2:4: YAML syntax error: did not find expected ',' or ']' "
                 "(while parsing a flow sequence started at line 1, column 9)");
    expect_error("ignore:\n  - ED104\n - ED105\n",
                 "cfg/.env-doctor.yaml:3:2: YAML syntax error: did not find expected key (while "
                 "parsing a block mapping started at line 1, column 1)");
    /* not text at all: the first NUL byte */
    fresh();
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "bin.yaml", "gpu: auto\n\0\n", 12);
    assert_false(ed_config_parse(arena, src, &config, err, sizeof err));
    assert_string_equal(err, "bin.yaml:2:1: file is not text (contains a NUL byte)");
}

static void test_load(void **state)
{
    (void)state;
    fresh();
    char dir[] = "/tmp/ed-config-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = ed_arena_printf(arena, "%s/.env-doctor.yaml", dir);
    assert_false(ed_config_load(arena, path, &config, err, sizeof err));
    assert_string_equal(err, ed_arena_printf(arena,
                                             "%s: cannot read the configuration file: cannot "
                                             "open: No such file or directory",
                                             path));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("gpu: never\nseverity: {ED210: wrong}\n", f);
    fclose(f);
    assert_false(ed_config_load(arena, path, &config, err, sizeof err));
    assert_string_equal(err, ed_arena_printf(arena,
                                             "%s:2:19: bad severity 'wrong' for ED210: expected "
                                             "error, warning, info or off",
                                             path));
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("gpu: never\n", f);
    fclose(f);
    assert_true(ed_config_load(arena, path, &config, err, sizeof err));
    assert_string_equal(config.path, path);
    assert_string_equal(config.dir, dir);
    assert_int_equal(config.gpu, 2);
    /* a tiny error buffer truncates the message, never overflows */
    char small[8];
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("gpu: x\n", f);
    fclose(f);
    assert_false(ed_config_load(arena, path, &config, small, sizeof small));
    assert_int_equal(strlen(small), 7);
    unlink(path);
    rmdir(dir);
}

/* ---- finding the file ---- */

/* Created paths, removed in reverse order at the end of a test. */
static char *made[64];
static bool made_dir[64];
static size_t nmade;

static const char *mk(const char *root, const char *rel, bool dir)
{
    char *path = ed_arena_printf(arena, "%s/%s", root, rel);
    if (dir)
        assert_int_equal(mkdir(path, 0700), 0);
    else {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fclose(f);
    }
    assert_true(nmade < 64);
    made[nmade] = path;
    made_dir[nmade++] = dir;
    return path;
}

static void remove_made(const char *root)
{
    while (nmade > 0) {
        nmade--;
        if (made_dir[nmade])
            rmdir(made[nmade]);
        else
            unlink(made[nmade]);
    }
    rmdir(root);
}

/* A fresh temporary folder, by its physical path (getcwd's form). */
static const char *temp_root(void)
{
    char tmpl[] = "/tmp/ed-config-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *saved = getcwd(NULL, 0);
    assert_non_null(saved);
    assert_int_equal(chdir(tmpl), 0);
    char *real = getcwd(NULL, 0);
    assert_non_null(real);
    assert_int_equal(chdir(saved), 0);
    const char *root = ed_arena_strdup(arena, real);
    free(real);
    free(saved);
    return root;
}

static void expect_found(const char *start, const char *expected)
{
    const char *got = ed_config_find(arena, start);
    if (expected) {
        assert_non_null(got);
        assert_string_equal(got, expected);
    } else {
        assert_null(got);
    }
}

static void test_find(void **state)
{
    (void)state;
    fresh();
    const char *root = temp_root();
    char *saved = getcwd(NULL, 0);
    assert_non_null(saved);
    const char *outside = mk(root, ".env-doctor.yaml", false);
    mk(root, "repo", true);
    mk(root, "repo/.git", true);
    mk(root, "repo/a", true);
    mk(root, "repo/a/b", true);
    const char *c = mk(root, "repo/a/b/c", true);
    /* the search stops at the repository root: the file above it is another project's */
    expect_found(c, NULL);
    const char *yml = mk(root, "repo/.env-doctor.yml", false);
    expect_found(c, yml);
    const char *yaml = mk(root, "repo/.env-doctor.yaml", false);
    expect_found(c, yaml); /* .yaml before .yml in one folder */
    /* a folder by that name is not a configuration file */
    mk(root, "repo/a/b/.env-doctor.yaml", true);
    const char *nearest = mk(root, "repo/a/.env-doctor.yml", false);
    expect_found(c, nearest);
    expect_found(ed_arena_printf(arena, "%s/repo/a/b/c/../../..", root), yaml);
    /* no repository: up to / (the temporary root's file is found) */
    const char *x = mk(root, "other", true);
    expect_found(x, outside);
    /* .git as a file (worktrees, submodules) marks a root too */
    mk(root, "sub", true);
    mk(root, "sub/.git", false);
    const char *d = mk(root, "sub/d", true);
    expect_found(d, NULL);

    /* relative to the current directory when inside it */
    assert_int_equal(chdir(ed_arena_printf(arena, "%s/repo", root)), 0);
    expect_found(NULL, ".env-doctor.yaml");
    expect_found("a/b/c", "a/.env-doctor.yml");
    expect_found("./a/b", "a/.env-doctor.yml");
    assert_int_equal(chdir(c), 0);
    expect_found(NULL, nearest); /* outside the current directory: absolute */
    assert_int_equal(chdir(saved), 0);
    free(saved);
    remove_made(root);
}

/* ---- exclude globs ---- */

static ed_config_exclude globs[] = {
    {"third_party/**", {1, 1}},      {"legacy/*.Dockerfile", {2, 1}}, {"*.tmp", {3, 1}},
    {"build/", {4, 1}},              {"**/gen/*.Dockerfile", {5, 1}}, {"docs/**/examples", {6, 1}},
    {"/top.Dockerfile", {7, 1}},     {"./vendor", {8, 1}},            {"a?c/[xy].df", {9, 1}},
    {"node_modules", {10, 1}},
};

static void set_globs(const char *dir)
{
    memset(&config, 0, sizeof config);
    config.dir = dir;
    config.excludes = globs;
    config.nexcludes = sizeof globs / sizeof *globs;
}

static void test_excludes(void **state)
{
    (void)state;
    set_globs("/proj");
    static const struct {
        const char *path;
        bool excluded;
    } cases[] = {
        {"/proj/third_party/x/Dockerfile", true},
        {"/proj/third_party/Dockerfile", true},
        {"/proj/third_party", true},
        {"/proj/src/third_party/x", false}, /* a glob with '/' is anchored */
        {"/proj/legacy/train.Dockerfile", true},
        {"/proj/legacy/sub/train.Dockerfile", false}, /* '*' does not cross '/' */
        {"/proj/x/legacy/train.Dockerfile", false},
        {"/proj/legacy/Dockerfile", false},
        {"/proj/c.tmp", true}, /* no '/': the name at any depth */
        {"/proj/a/b/c.tmp", true},
        {"/proj/a/b.tmp/Dockerfile", true}, /* a folder that matches */
        {"/proj/build/Dockerfile", true},
        {"/proj/sub/build/Dockerfile", true},
        {"/proj/build", false}, /* "build/": folders only */
        {"/proj/gen/a.Dockerfile", true},
        {"/proj/x/y/gen/a.Dockerfile", true},
        {"/proj/gen/sub/a.Dockerfile", false},
        {"/proj/docs/examples/Dockerfile", true},
        {"/proj/docs/a/b/examples/Dockerfile", true},
        {"/proj/docs/examplesX/Dockerfile", false},
        {"/proj/top.Dockerfile", true},
        {"/proj/sub/top.Dockerfile", false}, /* a leading '/' anchors */
        {"/proj/vendor/lib/Dockerfile", true},
        {"/proj/sub/vendor/Dockerfile", false}, /* so does "./" */
        {"/proj/abc/x.df", true},
        {"/proj/abc/z.df", false},
        {"/proj/a/c/x.df", false},
        {"/proj/web/node_modules/pkg/Dockerfile", true},
        {"/proj/Dockerfile", false},
        /* outside the configuration's folder, or the folder itself */
        {"/other/third_party/x", false},
        {"/projX/third_party/x", false},
        {"/proj", false},
        {"/", false},
        /* normalised before matching */
        {"/proj/src/../third_party/x", true},
        {"/proj/./legacy//a.Dockerfile", true},
        {"/proj/../proj/legacy/a.Dockerfile", true},
        {"/proj/legacy/../src/a.Dockerfile", false},
        {"//proj///c.tmp", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bool got = ed_config_excludes(&config, cases[i].path);
        if (got != cases[i].excluded)
            print_message("%s: expected %s\n", cases[i].path,
                          cases[i].excluded ? "excluded" : "not excluded");
        assert_int_equal(got, cases[i].excluded);
    }
    /* the root folder as the configuration's folder */
    set_globs("/");
    assert_true(ed_config_excludes(&config, "/third_party/x"));
    assert_true(ed_config_excludes(&config, "/a/b/c.tmp"));
    assert_false(ed_config_excludes(&config, "/a/third_party/x"));
    /* no globs, no path */
    memset(&config, 0, sizeof config);
    config.dir = "/proj";
    assert_false(ed_config_excludes(&config, "/proj/c.tmp"));
    assert_false(ed_config_excludes(NULL, "/proj/c.tmp"));
}

static void test_excludes_relative(void **state)
{
    (void)state;
    fresh();
    const char *root = temp_root();
    mk(root, "sub", true);
    char *saved = getcwd(NULL, 0);
    assert_non_null(saved);
    set_globs(root);
    assert_int_equal(chdir(root), 0);
    assert_true(ed_config_excludes(&config, "third_party/x/Dockerfile"));
    assert_true(ed_config_excludes(&config, "./legacy/a.Dockerfile"));
    assert_false(ed_config_excludes(&config, "src/Dockerfile"));
    assert_false(ed_config_excludes(&config, "../third_party/x"));
    /* a relative configuration folder is relative to the current directory */
    set_globs(".");
    assert_true(ed_config_excludes(&config, "third_party/x"));
    assert_true(ed_config_excludes(&config, ed_arena_printf(arena, "%s/third_party/x", root)));
    set_globs(root);
    assert_int_equal(chdir(ed_arena_printf(arena, "%s/sub", root)), 0);
    assert_true(ed_config_excludes(&config, "../third_party/x"));
    assert_true(ed_config_excludes(&config, "x.tmp"));
    assert_false(ed_config_excludes(&config, "third_party/x")); /* sub/third_party */
    assert_int_equal(chdir(saved), 0);
    free(saved);
    remove_made(root);
}

/* ---- image hints in the knowledge base ---- */

static kb_image_facts facts_of(const kb *k, const char *image)
{
    img_ref ref;
    const char *error;
    assert_true(img_ref_parse(arena, image, strlen(image), &ref, &error));
    kb_image_facts f;
    kb_image(k, &ref, arena, &f);
    return f;
}

static void test_image_hints(void **state)
{
    (void)state;
    fresh();
    static const kb_image_hint hints[] = {
        {"registry.corp/ml/python-base", false, {-1, -1, -1}, KB_NO, KB_NO},
        {"mycorp/*:slim-*", false, {-1, -1, -1}, KB_NO, KB_NO},
        {"registry.corp/ml/cuda:12.4-*", true, {12, 4, 1}, KB_YES, KB_YES},
        {"library/myimg", true, {-1, -1, -1}, KB_NO, KB_UNKNOWN},
        {"corp/tool:latest", false, {-1, -1, -1}, KB_NO, KB_NO},
        {"nvidia/cuda:*-runtime-*", false, {-1, -1, -1}, KB_NO, KB_NO},
    };
    const kb *base = kb_get();
    assert_ptr_equal(kb_with_images(base, arena, NULL, 0), base);
    const kb *k = kb_with_images(base, arena, hints, sizeof hints / sizeof *hints);
    assert_ptr_not_equal(k, base);

    static const struct {
        const char *image;
        kb_vendor vendor;
    } cases[] = {
        {"registry.corp/ml/python-base:3.11", KB_VENDOR_NONE},
        {"registry.corp/ml/python-base", KB_VENDOR_NONE},
        {"registry.corp/ml/python-base@sha256:"
         "0000000000000000000000000000000000000000000000000000000000000000",
         KB_VENDOR_NONE},
        {"registry.corp/ml/python-base-2:3.11", KB_VENDOR_UNKNOWN},
        {"mycorp/app:slim-1", KB_VENDOR_NONE},
        {"docker.io/mycorp/app:slim-1", KB_VENDOR_NONE},
        {"mycorp/app:full", KB_VENDOR_UNKNOWN},
        {"mycorp/team/app:slim-1", KB_VENDOR_UNKNOWN}, /* '*' does not cross '/' */
        {"registry.corp/ml/cuda:12.4-py311", KB_VENDOR_NVIDIA},
        {"registry.corp/ml/cuda:12.5-py311", KB_VENDOR_UNKNOWN},
        {"registry.corp/ml/cuda", KB_VENDOR_UNKNOWN}, /* latest is not 12.4-* */
        {"myimg:1", KB_VENDOR_NVIDIA},                /* the pattern is normalised too */
        {"docker.io/library/myimg", KB_VENDOR_NVIDIA},
        {"corp/tool", KB_VENDOR_NONE}, /* the implied tag is latest */
        {"corp/tool:2", KB_VENDOR_UNKNOWN},
        {"corp/tool@sha256:0000000000000000000000000000000000000000000000000000000000000000",
         KB_VENDOR_UNKNOWN},
        /* a hint wins over the tables; what no hint matches, the tables answer */
        {"nvidia/cuda:12.4.1-runtime-ubuntu22.04", KB_VENDOR_NONE},
        {"docker.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04", KB_VENDOR_NONE},
        {"nvidia/cuda:12.4.1-devel-ubuntu22.04", KB_VENDOR_NVIDIA},
        {"python:3.12", KB_VENDOR_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kb_image_facts f = facts_of(k, cases[i].image);
        if (f.vendor != cases[i].vendor)
            print_message("%s: vendor %d, expected %d\n", cases[i].image, f.vendor,
                          cases[i].vendor);
        assert_int_equal(f.vendor, cases[i].vendor);
    }
    kb_image_facts f = facts_of(k, "registry.corp/ml/cuda:12.4-py311");
    assert_int_equal(f.cuda.major, 12);
    assert_int_equal(f.cuda.minor, 4);
    assert_int_equal(f.cuda.patch, 1);
    assert_int_equal(f.has_nvcc, KB_YES);
    assert_int_equal(f.has_cudnn, KB_YES);
    assert_false(f.cuda_unverified);
    assert_false(f.floating);
    f = facts_of(k, "registry.corp/ml/python-base");
    assert_int_equal(f.has_nvcc, KB_NO);
    assert_int_equal(f.cuda.major, -1);
    assert_true(f.floating); /* no tag: still a floating reference */
    f = facts_of(k, "myimg:1");
    assert_int_equal(f.has_nvcc, KB_NO);
    assert_int_equal(f.has_cudnn, KB_UNKNOWN);
    assert_int_equal(f.cuda.major, -1);
    /* the shared knowledge base is untouched */
    assert_int_equal(facts_of(base, "registry.corp/ml/python-base:3.11").vendor,
                     KB_VENDOR_UNKNOWN);
    assert_int_equal(facts_of(base, "nvidia/cuda:12.4.1-runtime-ubuntu22.04").vendor,
                     KB_VENDOR_NVIDIA);
}

/* ---- what the settings do to a lint ---- */

static ed_file_result result;

static void lint_df(const char *text, const ed_options *options)
{
    ed_lint_dockerfile(arena, source("Dockerfile", text), options, &result);
}

static void show(const ed_file_result *r)
{
    for (size_t i = 0; i < r->nfindings; i++)
        print_message("  %s %u:%u %s %s\n", r->findings[i].rule->id, r->findings[i].begin.line,
                      r->findings[i].begin.column, ed_severity_name(r->findings[i].severity),
                      r->findings[i].message);
}

static size_t count_in(const ed_file_result *r, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nfindings; i++)
        n += strcmp(r->findings[i].rule->id, rule) == 0;
    return n;
}

/* The only finding of rule in r, at line:col. */
static const ed_finding *only_in(const ed_file_result *r, const char *rule, unsigned line,
                                 unsigned col)
{
    const ed_finding *found = NULL;
    for (size_t i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].rule->id, rule) == 0) {
            assert_null(found);
            found = &r->findings[i];
        }
    if (!found || found->begin.line != line || found->begin.column != col)
        show(r);
    assert_non_null(found);
    assert_int_equal(found->begin.line, line);
    assert_int_equal(found->begin.column, col);
    return found;
}

/* ED202's bad example: a cu118 wheel on CUDA 12.4.1 (error at 5:43). */
#define ED202_BAD                                                                             \
    "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"                                           \
    "RUN apt-get update \\\n"                                                                 \
    " && apt-get install -y --no-install-recommends python3-pip \\\n"                         \
    " && rm -rf /var/lib/apt/lists/*\n"                                                       \
    "RUN pip3 install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu118\n"

/* Options from a configuration text. */
static ed_options options_from(const char *text)
{
    err[0] = '\0';
    bool ok = ed_config_parse(arena, source("cfg.yaml", text), &config, err, sizeof err);
    if (!ok)
        print_message("%s\n", err);
    assert_true(ok);
    ed_options options = {0};
    ed_config_apply(&config, &options);
    return options;
}

static void test_ignored_rule(void **state)
{
    (void)state;
    fresh();
    lint_df(ED202_BAD, NULL);
    assert_int_equal(only_in(&result, "ED202", 5, 43)->severity, ED_SEV_ERROR);
    size_t before = result.nfindings;
    ed_options options = options_from("ignore: [ed202]\n");
    lint_df(ED202_BAD, &options);
    assert_int_equal(count_in(&result, "ED202"), 0);
    assert_int_equal(result.nfindings, before - 1);
    options = options_from("ignore: [torch-cuda-mismatch]\n");
    lint_df(ED202_BAD, &options);
    assert_int_equal(count_in(&result, "ED202"), 0);
    /* findings the engine reports itself: ED001 for a file that is not text */
    static const char binary[] = "FROM x\n\0\n";
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "Dockerfile", binary, sizeof binary - 1);
    ed_lint_dockerfile(arena, src, NULL, &result);
    assert_int_equal(count_in(&result, "ED001"), 1);
    options = options_from("ignore: [syntax-error]\n");
    ed_lint_dockerfile(arena, src, &options, &result);
    assert_int_equal(result.nfindings, 0);
}

static void test_severity_override(void **state)
{
    (void)state;
    fresh();
    ed_options options = options_from("severity: {ED202: info}\n");
    lint_df(ED202_BAD, &options);
    assert_int_equal(only_in(&result, "ED202", 5, 43)->severity, ED_SEV_INFO);
    /* every finding of the rule, whatever severity the rule gave it: cu121
     * on 12.4 is a warning by default */
    const char *older = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                        "RUN pip3 install torch==2.5.1 --index-url "
                        "https://download.pytorch.org/whl/cu121\n";
    lint_df(older, NULL);
    assert_int_equal(only_in(&result, "ED202", 2, 43)->severity, ED_SEV_WARNING);
    options = options_from("severity: {torch-cuda-mismatch: error}\n");
    lint_df(older, &options);
    assert_int_equal(only_in(&result, "ED202", 2, 43)->severity, ED_SEV_ERROR);
    /* off drops the rule */
    options = options_from("severity: {ED202: off}\n");
    lint_df(ED202_BAD, &options);
    assert_int_equal(count_in(&result, "ED202"), 0);
    /* other rules keep their severities */
    lint_df(ED202_BAD, NULL);
    size_t before = result.nfindings;
    lint_df(ED202_BAD, &options);
    assert_int_equal(result.nfindings, before - 1);
}

static void test_rule_disabled(void **state)
{
    (void)state;
    const ed_rule *ed104 = ed_rule_find("ED104"), *ed210 = ed_rule_find("ED210");
    const ed_rule *ignored[] = {ed104};
    ed_severity_override sev[] = {{ed210, ED_SEV_OFF}, {ed210, ED_SEV_ERROR}};
    ed_options o = {0};
    assert_false(ed_rule_disabled(&o, ed104));
    assert_false(ed_rule_disabled(NULL, ed104));
    o.ignored_rules = ignored;
    o.nignored_rules = 1;
    o.severities = sev;
    o.nseverities = 1;
    assert_true(ed_rule_disabled(&o, ed104));
    assert_true(ed_rule_disabled(&o, ed210));
    assert_false(ed_rule_disabled(&o, ed_rule_find("ED101")));
    o.nseverities = 2; /* the last override of a rule wins */
    assert_false(ed_rule_disabled(&o, ed210));
}

static void test_pragma_for_disabled_rule_is_moot(void **state)
{
    (void)state;
    fresh();
    const char *text = "# env-doctor global ignore=ED202\n"
                       "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                       "# env-doctor ignore=ED105,ED210 -- not here\n"
                       "RUN echo hello\n"
                       "# env-doctor ignore=ED202\n";
    lint_df(text, NULL);
    assert_int_equal(count_in(&result, "ED003"), 4);
    ed_options options = options_from("ignore: [ED202, ED105]\n");
    lint_df(text, &options);
    /* only ED210 is stale: ED202 and ED105 are off, so their pragmas are moot */
    only_in(&result, "ED003", 3, 27);
    options = options_from("severity: {ED202: off, ED105: off, ED210: warning}\n");
    lint_df(text, &options);
    only_in(&result, "ED003", 3, 27);
    /* ED003 itself can be ignored or given a severity */
    options = options_from("ignore: [ED003]\n");
    lint_df(text, &options);
    assert_int_equal(count_in(&result, "ED003"), 0);
    options = options_from("severity: {useless-suppression: warning}\n");
    lint_df(text, &options);
    assert_int_equal(count_in(&result, "ED003"), 4);
    for (size_t i = 0; i < result.nfindings; i++)
        if (result.findings[i].rule == ed_rule_find("ED003"))
            assert_int_equal(result.findings[i].severity, ED_SEV_WARNING);
}

static void test_hint_cpu_only_image(void **state)
{
    (void)state;
    fresh();
    const char *text = "FROM registry.corp/ml/python-base:3.11\n"
                       "RUN pip install torch==2.5.1 --index-url "
                       "https://download.pytorch.org/whl/cu124\n";
    lint_df(text, NULL);
    assert_int_equal(count_in(&result, "ED101"), 0); /* an unknown image */
    ed_options options =
        options_from("images:\n  cpu-only:\n    - registry.corp/ml/python-base\n");
    lint_df(text, &options);
    const ed_finding *f = only_in(&result, "ED101", 1, 6);
    assert_int_equal(f->severity, ED_SEV_ERROR);
    assert_non_null(strstr(f->message, "registry.corp/ml/python-base:3.11 is a CPU-only image"));
    /* a CPU workload on it is fine */
    lint_df("FROM registry.corp/ml/python-base:3.11\nRUN pip install flask\n", &options);
    assert_int_equal(count_in(&result, "ED101"), 0);
}

/* The ED202 findings of text, as "line:col severity". */
static const char *ed202_of(const char *text, const ed_options *options)
{
    lint_df(text, options);
    const char *out = "";
    for (size_t i = 0; i < result.nfindings; i++)
        if (strcmp(result.findings[i].rule->id, "ED202") == 0)
            out = ed_arena_printf(arena, "%s%u:%u %s;", out, result.findings[i].begin.line,
                                  result.findings[i].begin.column,
                                  ed_severity_name(result.findings[i].severity));
    return out;
}

static void test_hint_gpu_image(void **state)
{
    (void)state;
    fresh();
    ed_options options = options_from("images:\n"
                                      "  gpu:\n"
                                      "    - image: \"registry.corp/ml/cuda:12.4-*\"\n"
                                      "      cuda: \"12.4.1\"\n");
    /* the same torch commands on the hinted image and on nvidia/cuda 12.4.1 */
    static const char *const wheels[] = {"cu118", "cu121", "cu124", "cu126"};
    static const char *const expected[] = {"2:43 error;", "2:43 warning;", "", "2:43 error;"};
    for (size_t i = 0; i < 4; i++) {
        const char *run = ed_arena_printf(arena,
                                          "RUN pip3 install torch==2.6.0 --index-url "
                                          "https://download.pytorch.org/whl/%s\n",
                                          wheels[i]);
        const char *hinted =
            ed_arena_printf(arena, "FROM registry.corp/ml/cuda:12.4-py311\n%s", run);
        const char *cuda = ed_arena_printf(arena, "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n%s",
                                           run);
        assert_string_equal(ed202_of(cuda, NULL), expected[i]);
        assert_string_equal(ed202_of(hinted, &options), expected[i]);
        assert_string_equal(ed202_of(hinted, NULL), ""); /* unknown image: silent */
    }
    /* nvcc: false by default, so a CUDA build on it is ED105 */
    const char *build = "FROM registry.corp/ml/cuda:12.4-py311\n"
                        "RUN pip install flash-attn==2.6.3 --no-build-isolation\n";
    lint_df(build, &options);
    assert_int_equal(count_in(&result, "ED105"), 1);
    options = options_from("images:\n"
                           "  gpu:\n"
                           "    - {image: \"registry.corp/ml/cuda:12.4-*\", cuda: 12.4, "
                           "nvcc: true}\n");
    lint_df(build, &options);
    assert_int_equal(count_in(&result, "ED105"), 0);
}

static void test_compose(void **state)
{
    (void)state;
    fresh();
    const char *text = "services:\n"
                       "  train:\n"
                       "    image: registry.corp/ml/cuda-base:1\n"
                       "  legacy:\n"
                       "    image: nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                       "    # env-doctor ignore=ED401\n"
                       "    runtime: nvidia\n"
                       "  built:\n"
                       "    build:\n"
                       "      dockerfile_inline: |\n"
                       "        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                       "        RUN pip3 install torch==2.5.1 --index-url "
                       "https://download.pytorch.org/whl/cu118\n"
                       "    gpus: all\n";
    const ed_source *files[1] = {source("compose.yaml", text)};
    ed_file_result *results;
    size_t n;
    ed_lint_compose_files(arena, files, 1, NULL, &results, &n);
    assert_int_equal(n, 2);
    assert_int_equal(count_in(&results[0], "ED401"), 0); /* the pragma suppresses it */
    assert_int_equal(count_in(&results[0], "ED405"), 0); /* an unknown image */
    assert_int_equal(count_in(&results[1], "ED202"), 1);

    ed_options options = options_from("ignore: [deprecated-runtime-nvidia]\n"
                                      "severity: {ED202: warning}\n"
                                      "images:\n  gpu: [registry.corp/ml/cuda-base]\n");
    ed_lint_compose_files(arena, files, 1, &options, &results, &n);
    assert_int_equal(n, 2);
    /* the hinted image is a GPU image, its service requests no GPU */
    only_in(&results[0], "ED405", 3, 12);
    /* ED401 is off: the pragma is moot, not stale */
    assert_int_equal(count_in(&results[0], "ED401"), 0);
    assert_int_equal(count_in(&results[0], "ED003"), 0);
    /* the linked Dockerfile gets the settings too */
    assert_int_equal(only_in(&results[1], "ED202", 2, 43)->severity, ED_SEV_WARNING);

    options = options_from("severity: {gpu-service-without-gpu-request: error}\n"
                           "images:\n  gpu: [registry.corp/ml/cuda-base]\n");
    ed_lint_compose(arena, files[0], &options, &results[0], NULL, NULL);
    assert_int_equal(only_in(&results[0], "ED405", 3, 12)->severity, ED_SEV_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_every_key, teardown),
        cmocka_unit_test_teardown(test_empty_and_unset, teardown),
        cmocka_unit_test_teardown(test_key_errors, teardown),
        cmocka_unit_test_teardown(test_value_errors, teardown),
        cmocka_unit_test_teardown(test_limits, teardown),
        cmocka_unit_test_teardown(test_type_errors, teardown),
        cmocka_unit_test_teardown(test_yaml_syntax_error, teardown),
        cmocka_unit_test_teardown(test_load, teardown),
        cmocka_unit_test_teardown(test_find, teardown),
        cmocka_unit_test_teardown(test_excludes, teardown),
        cmocka_unit_test_teardown(test_excludes_relative, teardown),
        cmocka_unit_test_teardown(test_image_hints, teardown),
        cmocka_unit_test_teardown(test_ignored_rule, teardown),
        cmocka_unit_test_teardown(test_severity_override, teardown),
        cmocka_unit_test(test_rule_disabled),
        cmocka_unit_test_teardown(test_pragma_for_disabled_rule_is_moot, teardown),
        cmocka_unit_test_teardown(test_hint_cpu_only_image, teardown),
        cmocka_unit_test_teardown(test_hint_gpu_image, teardown),
        cmocka_unit_test_teardown(test_compose, teardown),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
