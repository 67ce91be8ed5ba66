/* The torch rules (ED201-ED205): their documentation examples, the tricky
 * forms of issue 3, and the false positives / negatives of the old Python
 * env-doctor (env-doctor-python.md section 4.1, named by item number). Each
 * test asserts the exact findings of the family: rule, position, severity,
 * message and fix. */
#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>

#include "envdoctor/engine.h"

/* ---- Harness ------------------------------------------------------------ */

typedef struct expect {
    const char *rule;
    unsigned line, col, end_col;
    ed_severity severity;
    const char *message;
    const char *fixed; /* the whole file after applying the fix, or NULL for no fix */
} expect;

static ed_arena *arena;

static int teardown(void **state)
{
    (void)state;
    ed_arena_free(arena);
    arena = NULL;
    return 0;
}

static ed_file_result lint_in(const char *text, const char *context_dir)
{
    if (!arena)
        arena = ed_arena_new();
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "Dockerfile", text, strlen(text));
    ed_options options = {.context_dir = context_dir ? context_dir : "/nonexistent"};
    ed_file_result result;
    ed_lint_dockerfile(arena, src, &options, &result);
    return result;
}

static bool in_family(const ed_finding *f)
{
    return strncmp(f->rule->id, "ED20", 4) == 0 && f->rule->id[4] >= '1' &&
           f->rule->id[4] <= '5';
}

static char *apply_fix(const char *text, const ed_fix *fix)
{
    size_t len = strlen(text), rlen = strlen(fix->replacement);
    char *out = malloc(len - (fix->end - fix->start) + rlen + 1);
    memcpy(out, text, fix->start);
    memcpy(out + fix->start, fix->replacement, rlen);
    strcpy(out + fix->start + rlen, text + fix->end);
    return out;
}

static void check_finding(const char *text, const ed_finding *f, const expect *w)
{
    if (strcmp(f->rule->id, w->rule) != 0 || f->begin.line != w->line ||
        f->begin.column != w->col || f->finish.column != w->end_col)
        fail_msg("got %s at %u:%u-%u, want %s at %u:%u-%u: %s", f->rule->id, f->begin.line,
                 f->begin.column, f->finish.column, w->rule, w->line, w->col, w->end_col,
                 f->message);
    assert_string_equal(f->rule->id, w->rule);
    assert_int_equal(f->begin.line, w->line);
    assert_int_equal(f->begin.column, w->col);
    assert_int_equal(f->finish.line, w->line);
    assert_int_equal(f->finish.column, w->end_col);
    assert_int_equal(f->severity, w->severity);
    assert_string_equal(f->message, w->message);
    if (!w->fixed) {
        assert_null(f->fix);
        return;
    }
    assert_non_null(f->fix);
    assert_non_null(f->fix->description);
    char *fixed = apply_fix(text, f->fix);
    assert_string_equal(fixed, w->fixed);
    free(fixed);
}

/* The findings of ED201-ED205 are exactly `want`, in report order. */
static void expect_in(const char *text, const char *context_dir, const expect *want, size_t n)
{
    ed_file_result r = lint_in(text, context_dir);
    size_t k = 0;
    for (size_t i = 0; i < r.nfindings; i++) {
        if (!in_family(&r.findings[i]))
            continue;
        if (k >= n)
            fail_msg("unexpected %s at %u:%u: %s", r.findings[i].rule->id,
                     r.findings[i].begin.line, r.findings[i].begin.column,
                     r.findings[i].message);
        check_finding(text, &r.findings[i], &want[k++]);
    }
    assert_int_equal(k, n);
}

static void expect_findings(const char *text, const expect *want, size_t n)
{
    expect_in(text, NULL, want, n);
}

static void expect_silent(const char *text)
{
    expect_in(text, NULL, NULL, 0);
}

#define EXPECT(text, ...)                                                                    \
    do {                                                                                     \
        const expect want_[] = {__VA_ARGS__};                                                \
        expect_findings((text), want_, sizeof want_ / sizeof *want_);                        \
    } while (0)

/* A build context holding files: name, body, name, body, ..., NULL. */
static char *make_context(const char *first, ...)
{
    char *dir = strdup("/tmp/env-doctor-torch-XXXXXX");
    assert_non_null(mkdtemp(dir));
    va_list ap;
    va_start(ap, first);
    for (const char *name = first; name; name = va_arg(ap, const char *)) {
        const char *body = va_arg(ap, const char *);
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(body, f);
        fclose(f);
    }
    va_end(ap);
    return dir;
}

