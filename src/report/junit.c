/* JUnit XML: one testsuite per file, one failing testcase per finding (a
 * clean file: one passing testcase), for CI test-report views. */
#include "envdoctor/report.h"

void rep_junit(FILE *out, const ed_file_result *files, size_t n)
{
    ed_arena *arena = ed_arena_new();
    rep_summary s = rep_count(files, n);
    size_t failures = s.errors + s.warnings + s.info, tests = 0;
    for (size_t i = 0; i < n; i++)
        tests += files[i].nfindings ? files[i].nfindings : 1;
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"env-doctor\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
            tests, failures);
    for (size_t i = 0; i < n; i++) {
        const ed_file_result *r = &files[i];
        fputs("  <testsuite name=\"", out);
        rep_xml_puts(out, r->path);
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
                r->nfindings ? r->nfindings : 1, r->nfindings);
        if (!r->nfindings) {
            fputs("    <testcase name=\"env-doctor\" classname=\"", out);
            rep_xml_puts(out, r->path);
            fputs("\"/>\n", out);
        }
        for (size_t k = 0; k < r->nfindings; k++) {
            const ed_finding *f = &r->findings[k];
            fprintf(out, "    <testcase name=\"%s %s at %u:%u\" classname=\"", f->rule->id,
                    f->rule->name, f->begin.line, f->begin.column);
            rep_xml_puts(out, r->path);
            fputs("\">\n      <failure type=\"", out);
            fputs(ed_severity_name(f->severity), out);
            fputs("\" message=\"", out);
            rep_xml_puts(out, rep_message(arena, f));
            fputs("\">", out);
            rep_xml_puts(out, r->path);
            fprintf(out, ":%u:%u: %s: ", f->begin.line, f->begin.column,
                    ed_severity_name(f->severity));
            rep_xml_puts(out, rep_message(arena, f));
            fprintf(out, " [%s %s]</failure>\n    </testcase>\n", f->rule->id, f->rule->name);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    ed_arena_free(arena);
}
