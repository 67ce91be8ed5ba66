/* ED206 tensorflow-gpu-deprecated: `tensorflow-gpu` is gone (its last
 * release is a stub that fails to install); `tensorflow` itself has had GPU
 * support on Linux since 2.1. */
#include <string.h>

#include "frameworks_common.h"

/* The package to name instead: the knowledge base's replacement
 * (tensorflow[and-cuda]), or plain tensorflow for a pinned release older
 * than the [and-cuda] extra, which would not exist for it. */
static const char *replacement_name(ed_ctx *ctx, const fw_item *item, const char *instead,
                                    const char **old_version)
{
    fw_versions v = fw_req_versions(ctx, item);
    bool predates = v.exact && kb_tf_needs_and_cuda(ctx->gpu->kb, v.lowest) == KB_NO;
    *old_version = predates ? v.lowest : NULL;
    return predates ? "tensorflow" : instead;
}

static void visit(ed_ctx *ctx, const fw_item *item, void *data)
{
    const kb_wrong_entry *entry = data;
    const sh_req *r = item->r;
    if (strcmp(r->name, "tensorflow-gpu") != 0 || !fw_from_index(r))
        return;
    const char *old_version;
    const char *name = replacement_name(ctx, item, entry->instead, &old_version);
    const char *spec = r->specifier ? r->specifier : "";
    const char *why =
        old_version
            ? ed_arena_printf(ctx->arena, " (%s predates the [and-cuda] extra)", old_version)
            : "";
    ed_finding *f = ed_report_with(ctx, ctx->rule->severity, item->req->span.start,
                                   item->req->span.end, "%s: %s; install %s%s instead%s",
                                   fw_subject(ctx, item), entry->reason, name, spec, why);
    /* extras of tensorflow-gpu would not fit behind tensorflow[and-cuda] */
    if (r->nextras == 0)
        f->fix = fw_fix_name(ctx, item, name,
                             ed_arena_printf(ctx->arena,
                                             "Replace %s with %s (safe: the same TensorFlow code, "
                                             "which has had GPU support since TF 2.1)",
                                             r->raw_name, name));
}

static void check(ed_ctx *ctx)
{
    if (!ctx->gpu)
        return;
    const kb_wrong_entry *entry = kb_wrong_package_find(ctx->gpu->kb, "tensorflow-gpu");
    if (!entry || !entry->instead)
        return; /* the knowledge base says nothing about it */
    fw_each_python_req(ctx, FW_FETCHES, visit, (void *)entry);
}

ED_RULE(ed206){
    .id = "ED206",
    .name = "tensorflow-gpu-deprecated",
    .severity = ED_SEV_WARNING,
    .summary = "tensorflow-gpu is removed (a stub since 2.12): install tensorflow[and-cuda]",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