static void remove_context(char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

/* ---- Documentation examples --------------------------------------------- */

static char *doc_example(const char *doc, const char *section)
{
    char heading[64];
    snprintf(heading, sizeof heading, "\n## %s\n", section);
    const char *h = strstr(doc, heading);
    const char *fence = h ? strstr(h, "```dockerfile\n") : NULL;
    if (!fence)
        return NULL;
    const char *body = fence + strlen("```dockerfile\n");
    const char *end = strstr(body, "```");
    return end ? strndup(body, (size_t)(end - body)) : NULL;
}

/* Bad gives exactly the rule's one documented finding; Good gives no
 * finding of any rule. */
static void test_doc_examples(void **state)
{
    static const char *const ids[] = {"ED201", "ED202", "ED203", "ED204", "ED205"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        const ed_rule *rule = ed_rule_find(ids[i]);
        assert_non_null(rule);
        const char *doc = ed_rule_doc(rule);
        assert_non_null(doc);
        char *bad = doc_example(doc, "Bad"), *good = doc_example(doc, "Good");
        assert_non_null(bad);
        assert_non_null(good);
        ed_file_result r = lint_in(bad, NULL);
        size_t mine = 0;
        for (size_t k = 0; k < r.nfindings; k++)
            mine += strcmp(r.findings[k].rule->id, ids[i]) == 0;
        assert_int_equal(mine, 1);
        r = lint_in(good, NULL);
        if (r.nfindings)
            fail_msg("%s good example: %s %s", ids[i], r.findings[0].rule->id,
                     r.findings[0].message);
        free(bad);
        free(good);
    }
}

/* ---- ED201 torch-missing-index-url -------------------------------------- */

#define CUDA121 "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\n"
#define CUDA124 "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
#define IMG121 "nvidia/cuda:12.1.1-runtime-ubuntu22.04"
#define IMG124 "nvidia/cuda:12.4.1-runtime-ubuntu22.04"
#define NO_INDEX                                                                             \
    " without a PyTorch CUDA index, so it gets PyPI's default build, whose CUDA changes with " \
    "each torch release (and is CPU-only on arm64 before 2.11)"
#define URL118 "https://download.pytorch.org/whl/cu118"
#define URL121 "https://download.pytorch.org/whl/cu121"
#define URL124 "https://download.pytorch.org/whl/cu124"
#define URL128 "https://download.pytorch.org/whl/cu128"
#define FOR121 "; for " IMG121 " (CUDA 12.1.1) use --index-url " URL121
#define FOR124 "; for " IMG124 " (CUDA 12.4.1) use --index-url " URL124

static void test_ed201_item1_pip3(void **state)
{
    EXPECT(CUDA121 "RUN pip3 install torch torchvision\n",
           {"ED201", 2, 18, 23, ED_SEV_ERROR, "pip3 installs torch" NO_INDEX FOR121,
            CUDA121 "RUN pip3 install torch torchvision --index-url " URL121 "\n"});
    EXPECT(CUDA121 "RUN pip3.11 install torchaudio==2.1.0\n",
           {"ED201", 2, 21, 31, ED_SEV_ERROR, "pip3.11 installs torchaudio" NO_INDEX FOR121,
            CUDA121 "RUN pip3.11 install torchaudio==2.1.0 --index-url " URL121 "\n"});
}

static void test_ed201_item2_python_m_pip_and_uv_pip(void **state)
{
    EXPECT(CUDA121 "RUN python3 -m pip install -U torch\n",
           {"ED201", 2, 31, 36, ED_SEV_ERROR, "python3 -m pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN python3 -m pip install -U torch --index-url " URL121 "\n"});
    EXPECT(CUDA121 "RUN uv pip install --system torch\n",
           {"ED201", 2, 29, 34, ED_SEV_ERROR, "uv pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN uv pip install --system torch --index-url " URL121 "\n"});
    /* uv's own ways to choose the build are understood */
    expect_silent(CUDA121 "RUN uv pip install --system torch==2.5.1 --torch-backend=auto\n");
    expect_silent(CUDA121 "RUN uv pip install --system torch==2.5.1 --torch-backend cu121\n");
    expect_silent(CUDA121 "ENV UV_TORCH_BACKEND=auto\nRUN uv pip install --system torch==2.5.1\n");
    expect_silent(CUDA121 "RUN uv pip install --system torch==2.5.1 --index " URL121 "\n");
    expect_silent(CUDA121 "RUN uv pip install --system torch==2.5.1 --default-index " URL121 "\n");
    /* UV_TORCH_BACKEND means nothing to pip */
    EXPECT(CUDA121 "ENV UV_TORCH_BACKEND=auto\nRUN pip install torch==2.5.1\n",
           {"ED201", 3, 17, 22, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "ENV UV_TORCH_BACKEND=auto\nRUN pip install torch==2.5.1 --index-url " URL121
                    "\n"});
}

static void test_ed201_item3_short_i_and_equals_forms(void **state)
{
    expect_silent(CUDA121 "RUN pip install torch==2.5.1 -i " URL121 "\n");
    expect_silent(CUDA121 "RUN pip install torch==2.5.1 -i" URL121 "\n");
    expect_silent(CUDA121 "RUN pip install torch==2.5.1 --index-url=" URL121 "\n");
    expect_silent(CUDA121 "RUN pip install torch==2.5.1+cu121 "
                          "--find-links=https://download.pytorch.org/whl/torch_stable.html\n");
}

static void test_ed201_item4_force_reinstall_and_rm_f(void **state)
{
    EXPECT(CUDA121 "RUN pip install --force-reinstall torch==2.5.1\n",
           {"ED201", 2, 35, 40, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN pip install --force-reinstall torch==2.5.1 --index-url " URL121 "\n"});
    EXPECT(CUDA121 "RUN pip install torch==2.5.1 && rm -f /tmp/x\n",
           {"ED201", 2, 17, 22, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN pip install torch==2.5.1 --index-url " URL121 " && rm -f /tmp/x\n"});
}

static void test_ed201_item5_names_that_only_contain_torch(void **state)
{
    expect_silent(CUDA121 "RUN pip install torchmetrics==1.4.0 open_clip_torch==2.24.0\n");
    expect_silent(CUDA121 "RUN pip install numpy==1.26.4 && python -c \"import torch\"\n");
    expect_silent(CUDA121 "RUN pip uninstall -y torch\n");
}

static void test_ed201_item7_quoted_and_ranged_specs(void **state)
{
    EXPECT(CUDA121 "RUN pip install \"torch>=2.1,<2.3\"\n",
           {"ED201", 2, 18, 23, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN pip install \"torch>=2.1,<2.3\" --index-url " URL121 "\n"});
    EXPECT(CUDA121 "RUN pip install 'torch[opt-einsum]==2.5.1'\n",
           {"ED201", 2, 18, 23, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN pip install 'torch[opt-einsum]==2.5.1' --index-url " URL121 "\n"});
}

static void test_ed201_item8_requirements_files(void **state)
{
    /* `-r requirements.txt` no longer hides a later torch */
    EXPECT(CUDA121 "RUN pip install -r requirements.txt && pip install torch==2.3.1\n",
           {"ED201", 2, 52, 57, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN pip install -r requirements.txt && pip install torch==2.3.1 "
                    "--index-url " URL121 "\n"});

    /* torch inside the file: the finding is on the -r word, naming FILE:LINE */
    char *dir = make_context("requirements.txt", "numpy==1.26.4\ntorch==2.3.1\n", NULL);
    const char *text = CUDA121 "COPY requirements.txt /app/\n"
                               "RUN pip install -r /app/requirements.txt\n";
    expect want[] = {{"ED201", 3, 20, 41, ED_SEV_ERROR,
                      "pip installs torch (requirements.txt:2)" NO_INDEX "; for " IMG121
                      " (CUDA 12.1.1) set PIP_INDEX_URL=" URL121,
                      CUDA121 "COPY requirements.txt /app/\nENV PIP_INDEX_URL=" URL121 "\n"
                              "RUN pip install -r /app/requirements.txt\n"}};
    expect_in(text, dir, want, 1);
    remove_context(dir);

    /* uv gets UV_INDEX_URL */
    dir = make_context("requirements.txt", "torch==2.3.1\n", NULL);
    text = CUDA121 "RUN uv pip install --system -r requirements.txt\n";
    expect want_uv[] = {{"ED201", 2, 32, 48, ED_SEV_ERROR,
                         "uv pip installs torch (requirements.txt:1)" NO_INDEX "; for " IMG121
                         " (CUDA 12.1.1) set UV_INDEX_URL=" URL121,
                         CUDA121 "ENV UV_INDEX_URL=" URL121 "\n"
                                 "RUN uv pip install --system -r requirements.txt\n"}};
    expect_in(text, dir, want_uv, 1);
    remove_context(dir);

    /* an index line in the file counts */
    dir = make_context("requirements.txt", "--index-url " URL121 "\ntorch==2.3.1\n", NULL);
    expect_in(CUDA121 "RUN pip install -r requirements.txt\n", dir, NULL, 0);
    remove_context(dir);
    dir = make_context("requirements.txt", "--extra-index-url " URL121 "\ntorch==2.3.1+cu121\n",
                       NULL);
    expect_in(CUDA121 "RUN pip install -r requirements.txt\n", dir, NULL, 0);
    remove_context(dir);
}

static void test_ed201_item9_heredoc_exec_form_onbuild(void **state)
{
    EXPECT(CUDA121 "RUN <<EOF\nset -e\npip install torch==2.5.1\nEOF\n",
           {"ED201", 4, 13, 18, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN <<EOF\nset -e\npip install torch==2.5.1 --index-url " URL121 "\nEOF\n"});
    EXPECT(CUDA121 "RUN [\"pip3\", \"install\", \"torch==2.5.1\"]\n",
           {"ED201", 2, 26, 31, ED_SEV_ERROR, "pip3 installs torch" NO_INDEX FOR121,
            CUDA121 "RUN [\"pip3\", \"install\", \"torch==2.5.1\", \"--index-url\", \"" URL121
                    "\"]\n"});
    EXPECT(CUDA121 "ONBUILD RUN pip install torch==2.5.1\n",
           {"ED201", 2, 25, 30, ED_SEV_ERROR, "ONBUILD: pip installs torch" NO_INDEX FOR121,
            CUDA121 "ONBUILD RUN pip install torch==2.5.1 --index-url " URL121 "\n"});
    /* inside an sh -c string of an exec form the option goes into the string */
    EXPECT(CUDA121 "RUN [\"sh\", \"-c\", \"pip install torch==2.5.1\"]\n",
           {"ED201", 2, 31, 36, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN [\"sh\", \"-c\", \"pip install torch==2.5.1 --index-url " URL121
                    "\"]\n"});
    EXPECT(CUDA121 "RUN sh -c 'pip install torch==2.5.1'\n",
           {"ED201", 2, 24, 29, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN sh -c 'pip install torch==2.5.1 --index-url " URL121 "'\n"});
}

static void test_ed201_item10_comment_inside_continuation(void **state)
{
    EXPECT(CUDA121 "RUN pip install \\\n# gpu lib\n    torch==2.5.1\n",
           {"ED201", 4, 5, 10, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN pip install \\\n# gpu lib\n    torch==2.5.1 --index-url " URL121 "\n"});
}

static void test_ed201_item24_index_from_variables(void **state)
{
    expect_silent(CUDA121 "ENV PIP_INDEX_URL=" URL121 "\nRUN pip install torch==2.5.1\n");
    expect_silent(CUDA121 "ARG PIP_EXTRA_INDEX_URL=" URL121 "\n"
                          "RUN pip install torch==2.5.1+cu121\n");
    expect_silent(CUDA121 "RUN export PIP_INDEX_URL=" URL121 " && pip install torch==2.5.1\n");
    expect_silent(CUDA121 "RUN PIP_INDEX_URL=" URL121 " pip install torch==2.5.1\n");
    expect_silent(CUDA121 "ENV PIP_FIND_LINKS=https://download.pytorch.org/whl/torch_stable.html\n"
                          "RUN pip install torch==2.5.1+cu121\n");
    expect_silent(CUDA121 "ENV UV_INDEX_URL=" URL121 "\n"
                          "RUN uv pip install --system torch==2.5.1\n");
    /* uv does not read pip's variables */
    EXPECT(CUDA121 "ENV PIP_INDEX_URL=" URL121 "\nRUN uv pip install --system torch==2.5.1\n",
           {"ED201", 3, 29, 34, ED_SEV_ERROR, "uv pip installs torch" NO_INDEX FOR121,
            CUDA121 "ENV PIP_INDEX_URL=" URL121 "\nRUN uv pip install --system torch==2.5.1 "
                    "--index-url " URL121 "\n"});
}

static void test_ed201_image_through_platform_arg_and_stage_chain(void **state)
{
    /* items 11-13: --platform, ARG in FROM and FROM <stage> all resolve */
    const char *text = "ARG CUDA=12.4.1\n"
                       "FROM --platform=linux/amd64 nvidia/cuda:${CUDA}-runtime-ubuntu22.04 "
                       "AS base\nFROM base AS app\nRUN pip install torch==2.5.1\n";
    EXPECT(text, {"ED201", 4, 17, 22, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR124,
                  "ARG CUDA=12.4.1\n"
                  "FROM --platform=linux/amd64 nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS base\n"
                  "FROM base AS app\nRUN pip install torch==2.5.1 --index-url " URL124 "\n"});
    /* the suggestion honours the builds of the pinned release: torch 2.3 has no cu124 */
    EXPECT(CUDA124 "RUN pip install torch==2.3.1\n",
           {"ED201", 2, 17, 22, ED_SEV_ERROR,
            "pip installs torch" NO_INDEX "; for " IMG124 " (CUDA 12.4.1) use --index-url " URL121,
            CUDA124 "RUN pip install torch==2.3.1 --index-url " URL121 "\n"});
}

static void test_ed201_only_gpu_stages(void **state)
{
    /* item 20 and a plain web app: a CPU stage is not meant for a GPU */
    expect_silent("FROM python:3.12-slim\nRUN pip install torch==2.5.1 fastapi==0.115.0\n");
    /* a CPU stage that sets NVIDIA_ variables is; its CUDA is unknown */
    EXPECT("FROM python:3.12-slim\nENV NVIDIA_VISIBLE_DEVICES=all\nRUN pip install torch==2.5.1\n",
           {"ED201", 3, 17, 22, ED_SEV_ERROR,
            "pip installs torch" NO_INDEX "; choose the https://download.pytorch.org/whl/cuXYZ "
            "index of the CUDA this stage targets",
            NULL});
    /* an AMD image is no NVIDIA GPU stage */
    expect_silent("FROM rocm/pytorch:rocm6.2_ubuntu22.04_py3.10_pytorch_release_2.3.0\n"
                  "RUN pip install torchvision==0.18.0\n");
}

static void test_ed201_builder_pattern_and_wheelhouse(void **state)
{
    expect_silent("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\n"
                  "RUN pip download torch==2.5.1 --index-url " URL124 " -d /wheels\n"
                  "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                  "COPY --from=build /wheels /wheels\n"
                  "RUN pip install --no-index --find-links /wheels torch==2.5.1\n"
                  "RUN pip install /wheels/torch-2.5.1+cu124-cp310-cp310-linux_x86_64.whl\n");
}

static void test_ed201_indexes_it_cannot_see_into(void **state)
{
    expect_silent(CUDA121 "RUN pip install torch==2.5.1 -i https://mirror.example.com/cu121\n");
    expect_silent(CUDA121 "ARG TORCH_INDEX\n"
                          "RUN pip install torch==2.5.1 --index-url \"$TORCH_INDEX\"\n");
    expect_silent(CUDA121 "COPY pip.conf /etc/pip.conf\nRUN pip install torch==2.5.1\n");
    expect_silent(CUDA121 "RUN pip config set global.index-url " URL121 "\n"
                          "RUN pip install torch==2.5.1\n");
    expect_silent(CUDA121 "RUN echo 'index-url = " URL121 "' >> /etc/pip.conf\n"
                          "RUN pip install torch==2.5.1\n");
    expect_silent(CUDA121 "ENV PIP_CONFIG_FILE=/etc/pip-torch.conf\n"
                          "RUN pip install torch==2.5.1\n");
    expect_silent(CUDA121 "COPY uv.toml /etc/uv/uv.toml\n"
                          "RUN uv pip install --system torch==2.5.1\n");
    /* uv add reads its indexes from pyproject.toml */
    expect_silent(CUDA121 "RUN uv add torch==2.5.1\n");
    /* pypi.org itself is no torch index */
    EXPECT(CUDA121 "RUN pip install torch==2.5.1 -i https://pypi.org/simple\n",
           {"ED201", 2, 17, 22, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN pip install torch==2.5.1 -i " URL121 "\n"});
}

static void test_ed201_one_finding_per_command_and_mixed_packages(void **state)
{
    /* a fix for a command that also installs transformers would break it */
    EXPECT(CUDA121 "RUN pip install transformers==4.46.0 torchvision==0.20.1 torch==2.5.1\n",
           {"ED201", 2, 38, 49, ED_SEV_ERROR, "pip installs torchvision" NO_INDEX FOR121, NULL});
    EXPECT(CUDA121 "RUN pip install torch==2.5.1 && pip install torchaudio==2.5.1\n",
           {"ED201", 2, 17, 22, ED_SEV_ERROR, "pip installs torch" NO_INDEX FOR121,
            CUDA121 "RUN pip install torch==2.5.1 --index-url " URL121
                    " && pip install torchaudio==2.5.1\n"},
           {"ED201", 2, 45, 55, ED_SEV_ERROR, "pip installs torchaudio" NO_INDEX FOR121,
            CUDA121 "RUN pip install torch==2.5.1 && pip install torchaudio==2.5.1 "
                    "--index-url " URL121 "\n"});
}

/* ---- ED202 torch-cuda-mismatch ------------------------------------------ */

static void test_ed202_item18_best_index_for_the_minor_is_silent(void **state)
{
    /* 12.2 + cu121: there is no cu122, cu121 is the best there is */
    expect_silent("FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04\n"
                  "RUN pip install torch==2.3.1 --index-url " URL121 "\n");
    /* 12.5 + cu124: likewise */
    expect_silent("FROM nvidia/cuda:12.5.1-runtime-ubuntu22.04\n"
                  "RUN pip install torch==2.5.1 --index-url " URL124 "\n");
    /* 12.4 + cu121 for torch 2.3, which has no cu124 */
    expect_silent(CUDA124 "RUN pip install torch==2.3.1 --index-url " URL121 "\n");
}

static void test_ed202_item18_old_index_on_new_image(void **state)
{
    const char *text = "FROM nvidia/cuda:12.8.1-runtime-ubuntu22.04\n"
                       "RUN pip install torch==2.7.1 --index-url " URL118 "\n";
    EXPECT(text, {"ED202", 2, 42, 80, ED_SEV_ERROR,
                  "torch comes from the cu118 index (CUDA 11.8), but "
                  "nvidia/cuda:12.8.1-runtime-ubuntu22.04 has CUDA 12.8.1, another major "
                  "version; use cu128",
                  "FROM nvidia/cuda:12.8.1-runtime-ubuntu22.04\n"
                  "RUN pip install torch==2.7.1 --index-url " URL128 "\n"});
}

static void test_ed202_newer_and_older_minor(void **state)
{
    EXPECT(CUDA121 "RUN pip install torch==2.5.1 --index-url=" URL124 "\n",
           {"ED202", 2, 42, 80, ED_SEV_ERROR,
            "torch comes from the cu124 index (CUDA 12.4), newer than the CUDA 12.1.1 of " IMG121
            " (hosts set up for the image may lack the driver it needs); use cu121",
            CUDA121 "RUN pip install torch==2.5.1 --index-url=" URL121 "\n"});
    EXPECT(CUDA124 "RUN pip install torch==2.5.1 -i " URL121 "\n",
           {"ED202", 2, 33, 71, ED_SEV_WARNING,
            "torch comes from the cu121 index (CUDA 12.1), older than the CUDA 12.4.1 of " IMG124
            "; use cu124, which matches it",
            CUDA124 "RUN pip install torch==2.5.1 -i " URL124 "\n"});
}

static void test_ed202_env_index_reported_once_and_labels(void **state)
{
    const char *text = CUDA124 "ENV PIP_INDEX_URL=\"https://download.pytorch.org/whl/cu118\"\n"
                               "RUN pip install torch==2.5.1\n"
                               "RUN pip install torchvision==0.20.1\n";
    EXPECT(text, {"ED202", 2, 19, 59, ED_SEV_ERROR,
                  "torch comes from the cu118 index in PIP_INDEX_URL (CUDA 11.8), but " IMG124
                  " has CUDA 12.4.1, another major version; use cu124",
                  CUDA124 "ENV PIP_INDEX_URL=\"https://download.pytorch.org/whl/cu124\"\n"
                          "RUN pip install torch==2.5.1\nRUN pip install torchvision==0.20.1\n"});
    EXPECT(CUDA121 "RUN pip install \"torch==2.1.0+cu118\" -f "
                   "https://download.pytorch.org/whl/torch_stable.html\n",
           {"ED202", 2, 30, 36, ED_SEV_ERROR,
            "torch==2.1.0+cu118 is a CUDA 11.8 build, but " IMG121
            " has CUDA 12.1.1, another major version; use cu121",
            CUDA121 "RUN pip install \"torch==2.1.0+cu121\" -f "
                    "https://download.pytorch.org/whl/torch_stable.html\n"});
    /* a command-prefix variable points at its own value */
    EXPECT(CUDA124 "RUN PIP_INDEX_URL=" URL118 " pip install torch==2.5.1\n",
           {"ED202", 2, 19, 57, ED_SEV_ERROR,
            "torch comes from the cu118 index in PIP_INDEX_URL (CUDA 11.8), but " IMG124
            " has CUDA 12.4.1, another major version; use cu124",
            CUDA124 "RUN PIP_INDEX_URL=https://download.pytorch.org/whl/cu124 pip install "
                    "torch==2.5.1\n"});
}

static void test_ed202_parent_stage_env_reported_once(void **state)
{
    /* items 13-14: two stages built FROM a base that sets the index */
#define BASE "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS base\nENV PIP_INDEX_URL="
#define REST                                                                                 \
    "\nFROM base AS train\nRUN pip install torch==2.5.1\n"                                   \
    "FROM base AS serve\nRUN pip install torchvision==0.20.1\n"
    EXPECT(BASE "https://download.pytorch.org/whl/cu118" REST,
           {"ED202", 2, 19, 57, ED_SEV_ERROR,
            "torch comes from the cu118 index in PIP_INDEX_URL (CUDA 11.8), but " IMG124
            " has CUDA 12.4.1, another major version; use cu124",
            BASE URL124 REST});
#undef BASE
#undef REST
}

static void test_ed202_item17_image_families(void **state)
{
    EXPECT("FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime\n"
           "RUN pip install torchvision==0.16.0 --index-url " URL118 "\n",
           {"ED202", 2, 49, 87, ED_SEV_ERROR,
            "torchvision comes from the cu118 index (CUDA 11.8), but "
            "pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime has CUDA 12.1, another major version; "
            "use cu121",
            "FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime\n"
            "RUN pip install torchvision==0.16.0 --index-url " URL121 "\n"});
    /* NGC 23.10's CUDA comes from an unverified table row: at most a warning */
    EXPECT("FROM nvcr.io/nvidia/pytorch:23.10-py3\n"
           "RUN pip install torchaudio==2.1.0 --index-url " URL118 "\n",
           {"ED202", 2, 47, 85, ED_SEV_WARNING,
            "torchaudio comes from the cu118 index (CUDA 11.8), but "
            "nvcr.io/nvidia/pytorch:23.10-py3 has CUDA 12.2.2 (unverified), another major version; "
            "use cu121",
            "FROM nvcr.io/nvidia/pytorch:23.10-py3\n"
            "RUN pip install torchaudio==2.1.0 --index-url " URL121 "\n"});
    expect_silent("FROM vllm/vllm-openai:v0.6.0\n"
                  "RUN pip install torch==2.4.0 --index-url " URL118 "\n");
}

static void test_ed202_each_stage_against_its_own_image(void **state)
{
    const char *text = "FROM nvidia/cuda:11.8.0-devel-ubuntu22.04 AS build\n"
                       "RUN pip wheel torch==2.5.1 --index-url " URL118 "\n"
                       "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                       "COPY --from=build /wheels /wheels\n"
                       "RUN pip install torch==2.5.1 --index-url " URL118 "\n";
    EXPECT(text, {"ED202", 5, 42, 80, ED_SEV_ERROR,
                  "torch comes from the cu118 index (CUDA 11.8), but " IMG124
                  " has CUDA 12.4.1, another major version; use cu124",
                  "FROM nvidia/cuda:11.8.0-devel-ubuntu22.04 AS build\n"
                  "RUN pip wheel torch==2.5.1 --index-url " URL118 "\n"
                  "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                  "COPY --from=build /wheels /wheels\n"
                  "RUN pip install torch==2.5.1 --index-url " URL124 "\n"});
}

static void test_ed202_uv_backend_onbuild_and_variables(void **state)
{
    EXPECT(CUDA124 "ONBUILD RUN uv pip install --system torch==2.5.1 --torch-backend=cu118\n",
           {"ED202", 2, 66, 71, ED_SEV_ERROR,
            "ONBUILD: torch comes from uv's --torch-backend=cu118 (CUDA 11.8), but " IMG124
            " has CUDA 12.4.1, another major version; use cu124",
            CUDA124 "ONBUILD RUN uv pip install --system torch==2.5.1 --torch-backend=cu124\n"});
    /* written through a variable: reported, but the fix cannot edit the URL */
    EXPECT(CUDA124 "ARG CU=cu118\nRUN pip install torch==2.5.1 --index-url "
                   "https://download.pytorch.org/whl/${CU}\n",
           {"ED202", 3, 42, 80, ED_SEV_ERROR,
            "torch comes from the cu118 index (CUDA 11.8), but " IMG124
            " has CUDA 12.4.1, another major version; use cu124",
            NULL});
    /* torch 2.0 has no CUDA 12 build: nothing to switch to */
    EXPECT(CUDA124 "RUN pip install torch==2.0.1 --index-url " URL118 "\n",
           {"ED202", 2, 42, 80, ED_SEV_ERROR,
            "torch comes from the cu118 index (CUDA 11.8), but " IMG124
            " has CUDA 12.4.1, another major version; torch 2.0.1 has no build for CUDA 12 "
            "(only cu117, cu118)",
            NULL});
}

static void test_ed202_conda_pytorch_cuda(void **state)
{
    EXPECT(CUDA124 "RUN conda install -y pytorch=2.4.0 pytorch-cuda=11.8 -c pytorch -c nvidia\n",
           {"ED202", 2, 49, 53, ED_SEV_ERROR,
            "conda installs pytorch-cuda=11.8 (CUDA 11.8), but " IMG124
            " has CUDA 12.4.1, another major version",
            NULL});
    /* conda has no pytorch-cuda=12.6; an older minor is no mistake there */
    expect_silent("FROM nvidia/cuda:12.6.3-runtime-ubuntu22.04\n"
                  "RUN conda install -y pytorch=2.5.1 pytorch-cuda=12.4 -c pytorch -c nvidia\n");
    expect_silent(CUDA124 "RUN conda install -y pytorch torchvision -c pytorch\n");
}

/* ---- ED203 torch-cpu-wheel-on-gpu-image --------------------------------- */

#define CPU_URL "https://download.pytorch.org/whl/cpu"

static void test_ed203_item19_cpu_index_on_cuda_image(void **state)
{
    EXPECT(CUDA121 "RUN pip install torch==2.5.1 --index-url " CPU_URL "\n",
           {"ED203", 2, 42, 78, ED_SEV_ERROR,
            "torch comes from the cpu index (CPU-only builds), but " IMG121
            " is a CUDA 12.1.1 image: torch will never use its GPU; use cu121",
            CUDA121 "RUN pip install torch==2.5.1 --index-url " URL121 "\n"});
}

static void test_ed203_item20_cpu_base_with_cpu_wheels_is_fine(void **state)
{
    expect_silent("FROM python:3.11-slim\nRUN pip install torch==2.5.1 --index-url " CPU_URL "\n");
    expect_silent("FROM python:3.11-slim\nRUN pip install torch==2.5.1+cpu -f "
                  "https://download.pytorch.org/whl/torch_stable.html\n");
}

static void test_ed203_label_backend_and_variables(void **state)
{
    EXPECT(CUDA124 "RUN pip install torch==2.5.1+cpu -f "
                   "https://download.pytorch.org/whl/torch_stable.html\n",
           {"ED203", 2, 29, 33, ED_SEV_ERROR,
            "torch==2.5.1+cpu is a CPU-only build, but " IMG124
            " is a CUDA 12.4.1 image: torch will never use its GPU; use cu124",
            CUDA124 "RUN pip install torch==2.5.1+cu124 -f "
                    "https://download.pytorch.org/whl/torch_stable.html\n"});
    EXPECT(CUDA124 "RUN uv pip install --system torch==2.5.1 --torch-backend cpu\n",
           {"ED203", 2, 58, 61, ED_SEV_ERROR,
            "torch comes from uv's --torch-backend=cpu (CPU-only builds), but " IMG124
            " is a CUDA 12.4.1 image: torch will never use its GPU; use cu124",
            CUDA124 "RUN uv pip install --system torch==2.5.1 --torch-backend cu124\n"});
    EXPECT(CUDA124 "ENV UV_TORCH_BACKEND=cpu\nRUN uv pip install --system torch==2.5.1\n",
           {"ED203", 2, 22, 25, ED_SEV_ERROR,
            "torch comes from UV_TORCH_BACKEND=cpu (CPU-only builds), but " IMG124
            " is a CUDA 12.4.1 image: torch will never use its GPU; use cu124",
            CUDA124 "ENV UV_TORCH_BACKEND=cu124\nRUN uv pip install --system torch==2.5.1\n"});
    EXPECT("FROM nvcr.io/nvidia/pytorch:23.10-py3\nENV PIP_EXTRA_INDEX_URL=" CPU_URL "\n"
           "RUN pip install torchvision==0.16.0\n",
           {"ED203", 2, 25, 61, ED_SEV_ERROR,
            "torchvision comes from the cpu index in PIP_EXTRA_INDEX_URL (CPU-only builds), but "
            "nvcr.io/nvidia/pytorch:23.10-py3 is a CUDA image: torch will never use its GPU",
            NULL});
}

/* ---- ED204 torch-extra-index-url ---------------------------------------- */

#define EXTRA_MSG(name, suffix, how, use)                                                    \
    "the " suffix " index is given with " how ", so pip also searches PyPI and installs the " \
    "newest " name " it finds on either, which can be PyPI's build for another CUDA; use " use

static void test_ed204_option_forms(void **state)
{
    EXPECT(CUDA124 "RUN pip install torch==2.5.1 --extra-index-url " URL124 "\n",
           {"ED204", 2, 30, 47, ED_SEV_WARNING,
            EXTRA_MSG("torch", "cu124", "--extra-index-url", "--index-url"),
            CUDA124 "RUN pip install torch==2.5.1 --index-url " URL124 "\n"});
    EXPECT(CUDA124 "RUN pip install torch==2.5.1 --extra-index-url=" URL124 "\n",
           {"ED204", 2, 30, 47, ED_SEV_WARNING,
            EXTRA_MSG("torch", "cu124", "--extra-index-url", "--index-url"),
            CUDA124 "RUN pip install torch==2.5.1 --index-url=" URL124 "\n"});
    EXPECT(CUDA124 "RUN [\"pip\", \"install\", \"torchvision==0.20.1\", "
                   "\"--extra-index-url\", \"" URL124 "\"]\n",
           {"ED204", 2, 48, 65, ED_SEV_WARNING,
            EXTRA_MSG("torchvision", "cu124", "--extra-index-url", "--index-url"),
            CUDA124 "RUN [\"pip\", \"install\", \"torchvision==0.20.1\", \"--index-url\", \"" URL124
                    "\"]\n"});
}

static void test_ed204_variables_and_files(void **state)
{
    const char *text = CUDA124 "ENV PIP_EXTRA_INDEX_URL=" URL124 "\n"
                               "RUN pip install torch==2.5.1\nRUN pip install torchaudio==2.5.1\n";
    EXPECT(text, {"ED204", 2, 5, 24, ED_SEV_WARNING,
                  EXTRA_MSG("torch", "cu124", "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL"),
                  CUDA124 "ENV PIP_INDEX_URL=" URL124 "\n"
                          "RUN pip install torch==2.5.1\nRUN pip install torchaudio==2.5.1\n"});
    EXPECT(CUDA124 "ARG PIP_EXTRA_INDEX_URL=" URL124 "\nRUN pip install torch==2.5.1\n",
           {"ED204", 2, 5, 24, ED_SEV_WARNING,
            EXTRA_MSG("torch", "cu124", "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL"),
            CUDA124 "ARG PIP_INDEX_URL=" URL124 "\nRUN pip install torch==2.5.1\n"});

    char *dir =
        make_context("requirements.txt", "--extra-index-url " URL124 "\ntorch==2.5.1\n", NULL);
    expect want[] = {{"ED204", 2, 20, 36, ED_SEV_WARNING,
                      "the cu124 index is given with --extra-index-url in requirements.txt, so pip "
                      "also searches PyPI and installs the newest torch it finds on either, which "
                      "can be PyPI's build for another CUDA; use --index-url",
                      NULL}};
    expect_in(CUDA124 "RUN pip install -r requirements.txt\n", dir, want, 1);
    remove_context(dir);
}

static void test_ed204_silent_forms(void **state)
{
    /* uv searches extra indexes first and stops at the first that has torch */
    expect_silent(CUDA124 "RUN uv pip install --system torch==2.5.1 "
                          "--extra-index-url " URL124 "\n");
    /* a local label exists only on PyTorch's index */
    expect_silent(CUDA124 "RUN pip install torch==2.5.1+cu124 --extra-index-url " URL124 "\n");
    /* PyTorch's index as the main one */
    expect_silent(CUDA124 "RUN pip install torch==2.5.1 --index-url " URL124
                          " --extra-index-url https://pypi.org/simple\n");
    /* an extra index that is not PyTorch's */
    expect_silent(CUDA124 "RUN pip install torch==2.5.1 --index-url " URL124
                          " --extra-index-url https://pypi.nvidia.com\n");
}

/* ---- ED205 torch-version-not-on-index ----------------------------------- */

static void test_ed205_version_missing_from_index(void **state)
{
    EXPECT(CUDA124 "RUN pip install \"torch==2.1.0\" --index-url " URL124 "\n",
           {"ED205", 2, 18, 23, ED_SEV_ERROR,
            "torch 2.1.0 is not on the cu124 index: PyTorch built torch 2.1 for cu118, cu121 only",
            NULL});
    EXPECT(CUDA121 "RUN pip install torch==2.1.0+cu124 -f "
                   "https://download.pytorch.org/whl/torch_stable.html\n",
           {"ED205", 2, 17, 22, ED_SEV_ERROR,
            "torch 2.1.0+cu124 was never published: PyTorch built torch 2.1 for cu118, cu121 only",
            NULL},
           {"ED202", 2, 29, 35, ED_SEV_ERROR,
            "torch==2.1.0+cu124 is a CUDA 12.4 build, newer than the CUDA 12.1.1 of " IMG121
            " (hosts set up for the image may lack the driver it needs); use cu121",
            CUDA121 "RUN pip install torch==2.1.0+cu121 -f "
                    "https://download.pytorch.org/whl/torch_stable.html\n"});
    EXPECT(CUDA124 "RUN uv pip install --system torch==2.7.1 --torch-backend=cu124\n",
           {"ED205", 2, 29, 34, ED_SEV_ERROR,
            "torch 2.7.1 has no cu124 build, which uv's --torch-backend=cu124 asks for: PyTorch "
            "built torch 2.7 for cu118, cu126, cu128 only",
            NULL});
}

static void test_ed205_item27_valid_pins_are_silent(void **state)
{
    /* item 27: torch 2.0.1 + cu118 on CUDA 11.8 is a published combination */
    expect_silent("FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\n"
                  "RUN pip install torch==2.0.1 --index-url " URL118 "\n");
    /* item 7: torch 2.5.0 from cu118 on 11.8 exists too */
    expect_silent("FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\n"
                  "RUN pip install \"torch==2.5.0\" --index-url " URL118 "\n");
    /* one of two CUDA indexes has it */
    expect_silent("FROM python:3.11-slim\nRUN pip install torch==2.1.0 --index-url " URL124
                  " --extra-index-url " URL121 "\n");
    /* unknown release, ranges, torchvision (no table), nightlies */
    expect_silent(CUDA124 "RUN pip install torch==2.15.0 --index-url " URL124 "\n");
    expect_silent(CUDA124 "RUN pip install \"torch>=2.1,<2.2\" --index-url " URL124 "\n");
    expect_silent(CUDA124 "RUN pip install torchvision==0.16.0 --index-url " URL124 "\n");
    expect_silent(CUDA124 "RUN pip install --pre torch==2.6.0.dev20241112 --index-url "
                          "https://download.pytorch.org/whl/nightly/cu124\n");
}

static void test_ed205_requirements_file_line(void **state)
{
    char *dir = make_context("requirements.txt", "# pinned\nnumpy==1.26.4\ntorch==2.1.2\n", NULL);
    expect want[] = {{"ED205", 2, 20, 36, ED_SEV_ERROR,
                      "torch 2.1.2 (requirements.txt:3) is not on the cu124 index: PyTorch built "
                      "torch 2.1 for cu118, cu121 only",
                      NULL}};
    expect_in(CUDA124 "RUN pip install -r requirements.txt --index-url " URL124 "\n", dir, want, 1);
    remove_context(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_doc_examples, teardown),
        cmocka_unit_test_teardown(test_ed201_item1_pip3, teardown),
        cmocka_unit_test_teardown(test_ed201_item2_python_m_pip_and_uv_pip, teardown),
        cmocka_unit_test_teardown(test_ed201_item3_short_i_and_equals_forms, teardown),
        cmocka_unit_test_teardown(test_ed201_item4_force_reinstall_and_rm_f, teardown),
        cmocka_unit_test_teardown(test_ed201_item5_names_that_only_contain_torch, teardown),
        cmocka_unit_test_teardown(test_ed201_item7_quoted_and_ranged_specs, teardown),
        cmocka_unit_test_teardown(test_ed201_item8_requirements_files, teardown),
        cmocka_unit_test_teardown(test_ed201_item9_heredoc_exec_form_onbuild, teardown),
        cmocka_unit_test_teardown(test_ed201_item10_comment_inside_continuation, teardown),
        cmocka_unit_test_teardown(test_ed201_item24_index_from_variables, teardown),
        cmocka_unit_test_teardown(test_ed201_image_through_platform_arg_and_stage_chain, teardown),
        cmocka_unit_test_teardown(test_ed201_only_gpu_stages, teardown),
        cmocka_unit_test_teardown(test_ed201_builder_pattern_and_wheelhouse, teardown),
        cmocka_unit_test_teardown(test_ed201_indexes_it_cannot_see_into, teardown),
        cmocka_unit_test_teardown(test_ed201_one_finding_per_command_and_mixed_packages, teardown),
        cmocka_unit_test_teardown(test_ed202_item18_best_index_for_the_minor_is_silent, teardown),
        cmocka_unit_test_teardown(test_ed202_item18_old_index_on_new_image, teardown),
        cmocka_unit_test_teardown(test_ed202_newer_and_older_minor, teardown),
        cmocka_unit_test_teardown(test_ed202_env_index_reported_once_and_labels, teardown),
        cmocka_unit_test_teardown(test_ed202_parent_stage_env_reported_once, teardown),
        cmocka_unit_test_teardown(test_ed202_item17_image_families, teardown),
        cmocka_unit_test_teardown(test_ed202_each_stage_against_its_own_image, teardown),
        cmocka_unit_test_teardown(test_ed202_uv_backend_onbuild_and_variables, teardown),
        cmocka_unit_test_teardown(test_ed202_conda_pytorch_cuda, teardown),
        cmocka_unit_test_teardown(test_ed203_item19_cpu_index_on_cuda_image, teardown),
        cmocka_unit_test_teardown(test_ed203_item20_cpu_base_with_cpu_wheels_is_fine, teardown),
        cmocka_unit_test_teardown(test_ed203_label_backend_and_variables, teardown),
        cmocka_unit_test_teardown(test_ed204_option_forms, teardown),
        cmocka_unit_test_teardown(test_ed204_variables_and_files, teardown),
        cmocka_unit_test_teardown(test_ed204_silent_forms, teardown),
        cmocka_unit_test_teardown(test_ed205_version_missing_from_index, teardown),
        cmocka_unit_test_teardown(test_ed205_item27_valid_pins_are_silent, teardown),
        cmocka_unit_test_teardown(test_ed205_requirements_file_line, teardown),
    };
    return cmocka_run_group_tests_name("torch rules", tests, NULL, NULL);
}
