/* BuildKit's AST dump (`Node.Dump()`), the format of its parser test results,
 * so that our parser can be compared with the reference byte for byte. */
#include <string.h>

#include "envdoctor/buf.h"
#include "internal.h"

static void dump_word(ed_buf *out, const df_word *w)
{
    ed_buf_addc(out, ' ');
    df_go_quote_buf(out, w->text, w->len);
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
            df_go_quote_buf(out, in->flags[i].word.text, in->flags[i].word.len);
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
