/* The knowledge base: loading (and rejecting bad data), the image model for
 * every image family, PyTorch indexes and builds, packages, architectures,
 * drivers, TensorFlow and JAX. Table-driven: one named test per row. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <threads.h>
#include <time.h>

#include <yaml.h>

#include "envdoctor/arena.h"
#include "envdoctor/imageref.h"
#include "envdoctor/kb.h"

#define HEX16 "0123456789abcdef"
#define HEX64 HEX16 HEX16 HEX16 HEX16

#define Y KB_YES
#define N KB_NO
#define U KB_UNKNOWN

static const char *vstr(kb_version v, char *buf, size_t size) { return kb_version_str(v, buf, size); }

/* ---- Images --------------------------------------------------------------- */

typedef struct img_case {
    const char *label, *ref;
    kb_vendor vendor;
    const char *family; /* NULL: an unknown image */
    const char *cuda;   /* "" when unknown */
    const char *flavor;
    kb_tri nvcc, cudnn, exists, eol;
    bool floating;
    const char *suggested;
    /* a substring of tag_problem (when the tag does not exist) or else of
     * eol_reason; NULL: not checked */
    const char *why;
    bool cuda_unverified;
} img_case;

#define IMG(label, ref, vendor, family, cuda, flavor, nvcc, cudnn, exists, eol, floating, sugg,  \
            why)                                                                                 \
    {label, ref, vendor, family, cuda, flavor, nvcc, cudnn, exists, eol, floating, sugg, why, false}
#define IMG_UNV(label, ref, vendor, family, cuda, nvcc)                                          \
    {label, ref, vendor, family, cuda, NULL, nvcc, U, U, U, false, NULL, NULL, true}

#define NV KB_VENDOR_NVIDIA
#define CPU KB_VENDOR_NONE
#define AMD KB_VENDOR_AMD
#define UNK KB_VENDOR_UNKNOWN
#define CUDA "nvidia/cuda"

