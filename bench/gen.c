/* bench/gen: deterministic inputs for `make bench` (benchmarks, not tests).
 *
 *   gen corpus DIR N SEED        N files in DIR: GPU and CPU Dockerfiles
 *                                (multi-stage, heredocs, long continued RUNs,
 *                                ARG-built FROMs), Compose files (anchors, GPU
 *                                reservations, build: links to the Dockerfiles
 *                                beside them) and Apptainer .def files, laid
 *                                out as small repositories (DIR/rNNNN/...)
 *   gen dockerfile LINES SEED    one Dockerfile of LINES lines (stages of
 *                                ~60 lines, each built on the previous one)
 *   gen compose BYTES SEED       one Compose file of about BYTES bytes
 *   gen run LINES SEED           one RUN with LINES continuation lines
 *   gen line BYTES SEED          one Dockerfile whose RUN is a single line of
 *                                about BYTES bytes
 *   gen chain STAGES SEED        FROM chain: STAGES stages, each FROM the
 *                                previous one, with ENV and ARG in each
 *   gen post COMMANDS SEED       an Apptainer .def whose %post has COMMANDS
 *                                commands
 *
 * Single files go to standard output. The same arguments give the same bytes
 * on every machine (a splitmix64 generator, no libc randomness, no time). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- Randomness ---------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* 0 .. n-1 */
static size_t below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }
/* true with probability pct/100 */
static int chance(int pct) { return (int)below(100) < pct; }

#define PICK(arr) (arr[below(sizeof arr / sizeof arr[0])])

/* ---- Vocabulary (from examples/ and the rule documentation) ---------------------------- */

static const char *const cuda_versions[] = {"11.8.0", "12.1.1", "12.2.2", "12.4.1",
                                            "12.6.3", "12.8.1", "12.9.1", "13.0.1"};
static const char *const cuda_flavors[] = {"runtime", "devel", "cudnn-runtime", "cudnn-devel",
                                           "base", "cudnn8-runtime", "cudnn8-devel"};
static const char *const cuda_oses[] = {"ubuntu22.04", "ubuntu20.04", "ubuntu24.04",
                                        "rockylinux9", "ubi8"};
static const char *const torch_versions[] = {"2.1.0", "2.2.2", "2.3.1", "2.4.1",
                                              "2.5.1", "2.6.0", "2.7.1", "2.8.0"};
static const char *const torch_suffixes[] = {"cu118", "cu121", "cu124", "cu126", "cu128", "cpu"};
static const char *const cpu_images[] = {"python:3.12-slim", "python:3.11", "debian:bookworm-slim",
                                         "ubuntu:22.04", "node:20-alpine", "golang:1.22",
                                         "alpine:3.19", "nginx:1.27", "rockylinux:9",
                                         "continuumio/miniconda3:24.1.2-0"};
static const char *const gpu_images[] = {"pytorch/pytorch:2.4.1-cuda12.4-cudnn9-runtime",
                                         "nvcr.io/nvidia/pytorch:24.05-py3",
                                         "tensorflow/tensorflow:2.16.1-gpu",
                                         "nvcr.io/nvidia/tritonserver:24.08-py3",
                                         "rapidsai/base:24.08-cuda12.5-py3.11"};
static const char *const apt_pkgs[] = {
    "python3",   "python3-pip", "python3-venv", "git",         "curl",    "wget",
    "ca-certificates", "build-essential", "cmake", "ninja-build", "libgl1",
    "libglib2.0-0", "ffmpeg", "libsm6", "libxext6", "openssh-client", "vim", "htop",
    "unzip", "pkg-config", "libssl-dev", "zlib1g-dev", "libjpeg-dev", "libpng-dev",
    "cuda-toolkit-12-4", "libcudnn9-cuda-12", "nvidia-driver-535", "cuda-compat-12-4",
    "libnccl2", "libnccl-dev"};
static const char *const py_pkgs[] = {
    "numpy", "scipy", "pandas", "scikit-learn", "matplotlib", "transformers", "datasets",
    "accelerate", "sentencepiece", "tokenizers", "einops", "wandb", "tensorboard", "pillow",
    "opencv-python-headless", "fastapi", "uvicorn", "pydantic", "requests", "tqdm",
    "safetensors", "peft", "bitsandbytes", "deepspeed", "xformers", "triton", "onnxruntime-gpu",
    "cupy-cuda12x", "jax[cuda12]", "tensorflow[and-cuda]", "tensorflow-gpu", "apex"};
