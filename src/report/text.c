/* The text format, for people and for editors that parse `file:line:col:`. */
#include <string.h>

#include "envdoctor/buf.h"
#include "envdoctor/report.h"
#include "envdoctor/utf8.h"

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RED "\033[1;31m"
#define YELLOW "\033[1;33m"
#define CYAN "\033[1;36m"
#define RESET "\033[0m"

static const char *severity_color(ed_severity s)
{
    return s == ED_SEV_ERROR ? RED : s == ED_SEV_WARNING ? YELLOW : CYAN;
}

/* Text from a file as the terminal may show it: an invalid UTF-8 byte or
 * a control character (an escape sequence in a file must not reach the
 * terminal) becomes U+FFFD; tabs stay. */
static const char *clean(ed_arena *arena, const char *s, size_t len)
{
    ed_buf buf = ED_BUF_INIT;
    for (size_t i = 0; i < len;) {
        size_t width;
        unsigned ch = ed_utf8_decode(s + i, len - i, &width);
        if ((ch == 0xFFFD && width < 3) || (ch < 0x20 && ch != '\t') || ch == 0x7F ||
            (ch >= 0x80 && ch < 0xA0))
            ed_buf_adds(&buf, "\xEF\xBF\xBD");
        else
            ed_buf_add(&buf, s + i, width);
        i += width;
    }
    const char *copy = ed_buf_to_arena(&buf, arena);
    ed_buf_free(&buf);
    return copy ? copy : "";
}

void rep_text(FILE *out, const ed_file_result *files, size_t n, bool color)
{
    ed_arena *arena = ed_arena_new();
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < files[i].nfindings; k++) {
            const ed_finding *f = &files[i].findings[k];
            const char *sev = ed_severity_name(f->severity);
            const char *path = clean(arena, files[i].path, strlen(files[i].path));
            const char *message = clean(arena, f->message, strlen(f->message));
            if (color)
                fprintf(out, BOLD "%s:%u:%u:" RESET " %s%s:" RESET " %s " DIM "[%s %s]%s" RESET "\n",
                        path, f->begin.line, f->begin.column, severity_color(f->severity), sev,
                        message, f->rule->id, f->rule->name, rep_combinations(arena, f));
            else
                fprintf(out, "%s:%u:%u: %s: %s [%s %s]%s\n", path, f->begin.line,
                        f->begin.column, sev, message, f->rule->id, f->rule->name,
                        rep_combinations(arena, f));
        }
    }
    ed_arena_free(arena);
}

/* `  12 | source line` and a caret line under [begin, finish) of the finding
 * (to the end of the line when the token spans lines). Tabs in the prefix
 * are kept so the carets line up. */
static void print_excerpt(FILE *out, const ed_source *src, const ed_finding *f, bool color)
{
    size_t ls, le;
    ed_source_line_range(src, f->begin.line, &ls, &le);
    size_t start = f->start < ls ? ls : f->start > le ? le : f->start;
    size_t end = f->finish.line == f->begin.line && f->end <= le ? f->end : le;
    if (end < start)
        end = start;
    fprintf(out, "%5u | ", f->begin.line);
    ed_arena *arena = ed_arena_new();
    size_t text_end = le > ls && src->data[le - 1] == '\r' ? le - 1 : le;
    fputs(clean(arena, src->data + ls, text_end - ls), out);
    ed_arena_free(arena);
    fputs("\n      | ", out);
    for (size_t i = ls; i < start; i++)
        if (((unsigned char)src->data[i] & 0xC0) != 0x80)
            fputc(src->data[i] == '\t' ? '\t' : ' ', out);
    if (color)
        fputs(severity_color(f->severity), out);
    size_t carets = 0;
    for (size_t i = start; i < end; i++)
        if (((unsigned char)src->data[i] & 0xC0) != 0x80)
            carets++;
    for (size_t i = 0; i < (carets ? carets : 1); i++)
        fputc('^', out);
    if (color)
        fputs(RESET, out);
    fputc('\n', out);
    if (f->fix && f->fix->description)
        fprintf(out, "      = fix: %s\n", f->fix->description);
}

void rep_text_source(FILE *out, const ed_file_result *files, size_t n, bool color)
{
    for (size_t i = 0; i < n; i++) {
        ed_file_result one = files[i];
        for (size_t k = 0; k < files[i].nfindings; k++) {
            one.findings = &files[i].findings[k];
            one.nfindings = 1;
            rep_text(out, &one, 1, color);
            if (files[i].src)
                print_excerpt(out, files[i].src, &files[i].findings[k], color);
        }
    }
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void rep_text_summary(FILE *out, const ed_file_result *files, size_t n, bool color)
{
    rep_summary s = rep_count(files, n);
    size_t total = s.errors + s.warnings + s.info;
    if (total == 0) {
        fprintf(out, "%sNo problems found%s in %zu %s.\n", color ? BOLD : "", color ? RESET : "",
                s.files, plural(s.files, "file", "files"));
        return;
    }
    fprintf(out, "%sFound %zu %s%s (%zu %s, %zu %s, %zu info) in %zu %s.\n", color ? BOLD : "",
            total, plural(total, "problem", "problems"), color ? RESET : "", s.errors,
            plural(s.errors, "error", "errors"), s.warnings, plural(s.warnings, "warning", "warnings"),
            s.info, s.files, plural(s.files, "file", "files"));
}
