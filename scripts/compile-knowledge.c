/* Compiles the knowledge base at build time: loads the YAML files of
 * rules/knowledge/ (embedded as text by scripts/embed-knowledge, kb_embedded)
 * with kb_load, so that every check of the loader and of the modules applies,
 * and writes the loaded tables as C source to standard output (kb_emit_c):
 * the build's $(BUILD)/gen/kb_tables.c, which kb_get returns. Malformed
 * data fails the build with "file:line:column: what is wrong". */
#include <stdio.h>

#include "kb_internal.h"

int main(void)
{
    char error[512];
    kb *k = kb_load(kb_embedded, error, sizeof error);
    if (!k) {
        fprintf(stderr, "compile-knowledge: %s\n", error);
        return 1;
    }
    bool ok = kb_emit_c(k, stdout, error, sizeof error);
    kb_free(k);
    if (!ok) {
        fprintf(stderr, "compile-knowledge: %s\n", error[0] ? error : "cannot write the tables");
        return 1;
    }
    if (fflush(stdout) != 0) {
        perror("compile-knowledge");
        return 1;
    }
    return 0;
}