static const char *const build_pkgs[] = {"flash-attn", "apex", "xformers", "mamba-ssm",
                                         "causal-conv1d", "deepspeed", "vllm"};
static const char *const archs[] = {"7.0", "7.5", "8.0", "8.6", "8.9", "9.0", "10.0", "12.0"};
static const char *const words[] = {"train", "serve", "infer", "worker", "api", "web",
                                    "notebook", "batch", "etl", "eval", "db", "cache"};

/* ---- Output --------------------------------------------------------------- */

static FILE *out;
static long out_bytes; /* written to out since it was opened */

static void p(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void p(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(out, fmt, ap);
    va_end(ap);
    if (n < 0) {
        perror("write");
        exit(1);
    }
    out_bytes += n;
}

static long written(void) { return out_bytes; }

static void mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *s = buf + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                perror(buf);
                exit(1);
            }
            *s = '/';
        }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
        perror(buf);
        exit(1);
    }
}

static void open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdirs(path);
    *slash = '/';
    out = fopen(path, "w");
    out_bytes = 0;
    if (!out) {
        perror(path);
        exit(1);
    }
}

static void close_out(void)
{
    if (fclose(out) != 0) {
        perror("write");
        exit(1);
    }
    out = stdout;
}

/* ---- Dockerfile pieces ------------------------------------------------------ */

static const char *cuda_tag(char *buf, size_t n)
{
    snprintf(buf, n, "%s-%s-%s", PICK(cuda_versions), PICK(cuda_flavors), PICK(cuda_oses));
    return buf;
}

/* An apt-get RUN continued over `lines` lines. */
static void apt_run(int lines)
{
    p("RUN apt-get update \\\n && apt-get install -y --no-install-recommends \\\n");
    for (int i = 0; i < lines; i++)
        p("        %s %s \\\n", PICK(apt_pkgs), PICK(apt_pkgs));
    p(" && rm -rf /var/lib/apt/lists/*\n");
}

static void pip_run(int gpu)
{
    const char *tv = PICK(torch_versions);
    switch (below(5)) {
    case 0:
        p("RUN pip3 install --no-cache-dir torch==%s torchvision \\\n"
          "        --index-url https://download.pytorch.org/whl/%s\n",
          tv, PICK(torch_suffixes));
        break;
    case 1: p("RUN pip install --no-cache-dir torch torchvision torchaudio\n"); break;
    case 2:
        p("RUN pip install --no-cache-dir \"torch==%s+%s\" \\\n"
          "        --extra-index-url https://download.pytorch.org/whl/%s\n",
          tv, PICK(torch_suffixes), PICK(torch_suffixes));
        break;
    case 3: p("RUN pip install --no-cache-dir -r requirements.txt\n"); break;
    default: p("RUN python -m pip install --upgrade pip setuptools wheel\n"); break;
    }
    int n = 2 + (int)below(6);
    p("RUN pip install --no-cache-dir");
    for (int i = 0; i < n; i++)
        p(" %s%s", PICK(py_pkgs), chance(40) ? "==1.2.3" : "");
    p("\n");
    if (gpu && chance(50))
        p("ENV TORCH_CUDA_ARCH_LIST=\"%s;%s+PTX\"\nRUN MAX_JOBS=%d pip install --no-build-isolation %s\n",
          PICK(archs), PICK(archs), 1 + (int)below(16), PICK(build_pkgs));
}

static void heredoc_run(void)
{
    p("RUN <<EOF\nset -eux\napt-get update\napt-get install -y --no-install-recommends %s %s\n"
      "pip install --no-cache-dir %s %s\nrm -rf /var/lib/apt/lists/*\nEOF\n",
      PICK(apt_pkgs), PICK(apt_pkgs), PICK(py_pkgs), PICK(py_pkgs));
    if (chance(50))
        p("COPY <<-EOT /etc/app/config.ini\n\t[app]\n\tname = %s\n\tworkers = %d\n\tEOT\n",
          PICK(words), 1 + (int)below(8));
}

