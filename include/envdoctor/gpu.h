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
    df_span span;          /* the URL token, or the ENV/ARG value */
    kb_torch_index torch;  /* what it is if it is PyTorch's index */
} gpu_index;

/* Something in a stage that compiles CUDA code (needs nvcc at build time). */
typedef struct gpu_build {
    size_t cmd;            /* index into the stage's cmds */
    const char *what;      /* for messages: "flash-attn is built from source (--no-build-isolation)" */
    const char *package;   /* the Python package built (PEP 503 name), or NULL (nvcc, cmake, setup.py) */
    const kb_cuda_package *known; /* the knowledge base entry of that package, or NULL */
    df_span span;          /* the package name or the program word */
} gpu_build;

/* A CUDA toolkit installed by an OS or conda package manager. */
typedef struct gpu_toolkit {
    size_t cmd;            /* index into the stage's cmds */
    const sh_req *req;
    kb_version version;    /* X.Y from the package name, {-1,-1,-1} when it has none */
    kb_tri nvcc;           /* whether the package brings nvcc */
    df_span span;          /* the package name */
} gpu_toolkit;

typedef struct gpu_stage {
    const df_stage *stage;
    const struct gpu_stage *parent; /* the stage FROM names, or NULL */
    const df_stage *root;    /* end of the FROM chain: the stage naming an image */
    kb_image_facts image;    /* facts of the root image (vendor UNKNOWN when not known) */
    bool image_known;        /* the root image parsed as a reference */
    gpu_cmd *cmds;           /* the stage's commands, in order */
    size_t ncmds;
    gpu_build *builds;       /* CUDA compilation in this stage (ONBUILD triggers excluded) */
    size_t nbuilds;
    gpu_toolkit *toolkits;   /* CUDA toolkits installed in this stage */
    size_t ntoolkits;
    bool gpu_intended;       /* the stage is meant to use an NVIDIA GPU */
    const char *intent;      /* why, for messages ("installs torch from the cu124 index") */
    df_span intent_span;     /* the token that shows it */
} gpu_stage;

typedef struct gpu_model {
    const df_model *df;
    const kb *kb;
    const char *context_dir; /* build context for requirements files, or NULL */
    gpu_stage *stages;
    size_t nstages;
} gpu_model;

gpu_model *gpu_model_build(ed_arena *arena, const df_model *df, const kb *knowledge, gpu_mode mode,
                           const char *context_dir);

/* Source span of [start, end) in a command's script text. */
df_span gpu_span(const gpu_cmd *c, size_t start, size_t end);
df_span gpu_word_span(const gpu_cmd *c, const sh_word *w);
/* Source span of the name of a requirement (`torch` in "torch==2.5.1"). */
df_span gpu_req_span(const gpu_cmd *c, const sh_req *r);

/* The value of a variable as the command sees it (ENV/ARG of its stage and
 * the command's own NAME=value prefixes); NULL when unset. */
const char *gpu_cmd_var(const gpu_model *m, const gpu_cmd *c, const char *name);

/* A word's text with $VAR / ${VAR...} expanded as gpu_cmd_var sees them
 * (unset variables expand to ""). */
const char *gpu_expand(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, const char *text);

/* The Python package indexes a pip/uv command uses, in order: its own
 * options, then PIP_/UV_ variables of the stage; *n gets the count. */
gpu_index *gpu_cmd_indexes(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, size_t *n);

/* nvcc is available to the stage's command `cmd`: the image has it, or a
 * toolkit with nvcc was installed by an earlier command of the stage. */
bool gpu_stage_has_nvcc(const gpu_stage *s, size_t cmd);

/* A variable counts as set "on" (1, true, yes, on; any case). */
bool gpu_truthy(const char *value);

/* A Python requirement a command installs. */
typedef struct gpu_req {
    const sh_req *req;
    df_span span;          /* its name in the Dockerfile; for a file's line: the -r FILE word */
    const char *file;      /* the requirements file it came from (as found in the build
                              context), or NULL for the command's own arguments */
    unsigned file_line;    /* 1-based line in that file */
} gpu_req;

/* Every requirement a pip/uv/pipx command installs: its arguments, then
 * the lines of its -r files (nested -r followed) when they are found in the
 * build context, directly or through an earlier COPY of the stage. */
gpu_req *gpu_cmd_reqs(ed_arena *arena, const gpu_model *m, const gpu_cmd *c, size_t *n);

/* A stage's root image facts are about an NVIDIA CUDA image. */
bool gpu_stage_is_cuda(const gpu_stage *s);

#endif
