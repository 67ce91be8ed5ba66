/* Internal interfaces between the engine's files. */
#ifndef ENVDOCTOR_ENGINE_INTERNAL_H
#define ENVDOCTOR_ENGINE_INTERNAL_H

#include "envdoctor/engine.h"

/* A file that is not text gets one ED001 finding; true when it was not. */
bool ed_reject_non_text(ed_ctx *ctx);
/* Runs every rule that applies to ctx->kind. */
void ed_run_rules(ed_ctx *ctx);

#endif
