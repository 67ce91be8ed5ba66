/* The "system" rules: ED301 nvidia-driver-in-image, ED302 unneeded-cuda-toolkit,
 * ED303 cuda-toolkit-version-mismatch, ED304 gpu-arch-unsupported-by-cuda,
 * ED305 unbounded-cuda-build, ED306 gpu-query-at-build-time.
 *
 * Each test lints a Dockerfile and compares every finding of these six rules
 * (rule, line, column, end column, severity, full message) with what it
 * wants, in report order; findings of other rules are ignored. Tests named
 * itemNN cover env-doctor-python.md section 4.1 item NN. */
#include "testutil.h"

#include <stdio.h>

#include "envdoctor/engine.h"

typedef struct want {
    const char *rule;
    unsigned line, col, end_col;
    ed_severity severity;
    const char *message;
} want;

static ed_file_result lint(ed_arena *arena, const char *text, const char *const *args, size_t nargs)
{
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    ed_source_init(src, arena, "Dockerfile", text, strlen(text));
    ed_options options = {.build_args = args, .nbuild_args = nargs};
    ed_file_result result;
    ed_lint_dockerfile(arena, src, &options, &result);
    return result;
}

static bool is_system_rule(const ed_finding *f)
{
    return strncmp(f->rule->id, "ED30", 4) == 0;
}

static void compare(const ed_finding *f, const want *w)
{
    if (strcmp(f->rule->id, w->rule) != 0 || f->begin.line != w->line || f->begin.column != w->col ||
        f->finish.line != w->line || f->finish.column != w->end_col || f->severity != w->severity ||
        strcmp(f->message, w->message) != 0)
        fail_msg("want %s %u:%u-%u sev %d \"%s\"\n got %s %u:%u-%u:%u sev %d \"%s\"", w->rule, w->line,
                 w->col, w->end_col, w->severity, w->message, f->rule->id, f->begin.line,
                 f->begin.column, f->finish.line, f->finish.column, f->severity, f->message);
}

static void check_args(const char *text, const char *const *args, size_t nargs, const want *w,
                       size_t n)
{
    ed_arena *arena = ed_arena_new();
    ed_file_result r = lint(arena, text, args, nargs);
    size_t k = 0;
    for (size_t i = 0; i < r.nfindings; i++) {
        const ed_finding *f = &r.findings[i];
        if (!is_system_rule(f))
            continue;
        if (k >= n)
            fail_msg("unexpected %s at %u:%u: %s", f->rule->id, f->begin.line, f->begin.column,
                     f->message);
        compare(f, &w[k++]);
    }
    if (k < n)
        fail_msg("missing %s at %u:%u", w[k].rule, w[k].line, w[k].col);
    ed_arena_free(arena);
}

#define CHECK(text, ...)                                                                           \
    do {                                                                                           \
        const want want_[] = {__VA_ARGS__};                                                        \
        check_args(text, NULL, 0, want_, sizeof want_ / sizeof *want_);                            \
    } while (0)
#define CHECK_NONE(text) check_args(text, NULL, 0, NULL, 0)

/* The text with the fix of the one system finding at line:col applied. */
static char *fixed_text(const char *text, const char *rule, unsigned line, unsigned col,
                        const char **description)
{
    ed_arena *arena = ed_arena_new();
    ed_file_result r = lint(arena, text, NULL, 0);
    char *out = NULL;
    for (size_t i = 0; i < r.nfindings; i++) {
        const ed_finding *f = &r.findings[i];
        if (strcmp(f->rule->id, rule) != 0 || f->begin.line != line || f->begin.column != col)
            continue;
        assert_non_null(f->fix);
        const ed_fix *fix = f->fix;
        size_t len = strlen(text), rep = strlen(fix->replacement);
        out = malloc(len - (fix->end - fix->start) + rep + 1);
        memcpy(out, text, fix->start);
        memcpy(out + fix->start, fix->replacement, rep);
        strcpy(out + fix->start + rep, text + fix->end);
        if (description)
            *description = strdup(fix->description);
    }
    ed_arena_free(arena);
    if (!out)
        fail_msg("no %s finding at %u:%u", rule, line, col);
    return out;
}

static void check_fix(const char *text, const char *rule, unsigned line, unsigned col,
                      const char *want_text, const char *want_description)
{
    const char *description = NULL;
    char *out = fixed_text(text, rule, line, col, &description);
    assert_string_equal(out, want_text);
    assert_string_equal(description, want_description);
    free(out);
    free((char *)description);
}

static bool has_no_fix(const char *text, const char *rule, unsigned line, unsigned col)
{
    ed_arena *arena = ed_arena_new();
    ed_file_result r = lint(arena, text, NULL, 0);
    bool none = false;
    for (size_t i = 0; i < r.nfindings; i++)
        if (strcmp(r.findings[i].rule->id, rule) == 0 && r.findings[i].begin.line == line &&
            r.findings[i].begin.column == col)
            none = r.findings[i].fix == NULL;
    ed_arena_free(arena);
    return none;
}

#define WHY_DRIVER                                                                                 \
    "containers get the host's driver from the NVIDIA Container Toolkit at run time, and a "     \
    "driver in the image conflicts with it (driver/library version mismatch)"
#define DRIVER_PKG(prefix, program, name)                                                          \
    prefix program " installs " name ", an NVIDIA driver package: " WHY_DRIVER

/* ---- ED301 nvidia-driver-in-image ---- */

static void test_item22_flag_before_install(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
          "RUN apt-get -y install nvidia-driver-535\n",
          {"ED301", 2, 24, 41, ED_SEV_ERROR, DRIVER_PKG("", "apt-get", "nvidia-driver-535")});
}

