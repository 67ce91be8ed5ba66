/* Checkstyle XML, read by Jenkins (warnings-ng), reviewdog and others. */
#include "envdoctor/report.h"

void rep_checkstyle(FILE *out, const ed_file_result *files, size_t n)
{
    ed_arena *arena = ed_arena_new();
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n", out);
    for (size_t i = 0; i < n; i++) {
        fputs("  <file name=\"", out);
        rep_xml_puts(out, files[i].path);
        fputs("\">\n", out);
        for (size_t k = 0; k < files[i].nfindings; k++) {
            const ed_finding *f = &files[i].findings[k];
            fprintf(out, "    <error line=\"%u\" column=\"%u\" severity=\"%s\" message=\"",
                    f->begin.line, f->begin.column, ed_severity_name(f->severity));
            rep_xml_puts(out, rep_message(arena, f));
            fputs("\" source=\"", out);
            rep_xml_puts(out, f->rule->id);
            fputs("\"/>\n", out);
        }
        fputs("  </file>\n", out);
    }
    fputs("</checkstyle>\n", out);
    ed_arena_free(arena);
}
