/* ED001 syntax-error: what the front end could not parse. */
#include "envdoctor/compose.h"
#include "envdoctor/dockerfile.h"
#include "envdoctor/engine.h"

/* Compose: YAML errors (syntax, limits, aliases, duplicate keys, merges) of
 * every file read, and shape errors (a null service, services as a list, a
 * string where a list belongs). */
static void check_compose(ed_ctx *ctx, const cf_compose *c)
{
    /* the flag that raises each limit (see limits.h) */
    static const char *const raise[] = {
        [CF_LIMIT_DEPTH] = " (raise the limit with --max-yaml-depth)",
        [CF_LIMIT_ALIASES] = " (raise the limit with --max-yaml-aliases)",
        [CF_LIMIT_BYTES] = " (raise the limit with --max-file-size)",
    };
    for (size_t i = 0; i < c->nyamls; i++) {
        const cf_yaml *y = c->yamls[i];
        for (size_t k = 0; k < y->nerrors; k++) {
            const cf_error *e = &y->errors[k];
            ed_report(ctx, e->start, e->end, "%s%s", e->message,
                      e->kind == CF_ERR_LIMIT && raise[e->limit] ? raise[e->limit] : "");
        }
    }
    for (size_t i = 0; i < c->nerrors; i++)
        ed_report(ctx, c->errors[i].start, c->errors[i].end, "%s", c->errors[i].message);
}

static void check(ed_ctx *ctx)
{
    if (ctx->compose)
        check_compose(ctx, ctx->compose);
    const df_file *file = ctx->dockerfile;
    if (!file)
        return;
    for (size_t i = 0; i < file->nerrors; i++)
        ed_report(ctx, file->errors[i].span.start, file->errors[i].span.end, "%s",
                  file->errors[i].message);
}

ED_RULE(ed001){
    .id = "ED001",
    .name = "syntax-error",
    .severity = ED_SEV_ERROR,
    .summary = "The file cannot be parsed the way the builder would parse it",
    .kinds = ED_KIND_DOCKERFILE | ED_KIND_COMPOSE | ED_KIND_APPTAINER,
    .check = check,
};
