/* The GPU view of a Dockerfile build: per stage, the facts of its root image
 * (from the knowledge base), every shell command its RUN instructions run
 * (shell form, exec form, heredoc scripts, ONBUILD RUN) with package-manager
 * calls parsed and exact source positions, where Python package indexes
 * come from, and whether the stage is meant for a GPU. Rules read this
 * model; none of them looks at raw text. */
#ifndef ENVDOCTOR_GPU_H
#define ENVDOCTOR_GPU_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/dockerfile.h"
#include "envdoctor/kb.h"
#include "envdoctor/model.h"
#include "envdoctor/pkgcmd.h"
#include "envdoctor/shell.h"

typedef enum gpu_mode {
    GPU_AUTO = 0, /* decide from what each stage does */
    GPU_ALWAYS,   /* every stage is meant for a GPU */
    GPU_NEVER,    /* no stage is (the CPU-only image rules stay silent) */
} gpu_mode;

/* One simple command run by a RUN instruction. */
typedef struct gpu_cmd {
    const df_instr *instr; /* the RUN (for ONBUILD RUN: the trigger) */
    size_t index;          /* index in file->instrs of the instruction written in the file */
    size_t stage;          /* index of its stage in gpu_model.stages */
    bool onbuild;          /* runs when a child image builds FROM this one */
    const sh_command *cmd;
    const sh_pkgcmd *pkg;  /* NULL when it is not a package-manager call */
    /* How script offsets become source offsets (see gpu_span). */
    bool direct;           /* heredoc body: source = base + offset */
    size_t base;           /* heredoc: body start; otherwise a logical-line offset */
} gpu_cmd;

/* Where a Python index setting comes from. */
typedef struct gpu_index {
    const char *url;       /* the URL after variable expansion */
    bool extra;            /* --extra-index-url / PIP_EXTRA_INDEX_URL / uv --index */
    bool find_links;       /* -f / --find-links / PIP_FIND_LINKS */
    bool from_env;         /* ENV/ARG (PIP_INDEX_URL, UV_INDEX_URL, ...) rather than the command */
    const char *variable;  /* the variable name when from_env */
    const char *file;      /* an option line of this requirements file (its path in the
                              build context, as gpu_req.file_name), else NULL */
    const sh_word *word;   /* the command's URL word (the option value), else NULL */
    const char *option;    /* the command's option as written ("--extra-index-url", "-i",
                              "--index"; see sh_pkgcmd.index_url_option); from_env: the
                              variable's name where it is written (see gpu_var_name_span);
                              else NULL */
    df_span option_span;   /* that option or name in the source (else: span) */
    df_span span;          /* the URL token, the ENV/ARG value, or for a file the -r word */
    kb_torch_index torch;  /* what it is if it is PyTorch's index */
} gpu_index;

/* Something in a stage that compiles CUDA code (needs nvcc at build time). */
typedef struct gpu_build {
    size_t cmd;            /* index into the stage's cmds */
    bool onbuild;          /* in an ONBUILD trigger: compiles in each child image */
    const char *what;      /* for messages: "flash-attn is built from source (--no-build-isolation)" */
    const char *package;   /* the Python package built (PEP 503 name), or NULL (nvcc, cmake, setup.py) */
    const kb_cuda_package *known; /* the knowledge base entry of that package, or NULL */
    df_span span;          /* the package name or the program word */
} gpu_build;

/* A CUDA toolkit installed by an OS or conda package manager. */
typedef struct gpu_toolkit {
    size_t cmd;            /* index into the stage's cmds */
    bool onbuild;          /* in an ONBUILD trigger: installed in each child image */
    const sh_req *req;
    kb_version version;    /* the CUDA X.Y it brings: from the package name (cuda-toolkit-12-4)
                              or, for a name without one, an exact version pin (conda
                              cuda-nvcc=12.1); {-1,-1,-1} when neither says */
    kb_tri nvcc;           /* whether the package brings nvcc */
    df_span span;          /* the package name */
} gpu_toolkit;

/* How CUDA comes into a stage other than by a toolkit package. */
typedef enum gpu_cuda_source {
    GPU_CUDA_LIBRARIES, /* CUDA libraries (no toolkit) from an OS or conda package manager */
    GPU_CUDA_RUNFILE,   /* NVIDIA's installer: cuda_12.4.1_550.54.15_linux.run --silent --toolkit */
    GPU_CUDA_COPY,      /* COPY / ADD of /usr/local/cuda (COPY --from=<image or stage> ...) */
    GPU_CUDA_WHEEL,     /* pip's nvidia-cuda-nvcc wheels (nvcc, ptxas) */
} gpu_cuda_source;