static void test_item22_other_managers(void **state)
{
    CHECK("FROM rockylinux:9\n"
          "RUN yum -y install kmod-nvidia-latest-dkms\n"
          "RUN microdnf install -y nvidia-driver-cuda\n"
          "RUN zypper --non-interactive install nvidia-driver-G06-kmp-default\n"
          "RUN apk add --no-cache nvidia-utils\n"
          "RUN apt install -y libnvidia-compute-535 nvidia-dkms-535 nvidia-kernel-common-535 \\\n"
          "    nvidia-headless-535 nvidia-utils-535 cuda-drivers cuda-drivers-535\n",
          {"ED301", 2, 20, 43, ED_SEV_ERROR, DRIVER_PKG("", "yum", "kmod-nvidia-latest-dkms")},
          {"ED301", 3, 25, 43, ED_SEV_ERROR, DRIVER_PKG("", "microdnf", "nvidia-driver-cuda")},
          {"ED301", 4, 38, 67, ED_SEV_ERROR, DRIVER_PKG("", "zypper", "nvidia-driver-G06-kmp-default")},
          {"ED301", 5, 24, 36, ED_SEV_ERROR, DRIVER_PKG("", "apk", "nvidia-utils")},
          {"ED301", 6, 20, 41, ED_SEV_ERROR, DRIVER_PKG("", "apt", "libnvidia-compute-535")},
          {"ED301", 6, 42, 57, ED_SEV_ERROR, DRIVER_PKG("", "apt", "nvidia-dkms-535")},
          {"ED301", 6, 58, 82, ED_SEV_ERROR, DRIVER_PKG("", "apt", "nvidia-kernel-common-535")},
          {"ED301", 7, 5, 24, ED_SEV_ERROR, DRIVER_PKG("", "apt", "nvidia-headless-535")},
          {"ED301", 7, 25, 41, ED_SEV_ERROR, DRIVER_PKG("", "apt", "nvidia-utils-535")},
          {"ED301", 7, 42, 54, ED_SEV_ERROR, DRIVER_PKG("", "apt", "cuda-drivers")},
          {"ED301", 7, 55, 71, ED_SEV_ERROR, DRIVER_PKG("", "apt", "cuda-drivers-535")});
}

static void test_item22_dnf_module_install(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-runtime-rockylinux9\n"
          "RUN dnf -y module install nvidia-driver:latest-dkms\n",
          {"ED301", 2, 27, 52, ED_SEV_ERROR,
           "dnf module install nvidia-driver:latest-dkms installs the NVIDIA driver: " WHY_DRIVER});
    CHECK_NONE("FROM nvidia/cuda:12.4.1-runtime-rockylinux9\n"
               "RUN dnf -y module enable nvidia-driver:latest-dkms\n");
}

static void test_item22_run_installer(void **state)
{
    const char *why = "NVIDIA-Linux-x86_64-535.104.05.run is the NVIDIA driver installer: " WHY_DRIVER;
    CHECK("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
          "RUN wget -q https://us.download.nvidia.com/tesla/535.104.05/NVIDIA-Linux-x86_64-535.104.05.run \\\n"
          " && chmod +x NVIDIA-Linux-x86_64-535.104.05.run \\\n"
          " && sh ./NVIDIA-Linux-x86_64-535.104.05.run --silent --no-kernel-module\n"
          "RUN /tmp/NVIDIA-Linux-x86_64-535.104.05.run -s\n",
          {"ED301", 4, 8, 44, ED_SEV_ERROR, why},
          {"ED301", 5, 5, 44, ED_SEV_ERROR, why});
}

static void test_item22_match_stops_at_and(void **state)
{
    /* the old tool's `.*` ran across `&&` into unrelated commands */
    CHECK_NONE("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
               "RUN apt-get install -y curl && echo nvidia-driver-535 > /etc/motd\n"
               "RUN apt-get purge -y nvidia-driver-535 && apt-get download nvidia-utils-535\n");
}

static void test_item23_cuda_compat_is_silent(void **state)
{
    CHECK_NONE("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
               "RUN apt-get install -y cuda-compat-12-4 && ln -s /usr/local/cuda /opt/cuda\n");
}

static void test_item9_heredoc(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
          "RUN <<EOF\n"
          "set -e\n"
          "pip install torch --index-url https://download.pytorch.org/whl/cu124\n"
          "apt-get install -y nvidia-driver-535\n"
          "EOF\n",
          {"ED301", 5, 20, 37, ED_SEV_ERROR, DRIVER_PKG("", "apt-get", "nvidia-driver-535")});
}

static void test_item9_exec_form_and_sh_c(void **state)
{
    assert_true(has_no_fix("FROM ubuntu:22.04\nRUN [\"apt-get\", \"install\", \"-y\", \"nvidia-driver-535\"]\n",
                           "ED301", 2, 35));
    CHECK("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
          "RUN [\"apt-get\", \"install\", \"-y\", \"nvidia-driver-535\"]\n"
          "RUN bash -c \"apt-get install -y nvidia-utils-535\"\n",
          {"ED301", 2, 35, 52, ED_SEV_ERROR, DRIVER_PKG("", "apt-get", "nvidia-driver-535")},
          {"ED301", 3, 33, 49, ED_SEV_ERROR, DRIVER_PKG("", "apt-get", "nvidia-utils-535")});
}

static void test_item9_onbuild(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
          "ONBUILD RUN apt-get install -y nvidia-driver-535\n",
          {"ED301", 2, 32, 49, ED_SEV_ERROR, DRIVER_PKG("ONBUILD ", "apt-get", "nvidia-driver-535")});
}

