/* The framework rules (ED206-ED211): TensorFlow, JAX, unpinned frameworks
 * and wrong package names. Each test lints a Dockerfile and checks every
 * finding of one rule: position (line, column, end column), severity and
 * the whole message; fixes are applied to the text and the result compared.
 * Tests named itemNN are the cases of env-doctor-python.md section 4.1. */
#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>

#include "envdoctor/engine.h"
#include "rule_harness.h"


/* Lints text; context is the build context (NULL: none, so no
 * requirements file is read); gpu is the --gpu mode (0 auto, 2 never). */
static void lint_in(const char *text, const char *context, int gpu)
{
    if (arena)
        ed_arena_free(arena);
    arena = ed_arena_new();
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "<stdin>", text, strlen(text));
    ed_options options = {.context_dir = context, .gpu = gpu};
    ed_lint_dockerfile(arena, src, &options, &result);
}

static void lint(const char *text)
{
    lint_in(text, NULL, 0);
}

static void check(const char *text, const char *rule, const expect *want, size_t n)
{
    lint(text);
    expect_findings(rule, want, n);
}

static void silent(const char *text, const char *rule)
{
    check(text, rule, NULL, 0);
}

/* The k-th finding's fix applied to `text` gives `fixed`. */
static void expect_fix(const char *rule, size_t k, const char *text, const char *fixed)
{
    const ed_finding *f = finding(rule, k);
    assert_non_null(f);
    assert_non_null(f->fix);
    assert_true(f->fix->start <= f->fix->end && f->fix->end <= strlen(text));
    char *out = ed_arena_printf(arena, "%.*s%s%s", (int)f->fix->start, text, f->fix->replacement,
                                text + f->fix->end);
    assert_string_equal(out, fixed);
}

static void expect_fix_description(const char *rule, size_t k, const char *description)
{
    const ed_finding *f = finding(rule, k);
    assert_non_null(f);
    assert_non_null(f->fix);
    assert_string_equal(f->fix->description, description);
}

static void expect_no_fix(const char *rule, size_t k)
{
    const ed_finding *f = finding(rule, k);
    assert_non_null(f);
    assert_null(f->fix);
}

/* ---- a build context with requirements files ---- */