static const img_case img_cases[] = {
    /* nvidia/cuda: published tags */
    IMG("cuda current cudnn-devel", "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04", NV, CUDA,
        "12.4.1", "cudnn-devel", Y, Y, Y, N, false, NULL, NULL),
    IMG("cuda nvcr.io same tags", "nvcr.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04", NV, CUDA,
        "12.4.1", "runtime", N, N, Y, N, false, NULL, NULL),
    IMG("cuda docker.io base", "docker.io/nvidia/cuda:12.6.3-base-ubuntu24.04", NV, CUDA, "12.6.3",
        "base", N, N, Y, N, false, NULL, NULL),
    IMG("cuda cudnn9 name for 12.3.2", "nvidia/cuda:12.3.2-cudnn9-devel-ubuntu22.04", NV, CUDA,
        "12.3.2", "cudnn9-devel", Y, Y, Y, N, false, NULL, NULL),
    IMG("cuda old two-part tag", "nvidia/cuda:10.2-cudnn7-devel-ubuntu18.04", NV, CUDA, "10.2",
        "cudnn7-devel", Y, Y, Y, Y, false, NULL, "CUDA 10 and older"),
    IMG("cuda 11 line is EOL", "nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04", NV, CUDA, "11.8.0",
        "cudnn8-runtime", N, Y, Y, Y, false, NULL, "CUDA 11 images are end-of-life"),
    /* nvidia/cuda: tags NVIDIA never published */
    IMG("cuda latest", "nvidia/cuda:latest", NV, CUDA, "", NULL, U, U, N, U, true, NULL,
        "no latest tag"),
    IMG("cuda without tag", "nvidia/cuda", NV, CUDA, "", NULL, U, U, N, U, true, NULL,
        "no latest tag"),
    IMG("cuda by digest", "nvidia/cuda@sha256:" HEX64, NV, CUDA, "", NULL, U, U, U, U, false, NULL,
        NULL),
    IMG("cuda cudnn8 on 12.8", "nvidia/cuda:12.8.0-cudnn8-devel-ubuntu22.04", NV, CUDA, "12.8.0",
        "cudnn8-devel", Y, Y, N, Y, false, "12.8.1-cudnn-devel-ubuntu22.04",
        "no cudnn8-devel images for CUDA 12.8.0 (cudnn8 ends at 12.2.2)"),
    IMG("cuda no cudnn for 12.4.0", "nvidia/cuda:12.4.0-cudnn-devel-ubuntu22.04", NV, CUDA,
        "12.4.0", "cudnn-devel", Y, Y, N, Y, false, "12.4.1-cudnn-devel-ubuntu22.04",
        "no cudnn-devel images for CUDA 12.4.0"),
    IMG("cuda cudnn8 not for 12.2.0", "nvidia/cuda:12.2.0-cudnn8-devel-ubuntu22.04", NV, CUDA,
        "12.2.0", "cudnn8-devel", Y, Y, N, Y, false, "12.2.2-cudnn8-devel-ubuntu22.04",
        "no cudnn8-devel images for CUDA 12.2.0"),
    IMG("cuda cudnn8 on 12.9.1", "nvidia/cuda:12.9.1-cudnn8-devel-ubuntu22.04", NV, CUDA, "12.9.1",
        "cudnn8-devel", Y, Y, N, N, false, "12.9.1-cudnn-devel-ubuntu22.04", "cudnn8 ends"),
    IMG("cuda ubuntu24.04 before 12.5.1", "nvidia/cuda:12.4.1-devel-ubuntu24.04", NV, CUDA,
        "12.4.1", "devel", Y, N, N, N, false, "12.4.1-devel-ubuntu22.04",
        "no ubuntu24.04 images for CUDA 12.4.1 (published for 12.5.1 and newer)"),
    IMG("cuda ubuntu20.04 dropped in 13", "nvidia/cuda:13.0.2-runtime-ubuntu20.04", NV, CUDA,
        "13.0.2", "runtime", N, N, N, N, false, "13.0.2-runtime-ubuntu22.04",
        "no ubuntu20.04 images from CUDA 13.0 on"),
    IMG("cuda centos7 dropped", "nvidia/cuda:12.4.1-base-centos7", NV, CUDA, "12.4.1", "base", N, N,
        N, N, false, "12.4.1-base-ubuntu22.04", "no centos7 images from CUDA 12.4.1 on"),
    IMG("cuda two-part 12.x", "nvidia/cuda:12.4-devel-ubuntu22.04", NV, CUDA, "12.4", "devel", Y, N,
        N, U, false, "12.4.1-devel-ubuntu22.04", "two-part version 12.4"),
    IMG("cuda never released 12.7", "nvidia/cuda:12.7.0-devel-ubuntu22.04", NV, CUDA, "12.7.0",
        "devel", Y, N, N, U, false, NULL, "CUDA 12.7 was never released"),
    IMG("cuda patch after the last", "nvidia/cuda:12.4.2-devel-ubuntu22.04", NV, CUDA, "12.4.2",
        "devel", Y, N, N, U, false, "12.4.1-devel-ubuntu22.04", "CUDA 12.4 images end at 12.4.1"),
    IMG("cuda no OS suffix", "nvidia/cuda:12.4.1-devel", NV, CUDA, "12.4.1", "devel", Y, N, N, N,
        false, "12.4.1-devel-ubuntu22.04", "no OS suffix"),
    IMG("cuda not the grammar", "nvidia/cuda:devel", NV, CUDA, "", NULL, U, U, N, U, false, NULL,
        "not an nvidia/cuda tag"),
    /* nvidia/cuda: lifecycle */
    IMG("cuda EOL patch 12.1.0", "nvidia/cuda:12.1.0-runtime-ubuntu22.04", NV, CUDA, "12.1.0",
        "runtime", N, N, Y, Y, false, "12.1.1-runtime-ubuntu22.04", "superseded by 12.1.1"),
    IMG("cuda newest patch 12.1.1", "nvidia/cuda:12.1.1-runtime-ubuntu22.04", NV, CUDA, "12.1.1",
        "runtime", N, N, Y, N, false, NULL, NULL),
    IMG("cuda unlisted older patch", "nvidia/cuda:12.0.0-devel-ubuntu22.04", NV, CUDA, "12.0.0",
        "devel", Y, N, U, Y, false, "12.0.1-devel-ubuntu22.04", "superseded by 12.0.1"),
    IMG("cuda two-part 11.0-base", "nvidia/cuda:11.0-base", NV, CUDA, "11.0", "base", N, N, U, Y,
        false, "11.0.3-base-ubuntu20.04", "CUDA 11 images are end-of-life"),
    /* nvidia/cuda: what the data cannot decide */
    IMG("cuda 12.5.1 cudnn (some OSes)", "nvidia/cuda:12.5.1-cudnn-devel-ubuntu22.04", NV, CUDA,
        "12.5.1", "cudnn-devel", Y, Y, U, N, false, NULL, NULL),
    IMG("cuda fresh 13.1.0 cudnn", "nvidia/cuda:13.1.0-cudnn-devel-ubuntu24.04", NV, CUDA, "13.1.0",
        "cudnn-devel", Y, Y, U, N, false, NULL, NULL),
    IMG("cuda newer than the data", "nvidia/cuda:14.0.0-devel-ubuntu24.04", NV, CUDA, "14.0.0",
        "devel", Y, N, U, U, false, NULL, NULL),
    IMG("cuda unknown flavor", "nvidia/cuda:12.4.1-foo-ubuntu22.04", NV, CUDA, "12.4.1", "foo", U,
        U, U, N, false, NULL, NULL),
    /* cudagl and deprecated names */
    IMG("cudagl", "nvidia/cudagl:11.4.2-devel-ubuntu20.04", NV, "nvidia/cudagl", "11.4.2", "devel",
        Y, U, U, Y, false, NULL, "CudaGL not active"),
    IMG("cudagl latest", "nvidia/cudagl", NV, "nvidia/cudagl", "", NULL, U, U, N, Y, true, NULL,
        "no latest tag"),
    IMG("cuda-arm64 deprecated", "nvidia/cuda-arm64:11.4.2-devel-ubuntu20.04", NV, CUDA, "11.4.2",
        "devel", Y, U, U, Y, false, NULL, "multi-arch"),
    /* pytorch/pytorch */
    IMG("pytorch runtime", "pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime", NV, "pytorch/pytorch",
        "12.1", "runtime", N, Y, U, U, false, NULL, NULL),
    IMG("pytorch devel", "pytorch/pytorch:2.9.0-cuda12.8-cudnn9-devel", NV, "pytorch/pytorch",
        "12.8", "devel", Y, Y, U, U, false, NULL, NULL),
    IMG("pytorch ghcr", "ghcr.io/pytorch/pytorch:2.4.0-cuda12.4-cudnn9-devel", NV,
        "pytorch/pytorch", "12.4", "devel", Y, Y, U, U, false, NULL, NULL),
    IMG("pytorch nightly", "ghcr.io/pytorch/pytorch-nightly:2.6.0.dev20241001-cuda12.4-cudnn9-devel",
        NV, "pytorch/pytorch", "12.4", "devel", Y, Y, U, U, false, NULL, NULL),
    IMG("pytorch latest", "pytorch/pytorch:latest", NV, "pytorch/pytorch", "", NULL, U, U, U, U,
        true, NULL, NULL),
    IMG("pytorch no tag", "pytorch/pytorch", NV, "pytorch/pytorch", "", NULL, U, U, U, U, true,
        NULL, NULL),
    /* NGC */
    IMG("ngc pytorch 24.05", "nvcr.io/nvidia/pytorch:24.05-py3", NV, "ngc", "12.4.1", NULL, Y, U, U,
        U, false, NULL, NULL),
    IMG("ngc tensorflow 22.06", "nvcr.io/nvidia/tensorflow:22.06-tf2-py3", NV, "ngc", "11.7", NULL,
        Y, U, U, U, false, NULL, NULL),
    IMG("ngc triton 25.08", "nvcr.io/nvidia/tritonserver:25.08-py3", NV, "ngc", "13.0.0", NULL, U, U,
        U, U, false, NULL, NULL),
    IMG("ngc month not in the table", "nvcr.io/nvidia/jax:25.07-py3", NV, "ngc", "", NULL, Y, U, U,
        U, false, NULL, NULL),
    IMG("ngc 3p row", "nvcr.io/nvidia/pytorch:25.01-py3", NV, "ngc", "12.8.0", NULL, Y, U, U, U,
        false, NULL, NULL),
    IMG_UNV("ngc unverified row", "nvcr.io/nvidia/pytorch:23.03-py3", NV, "ngc", "12.1.0", Y),
    /* tensorflow/tensorflow */
    IMG_UNV("tensorflow -gpu", "tensorflow/tensorflow:2.15.0-gpu", NV, "tensorflow/tensorflow",
            "12.2", U),
    IMG_UNV("tensorflow -gpu-jupyter", "tensorflow/tensorflow:2.16.1-gpu-jupyter", NV,
            "tensorflow/tensorflow", "12.3", U),
    IMG("tensorflow without -gpu", "tensorflow/tensorflow:2.15.0", CPU, "tensorflow/tensorflow", "",
        NULL, N, N, U, U, false, NULL, NULL),
    IMG("tensorflow latest-gpu", "tensorflow/tensorflow:latest-gpu", NV, "tensorflow/tensorflow", "",
        NULL, U, U, U, U, true, NULL, NULL),
    IMG("tensorflow latest", "tensorflow/tensorflow:latest", CPU, "tensorflow/tensorflow", "", NULL,
        N, N, U, U, true, NULL, NULL),
    /* other GPU images */
    IMG("rocm pytorch", "rocm/pytorch:rocm6.2_ubuntu22.04_py3.10_pytorch_release_2.3.0", AMD, "rocm",
        "", NULL, U, U, U, U, false, NULL, NULL),
    IMG("rocm other", "rocm/dev-ubuntu-22.04:6.2", AMD, "rocm", "", NULL, U, U, U, U, false, NULL,
        NULL),
    IMG("vllm", "vllm/vllm-openai:v0.6.0", NV, "vllm/vllm-openai", "", NULL, U, U, U, U, false,
        NULL, NULL),
    IMG("vllm rocm", "vllm/vllm-openai:latest-rocm", AMD, "vllm/vllm-openai", "", NULL, U, U, U, U,
        true, NULL, NULL),
    IMG("anibali pytorch", "anibali/pytorch:2.0.0-cuda11.8-ubuntu22.04", NV, "anibali/pytorch",
        "11.8", NULL, U, U, U, U, false, NULL, NULL),
    IMG("runpod pytorch", "runpod/pytorch:0.7.0-cu1241-torch240-ubuntu2204", NV, "runpod/pytorch",
        "12.4.1", NULL, U, U, U, U, false, NULL, NULL),
    IMG("jupyter cuda tag", "jupyter/pytorch-notebook:cuda12-2024-04-22", NV, "jupyter", "", NULL, U,
        U, U, U, false, NULL, NULL),
    /* CPU-only images in every spelling */
    IMG("python slim", "python:3.12-slim", CPU, "python", "", NULL, N, N, U, U, false, NULL, NULL),
    IMG("python docker.io/library", "docker.io/library/python:3.11", CPU, "python", "", NULL, N, N,
        U, U, false, NULL, NULL),
    IMG("python by digest", "python@sha256:" HEX64, CPU, "python", "", NULL, N, N, U, U, false, NULL,
        NULL),
    IMG("python no tag floats", "python", CPU, "python", "", NULL, N, N, U, U, true, NULL, NULL),
    IMG("ubuntu index.docker.io", "index.docker.io/library/ubuntu:22.04", CPU, "ubuntu", "", NULL,
        N, N, U, U, false, NULL, NULL),
    IMG("debian", "debian:bookworm-slim", CPU, "debian", "", NULL, N, N, U, U, false, NULL, NULL),
    IMG("alpine", "alpine:3.19", CPU, "alpine", "", NULL, N, N, U, U, false, NULL, NULL),
    IMG("miniconda", "continuumio/miniconda3:latest", CPU, "conda", "", NULL, N, N, U, U, true, NULL,
        NULL),
    IMG("ubi", "registry.access.redhat.com/ubi9/ubi-minimal:9.3", CPU, "ubi", "", NULL, N, N, U, U,
        false, NULL, NULL),
    IMG("distroless", "gcr.io/distroless/python3-debian12", CPU, "distroless", "", NULL, N, N, U, U,
        true, NULL, NULL),
    IMG("jupyter CPU stack", "jupyter/scipy-notebook:2023-10-20", CPU, "jupyter", "", NULL, N, N, U,
        U, false, NULL, NULL),
    /* not known: never guessed */
    IMG("quay jupyter unverified CPU", "quay.io/jupyter/pytorch-notebook:2024-04-22", UNK, "jupyter",
        "", NULL, U, U, U, U, false, NULL, NULL),
    IMG("unknown image", "mycompany/app:1.0", UNK, NULL, "", NULL, U, U, U, U, false, NULL, NULL),
    IMG("scratch", "scratch", UNK, NULL, "", NULL, U, U, U, U, false, NULL, NULL),
};

