/* ED410 obsolete-compose-version: the top-level version: key. Compose v2
 * ignores it (it prints "the attribute `version` is obsolete, it will be
 * ignored, please remove it to avoid potential confusion") and does not
 * choose a schema from it, so `version: "2.3"` no more enables runtime:
 * than `version: "3.8"` disables it. */
#include "compose_common.h"

static void check(ed_ctx *ctx)
{
    const cf_compose *c = ctx->compose;
    if (!c || !c->version)
        return;
    const cf_pair *p = c->version;
    const char *w = compose_written(ctx->arena, ctx->src, p->value, 40);
    ed_finding *f = ed_report_with(
        ctx, ctx->rule->severity, p->key->start, p->key->end,
        "version%s%s is obsolete: Compose v2 ignores it and does not pick a file format from it "
        "(\"the attribute `version` is obsolete, it will be ignored\"); remove it",
        w ? ": " : "", w ? w : "");
    f->fix = compose_remove_pair_lines(ctx, p, "Remove the version: line");
}

ED_RULE(ed410){
    .id = "ED410",
    .name = "obsolete-compose-version",
    .severity = ED_SEV_INFO,
    .summary = "The top-level version: key, which Compose v2 ignores",
    .kinds = ED_KIND_COMPOSE,
    .check = check,
};
