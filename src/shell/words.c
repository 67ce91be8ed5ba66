/* Small operations on words: program name, source spans, slices. */
#include "envdoctor/shell.h"

#include <string.h>

const char *sh_program(const sh_command *cmd)
{
    if (!cmd || cmd->nwords == 0)
        return "";
    const char *text = cmd->words[0].text;
    const char *slash = strrchr(text, '/');
    return slash ? slash + 1 : text;
}

size_t sh_word_pos(const sh_word *w, size_t k)
{
    return w->pos ? w->pos[k] : w->start + k;
}

void sh_word_span(const sh_word *w, size_t a, size_t b, size_t *start, size_t *end)
{
    if (!w->exact || a > b || b > w->len) {
        *start = w->start;
        *end = w->end;
    } else if (a == b) {
        *start = *end = a < w->len ? sh_word_pos(w, a) : w->end;
    } else {
        *start = sh_word_pos(w, a);
        *end = sh_word_pos(w, b - 1) + 1;
    }
}

const sh_word *sh_word_slice(ed_arena *arena, const sh_word *w, size_t a, size_t b)
{
    sh_word *out = ed_arena_calloc(arena, 1, sizeof *out);
    if (b > w->len)
        b = w->len;
    if (a > b)
        a = b;
    out->text = ed_arena_strndup(arena, w->text + a, b - a);
    out->len = b - a;
    sh_word_span(w, a, b, &out->start, &out->end);
    out->exact = w->exact && b > a;
    out->pos = (out->exact && w->pos) ? w->pos + a : NULL;
    out->quoted = w->quoted;
    out->has_expansion = w->has_expansion && (memchr(out->text, '$', out->len) ||
                                              memchr(out->text, '`', out->len));
    return out;
}
