/* Shared helpers of the framework rules (ED206-ED211): walking the Python
 * requirements each stage installs, describing where one comes from, what
 * its version specifier allows, and rewriting its name as a fix. */
#ifndef ENVDOCTOR_RULES_FRAMEWORKS_COMMON_H
#define ENVDOCTOR_RULES_FRAMEWORKS_COMMON_H

#include <stdbool.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"

/* One requirement of one package-manager command of a stage. */
typedef struct fw_item {
    const gpu_stage *stage;
    const gpu_cmd *cmd;
    const gpu_req *req; /* where it is written (a -r file line or the command) */
    const sh_req *r;    /* req->req: name, extras, specifier */
} fw_item;

typedef enum fw_scope {
    FW_INSTALLS, /* commands that install into the image (install, sync, add, inject) */
    FW_FETCHES,  /* those and `pip download` / `pip wheel`: the package is fetched */
} fw_scope;

typedef void (*fw_visit)(ed_ctx *ctx, const fw_item *item, void *data);
typedef bool (*fw_test)(ed_ctx *ctx, const fw_item *item, void *data);

/* Calls visit for every requirement of every pip / uv pip / uv add / pipx
 * command in scope, stage by stage, requirements files included. */
void fw_each_python_req(ed_ctx *ctx, fw_scope scope, fw_visit visit, void *data);

/* fw_chain_installs's answers so far, per stage, for one test: a rule asks
 * for each requirement it visits, and scanning the chain each time made a
 * stage of n installs cost n squared. Zero-initialise it before the first
 * use (one per rule run and test). */
typedef struct fw_chain_cache {
    signed char *answers; /* per stage: 0 not known yet, 1 yes, -1 no */
} fw_chain_cache;

/* Does any install command (any package manager) of the stage or of the
 * stages its FROM chain builds on pass the test (called with NULL data)?
 * ONBUILD triggers count: erring toward "yes" keeps the rules silent. */
bool fw_chain_installs(ed_ctx *ctx, const gpu_stage *stage, fw_test test, fw_chain_cache *cache);

/* The package comes from an index by name, not from a URL, VCS link or a
 * local path / file (custom builds are not judged). */
bool fw_from_index(const sh_req *r);
/* The requirement lists this extra (PEP 685 comparison: cuda12_local ==
 * cuda12-local). */
bool fw_has_extra(const sh_req *r, const char *extra);
/* The index of the command in its stage's cmds (for gpu_stage_has_nvcc). */
size_t fw_cmd_index(const fw_item *item);

/* "tensorflow[and-cuda]==2.15.0": the requirement for messages. */
const char *fw_display(ed_arena *arena, const sh_req *r);
/* The requirement and where it is written, to start a message:
 * "torch==2.5.1", "torch==2.5.1 (requirements.txt:3)", "torch in an
 * ONBUILD trigger". */
const char *fw_subject(ed_ctx *ctx, const fw_item *item);
/* Why the stage is meant for a GPU, as a clause: "it is built on a CUDA image". */
const char *fw_intent(ed_arena *arena, const gpu_stage *stage);

/* What a version specifier lets pip choose, for facts that hold from some
 * version on: pip takes the newest release the specifier allows. */
typedef struct fw_versions {
    bool bounded;       /* an upper bound (==, ===, ~=, <, <=): not simply the newest */
    bool exact;         /* one version: ==X or ===X without a wildcard */
    const char *lowest; /* the lowest version allowed (==X, ==X.*, ~=X, >=X, >X), or NULL */
} fw_versions;

/* Reads r's specifier, $VARs expanded as the command sees them. */
fw_versions fw_req_versions(ed_ctx *ctx, const fw_item *item);

/* Does a fact that holds from some version on (answered by `fact` for one
 * version, NULL meaning the newest release) hold for the version pip
 * picks? The newest when nothing bounds it from above, the pinned version
 * when exact, yes when even the lowest allowed version has it; otherwise
 * KB_UNKNOWN (the specifier leaves it open). */
typedef kb_tri (*fw_version_fact)(ed_ctx *ctx, const char *version, const void *data);
kb_tri fw_picked_version_has(ed_ctx *ctx, const fw_item *item, fw_version_fact fact,
                             const void *data);

/* "0.4.26.post1" -> 0.4.26: the leading numbers of a version; false when
 * there are none. */
bool fw_version_prefix(const char *text, kb_version *out);

/* Is `version` (NULL: the newest release) `threshold` or later? Absent
 * parts count as 0 (jax==0.6 is 0.6.0); KB_UNKNOWN when either does not
 * read as a version. */
kb_tri fw_version_reached(const char *version, const char *threshold);

/* The jax extra whose pip wheels bring CUDA `cuda_major` ("cuda12",
 * "cuda13"), or NULL when the knowledge base has none. */
const char *fw_jax_wheel_extra(ed_ctx *ctx, int cuda_major);

/* A fix that writes `name` in place of the requirement's name token. When
 * the new name holds shell glob characters ([and-cuda]) and the word is not
 * quoted, the whole word is rewritten inside double quotes. NULL unless
 * the token is the name as written (a requirements-file line is in another
 * file; a #egg= fragment is no name token). */
ed_fix *fw_fix_name(ed_ctx *ctx, const fw_item *item, const char *name, const char *description);

#endif