#define IMG_COUNT (sizeof img_cases / sizeof img_cases[0])

static void test_image_case(void **state)
{
    const img_case *c = *state;
    ed_arena *arena = ed_arena_new();
    img_ref ref;
    const char *error = NULL;
    assert_true(img_ref_parse(arena, c->ref, strlen(c->ref), &ref, &error));
    kb_image_facts f;
    kb_image(kb_get(), &ref, arena, &f);
    char buf[32];
    assert_int_equal(f.vendor, c->vendor);
    if (c->family)
        assert_string_equal(f.family, c->family);
    else
        assert_null(f.family);
    assert_string_equal(vstr(f.cuda, buf, sizeof buf), c->cuda);
    assert_int_equal(f.cuda_unverified, c->cuda_unverified);
    if (c->flavor)
        assert_string_equal(f.flavor, c->flavor);
    else
        assert_null(f.flavor);
    assert_int_equal(f.has_nvcc, c->nvcc);
    assert_int_equal(f.has_cudnn, c->cudnn);
    assert_int_equal(f.tag_exists, c->exists);
    assert_int_equal(f.eol, c->eol);
    assert_int_equal(f.floating, c->floating);
    if (c->suggested)
        assert_string_equal(f.suggested_tag, c->suggested);
    else
        assert_null(f.suggested_tag);
    /* a "no" always says why; so does an end of life */
    assert_true((f.tag_exists == KB_NO) == (f.tag_problem != NULL));
    assert_true((f.eol == KB_YES) == (f.eol_reason != NULL));
    if (c->why) {
        const char *text = f.tag_exists == KB_NO ? f.tag_problem : f.eol_reason;
        if (!text || !strstr(text, c->why))
            fail_msg("expected \"%s\" in \"%s\"", c->why, text ? text : "(null)");
    }
    ed_arena_free(arena);
}

/* The suggestion for an EOL tag is itself a published, supported tag. */
static void test_suggestion_is_published(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    for (size_t i = 0; i < IMG_COUNT; i++) {
        const char *s = img_cases[i].suggested;
        if (!s || strncmp(img_cases[i].ref, "nvidia/cuda:", 12) != 0)
            continue;
        char *text = ed_arena_printf(arena, "nvidia/cuda:%s", s);
        img_ref ref;
        const char *error;
        assert_true(img_ref_parse(arena, text, strlen(text), &ref, &error));
        kb_image_facts f;
        kb_image(kb_get(), &ref, arena, &f);
        assert_int_equal(f.tag_exists, KB_YES);
    }
    ed_arena_free(arena);
}

static void test_cuda_latest_patch(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(vstr(kb_cuda_image_latest_patch(kb_get(), (kb_version){12, 4, -1}), buf,
                             sizeof buf),
                        "12.4.1");
    assert_string_equal(vstr(kb_cuda_image_latest_patch(kb_get(), (kb_version){12, 1, 0}), buf,
                             sizeof buf),
                        "12.1.1");
    assert_int_equal(kb_cuda_image_latest_patch(kb_get(), (kb_version){12, 7, -1}).major, -1);
}

static void test_image_null_inputs(void **state)
{
    (void)state;
    kb_image_facts f;
    kb_image(kb_get(), NULL, NULL, &f);
    assert_int_equal(f.vendor, KB_VENDOR_UNKNOWN);
    assert_int_equal(f.cuda.major, -1);
}

/* ---- PyTorch index URLs --------------------------------------------------------- */

typedef struct index_case {
    const char *url;
    bool ok;
    kb_index_kind kind;
    const char *cuda, *suffix;
    bool nightly, test, page;
} index_case;

static const index_case index_cases[] = {
    {"https://download.pytorch.org/whl/cu124", true, KB_INDEX_CUDA, "12.4", "cu124", false, false, false},
    {"https://download.pytorch.org/whl/cu124/", true, KB_INDEX_CUDA, "12.4", "cu124", false, false, false},
    {"https://download.pytorch.org/whl/cu121/simple", true, KB_INDEX_CUDA, "12.1", "cu121", false, false, false},
    {"http://download.pytorch.org/whl/cu118", true, KB_INDEX_CUDA, "11.8", "cu118", false, false, false},
    {"download.pytorch.org/whl/cu130", true, KB_INDEX_CUDA, "13.0", "cu130", false, false, false},
    {"https://DOWNLOAD.PYTORCH.ORG/whl/cu126", true, KB_INDEX_CUDA, "12.6", "cu126", false, false, false},
    {"https://download.pytorch.org/whl/cu128?x=1", true, KB_INDEX_CUDA, "12.8", "cu128", false, false, false},
    {"https://download.pytorch.org/whl/nightly/cu128", true, KB_INDEX_CUDA, "12.8", "cu128", true, false, false},
    {"https://download.pytorch.org/whl/test/cu126", true, KB_INDEX_CUDA, "12.6", "cu126", false, true, false},
    {"https://download.pytorch.org/whl/cpu", true, KB_INDEX_CPU, "", "cpu", false, false, false},
    {"https://download.pytorch.org/whl/nightly/cpu", true, KB_INDEX_CPU, "", "cpu", true, false, false},
    {"https://download.pytorch.org/whl/rocm6.2", true, KB_INDEX_ROCM, "", "rocm6.2", false, false, false},
    {"https://download.pytorch.org/whl/xpu", true, KB_INDEX_XPU, "", "xpu", false, false, false},
    {"https://download.pytorch.org/whl/torch_stable.html", true, KB_INDEX_OTHER_PYTORCH, "", "", false, false, true},
    {"https://download.pytorch.org/whl/cu111/torch_stable.html", true, KB_INDEX_CUDA, "11.1", "cu111", false, false, true},
    {"https://download.pytorch.org/whl", true, KB_INDEX_OTHER_PYTORCH, "", "", false, false, false},
    {"https://download.pytorch.org/libtorch/cu124/libtorch.zip", true, KB_INDEX_OTHER_PYTORCH, "", "", false, false, false},
    {"https://pypi.org/simple", false, KB_INDEX_NONE, "", "", false, false, false},
    {"https://download.pytorch.org.example.com/whl/cu124", false, KB_INDEX_NONE, "", "", false, false, false},
    {"", false, KB_INDEX_NONE, "", "", false, false, false},
};

static void test_index_url(void **state)
{
    const index_case *c = *state;
    kb_torch_index idx;
    char buf[32];
    assert_int_equal(kb_torch_index_parse(c->url, &idx), c->ok);
    assert_int_equal(idx.kind, c->kind);
    assert_string_equal(vstr(idx.cuda, buf, sizeof buf), c->cuda);
    assert_string_equal(idx.suffix, c->suffix);
    assert_int_equal(idx.nightly, c->nightly);
    assert_int_equal(idx.test, c->test);
    assert_int_equal(idx.find_links_page, c->page);
}

/* ---- PyTorch suffixes and builds --------------------------------------------------- */

typedef struct suffix_case {
    kb_version cuda;
    const char *suffix;
} suffix_case;

static const suffix_case suffix_cases[] = {
    {{11, 8, 0}, "cu118"},  {{12, 1, 1}, "cu121"},  {{12, 2, 2}, "cu121"},
    {{12, 4, 1}, "cu124"},  {{12, 4, -1}, "cu124"}, {{12, 5, 1}, "cu124"},
    {{12, 6, 3}, "cu126"},  {{12, 8, 0}, "cu128"},  {{12, 9, 1}, "cu129"},
    {{13, 0, 2}, "cu130"},  {{13, 1, 0}, "cu130"},  {{13, 2, 0}, "cu132"},
    {{11, 5, 2}, "cu113"},  {{10, 2, -1}, "cu102"}, {{12, 0, 1}, NULL},
    {{9, 2, -1}, NULL},     {{12, -1, -1}, NULL},
};