static void tail_instructions(void)
{
    p("WORKDIR /app\nCOPY . /app\n");
    if (chance(40))
        p("ENV NVIDIA_VISIBLE_DEVICES=all \\\n    NVIDIA_DRIVER_CAPABILITIES=compute,utility\n");
    if (chance(30))
        p("RUN useradd -m -u 1000 app\nUSER 1000\n");
    if (chance(30))
        p("HEALTHCHECK --interval=30s CMD curl -f http://localhost:8080/ || exit 1\n");
    p("EXPOSE %d\n", 8000 + (int)below(1000));
    p("CMD [\"python3\", \"-m\", \"%s\"]\n", PICK(words));
}

static void dockerfile_gpu(void)
{
    char tag[128];
    p("# syntax=docker/dockerfile:1\n# GPU image for %s\n", PICK(words));
    p("ARG CUDA_VERSION=%s\nARG UBUNTU_VERSION=22.04\n", PICK(cuda_versions));
    if (chance(50))
        p("FROM nvidia/cuda:${CUDA_VERSION}-%s-ubuntu${UBUNTU_VERSION} AS builder\n",
          PICK(cuda_flavors));
    else
        p("FROM nvidia/cuda:%s AS builder\n", cuda_tag(tag, sizeof tag));
    p("ARG CUDA_VERSION\nENV DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1\n");
    apt_run(2 + (int)below(8));
    pip_run(1);
    if (chance(35))
        heredoc_run();
    if (chance(70)) {
        if (chance(50))
            p("\nFROM nvidia/cuda:%s AS runtime\n", cuda_tag(tag, sizeof tag));
        else
            p("\nFROM %s AS runtime\n", chance(50) ? PICK(cpu_images) : PICK(gpu_images));
        p("COPY --from=builder /usr/local/lib/python3.10/dist-packages "
          "/usr/local/lib/python3.10/dist-packages\n");
    }
    tail_instructions();
}

static void dockerfile_cpu(void)
{
    switch (below(4)) {
    case 0: /* node build + nginx */
        p("FROM node:20-alpine AS build\nWORKDIR /src\nCOPY package*.json ./\nRUN npm ci\n"
          "COPY . .\nRUN npm run build\n\nFROM nginx:1.27-alpine\n"
          "COPY --from=build /src/dist /usr/share/nginx/html\nEXPOSE 80\n");
        break;
    case 1: /* go */
        p("ARG GO_VERSION=1.22\nFROM golang:${GO_VERSION} AS build\nWORKDIR /src\n"
          "COPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n"
          "COPY . .\nRUN CGO_ENABLED=0 go build -o /out/%s ./cmd/%s\n\n"
          "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/%s /%s\n"
          "ENTRYPOINT [\"/%s\"]\n",
          PICK(words), PICK(words), PICK(words), PICK(words), PICK(words));
        break;
    case 2: /* conda */
        p("FROM continuumio/miniconda3:24.1.2-0\nCOPY environment.yml /tmp/\n"
          "RUN conda env create -f /tmp/environment.yml \\\n && conda clean -afy\n"
          "RUN conda install -y -c conda-forge %s %s \\\n && pip install --no-cache-dir %s\n",
          PICK(py_pkgs), PICK(py_pkgs), PICK(py_pkgs));
        tail_instructions();
        break;
    default: /* python web app */
        p("FROM %s\n", PICK(cpu_images));
        apt_run(1 + (int)below(4));
        pip_run(0);
        if (chance(30))
            heredoc_run();
        tail_instructions();
        break;
    }
}

/* FROM built from ARGs, several stages. */
static void dockerfile_args(void)
{
    p("ARG BASE_IMAGE=nvidia/cuda\nARG BASE_TAG=%s-%s-%s\nARG PYTHON=python3.11\n",
      PICK(cuda_versions), PICK(cuda_flavors), PICK(cuda_oses));
    p("FROM ${BASE_IMAGE}:${BASE_TAG} AS base\nARG PYTHON\n"
      "RUN apt-get update && apt-get install -y ${PYTHON} python3-pip && rm -rf /var/lib/apt/lists/*\n");
    p("\nFROM base AS deps\nCOPY requirements.txt .\nRUN pip3 install -r requirements.txt\n");
    pip_run(1);
    p("\nFROM deps AS test\nRUN python3 -c \"import torch; print(torch.cuda.is_available())\"\n");
    p("\nFROM base AS final\nCOPY --from=deps /usr/local /usr/local\n");
    tail_instructions();
}

