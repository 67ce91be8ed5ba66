/* .env files as Compose reads them (compose-go's dotenv): NAME=VALUE lines,
 * an optional `export ` prefix, blank lines and # comments, values in single
 * quotes (literal), double quotes (\n, \t, \\, \" escapes; may span lines)
 * or unquoted (an inline comment starts at " #"; trailing blanks trimmed).
 * A line with only NAME takes its value from the shell: that is not read
 * here, so the name stays unset. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "envdoctor/buf.h"
#include "model_internal.h"

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

void cf_vars_parse(ed_arena *arena, const char *text, size_t len, cf_vars *out)
{
    const char **items = NULL;
    size_t n = 0;
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    ed_buf value = ED_BUF_INIT;
    while (i < len) {
        while (i < len && (blank(text[i]) || text[i] == '\n' || text[i] == '\r'))
            i++;
        if (i >= len)
            break;
        if (text[i] == '#') {
            while (i < len && text[i] != '\n')
                i++;
            continue;
        }
        if (len - i > 7 && memcmp(text + i, "export", 6) == 0 && blank(text[i + 6]))
            for (i += 6; i < len && blank(text[i]); i++)
                ;
        size_t name_start = i;
        while (i < len && text[i] != '=' && text[i] != ':' && text[i] != '\n' && !blank(text[i]))
            i++;
        size_t name_end = i;
        while (i < len && blank(text[i]))
            i++;
        if (i >= len || (text[i] != '=' && text[i] != ':') || name_end == name_start) {
            while (i < len && text[i] != '\n') /* NAME alone, or not a variable line */
                i++;
            continue;
        }
        i++; /* '=' */
        while (i < len && blank(text[i]))
            i++;
        ed_buf_reset(&value);
        if (i < len && (text[i] == '\'' || text[i] == '"')) {
            char q = text[i++];
            while (i < len && text[i] != q) {
                if (q == '"' && text[i] == '\\' && i + 1 < len) {
                    char e = text[++i];
                    ed_buf_addc(&value, e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
                } else {
                    ed_buf_addc(&value, text[i]);
                }
                i++;
            }
            i++; /* closing quote; the rest of the line is ignored */
            while (i < len && text[i] != '\n')
                i++;
        } else {
            size_t start = i, end = i;
            while (i < len && text[i] != '\n' && text[i] != '\r') {
                if (text[i] == '#' && i > start && blank(text[i - 1]))
                    break;
                i++;
                end = i;
            }
            while (end > start && blank(text[end - 1]))
                end--;
            ed_buf_add(&value, text + start, end - start);
            while (i < len && text[i] != '\n')
                i++;
        }
        items = ed_arena_push(arena, items, n, sizeof *items);
        items[n++] = ed_arena_printf(arena, "%.*s=%s", (int)(name_end - name_start),
                                     text + name_start, value.data ? value.data : "");
    }
    ed_buf_free(&value);
    out->items = items;
    out->n = n;
}

bool cf_vars_read(ed_arena *arena, const char *path, cf_vars *out, char *err, size_t errlen)
{
    ed_source src;
    out->items = NULL;
    out->n = 0;
    if (!ed_source_read(&src, arena, path, path, err, errlen))
        return false;
    cf_vars_parse(arena, src.data, src.len, out);
    return true;
}
