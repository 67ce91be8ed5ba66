/* Reporters: one per output format. They print findings; they know no rule. */
#ifndef ENVDOCTOR_REPORT_H
#define ENVDOCTOR_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "envdoctor/engine.h"

typedef struct rep_summary {
    size_t files, errors, warnings, info;
} rep_summary;

rep_summary rep_count(const ed_file_result *files, size_t n);

/* `path:line:column: severity: message [ED123 name]`, one line per finding. */
void rep_text(FILE *out, const ed_file_result *files, size_t n, bool color);
/* The human summary line (written to stderr by the CLI). */
void rep_text_summary(FILE *out, const ed_file_result *files, size_t n, bool color);

/* The JSON report (docs/json-output.md, docs/schema/report.schema.json). */
void rep_json(FILE *out, const ed_file_result *files, size_t n);

/* Base of the rule documentation links (help_uri). */
#define ED_DOCS_URL "https://github.com/env-doctor/env-doctor/blob/main/rules/"

#endif
