/* BuildKit's AST dump (`Node.Dump()`), the format of its parser test results,
 * so that our parser can be compared with the reference byte for byte. */
#include <string.h>

#include "envdoctor/buf.h"
#include "internal.h"

/* Non-ASCII code points Go's strconv.IsPrint rejects (spaces other than
 * U+0020, format characters, C1 controls, private use); not Go's complete
 * table, which also covers unassigned code points. */
static bool go_unprintable(unsigned r)
{
    return (r >= 0x80 && r <= 0xA0) || r == 0xAD || (r >= 0x600 && r <= 0x605) || r == 0x61C ||
           r == 0x6DD || r == 0x70F || r == 0x180E || r == 0x1680 || (r >= 0x2000 && r <= 0x200F) ||
           (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F) || r == 0x3000 ||
           (r >= 0xD800 && r <= 0xF8FF) || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) ||
           r == 0xFFFE || r == 0xFFFF || (r >= 0xF0000 && r <= 0x10FFFF);
}

/* Go's strconv.Quote. */
static void go_quote(ed_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    ed_buf_addc(out, '"');
    for (size_t i = 0; i < len;) {
        size_t w;
        unsigned r = df_utf8_decode(s + i, len - i, &w);
        if (r == 0xFFFD && w == 1) {
            unsigned char b = (unsigned char)s[i];
            char esc[4] = {'\\', 'x', hex[b >> 4], hex[b & 15]};
            ed_buf_add(out, esc, 4);
            i++;
            continue;
        }
        if (r == '"' || r == '\\') {
            ed_buf_addc(out, '\\');
            ed_buf_addc(out, (char)r);
        } else if (r >= 0x20 && r < 0x7F) {
            ed_buf_addc(out, (char)r);
        } else if (r >= 0x80 && !go_unprintable(r)) {
            ed_buf_add(out, s + i, w);
        } else {
            switch (r) {
            case '\a': ed_buf_adds(out, "\\a"); break;
            case '\b': ed_buf_adds(out, "\\b"); break;
            case '\f': ed_buf_adds(out, "\\f"); break;
            case '\n': ed_buf_adds(out, "\\n"); break;
            case '\r': ed_buf_adds(out, "\\r"); break;
            case '\t': ed_buf_adds(out, "\\t"); break;
            case '\v': ed_buf_adds(out, "\\v"); break;
            default:
                if (r < 0x20 || r == 0x7F)
                    ed_buf_printf(out, "\\x%02x", r);
                else if (r < 0x10000)
                    ed_buf_printf(out, "\\u%04x", r);
                else
                    ed_buf_printf(out, "\\U%08x", r);
            }
        }
        i += w;
    }
    ed_buf_addc(out, '"');
}

static void dump_word(ed_buf *out, const df_word *w)
{
    ed_buf_addc(out, ' ');
    go_quote(out, w->text, w->len);
}

static void dump_node(ed_buf *out, const df_instr *in)
{
    for (const char *k = in->keyword.text; *k; k++)
        ed_buf_addc(out, (char)(*k >= 'A' && *k <= 'Z' ? *k + 32 : *k));
    if (in->nflags) {
        ed_buf_adds(out, " [");
        for (size_t i = 0; i < in->nflags; i++) {
            if (i)
                ed_buf_addc(out, ' ');
            go_quote(out, in->flags[i].word.text, in->flags[i].word.len);
        }
        ed_buf_addc(out, ']');
    }
    if (in->trigger) {
        ed_buf_adds(out, " (");
        dump_node(out, in->trigger);
        ed_buf_addc(out, ')');
    }
    for (size_t i = 0; i < in->nargs; i++)
        dump_word(out, &in->args[i]);
    for (size_t i = 0; i < in->npairs; i++) {
        dump_word(out, &in->pairs[i].key);
        dump_word(out, &in->pairs[i].value);
        ed_buf_adds(out, in->pairs[i].legacy ? " \"\"" : " \"=\"");
    }
}

char *df_dump(const df_file *file, ed_arena *arena)
{
    ed_buf out = ED_BUF_INIT;
    for (size_t i = 0; i < file->ninstrs; i++) {
        const df_instr *in = &file->instrs[i];
        if (in->has_error)
            continue;
        ed_buf_addc(&out, '(');
        dump_node(&out, in);
        ed_buf_adds(&out, ")\n");
    }
    char *s = ed_buf_to_arena(&out, arena);
    ed_buf_free(&out);
    return s;
}