static void test_suffix_for_cuda(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof suffix_cases / sizeof suffix_cases[0]; i++) {
        const char *got = kb_torch_suffix_for_cuda(kb_get(), suffix_cases[i].cuda);
        char buf[32];
        if (suffix_cases[i].suffix == NULL ? got != NULL
                                           : !got || strcmp(got, suffix_cases[i].suffix) != 0)
            fail_msg("CUDA %s: expected %s, got %s", vstr(suffix_cases[i].cuda, buf, sizeof buf),
                     suffix_cases[i].suffix ? suffix_cases[i].suffix : "(none)",
                     got ? got : "(none)");
    }
}

typedef struct build_case {
    const char *torch, *suffix;
    kb_tri has;
} build_case;

static const build_case build_cases[] = {
    {"2.1.0", "cu118", Y},       {"2.1.0", "cu121", Y},       {"2.1.0", "cu124", N},
    {"2.1.2+cu121", "cu121", Y}, {"2.1", "cu121", Y},         {"2.0.1", "cu117", Y},
    {"2.4.1", "cu124", Y},       {"2.5.1", "cu126", N},       {"2.6.0", "cu126", Y},
    {"2.7.0", "cu128", Y},       {"2.8.0", "cu118", N},       {"2.9.0", "cu130", Y},
    {"2.12.0", "cu128", N},      {"2.14.0", "cu132", Y},      {"1.10.0", "cu113", U},
    {"1.10.0", "cu111", Y},      {"2.15.0", "cu130", U},      {"3.0.0", "cu130", U},
    {"2.1.0", "cpu", Y},         {"2.1.0", "rocm5.6", U},     {"2", "cu121", U},
    {"2.1.0", "cu999", N},       {"2.4.0rc1", "cu124", Y},
};

static void test_torch_has_build(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof build_cases / sizeof build_cases[0]; i++) {
        kb_tri got = kb_torch_has_build(kb_get(), build_cases[i].torch, build_cases[i].suffix);
        if (got != build_cases[i].has)
            fail_msg("torch %s with %s: expected %d, got %d", build_cases[i].torch,
                     build_cases[i].suffix, build_cases[i].has, got);
    }
}

static void test_torch_builds(void **state)
{
    (void)state;
    const char *const *s;
    assert_int_equal(kb_torch_builds(kb_get(), "2.1.0", &s), 2);
    assert_string_equal(s[0], "cu118");
    assert_string_equal(s[1], "cu121");
    assert_int_equal(kb_torch_builds(kb_get(), "2.11.0+cu130", &s), 3);
    assert_string_equal(s[2], "cu130");
    assert_int_equal(kb_torch_builds(kb_get(), "9.9", &s), 0);
    assert_null(s);
    assert_int_equal(kb_torch_builds(kb_get(), "2.15.0", &s), 0); /* unknown matrix */
}

static void test_torch_pypi_default(void **state)
{
    (void)state;
    kb_verified v;
    assert_string_equal(kb_torch_pypi_default(kb_get(), "2.11.0", &v), "cu130");
    assert_int_equal(v, KB_VERIFIED);
    assert_string_equal(kb_torch_pypi_default(kb_get(), "2.1.0", &v), "cu121");
    assert_int_equal(v, KB_UNVERIFIED);
    assert_string_equal(kb_torch_pypi_default(kb_get(), "2.6.0", &v), "cu124");
    assert_int_equal(v, KB_THIRD_PARTY);
    assert_null(kb_torch_pypi_default(kb_get(), "2.15.0", &v));
}

static void test_torch_local_label(void **state)
{
    (void)state;
    kb_torch_index l;
    char buf[32];
    assert_true(kb_torch_local_label("2.1.0+cu121", &l));
    assert_int_equal(l.kind, KB_INDEX_CUDA);
    assert_string_equal(vstr(l.cuda, buf, sizeof buf), "12.1");
    assert_string_equal(l.suffix, "cu121");
    assert_true(kb_torch_local_label("1.10.0+cu111", &l));
    assert_string_equal(l.suffix, "cu111");
    assert_true(kb_torch_local_label("2.1.0+cpu", &l));
    assert_int_equal(l.kind, KB_INDEX_CPU);
    assert_true(kb_torch_local_label("2.2.0+rocm5.7", &l));
    assert_int_equal(l.kind, KB_INDEX_ROCM);
    assert_string_equal(l.suffix, "rocm5.7");
    assert_true(kb_torch_local_label("2.5.0+xpu", &l));
    assert_int_equal(l.kind, KB_INDEX_XPU);
    assert_false(kb_torch_local_label("2.1.0", &l));
    assert_int_equal(l.kind, KB_INDEX_NONE);
    assert_false(kb_torch_local_label("2.1.0+local", &l));
    assert_false(kb_torch_local_label(NULL, &l));
}

static void test_cuda_suffix_version(void **state)
{
    (void)state;
    kb_version v;
    char buf[32];
    assert_true(kb_cuda_suffix_version("cu118", &v));
    assert_string_equal(vstr(v, buf, sizeof buf), "11.8");
    assert_true(kb_cuda_suffix_version("cu92", &v));
    assert_string_equal(vstr(v, buf, sizeof buf), "9.2");
    assert_true(kb_cuda_suffix_version("cu1241", &v));
    assert_string_equal(vstr(v, buf, sizeof buf), "12.4.1");
    assert_false(kb_cuda_suffix_version("cpu", &v));
    assert_false(kb_cuda_suffix_version("cu", &v));
    assert_false(kb_cuda_suffix_version("cu12x", &v));
    assert_false(kb_cuda_suffix_version("cuda124", &v));
}

/* ---- Versions ------------------------------------------------------------------------ */