static void test_item30_continuation_with_comment(void **state)
{
    /* the package on line 4 is reported on line 4, not on the RUN line */
    CHECK("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
          "RUN apt-get update && apt-get install -y \\\n"
          "    # the driver\n"
          "    curl nvidia-driver-535=535.104.05-0ubuntu1 \\\n"
          " && rm -rf /var/lib/apt/lists/*\n",
          {"ED301", 4, 10, 27, ED_SEV_ERROR, DRIVER_PKG("", "apt-get", "nvidia-driver-535")});
}

static void test_ed301_any_stage_and_platform(void **state)
{
    CHECK("ARG BASE=ubuntu:22.04\n"
          "FROM --platform=linux/amd64 ${BASE} AS tools\n"
          "RUN apt-get install -y nvidia-driver-535\n"
          "FROM python:3.12-slim\n"
          "RUN apt-get install -y nvidia-utils-535\n",
          {"ED301", 3, 24, 41, ED_SEV_ERROR, DRIVER_PKG("", "apt-get", "nvidia-driver-535")},
          {"ED301", 5, 24, 40, ED_SEV_ERROR, DRIVER_PKG("", "apt-get", "nvidia-utils-535")});
}

static void test_ed301_meta_packages_pull_the_driver(void **state)
{
    const char *text = "FROM ubuntu:22.04\n"
                       "RUN apt-get install -y cuda-12-4 cuda-runtime-12-4 cuda\n";
    CHECK(text,
          {"ED301", 2, 24, 33, ED_SEV_ERROR,
           "apt-get installs cuda-12-4, which also installs the NVIDIA driver (cuda-toolkit-12-4 is "
           "the same without it): " WHY_DRIVER},
          {"ED301", 2, 34, 51, ED_SEV_ERROR,
           "apt-get installs cuda-runtime-12-4, which also installs the NVIDIA driver "
           "(cuda-libraries-12-4 is the same without it): " WHY_DRIVER},
          {"ED301", 2, 52, 56, ED_SEV_ERROR,
           "apt-get installs cuda, which also installs the NVIDIA driver (cuda-toolkit is the same "
           "without it): " WHY_DRIVER});
    check_fix(text, "ED301", 2, 24,
              "FROM ubuntu:22.04\nRUN apt-get install -y cuda-toolkit-12-4 cuda-runtime-12-4 cuda\n",
              "install cuda-toolkit-12-4 instead");
    check_fix(text, "ED301", 2, 34,
              "FROM ubuntu:22.04\nRUN apt-get install -y cuda-12-4 cuda-libraries-12-4 cuda\n",
              "install cuda-libraries-12-4 instead");
    check_fix(text, "ED301", 2, 52,
              "FROM ubuntu:22.04\nRUN apt-get install -y cuda-12-4 cuda-runtime-12-4 cuda-toolkit\n",
              "install cuda-toolkit instead");
}

static void test_ed301_fix_removes_driver_with_its_version(void **state)
{
    check_fix("FROM ubuntu:22.04\nRUN apt-get install -y curl nvidia-driver-535=535.104.05-0ubuntu1 git\n",
              "ED301", 2, 29, "FROM ubuntu:22.04\nRUN apt-get install -y curl git\n",
              "remove nvidia-driver-535");
}

static void test_ed301_conda_cuda_is_a_toolkit(void **state)
{
    /* conda's `cuda` meta package is the toolkit alone, unlike apt's */
    CHECK_NONE("FROM continuumio/miniconda3:24.1.2-0\n"
               "RUN conda install -y -c nvidia cuda=12.4 && nvcc --version\n");
}

static void test_ed301_host_tooling_is_info(void **state)
{
    CHECK("FROM ubuntu:22.04\n"
          "RUN apt-get install -y nvidia-container-toolkit\n",
          {"ED301", 2, 24, 48, ED_SEV_INFO,
           "apt-get installs nvidia-container-toolkit, host-side container tooling (installed on "
           "the host, not in images): it gives containers of this image no GPU access (the host's "
           "container toolkit does)"});
}

/* ---- ED302 unneeded-cuda-toolkit ---- */

#define UNUSED_TOOLKIT(name)                                                                       \
    name " installs a CUDA toolkit, but neither this stage nor a stage built on it or copying " \
         "from it compiles CUDA code: prebuilt CUDA wheels (torch, jax, cupy-cuda12x) bring their " \
         "own CUDA libraries"

static void test_ed302_toolkit_on_devel_image(void **state)
{
    const char *text = "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
                       "RUN apt-get install -y git cuda-toolkit-12-4 cuda-toolkit\n";
    CHECK(text,
          {"ED302", 2, 28, 45, ED_SEV_WARNING,
           "cuda-toolkit-12-4 installs a CUDA toolkit, but the stage already has one (nvcc from "
           "nvidia/cuda:12.4.1-devel-ubuntu22.04, CUDA 12.4): the install only makes the image bigger"},
          {"ED302", 2, 46, 58, ED_SEV_WARNING,
           "cuda-toolkit installs a CUDA toolkit, but the stage already has one (nvcc from "
           "nvidia/cuda:12.4.1-devel-ubuntu22.04, CUDA 12.4): the install only makes the image bigger"});
    check_fix(text, "ED302", 2, 28,
              "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN apt-get install -y git cuda-toolkit\n",
              "remove cuda-toolkit-12-4");
}

static void test_ed302_toolkit_of_parent_stage(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS base\n"
          "RUN apt-get install -y cuda-nvcc-12-4\n"
          "FROM base\n"
          "RUN apt-get install -y cuda-nvcc-12-4 && nvcc -o /app app.cu\n",
          {"ED302", 4, 24, 38, ED_SEV_WARNING,
           "cuda-nvcc-12-4 installs a CUDA toolkit, but the stage already has one (nvcc from "
           "cuda-nvcc-12-4 installed in the stage it is built FROM, CUDA 12.4): the install only "
           "makes the image bigger"});
}

