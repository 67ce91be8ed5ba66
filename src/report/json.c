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

/* The fix: its description, the first edit's replacement (the contract's
 * first form), whether it is safe, and every edit with its range. */
static json_t *fix_json(ed_arena *arena, const ed_source *src, const ed_fix *fix)
{
    json_t *j = json_pack("{s:o, s:o, s:b}", "description", text(arena, fix->description),
                          "replacement", text(arena, fix->replacement ? fix->replacement : ""),
                          "safe", !fix->unsafe);
    if (!src)
        return j;
    json_t *edits = json_array();
    ed_edit all[64];
    size_t n = ed_fix_edits(fix, all, 64);
    for (size_t e = 0; e < n; e++) {
        ed_pos b = ed_source_pos(src, all[e].start), x = ed_source_pos(src, all[e].end);
        json_array_append_new(edits, json_pack("{s:i, s:i, s:i, s:i, s:o}", "line",
                                               (json_int_t)b.line, "column", (json_int_t)b.column,
                                               "end_line", (json_int_t)x.line, "end_column",
                                               (json_int_t)x.column, "replacement",
                                               text(arena, all[e].replacement)));
    }
    json_object_set_new(j, "edits", edits);
    return j;
}

static json_t *finding_json(ed_arena *arena, const ed_source *src, const ed_finding *f)
{
    json_t *fix = f->fix ? fix_json(arena, src, f->fix) : json_null();
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
            json_array_append_new(findings,
                                  finding_json(arena, files[i].src, &files[i].findings[k]));
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
