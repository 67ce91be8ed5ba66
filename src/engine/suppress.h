/* Inline suppressions: `# env-doctor [global|stage] ignore=RULE,... [-- reason]`
 * comments, applied to a file's findings after the rules ran (and before
 * they are sorted). Stale pragmas (unknown rules, nothing suppressed) become
 * ED003 useless-suppression findings. */
#ifndef ENVDOCTOR_SUPPRESS_H
#define ENVDOCTOR_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/engine.h"

typedef enum ed_pragma_scope {
    ED_PRAGMA_NEXT,   /* ignore=: the instruction or compose key it is attached to */
    ED_PRAGMA_STAGE,  /* stage ignore=: the Dockerfile stage of the FROM below it */
    ED_PRAGMA_GLOBAL, /* global ignore=: the whole file */
} ed_pragma_scope;

/* One name of an ignore= list. */
typedef struct ed_pragma_rule {
    const char *text;    /* the name as written */
    const ed_rule *rule; /* NULL when no rule has that id (any case) or name */
    size_t start, end;   /* where the name is written */
    bool used;           /* it suppressed a finding */
} ed_pragma_rule;

typedef struct ed_pragma {
    ed_pragma_scope scope;
    size_t start, end;     /* the comment, from '#' to the end of its line */
    ed_pragma_rule *rules;
    size_t nrules;
    const char *reason;    /* the text after ` -- `, trimmed; NULL when none */
    /* A pragma that starts `# env-doctor ignore`/`global`/`stage` but is not
     * well formed: why, and where (then rules may be incomplete). */
    const char *malformed;
    size_t bad_start, bad_end;
    /* Filled by the engine: what it covers, [from, to) in source bytes. */
    bool attached;
    const char *unattached_why; /* why not attached (for the ED003 message) */
    size_t from, to;
} ed_pragma;

/* Reads the comment data[start, end) (from its '#'). False when it is not
 * an env-doctor pragma at all; true (with *out filled, allocations in the
 * arena) for a pragma, well formed or not. */
bool ed_pragma_parse(ed_arena *arena, const char *data, size_t start, size_t end,
                     ed_pragma *out);

/* Applies the pragmas of the Dockerfile ctx->dockerfile to ctx->findings. */
void ed_suppress_dockerfile(ed_ctx *ctx);

/* Applies the pragmas of the compose files (the comments of
 * ctx->compose->yamls) to ctx->findings; files[i] starts at base[i] in
 * ctx->src. */
void ed_suppress_compose(ed_ctx *ctx, const ed_source *const *files, const size_t *base,
                         size_t nfiles);

#endif
