/* The image rules (ED101-ED105): each fires at the exact token with the
 * exact message, stays silent on the look-alikes, and gets right the
 * env-doctor-python §4.1 items of its family (tests named itemNN). */
#include "testutil.h"

#include <stdio.h>

#include "envdoctor/engine.h"

static ed_arena *arena;

static int setup(void **state)
{
    arena = ed_arena_new();
    return 0;
}

static int teardown(void **state)
{
    ed_arena_free(arena);
    arena = NULL;
    return 0;
}

/* gpu: 0 auto, 1 always, 2 never */
static ed_file_result lint_with(const char *text, const char *const *args, size_t nargs, int gpu)
{
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "Dockerfile", text, strlen(text));
    ed_options options = {.build_args = args, .nbuild_args = nargs, .gpu = gpu};
    ed_file_result result;
    ed_lint_dockerfile(arena, src, &options, &result);
    return result;
}

static ed_file_result lint(const char *text)
{
    return lint_with(text, NULL, 0, 0);
}

typedef struct want {
    unsigned line, col, end_line, end_col;
    const char *message;
} want;

static void dump(const ed_file_result *r)
{
    for (size_t i = 0; i < r->nfindings; i++)
        fprintf(stderr, "  %s %u:%u-%u:%u %s\n", r->findings[i].rule->id, r->findings[i].begin.line,
                r->findings[i].begin.column, r->findings[i].finish.line,
                r->findings[i].finish.column, r->findings[i].message);
}

/* The rule gives exactly these findings, in order, with its severity `sev`;
 * returns the first one. */
static const ed_finding *expect(const ed_file_result *r, const char *id, ed_severity sev,
                                const want *w, size_t n)
{
    const ed_finding *first = NULL;
    size_t k = 0;
    for (size_t i = 0; i < r->nfindings; i++) {
        const ed_finding *f = &r->findings[i];
        if (strcmp(f->rule->id, id) != 0)
            continue;
        if (k >= n) {
            dump(r);
            fail_msg("%s: more findings than expected", id);
        }
        if (f->begin.line != w[k].line || f->begin.column != w[k].col ||
            f->finish.line != w[k].end_line || f->finish.column != w[k].end_col)
            dump(r);
        assert_int_equal(f->begin.line, w[k].line);
        assert_int_equal(f->begin.column, w[k].col);
        assert_int_equal(f->finish.line, w[k].end_line);
        assert_int_equal(f->finish.column, w[k].end_col);
        assert_int_equal(f->severity, sev);
        assert_string_equal(f->message, w[k].message);
        first = first ? first : f;
        k++;
    }
    if (k != n) {
        dump(r);
        fail_msg("%s: %zu findings, expected %zu", id, k, n);
    }
    return first;
}

static const ed_finding *expect_one(const ed_file_result *r, const char *id, ed_severity sev,
                                    want w)
{
    return expect(r, id, sev, &w, 1);
}

static void expect_none(const ed_file_result *r, const char *id)
{
    expect(r, id, ED_SEV_OFF, NULL, 0);
}

/* The fix replaces `old` in text with `replacement`. */
static void expect_fix(const ed_finding *f, const char *text, const char *old,
                       const char *replacement)
{
    assert_non_null(f->fix);
    assert_string_equal(f->fix->replacement, replacement);
    assert_int_equal(f->fix->end - f->fix->start, strlen(old));
    assert_memory_equal(text + f->fix->start, old, strlen(old));
    assert_non_null(strstr(f->fix->description, "unsafe, a judgement"));
}

/* ==== ED101 cpu-only-base-image ========================================== */

#define NO_CUDA                                                                                    \
    ": the image has no CUDA libraries of its own, no "                                            \
    "NVIDIA_VISIBLE_DEVICES/NVIDIA_DRIVER_CAPABILITIES defaults and no nvcc"
#define SUCH_AS(image) "; use a CUDA base image such as " image
#define CU124_INDEX "https://download.pytorch.org/whl/cu124"

static void test_ed101_bad_example_message_and_fix(void **state)
{
    const char *text = "FROM python:3.12-slim\n"
                       "RUN pip install torch==2.5.1 --index-url " CU124_INDEX "\n";
    ed_file_result r = lint(text);
    const ed_finding *f = expect_one(
        &r, "ED101", ED_SEV_ERROR,
        (want){1, 6, 1, 22,
               "python:3.12-slim is a CPU-only image, but the stage installs torch from the cu124 "
               "index" NO_CUDA SUCH_AS("nvidia/cuda:12.4.1-runtime-ubuntu22.04")});
    expect_fix(f, text, "python:3.12-slim", "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
}

static void test_ed101_item20_cpu_workloads_on_cpu_images_are_silent(void **state)
{
    ed_file_result r = lint("FROM python:3.11-slim\n"
                            "RUN pip install torch --index-url https://download.pytorch.org/whl/cpu\n");
    expect_none(&r, "ED101");
    r = lint("FROM python:3.12\nRUN pip install flask gunicorn torch\n"); /* PyPI torch: no evidence */
    expect_none(&r, "ED101");
    r = lint("FROM python:3.12\nRUN pip install torch --index-url https://download.pytorch.org/whl/rocm6.2\n");
    expect_none(&r, "ED101");
}

static void test_ed101_item21_python_in_every_spelling(void **state)
{
    ed_file_result r = lint("FROM docker.io/library/python:3.11\n"
                            "RUN pip install torch --index-url https://download.pytorch.org/whl/cu121\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 35,
                      "docker.io/library/python:3.11 is a CPU-only image, but the stage installs "
                      "torch from the cu121 index" NO_CUDA
                          SUCH_AS("nvidia/cuda:12.1.1-runtime-ubuntu22.04")});
    r = lint("FROM python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
             "RUN pip install torch --index-url https://download.pytorch.org/whl/cu121\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 84,
                      "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                      " is a CPU-only image, but the stage installs torch from the cu121 index" NO_CUDA
                          SUCH_AS("nvidia/cuda:12.1.1-runtime-ubuntu22.04")});
}