static void test_ed302_other_version_on_devel_is_ed303s(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
          "RUN apt-get install -y cuda-toolkit-12-1\n",
          {"ED303", 2, 24, 41, ED_SEV_WARNING,
           "cuda-toolkit-12-1 installs CUDA 12.1, but nvidia/cuda:12.4.1-devel-ubuntu22.04 has CUDA "
           "12.4: code compiled with one toolkit runs against the other's libraries; install "
           "cuda-toolkit-12-4"});
}

static void test_ed302_nothing_compiles_build_essential_is_no_build(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
          "RUN apt-get update && apt-get install -y --no-install-recommends \\\n"
          "    python3-pip build-essential cuda-toolkit-12-4\n"
          "RUN pip3 install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124\n",
          {"ED302", 3, 33, 50, ED_SEV_WARNING, UNUSED_TOOLKIT("cuda-toolkit-12-4")});
}

static void test_item23_manual_toolkit_then_compile(void **state)
{
    /* installing CUDA by hand on ubuntu is legitimate when the stage compiles */
    CHECK_NONE("FROM ubuntu:22.04\n"
               "RUN apt-get update && apt-get install -y cuda-toolkit-12-4\n"
               "RUN pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124\n"
               "RUN /usr/local/cuda/bin/nvcc -o /usr/local/bin/app app.cu\n");
    CHECK_NONE("FROM ubuntu:22.04\n"
               "RUN apt-get update && apt-get install -y cuda-toolkit-12-4 python3-pip\n"
               "RUN MAX_JOBS=4 FLASH_ATTN_CUDA_ARCHS=90 pip install --no-build-isolation flash-attn\n");
}

static void test_item23_symlink_is_no_install(void **state)
{
    CHECK_NONE("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
               "RUN apt-get install -y git && ln -s /usr/local/cuda /opt/cuda\n"
               "RUN apt-get install -y cuda-compat-12-4 cuda-libraries-dev-12-4\n");
}

static void test_ed302_builder_chain_compiles_later(void **state)
{
    /* the toolkit is used by a stage built FROM it, or one that copies from it */
    CHECK_NONE("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS cuda\n"
               "RUN apt-get install -y cuda-nvcc-12-4 python3-pip\n"
               "RUN pip3 install numpy\n"
               "FROM cuda AS build\n"
               "RUN nvcc -o /app app.cu\n");
    CHECK_NONE("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS cuda\n"
               "RUN apt-get install -y cuda-nvcc-12-4 && pip3 install numpy\n"
               "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
               "COPY --from=cuda /usr/local/cuda /usr/local/cuda\n"
               "RUN make -C /src\n");
}

static void test_ed302_might_compile_is_silent(void **state)
{
    const char *head = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                       "RUN apt-get install -y cuda-toolkit-12-4\n";
    const char *tails[] = {
        "RUN pip install -r requirements.txt\n",            /* not in the build context */
        "RUN pip install deepspeed==0.16.2\n",              /* JIT-compiles its ops at run time */
        "RUN pip install \"jax[cuda12_local]==0.4.30\"\n",  /* uses the system ptxas */
        "RUN pip install -e .\n",                           /* a local project */
        "RUN pip install numpy && ./build.sh\n",            /* a script we cannot see */
        "RUN pip install numpy && python setup.py build\n", /* an extension */
    };
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s%s", head, tails[i]);
        CHECK_NONE(text);
    }
}

static void test_ed302_cuda_base_image_of_your_own(void **state)
{
    /* no Python packages: a base image others build on (like NVIDIA's own devel images) */
    CHECK_NONE("FROM ubuntu:22.04\n"
               "RUN apt-get update && apt-get install -y cuda-minimal-build-12-4\n"
               "ENV PATH=/usr/local/cuda/bin:$PATH\n");
}

static void test_ed302_conda_cudatoolkit_is_runtime(void **state)
{
    CHECK_NONE("FROM continuumio/miniconda3:24.1.2-0\n"
               "RUN conda install -y cudatoolkit=11.8 && pip install numpy\n");
}

static void test_ed302_conda_nvcc_nothing_compiles(void **state)
{
    CHECK("FROM continuumio/miniconda3:24.1.2-0\n"
          "RUN conda install -y -c nvidia cuda-nvcc=12.4 \\\n"
          " && pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124\n",
          {"ED302", 2, 32, 41, ED_SEV_WARNING, UNUSED_TOOLKIT("cuda-nvcc")});
}

/* ---- ED303 cuda-toolkit-version-mismatch ---- */

static void test_ed303_runtime_image_and_fix(void **state)
{
    const char *text = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
                       "RUN apt-get install -y cuda-nvcc-12-1 && nvcc -o /app app.cu\n";
    CHECK(text, {"ED303", 2, 24, 38, ED_SEV_WARNING,
                 "cuda-nvcc-12-1 installs CUDA 12.1, but nvidia/cuda:12.4.1-runtime-ubuntu22.04 has "
                 "CUDA 12.4: code compiled with one toolkit runs against the other's libraries; "
                 "install cuda-nvcc-12-4"});
    check_fix(text, "ED303", 2, 24,
              "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
              "RUN apt-get install -y cuda-nvcc-12-4 && nvcc -o /app app.cu\n",
              "install cuda-nvcc-12-4, the image's CUDA");
}

static void test_ed303_arg_in_from_platform_and_stage_chain(void **state)
{
    CHECK("ARG CUDA=12.4.1\n"
          "FROM --platform=linux/amd64 nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS base\n"
          "FROM base\n"
          "RUN dnf install -y cuda-compiler-12.6 && nvcc -o /app app.cu\n",
          {"ED303", 4, 20, 38, ED_SEV_WARNING,
           "cuda-compiler-12.6 installs CUDA 12.6, but nvidia/cuda:12.4.1-runtime-ubuntu22.04 has "
           "CUDA 12.4: code compiled with one toolkit runs against the other's libraries; install "
           "cuda-compiler-12.4"});
}

