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
/* The same, each finding followed by its source line with carets under
 * the token, and the fix when the rule knows one (--show-source). */
void rep_text_source(FILE *out, const ed_file_result *files, size_t n, bool color);
/* The human summary line (written to stderr by the CLI). */
void rep_text_summary(FILE *out, const ed_file_result *files, size_t n, bool color);

/* The JSON report (docs/json-output.md, docs/schema/report.schema.json). */
void rep_json(FILE *out, const ed_file_result *files, size_t n);

/* The output formats (--format). */
typedef enum rep_format {
    REP_TEXT,
    REP_JSON,
    REP_SARIF,
    REP_GITHUB,
    REP_GNU,
    REP_CHECKSTYLE,
    REP_JUNIT,
    REP_CODECLIMATE,
} rep_format;

/* "text", "json", ... ; NULL-terminated, indexed by rep_format. */
extern const char *const rep_format_names[];
/* false when name is no format. */
bool rep_format_parse(const char *name, rep_format *out);

/* SARIF 2.1.0 (one run; rules for every rule with a result; columns in
 * Unicode code points, run.columnKind "unicodeCodePoints"; fixes converted
 * to line/column through each file's source). */
void rep_sarif(FILE *out, const ed_file_result *files, size_t n);
/* GitHub Actions workflow commands: `::error file=P,line=L,col=C,endLine=..,
 * endColumn=..,title=ED201 name::message`; info findings are `::notice`. */
void rep_github(FILE *out, const ed_file_result *files, size_t n);
/* GNU: `path:line.col-endline.endcol: severity: message [ED201]`. Control
 * characters in paths and messages are shown as spaces. */
void rep_gnu(FILE *out, const ed_file_result *files, size_t n);
/* Checkstyle XML: one <file> per linted file (also clean ones), <error>
 * with severity error|warning|info and source = the rule id. */
void rep_checkstyle(FILE *out, const ed_file_result *files, size_t n);
/* JUnit XML: one <testsuite> per file; one failing <testcase> per finding,
 * or one passing <testcase> for a clean file. */
void rep_junit(FILE *out, const ed_file_result *files, size_t n);
/* GitLab Code Quality (Code Climate issues, a JSON array). Severity:
 * error -> "critical", warning -> "major", info -> "info". The fingerprint
 * is FNV-1a 64 (16 hex digits) of the path, the rule id, the offending
 * source text and its occurrence index among the file's findings of that
 * rule with that text: it stays the same when lines are added above. */
void rep_codeclimate(FILE *out, const ed_file_result *files, size_t n);
/* The fingerprint rep_codeclimate gives files[i].findings[k]. */
void rep_fingerprint(const ed_file_result *file, size_t k, char hex[17]);

/* Writes a report in the given format (the text format without summary). */
void rep_write(FILE *out, rep_format format, const ed_file_result *files, size_t n, bool color);
/* rep_write, with source excerpts for the text format (--show-source). */
void rep_write_source(FILE *out, rep_format format, const ed_file_result *files, size_t n,
                      bool color, bool show_source);

/* XML text: the string escaped for element content and attribute values
 * (& < > " ' and line breaks as references), invalid UTF-8 and the control
 * characters XML 1.0 forbids shown as U+FFFD. */
void rep_xml_puts(FILE *out, const char *s);

/* Writes a unified diff of a file's text before and after (`--- a/PATH`,
 * `+++ b/PATH`, hunks with three lines of context), as `patch -p1`
 * applies it; nothing when the texts are equal. */
void rep_unified_diff(FILE *out, const char *path, const char *before, size_t before_len,
                      const char *after, size_t after_len);

/* A finding linted over a build-argument matrix names the combinations it
 * occurs in: " [CUDA=12.8.0 PY=3.11; CUDA=12.9.0 PY=3.11]", or "" when it
 * has none (rep_combinations). The formats whose findings are one message
 * append it to the message (rep_message); json and sarif carry it as data
 * (rep_combinations_json: [{"CUDA": "12.8.0", ...}, ...]). */
const char *rep_combinations(ed_arena *arena, const ed_finding *f);
const char *rep_message(ed_arena *arena, const ed_finding *f);
struct json_t;
struct json_t *rep_combinations_json(ed_arena *arena, const ed_finding *f);

/* Base of the rule documentation links (help_uri). */
#define ED_DOCS_URL "https://github.com/env-doctor/env-doctor/blob/main/rules/"

#endif