typedef struct gpu_cuda_install {
    gpu_cuda_source source;
    /* Index into the stage's cmds of the command; for a COPY, of the first
     * command after it (the stage's ncmds when none is). */
    size_t cmd;
    bool onbuild;          /* in an ONBUILD trigger */
    kb_tri nvcc;           /* brings nvcc: the copied image or stage has it, --toolkit, ... */
    kb_version version;    /* CUDA version when known (runfile name, -cuXY suffix), else none */
    const char *what;      /* "cuda_12.4.1_550.54.15_linux.run", "nvidia-cuda-nvcc-cu12",
                              "/usr/local/cuda from build" */
    df_span span;          /* the runfile word, the package name, the COPY source */
} gpu_cuda_install;

typedef struct gpu_stage {
    const df_stage *stage;
    const struct gpu_stage *parent; /* the stage FROM names, or NULL */
    const df_stage *root;    /* end of the FROM chain: the stage naming an image */
    kb_image_facts image;    /* facts of the root image (vendor UNKNOWN when not known) */
    bool image_known;        /* the root image parsed as a reference */
    gpu_cmd *cmds;           /* the stage's commands, in order */
    size_t ncmds;
    /* The lists below hold what ONBUILD triggers do too, flagged `onbuild`:
     * that happens in child images, not in the stage itself. */
    gpu_build *builds;       /* CUDA compilation */
    size_t nbuilds;
    gpu_toolkit *toolkits;   /* CUDA toolkits installed by OS or conda package managers */
    size_t ntoolkits;
    gpu_cuda_install *cuda_installs; /* CUDA brought in otherwise */
    size_t ncuda_installs;
    bool gpu_intended;       /* the stage is meant to use an NVIDIA GPU */
    const char *intent;      /* why, for messages ("installs torch from the cu124 index") */
    df_span intent_span;     /* the token that shows it */
    /* The same evidence in the stage's ONBUILD triggers (images built FROM
     * this one are meant for a GPU); false with GPU_NEVER. */
    bool onbuild_intended;
    const char *onbuild_intent;
    df_span onbuild_intent_span;
    /* The stages that use what this one made: itself, the stages built FROM
     * it (at any depth) and those that COPY --from or RUN --mount from one
     * of these; indexes into gpu_model.stages, in order. */
    const size_t *consumers;
    size_t nconsumers;
} gpu_stage;

struct gpu_files;

typedef struct gpu_model {
    const df_model *df;
    const kb *kb;
    const char *context_dir; /* build context for requirements files, or NULL */
    gpu_stage *stages;
    size_t nstages;
    struct gpu_files *files; /* requirements files read so far: each is read once */
} gpu_model;

gpu_model *gpu_model_build(ed_arena *arena, const df_model *df, const kb *knowledge, gpu_mode mode,
                           const char *context_dir);

/* Source span of [start, end) in a command's script text. */
df_span gpu_span(const gpu_cmd *c, size_t start, size_t end);
df_span gpu_word_span(const gpu_cmd *c, const sh_word *w);
/* Source span of text[a..b) of a command's word (see sh_word_span). */
df_span gpu_word_part(const gpu_cmd *c, const sh_word *w, size_t a, size_t b);
/* Source span of the name of a requirement (`torch` in "torch==2.5.1"). */
df_span gpu_req_span(const gpu_cmd *c, const sh_req *r);

/* The value of a variable as the command sees it (ENV/ARG of its stage and
 * the command's own NAME=value prefixes); NULL when unset. */
const char *gpu_cmd_var(const gpu_model *m, const gpu_cmd *c, const char *name);

/* Where the value gpu_cmd_var gives was set: the value of a NAME=value
 * prefix of the command or of an earlier `export NAME=value` / `NAME=value`
 * of its RUN, else the stage's ENV/ARG value; an empty span at the command
 * when it comes from elsewhere (--build-arg, a predefined argument). */
df_span gpu_var_span(const gpu_model *m, const gpu_cmd *c, const char *name);
/* Where the variable's name is written in that place (the ENV key, NAME in
 * `ARG NAME=value` or in a NAME=value word); false when it is not written
 * there as is (--build-arg, a quoted ARG word). */
bool gpu_var_name_span(const gpu_model *m, const gpu_cmd *c, const char *name, df_span *out);

/* A word's text with $VAR / ${VAR...} expanded as gpu_cmd_var sees them
 * (unset variables expand to ""). */
const char *gpu_expand(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, const char *text);