static void emit_dockerfile(void)
{
    switch (below(10)) {
    case 0: case 1: case 2: case 3: dockerfile_gpu(); break;
    case 4: case 5: case 6: dockerfile_cpu(); break;
    default: dockerfile_args(); break;
    }
}

/* ---- Compose ---------------------------------------------------------------- */

static void compose_gpu_block(const char *indent)
{
    switch (below(5)) {
    case 0:
        p("%sdeploy:\n%s  resources:\n%s    reservations:\n%s      devices:\n"
          "%s        - driver: nvidia\n%s          count: %s\n%s          capabilities: [gpu]\n",
          indent, indent, indent, indent, indent, indent, chance(50) ? "all" : "1", indent);
        break;
    case 1:
        p("%sdeploy:\n%s  resources:\n%s    reservations:\n%s      devices:\n"
          "%s        - driver: nvidia\n%s          device_ids: [\"0\", \"1\"]\n"
          "%s          capabilities: [gpu, compute, utility]\n",
          indent, indent, indent, indent, indent, indent, indent);
        break;
    case 2: p("%sgpus: all\n", indent); break;
    case 3: p("%sruntime: nvidia\n", indent); break;
    default: p("%s<<: *gpu\n", indent); break;
    }
}

/* One service; dockerfile is the path of a Dockerfile beside the compose file or NULL. */
static void compose_service(int i, const char *dockerfile)
{
    char tag[128];
    p("  %s%d:\n", PICK(words), i);
    if (dockerfile) {
        p("    build:\n      context: .\n      dockerfile: %s\n      args:\n"
          "        CUDA_VERSION: ${CUDA_VERSION:-%s}\n",
          dockerfile, PICK(cuda_versions));
    } else if (chance(50)) {
        p("    image: nvidia/cuda:%s\n", cuda_tag(tag, sizeof tag));
    } else {
        p("    image: %s\n", chance(50) ? PICK(cpu_images) : PICK(gpu_images));
    }
    if (chance(70))
        compose_gpu_block("    ");
    if (chance(60)) {
        p("    environment:\n");
        if (chance(50))
            p("      - NVIDIA_VISIBLE_DEVICES=all\n      - NCCL_DEBUG=INFO\n");
        else
            p("      <<: *common-env\n      MODEL: %s\n", PICK(words));
    }
    if (chance(50))
        p("    volumes:\n      - ./data:/data\n      - %s\n",
          chance(20) ? "/usr/local/cuda:/usr/local/cuda:ro" : "cache:/root/.cache");
    if (chance(40))
        p("    ports:\n      - \"%d:%d\"\n", 8000 + i, 8000);
    if (chance(30))
        p("    shm_size: 8gb\n    ipc: host\n");
    p("    restart: unless-stopped\n");
}

static void compose_header(void)
{
    if (chance(20))
        p("version: \"3.8\"\n");
    p("x-gpu: &gpu\n  deploy:\n    resources:\n      reservations:\n        devices:\n"
      "          - driver: nvidia\n            count: all\n            capabilities: [gpu]\n");
    p("x-env: &common-env\n  TZ: UTC\n  PYTHONUNBUFFERED: \"1\"\n\nservices:\n");
}

static void emit_compose(const char *dockerfile)
{
    compose_header();
    int n = 1 + (int)below(5);
    for (int i = 0; i < n; i++)
        compose_service(i, i == 0 ? dockerfile : NULL);
    p("\nvolumes:\n  cache: {}\n");
}

/* ---- Apptainer ------------------------------------------------------------------ */