static void test_ed303_pytorch_image_and_conda_pin(void **state)
{
    const char *text = "FROM pytorch/pytorch:2.1.0-cuda12.1-cudnn8-devel\n"
                       "RUN conda install -y -c nvidia cuda-nvcc=11.8 && python setup.py build\n";
    CHECK(text, {"ED303", 2, 32, 41, ED_SEV_WARNING,
                 "cuda-nvcc installs CUDA 11.8, but pytorch/pytorch:2.1.0-cuda12.1-cudnn8-devel has "
                 "CUDA 12.1: code compiled with one toolkit runs against the other's libraries"});
    assert_true(has_no_fix(text, "ED303", 2, 32));
}

static void test_ed303_silent_cases(void **state)
{
    /* same version; no CUDA in the image; a version-less name; cuda-compat */
    CHECK_NONE("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
               "RUN apt-get install -y cuda-nvcc-12-4 cuda-compat-12-4 && nvcc -o /a a.cu\n");
    CHECK_NONE("FROM ubuntu:22.04\n"
               "RUN apt-get install -y cuda-toolkit-12-1 && nvcc -o /a a.cu\n");
    CHECK_NONE("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
               "RUN apt-get install -y nvidia-cuda-toolkit && nvcc -o /a a.cu\n");
    CHECK_NONE("FROM myorg/cuda-base:2024\n"
               "RUN apt-get install -y cuda-toolkit-12-1 && nvcc -o /a a.cu\n");
}

/* ---- ED304 gpu-arch-unsupported-by-cuda ---- */

#define CUDA117 "the stage uses CUDA 11.7 (nvidia/cuda:11.7.1-devel-ubuntu22.04)"
#define CUDA124 "the stage uses CUDA 12.4 (nvidia/cuda:12.4.1-devel-ubuntu22.04)"
#define CUDA130 "the stage uses CUDA 13.0 (nvidia/cuda:13.0.2-devel-ubuntu24.04)"

