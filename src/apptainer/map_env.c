/* ENV pairs of an %environment or %appenv section: the section is a shell
 * script sourced when the container starts; its top-level `export K=V`
 * words and bare `K=V` commands become pairs. Each key and value keeps its
 * span; the value stays as written (quotes and $VAR kept), as BuildKit keeps
 * an ENV value, so that the build model expands it the same way. An
 * `export K` without a value sets nothing new and gives no pair. */
#include <string.h>

#include "internal.h"

/* Length of the NAME in a NAME=value word, or 0. */
static size_t name_len(const char *s)
{
    size_t n = 0;
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        return 0;
    while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
           (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
        n++;
    return s[n] == '=' ? n : 0;
}

static void add_pair(ap_parser *p, df_instr *in, const sh_word *w)
{
    size_t n = name_len(w->text);
    if (n == 0)
        return;
    const char *raw = in->line + w->start;
    df_word key, value;
    if (w->end - w->start > n && memcmp(raw, w->text, n) == 0 && raw[n] == '=') {
        key = ap_map_word(p, in, ed_arena_strndup(p->arena, w->text, n), w->start, w->start + n);
        value = ap_map_word(p, in, NULL, w->start + n + 1, w->end);
    } else { /* the name itself is quoted: point at the whole word */
        key = ap_map_word(p, in, ed_arena_strndup(p->arena, w->text, n), w->start, w->end);
        value = ap_map_word(p, in, w->text + n + 1, w->start, w->end);
    }
    in->pairs = ed_arena_push(p->arena, in->pairs, in->npairs, sizeof *in->pairs);
    in->pairs[in->npairs++] = (df_pair){key, value, false};
}

void ap_map_environment(ap_parser *p, df_instr *in, const ap_section *sec)
{
    const sh_script *sc = sec->script;
    for (size_t i = 0; sc && i < sc->ncmds; i++) {
        const sh_command *c = &sc->cmds[i];
        if (c->depth > 0)
            continue;
        if (c->nwords == 0) {
            for (size_t k = 0; k < c->nassigns; k++)
                add_pair(p, in, &c->assigns[k]);
        } else if (strcmp(c->words[0].text, "export") == 0) {
            for (size_t k = 1; k < c->nwords; k++)
                add_pair(p, in, &c->words[k]);
        }
    }
}