static void test_version_parse(void **state)
{
    (void)state;
    kb_version v;
    char buf[32];
    assert_true(kb_version_parse("12.4.1", &v));
    assert_int_equal(v.major, 12);
    assert_int_equal(v.minor, 4);
    assert_int_equal(v.patch, 1);
    assert_true(kb_version_parse("12.4", &v));
    assert_int_equal(v.patch, -1);
    assert_true(kb_version_parse("13", &v));
    assert_int_equal(v.minor, -1);
    assert_string_equal(vstr(v, buf, sizeof buf), "13");
    const char *bad[] = {"", "cu124", "12.", ".4", "12.4.1.2", "v12", "12.4-1", "1234567.0", "12..4"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (kb_version_parse(bad[i], &v))
            fail_msg("\"%s\" parsed", bad[i]);
    assert_false(kb_version_parse(NULL, &v));
    assert_true(kb_version_cmp((kb_version){12, 4, -1}, (kb_version){12, 4, 0}) < 0);
    assert_true(kb_version_cmp((kb_version){12, 10, 0}, (kb_version){12, 9, 9}) > 0);
    assert_int_equal(kb_version_cmp((kb_version){1, 2, 3}, (kb_version){1, 2, 3}), 0);
    assert_string_equal(vstr(KB_VERSION_NONE, buf, sizeof buf), "");
}

/* ---- Packages ------------------------------------------------------------------------- */

static void test_normalise_name(void **state)
{
    (void)state;
    char buf[32];
    assert_int_equal(kb_normalise_name("Flash_Attn", buf, sizeof buf), 10);
    assert_string_equal(buf, "flash-attn");
    kb_normalise_name("a..b__c-.-d", buf, sizeof buf);
    assert_string_equal(buf, "a-b-c-d");
    char tiny[4];
    assert_int_equal(kb_normalise_name("torchvision", tiny, sizeof tiny), 11);
    assert_string_equal(tiny, "tor");
}

static void test_cuda_package(void **state)
{
    (void)state;
    const kb *k = kb_get();
    const kb_cuda_package *p = kb_cuda_package_find(k, "flash-attn");
    assert_non_null(p);
    assert_string_equal(p->builds, "no-wheel");
    assert_true(p->no_build_isolation);
    assert_string_equal(p->arch_knob, "FLASH_ATTN_CUDA_ARCHS");
    bool max_jobs = false;
    for (size_t i = 0; i < p->nknobs; i++)
        max_jobs = max_jobs || strcmp(p->knobs[i], "MAX_JOBS") == 0;
    assert_true(max_jobs);
    assert_string_equal(p->force[0], "FLASH_ATTENTION_FORCE_BUILD");
    assert_int_equal(p->verified, KB_VERIFIED);
    assert_ptr_equal(kb_cuda_package_find(k, "Flash_Attn"), p); /* raw names work too */
    p = kb_cuda_package_find(k, "tinycudann");
    assert_non_null(p);
    assert_string_equal(p->name, "tiny-cuda-nn");
    assert_true(kb_cuda_package_find(k, "deepspeed")->jit);
    assert_string_equal(kb_cuda_package_find(k, "cupy")->builds, "always");
    assert_int_equal(kb_cuda_package_find(k, "vllm")->knobs_verified, KB_UNVERIFIED);
    assert_int_equal(kb_cuda_package_find(k, "xformers")->knobs_verified, KB_VERIFIED);
    assert_int_equal(kb_cuda_package_find(k, "pycuda")->verified, KB_UNVERIFIED);
    assert_null(kb_cuda_package_find(k, "torch"));
    assert_null(kb_cuda_package_find(k, "torchmetrics"));
    assert_null(kb_cuda_package_find(k, "build-essential"));
    assert_null(kb_cuda_package_find(k, NULL));
}

static void test_wrong_package(void **state)
{
    (void)state;
    const kb *k = kb_get();
    const char *instead;
    const char *why = kb_wrong_package(k, "apex", &instead);
    assert_non_null(why);
    assert_non_null(strstr(why, "unrelated"));
    assert_non_null(instead);
    why = kb_wrong_package(k, "tensorflow-gpu", &instead);
    assert_non_null(strstr(why, "removed"));
    assert_string_equal(instead, "tensorflow[and-cuda]");
    assert_int_equal(kb_wrong_package_find(k, "tensorflow-gpu")->kind, KB_WRONG_REMOVED);
    assert_non_null(kb_wrong_package(k, "bitsandbytes-cuda117", &instead));
    assert_string_equal(instead, "bitsandbytes");
    assert_int_equal(kb_wrong_package_find(k, "cupy-cuda110")->kind, KB_WRONG_DEPRECATED);
    assert_int_equal(kb_wrong_package_find(k, "spconv")->kind, KB_WRONG_CPU_ONLY);
    assert_int_equal(kb_wrong_package_find(k, "detectron2")->kind, KB_WRONG_NOT_ON_PYPI);
    assert_null(kb_wrong_package(k, "cupy-cuda12x", &instead));
    assert_null(instead);
    assert_null(kb_wrong_package(k, "torch", NULL));
    assert_null(kb_wrong_package(k, "tensorflow", NULL));
}

typedef struct os_case {
    kb_pkg_manager pm;
    const char *name;
    kb_pkg_class cls;
    const char *version;
    kb_tri nvcc;
} os_case;

static const os_case os_cases[] = {
    {KB_PM_SYSTEM, "cuda-compat-12-4", KB_PKG_COMPAT, "12.4", U},
    {KB_PM_SYSTEM, "nvidia-driver-535", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "nvidia-driver-535-server", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "cuda-toolkit-12-4", KB_PKG_TOOLKIT, "12.4", Y},
    {KB_PM_SYSTEM, "cuda-toolkit-13", KB_PKG_TOOLKIT, "13", Y},
    {KB_PM_SYSTEM, "cuda-toolkit", KB_PKG_TOOLKIT, "", Y},
    {KB_PM_SYSTEM, "cuda-nvcc-12-1", KB_PKG_TOOLKIT, "12.1", Y},
    {KB_PM_SYSTEM, "cuda-compiler-11-8", KB_PKG_TOOLKIT, "11.8", Y},
    {KB_PM_SYSTEM, "cuda-minimal-build-12-4", KB_PKG_TOOLKIT, "12.4", Y},
    {KB_PM_SYSTEM, "nvidia-cuda-toolkit", KB_PKG_TOOLKIT, "", Y},
    {KB_PM_SYSTEM, "build-essential", KB_PKG_OTHER, "", U},
    {KB_PM_SYSTEM, "libgcc-s1", KB_PKG_OTHER, "", U},
    {KB_PM_SYSTEM, "cuda", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "cuda-12-4", KB_PKG_DRIVER, "12.4", U},
    {KB_PM_SYSTEM, "cuda-13.0", KB_PKG_DRIVER, "13.0", U},
    {KB_PM_SYSTEM, "cuda-runtime-12-4", KB_PKG_DRIVER, "12.4", U},
    {KB_PM_SYSTEM, "cuda-drivers", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "cuda-drivers-535", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "nvidia-utils-535", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "libnvidia-compute-535", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "nvidia-dkms-535", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "nvidia-kernel-common-535", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "nvidia-headless-535-server", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "kmod-nvidia-latest-dkms", KB_PKG_DRIVER, "", U},
    {KB_PM_SYSTEM, "cuda-libraries-12-4", KB_PKG_LIBRARY, "12.4", U},
    {KB_PM_SYSTEM, "libcudnn9-cuda-12", KB_PKG_LIBRARY, "", U},
    {KB_PM_SYSTEM, "nvidia-container-toolkit", KB_PKG_HOST, "", U},
    {KB_PM_SYSTEM, "libnvidia-container1", KB_PKG_HOST, "", U},
    {KB_PM_SYSTEM, "CUDA-Toolkit-12-4", KB_PKG_TOOLKIT, "12.4", Y},
    {KB_PM_CONDA, "cudatoolkit", KB_PKG_TOOLKIT, "", N},
    {KB_PM_CONDA, "cuda-nvcc", KB_PKG_TOOLKIT, "", Y},
    {KB_PM_CONDA, "cuda", KB_PKG_TOOLKIT, "", Y},
    {KB_PM_CONDA, "cuda-version", KB_PKG_OTHER, "", U},
    {KB_PM_CONDA, "cuda-compat-12-4", KB_PKG_COMPAT, "12.4", U},
    {KB_PM_CONDA, "numpy", KB_PKG_OTHER, "", U},
};

static void test_os_packages(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof os_cases / sizeof os_cases[0]; i++) {
        const os_case *c = &os_cases[i];
        kb_os_package p;
        char buf[32];
        kb_os_package_find(kb_get(), c->pm, c->name, &p);
        if (p.cls != c->cls || strcmp(vstr(p.version, buf, sizeof buf), c->version) != 0 ||
            p.nvcc != c->nvcc)
            fail_msg("%s: class %d version %s nvcc %d", c->name, p.cls, buf, p.nvcc);
    }
}

static void test_os_package_class(void **state)
{
    (void)state;
    kb_version v;
    char buf[32];
    assert_int_equal(kb_os_package_class(kb_get(), "cuda-compat-12-4", &v), KB_PKG_COMPAT);
    assert_string_equal(vstr(v, buf, sizeof buf), "12.4");
    assert_int_equal(kb_os_package_class(kb_get(), "nvidia-driver-535", NULL), KB_PKG_DRIVER);
    assert_int_equal(kb_os_package_class(kb_get(), "cuda-toolkit-12-4", &v), KB_PKG_TOOLKIT);
    assert_string_equal(vstr(v, buf, sizeof buf), "12.4");
    assert_int_equal(kb_os_package_class(kb_get(), "cuda-nvcc-12-1", &v), KB_PKG_TOOLKIT);
    assert_string_equal(vstr(v, buf, sizeof buf), "12.1");
    assert_int_equal(kb_os_package_class(kb_get(), "build-essential", &v), KB_PKG_OTHER);
    assert_int_equal(v.major, -1);
    assert_int_equal(kb_os_package_class(kb_get(), "", &v), KB_PKG_OTHER);
    /* the entry says how sure the data is */
    kb_os_package p;
    assert_true(kb_os_package_find(kb_get(), KB_PM_SYSTEM, "nvidia-driver-535", &p));
    assert_int_equal(p.verified, KB_UNVERIFIED);
    assert_true(kb_os_package_find(kb_get(), KB_PM_SYSTEM, "cuda-12-4", &p));
    assert_int_equal(p.verified, KB_VERIFIED);
    assert_string_equal(p.pattern, "cuda-{ver}");
}

/* ---- Architectures ---------------------------------------------------------------------- */

