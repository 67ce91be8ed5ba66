/* GitHub Actions workflow commands: annotations on the pull request. */
#include <string.h>

#include "envdoctor/report.h"
#include "envdoctor/utf8.h"

/* GitHub's escaping: % CR LF everywhere, and , : in property values. */
static void put_escaped(FILE *out, ed_arena *arena, const char *s, bool property)
{
    for (const char *p = ed_utf8_sanitize(arena, s ? s : ""); *p; p++) {
        if (*p == '%')
            fputs("%25", out);
        else if (*p == '\r')
            fputs("%0D", out);
        else if (*p == '\n')
            fputs("%0A", out);
        else if (property && *p == ':')
            fputs("%3A", out);
        else if (property && *p == ',')
            fputs("%2C", out);
        else
            fputc(*p, out);
    }
}

void rep_github(FILE *out, const ed_file_result *files, size_t n)
{
    ed_arena *arena = ed_arena_new();
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < files[i].nfindings; k++) {
            const ed_finding *f = &files[i].findings[k];
            const char *cmd = f->severity == ED_SEV_ERROR     ? "error"
                              : f->severity == ED_SEV_WARNING ? "warning"
                                                              : "notice";
            fprintf(out, "::%s file=", cmd);
            put_escaped(out, arena, files[i].path, true);
            fprintf(out, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=", f->begin.line,
                    f->begin.column, f->finish.line, f->finish.column);
            put_escaped(out, arena, ed_arena_printf(arena, "%s %s", f->rule->id, f->rule->name), true);
            fputs("::", out);
            put_escaped(out, arena, rep_message(arena, f), false);
            fputc('\n', out);
        }
    ed_arena_free(arena);
}
