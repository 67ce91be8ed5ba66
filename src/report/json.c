/* The JSON format: a stable contract (docs/json-output.md). */
#include <jansson.h>

#include "envdoctor/report.h"
#include "envdoctor/utf8.h"

/* jansson accepts only valid UTF-8; file names and messages quoting the
 * input may hold anything. */
static json_t *text(ed_arena *arena, const char *s)
{
    return json_string(ed_utf8_sanitize(arena, s));
}

static json_t *finding_json(ed_arena *arena, const ed_finding *f)
{
    json_t *fix = json_null();
    if (f->fix)
        fix = json_pack("{s:o, s:o}", "description", text(arena, f->fix->description),
                        "replacement", text(arena, f->fix->replacement));
    char uri[256];
    snprintf(uri, sizeof uri, "%s%s.md", ED_DOCS_URL, f->rule->id);
    json_t *j = json_pack("{s:s, s:s, s:s, s:o, s:i, s:i, s:i, s:i, s:s, s:o}", "rule",
                          f->rule->id, "name", f->rule->name, "severity",
                          ed_severity_name(f->severity), "message", text(arena, f->message),
                          "line", (json_int_t)f->begin.line, "column",
                          (json_int_t)f->begin.column, "end_line", (json_int_t)f->finish.line,
                          "end_column", (json_int_t)f->finish.column, "help_uri", uri, "fix", fix);
    if (f->ncombinations)
        json_object_set_new(j, "build_args", rep_combinations_json(arena, f));
    return j;
}

void rep_json(FILE *out, const ed_file_result *files, size_t n)
{
    ed_arena *arena = ed_arena_new();
    json_t *jfiles = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *findings = json_array();
        for (size_t k = 0; k < files[i].nfindings; k++)
            json_array_append_new(findings, finding_json(arena, &files[i].findings[k]));
        json_array_append_new(jfiles, json_pack("{s:o, s:s, s:o}", "path", text(arena, files[i].path), "kind",
                                                ed_kind_name(files[i].kind), "findings", findings));
    }
    rep_summary s = rep_count(files, n);
    json_t *root = json_pack(
        "{s:i, s:{s:s, s:s}, s:o, s:{s:i, s:i, s:i, s:i}}", "schema_version", 1, "tool", "name",
        "env-doctor", "version", ED_VERSION, "files", jfiles, "summary", "files", (json_int_t)s.files,
        "errors", (json_int_t)s.errors, "warnings", (json_int_t)s.warnings, "info",
        (json_int_t)s.info);
    json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    fputc('\n', out);
    json_decref(root);
    ed_arena_free(arena);
}
