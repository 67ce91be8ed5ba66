/* Shared reading for the torch rules (ED201-ED205): which pip/uv commands
 * install the torch family, and every place such a command can get its
 * PyTorch build from (the GPU model's indexes: options, PIP_/UV_ variables,
 * requirements-file option lines; +cuXYZ labels, uv's torch backend, direct
 * wheel URLs), each with the exact token a finding points at. */
#ifndef ENVDOCTOR_TORCH_COMMON_H
#define ENVDOCTOR_TORCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "envdoctor/kb.h"

/* Where a command's PyTorch build (or index) comes from. */
typedef enum torch_origin {
    TORCH_FROM_OPTION,   /* -i/--index-url, --extra-index-url, -f of the command */
    TORCH_FROM_VARIABLE, /* PIP_INDEX_URL, UV_EXTRA_INDEX_URL, ... */
    TORCH_FROM_FILE,     /* an option line of a requirements file */
    TORCH_FROM_LABEL,    /* a pinned local version label: torch==2.1.0+cu121 */
    TORCH_FROM_BACKEND,  /* uv --torch-backend / UV_TORCH_BACKEND */
    TORCH_FROM_URL,      /* a direct wheel URL: "torch @ https://download.pytorch.org/..." */
} torch_origin;

typedef struct torch_source {
    torch_origin origin;
    kb_torch_index torch;  /* kind NONE: an index that is not PyTorch's */
    const char *url;       /* the index URL (expanded), or NULL for labels and backends */
    bool extra;            /* an extra index (pip searches PyPI as well) */
    bool find_links;       /* -f / --find-links / PIP_FIND_LINKS */
    const char *variable;  /* TORCH_FROM_VARIABLE, or a backend from UV_TORCH_BACKEND */
    const char *file;      /* TORCH_FROM_FILE: the file, relative to the build context */
    const gpu_req *req;    /* TORCH_FROM_LABEL / TORCH_FROM_URL */
    const sh_word *word;   /* the option value word (TORCH_FROM_OPTION, option backends) */
    const char *option;    /* TORCH_FROM_OPTION: the option as written ("--extra-index-url");
                              TORCH_FROM_VARIABLE: the variable's name where it is set, if
                              written there; else NULL (see gpu_index.option) */
    df_span option_span;   /* ... and where it is */
    df_span span;          /* the token a finding points at */
} torch_source;

/* A pip / uv command that installs (or downloads, or builds wheels of) at
 * least one torch-family package. */
typedef struct torch_cmd {
    const gpu_stage *stage;
    const gpu_cmd *cmd;
    gpu_req *reqs;             /* everything it installs, requirements files included */
    size_t nreqs;
    const gpu_req *first;      /* first torch-family requirement taken from an index, or NULL */
    const char *torch_version; /* the version `torch` is pinned to (label kept), or NULL */
    torch_source *sources;
    size_t nsources;
    bool no_index;             /* --no-index (command or requirements file) */
    bool uv;                   /* uv pip / uv add rather than pip */
} torch_cmd;

/* Reads command c of stage s; false when it installs no torch-family package. */
bool torch_cmd_read(ed_ctx *ctx, const gpu_stage *s, const gpu_cmd *c, torch_cmd *out);

/* Calls check(ctx, &cmd) for every torch command of every stage. */
void torch_each_cmd(ed_ctx *ctx, void (*check)(ed_ctx *ctx, const torch_cmd *cmd));

/* "torch" or "torch (requirements.txt:3)" for messages. */
const char *torch_req_label(ed_ctx *ctx, const gpu_req *r);
/* "ONBUILD: " for commands run by child images, else "". */
const char *torch_prefix(const gpu_cmd *c);
/* "12.4.1" / "12.1": a CUDA version for messages, in the arena. */
const char *torch_version_text(ed_ctx *ctx, kb_version v);

/* A version without its local label: "2.1.0+cu121" -> "2.1.0". */
const char *torch_plain_version(ed_ctx *ctx, const char *version);
/* The CUDA builds PyTorch published for a torch version, "cu118, cu121";
 * NULL when the knowledge base does not know them. */
const char *torch_builds_text(ed_ctx *ctx, const char *torch_version);

/* Where a source came from, for messages: "the cu118 index", "the cu118
 * index in PIP_INDEX_URL", "the cu118 index in requirements.txt", "uv's
 * --torch-backend=cu118", "UV_TORCH_BACKEND=cu118", "the cu118 wheel URL". */
const char *torch_source_what(ed_ctx *ctx, const torch_source *src);

/* The best cuXYZ for an image's CUDA: the newest suffix with the same major
 * and a minor <= the image's, among the builds of torch_version when the
 * knowledge base knows them; NULL when there is none. */
const char *torch_best_suffix(const kb *k, kb_version cuda, const char *torch_version);

/* A fix that replaces `old_suffix` inside the source bytes of span with
 * new_suffix; NULL when the suffix is not written there literally (it came
 * from a variable) or the source is a nightly/test index. */
ed_fix *torch_suffix_fix(ed_ctx *ctx, const torch_source *src, const char *new_suffix,
                         const char *description);

/* A finding of the running rule at exactly this span exists already (an
 * ENV index shared by several commands is reported once). */
bool torch_reported(const ed_ctx *ctx, df_span span);

#endif