typedef struct arch_parse_case {
    const char *text;
    bool ok;
    int major, minor;
    char variant;
    bool ptx;
} arch_parse_case;

static const arch_parse_case arch_parse_cases[] = {
    {"8.6", true, 8, 6, 0, false},        {"86", true, 8, 6, 0, false},
    {"sm_86", true, 8, 6, 0, false},      {"compute_90a", true, 9, 0, 'a', true},
    {"9.0+PTX", true, 9, 0, 0, true},     {"9.0a", true, 9, 0, 'a', false},
    {"100", true, 10, 0, 0, false},       {"12.0", true, 12, 0, 0, false},
    {"sm_120f", true, 12, 0, 'f', false}, {"compute_75", true, 7, 5, 0, true},
    {" 7.5", true, 7, 5, 0, false},       {"Hopper", false, 0, 0, 0, false},
    {"native", false, 0, 0, 0, false},    {"8.6.1", false, 0, 0, 0, false},
    {"", false, 0, 0, 0, false},          {"0.0", false, 0, 0, 0, false},
    {"8", false, 0, 0, 0, false},         {"1000", false, 0, 0, 0, false},
    {"8.6x", false, 0, 0, 0, false},
};

static void test_arch_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof arch_parse_cases / sizeof arch_parse_cases[0]; i++) {
        const arch_parse_case *c = &arch_parse_cases[i];
        kb_arch a;
        bool ok = kb_arch_parse_full(c->text, &a);
        if (ok != c->ok ||
            (ok && (a.major != c->major || a.minor != c->minor || a.variant != c->variant ||
                    a.ptx != c->ptx)))
            fail_msg("\"%s\": ok %d %d.%d%c ptx %d", c->text, ok, a.major, a.minor,
                     a.variant ? a.variant : ' ', a.ptx);
    }
    int major, minor;
    assert_true(kb_arch_parse("sm_90", &major, &minor));
    assert_int_equal(major, 9);
    assert_int_equal(minor, 0);
    assert_false(kb_arch_parse("all-major", &major, &minor));
}

typedef struct arch_case {
    const char *arch;
    kb_version cuda;
    kb_tri ok;
    const char *why; /* substring when ok == N */
} arch_case;

static const arch_case arch_cases[] = {
    {"9.0", {11, 7, 1}, N, "needs CUDA 11.8"}, {"9.0", {11, 8, 0}, Y, NULL},
    {"8.9", {11, 8, -1}, Y, NULL},             {"10.0", {12, 6, 3}, N, "needs CUDA 12.8"},
    {"10.0", {12, 8, 0}, Y, NULL},             {"12.0", {12, 4, 1}, N, "needs CUDA 12.8"},
    {"12.0", {12, 8, 1}, Y, NULL},             {"3.5", {12, 0, 1}, N, "CUDA 12 dropped Kepler"},
    {"3.7", {12, 4, -1}, N, NULL},             {"3.5", {11, 8, 0}, Y, NULL},
    {"7.0", {13, 0, 0}, N, "minimum compute capability 7.5"},
    {"7.2", {13, 0, 2}, N, NULL},              {"6.1", {13, 1, 0}, N, NULL},
    {"5.2", {12, 9, 1}, Y, NULL},              {"7.5", {13, 0, 0}, Y, NULL},
    {"8.0", {12, 4, 1}, Y, NULL},              {"8.0", {10, 2, -1}, U, NULL},
    {"8.6", {11, 0, 3}, U, NULL},              {"8.7", {11, 3, 1}, N, NULL},
    {"10.1", {12, 9, 0}, Y, NULL},             {"10.1", {13, 0, 0}, N, "renamed sm_110"},
    {"11.0", {12, 9, 1}, N, NULL},             {"11.0", {13, 0, 0}, Y, NULL},
    {"10.3", {12, 8, 1}, N, NULL},             {"12.1", {12, 9, 0}, Y, NULL},
    {"sm_90a", {12, 0, 0}, Y, NULL},           {"sm_90a", {11, 8, 0}, U, NULL},
    {"sm_100f", {12, 8, 1}, N, NULL},          {"sm_100f", {12, 9, 0}, Y, NULL},
    {"sm_86a", {12, 4, 0}, U, NULL},           {"4.0", {12, 0, 0}, U, NULL},
    {"7.5", {10, 0, -1}, U, NULL},             {"10.0", {12, -1, -1}, U, NULL},
    {"9.0", {-1, -1, -1}, U, NULL},
};

static void test_arch_support(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof arch_cases / sizeof arch_cases[0]; i++) {
        const arch_case *c = &arch_cases[i];
        kb_arch a;
        assert_true(kb_arch_parse_full(c->arch, &a));
        const char *why = "unset";
        kb_tri got = kb_cuda_supports_target(kb_get(), c->cuda, &a, &why);
        char buf[32];
        if (got != c->ok)
            fail_msg("%s on CUDA %s: expected %d, got %d", c->arch,
                     vstr(c->cuda, buf, sizeof buf), c->ok, got);
        if (got == KB_NO ? !why : why != NULL)
            fail_msg("%s on CUDA %s: why %s", c->arch, vstr(c->cuda, buf, sizeof buf),
                     why ? why : "(null)");
        if (c->why && !strstr(why, c->why))
            fail_msg("%s: expected \"%s\" in \"%s\"", c->arch, c->why, why);
    }
    const char *why;
    assert_int_equal(kb_cuda_supports_arch(kb_get(), (kb_version){11, 7, -1}, 9, 0, &why), KB_NO);
    assert_int_equal(kb_cuda_supports_arch(kb_get(), (kb_version){11, 8, -1}, 9, 0, NULL), KB_YES);
}

static void test_arch_names(void **state)
{
    (void)state;
    const char *const *ccs;
    assert_int_equal(kb_arch_names(kb_get(), "Hopper", &ccs), 1);
    assert_string_equal(ccs[0], "9.0");
    assert_int_equal(kb_arch_names(kb_get(), "ampere", &ccs), 3);
    assert_string_equal(ccs[1], "8.6");
    assert_int_equal(kb_arch_names(kb_get(), "Ada", &ccs), 1);
    assert_string_equal(ccs[0], "8.9");
    assert_int_equal(kb_arch_names(kb_get(), "Blackwell", &ccs), 5);
    assert_int_equal(kb_arch_names(kb_get(), "Rubin", &ccs), 0);
    assert_null(ccs);
}

/* ---- Drivers ------------------------------------------------------------------------------ */

static void test_min_driver(void **state)
{
    (void)state;
    const kb *k = kb_get();
    assert_string_equal(kb_cuda_min_driver(k, (kb_version){12, 4, 1}), "550.54.15");
    assert_string_equal(kb_cuda_min_driver(k, (kb_version){12, 4, 0}), "550.54.14");
    assert_string_equal(kb_cuda_min_driver(k, (kb_version){12, 4, -1}), "550.54.14");
    assert_string_equal(kb_cuda_min_driver(k, (kb_version){12, 6, 2}), "560.35.03");
    assert_string_equal(kb_cuda_min_driver(k, (kb_version){11, 3, 1}), "465.19.01");
    assert_string_equal(kb_cuda_min_driver(k, (kb_version){13, 0, -1}), "580.65.06");
    assert_string_equal(kb_cuda_min_driver(k, (kb_version){10, 2, -1}), "440.33");
    assert_null(kb_cuda_min_driver(k, (kb_version){12, 3, 2})); /* not in the table */
    assert_null(kb_cuda_min_driver(k, (kb_version){14, 0, 0}));
    assert_null(kb_cuda_min_driver(k, KB_VERSION_NONE));
    assert_string_equal(kb_cuda_driver_floor(k, 12), "525");
    assert_string_equal(kb_cuda_driver_floor(k, 13), "580");
    assert_string_equal(kb_cuda_driver_floor(k, 11), "450.80.02");
    assert_null(kb_cuda_driver_floor(k, 10));
}

/* ---- TensorFlow and JAX ------------------------------------------------------------------- */