static void test_ed101_item21_other_cpu_images(void **state)
{
    static const char *const images[] = {
        "fedora:40",        "centos:7",           "rockylinux:9",
        "amazonlinux:2023", "continuumio/miniconda3:24.7.1-0", "mambaorg/micromamba:1.5.8",
        "redhat/ubi9:9.4",  "registry.access.redhat.com/ubi9/python-311:1",
        "tensorflow/tensorflow:2.15.0", "debian:12-slim", "node:20",
    };
    for (size_t i = 0; i < sizeof images / sizeof *images; i++) {
        char text[256], message[512];
        snprintf(text, sizeof text, "FROM %s\nENV NVIDIA_VISIBLE_DEVICES=all\n", images[i]);
        snprintf(message, sizeof message,
                 "%s is a CPU-only image, but the stage sets NVIDIA_ variables" NO_CUDA
                 "; use a CUDA base image (nvidia/cuda:<version>-runtime-<os>) that matches the "
                 "CUDA the stage needs",
                 images[i]);
        ed_file_result r = lint(text);
        expect_one(&r, "ED101", ED_SEV_ERROR,
                   (want){1, 6, 1, 6 + (unsigned)strlen(images[i]), message});
    }
}

static void test_ed101_item21_tensorflow_gpu_on_python(void **state)
{
    ed_file_result r = lint("FROM python:3.10\nRUN pip install tensorflow-gpu==2.11.0\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "python:3.10 is a CPU-only image, but the stage installs tensorflow-gpu" NO_CUDA
                      "; use a CUDA base image (nvidia/cuda:<version>-runtime-<os>) that matches "
                      "the CUDA the stage needs"});
}

/* The monolithic CUDA jaxlib (jax <= 0.4.29) is GPU intent; plain jaxlib is not. */
static void test_ed101_monolithic_cuda_jaxlib(void **state)
{
    ed_file_result r = lint("FROM python:3.10\n"
                            "RUN pip install jaxlib==0.4.26+cuda12.cudnn89 -f "
                            "https://storage.googleapis.com/jax-releases/jax_cuda_releases.html\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "python:3.10 is a CPU-only image, but the stage installs "
                      "jaxlib==0.4.26+cuda12.cudnn89" NO_CUDA
                      "; use a CUDA base image (nvidia/cuda:<version>-devel-<os>) that matches "
                      "the CUDA the stage needs"});
    r = lint("FROM python:3.10\nRUN pip install jaxlib==0.4.26\n");
    expect_none(&r, "ED101");
}

/* JAX that uses the system's CUDA toolkit (ptxas) at run time gets a devel
 * image suggested; jax[cuda12], which brings it as wheels, a runtime one. */
static void test_ed101_local_cuda_jax_suggests_devel(void **state)
{
    ed_file_result r = lint("FROM python:3.11\nRUN pip install \"jax[cuda12_local]\"\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "python:3.11 is a CPU-only image, but the stage installs "
                      "jax[cuda12_local]" NO_CUDA
                      "; use a CUDA base image (nvidia/cuda:<version>-devel-<os>) that matches "
                      "the CUDA the stage needs"});
    r = lint("FROM python:3.11\nRUN pip install \"jax[cuda12]\"\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "python:3.11 is a CPU-only image, but the stage installs "
                      "jax[cuda12]" NO_CUDA
                      "; use a CUDA base image (nvidia/cuda:<version>-runtime-<os>) that matches "
                      "the CUDA the stage needs"});
    /* the plugin's bundled-wheels extra in another spelling (PEP 685) */
    r = lint("FROM python:3.11\nRUN pip install \"jax[cuda12]\" "
             "\"jax-cuda12-plugin[with_cuda]\"\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "python:3.11 is a CPU-only image, but the stage installs "
                      "jax[cuda12]" NO_CUDA
                      "; use a CUDA base image (nvidia/cuda:<version>-runtime-<os>) that matches "
                      "the CUDA the stage needs"});
}

static void test_ed101_item5_torchmetrics_is_not_torch(void **state)
{
    ed_file_result r = lint("FROM python:3.12\nRUN pip install torchmetrics --index-url " CU124_INDEX "\n"
                            "RUN pip install numpy && python -c \"import torch\"\n");
    expect_none(&r, "ED101");
}

static void test_ed101_item1_pip3_python_m_pip_and_uv(void **state)
{
    static const char *const installs[] = {
        "pip3 install torch -i https://download.pytorch.org/whl/cu121",
        "python3 -m pip install --index-url=https://download.pytorch.org/whl/cu121 torch",
        "pip3.11 install \"torch>=2.1,<2.3\" --extra-index-url https://download.pytorch.org/whl/cu121",
    };
    for (size_t i = 0; i < sizeof installs / sizeof *installs; i++) {
        char text[256];
        snprintf(text, sizeof text, "FROM python:3.12\nRUN %s\n", installs[i]);
        ed_file_result r = lint(text);
        expect_one(&r, "ED101", ED_SEV_ERROR,
                   (want){1, 6, 1, 17,
                          "python:3.12 is a CPU-only image, but the stage installs torch from the "
                          "cu121 index" NO_CUDA SUCH_AS("nvidia/cuda:12.1.1-runtime-ubuntu22.04")});
    }
    ed_file_result r = lint("FROM python:3.12\nRUN uv pip install --system torch --torch-backend cu126\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "python:3.12 is a CPU-only image, but the stage installs torch with uv's torch "
                      "backend cu126" NO_CUDA SUCH_AS("nvidia/cuda:12.6.3-runtime-ubuntu22.04")});
}

static void test_ed101_item24_index_from_env(void **state)
{
    ed_file_result r = lint("FROM python:3.12\nENV PIP_INDEX_URL=https://download.pytorch.org/whl/cu121\n"
                            "RUN pip install torch\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "python:3.12 is a CPU-only image, but the stage installs torch from the cu121 "
                      "index" NO_CUDA SUCH_AS("nvidia/cuda:12.1.1-runtime-ubuntu22.04")});
}

static void test_ed101_item23_cuda_installed_by_hand_is_silent(void **state)
{
    ed_file_result r = lint("FROM ubuntu:22.04\n"
                            "RUN apt-get update && apt-get install -y cuda-toolkit-12-4 python3-pip\n"
                            "RUN pip3 install torch --index-url " CU124_INDEX "\n");
    expect_none(&r, "ED101");
    r = lint("FROM ubuntu:22.04\n"
             "COPY --from=nvidia/cuda:12.4.1-runtime-ubuntu22.04 /usr/local/cuda /usr/local/cuda\n"
             "RUN pip3 install torch --index-url " CU124_INDEX "\n");
    expect_none(&r, "ED101");
    r = lint("FROM continuumio/miniconda3:24.7.1-0 AS cuda\n"
             "RUN conda install -y -c nvidia cuda-toolkit=12.4\n"
             "FROM cuda AS app\nRUN pip install torch --index-url " CU124_INDEX "\n");
    expect_none(&r, "ED101");
    /* cuda-compat alone is no CUDA userspace */
    r = lint("FROM ubuntu:22.04\nRUN apt-get install -y cuda-compat-12-4\n"
             "RUN pip3 install torch --index-url " CU124_INDEX "\n");
    expect(&r, "ED101", ED_SEV_ERROR,
           &(want){1, 6, 1, 18,
                   "ubuntu:22.04 is a CPU-only image, but the stage installs cuda-compat-12-4" NO_CUDA
                       SUCH_AS("nvidia/cuda:12.4.1-runtime-ubuntu22.04")},
           1);
}

