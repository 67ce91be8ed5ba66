/* Copying a result into another arena, keeping only what the reports and
 * the fixes read of it (see ed_file_result_keep in engine.h). */
#include <stdint.h>
#include <string.h>

#include "envdoctor/engine.h"
#include "envdoctor/strmap.h"

static const char *keep_str(ed_arena *to, const char *s)
{
    return s ? ed_arena_strdup(to, s) : NULL;
}

/* The texts of one result's findings, each kept once: a file's findings
 * often repeat a message or a fix word for word (one per `pip install
 * torch` line), and a kept copy per finding would cost as much as the
 * findings themselves. The index lives in a scratch arena. */
typedef struct keeper {
    ed_arena *to;
    ed_arena *scratch;
    ed_strmap kept; /* text -> its copy in `to` */
} keeper;

static const char *keep_text(keeper *k, const char *s)
{
    if (!s)
        return NULL;
    void *copy;
    if (ed_strmap_get(&k->kept, s, &copy))
        return copy;
    const char *text = ed_arena_strdup(k->to, s);
    ed_strmap_add(k->scratch, &k->kept, text, (void *)text);
    return text;
}

static const ed_source *keep_source(ed_arena *to, const ed_source *from)
{
    ed_source *src = ed_arena_alloc(to, sizeof *src);
    *src = *from;
    src->path = keep_str(to, from->path);
    src->data = ed_arena_strndup(to, from->data, from->len);
    if (from->line_starts) {
        size_t *starts = ed_arena_calloc(to, from->line_count ? from->line_count : 1,
                                         sizeof *starts);
        memcpy(starts, from->line_starts, from->line_count * sizeof *starts);
        src->line_starts = starts;
    }
    return src;
}

static const ed_fix *keep_fix(keeper *k, const ed_fix *from)
{
    ed_fix *fix = ed_arena_alloc(k->to, sizeof *fix);
    *fix = *from;
    fix->description = keep_text(k, from->description);
    fix->replacement = keep_text(k, from->replacement);
    if (from->nmore) {
        ed_edit *more = ed_arena_calloc(k->to, from->nmore, sizeof *more);
        for (size_t i = 0; i < from->nmore; i++) {
            more[i] = from->more[i];
            more[i].replacement = keep_text(k, from->more[i].replacement);
        }
        fix->more = more;
    }
    return fix;
}

/* The argument lists of a file's combinations, each copied once: the
 * findings of a matrix run share at most ED_MATRIX_MAX of them. */
typedef struct args_map {
    struct {
        const char *const *from;
        const char *const *to;
    } slots[2 * ED_MATRIX_MAX];
} args_map;

static const char *const *keep_args(ed_arena *to, args_map *map, const ed_combination *c)
{
    if (!c->args)
        return NULL;
    size_t cap = sizeof map->slots / sizeof map->slots[0];
    size_t i = (size_t)(((uintptr_t)c->args >> 4) * 0x9E3779B97F4A7C15u) & (cap - 1);
    for (size_t probes = 0; probes < cap; probes++, i = (i + 1) & (cap - 1)) {
        if (map->slots[i].from == c->args)
            return map->slots[i].to;
        if (!map->slots[i].from)
            break;
    }
    const char **args = ed_arena_calloc(to, c->nargs ? c->nargs : 1, sizeof *args);
    for (size_t k = 0; k < c->nargs; k++)
        args[k] = keep_str(to, c->args[k]);
    if (!map->slots[i].from) {
        map->slots[i].from = c->args;
        map->slots[i].to = args;
    }
    return args;
}

void ed_file_result_keep(ed_arena *to, const ed_file_result *from, bool with_source,
                         ed_file_result *out)
{
    *out = *from;
    out->path = keep_str(to, from->path);
    out->gpu = NULL;
    out->src = from->src && (from->nfindings || with_source) ? keep_source(to, from->src) : NULL;
    out->findings = NULL;
    if (!from->nfindings)
        return;
    ed_finding *findings = ed_arena_calloc(to, from->nfindings, sizeof *findings);
    keeper k = {.to = to, .scratch = ed_arena_new()};
    args_map map;
    bool mapped = false;
    for (size_t i = 0; i < from->nfindings; i++) {
        const ed_finding *f = &from->findings[i];
        findings[i] = *f;
        findings[i].message = keep_text(&k, f->message);
        findings[i].fix = f->fix ? keep_fix(&k, f->fix) : NULL;
        if (f->ncombinations) {
            if (!mapped) {
                memset(&map, 0, sizeof map);
                mapped = true;
            }
            ed_combination *combos = ed_arena_calloc(to, f->ncombinations, sizeof *combos);
            for (size_t c = 0; c < f->ncombinations; c++) {
                combos[c].nargs = f->combinations[c].nargs;
                combos[c].args = keep_args(to, &map, &f->combinations[c]);
            }
            findings[i].combinations = combos;
        }
    }
    ed_arena_free(k.scratch);
    out->findings = findings;
}
