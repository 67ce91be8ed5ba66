/* ED205 torch-version-not-on-index: `torch==X.Y.Z` pinned together with a
 * CUDA build PyTorch never published for that release (torch==2.1.0 from
 * the cu124 index, torch==2.1.0+cu124). pip then fails to find it, or, with
 * an extra index, quietly takes PyPI's build. Only torch: the knowledge
 * base has no build table for torchvision and torchaudio. Silent whenever
 * the knowledge base cannot say "never published". */
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/gpu.h"
#include "torch_common.h"

/* The index-like sources that choose the CUDA build of an unlabelled pin. */
static bool chooses_build(const torch_source *src)
{
    bool index = src->origin == TORCH_FROM_OPTION || src->origin == TORCH_FROM_VARIABLE ||
                 src->origin == TORCH_FROM_FILE || src->origin == TORCH_FROM_BACKEND;
    return index && src->torch.kind == KB_INDEX_CUDA && !src->torch.nightly && !src->torch.test;
}

/* The first CUDA index the version is missing from, when it is missing
 * from every CUDA index the command uses; NULL otherwise. */
static const torch_source *missing_everywhere(ed_ctx *ctx, const torch_cmd *t,
                                              const char *version)
{
    const torch_source *first = NULL;
    for (size_t i = 0; i < t->nsources; i++) {
        const torch_source *src = &t->sources[i];
        if (!chooses_build(src))
            continue;
        if (kb_torch_has_build(ctx->gpu->kb, version, src->torch.suffix) != KB_NO)
            return NULL;
        if (!first)
            first = src;
    }
    return first;
}

/* "2.1" of "2.1.0": the release line the build table is about. */
static const char *release_line(ed_ctx *ctx, const char *version)
{
    size_t major = strcspn(version, ".");
    if (!version[major])
        return version;
    size_t minor = strspn(version + major + 1, "0123456789");
    return ed_arena_strndup(ctx->arena, version, major + 1 + minor);
}

/* "torch 2.1.0" or "torch 2.1.0 (requirements.txt:3)". */
static const char *pinned_name(ed_ctx *ctx, const gpu_req *r, const char *version)
{
    if (!r->file)
        return ed_arena_printf(ctx->arena, "torch %s", version);
    return ed_arena_printf(ctx->arena, "torch %s %s", version,
                           strchr(torch_req_label(ctx, r), '('));
}

static void check_req(ed_ctx *ctx, const torch_cmd *t, const gpu_req *r)
{
    const char *pinned = r->req->pinned;
    if (strcmp(r->req->name, "torch") != 0 || !pinned || r->req->url || r->req->is_local)
        return;
    const char *version = torch_plain_version(ctx, pinned);
    kb_torch_index label;
    const char *problem;
    if (kb_torch_local_label(pinned, &label)) {
        if (kb_torch_has_build(ctx->gpu->kb, version, label.suffix) != KB_NO)
            return;
        problem = ed_arena_printf(ctx->arena, "%s was never published",
                                  pinned_name(ctx, r, pinned));
    } else {
        const torch_source *src = missing_everywhere(ctx, t, version);
        if (!src)
            return;
        const char *name = pinned_name(ctx, r, version), *what = torch_source_what(ctx, src);
        problem = src->origin == TORCH_FROM_BACKEND
                      ? ed_arena_printf(ctx->arena, "%s has no %s build, which %s asks for", name,
                                        src->torch.suffix, what)
                      : ed_arena_printf(ctx->arena, "%s is not on %s", name, what);
    }
    const char *builds = torch_builds_text(ctx, version);
    ed_report(ctx, r->span.start, r->span.end, "%s%s: PyTorch built torch %s for %s only",
              torch_prefix(t->cmd), problem, release_line(ctx, version),
              builds ? builds : "other CUDA versions");
}

static void check_cmd(ed_ctx *ctx, const torch_cmd *t)
{
    for (size_t i = 0; i < t->nreqs; i++)
        check_req(ctx, t, &t->reqs[i]);
}

static void check(ed_ctx *ctx)
{
    torch_each_cmd(ctx, check_cmd);
}

ED_RULE(ed205){
    .id = "ED205",
    .name = "torch-version-not-on-index",
    .severity = ED_SEV_ERROR,
    .summary = "A pinned torch version that the chosen CUDA index never published",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