static void test_tensorflow(void **state)
{
    (void)state;
    const kb *k = kb_get();
    kb_version cuda;
    kb_verified v;
    char buf[32];
    assert_true(kb_tf_cuda(k, "2.15.0", &cuda, &v));
    assert_string_equal(vstr(cuda, buf, sizeof buf), "12.2");
    assert_int_equal(v, KB_VERIFIED);
    assert_true(kb_tf_cuda(k, "2.7.0", &cuda, NULL));
    assert_string_equal(vstr(cuda, buf, sizeof buf), "11.2");
    assert_true(kb_tf_cuda(k, "2.19.0", &cuda, &v));
    assert_int_equal(v, KB_UNVERIFIED);
    assert_false(kb_tf_cuda(k, "2.22.0", &cuda, &v));
    assert_false(kb_tf_cuda(k, "latest", &cuda, &v));
    assert_int_equal(kb_tf_needs_and_cuda(k, "2.13.1"), KB_NO);
    assert_int_equal(kb_tf_needs_and_cuda(k, "2.14.0"), KB_YES);
    assert_int_equal(kb_tf_needs_and_cuda(k, "2.16.1"), KB_YES);
    assert_int_equal(kb_tf_needs_and_cuda(k, NULL), KB_YES);
    assert_int_equal(kb_tf_needs_and_cuda(k, "2"), KB_UNKNOWN);
    assert_int_equal(kb_tf_needs_and_cuda(k, "abc"), KB_UNKNOWN);
}

static void test_jax(void **state)
{
    (void)state;
    const kb *k = kb_get();
    const kb_jax_extra *e = kb_jax_extra_find(k, "cuda12");
    assert_non_null(e);
    assert_int_equal(e->backend, KB_JAX_CUDA);
    assert_int_equal(e->cuda_major, 12);
    assert_false(e->local);
    e = kb_jax_extra_find(k, "cuda12_local");
    assert_non_null(e);
    assert_true(e->local);
    assert_ptr_equal(kb_jax_extra_find(k, "CUDA12-Local"), e);
    e = kb_jax_extra_find(k, "cuda12_pip");
    assert_string_equal(e->removed, "0.6.0");
    assert_false(e->local);
    assert_string_equal(kb_jax_extra_find(k, "cuda")->alias_of, "cuda12");
    assert_int_equal(kb_jax_extra_find(k, "cuda13")->cuda_major, 13);
    assert_true(kb_jax_extra_find(k, "cuda111")->local);
    assert_int_equal(kb_jax_extra_find(k, "tpu")->backend, KB_JAX_TPU);
    assert_int_equal(kb_jax_extra_find(k, "rocm7-local")->backend, KB_JAX_ROCM);
    assert_null(kb_jax_extra_find(k, "cuda14"));
    assert_null(kb_jax_extra_find(k, NULL));
    const kb_jax_plugin *p = kb_jax_plugin_find(k, "jax-cuda12-plugin");
    assert_non_null(p);
    assert_string_equal(p->bundled_extra, "with-cuda");
    assert_null(kb_jax_plugin_find(k, "jax-cuda12-pjrt")->bundled_extra);
    assert_null(kb_jax_plugin_find(k, "jax"));
    const char *last;
    assert_true(kb_jaxlib_is_monolithic_cuda(k, "0.4.25+cuda12.cudnn89", &last));
    assert_string_equal(last, "0.4.29");
    assert_false(kb_jaxlib_is_monolithic_cuda(k, "0.4.30", NULL));
}

/* ---- Loading ---------------------------------------------------------------------------------- */

/* Every top-level entry of every embedded file carries source: and a
 * verified: marker in {v, 3p, unverified}; checked on the raw YAML,
 * independently of the loader, and the loader must have seen them all. */
static const char *scalar_of(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        if (k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0)
            return v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : NULL;
    }
    return NULL;
}

static size_t check_entry(const char *file, yaml_document_t *doc, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        fail_msg("%s:%zu: an entry must be a mapping", file, (size_t)n->start_mark.line + 1);
    const char *src = scalar_of(doc, n, "source");
    const char *ver = scalar_of(doc, n, "verified");
    if (!src || !*src)
        fail_msg("%s:%zu: entry without source", file, (size_t)n->start_mark.line + 1);
    if (!ver || (strcmp(ver, "v") != 0 && strcmp(ver, "3p") != 0 && strcmp(ver, "unverified") != 0))
        fail_msg("%s:%zu: entry without a verified marker", file, (size_t)n->start_mark.line + 1);
    return 1;
}

static void test_every_entry_has_source(void **state)
{
    (void)state;
    size_t entries = 0, files = 0;
    for (const kb_text *f = kb_embedded; f->name; f++, files++) {
        yaml_parser_t parser;
        yaml_document_t doc;
        assert_true(yaml_parser_initialize(&parser));
        yaml_parser_set_input_string(&parser, (const unsigned char *)f->text, strlen(f->text));
        assert_true(yaml_parser_load(&parser, &doc));
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        assert_non_null(root);
        assert_int_equal(root->type, YAML_MAPPING_NODE);
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
             p++) {
            yaml_node_t *v = yaml_document_get_node(&doc, p->value);
            if (v->type == YAML_SEQUENCE_NODE) {
                for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
                     i++)
                    entries += check_entry(f->name, &doc, yaml_document_get_node(&doc, *i));
            } else if (v->type == YAML_MAPPING_NODE && scalar_of(&doc, v, "source")) {
                entries += check_entry(f->name, &doc, v);
            } else if (v->type == YAML_MAPPING_NODE) { /* a mapping of named entries */
                for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top;
                     q++)
                    entries += check_entry(f->name, &doc, yaml_document_get_node(&doc, q->value));
            } else {
                fail_msg("%s: a table must be a list or a mapping", f->name);
            }
        }
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
    }
    assert_int_equal(files, 11);
    assert_int_equal(entries, kb_entry_count(kb_get()));
    assert_true(entries > 300);
}

typedef struct bad_case {
    const char *label, *file, *text;
    const char *error; /* substring of the message */
} bad_case;

static const bad_case bad_cases[] = {
    {"YAML syntax", "pytorch.yaml", "indexes: [\n  - {suffix: cu124\n", "pytorch.yaml:2:3: YAML error"},
    {"missing source", "pytorch.yaml",
     "indexes:\n  - {suffix: cu124, cuda: \"12.4\", verified: v}\n",
     "pytorch.yaml:2:5: missing 'source' in this index"},
    {"missing verified", "ngc.yaml", "releases:\n  - {release: \"24.05\", cuda: \"12.4.1\", source: x}\n",
     "ngc.yaml:2:5: missing 'verified' in this NGC release"},
    {"bad marker", "pytorch.yaml",
     "indexes:\n  - {suffix: cu124, cuda: \"12.4\", source: x, verified: maybe}\n",
     "'verified': 'maybe' is not v, 3p or unverified"},
    {"unknown key", "pytorch.yaml",
     "indexes:\n  - {sufix: cu124, cuda: \"12.4\", source: x, verified: v}\n",
     "pytorch.yaml:2:6: unknown key 'sufix' in this index"},
    {"unknown table", "pytorch.yaml", "wheels: []\n", "pytorch.yaml:1:1: unknown table 'wheels'"},
    {"unknown file", "nope.yaml", "a: 1\n", "nope.yaml: not a knowledge file"},
    {"bad version", "drivers.yaml", "floors: []\ntoolkits:\n  - {cuda: twelve, driver: \"1\", source: x, verified: v}\n",
     "'cuda': 'twelve' is not a version range"},
    {"bad range", "cuda-images.yaml",
     "os:\n  - {os: x1, versions: [\"13..12\"], source: x, verified: v}\n", "is not a version range"},
    {"bad enum", "images.yaml",
     "families:\n  - {family: f, match: [f], vendor: acme, reader: none, source: x, verified: v}\n",
     "'vendor': unknown value 'acme'"},
    {"list expected", "images.yaml",
     "families:\n  - {family: f, match: f, vendor: none, reader: none, source: x, verified: v}\n",
     "'match' must be a list"},
    {"not a mapping", "jax.yaml", "- a\n- b\n", "jax.yaml:1:1: the file must be a mapping of tables"},
    {"empty file", "jax.yaml", "", "jax.yaml: empty file"},
    {"table twice", "ngc.yaml", "releases: []\nreleases: []\n", "table 'releases' given twice"},
    {"key twice", "pytorch.yaml",
     "indexes:\n  - {suffix: cu124, suffix: cu121, cuda: \"12.4\", source: x, verified: v}\n",
     "'suffix' given twice"},
    {"cross reference", "pytorch.yaml",
     "indexes: []\nreleases:\n  - {torch: \"2.1\", cuda: [cu999], source: x, verified: v}\n",
     "torch 2.1: cu999 is not in indexes"},
    {"suffix disagrees", "pytorch.yaml",
     "indexes:\n  - {suffix: cu124, cuda: \"12.1\", source: x, verified: v}\n",
     "index cu124 does not name CUDA 12.1"},
};