static void test_ed101_one_finding_per_image_naming_every_stage(void **state)
{
    ed_file_result r = lint("FROM python:3.12 AS base\nRUN pip install numpy\n"
                            "FROM base AS train\nRUN pip install torch --index-url " CU124_INDEX "\n"
                            "FROM base AS serve\nENV NVIDIA_VISIBLE_DEVICES=all\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "python:3.12 is a CPU-only image, but stage train installs torch from the "
                      "cu124 index and stage serve sets NVIDIA_ variables" NO_CUDA
                          SUCH_AS("nvidia/cuda:12.4.1-runtime-ubuntu22.04")});
}

static void test_ed101_stage_chain_names_the_first_gpu_stage(void **state)
{
    ed_file_result r = lint("FROM python:3.12 AS base\nRUN pip install torch --index-url " CU124_INDEX "\n"
                            "FROM base AS app\nRUN pip install flask\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "python:3.12 is a CPU-only image, but stage base installs torch from the "
                      "cu124 index" NO_CUDA SUCH_AS("nvidia/cuda:12.4.1-runtime-ubuntu22.04")});
}

static void test_ed101_each_stage_judged_against_its_own_image(void **state)
{
    const char *text = "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\nRUN nvcc -o /app k.cu\n"
                       "FROM debian:12-slim\nCOPY --from=build /app /app\n";
    ed_file_result r = lint(text);
    const ed_finding *f = expect_one(
        &r, "ED101", ED_SEV_ERROR,
        (want){3, 6, 3, 20,
               "debian:12-slim is a CPU-only image, but stage 1 copies files from the GPU stage "
               "build" NO_CUDA SUCH_AS("nvidia/cuda:12.4.1-runtime-ubuntu22.04")});
    expect_fix(f, text, "debian:12-slim", "nvidia/cuda:12.4.1-runtime-ubuntu22.04");
}

static void test_ed101_onbuild(void **state)
{
    ed_file_result r = lint("FROM python:3.12\nONBUILD RUN pip install torch --index-url " CU124_INDEX "\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "python:3.12 is a CPU-only image, but an ONBUILD trigger of the stage installs "
                      "torch from the cu124 index" NO_CUDA
                          SUCH_AS("nvidia/cuda:12.4.1-runtime-ubuntu22.04")});
}

static void test_ed101_alpine_is_a_hard_mismatch(void **state)
{
    ed_file_result r = lint("FROM alpine:3.20\nRUN pip install torch --index-url " CU124_INDEX "\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "alpine:3.20 is a CPU-only image, but the stage installs torch from the cu124 "
                      "index" NO_CUDA "; Alpine's musl libc cannot load CUDA wheels or the driver "
                      "libraries the NVIDIA runtime injects (they need glibc)" SUCH_AS(
                          "nvidia/cuda:12.4.1-runtime-ubuntu22.04")});
}

static void test_ed101_item9_item10_heredoc_exec_form_continuation(void **state)
{
    static const char *const runs[] = {
        "RUN <<EOF\npip install torch --index-url " CU124_INDEX "\nEOF\n",
        "RUN [\"pip\", \"install\", \"torch\", \"--index-url\", \"" CU124_INDEX "\"]\n",
        "RUN pip install \\\n# gpu lib\n    torch --index-url " CU124_INDEX "\n",
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        char text[256];
        snprintf(text, sizeof text, "FROM python:3.12\n%s", runs[i]);
        ed_file_result r = lint(text);
        expect_one(&r, "ED101", ED_SEV_ERROR,
                   (want){1, 6, 1, 17,
                          "python:3.12 is a CPU-only image, but the stage installs torch from the "
                          "cu124 index" NO_CUDA SUCH_AS("nvidia/cuda:12.4.1-runtime-ubuntu22.04")});
    }
}

static void test_ed101_item11_item12_platform_and_arg_in_from(void **state)
{
    ed_file_result r = lint("FROM --platform=linux/amd64 python:3.12\n"
                            "RUN pip install torch --index-url https://download.pytorch.org/whl/cu118\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){1, 29, 1, 40,
                      "python:3.12 is a CPU-only image, but the stage installs torch from the cu118 "
                      "index" NO_CUDA SUCH_AS("nvidia/cuda:11.8.0-runtime-ubuntu22.04")});
    r = lint("ARG PY=3.12\nFROM python:${PY}-slim\nRUN pip install torch --index-url " CU124_INDEX "\n");
    expect_one(&r, "ED101", ED_SEV_ERROR,
               (want){2, 6, 2, 23,
                      "python:3.12-slim is a CPU-only image, but the stage installs torch from the "
                      "cu124 index" NO_CUDA SUCH_AS("nvidia/cuda:12.4.1-runtime-ubuntu22.04")});
}

static void test_ed101_unknown_images_are_silent(void **state)
{
    ed_file_result r = lint("FROM mycorp/base:1\nRUN pip install torch --index-url " CU124_INDEX "\n");
    expect_none(&r, "ED101");
    r = lint("FROM ${BASE}\nRUN pip install torch --index-url " CU124_INDEX "\n");
    expect_none(&r, "ED101");
    r = lint("FROM scratch\nENV NVIDIA_VISIBLE_DEVICES=all\n");
    expect_none(&r, "ED101");
    r = lint("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install torch --index-url " CU124_INDEX "\n");
    expect_none(&r, "ED101");
}

static void test_ed101_gpu_option(void **state)
{
    ed_file_result r = lint_with("FROM python:3.12\n", NULL, 0, 1);
    const ed_finding *f = expect_one(
        &r, "ED101", ED_SEV_ERROR,
        (want){1, 6, 1, 17,
               "python:3.12 is a CPU-only image, but the stage is meant for a GPU (--gpu always)" NO_CUDA
               "; use a CUDA base image (nvidia/cuda:<version>-runtime-<os>) that matches the CUDA "
               "the stage needs"});
    assert_null(f->fix);
    r = lint_with("FROM python:3.12\nRUN pip install torch --index-url " CU124_INDEX "\n"
                  "ONBUILD RUN pip install torch --index-url " CU124_INDEX "\n",
                  NULL, 0, 2);
    expect_none(&r, "ED101");
}

