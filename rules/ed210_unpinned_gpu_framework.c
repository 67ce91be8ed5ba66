/* ED210 unpinned-gpu-framework: a GPU framework installed without a version
 * pin gets whatever release is newest on the day of the build, and with it
 * another CUDA build, driver floor and API. */
#include <string.h>

#include "frameworks_common.h"

static bool is_gpu_framework(const char *name)
{
    static const char *const names[] = {"torch", "torchvision", "torchaudio",
                                        "jax",   "jaxlib",      "tensorflow"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* A constraints file may pin what the command line leaves open; and
 * `uv add` records the resolved version in uv.lock. */
static bool pinned_elsewhere(ed_ctx *ctx, const gpu_cmd *c)
{
    return c->pkg->manager == SH_PM_UV_ADD || c->pkg->nconstraint_files > 0 ||
           gpu_cmd_var(ctx->gpu, c, "PIP_CONSTRAINT") || gpu_cmd_var(ctx->gpu, c, "UV_CONSTRAINT");
}

static void visit(ed_ctx *ctx, const fw_item *item, void *data)
{
    const sh_req *r = item->r;
    if (!item->stage->gpu_intended || !is_gpu_framework(r->name) || !fw_from_index(r) ||
        pinned_elsewhere(ctx, item->cmd) || fw_req_versions(ctx, item).bounded)
        return;
    const char *how = r->specifier ? "has no upper bound" : "is not pinned";
    ed_report(ctx, item->req->span.start, item->req->span.end,
              "%s %s: each rebuild can install a newer release, built for another CUDA and "
              "needing another driver; pin it with ==",
              fw_subject(ctx, item), how);
}

static void check(ed_ctx *ctx)
{
    fw_each_python_req(ctx, FW_INSTALLS, visit, NULL);
}

ED_RULE(ed210){
    .id = "ED210",
    .name = "unpinned-gpu-framework",
    .severity = ED_SEV_INFO,
    .summary = "torch / jax / jaxlib / tensorflow installed without a version pin in a GPU stage",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