static void test_bad_data(void **state)
{
    const bad_case *c = *state;
    kb_text files[] = {{c->file, c->text}, {NULL, NULL}};
    char error[256] = "untouched";
    kb *k = kb_load(files, error, sizeof error);
    if (k)
        fail_msg("loaded");
    if (!strstr(error, c->error))
        fail_msg("expected \"%s\" in \"%s\"", c->error, error);
}

static void test_good_small_data(void **state)
{
    (void)state;
    kb_text files[] = {
        {"pytorch.yaml", "indexes:\n  - {suffix: cu124, cuda: \"12.4\", source: t, verified: v}\n"
                         "releases:\n  - {torch: \"2.5\", cuda: [cu124], source: t, verified: 3p}\n"},
        {NULL, NULL}};
    char error[256];
    kb *k = kb_load(files, error, sizeof error);
    assert_non_null(k);
    assert_string_equal(error, "");
    assert_int_equal(kb_entry_count(k), 2);
    assert_int_equal(kb_torch_has_build(k, "2.5.1", "cu124"), KB_YES);
    assert_int_equal(kb_torch_has_build(k, "2.5.1", "cu121"), KB_NO);
    /* tables the files did not give are empty: every answer is unknown */
    img_ref ref;
    const char *perr;
    ed_arena *arena = ed_arena_new();
    assert_true(img_ref_parse(arena, "python:3.12", 11, &ref, &perr));
    kb_image_facts f;
    kb_image(k, &ref, arena, &f);
    assert_int_equal(f.vendor, KB_VENDOR_UNKNOWN);
    assert_null(kb_cuda_min_driver(k, (kb_version){12, 4, 1}));
    ed_arena_free(arena);
    kb_free(k);
    kb_free(NULL);
    k = kb_load(files, NULL, 0); /* no error buffer */
    assert_non_null(k);
    kb_free(k);
    kb_text bad[] = {{"pytorch.yaml", "indexes: 3\n"}, {NULL, NULL}};
    assert_null(kb_load(bad, NULL, 0));
}

/* An [unverified] row never produces a "no" that would fire an error. */
static void test_unverified_gives_unknown(void **state)
{
    (void)state;
    kb_text files[] = {
        {"pytorch.yaml",
         "indexes:\n  - {suffix: cu124, cuda: \"12.4\", source: t, verified: v}\n"
         "  - {suffix: cu121, cuda: \"12.1\", source: t, verified: v}\n"
         "releases:\n  - {torch: \"2.5\", cuda: [cu124], source: t, verified: unverified}\n"},
        {"os-packages.yaml", "packages:\n  - {pattern: \"x-*\", class: driver, source: t, verified: unverified}\n"},
        {NULL, NULL}};
    char error[256];
    kb *k = kb_load(files, error, sizeof error);
    assert_non_null(k);
    assert_int_equal(kb_torch_has_build(k, "2.5.1", "cu121"), KB_UNKNOWN);
    kb_os_package p;
    assert_true(kb_os_package_find(k, KB_PM_SYSTEM, "x-1", &p));
    assert_int_equal(p.verified, KB_UNVERIFIED); /* reported, so a rule can soften it */
    kb_free(k);
}

static int get_in_thread(void *arg)
{
    *(const kb **)arg = kb_get();
    return 0;
}

/* kb_get builds the tables once, whichever thread asks first. */
static void test_kb_get_threads(void **state)
{
    (void)state;
    thrd_t t[4];
    const kb *seen[4] = {NULL};
    for (int i = 0; i < 4; i++)
        assert_int_equal(thrd_create(&t[i], get_in_thread, &seen[i]), thrd_success);
    for (int i = 0; i < 4; i++)
        assert_int_equal(thrd_join(t[i], NULL), thrd_success);
    for (int i = 0; i < 4; i++)
        assert_ptr_equal(seen[i], kb_get());
    assert_non_null(kb_get());
}

/* kb_emit.c (internal): a knowledge base written out as C tables. */
bool kb_emit_c(const kb *k, FILE *out, char *error, size_t error_size);

static char *emitted(const kb *k, size_t *len)
{
    char *text = NULL;
    char error[256];
    FILE *out = open_memstream(&text, len);
    assert_non_null(out);
    assert_true(kb_emit_c(k, out, error, sizeof error));
    assert_int_equal(fclose(out), 0);
    return text;
}

/* The tables compiled into the program at build time (kb_get) hold
 * exactly what loading the YAML knowledge base gives. */
static void test_built_in_tables_equal_the_yaml(void **state)
{
    (void)state;
    char error[256];
    kb *loaded = kb_load(kb_embedded, error, sizeof error);
    assert_non_null(loaded);
    assert_int_equal(kb_entry_count(loaded), kb_entry_count(kb_get()));
    size_t la, lb;
    char *a = emitted(loaded, &la), *b = emitted(kb_get(), &lb);
    assert_true(la > 1000);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    kb_free(loaded);
}

/* ---- Main ----------------------------------------------------------------------------------- */

static const struct CMUnitTest kb_other_tests[] = {
    cmocka_unit_test(test_suggestion_is_published),
    cmocka_unit_test(test_cuda_latest_patch),
    cmocka_unit_test(test_image_null_inputs),
    cmocka_unit_test(test_suffix_for_cuda),
    cmocka_unit_test(test_torch_has_build),
    cmocka_unit_test(test_torch_builds),
    cmocka_unit_test(test_torch_pypi_default),
    cmocka_unit_test(test_torch_local_label),
    cmocka_unit_test(test_cuda_suffix_version),
    cmocka_unit_test(test_version_parse),
    cmocka_unit_test(test_normalise_name),
    cmocka_unit_test(test_cuda_package),
    cmocka_unit_test(test_wrong_package),
    cmocka_unit_test(test_os_packages),
    cmocka_unit_test(test_os_package_class),
    cmocka_unit_test(test_arch_parse),
    cmocka_unit_test(test_arch_support),
    cmocka_unit_test(test_arch_names),
    cmocka_unit_test(test_min_driver),
    cmocka_unit_test(test_tensorflow),
    cmocka_unit_test(test_jax),
    cmocka_unit_test(test_every_entry_has_source),
    cmocka_unit_test(test_good_small_data),
    cmocka_unit_test(test_unverified_gives_unknown),
    cmocka_unit_test(test_kb_get_threads),
    cmocka_unit_test(test_built_in_tables_equal_the_yaml),
};

#define NOTHER (sizeof kb_other_tests / sizeof kb_other_tests[0])
#define NINDEX (sizeof index_cases / sizeof index_cases[0])
#define NBAD (sizeof bad_cases / sizeof bad_cases[0])

int main(void)
{
    /* One named test per table row, so a failure names its case. */
    struct CMUnitTest tests[IMG_COUNT + NINDEX + NBAD + NOTHER];
    size_t n = 0;
    for (size_t i = 0; i < IMG_COUNT; i++) {
        struct CMUnitTest t = cmocka_unit_test_prestate(test_image_case, (void *)&img_cases[i]);
        t.name = img_cases[i].label;
        tests[n++] = t;
    }
    for (size_t i = 0; i < NINDEX; i++) {
        struct CMUnitTest t = cmocka_unit_test_prestate(test_index_url, (void *)&index_cases[i]);
        t.name = index_cases[i].url[0] ? index_cases[i].url : "empty index URL";
        tests[n++] = t;
    }
    for (size_t i = 0; i < NBAD; i++) {
        struct CMUnitTest t = cmocka_unit_test_prestate(test_bad_data, (void *)&bad_cases[i]);
        t.name = bad_cases[i].label;
        tests[n++] = t;
    }
    for (size_t i = 0; i < NOTHER; i++)
        tests[n++] = kb_other_tests[i];
    assert_int_equal(n, sizeof tests / sizeof tests[0]);
    return cmocka_run_group_tests_name("kb", tests, NULL, NULL);
}
