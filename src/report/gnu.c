/* The GNU Coding Standards' error message format:
 * `path:line.col-endline.endcol: severity: message [ED201]`. */
#include "envdoctor/report.h"
#include "envdoctor/utf8.h"

/* One line per finding: control characters become spaces. */
static void put_line_safe(FILE *out, ed_arena *arena, const char *s)
{
    for (const char *p = ed_utf8_sanitize(arena, s ? s : ""); *p; p++)
        fputc((unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p, out);
}

void rep_gnu(FILE *out, const ed_file_result *files, size_t n)
{
    ed_arena *arena = ed_arena_new();
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < files[i].nfindings; k++) {
            const ed_finding *f = &files[i].findings[k];
            put_line_safe(out, arena, files[i].path);
            fprintf(out, ":%u.%u-%u.%u: %s: ", f->begin.line, f->begin.column, f->finish.line,
                    f->finish.column, ed_severity_name(f->severity));
            put_line_safe(out, arena, rep_message(arena, f));
            fprintf(out, " [%s]\n", f->rule->id);
        }
    ed_arena_free(arena);
}