static void emit_def(int post_commands)
{
    char tag[128];
    if (chance(60))
        p("Bootstrap: docker\nFrom: nvidia/cuda:%s\n\n", cuda_tag(tag, sizeof tag));
    else
        p("Bootstrap: docker\nFrom: %s\n\n", PICK(cpu_images));
    if (chance(40))
        p("%%arguments\n    TORCH_VERSION=%s\n\n", PICK(torch_versions));
    p("%%files\n    requirements.txt /opt/requirements.txt\n\n%%post\n"
      "    export DEBIAN_FRONTEND=noninteractive\n");
    for (int i = 0; i < post_commands; i++) {
        switch (below(6)) {
        case 0:
            p("    apt-get update && apt-get install -y --no-install-recommends %s %s\n",
              PICK(apt_pkgs), PICK(apt_pkgs));
            break;
        case 1:
            p("    pip3 install --no-cache-dir %s==1.%d.0 %s\n", PICK(py_pkgs), (int)below(9),
              PICK(py_pkgs));
            break;
        case 2: p("    export VAR%d=/opt/%s/%d\n", i % 50, PICK(words), i); break;
        case 3: p("    mkdir -p /opt/%s/$VAR%d && cd /opt/%s\n", PICK(words), i % 50, PICK(words)); break;
        case 4:
            p("    pip3 install torch==%s --index-url https://download.pytorch.org/whl/%s\n",
              PICK(torch_versions), PICK(torch_suffixes));
            break;
        default: p("    echo \"step %d\" >> /opt/build.log\n", i); break;
        }
    }
    p("\n%%environment\n    export PATH=/opt/conda/bin:$PATH\n");
    if (chance(20))
        p("    export LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH\n");
    p("    export PYTHONNOUSERSITE=1\n\n%%runscript\n    exec python3 /opt/app/%s.py \"$@\"\n",
      PICK(words));
    if (chance(40))
        p("\n%%test\n    python3 -c 'import torch; assert torch.cuda.is_available()'\n");
    p("\n%%labels\n    Author bench\n    Version 1.%d\n", (int)below(10));
}

/* ---- The corpus --------------------------------------------------------------------- */

static void corpus(const char *dir, long n)
{
    long made = 0;
    char name[256];
    for (long r = 0; made < n; r++) {
        char repo[4096];
        snprintf(repo, sizeof repo, "%s/r%04ld", dir, r);
        int kind = (int)below(20);
        if (kind < 9) { /* a Dockerfile, maybe a second one under docker/ */
            open_out(repo, "Dockerfile");
            emit_dockerfile();
            close_out();
            made++;
            if (made < n && chance(30)) {
                snprintf(name, sizeof name, "docker/%s.Dockerfile", PICK(words));
                open_out(repo, name);
                emit_dockerfile();
                close_out();
                made++;
            }
        } else if (kind < 16 && made + 2 <= n) { /* compose + the Dockerfile it builds */
            open_out(repo, "Dockerfile.gpu");
            dockerfile_gpu();
            close_out();
            open_out(repo, chance(50) ? "compose.yaml" : "docker-compose.yml");
            emit_compose("Dockerfile.gpu");
            close_out();
            made += 2;
        } else if (kind < 18) { /* a compose file on its own */
            open_out(repo, "compose.yaml");
            emit_compose(NULL);
            close_out();
            made++;
        } else { /* Apptainer */
            snprintf(name, sizeof name, "%s.def", PICK(words));
            open_out(repo, name);
            emit_def(4 + (int)below(20));
            close_out();
            made++;
        }
    }
}

/* ---- Single large files ----------------------------------------------------------------- */

static void big_dockerfile(long lines)
{
    char tag[128];
    long stage = 0;
    p("# syntax=docker/dockerfile:1\nARG CUDA_VERSION=%s\n", PICK(cuda_versions));
    p("FROM nvidia/cuda:${CUDA_VERSION}-cudnn-devel-ubuntu22.04 AS s0\n");
    long line = 3;
    while (line < lines) {
        if (line % 60 < 2) { /* a new stage on the previous one, or on an image */
            stage++;
            if (chance(80))
                p("FROM s%ld AS s%ld\n", stage - 1, stage);
            else
                p("FROM nvidia/cuda:%s AS s%ld\n", cuda_tag(tag, sizeof tag), stage);
            line++;
            continue;
        }
        switch (below(8)) {
        case 0: p("ENV VAR_%ld=/opt/v%ld PATH=/opt/v%ld/bin:$PATH\n", line % 97, line, line); line++; break;
        case 1: p("ARG A_%ld=%ld\n", line % 31, line); line++; break;
        case 2:
            p("RUN apt-get update \\\n && apt-get install -y --no-install-recommends %s %s \\\n"
              " && rm -rf /var/lib/apt/lists/*\n", PICK(apt_pkgs), PICK(apt_pkgs));
            line += 3;
            break;
        case 3:
            p("RUN pip install --no-cache-dir %s==1.%ld.0 %s\n", PICK(py_pkgs), line % 9,
              PICK(py_pkgs));
            line++;
            break;
        case 4: p("COPY src/%ld /opt/src/%ld\n", line, line); line++; break;
        case 5: p("RUN echo ${VAR_%ld} $A_%ld >> /opt/log\n", line % 97, line % 31); line++; break;
        case 6: p("WORKDIR /opt/w%ld\n", line % 13); line++; break;
        default: p("# comment %ld\n", line); line++; break;
        }
    }
}

