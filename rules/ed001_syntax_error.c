/* ED001 syntax-error: what the front end could not parse. */
#include "envdoctor/dockerfile.h"
#include "envdoctor/engine.h"

static void check(ed_ctx *ctx)
{
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