/* The Python package indexes a pip/uv command uses, in order: its own
 * options, then PIP_/UV_ variables of the stage, then the option lines
 * (-i/--index-url, --extra-index-url, -f/--find-links) of the requirements
 * files it reads (see gpu_cmd_reqs); *n gets the count. */
gpu_index *gpu_cmd_indexes(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, size_t *n);

/* Index settings this model does not read reach command c: a pip.conf /
 * pip.ini (uv: uv.toml, pyproject.toml) copied or written, `pip config set
 * ...index-url`, an `echo index-url=...`, PIP_CONFIG_FILE / UV_CONFIG_FILE,
 * before c in its stage or in a stage it is built FROM; gpu_cmd_indexes may
 * then not list every index. */
bool gpu_cmd_index_config_unread(const gpu_model *m, const gpu_cmd *c);

/* --no-index: given to the pip/uv command, or in a requirements file it reads. */
bool gpu_cmd_no_index(ed_arena *arena, const gpu_model *m, const gpu_cmd *c);

/* nvcc is available to the stage's command `cmd` (s->ncmds: after the
 * stage's own commands): the image has it, or an earlier command or COPY
 * of the stage, or a stage it is built FROM, brought it (a toolkit package
 * with nvcc, a runfile, a copy of /usr/local/cuda that is not known to
 * lack it, the nvidia-cuda-nvcc wheels). An ONBUILD command runs in a
 * child image: after all of the stage, and after the triggers before it. */
bool gpu_stage_has_nvcc(const gpu_stage *s, size_t cmd);

/* The stage, or a stage it is built FROM, installs CUDA itself, not as pip
 * wheels: a toolkit or CUDA libraries from an OS or conda package manager,
 * a runfile, a copy of /usr/local/cuda. With onbuild, the stage's ONBUILD
 * triggers count too (what an image built FROM it gets). */
bool gpu_stage_installs_cuda(const gpu_stage *s, bool onbuild);

/* The CUDA X.Y of the wheels the stage's pip/uv commands install (ONBUILD
 * triggers included): a PyTorch cuXYZ index, a +cuXYZ version label, or
 * uv's --torch-backend cuXYZ; false when none says. */
bool gpu_stage_wheel_cuda(ed_arena *arena, const gpu_model *m, const gpu_stage *s,
                          kb_version *out);

/* The stage for messages: "the stage" in a one-stage file, else "stage
 * build" (its name) or "stage 1" (the index COPY --from=1 would use). */
const char *gpu_stage_label(ed_arena *arena, const gpu_model *m, const gpu_stage *s);

/* The image the stage is built on, as written after variable expansion
 * ("nvidia/cuda:12.4.1-devel-ubuntu22.04"), or "the base image". */
const char *gpu_stage_image(const gpu_stage *s);

/* The knowledge-base family of an OS or conda package manager; false for
 * pip, uv and anything else. */
bool gpu_native_manager(sh_pm manager, kb_pkg_manager *out);

/* torch, torchvision, torchaudio (PEP 503 names). */
bool gpu_is_torch_package(const char *name);

/* A Python command of the stage (ONBUILD triggers aside) installs JAX in
 * a form that uses the system's CUDA toolkit (ptxas, nvlink) when it
 * compiles, at run time: jax[cudaNN_local], a CUDA plugin without its
 * bundled-wheels extra, a monolithic jaxlib==X+cudaNN wheel. Such a stage
 * needs a devel image. */
bool gpu_stage_needs_local_cuda(const gpu_stage *s, const kb *knowledge);

/* A variable counts as set "on" (1, true, yes, on; any case). */
bool gpu_truthy(const char *value);

/* A Python requirement a command installs. */
typedef struct gpu_req {
    const sh_req *req;
    df_span span;          /* its name in the Dockerfile; for a file's line: the -r FILE word */
    const char *file;      /* the requirements file it came from (as found in the build
                              context), or NULL for the command's own arguments */
    const char *file_name; /* that file as the user knows it, for messages: its path in
                              the build context ("requirements.txt"), else NULL */
    unsigned file_line;    /* 1-based line in that file */
} gpu_req;

/* Every requirement a pip/uv/pipx command installs: its arguments, then
 * the lines of its -r files (nested -r followed) when they are found in the
 * build context, directly or through an earlier COPY of the stage. The
 * array is collected once per command and shared by every caller: read it,
 * do not change it. */
gpu_req *gpu_cmd_reqs(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, size_t *n);

/* A stage's root image facts are about an NVIDIA CUDA image. */
bool gpu_stage_is_cuda(const gpu_stage *s);

#endif
