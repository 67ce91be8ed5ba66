/* ED211 wrong-gpu-package: package names that are not the GPU library
 * people mean (PyPI `apex`), are gone, frozen, CPU-only builds, or not on
 * PyPI at all; the table is rules/knowledge/wrong-packages.yaml. */
#include <string.h>

#include "frameworks_common.h"

/* A plain PEP 508 name: a rename the fix can write. */
static bool plain_name(const char *text)
{
    if (!text || !*text)
        return false;
    for (const char *p = text; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
            return false;
    return true;
}

static bool is_pypi(const char *url)
{
    return strstr(url, "pypi.org") != NULL || strstr(url, "pythonhosted.org") != NULL;
}

/* The name may mean something else where the command looks: a primary
 * index that replaces PyPI, or, for names PyPI does not have, any other
 * index or find-links page that could hold them. */
static bool other_source(ed_ctx *ctx, const fw_item *item, kb_wrong_kind kind)
{
    size_t n;
    const gpu_index *ix = gpu_cmd_indexes(ctx->arena, ctx->gpu, item->cmd, &n);
    for (size_t i = 0; i < n; i++) {
        if (ix[i].torch.kind != KB_INDEX_NONE || is_pypi(ix[i].url))
            continue;
        bool primary = !ix[i].extra && !ix[i].find_links;
        if (primary || kind == KB_WRONG_NOT_ON_PYPI)
            return true;
    }
    return false;
}

/* Frozen packages still install and work: a warning. The rest fail, or
 * install something else than meant: an error. */
static ed_severity severity_of(const kb_wrong_entry *entry)
{
    return entry->kind == KB_WRONG_DEPRECATED ? ED_SEV_WARNING : ED_SEV_ERROR;
}

/* A wrong or removed name is a rename (safe); a successor of a frozen
 * project has its own versions and API (a judgement). */
static const char *fix_description(ed_ctx *ctx, const sh_req *r, const kb_wrong_entry *entry)
{
    bool rename = entry->kind == KB_WRONG_NAME || entry->kind == KB_WRONG_REMOVED;
    return ed_arena_printf(ctx->arena, "Replace %s with %s (%s)", r->raw_name, entry->instead,
                           rename ? "safe: the name of the package meant"
                                  : "unsafe, a judgement: the successor has its own releases; "
                                    "check the version you get");
}

static void visit(ed_ctx *ctx, const fw_item *item, void *data)
{
    const sh_req *r = item->r;
    /* tensorflow-gpu is ED206's, so one mistake gets one finding */
    if (!fw_from_index(r) || strcmp(r->name, "tensorflow-gpu") == 0)
        return;
    const kb_wrong_entry *entry = kb_wrong_package_find(ctx->gpu->kb, r->name);
    if (!entry || (entry->kind == KB_WRONG_CPU_ONLY && !item->stage->gpu_intended) ||
        other_source(ctx, item, entry->kind))
        return;
    const char *instead = "";
    if (plain_name(entry->instead))
        instead = ed_arena_printf(ctx->arena, "; use %s instead", entry->instead);
    else if (entry->instead) /* a description or a command */
        instead = ed_arena_printf(ctx->arena, "; instead: %s", entry->instead);
    ed_finding *f =
        ed_report_with(ctx, severity_of(entry), item->req->span.start, item->req->span.end,
                       "%s: %s%s", fw_subject(ctx, item), entry->reason, instead);
    /* a rename only: versions and extras of one project mean nothing for another */
    if (plain_name(entry->instead) && !r->specifier && r->nextras == 0) {
        ed_fix *fix = fw_fix_name(ctx, item, entry->instead, fix_description(ctx, r, entry));
        if (fix)
            fix->unsafe = entry->kind != KB_WRONG_NAME && entry->kind != KB_WRONG_REMOVED;
        f->fix = fix;
    }
}

static void check(ed_ctx *ctx)
{
    fw_each_python_req(ctx, FW_FETCHES, visit, NULL);
}

ED_RULE(ed211){
    .id = "ED211",
    .name = "wrong-gpu-package",
    .severity = ED_SEV_ERROR,
    .summary = "A package name that is not the GPU library meant (PyPI apex), removed, frozen or "
               "not on PyPI",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_APPTAINER,
    .check = check,
};