static void test_ed101_devel_suggestion_when_the_stage_compiles(void **state)
{
    const char *text = "FROM python:3.12\nRUN pip install torch --index-url " CU124_INDEX "\n"
                       "RUN pip install flash-attn --no-build-isolation\n";
    ed_file_result r = lint(text);
    const ed_finding *f = expect_one(
        &r, "ED101", ED_SEV_ERROR,
        (want){1, 6, 1, 17,
               "python:3.12 is a CPU-only image, but the stage installs torch from the cu124 "
               "index" NO_CUDA SUCH_AS("nvidia/cuda:12.4.1-devel-ubuntu22.04")});
    expect_fix(f, text, "python:3.12", "nvidia/cuda:12.4.1-devel-ubuntu22.04");
}

/* ==== ED102 nonexistent-cuda-image-tag ===================================== */

#define SUPERSEDED(old, new)                                                                      \
    old " is superseded by " new " (only the newest patch of a CUDA minor is supported); "        \
        "end-of-life tags are deleted from Docker Hub and NGC about 6 months after EOL"
#define NO_LATEST "nvidia/cuda has no latest tag (retired; `docker pull nvidia/cuda` fails with manifest unknown)"

static void test_ed102_bad_example_message_and_fix(void **state)
{
    const char *text = "FROM nvidia/cuda:12.8.1-cudnn8-devel-ubuntu22.04\nRUN nvcc --version\n";
    ed_file_result r = lint(text);
    const ed_finding *f = expect_one(
        &r, "ED102", ED_SEV_ERROR,
        (want){1, 18, 1, 49,
               "nvidia/cuda:12.8.1-cudnn8-devel-ubuntu22.04 cannot be pulled: no cudnn8-devel "
               "images for CUDA 12.8.1 (cudnn8 ends at 12.2.2); use 12.8.1-cudnn-devel-ubuntu22.04"});
    expect_fix(f, text, "12.8.1-cudnn8-devel-ubuntu22.04", "12.8.1-cudnn-devel-ubuntu22.04");
}

static void test_ed102_latest_and_no_tag(void **state)
{
    ed_file_result r = lint("FROM nvidia/cuda:latest\n");
    const ed_finding *f = expect_one(
        &r, "ED102", ED_SEV_ERROR,
        (want){1, 18, 1, 24,
               "nvidia/cuda:latest cannot be pulled: " NO_LATEST "; use a published version tag"});
    assert_null(f->fix);
    expect_none(&r, "ED104");
    r = lint("FROM nvidia/cuda\n");
    expect_one(&r, "ED102", ED_SEV_ERROR,
               (want){1, 6, 1, 17,
                      "nvidia/cuda (no tag: nvidia/cuda:latest) cannot be pulled: " NO_LATEST
                      "; use a published version tag"});
    expect_none(&r, "ED104");
}

static void test_ed102_arg_in_from_points_at_the_word(void **state)
{
    ed_file_result r = lint("ARG CUDA_VERSION=12.8.0\n"
                            "FROM nvidia/cuda:${CUDA_VERSION}-cudnn8-runtime-ubuntu22.04\n");
    const ed_finding *f = expect_one(
        &r, "ED102", ED_SEV_ERROR,
        (want){2, 6, 2, 60,
               "nvidia/cuda:12.8.0-cudnn8-runtime-ubuntu22.04 cannot be pulled: no cudnn8-runtime "
               "images for CUDA 12.8.0 (cudnn8 ends at 12.2.2); use "
               "12.8.1-cudnn-runtime-ubuntu22.04"});
    assert_null(f->fix); /* the tag comes from an ARG: editing the word would hard-code it */
}

static void test_ed102_build_arg_matrix(void **state)
{
    const char *text = "ARG CUDA_VERSION=12.1.1\n"
                       "FROM nvidia/cuda:${CUDA_VERSION}-cudnn8-runtime-ubuntu22.04\n";
    ed_file_result r = lint(text);
    expect_none(&r, "ED102");
    const char *args[] = {"CUDA_VERSION=12.4.1"};
    r = lint_with(text, args, 1, 0);
    expect_one(&r, "ED102", ED_SEV_ERROR,
               (want){2, 6, 2, 60,
                      "nvidia/cuda:12.4.1-cudnn8-runtime-ubuntu22.04 cannot be pulled: no "
                      "cudnn8-runtime images for CUDA 12.4.1 (cudnn8 ends at 12.2.2); use "
                      "12.4.1-cudnn-runtime-ubuntu22.04"});
}

static void test_ed102_cudnn_names_and_os(void **state)
{
    ed_file_result r = lint("FROM nvidia/cuda:12.4.1-cudnn9-devel-ubuntu22.04\n"
                            "FROM nvidia/cuda:13.0.2-base-ubuntu20.04\n");
    want w[] = {
        {1, 18, 1, 49,
         "nvidia/cuda:12.4.1-cudnn9-devel-ubuntu22.04 cannot be pulled: no cudnn9-devel images "
         "for CUDA 12.4.1 (the cudnn9 name was used for 12.3.2 only; later versions use cudnn); "
         "use 12.4.1-cudnn-devel-ubuntu22.04"},
        {2, 18, 2, 41,
         "nvidia/cuda:13.0.2-base-ubuntu20.04 cannot be pulled: no ubuntu20.04 images from CUDA "
         "13.0 on; use 13.0.2-base-ubuntu22.04"},
    };
    expect(&r, "ED102", ED_SEV_ERROR, w, 2);
}

static void test_ed102_item11_two_part_version_with_platform_on_nvcr(void **state)
{
    const char *text = "FROM --platform=linux/amd64 nvcr.io/nvidia/cuda:12.1-devel AS x\n";
    ed_file_result r = lint(text);
    const ed_finding *f = expect_one(
        &r, "ED102", ED_SEV_ERROR,
        (want){1, 49, 1, 59,
               "nvcr.io/nvidia/cuda:12.1-devel cannot be pulled: the two-part version 12.1 does not "
               "exist: tags carry a three-part version (X.Y.Z) since the 2022 tag policy; no "
               "two-part tags exist for CUDA 12 and later; use 12.1.1-devel-ubuntu22.04"});
    expect_fix(f, text, "12.1-devel", "12.1.1-devel-ubuntu22.04");
}

