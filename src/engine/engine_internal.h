/* Internal interfaces between the engine's files. */
#ifndef ENVDOCTOR_ENGINE_INTERNAL_H
#define ENVDOCTOR_ENGINE_INTERNAL_H

#include "envdoctor/engine.h"

struct df_file;

/* Why env-doctor does not lint the file, or NULL: larger than the file
 * size limit (src->oversize), not text, or a line longer than the line
 * length limit; *at gets the offset the finding points at. */
const char *ed_unlintable(ed_arena *arena, const ed_source *src, const ed_limits *limits,
                          size_t *at);
/* A file ed_unlintable refuses gets one ED001 finding and nothing else:
 * true when it was refused. */
bool ed_reject_unlintable(ed_ctx *ctx);
/* A parsed Dockerfile (or an Apptainer file's Dockerfile view) with more
 * instructions or heredocs than the limits gets one ED001 finding, at the
 * first one over the limit, and is not linted: true then. `instructions`
 * names them in the message ("instructions", "sections"). */
bool ed_reject_over_limits(ed_ctx *ctx, const struct df_file *file, const char *instructions);
/* Runs every rule that applies to ctx->kind and is not turned off. */
void ed_run_rules(ed_ctx *ctx);

/* Is the rule turned off by the options (ignored_rules, or severity off)? */
bool ed_rule_disabled(const ed_options *options, const ed_rule *rule);
/* The options' rule settings on ctx->findings, after the inline pragmas:
 * drops the findings of rules turned off, sets overridden severities. */
void ed_apply_rule_settings(ed_ctx *ctx);

struct kb;
/* The knowledge base a lint asks: kb_get(), seen through the options'
 * image hints when there are any (a view in the arena). */
const struct kb *ed_knowledge(ed_arena *arena, const ed_options *options);

/* The index (0-based) of the line of offset: the last line that starts at
 * or before it (0 for the bytes of a BOM); a binary search of the index. */
size_t ed_line_at(const ed_source *src, size_t offset);

/* Room for a path in a fixed buffer (longer ones cannot be opened anyway). */
#define ED_PATH_BYTES 4096
/* The absolute, normalised form of path (relative to the current directory):
 * empty and "." segments dropped, ".." applied; symbolic links are not
 * followed. False when it does not fit or the current directory is unknown. */
bool ed_path_absolute(const char *path, char *out, size_t size);

#endif
