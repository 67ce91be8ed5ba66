/* The process-wide knowledge base: the tables scripts/compile-knowledge
 * compiled from rules/knowledge/ at build time ($(BUILD)/gen/kb_tables.c,
 * written by kb_emit.c after kb_load and every module's checks passed).
 * Read-only data in the binary: nothing is parsed or allocated at run time,
 * and there is no state to initialise, so any thread may call kb_get. */
#include "kb_internal.h"

const kb *kb_get(void) { return &kb_builtin_tables; }