static void test_ed102_versions_never_published(void **state)
{
    ed_file_result r = lint("FROM nvidia/cuda:12.7.0-runtime-ubuntu22.04\n"
                            "FROM nvidia/cuda:12.4.9-runtime-ubuntu22.04\n");
    want w[] = {
        {1, 18, 1, 44,
         "nvidia/cuda:12.7.0-runtime-ubuntu22.04 cannot be pulled: CUDA 12.7 was never released "
         "(12.6 is followed by 12.8); use a published version tag"},
        {2, 18, 2, 44,
         "nvidia/cuda:12.4.9-runtime-ubuntu22.04 cannot be pulled: CUDA 12.4 images end at "
         "12.4.1 (no 12.4.9 was published); use 12.4.1-runtime-ubuntu22.04"},
    };
    expect(&r, "ED102", ED_SEV_ERROR, w, 2);
}

static void test_ed102_continuation_line(void **state)
{
    ed_file_result r = lint("FROM \\\n  nvidia/cuda:12.8.0-cudnn8-devel-ubuntu22.04\n");
    expect_one(&r, "ED102", ED_SEV_ERROR,
               (want){2, 15, 2, 46,
                      "nvidia/cuda:12.8.0-cudnn8-devel-ubuntu22.04 cannot be pulled: no "
                      "cudnn8-devel images for CUDA 12.8.0 (cudnn8 ends at 12.2.2); use "
                      "12.8.1-cudnn-devel-ubuntu22.04"});
    expect_none(&r, "ED103"); /* 12.8.0 is also superseded, but the tag does not exist at all */
}

static void test_ed102_copy_from_image(void **state)
{
    const char *text = "FROM ubuntu:22.04\nCOPY --from=nvidia/cuda:12.1-devel /usr/local/cuda /usr/local/cuda\n";
    ed_file_result r = lint(text);
    const ed_finding *f = expect_one(
        &r, "ED102", ED_SEV_ERROR,
        (want){2, 25, 2, 35,
               "nvidia/cuda:12.1-devel cannot be pulled: the two-part version 12.1 does not exist: "
               "tags carry a three-part version (X.Y.Z) since the 2022 tag policy; no two-part tags "
               "exist for CUDA 12 and later; use 12.1.1-devel-ubuntu22.04"});
    expect_fix(f, text, "12.1-devel", "12.1.1-devel-ubuntu22.04");
    r = lint("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\nFROM ubuntu:22.04\n"
             "COPY --from=build /usr/local/cuda /usr/local/cuda\n");
    expect_none(&r, "ED102");
}

static void test_ed102_published_tags_are_silent(void **state)
{
    ed_file_result r = lint(
        "FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\n"
        "FROM nvcr.io/nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
        "FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04\n"
        "FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04\n"
        "FROM nvidia/cuda@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
        "FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime\n"
        "FROM pytorch/pytorch:latest\n"
        "FROM mycorp/cuda:latest\n");
    expect_none(&r, "ED102");
}

/* ==== ED103 eol-cuda-image ================================================ */

static void test_ed103_bad_example_message_and_fix(void **state)
{
    const char *text = "FROM nvidia/cuda:12.4.0-runtime-ubuntu22.04\n";
    ed_file_result r = lint(text);
    const ed_finding *f = expect_one(
        &r, "ED103", ED_SEV_WARNING,
        (want){1, 18, 1, 44,
               "nvidia/cuda:12.4.0-runtime-ubuntu22.04 is end-of-life: " SUPERSEDED("12.4.0", "12.4.1")
               "; use 12.4.1-runtime-ubuntu22.04"});
    expect_fix(f, text, "12.4.0-runtime-ubuntu22.04", "12.4.1-runtime-ubuntu22.04");
}

static void test_ed103_eol_cuda_line(void **state)
{
    ed_file_result r = lint("FROM nvidia/cuda:11.8.0-devel-ubuntu22.04\n");
    const ed_finding *f = expect_one(
        &r, "ED103", ED_SEV_WARNING,
        (want){1, 18, 1, 42,
               "nvidia/cuda:11.8.0-devel-ubuntu22.04 is end-of-life: CUDA 11 images are "
               "end-of-life since CUDA 13 shipped (NVIDIA supports two CUDA majors at a time); EOL "
               "tags are deleted about 6 months later; move to a supported release"});
    assert_null(f->fix);
}

static void test_ed103_not_when_the_tag_does_not_exist(void **state)
{
    ed_file_result r = lint("FROM nvidia/cuda:12.2.0-cudnn8-runtime-ubuntu22.04\n");
    expect_none(&r, "ED103");
    assert_int_equal(r.nfindings, 1);
    assert_string_equal(r.findings[0].rule->id, "ED102");
}

static void test_ed103_item11_from_platform(void **state)
{
    const char *text = "FROM --platform=linux/amd64 nvidia/cuda:12.1.0-runtime-ubuntu22.04\n";
    ed_file_result r = lint(text);
    const ed_finding *f = expect_one(
        &r, "ED103", ED_SEV_WARNING,
        (want){1, 41, 1, 67,
               "nvidia/cuda:12.1.0-runtime-ubuntu22.04 is end-of-life: " SUPERSEDED("12.1.0", "12.1.1")
               "; use 12.1.1-runtime-ubuntu22.04"});
    expect_fix(f, text, "12.1.0-runtime-ubuntu22.04", "12.1.1-runtime-ubuntu22.04");
}

static void test_ed103_item12_item13_arg_in_from_and_stage_chain(void **state)
{
    ed_file_result r = lint("ARG CUDA=12.1.0\nFROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS base\n"
                            "FROM base AS app\nFROM app\n");
    const ed_finding *f = expect_one(
        &r, "ED103", ED_SEV_WARNING,
        (want){2, 6, 2, 45,
               "nvidia/cuda:12.1.0-runtime-ubuntu22.04 is end-of-life: " SUPERSEDED("12.1.0", "12.1.1")
               "; use 12.1.1-runtime-ubuntu22.04"});
    assert_null(f->fix);
}

static void test_ed103_copy_from_image(void **state)
{
    ed_file_result r = lint("FROM ubuntu:22.04\n"
                            "COPY --from=nvidia/cuda:12.4.0-devel-ubuntu22.04 /usr/local/cuda /usr/local/cuda\n");
    expect_one(&r, "ED103", ED_SEV_WARNING,
               (want){2, 25, 2, 49,
                      "nvidia/cuda:12.4.0-devel-ubuntu22.04 is end-of-life: " SUPERSEDED("12.4.0", "12.4.1")
                      "; use 12.4.1-devel-ubuntu22.04"});
}

static void test_ed103_deprecated_gpu_images_only(void **state)
{
    ed_file_result r = lint("FROM condaforge/mambaforge:24.3.0-0\n"
                            "FROM nvidia/cudagl:11.4.2-devel-ubuntu20.04\n");
    expect_one(&r, "ED103", ED_SEV_WARNING,
               (want){2, 20, 2, 44,
                      "nvidia/cudagl:11.4.2-devel-ubuntu20.04 is end-of-life: nvidia/cudagl is no "
                      "longer updated after CUDA 11.x (the support policy marks CudaGL not active); "
                      "move to a supported release"});
}