static char context[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", context, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0700);
    *slash = '/';
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void make_context(void)
{
    snprintf(context, sizeof context, "/tmp/env-doctor-fw-XXXXXX");
    assert_non_null(mkdtemp(context));
}

static void remove_context(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", context);
    assert_int_equal(system(cmd), 0);
}

#define RT "nvidia/cuda:12.4.1-runtime-ubuntu22.04"
#define FROM_RT "FROM " RT "\n"
#define CU124 "--index-url https://download.pytorch.org/whl/cu124"

/* ==== ED206 tensorflow-gpu-deprecated ==================================== */

#define TF_GPU_REASON                                                                              \
    "`tensorflow-gpu` was removed: its last PyPI release (2.12.0) is a stub that raises "          \
    "\"The tensorflow-gpu package has been removed\"; since TF 2.1 `tensorflow` itself has "       \
    "GPU support on Linux"
#define TF_GPU_FIX(name)                                                                           \
    "Replace tensorflow-gpu with " name " (safe: the same TensorFlow code, which has had GPU "     \
    "support since TF 2.1)"

static void test_ed206_unpinned_fix_quotes_the_word(void **state)
{
    const char *text = FROM_RT "RUN pip install --no-cache-dir tensorflow-gpu numpy\n";
    expect want[] = {{2, 32, 46, ED_SEV_WARNING,
                      "tensorflow-gpu: " TF_GPU_REASON "; install tensorflow[and-cuda] instead"}};
    check(text, "ED206", want, 1);
    /* an unquoted [...] is a shell glob: the fix quotes the word */
    expect_fix("ED206", 0, text,
               FROM_RT "RUN pip install --no-cache-dir \"tensorflow[and-cuda]\" numpy\n");
    expect_fix_description("ED206", 0, TF_GPU_FIX("tensorflow[and-cuda]"));
}

static void test_ed206_old_pin_keeps_version_without_extra(void **state)
{
    const char *text = FROM_RT "RUN pip install tensorflow-gpu==2.10.0\n";
    expect want[] = {{2, 17, 31, ED_SEV_WARNING,
                      "tensorflow-gpu==2.10.0: " TF_GPU_REASON
                      "; install tensorflow==2.10.0 instead (2.10.0 predates the [and-cuda] "
                      "extra)"}};
    check(text, "ED206", want, 1);
    expect_fix("ED206", 0, text, FROM_RT "RUN pip install tensorflow==2.10.0\n");
    expect_fix_description("ED206", 0, TF_GPU_FIX("tensorflow"));
}

static void test_ed206_quoted_range_with_pip3(void **state)
{
    /* quoted: only the name token changes; a range is not a pin */
    const char *text = FROM_RT "RUN pip3 install \"tensorflow-gpu>=2.4\"\n";
    expect want[] = {{2, 19, 33, ED_SEV_WARNING,
                      "tensorflow-gpu>=2.4: " TF_GPU_REASON
                      "; install tensorflow[and-cuda]>=2.4 instead"}};
    check(text, "ED206", want, 1);
    expect_fix("ED206", 0, text, FROM_RT "RUN pip3 install \"tensorflow[and-cuda]>=2.4\"\n");
}

static void test_ed206_item21_cpu_only_image(void **state)
{
    /* §4.1 item 21: tensorflow-gpu on python:3.10 is seen (any stage) */
    expect want[] = {{2, 17, 31, ED_SEV_WARNING,
                      "tensorflow-gpu: " TF_GPU_REASON "; install tensorflow[and-cuda] instead"}};
    check("FROM python:3.10\nRUN pip install tensorflow-gpu\n", "ED206", want, 1);
}

static void test_ed206_every_python_installer(void **state)
{
    /* python -m pip, uv pip (a PEP 503 spelling), pip download, pip wheel */
    const char *text = "FROM python:3.11\n"
                       "RUN python3 -m pip install Tensorflow_GPU==2.11.0 && \\\n"
                       "    uv pip install --system tensorflow.gpu\n"
                       "RUN pip download tensorflow-gpu && pip wheel tensorflow-gpu\n";
    expect want[] = {
        {2, 28, 42, ED_SEV_WARNING,
         "Tensorflow_GPU==2.11.0: " TF_GPU_REASON
         "; install tensorflow==2.11.0 instead (2.11.0 predates the [and-cuda] extra)"},
        {3, 29, 43, ED_SEV_WARNING,
         "tensorflow.gpu: " TF_GPU_REASON "; install tensorflow[and-cuda] instead"},
        {4, 18, 32, ED_SEV_WARNING,
         "tensorflow-gpu: " TF_GPU_REASON "; install tensorflow[and-cuda] instead"},
        {4, 46, 60, ED_SEV_WARNING,
         "tensorflow-gpu: " TF_GPU_REASON "; install tensorflow[and-cuda] instead"},
    };
    check(text, "ED206", want, 4);
    expect_fix("ED206", 0, text,
               "FROM python:3.11\n"
               "RUN python3 -m pip install tensorflow==2.11.0 && \\\n"
               "    uv pip install --system tensorflow.gpu\n"
               "RUN pip download tensorflow-gpu && pip wheel tensorflow-gpu\n");
}

static void test_ed206_look_alikes_are_silent(void **state)
{
    silent(FROM_RT "RUN pip uninstall -y tensorflow-gpu\n"
                   "RUN conda install -y tensorflow-gpu\n"
                   "RUN pip install tensorflow-gpu-estimator tensorflow tensorflow_hub\n"
                   "RUN pip install ./wheels/tensorflow_gpu-2.10.0-cp310-cp310-linux_x86_64.whl\n",
           "ED206");
}

static void test_ed206_item9_exec_form_heredoc_onbuild(void **state)
{
    const char *text = FROM_RT "RUN [\"pip\", \"install\", \"tensorflow-gpu\"]\n"
                               "RUN <<EOF\n"
                               "set -e\n"
                               "pip install tensorflow-gpu\n"
                               "EOF\n"
                               "ONBUILD RUN pip install tensorflow-gpu\n";
    expect want[] = {
        {2, 25, 39, ED_SEV_WARNING,
         "tensorflow-gpu: " TF_GPU_REASON "; install tensorflow[and-cuda] instead"},
        {5, 13, 27, ED_SEV_WARNING,
         "tensorflow-gpu: " TF_GPU_REASON "; install tensorflow[and-cuda] instead"},
        {7, 25, 39, ED_SEV_WARNING,
         "tensorflow-gpu in an ONBUILD trigger: " TF_GPU_REASON
         "; install tensorflow[and-cuda] instead"},
    };
    check(text, "ED206", want, 3);
    /* exec form: no shell, so no quotes are added inside the JSON string */
    expect_fix("ED206", 0, text,
               FROM_RT "RUN [\"pip\", \"install\", \"tensorflow[and-cuda]\"]\n"
                       "RUN <<EOF\n"
                       "set -e\n"
                       "pip install tensorflow-gpu\n"
                       "EOF\n"
                       "ONBUILD RUN pip install tensorflow-gpu\n");
    expect_fix("ED206", 1, text,
               FROM_RT "RUN [\"pip\", \"install\", \"tensorflow-gpu\"]\n"
                       "RUN <<EOF\n"
                       "set -e\n"
                       "pip install \"tensorflow[and-cuda]\"\n"
                       "EOF\n"
                       "ONBUILD RUN pip install tensorflow-gpu\n");
}

static void test_ed206_item8_requirements_file_line(void **state)
{
    make_context();
    write_file("requirements.txt", "numpy==1.26.4\ntensorflow-gpu==2.12.0\n");
    lint_in("FROM python:3.11\nCOPY requirements.txt /app/\n"
            "RUN pip install -r /app/requirements.txt\n",
            context, 0);
    /* the finding sits on the FILE word of -r FILE */
    expect want[] = {{3, 20, 41, ED_SEV_WARNING,
                      "tensorflow-gpu==2.12.0 (requirements.txt:2): " TF_GPU_REASON
                      "; install tensorflow==2.12.0 instead (2.12.0 predates the [and-cuda] "
                      "extra)"}};
    expect_findings("ED206", want, 1);
    expect_no_fix("ED206", 0); /* the line is in another file */
    remove_context();
}

static void test_ed206_is_not_also_ed211(void **state)
{
    silent(FROM_RT "RUN pip install tensorflow-gpu\n", "ED211");
    assert_int_equal(count("ED206"), 1);
}

/* ==== ED207 tensorflow-without-cuda-extra ================================ */

#define TF_NO_EXTRA(spec, image, lacks)                                                            \
    spec " is installed without the [and-cuda] extra on " image ", " lacks                         \
         ": this TensorFlow loads CUDA and cuDNN from the pip wheels that [and-cuda] brings, "     \
         "so without them it runs on the CPU only"
#define TF_FIX                                                                                     \
    "Add the [and-cuda] extra (safe: the same TensorFlow, plus NVIDIA's CUDA and cuDNN pip "       \
    "wheels)"

static void test_ed207_item26_fix_keeps_the_rest_of_the_line(void **state)
{
    /* §4.1 item 26: the fix rewrites the one package word; numpy and the
     * options stay */
    const char *text = FROM_RT "RUN pip install --no-cache-dir tensorflow==2.15.0 numpy pandas\n";
    expect want[] = {
        {2, 32, 42, ED_SEV_WARNING, TF_NO_EXTRA("tensorflow==2.15.0", RT, "which has no cuDNN")}};
    check(text, "ED207", want, 1);
    expect_fix("ED207", 0, text,
               FROM_RT
               "RUN pip install --no-cache-dir \"tensorflow[and-cuda]==2.15.0\" numpy pandas\n");
    expect_fix_description("ED207", 0, TF_FIX);
}

static void test_ed207_item6_look_alikes_and_quoted_extra(void **state)
{
    /* §4.1 item 6: tensorflow-datasets / tensorflow-hub are other packages;
     * "tensorflow[and-cuda]==2.15.0" in quotes is tensorflow with the extra */
    silent(FROM_RT "RUN pip install tensorflow-datasets tensorflow-hub tensorflow_text\n", "ED207");
    silent(FROM_RT "RUN pip install \"tensorflow[and-cuda]==2.15.0\"\n", "ED207");
    /* ... and read as tensorflow: unpinned, it is ED210's (at the name,
     * inside the quotes) */
    expect want[] = {{2, 18, 28, ED_SEV_INFO,
                      "tensorflow[and-cuda] is not pinned: each rebuild can install a newer "
                      "release, built for another CUDA and needing another driver; pin it with "
                      "=="}};
    check(FROM_RT "RUN pip install \"tensorflow[and-cuda]\" tensorflow-datasets\n", "ED210", want,
          1);
}

static void test_ed207_versions(void **state)
{
    /* unpinned and lower-bound-only ranges get the newest release */
    const char *text = FROM_RT "RUN pip install tensorflow\n"
                               "RUN pip install \"tensorflow>=2.10\"\n"
                               "RUN pip install tensorflow~=2.15.0\n";
    expect want[] = {
        {2, 17, 27, ED_SEV_WARNING, TF_NO_EXTRA("tensorflow", RT, "which has no cuDNN")},
        {3, 18, 28, ED_SEV_WARNING, TF_NO_EXTRA("tensorflow>=2.10", RT, "which has no cuDNN")},
        {4, 17, 27, ED_SEV_WARNING, TF_NO_EXTRA("tensorflow~=2.15.0", RT, "which has no cuDNN")},
    };
    check(text, "ED207", want, 3);
    /* quoted word: the extra goes in behind the name */
    expect_fix("ED207", 1, text,
               FROM_RT "RUN pip install tensorflow\n"
                       "RUN pip install \"tensorflow[and-cuda]>=2.10\"\n"
                       "RUN pip install tensorflow~=2.15.0\n");
    /* before 2.14 TF uses the image's CUDA; open ranges are not guessed */
    silent(FROM_RT "RUN pip install tensorflow==2.13.1 \"tensorflow<2.16\"\n", "ED207");
}

static void test_ed207_images_with_or_without_known_cudnn(void **state)
{
    silent("FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04\nRUN pip install tensorflow\n",
           "ED207");
    silent("FROM tensorflow/tensorflow:2.15.0-gpu\nRUN pip install tensorflow==2.15.0\n", "ED207");
    silent("FROM nvcr.io/nvidia/tensorflow:24.05-tf2-py3\nRUN pip install tensorflow\n", "ED207");
    silent("FROM acme/gpu-base:1\nRUN pip install tensorflow\n", "ED207");
    silent("FROM rocm/tensorflow:latest\nRUN pip install tensorflow\n", "ED207");
    /* a CPU workload on a CPU image is fine */
    silent("FROM python:3.11-slim\nRUN pip install tensorflow==2.15.0\n", "ED207");
    /* --gpu never: no stage is meant for a GPU */
    lint_in(FROM_RT "RUN pip install tensorflow\n", NULL, 2);
    expect_findings("ED207", NULL, 0);
}

static void test_ed207_cpu_only_image_in_gpu_stage(void **state)
{
    const char *text = "FROM python:3.11-slim\n"
                       "RUN pip install torch==2.5.1 " CU124 "\n"
                       "RUN pip install tensorflow==2.16.1\n";
    expect want[] = {{3, 17, 27, ED_SEV_WARNING,
                      TF_NO_EXTRA("tensorflow==2.16.1", "python:3.11-slim",
                                  "a CPU-only image, although the stage is meant for a GPU (it "
                                  "installs torch from the cu124 index)")}};
    check(text, "ED207", want, 1);
}

static void test_ed207_cudnn_from_elsewhere(void **state)
{
    silent(FROM_RT "RUN pip install tensorflow==2.15.0 nvidia-cudnn-cu12==8.9.4.25\n", "ED207");
    silent(FROM_RT "RUN apt-get update && apt-get install -y libcudnn8\n"
                   "RUN pip install tensorflow==2.15.0\n",
           "ED207");
    /* a stage chain: the base stage brought the wheels */
    silent("FROM " RT " AS base\nRUN pip install \"tensorflow[and-cuda]==2.15.0\"\n"
           "FROM base\nRUN pip install -U tensorflow==2.15.0\n",
           "ED207");
}

static void test_ed207_item25_no_false_claim_of_verified(void **state)
{
    /* §4.1 item 25: torch cu130 plus an unpinned tensorflow on a CUDA 13
     * runtime image is not "verified": TF gets no cuDNN (a warning) and
     * floats (info) */
    const char *text = "FROM nvidia/cuda:13.0.0-runtime-ubuntu24.04\n"
                       "RUN pip install torch==2.9.1 --index-url "
                       "https://download.pytorch.org/whl/cu130\n"
                       "RUN pip install tensorflow\n";
    expect want[] = {{3, 17, 27, ED_SEV_WARNING,
                      TF_NO_EXTRA("tensorflow", "nvidia/cuda:13.0.0-runtime-ubuntu24.04",
                                  "which has no cuDNN")}};
    check(text, "ED207", want, 1);
    assert_int_equal(count("ED210"), 1);
    assert_int_equal(finding("ED210", 0)->begin.line, 3);
}

static void test_ed207_items10_11_12_continuation_platform_arg(void **state)
{
    /* FROM --platform, ARG in FROM, a comment line inside a continuation */
    const char *text = "ARG CUDA=12.4.1\n"
                       "FROM --platform=linux/amd64 nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n"
                       "RUN pip install --no-cache-dir \\\n"
                       "# the framework\n"
                       "    tensorflow==2.15.0\n";
    expect want[] = {
        {5, 5, 15, ED_SEV_WARNING, TF_NO_EXTRA("tensorflow==2.15.0", RT, "which has no cuDNN")}};
    check(text, "ED207", want, 1);
    expect_fix("ED207", 0, text,
               "ARG CUDA=12.4.1\n"
               "FROM --platform=linux/amd64 nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n"
               "RUN pip install --no-cache-dir \\\n"
               "# the framework\n"
               "    \"tensorflow[and-cuda]==2.15.0\"\n");
}

static void test_ed207_onbuild_and_requirements_file(void **state)
{
    make_context();
    write_file("reqs/gpu.txt", "# TF\ntensorflow==2.17.0 ; sys_platform == 'linux'\n");
    lint_in(FROM_RT "COPY reqs/gpu.txt /reqs/\n"
                    "RUN python -m pip install -r /reqs/gpu.txt\n"
                    "ONBUILD RUN uv pip install --system tensorflow==2.15.0\n",
            context, 0);
    expect want[] = {
        {3, 30, 43, ED_SEV_WARNING,
         TF_NO_EXTRA("tensorflow==2.17.0 (reqs/gpu.txt:2)", RT, "which has no cuDNN")},
        {4, 37, 47, ED_SEV_WARNING,
         TF_NO_EXTRA("tensorflow==2.15.0 in an ONBUILD trigger", RT, "which has no cuDNN")},
    };
    expect_findings("ED207", want, 2);
    expect_no_fix("ED207", 0);
    remove_context();
}

/* ==== ED208 jax-without-cuda ============================================== */

#define JAX_CPU(subject, why, intent, advice)                                                      \
    subject " is the CPU build: " why ", so JAX runs on the CPU only, although the stage is "      \
            "meant for a GPU (" intent "); install " advice " instead"
#define NO_CUDA "no CUDA extra or CUDA plugin is installed"
#define ON_CUDA "it is built on a CUDA image"
#define JAX12 "jax[cuda12] (CUDA 12, like the image's CUDA 12.4.1)"
#define JAX_BOTH "jax[cuda12] (driver >= 525) or jax[cuda13] (driver >= 580)"

static void test_ed208_plain_jax_on_cuda_image(void **state)
{
    const char *text = FROM_RT "RUN pip install --no-cache-dir jax==0.6.2 optax\n";
    expect want[] = {{2, 32, 35, ED_SEV_ERROR, JAX_CPU("jax==0.6.2", NO_CUDA, ON_CUDA, JAX12)}};
    check(text, "ED208", want, 1);
    expect_fix("ED208", 0, text,
               FROM_RT "RUN pip install --no-cache-dir \"jax[cuda12]==0.6.2\" optax\n");
    expect_fix_description("ED208", 0,
                           "Install jax[cuda12] (unsafe, a judgement: it adds NVIDIA's CUDA pip "
                           "wheels and a minimum host driver)");
}

static void test_ed208_item7_quoted_cuda_extra(void **state)
{
    /* §4.1 item 7: "jax[cuda12]" in quotes is a CUDA install */
    silent(FROM_RT "RUN pip install \"jax[cuda12]\"\n", "ED208");
    silent(FROM_RT "RUN pip install 'jax[CUDA12]==0.6.2'\n", "ED208");
    /* ... read as jax (ED210 points inside the quotes) */
    expect want[] = {{2, 18, 21, ED_SEV_INFO,
                      "jax[cuda12] is not pinned: each rebuild can install a newer release, "
                      "built for another CUDA and needing another driver; pin it with =="}};
    check(FROM_RT "RUN pip install \"jax[cuda12]\"\n", "ED210", want, 1);
}

static void test_ed208_jax_and_jaxlib_one_finding(void **state)
{
    expect want[] = {{2, 17, 20, ED_SEV_ERROR, JAX_CPU("jax", NO_CUDA, ON_CUDA, JAX12)}};
    check(FROM_RT "RUN pip install jax jaxlib\n", "ED208", want, 1);
    /* jaxlib alone is reported, without a fix (jax[cuda12] is another package) */
    expect want2[] = {{2, 17, 23, ED_SEV_ERROR, JAX_CPU("jaxlib==0.6.2", NO_CUDA, ON_CUDA, JAX12)}};
    check(FROM_RT "RUN pip install jaxlib==0.6.2\n", "ED208", want2, 1);
    expect_no_fix("ED208", 0);
}

static void test_ed208_cpu_and_removed_extras(void **state)
{
    const char *text = FROM_RT "RUN pip install \"jax[cpu]\"\n";
    expect want[] = {{2, 18, 21, ED_SEV_ERROR, JAX_CPU("jax[cpu]", NO_CUDA, ON_CUDA, JAX12)}};
    check(text, "ED208", want, 1);
    expect_no_fix("ED208", 0);
    /* jax[cuda12_pip] is gone from jax 0.6.0: pip ignores it */
    expect want2[] = {{2, 17, 20, ED_SEV_ERROR,
                       JAX_CPU("jax[cuda12_pip]",
                               "the [cuda12_pip] extra was removed in jax 0.6.0 and pip ignores it",
                               ON_CUDA, JAX12)}};
    check(FROM_RT "RUN pip install jax[cuda12_pip] -f "
                  "https://storage.googleapis.com/jax-releases/jax_cuda_releases.html\n",
          "ED208", want2, 1);
    /* ... but it existed in 0.4.30 */
    silent(FROM_RT "RUN pip install \"jax[cuda12_pip]==0.4.30\"\n", "ED208");
}

static void test_ed208_cuda_from_plugin_or_earlier_stage(void **state)
{
    silent(FROM_RT
           "RUN pip install jax==0.6.2 && \\\n"
           "    pip install \"jax-cuda12-plugin[with-cuda]==0.6.2\" jax-cuda12-pjrt==0.6.2\n",
           "ED208");
    silent(FROM_RT "RUN pip install jax==0.4.25 jaxlib==0.4.25+cuda12.cudnn89\n", "ED208");
    silent(FROM_RT "RUN conda install -y -c conda-forge jax \"jaxlib=*=*cuda*\"\n"
                   "RUN pip install jax\n",
           "ED208");
    /* a stage chain: the base stage installed the CUDA extra */
    silent("FROM " RT " AS base\nRUN pip install \"jax[cuda12]==0.6.2\"\n"
           "FROM base AS app\nRUN pip install flax jax==0.6.2\n",
           "ED208");
}

static void test_ed208_item13_stage_chain_without_cuda(void **state)
{
    const char *text = "FROM " RT " AS base\nRUN pip install numpy\n"
                       "FROM base AS app\nRUN pip install jax==0.6.2\n";
    expect want[] = {{4, 17, 20, ED_SEV_ERROR, JAX_CPU("jax==0.6.2", NO_CUDA, ON_CUDA, JAX12)}};
    check(text, "ED208", want, 1);
}

static void test_ed208_cpu_image_gpu_stage_names_both_majors(void **state)
{
    const char *text = "FROM python:3.11\n"
                       "RUN pip install torch==2.5.1 " CU124 " && pip install jax==0.6.2\n";
    expect want[] = {
        {2, 96, 99, ED_SEV_ERROR,
         JAX_CPU("jax==0.6.2", NO_CUDA, "it installs torch from the cu124 index", JAX_BOTH)}};
    check(text, "ED208", want, 1);
    expect_no_fix("ED208", 0);
    /* not meant for a GPU: a CPU JAX is what it wants */
    silent("FROM python:3.11\nRUN pip install jax==0.6.2\n", "ED208");
}

static void test_ed208_cuda13_image_gets_cuda13(void **state)
{
    const char *text =
        "FROM nvidia/cuda:13.0.2-runtime-ubuntu24.04\nRUN uv pip install --system jax\n";
    expect want[] = {
        {2, 29, 32, ED_SEV_ERROR,
         JAX_CPU("jax", NO_CUDA, ON_CUDA, "jax[cuda13] (CUDA 13, like the image's CUDA 13.0.2)")}};
    check(text, "ED208", want, 1);
    expect_fix("ED208", 0, text,
               "FROM nvidia/cuda:13.0.2-runtime-ubuntu24.04\n"
               "RUN uv pip install --system \"jax[cuda13]\"\n");
}

static void test_ed208_other_accelerators_and_builds_are_silent(void **state)
{
    silent(FROM_RT "RUN pip install \"jax[tpu]\"\n", "ED208");
    silent("FROM rocm/jax:latest\nRUN pip install jax\n", "ED208");
    silent("FROM nvcr.io/nvidia/jax:24.04-py3\nRUN pip install jax==0.4.26\n", "ED208");
    silent(FROM_RT "RUN pip install git+https://github.com/jax-ml/jax.git\n", "ED208");
    silent(FROM_RT "RUN pip install /wheels/jaxlib-0.4.30-cp311-cp311-manylinux2014_x86_64.whl\n",
           "ED208");
    lint_in(FROM_RT "RUN pip install jax\n", NULL, 2); /* --gpu never */
    expect_findings("ED208", NULL, 0);
}

static void test_ed208_item9_exec_form_and_onbuild(void **state)
{
    const char *text = FROM_RT "RUN [\"python3\", \"-m\", \"pip\", \"install\", \"jax\"]\n"
                               "ONBUILD RUN pip install jax==0.6.2\n";
    expect want[] = {
        {2, 42, 45, ED_SEV_ERROR, JAX_CPU("jax", NO_CUDA, ON_CUDA, JAX12)},
        {3, 25, 28, ED_SEV_ERROR,
         JAX_CPU("jax==0.6.2 in an ONBUILD trigger", NO_CUDA, ON_CUDA, JAX12)},
    };
    check(text, "ED208", want, 2);
    /* exec form: no shell, no quotes */
    expect_fix("ED208", 0, text,
               FROM_RT "RUN [\"python3\", \"-m\", \"pip\", \"install\", \"jax[cuda12]\"]\n"
                       "ONBUILD RUN pip install jax==0.6.2\n");
}

/* ==== ED209 jax-local-cuda-needs-devel =================================== */

#define LOCAL(subject, image, advice)                                                              \
    subject " uses the system's CUDA toolkit (ptxas, nvlink), but " image                          \
            " has no nvcc or ptxas and the stage installs no CUDA toolkit; use a -devel image, "   \
            "or " advice
#define WHEELS12 "jax[cuda12], whose pip wheels bring CUDA"

static void test_ed209_local_extra_on_runtime_image(void **state)
{
    const char *text =
        FROM_RT "RUN pip install \"jax[cuda12_local]==0.6.2\" \"jax[cuda12-local]\"\n";
    expect want[] = {
        {2, 18, 21, ED_SEV_WARNING, LOCAL("jax[cuda12_local]==0.6.2", RT, WHEELS12)},
        {2, 45, 48, ED_SEV_WARNING, LOCAL("jax[cuda12-local]", RT, WHEELS12)},
    };
    check(text, "ED209", want, 2);
    expect_no_fix("ED209", 0);
}

static void test_ed209_toolkit_present(void **state)
{
    silent("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN pip install \"jax[cuda12_local]\"\n",
           "ED209");
    silent(FROM_RT "RUN apt-get update && apt-get install -y cuda-nvcc-12-4\n"
                   "RUN pip install \"jax[cuda12_local]\"\n",
           "ED209");
    silent(FROM_RT "RUN pip install \"jax[cuda12_local]\" nvidia-cuda-nvcc-cu12\n", "ED209");
    /* the knowledge base does not know the image: silent */
    silent("FROM acme/gpu-base:1\nRUN pip install \"jax[cuda12_local]\"\n", "ED209");
}

static void test_ed209_toolkit_after_is_too_late(void **state)
{
    const char *text = FROM_RT "RUN pip install \"jax[cuda12_local]==0.6.2\"\n"
                               "RUN apt-get install -y cuda-nvcc-12-4\n";
    expect want[] = {{2, 18, 21, ED_SEV_WARNING, LOCAL("jax[cuda12_local]==0.6.2", RT, WHEELS12)}};
    check(text, "ED209", want, 1);
}

static void test_ed209_plugin_without_with_cuda(void **state)
{
    const char *text = FROM_RT "RUN pip install jax==0.6.2 jax-cuda12-plugin==0.6.2\n";
    expect want[] = {{2, 28, 45, ED_SEV_WARNING,
                      LOCAL("jax-cuda12-plugin==0.6.2", RT,
                            "jax-cuda12-plugin[with-cuda], whose pip wheels bring CUDA")}};
    check(text, "ED209", want, 1);
    expect_fix("ED209", 0, text,
               FROM_RT "RUN pip install jax==0.6.2 \"jax-cuda12-plugin[with-cuda]==0.6.2\"\n");
    silent(FROM_RT "RUN pip install \"jax-cuda12-plugin[with-cuda]\" jax-cuda12-pjrt\n", "ED209");
}

static void test_ed209_monolithic_jaxlib(void **state)
{
    const char *text = "FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04\n"
                       "RUN pip install jax==0.4.25 jaxlib==0.4.25+cuda12.cudnn89 -f "
                       "https://storage.googleapis.com/jax-releases/jax_cuda_releases.html\n";
    expect want[] = {{2, 29, 35, ED_SEV_WARNING,
                      LOCAL("jaxlib==0.4.25+cuda12.cudnn89 (a monolithic CUDA jaxlib)",
                            "nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04", WHEELS12)}};
    check(text, "ED209", want, 1);
    /* as a wheel URL, on a base image */
    const char *url = "FROM nvidia/cuda:12.4.1-base-ubuntu22.04\n"
                      "RUN pip install https://storage.googleapis.com/jax-releases/cuda12/"
                      "jaxlib-0.4.25+cuda12.cudnn89-cp311-cp311-manylinux2014_x86_64.whl\n";
    lint(url);
    assert_int_equal(count("ED209"), 1);
    silent("FROM nvidia/cuda:12.3.2-cudnn9-devel-ubuntu22.04\n"
           "RUN pip install jaxlib==0.4.25+cuda12.cudnn89\n",
           "ED209");
}

static void test_ed209_removed_local_extra_is_ed208s(void **state)
{
    /* jax[cuda11_local] is gone from 0.4.26: pip ignores it, JAX is CPU */
    const char *text = FROM_RT "RUN pip install \"jax[cuda11_local]\"\n";
    silent(text, "ED209");
    assert_int_equal(count("ED208"), 1);
}

static void test_ed209_item9_onbuild_heredoc_cpu_image(void **state)
{
    const char *text = "FROM python:3.11-slim\n"
                       "ENV NVIDIA_VISIBLE_DEVICES=all\n"
                       "RUN <<EOF\n"
                       "pip install 'jax[cuda13_local]==0.7.0'\n"
                       "EOF\n"
                       "ONBUILD RUN pip install jax-cuda13-plugin\n";
    expect want[] = {
        {4, 14, 17, ED_SEV_WARNING,
         LOCAL("jax[cuda13_local]==0.7.0", "python:3.11-slim",
               "jax[cuda13], whose pip wheels bring CUDA")},
        {6, 25, 42, ED_SEV_WARNING,
         LOCAL("jax-cuda13-plugin in an ONBUILD trigger", "python:3.11-slim",
               "jax-cuda13-plugin[with-cuda], whose pip wheels bring CUDA")},
    };
    check(text, "ED209", want, 2);
}

/* ==== ED210 unpinned-gpu-framework ======================================= */

#define UNPINNED(subject, how)                                                                     \
    subject " " how ": each rebuild can install a newer release, built for another CUDA and "      \
            "needing another driver; pin it with =="

static void test_ed210_unpinned_and_open_ranges(void **state)
{
    /* quoted: an unquoted > is a redirection */
    const char *text =
        FROM_RT "RUN pip3 install torch \"torchvision>=0.20\" \"torchaudio!=2.5.0\" " CU124 "\n";
    expect want[] = {
        {2, 18, 23, ED_SEV_INFO, UNPINNED("torch", "is not pinned")},
        {2, 25, 36, ED_SEV_INFO, UNPINNED("torchvision>=0.20", "has no upper bound")},
        {2, 45, 55, ED_SEV_INFO, UNPINNED("torchaudio!=2.5.0", "has no upper bound")},
    };
    check(text, "ED210", want, 3);
}

static void test_ed210_pins_and_bounds_are_silent(void **state)
{
    silent("ARG TORCH_VERSION=2.5.1\n" FROM_RT "ARG TORCH_VERSION\n"
           "RUN pip install torch==${TORCH_VERSION} \"torchvision==0.20.*\" torchaudio~=2.5.0 "
           "\"jax[cuda12]<0.7\" \"jaxlib<=0.6.2\" tensorflow===2.15.0 " CU124 "\n",
           "ED210");
    /* URLs and files fix the version; constraints files pin; uv add locks */
    silent(FROM_RT "RUN pip install https://download.pytorch.org/whl/cu124/"
                   "torch-2.5.1%2Bcu124-cp311-cp311-linux_x86_64.whl ./jaxlib-0.6.2-cp311.whl\n"
                   "RUN pip install -c constraints.txt torch " CU124 "\n"
                   "RUN uv add torch\n",
           "ED210");
    silent(FROM_RT "ENV PIP_CONSTRAINT=/constraints.txt\nRUN pip install torch " CU124 "\n",
           "ED210");
}

static void test_ed210_item5_look_alikes(void **state)
{
    /* §4.1 item 5: torchmetrics is not torch; `import torch` installs nothing */
    silent(FROM_RT "RUN pip install torchmetrics tensorflow-datasets jax-cuda12-plugin "
                   "&& python -c \"import torch\"\n",
           "ED210");
}

static void test_ed210_only_gpu_stages(void **state)
{
    silent("FROM python:3.12-slim\nRUN pip install torch tensorflow jax\n", "ED210");
    lint_in(FROM_RT "RUN pip install torch\n", NULL, 2);
    expect_findings("ED210", NULL, 0);
}

static void test_ed210_items1_9_10_installers_and_forms(void **state)
{
    /* §4.1 items 1, 9, 10: pip3, python -m pip, uv pip, exec form,
     * ONBUILD, a comment inside a continuation */
    const char *text = FROM_RT
        "RUN python3 -m pip install jax[cuda12] && uv pip install --system torch " CU124 "\n"
        "RUN [\"pip3\", \"install\", \"tensorflow[and-cuda]\"]\n"
        "ONBUILD RUN pip install torch " CU124 "\n"
        "RUN pip install \\\n"
        "    # CUDA 12\n"
        "    \"jax[cuda12]\"\n";
    expect want[] = {
        {2, 28, 31, ED_SEV_INFO, UNPINNED("jax[cuda12]", "is not pinned")},
        {2, 67, 72, ED_SEV_INFO, UNPINNED("torch", "is not pinned")},
        {3, 26, 36, ED_SEV_INFO, UNPINNED("tensorflow[and-cuda]", "is not pinned")},
        {4, 25, 30, ED_SEV_INFO, UNPINNED("torch in an ONBUILD trigger", "is not pinned")},
        {7, 6, 9, ED_SEV_INFO, UNPINNED("jax[cuda12]", "is not pinned")},
    };
    check(text, "ED210", want, 5);
}

static void test_ed210_item8_nested_requirements_files(void **state)
{
    make_context();
    write_file("requirements.txt", "numpy\n-r gpu.txt\ntorch==2.5.1\n");
    write_file("gpu.txt", "--index-url https://download.pytorch.org/whl/cu124\n\ntorchvision\n");
    lint_in(FROM_RT "WORKDIR /app\nCOPY requirements.txt gpu.txt ./\n"
                    "RUN pip install -r requirements.txt\n",
            context, 0);
    expect want[] = {
        {4, 20, 36, ED_SEV_INFO, UNPINNED("torchvision (gpu.txt:3)", "is not pinned")},
    };
    expect_findings("ED210", want, 1);
    remove_context();
}

/* ==== ED211 wrong-gpu-package ============================================ */

#define APEX_REASON                                                                                \
    "PyPI `apex` is an unrelated 2013 package (0.9.10dev), not NVIDIA apex; instead: NVIDIA "      \
    "apex built from source (APEX_CPP_EXT=1 APEX_CUDA_EXT=1 pip install -v "                       \
    "--no-build-isolation . in a checkout of NVIDIA's apex), or an NGC PyTorch container, "        \
    "which ships it prebuilt"

static void test_ed211_pypi_apex(void **state)
{
    const char *text = "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN pip install apex\n";
    expect want[] = {{2, 17, 21, ED_SEV_ERROR, "apex: " APEX_REASON}};
    check(text, "ED211", want, 1);
    expect_no_fix("ED211", 0); /* the replacement is a build, not a name */
}

static void test_ed211_apex_from_source_is_right(void **state)
{
    silent(
        "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
        "RUN pip install -v --no-build-isolation git+https://github.com/NVIDIA/apex.git#egg=apex\n"
        "RUN git clone https://github.com/NVIDIA/apex && cd apex && pip install -v "
        "--no-build-isolation .\n"
        "RUN pip uninstall -y apex\n"
        "RUN conda install -y -c conda-forge nvidia-apex apex\n",
        "ED211");
    /* a private index may hold its own apex build */
    silent("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
           "RUN pip install --index-url https://pypi.example.com/simple apex\n",
           "ED211");
}

static void test_ed211_frozen_packages_are_warnings_with_rename(void **state)
{
    const char *text = FROM_RT "RUN pip install bitsandbytes-cuda117 mmcv-full==1.7.2\n";
    expect want[] = {
        {2, 17, 37, ED_SEV_WARNING,
         "bitsandbytes-cuda117: the per-CUDA bitsandbytes-cuda1xx packages are frozen at 0.26 "
         "(2022); use bitsandbytes instead"},
        {2, 38, 47, ED_SEV_WARNING,
         "mmcv-full==1.7.2: `mmcv-full` is mmcv 1.x only (last 1.7.2); in 2.x `mmcv` has the "
         "CUDA ops and `mmcv-lite` has none; use mmcv instead"},
    };
    check(text, "ED211", want, 2);
    expect_fix("ED211", 0, text, FROM_RT "RUN pip install bitsandbytes mmcv-full==1.7.2\n");
    expect_fix_description("ED211", 0,
                           "Replace bitsandbytes-cuda117 with bitsandbytes (unsafe, a judgement: "
                           "the successor has its own releases; check the version you get)");
    expect_no_fix("ED211", 1); /* mmcv 1.7.2 is the lite build: the pin does not carry over */
}

static void test_ed211_wrong_name_rename_is_safe(void **state)
{
    const char *text =
        "FROM nvidia/cuda:13.0.2-runtime-ubuntu24.04\nRUN pip install nvidia-cuda-nvcc-cu13\n";
    expect want[] = {{2, 17, 38, ED_SEV_ERROR,
                      "nvidia-cuda-nvcc-cu13: nvidia-cuda-nvcc-cu13 is only a 0.0.1 placeholder: "
                      "CUDA 13 dropped the -cuXX suffix for toolkit wheels; use "
                      "nvidia-cuda-nvcc instead"}};
    check(text, "ED211", want, 1);
    expect_fix("ED211", 0, text,
               "FROM nvidia/cuda:13.0.2-runtime-ubuntu24.04\nRUN pip install nvidia-cuda-nvcc\n");
    expect_fix_description("ED211", 0,
                           "Replace nvidia-cuda-nvcc-cu13 with nvidia-cuda-nvcc (safe: the name of "
                           "the package meant)");
}

static void test_ed211_cpu_only_build_in_gpu_stages_only(void **state)
{
    expect want[] = {{2, 17, 23, ED_SEV_ERROR,
                      "spconv: `spconv` is the CPU-only build (Linux, for debugging); the CUDA "
                      "builds are spconv-cuXYZ; instead: spconv-cu118 / spconv-cu120 / "
                      "spconv-cu121 / spconv-cu124 / spconv-cu126 (matching the CUDA)"}};
    check(FROM_RT "RUN pip install spconv\n", "ED211", want, 1);
    silent("FROM python:3.11\nRUN pip install spconv\n", "ED211");
}

static void test_ed211_not_on_pypi(void **state)
{
    expect want[] = {{2, 30, 40, ED_SEV_ERROR,
                      "detectron2: detectron2 is not on PyPI; instead: install it from its git "
                      "repository with --no-build-isolation (compiles CUDA ops: needs nvcc, "
                      "FORCE_CUDA=1 when no GPU is visible)"}};
    check(
        "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN pip install torch==2.5.1 detectron2 " CU124
        "\n",
        "ED211", want, 1);
    /* a find-links page may hold it */
    silent("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
           "RUN pip install detectron2 -f "
           "https://dl.fbaipublicfiles.com/detectron2/wheels/cu113/torch1.10/index.html\n",
           "ED211");
}

static void test_ed211_requirements_file_and_onbuild(void **state)
{
    make_context();
    write_file("requirements.txt", "torch==2.5.1\napex\n");
    lint_in(FROM_RT "COPY requirements.txt /src/\n"
                    "ONBUILD RUN pip install --requirement=/src/requirements.txt\n",
            context, 0);
    expect want[] = {
        {3, 39, 60, ED_SEV_ERROR, "apex (requirements.txt:2) in an ONBUILD trigger: " APEX_REASON}};
    expect_findings("ED211", want, 1);
    remove_context();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_ed206_unpinned_fix_quotes_the_word, teardown),
        cmocka_unit_test_teardown(test_ed206_old_pin_keeps_version_without_extra, teardown),
        cmocka_unit_test_teardown(test_ed206_quoted_range_with_pip3, teardown),
        cmocka_unit_test_teardown(test_ed206_item21_cpu_only_image, teardown),
        cmocka_unit_test_teardown(test_ed206_every_python_installer, teardown),
        cmocka_unit_test_teardown(test_ed206_look_alikes_are_silent, teardown),
        cmocka_unit_test_teardown(test_ed206_item9_exec_form_heredoc_onbuild, teardown),
        cmocka_unit_test_teardown(test_ed206_item8_requirements_file_line, teardown),
        cmocka_unit_test_teardown(test_ed206_is_not_also_ed211, teardown),
        cmocka_unit_test_teardown(test_ed207_item26_fix_keeps_the_rest_of_the_line, teardown),
        cmocka_unit_test_teardown(test_ed207_item6_look_alikes_and_quoted_extra, teardown),
        cmocka_unit_test_teardown(test_ed207_versions, teardown),
        cmocka_unit_test_teardown(test_ed207_images_with_or_without_known_cudnn, teardown),
        cmocka_unit_test_teardown(test_ed207_cpu_only_image_in_gpu_stage, teardown),
        cmocka_unit_test_teardown(test_ed207_cudnn_from_elsewhere, teardown),
        cmocka_unit_test_teardown(test_ed207_item25_no_false_claim_of_verified, teardown),
        cmocka_unit_test_teardown(test_ed207_items10_11_12_continuation_platform_arg, teardown),
        cmocka_unit_test_teardown(test_ed207_onbuild_and_requirements_file, teardown),
        cmocka_unit_test_teardown(test_ed208_plain_jax_on_cuda_image, teardown),
        cmocka_unit_test_teardown(test_ed208_item7_quoted_cuda_extra, teardown),
        cmocka_unit_test_teardown(test_ed208_jax_and_jaxlib_one_finding, teardown),
        cmocka_unit_test_teardown(test_ed208_cpu_and_removed_extras, teardown),
        cmocka_unit_test_teardown(test_ed208_cuda_from_plugin_or_earlier_stage, teardown),
        cmocka_unit_test_teardown(test_ed208_item13_stage_chain_without_cuda, teardown),
        cmocka_unit_test_teardown(test_ed208_cpu_image_gpu_stage_names_both_majors, teardown),
        cmocka_unit_test_teardown(test_ed208_cuda13_image_gets_cuda13, teardown),
        cmocka_unit_test_teardown(test_ed208_other_accelerators_and_builds_are_silent, teardown),
        cmocka_unit_test_teardown(test_ed208_item9_exec_form_and_onbuild, teardown),
        cmocka_unit_test_teardown(test_ed209_local_extra_on_runtime_image, teardown),
        cmocka_unit_test_teardown(test_ed209_toolkit_present, teardown),
        cmocka_unit_test_teardown(test_ed209_toolkit_after_is_too_late, teardown),
        cmocka_unit_test_teardown(test_ed209_plugin_without_with_cuda, teardown),
        cmocka_unit_test_teardown(test_ed209_monolithic_jaxlib, teardown),
        cmocka_unit_test_teardown(test_ed209_removed_local_extra_is_ed208s, teardown),
        cmocka_unit_test_teardown(test_ed209_item9_onbuild_heredoc_cpu_image, teardown),
        cmocka_unit_test_teardown(test_ed210_unpinned_and_open_ranges, teardown),
        cmocka_unit_test_teardown(test_ed210_pins_and_bounds_are_silent, teardown),
        cmocka_unit_test_teardown(test_ed210_item5_look_alikes, teardown),
        cmocka_unit_test_teardown(test_ed210_only_gpu_stages, teardown),
        cmocka_unit_test_teardown(test_ed210_items1_9_10_installers_and_forms, teardown),
        cmocka_unit_test_teardown(test_ed210_item8_nested_requirements_files, teardown),
        cmocka_unit_test_teardown(test_ed211_pypi_apex, teardown),
        cmocka_unit_test_teardown(test_ed211_apex_from_source_is_right, teardown),
        cmocka_unit_test_teardown(test_ed211_frozen_packages_are_warnings_with_rename, teardown),
        cmocka_unit_test_teardown(test_ed211_wrong_name_rename_is_safe, teardown),
        cmocka_unit_test_teardown(test_ed211_cpu_only_build_in_gpu_stages_only, teardown),
        cmocka_unit_test_teardown(test_ed211_not_on_pypi, teardown),
        cmocka_unit_test_teardown(test_ed211_requirements_file_and_onbuild, teardown),
    };
    return cmocka_run_group_tests_name("rules_frameworks", tests, NULL, NULL);
}
