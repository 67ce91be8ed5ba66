/* The format table, the dispatcher and what the XML formats share. */
#include <string.h>

#include "envdoctor/report.h"
#include "envdoctor/utf8.h"

const char *const rep_format_names[] = {"text",       "json",  "sarif",       "github", "gnu",
                                        "checkstyle", "junit", "codeclimate", NULL};

bool rep_format_parse(const char *name, rep_format *out)
{
    for (int i = 0; name && rep_format_names[i]; i++)
        if (strcmp(name, rep_format_names[i]) == 0) {
            *out = (rep_format)i;
            return true;
        }
    return false;
}

void rep_write(FILE *out, rep_format format, const ed_file_result *files, size_t n, bool color)
{
    switch (format) {
    case REP_TEXT: rep_text(out, files, n, color); break;
    case REP_JSON: rep_json(out, files, n); break;
    case REP_SARIF: rep_sarif(out, files, n); break;
    case REP_GITHUB: rep_github(out, files, n); break;
    case REP_GNU: rep_gnu(out, files, n); break;
    case REP_CHECKSTYLE: rep_checkstyle(out, files, n); break;
    case REP_JUNIT: rep_junit(out, files, n); break;
    case REP_CODECLIMATE: rep_codeclimate(out, files, n); break;
    }
}

void rep_write_source(FILE *out, rep_format format, const ed_file_result *files, size_t n,
                      bool color, bool show_source)
{
    if (format == REP_TEXT && show_source)
        rep_text_source(out, files, n, color);
    else
        rep_write(out, format, files, n, color);
}

void rep_xml_puts(FILE *out, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            switch (c) {
            case '&': fputs("&amp;", out); break;
            case '<': fputs("&lt;", out); break;
            case '>': fputs("&gt;", out); break;
            case '"': fputs("&quot;", out); break;
            case '\'': fputs("&apos;", out); break;
            case '\n': fputs("&#10;", out); break;
            case '\r': fputs("&#13;", out); break;
            case '\t': fputs("&#9;", out); break;
            default:
                if (c < 0x20 || c == 0x7f)
                    fputs("\xef\xbf\xbd", out);
                else
                    fputc(c, out);
            }
            i++;
            continue;
        }
        size_t width;
        unsigned rune = ed_utf8_decode(s + i, len - i, &width);
        /* U+FFFE/U+FFFF and C1 controls are not XML characters either */
        if ((rune == 0xFFFD && width == 1) || rune == 0xFFFE || rune == 0xFFFF ||
            (rune >= 0x80 && rune <= 0x9f))
            fputs("\xef\xbf\xbd", out);
        else
            fwrite(s + i, 1, width, out);
        i += width;
    }
}