static void test_ed103_supported_tags_are_silent(void **state)
{
    ed_file_result r = lint("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                            "FROM nvidia/cuda:12.9.1-devel-ubuntu24.04\n"
                            "FROM nvidia/cuda:13.0.2-cudnn-runtime-ubuntu24.04\n"
                            "FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime\n");
    expect_none(&r, "ED103");
}

/* ==== ED104 floating-gpu-base-tag ========================================== */

#define MOVES                                                                                      \
    ": the image, with the CUDA and framework versions in it, can change with any rebuild; pin a " \
    "version tag or a digest (@sha256:...)"

static void test_ed104_bad_example_message(void **state)
{
    ed_file_result r = lint("FROM pytorch/pytorch:latest\n");
    const ed_finding *f = expect_one(
        &r, "ED104", ED_SEV_WARNING,
        (want){1, 22, 1, 28, "pytorch/pytorch:latest uses the moving tag latest" MOVES});
    assert_null(f->fix);
}

static void test_ed104_no_tag(void **state)
{
    ed_file_result r = lint("FROM pytorch/pytorch\n");
    expect_one(&r, "ED104", ED_SEV_WARNING,
               (want){1, 6, 1, 21,
                      "pytorch/pytorch has no tag, so it means the moving tag latest" MOVES});
}

static void test_ed104_gpu_families(void **state)
{
    ed_file_result r = lint("FROM tensorflow/tensorflow:latest-gpu\n"
                            "FROM tensorflow/tensorflow:nightly-gpu\n"
                            "FROM rocm/pytorch:latest\n"
                            "FROM --platform=linux/amd64 vllm/vllm-openai:latest AS serve\n");
    want w[] = {
        {1, 28, 1, 38, "tensorflow/tensorflow:latest-gpu uses the moving tag latest-gpu" MOVES},
        {2, 28, 2, 39, "tensorflow/tensorflow:nightly-gpu uses the moving tag nightly-gpu" MOVES},
        {3, 19, 3, 25, "rocm/pytorch:latest uses the moving tag latest" MOVES},
        {4, 46, 4, 52, "vllm/vllm-openai:latest uses the moving tag latest" MOVES},
    };
    expect(&r, "ED104", ED_SEV_WARNING, w, 4);
}

static void test_ed104_pinned_cpu_and_digest_are_silent(void **state)
{
    ed_file_result r = lint(
        "FROM tensorflow/tensorflow:latest\n"
        "FROM python:latest\nFROM ubuntu\n"
        "FROM pytorch/pytorch:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
        "FROM pytorch/pytorch@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
        "FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime\n"
        "FROM tensorflow/tensorflow:2.15.0-gpu\n"
        "FROM nvcr.io/nvidia/pytorch:24.05-py3\n"
        "FROM mycorp/gpu:latest\n");
    expect_none(&r, "ED104");
}

static void test_ed104_nvidia_cuda_latest_is_ed102(void **state)
{
    ed_file_result r = lint("FROM nvidia/cuda:latest AS a\nFROM nvcr.io/nvidia/cuda\n");
    expect_none(&r, "ED104");
    assert_int_equal(r.nfindings, 2);
}

static void test_ed104_stage_chain_one_finding(void **state)
{
    ed_file_result r = lint("ARG IMAGE=pytorch/pytorch:latest\nFROM ${IMAGE} AS base\n"
                            "FROM base AS train\nFROM base AS serve\n");
    expect_one(&r, "ED104", ED_SEV_WARNING,
               (want){2, 6, 2, 14, "pytorch/pytorch:latest uses the moving tag latest" MOVES});
}

/* ==== ED105 cuda-build-on-runtime-image ==================================== */

#define RT124 "nvidia/cuda:12.4.1-runtime-ubuntu22.04"
#define DEVEL124 "nvidia/cuda:12.4.1-devel-ubuntu22.04"
#define NO_NVCC(image, kind, devel)                                                                \
    ", but " image " (" kind ") has no nvcc: compile it in a builder stage FROM " devel            \
    " and copy the result into this stage"
#define FA_NBI "flash-attn is built from source (--no-build-isolation)"

static void test_ed105_bad_example_message(void **state)
{
    ed_file_result r = lint("FROM " RT124 "\n"
                            "RUN pip3 install torch==2.5.1 --index-url " CU124_INDEX "\n"
                            "RUN MAX_JOBS=4 pip3 install --no-build-isolation flash-attn==2.7.4.post1\n");
    const ed_finding *f = expect_one(
        &r, "ED105", ED_SEV_ERROR,
        (want){3, 50, 3, 60, FA_NBI NO_NVCC(RT124, "runtime flavor", DEVEL124)});
    assert_null(f->fix);
}

static void test_ed105_item14_builder_pattern_is_silent(void **state)
{
    ed_file_result r = lint("FROM " DEVEL124 " AS builder\n"
                            "RUN pip wheel flash-attn --no-build-isolation -w /w\n"
                            "FROM " RT124 "\nCOPY --from=builder /w /w\nRUN pip install /w/*.whl\n");
    expect_none(&r, "ED105");
}

static void test_ed105_item13_stage_chains(void **state)
{
    ed_file_result r = lint("FROM " DEVEL124 " AS base\nFROM base\n"
                            "RUN pip install flash-attn --no-build-isolation\n"
                            "FROM scratch\nCOPY --from=1 /x /x\n");
    expect_none(&r, "ED105");
    r = lint("FROM " RT124 " AS base\nFROM base AS app\n"
             "RUN pip install flash-attn --no-build-isolation\n");
    expect_one(&r, "ED105", ED_SEV_ERROR,
               (want){3, 17, 3, 27, FA_NBI NO_NVCC(RT124, "runtime flavor", DEVEL124)});
    /* a toolkit installed in the parent stage is there for the child */
    r = lint("FROM " RT124 " AS base\nRUN apt-get install -y cuda-nvcc-12-4\nFROM base AS app\n"
             "RUN pip install flash-attn --no-build-isolation\n");
    expect_none(&r, "ED105");
}

static void test_ed105_item15_not_cuda_builds(void **state)
{
    ed_file_result r = lint("FROM " RT124 "\n"
                            "RUN apt-get install -y build-essential libgcc-s1 ninja-build\n"
                            "RUN pip install xformers bitsandbytes flash-attn\n"
                            "RUN FLASH_ATTENTION_SKIP_CUDA_BUILD=TRUE pip install flash-attn --no-build-isolation\n"
                            "RUN pip install apex deepspeed mamba-ssm\n");
    expect_none(&r, "ED105");
}