static void big_compose(long bytes)
{
    compose_header();
    for (int i = 0; written() < bytes; i++)
        compose_service(i, NULL);
    p("\nvolumes:\n  cache: {}\n");
}

static void one_command(long i, int with_vars)
{
    switch (below(6)) {
    case 0: p("apt-get install -y --no-install-recommends %s %s", PICK(apt_pkgs), PICK(apt_pkgs)); break;
    case 1: p("pip install --no-cache-dir %s==1.%ld.0", PICK(py_pkgs), i % 9); break;
    case 2:
        if (with_vars)
            p("export V%ld=/opt/x%ld", i % 500, i);
        else
            p("mkdir -p /opt/x%ld", i);
        break;
    case 3: p("cd /opt/x%ld", i % 500); break;
    case 4: p("echo \"$V%ld\" >> /opt/log", i % 500); break;
    default: p("cp /tmp/f%ld /opt/f%ld", i, i); break;
    }
}

static void big_run(long lines)
{
    p("FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\nRUN set -eux \\\n");
    for (long i = 0; i < lines; i++) {
        p(" && ");
        one_command(i, 1);
        p(" \\\n");
    }
    p(" && true\nCMD [\"bash\"]\n");
}

static void big_line(long bytes)
{
    p("FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\nRUN set -eux");
    for (long i = 0; written() < bytes; i++) {
        p(" && ");
        one_command(i, 1);
    }
    p("\nCMD [\"bash\"]\n");
}

/* Each stage sets a variable of its own from its parent's and reads one of
 * the ARGs, which are not inherited: lookups go through the whole chain.
 * Values do not accumulate (PATH=...:$PATH over 10,000 stages would make
 * the input's expanded size, not the chain, quadratic). */
static void chain(long stages)
{
    p("ARG CUDA_VERSION=12.4.1\nFROM nvidia/cuda:${CUDA_VERSION}-cudnn-devel-ubuntu22.04 AS s0\n"
      "ENV E0=/opt/s0\n");
    for (long s = 1; s < stages; s++) {
        p("FROM s%ld AS s%ld\nARG A%ld=%ld\nENV E%ld=/opt/s%ld P=${E%ld}/bin\n", s - 1, s,
          s % 10, s, s, s, s - 1);
        if (s % 10 == 0)
            p("RUN pip install --no-cache-dir torch==%s --index-url "
              "https://download.pytorch.org/whl/cu124 && echo $E%ld $A%ld\n",
              PICK(torch_versions), s, s % 10);
    }
}

static void post(long commands)
{
    p("Bootstrap: docker\nFrom: nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\n\n%%post\n");
    for (long i = 0; i < commands; i++) {
        p("    ");
        one_command(i, 1);
        p("\n");
    }
    p("\n%%runscript\n    exec python3 \"$@\"\n");
}

static long num(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 0) {
        fprintf(stderr, "gen: not a count: %s\n", s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    out = stdout;
    if (argc == 5 && strcmp(argv[1], "corpus") == 0) {
        rng_state = (uint64_t)num(argv[4]);
        corpus(argv[2], num(argv[3]));
        return 0;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: gen corpus DIR N SEED | gen dockerfile|compose|run|line|chain|post "
                        "SIZE SEED\n");
        return 2;
    }
    long n = num(argv[2]);
    rng_state = (uint64_t)num(argv[3]);
    const char *k = argv[1];
    if (strcmp(k, "dockerfile") == 0) big_dockerfile(n);
    else if (strcmp(k, "compose") == 0) big_compose(n);
    else if (strcmp(k, "run") == 0) big_run(n);
    else if (strcmp(k, "line") == 0) big_line(n);
    else if (strcmp(k, "chain") == 0) chain(n);
    else if (strcmp(k, "post") == 0) post(n);
    else {
        fprintf(stderr, "gen: unknown kind %s\n", k);
        return 2;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
