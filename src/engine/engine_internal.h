/* Internal interfaces between the engine's files. */
#ifndef ENVDOCTOR_ENGINE_INTERNAL_H
#define ENVDOCTOR_ENGINE_INTERNAL_H

#include "envdoctor/engine.h"

/* A file that is not text gets one ED001 finding; true when it was not. */
bool ed_reject_non_text(ed_ctx *ctx);
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