static void test_ed105_item15_real_cuda_builds(void **state)
{
    ed_file_result r = lint(
        "FROM " RT124 "\n"
        "RUN pip install git+https://github.com/facebookresearch/detectron2.git\n"
        "RUN pip install \"git+https://github.com/Dao-AILab/flash-attention.git#egg=flash-attn\"\n"
        "RUN DS_BUILD_OPS=1 pip install deepspeed\n"
        "RUN pip install tiny-cuda-nn pytorch3d\n"
        "RUN MAMBA_FORCE_BUILD=TRUE pip install mamba-ssm\n"
        "RUN pip install causal-conv1d --no-build-isolation\n"
        "RUN TORCH_CUDA_ARCH_LIST=\"8.0\" python setup.py install\n");
    want w[] = {
        {2, 17, 2, 71, "detectron2 compiles CUDA code when installed" NO_NVCC(RT124, "runtime flavor", DEVEL124)},
        {3, 75, 3, 85,
         "flash-attn is built from source (git+https://github.com/Dao-AILab/flash-attention.git#egg=flash-attn)"
             NO_NVCC(RT124, "runtime flavor", DEVEL124)},
        {4, 32, 4, 41, "deepspeed is forced to build its CUDA extension" NO_NVCC(RT124, "runtime flavor", DEVEL124)},
        {5, 17, 5, 29, "tiny-cuda-nn compiles CUDA code when installed" NO_NVCC(RT124, "runtime flavor", DEVEL124)},
        {5, 30, 5, 39, "pytorch3d compiles CUDA code when installed" NO_NVCC(RT124, "runtime flavor", DEVEL124)},
        {6, 40, 6, 49, "mamba-ssm is forced to build its CUDA extension" NO_NVCC(RT124, "runtime flavor", DEVEL124)},
        {7, 17, 7, 30, "causal-conv1d is built from source (--no-build-isolation)" NO_NVCC(RT124, "runtime flavor", DEVEL124)},
        {8, 39, 8, 47,
         "setup.py builds a CUDA extension (FORCE_CUDA / TORCH_CUDA_ARCH_LIST set)"
             NO_NVCC(RT124, "runtime flavor", DEVEL124)},
    };
    expect(&r, "ED105", ED_SEV_ERROR, w, 8);
}

static void test_ed105_item16_base_flavor(void **state)
{
    ed_file_result r = lint("FROM nvidia/cuda:12.1.0-base-ubuntu22.04\n"
                            "RUN pip install flash-attn --no-build-isolation\n");
    expect_one(&r, "ED105", ED_SEV_ERROR,
               (want){2, 17, 2, 27,
                      FA_NBI NO_NVCC("nvidia/cuda:12.1.0-base-ubuntu22.04", "base flavor",
                                     "nvidia/cuda:12.1.1-devel-ubuntu22.04")});
}

static void test_ed105_item17_pytorch_and_ngc_images(void **state)
{
    ed_file_result r = lint("FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime\n"
                            "RUN pip install flash-attn --no-build-isolation\n"
                            "FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-devel\n"
                            "RUN pip install flash-attn --no-build-isolation\n"
                            "FROM nvcr.io/nvidia/pytorch:24.01-py3\n"
                            "RUN pip install flash-attn --no-build-isolation\n");
    expect_one(&r, "ED105", ED_SEV_ERROR,
               (want){2, 17, 2, 27,
                      FA_NBI NO_NVCC("pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime", "runtime flavor",
                                     "pytorch/pytorch:2.1.0-cuda12.1-cudnn8-devel")});
}

static void test_ed105_item11_item12_platform_and_arg_in_from(void **state)
{
    static const char *const froms[] = {
        "FROM --platform=linux/amd64 nvidia/cuda:12.1.0-runtime-ubuntu22.04\n",
        "ARG CUDA=12.1.0\nFROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04\n",
    };
    for (size_t i = 0; i < sizeof froms / sizeof *froms; i++) {
        char text[256];
        snprintf(text, sizeof text, "%sRUN pip install flash-attn --no-build-isolation\n", froms[i]);
        ed_file_result r = lint(text);
        unsigned line = i == 0 ? 2 : 3;
        expect_one(&r, "ED105", ED_SEV_ERROR,
                   (want){line, 17, line, 27,
                          FA_NBI NO_NVCC("nvidia/cuda:12.1.0-runtime-ubuntu22.04", "runtime flavor",
                                         "nvidia/cuda:12.1.1-devel-ubuntu22.04")});
    }
}

static void test_ed105_toolkit_before_and_after(void **state)
{
    ed_file_result r = lint("FROM " RT124 "\n"
                            "RUN apt-get install -y cuda-compat-12-4\n"
                            "RUN pip install flash-attn --no-build-isolation\n"
                            "RUN apt-get install -y cuda-nvcc-12-4\n"
                            "RUN pip install flash-attn --no-build-isolation\n");
    expect_one(&r, "ED105", ED_SEV_ERROR,
               (want){3, 17, 3, 27, FA_NBI NO_NVCC(RT124, "runtime flavor", DEVEL124)});
    r = lint("FROM continuumio/miniconda3:24.7.1-0\nRUN conda install -y -c nvidia cuda-nvcc\n"
             "RUN pip install flash-attn --no-build-isolation\n");
    expect_none(&r, "ED105");
}

static void test_ed105_copied_toolkit_is_silent(void **state)
{
    ed_file_result r = lint("FROM " RT124 "\n"
                            "COPY --from=" DEVEL124 " /usr/local/cuda /usr/local/cuda\n"
                            "RUN pip install flash-attn --no-build-isolation\n");
    expect_none(&r, "ED105");
}

static void test_ed105_onbuild(void **state)
{
    ed_file_result r = lint("FROM " RT124 "\nONBUILD RUN pip install flash-attn --no-build-isolation\n");
    expect_one(&r, "ED105", ED_SEV_ERROR,
               (want){2, 25, 2, 35,
                      "ONBUILD trigger: " FA_NBI " in every image built FROM this one" NO_NVCC(
                          RT124, "runtime flavor", DEVEL124)});
    r = lint("FROM " DEVEL124 "\nONBUILD RUN pip install flash-attn --no-build-isolation\n");
    expect_none(&r, "ED105");
}