static void test_ed304_env_token_position(void **state)
{
    CHECK("FROM nvidia/cuda:11.7.1-devel-ubuntu22.04\n"
          "ENV TORCH_CUDA_ARCH_LIST=\"8.0;9.0\"\n",
          {"ED304", 2, 31, 34, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 9.0 (Hopper), which needs CUDA 11.8 or newer; " CUDA117});
}

static void test_ed304_legacy_env_and_continuation_with_comment(void **state)
{
    CHECK("FROM nvidia/cuda:11.7.1-devel-ubuntu22.04\n"
          "ENV TORCH_CUDA_ARCH_LIST 8.0 9.0\n"
          "ENV A=1 \\\n"
          "    # the GPUs we deploy to\n"
          "    TORCH_CUDA_ARCH_LIST=\"8.6;\\\n"
          "9.0\"\n",
          {"ED304", 2, 30, 33, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 9.0 (Hopper), which needs CUDA 11.8 or newer; " CUDA117},
          {"ED304", 6, 1, 4, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 9.0 (Hopper), which needs CUDA 11.8 or newer; " CUDA117});
}

static void test_ed304_separators_and_forms(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
          "ENV TORCH_CUDA_ARCH_LIST=\"8.0 9.0a 10.0+PTX\" \\\n"
          "    CUDAARCHS=80,120-real,native\n"
          "ENV CMAKE_CUDA_ARCHITECTURES=all-major FLASH_ATTN_CUDA_ARCHS=80;90;100\n",
          {"ED304", 2, 36, 44, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 10.0+PTX (Blackwell), which needs CUDA 12.8 or newer; " CUDA124},
          {"ED304", 3, 18, 26, ED_SEV_ERROR,
           "CUDAARCHS names 120-real (Blackwell), which needs CUDA 12.8 or newer; " CUDA124},
          {"ED304", 4, 68, 71, ED_SEV_ERROR,
           "FLASH_ATTN_CUDA_ARCHS names 100 (Blackwell), which needs CUDA 12.8 or newer; " CUDA124});
}

static void test_ed304_removed_architectures(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
          "ARG TORCH_CUDA_ARCH_LIST=\"3.5;5.0;Kepler\"\n"
          "FROM nvidia/cuda:13.0.2-devel-ubuntu24.04\n"
          "ENV TORCH_CUDA_ARCH_LIST=\"7.0 7.2 7.5 8.0 Volta Turing\"\n",
          {"ED304", 2, 27, 30, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 3.5 (Kepler), which CUDA 12.0 and newer cannot target; " CUDA124},
          {"ED304", 2, 35, 41, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names Kepler, which CUDA 12.0 and newer cannot target; " CUDA124},
          {"ED304", 4, 27, 30, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 7.0 (Volta), which CUDA 13.0 and newer cannot target; " CUDA130},
          {"ED304", 4, 31, 34, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 7.2 (Volta), which CUDA 13.0 and newer cannot target; " CUDA130},
          {"ED304", 4, 43, 48, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names Volta, which CUDA 13.0 and newer cannot target; " CUDA130});
}

static void test_ed304_global_arg_redeclared(void **state)
{
    CHECK("ARG TORCH_CUDA_ARCH_LIST=\"8.6;9.0+PTX\"\n"
          "FROM nvidia/cuda:11.7.1-devel-ubuntu22.04\n"
          "ARG TORCH_CUDA_ARCH_LIST\n"
          "FROM nvidia/cuda:11.7.1-devel-ubuntu22.04\n"
          "RUN echo \"$TORCH_CUDA_ARCH_LIST\"\n",
          {"ED304", 1, 31, 38, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 9.0+PTX (Hopper), which needs CUDA 11.8 or newer; " CUDA117});
}

static void test_ed304_build_arg_value(void **state)
{
    /* a --build-arg value is not in the file: the whole ARG word is reported */
    const char *args[] = {"TORCH_CUDA_ARCH_LIST=9.0"};
    const want w[] = {{"ED304", 2, 5, 29, ED_SEV_ERROR,
                       "TORCH_CUDA_ARCH_LIST names 9.0 (Hopper), which needs CUDA 11.8 or newer; " CUDA117}};
    check_args("FROM nvidia/cuda:11.7.1-devel-ubuntu22.04\n"
               "ARG TORCH_CUDA_ARCH_LIST=8.6\n",
               args, 1, w, 1);
}

static void test_ed304_command_prefix_export_heredoc_onbuild(void **state)
{
    CHECK("FROM nvidia/cuda:11.7.1-devel-ubuntu22.04\n"
          "RUN <<EOF\n"
          "export TORCH_CUDA_ARCH_LIST='8.0 9.0'\n"
          "TORCH_CUDA_ARCH_LIST=\"8.9\" pip install --no-build-isolation .\n"
          "EOF\n"
          "ONBUILD RUN TORCH_CUDA_ARCH_LIST=9.0 pip install .\n",
          {"ED304", 3, 34, 37, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 9.0 (Hopper), which needs CUDA 11.8 or newer; " CUDA117},
          {"ED304", 4, 23, 26, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 8.9 (Ada Lovelace), which needs CUDA 11.8 or newer; " CUDA117},
          {"ED304", 6, 34, 37, ED_SEV_ERROR,
           "ONBUILD TORCH_CUDA_ARCH_LIST names 9.0 (Hopper), which needs CUDA 11.8 or newer; " CUDA117});
}

static void test_ed304_cmake_and_nvcc(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
          "RUN cmake -B build -DCMAKE_CUDA_ARCHITECTURES:STRING=\"80;100\" -D CMAKE_CUDA_ARCHITECTURES=120 \\\n"
          " && nvcc -gencode arch=compute_100,code=[sm_100,compute_100] -gencode=arch=compute_90,code=sm_90 \\\n"
          "    -arch=sm_120a --gpu-architecture sm_100 -o app app.cu\n"
          "RUN [\"nvcc\", \"--gpu-code=sm_120\", \"app.cu\"]\n",
          {"ED304", 2, 58, 61, ED_SEV_ERROR,
           "CMAKE_CUDA_ARCHITECTURES names 100 (Blackwell), which needs CUDA 12.8 or newer; " CUDA124},
          {"ED304", 2, 91, 94, ED_SEV_ERROR,
           "CMAKE_CUDA_ARCHITECTURES names 120 (Blackwell), which needs CUDA 12.8 or newer; " CUDA124},
          {"ED304", 3, 24, 35, ED_SEV_ERROR,
           "nvcc -gencode names compute_100 (Blackwell), which needs CUDA 12.8 or newer; " CUDA124},
          {"ED304", 4, 11, 18, ED_SEV_ERROR,
           "nvcc -arch names sm_120a (Blackwell), which needs CUDA 12.8 or newer; " CUDA124},
          {"ED304", 4, 38, 44, ED_SEV_ERROR,
           "nvcc --gpu-architecture names sm_100 (Blackwell), which needs CUDA 12.8 or newer; " CUDA124},
          {"ED304", 5, 26, 32, ED_SEV_ERROR,
           "nvcc --gpu-code names sm_120 (Blackwell), which needs CUDA 12.8 or newer; " CUDA124});
}

static void test_ed304_installed_toolkit_decides(void **state)
{
    CHECK("FROM ubuntu:22.04\n"
          "RUN apt-get install -y cuda-toolkit-11-7\n"
          "ENV TORCH_CUDA_ARCH_LIST=\"8.6 9.0\"\n"
          "FROM nvidia/cuda:11.7.1-devel-ubuntu22.04\n"
          "RUN apt-get install -y cuda-nvcc-12-4 && TORCH_CUDA_ARCH_LIST=9.0 pip install .\n",
          {"ED304", 3, 31, 34, ED_SEV_ERROR,
           "TORCH_CUDA_ARCH_LIST names 9.0 (Hopper), which needs CUDA 11.8 or newer; the stage uses "
           "CUDA 11.7 (cuda-toolkit-11-7 installed in this stage)"},
          {"ED303", 5, 24, 38, ED_SEV_WARNING,
           "cuda-nvcc-12-4 installs CUDA 12.4, but nvidia/cuda:11.7.1-devel-ubuntu22.04 has CUDA "
           "11.7: code compiled with one toolkit runs against the other's libraries; install "
           "cuda-nvcc-11-7"});
}

static void test_ed304_silent_when_unknown(void **state)
{
    /* unknown image; supported lists; names with a supported member; unparsable tokens */
    CHECK_NONE("FROM myorg/cuda:11.7\nENV TORCH_CUDA_ARCH_LIST=\"9.0\"\n");
    CHECK_NONE("FROM nvidia/cuda:12.8.1-devel-ubuntu22.04\n"
               "ENV TORCH_CUDA_ARCH_LIST=\"7.5;8.0;8.6;8.9;9.0;10.0;12.0+PTX\" CUDAARCHS=all\n");
    CHECK_NONE("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
               "ENV TORCH_CUDA_ARCH_LIST=\"Ampere;Hopper;Ada\" OTHER_ARCHS=\"10.0\"\n"
               "RUN TORCH_CUDA_ARCH_LIST=\"${ARCHS}\" pip install . && echo -arch=sm_100\n");
}

/* ---- ED305 unbounded-cuda-build ---- */

#define ALL_ARCHS "it compiles for every GPU architecture it supports, multiplying build time and size"
#define ALL_CORES "one nvcc job per CPU core is known to exhaust the builder's memory"

static void test_ed305_flash_attn(void **state)
{
    const char *text = "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
                       "RUN pip install --no-build-isolation flash-attn==2.7.4.post1\n"
                       "RUN MAX_JOBS=4 uv pip install --system --no-build-isolation flash-attn\n"
                       "ENV FLASH_ATTN_CUDA_ARCHS=90\n"
                       "RUN python3 -m pip install --no-build-isolation flash-attn\n";
    CHECK(text,
          {"ED305", 2, 38, 48, ED_SEV_INFO,
           "flash-attn is built from source (--no-build-isolation), and neither FLASH_ATTN_CUDA_ARCHS "
           "nor MAX_JOBS is set: " ALL_ARCHS ", and " ALL_CORES},
          {"ED305", 3, 61, 71, ED_SEV_INFO,
           "flash-attn is built from source (--no-build-isolation), and FLASH_ATTN_CUDA_ARCHS is not "
           "set: " ALL_ARCHS},
          {"ED305", 5, 49, 59, ED_SEV_INFO,
           "flash-attn is built from source (--no-build-isolation), and MAX_JOBS is not set: " ALL_CORES});
    check_fix(text, "ED305", 5, 49,
              "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
              "RUN pip install --no-build-isolation flash-attn==2.7.4.post1\n"
              "RUN MAX_JOBS=4 uv pip install --system --no-build-isolation flash-attn\n"
              "ENV FLASH_ATTN_CUDA_ARCHS=90\n"
              "RUN MAX_JOBS=4 python3 -m pip install --no-build-isolation flash-attn\n",
              "limit the parallel compile jobs (flash-attn's README suggests MAX_JOBS=4)");
    assert_true(has_no_fix(text, "ED305", 3, 61));
    /* MAX_JOBS alone would leave the architectures: only a whole repair is a fix */
    assert_true(has_no_fix(text, "ED305", 2, 38));
}

static void test_ed305_quoted_spec_pip3_continuation(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
          "ENV TORCH_CUDA_ARCH_LIST=\"8.0;9.0\"\n"
          "RUN pip3 install --no-build-isolation \\\n"
          "    # needs torch first\n"
          "    \"flash-attn==2.7.4.post1\"\n",
          {"ED305", 5, 6, 16, ED_SEV_INFO,
           "flash-attn is built from source (--no-build-isolation), and neither FLASH_ATTN_CUDA_ARCHS "
           "nor MAX_JOBS is set (TORCH_CUDA_ARCH_LIST is, but flash-attn does not read it): "
           ALL_ARCHS ", and " ALL_CORES});
}

static void test_ed305_bounded_builds_are_silent(void **state)
{
    CHECK_NONE("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
               "ARG TORCH_CUDA_ARCH_LIST=\"8.0;9.0\"\n"
               "RUN export MAX_JOBS=4 FLASH_ATTN_CUDA_ARCHS=\"80;90\" \\\n"
               " && pip install --no-build-isolation flash-attn \\\n"
               " && pip install \"git+https://github.com/facebookresearch/pytorch3d.git\" \\\n"
               " && FORCE_CUDA=1 python setup.py install\n"
               "RUN nvcc -o /app app.cu && cmake -DGGML_CUDA=ON -B build\n"
               "RUN MAMBA_FORCE_BUILD=TRUE pip install --no-build-isolation mamba-ssm\n");
}

static void test_ed305_torch_extensions(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"
          "RUN FORCE_CUDA=1 python setup.py install\n"
          "RUN DS_BUILD_OPS=1 pip install deepspeed==0.16.2\n"
          "ONBUILD RUN pip install \"git+https://github.com/facebookresearch/pytorch3d.git\"\n",
          {"ED305", 2, 25, 33, ED_SEV_INFO,
           "setup.py builds a CUDA extension (FORCE_CUDA / TORCH_CUDA_ARCH_LIST set), and "
           "TORCH_CUDA_ARCH_LIST is not set: " ALL_ARCHS},
          {"ED305", 3, 32, 41, ED_SEV_INFO,
           "deepspeed is forced to build its CUDA extension, and TORCH_CUDA_ARCH_LIST is not set: " ALL_ARCHS});
}

/* ---- ED306 gpu-query-at-build-time ---- */

#define SMI(prefix)                                                                                \
    prefix "nvidia-smi runs during docker build, where no GPU is visible: it always fails here "  \
           "(`|| true` only hides that); check the GPU when the container runs"
#define QUERY(prefix, call, outcome)                                                               \
    prefix call " runs during docker build, where no GPU is visible: " outcome                     \
                "; check the GPU when the container runs"

static void test_ed306_nvidia_smi_forms(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
          "RUN nvidia-smi || true\n"
          "RUN [\"nvidia-smi\", \"-L\"]\n"
          "RUN <<EOF\n"
          "set -e\n"
          "/usr/bin/nvidia-smi --query-gpu=name --format=csv\n"
          "EOF\n"
          "ONBUILD RUN nvidia-smi\n",
          {"ED306", 2, 5, 15, ED_SEV_WARNING, SMI("")},
          {"ED306", 3, 6, 18, ED_SEV_WARNING, SMI("")},
          {"ED306", 6, 1, 20, ED_SEV_WARNING, SMI("")},
          {"ED306", 8, 13, 23, ED_SEV_WARNING, SMI("ONBUILD ")});
}

static void test_ed306_silent_forms(void **state)
{
    CHECK_NONE("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
               "RUN --device=nvidia.com/gpu=all nvidia-smi\n"
               "RUN command -v nvidia-smi || echo 'no nvidia-smi at build time'\n"
               "RUN python3 -c \"import torch; print(torch.cuda.is_available())\"\n"
               "RUN python3 -c \"import torch\"\n"
               "HEALTHCHECK CMD nvidia-smi || exit 1\n"
               "CMD [\"nvidia-smi\"]\n");
}

static void test_ed306_python_checks(void **state)
{
    CHECK("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
          "RUN python3 -c \"import torch; assert torch.cuda.is_available()\"\n"
          "RUN python -u -c 'import torch, sys; sys.exit(0 if torch.cuda.device_count() else 1)'\n"
          "RUN [\"python3\", \"-c\", \"import jax; print(jax.devices('gpu'))\"]\n"
          "RUN python -c \"import tensorflow as tf; assert tf.config.list_physical_devices('GPU')\"\n",
          {"ED306", 2, 38, 63, ED_SEV_WARNING,
           QUERY("", "torch.cuda.is_available()", "the check fails the build")},
          {"ED306", 3, 52, 77, ED_SEV_WARNING,
           QUERY("", "torch.cuda.device_count()", "the check fails the build")},
          {"ED306", 4, 42, 60, ED_SEV_WARNING,
           QUERY("", "jax.devices('gpu')", "it raises and fails the build")},
          {"ED306", 5, 48, 86, ED_SEV_WARNING,
           QUERY("", "tf.config.list_physical_devices('GPU')", "the check fails the build")});
}

/* ---- The documentation examples of the six rules ---- */

static void test_docs_are_complete(void **state)
{
    static const char *const ids[] = {"ED301", "ED302", "ED303", "ED304", "ED305", "ED306"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        const ed_rule *rule = ed_rule_find(ids[i]);
        assert_non_null(rule);
        const char *doc = ed_rule_doc(rule);
        assert_non_null(doc);
        char title[96];
        snprintf(title, sizeof title, "# %s %s\n", rule->id, rule->name);
        assert_true(strncmp(doc, title, strlen(title)) == 0);
        assert_non_null(strstr(doc, "\n## Why\n"));
        assert_non_null(strstr(doc, "\n## Bad\n"));
        assert_non_null(strstr(doc, "\n## Good\n"));
        assert_non_null(strstr(doc, "\n## How to fix\n"));
        assert_non_null(strstr(doc, "<!-- expect "));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_item22_flag_before_install),
        cmocka_unit_test(test_item22_other_managers),
        cmocka_unit_test(test_item22_dnf_module_install),
        cmocka_unit_test(test_item22_run_installer),
        cmocka_unit_test(test_item22_match_stops_at_and),
        cmocka_unit_test(test_item23_cuda_compat_is_silent),
        cmocka_unit_test(test_item9_heredoc),
        cmocka_unit_test(test_item9_exec_form_and_sh_c),
        cmocka_unit_test(test_item9_onbuild),
        cmocka_unit_test(test_item30_continuation_with_comment),
        cmocka_unit_test(test_ed301_any_stage_and_platform),
        cmocka_unit_test(test_ed301_meta_packages_pull_the_driver),
        cmocka_unit_test(test_ed301_fix_removes_driver_with_its_version),
        cmocka_unit_test(test_ed301_conda_cuda_is_a_toolkit),
        cmocka_unit_test(test_ed301_host_tooling_is_info),
        cmocka_unit_test(test_ed302_toolkit_on_devel_image),
        cmocka_unit_test(test_ed302_toolkit_of_parent_stage),
        cmocka_unit_test(test_ed302_other_version_on_devel_is_ed303s),
        cmocka_unit_test(test_ed302_nothing_compiles_build_essential_is_no_build),
        cmocka_unit_test(test_item23_manual_toolkit_then_compile),
        cmocka_unit_test(test_item23_symlink_is_no_install),
        cmocka_unit_test(test_ed302_builder_chain_compiles_later),
        cmocka_unit_test(test_ed302_might_compile_is_silent),
        cmocka_unit_test(test_ed302_cuda_base_image_of_your_own),
        cmocka_unit_test(test_ed302_conda_cudatoolkit_is_runtime),
        cmocka_unit_test(test_ed302_conda_nvcc_nothing_compiles),
        cmocka_unit_test(test_ed303_runtime_image_and_fix),
        cmocka_unit_test(test_ed303_arg_in_from_platform_and_stage_chain),
        cmocka_unit_test(test_ed303_pytorch_image_and_conda_pin),
        cmocka_unit_test(test_ed303_silent_cases),
        cmocka_unit_test(test_ed304_env_token_position),
        cmocka_unit_test(test_ed304_legacy_env_and_continuation_with_comment),
        cmocka_unit_test(test_ed304_separators_and_forms),
        cmocka_unit_test(test_ed304_removed_architectures),
        cmocka_unit_test(test_ed304_global_arg_redeclared),
        cmocka_unit_test(test_ed304_build_arg_value),
        cmocka_unit_test(test_ed304_command_prefix_export_heredoc_onbuild),
        cmocka_unit_test(test_ed304_cmake_and_nvcc),
        cmocka_unit_test(test_ed304_installed_toolkit_decides),
        cmocka_unit_test(test_ed304_silent_when_unknown),
        cmocka_unit_test(test_ed305_flash_attn),
        cmocka_unit_test(test_ed305_quoted_spec_pip3_continuation),
        cmocka_unit_test(test_ed305_bounded_builds_are_silent),
        cmocka_unit_test(test_ed305_torch_extensions),
        cmocka_unit_test(test_ed306_nvidia_smi_forms),
        cmocka_unit_test(test_ed306_silent_forms),
        cmocka_unit_test(test_ed306_python_checks),
        cmocka_unit_test(test_docs_are_complete),
    };
    return cmocka_run_group_tests_name("rules (system)", tests, NULL, NULL);
}
