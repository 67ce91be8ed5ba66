/* SARIF 2.1.0, for GitHub code scanning and other SARIF viewers. */
#include <jansson.h>
#include <string.h>

#include "envdoctor/report.h"
#include "envdoctor/utf8.h"

static json_t *text(ed_arena *arena, const char *s)
{
    return json_string(ed_utf8_sanitize(arena, s ? s : ""));
}

static json_t *message(ed_arena *arena, const char *s)
{
    return json_pack("{s:o}", "text", text(arena, s));
}

/* The path as given, as a URI reference: a relative path stays relative, an
 * absolute one becomes a file URI (a relative reference must not begin with
 * a slash: it would not combine with a uriBaseId). Bytes that may not appear
 * in one are percent-encoded (UTF-8 bytes included, so any path round-trips),
 * and so is ':', which in a relative reference's first segment would read as
 * a URI scheme. */
static json_t *uri(ed_arena *arena, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(path);
    char *out = ed_arena_alloc(arena, len * 3 + sizeof "file://"), *o = out;
    if (path[0] == '/') {
        memcpy(o, "file://", 7);
        o += 7;
    }
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f || strchr("%\"<>\\^`{|}#?[]:", *p)) {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        } else {
            *o++ = (char)*p;
        }
    }
    *o = '\0';
    return json_string(out);
}

static const char *level(ed_severity s)
{
    return s == ED_SEV_ERROR ? "error" : s == ED_SEV_WARNING ? "warning" : "note";
}

static json_t *region(ed_pos begin, ed_pos finish)
{
    return json_pack("{s:i, s:i, s:i, s:i}", "startLine", (json_int_t)begin.line, "startColumn",
                     (json_int_t)begin.column, "endLine", (json_int_t)finish.line, "endColumn",
                     (json_int_t)finish.column);
}

static json_t *rule_json(ed_arena *arena, const ed_rule *rule)
{
    char help[256];
    snprintf(help, sizeof help, "%s%s.md", ED_DOCS_URL, rule->id);
    json_t *r = json_pack("{s:s, s:s, s:o, s:o, s:s, s:{s:s}}", "id", rule->id, "name", rule->name,
                          "shortDescription", message(arena, rule->summary), "fullDescription",
                          message(arena, rule->summary), "helpUri", help,
                          "defaultConfiguration", "level", level(rule->severity));
    const char *doc = ed_rule_doc(rule);
    if (doc)
        json_object_set_new(r, "help", json_pack("{s:o, s:o}", "text", text(arena, doc),
                                                 "markdown", text(arena, doc)));
    return r;
}

static json_t *fix_json(ed_arena *arena, const ed_file_result *file, const ed_fix *fix)
{
    json_t *replacements = json_array();
    ed_edit all[64];
    size_t n = ed_fix_edits(fix, all, 64);
    for (size_t e = 0; e < n; e++) {
        ed_pos begin = ed_source_pos(file->src, all[e].start);
        ed_pos finish = ed_source_pos(file->src, all[e].end);
        json_array_append_new(replacements,
                              json_pack("{s:o, s:{s:o}}", "deletedRegion", region(begin, finish),
                                        "insertedContent", "text",
                                        text(arena, all[e].replacement)));
    }
    /* SARIF has no safety flag: a property, as env-doctor's own JSON has it */
    return json_pack("{s:o, s:[{s:{s:o}, s:o}], s:{s:b}}", "description",
                     message(arena, fix->description), "artifactChanges", "artifactLocation",
                     "uri", uri(arena, file->path), "replacements", replacements, "properties",
                     "safe", !fix->unsafe);
}

void rep_sarif(FILE *out, const ed_file_result *files, size_t n)
{
    ed_arena *arena = ed_arena_new();
    json_t *rules = json_array(), *results = json_array();
    const ed_rule **seen = NULL;
    size_t nseen = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < files[i].nfindings; k++) {
            const ed_finding *f = &files[i].findings[k];
            size_t index = 0;
            while (index < nseen && seen[index] != f->rule)
                index++;
            if (index == nseen) {
                seen = ed_arena_push(arena, seen, nseen, sizeof *seen);
                seen[nseen++] = f->rule;
                json_array_append_new(rules, rule_json(arena, f->rule));
            }
            json_t *location = json_pack("{s:{s:{s:o}, s:o}}", "physicalLocation",
                                         "artifactLocation", "uri", uri(arena, files[i].path),
                                         "region", region(f->begin, f->finish));
            json_t *result = json_pack("{s:s, s:i, s:s, s:o, s:[o]}", "ruleId", f->rule->id,
                                       "ruleIndex", (json_int_t)index, "level", level(f->severity),
                                       "message", message(arena, rep_message(arena, f)),
                                       "locations", location);
            if (f->ncombinations) /* also as data, for tools that read properties */
                json_object_set_new(result, "properties",
                                    json_pack("{s:o}", "buildArgs",
                                              rep_combinations_json(arena, f)));
            if (f->fix && files[i].src)
                json_object_set_new(result, "fixes",
                                    json_pack("[o]", fix_json(arena, &files[i], f->fix)));
            json_array_append_new(results, result);
        }
    json_t *root = json_pack(
        "{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:s, s:o}]}", "$schema",
        "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool",
        "driver", "name", "env-doctor", "version", ED_VERSION, "informationUri",
        "https://github.com/env-doctor/env-doctor", "rules", rules, "columnKind",
        "unicodeCodePoints", "results", results);
    json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    fputc('\n', out);
    json_decref(root);
    ed_arena_free(arena);
}