static void test_ed105_item9_heredoc_exec_form_and_managers(void **state)
{
    ed_file_result r = lint("FROM " RT124 "\n"
                            "RUN <<EOF\npip3 install flash-attn --no-build-isolation\nEOF\n"
                            "RUN [\"python3\", \"-m\", \"pip\", \"install\", \"--no-build-isolation\", \"flash-attn\"]\n"
                            "RUN uv pip install --system --no-build-isolation flash-attn\n");
    want w[] = {
        {3, 14, 3, 24, FA_NBI NO_NVCC(RT124, "runtime flavor", DEVEL124)},
        {5, 66, 5, 76, FA_NBI NO_NVCC(RT124, "runtime flavor", DEVEL124)},
        {6, 50, 6, 60, FA_NBI NO_NVCC(RT124, "runtime flavor", DEVEL124)},
    };
    expect(&r, "ED105", ED_SEV_ERROR, w, 3);
}

static void test_ed105_item10_continuation_with_comment(void **state)
{
    ed_file_result r = lint("FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04\n"
                            "RUN pip install \\\n    # compiled here\n    flash-attn --no-build-isolation\n");
    expect_one(&r, "ED105", ED_SEV_ERROR,
               (want){4, 5, 4, 15,
                      FA_NBI NO_NVCC("nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04",
                                     "cudnn-runtime flavor",
                                     "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04")});
}

static void test_ed105_cpu_only_images(void **state)
{
    ed_file_result r = lint("FROM python:3.11-slim\nRUN pip install flash-attn --no-build-isolation\n");
    expect_one(&r, "ED105", ED_SEV_ERROR,
               (want){2, 17, 2, 27,
                      FA_NBI NO_NVCC("python:3.11-slim", "a CPU-only image", "a CUDA -devel image")});
    r = lint("FROM python:3.11-slim\nRUN pip install torch --index-url " CU124_INDEX "\n"
             "RUN pip install flash-attn --no-build-isolation\n");
    expect_one(&r, "ED105", ED_SEV_ERROR,
               (want){3, 17, 3, 27, FA_NBI NO_NVCC("python:3.11-slim", "a CPU-only image", DEVEL124)});
    r = lint("FROM ubuntu:22.04\nRUN apt-get install -y cuda-toolkit-12-4\n"
             "RUN pip install flash-attn --no-build-isolation\n");
    expect_none(&r, "ED105");
}

static void test_ed105_unknown_images_are_silent(void **state)
{
    ed_file_result r = lint("FROM mycorp/base:1\nRUN pip install flash-attn --no-build-isolation\n"
                            "FROM vllm/vllm-openai:v0.6.0\nRUN pip install flash-attn --no-build-isolation\n"
                            "FROM ${UNDEFINED}\nRUN nvcc --version\n");
    expect_none(&r, "ED105");
}

static void test_ed105_nvcc_on_a_runtime_image(void **state)
{
    ed_file_result r = lint("FROM " RT124 "\nRUN nvcc -o /app kernel.cu\n");
    expect_one(&r, "ED105", ED_SEV_ERROR,
               (want){2, 5, 2, 9, "nvcc is run" NO_NVCC(RT124, "runtime flavor", DEVEL124)});
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_ed101_bad_example_message_and_fix),
        T(test_ed101_item20_cpu_workloads_on_cpu_images_are_silent),
        T(test_ed101_item21_python_in_every_spelling),
        T(test_ed101_item21_other_cpu_images),
        T(test_ed101_item21_tensorflow_gpu_on_python),
        T(test_ed101_monolithic_cuda_jaxlib),
        T(test_ed101_local_cuda_jax_suggests_devel),
        T(test_ed101_item5_torchmetrics_is_not_torch),
        T(test_ed101_item1_pip3_python_m_pip_and_uv),
        T(test_ed101_item24_index_from_env),
        T(test_ed101_item23_cuda_installed_by_hand_is_silent),
        T(test_ed101_one_finding_per_image_naming_every_stage),
        T(test_ed101_stage_chain_names_the_first_gpu_stage),
        T(test_ed101_each_stage_judged_against_its_own_image),
        T(test_ed101_onbuild),
        T(test_ed101_alpine_is_a_hard_mismatch),
        T(test_ed101_item9_item10_heredoc_exec_form_continuation),
        T(test_ed101_item11_item12_platform_and_arg_in_from),
        T(test_ed101_unknown_images_are_silent),
        T(test_ed101_gpu_option),
        T(test_ed101_devel_suggestion_when_the_stage_compiles),
        T(test_ed102_bad_example_message_and_fix),
        T(test_ed102_latest_and_no_tag),
        T(test_ed102_arg_in_from_points_at_the_word),
        T(test_ed102_build_arg_matrix),
        T(test_ed102_cudnn_names_and_os),
        T(test_ed102_item11_two_part_version_with_platform_on_nvcr),
        T(test_ed102_versions_never_published),
        T(test_ed102_continuation_line),
        T(test_ed102_copy_from_image),
        T(test_ed102_published_tags_are_silent),
        T(test_ed103_bad_example_message_and_fix),
        T(test_ed103_eol_cuda_line),
        T(test_ed103_not_when_the_tag_does_not_exist),
        T(test_ed103_item11_from_platform),
        T(test_ed103_item12_item13_arg_in_from_and_stage_chain),
        T(test_ed103_copy_from_image),
        T(test_ed103_deprecated_gpu_images_only),
        T(test_ed103_supported_tags_are_silent),
        T(test_ed104_bad_example_message),
        T(test_ed104_no_tag),
        T(test_ed104_gpu_families),
        T(test_ed104_pinned_cpu_and_digest_are_silent),
        T(test_ed104_nvidia_cuda_latest_is_ed102),
        T(test_ed104_stage_chain_one_finding),
        T(test_ed105_bad_example_message),
        T(test_ed105_item14_builder_pattern_is_silent),
        T(test_ed105_item13_stage_chains),
        T(test_ed105_item15_not_cuda_builds),
        T(test_ed105_item15_real_cuda_builds),
        T(test_ed105_item16_base_flavor),
        T(test_ed105_item17_pytorch_and_ngc_images),
        T(test_ed105_item11_item12_platform_and_arg_in_from),
        T(test_ed105_toolkit_before_and_after),
        T(test_ed105_copied_toolkit_is_silent),
        T(test_ed105_onbuild),
        T(test_ed105_item9_heredoc_exec_form_and_managers),
        T(test_ed105_item10_continuation_with_comment),
        T(test_ed105_cpu_only_images),
        T(test_ed105_unknown_images_are_silent),
        T(test_ed105_nvcc_on_a_runtime_image),
    };
    return cmocka_run_group_tests_name("rules_images", tests, NULL, NULL);
}
