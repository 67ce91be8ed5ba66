/* extends: {service:, file:} — the base service comes from another file.
 * That file is read and its services built like any compose file's, but
 * its nodes are first copied with every position set to the extends: key
 * of the extending service: rules report in this file, and an inherited
 * `runtime: nvidia` is best shown where it is inherited. */
#include <stdint.h>
#include <string.h>

#include "model_internal.h"

enum {
    MAX_DEPTH = 8,           /* extends: file: chains */
    MAX_COPIED = 100000,     /* nodes copied from one file (aliases expand) */
};

typedef struct relocation {
    ed_arena *arena;
    size_t start, end;
    size_t budget;
} relocation;

static cf_node *relocate(relocation *rl, const cf_node *n)
{
    if (!n || rl->budget == 0)
        return NULL;
    rl->budget--;
    cf_node *copy = ed_arena_alloc(rl->arena, sizeof *copy);
    *copy = *n;
    copy->start = copy->props_start = copy->alias_start = rl->start;
    copy->end = copy->alias_end = rl->end;
    copy->alias = false;
    copy->target = NULL;
    if (n->kind == CF_MAP && n->npairs) {
        copy->pairs = ed_arena_calloc(rl->arena, n->npairs, sizeof *copy->pairs);
        for (size_t i = 0; i < n->npairs; i++) {
            copy->pairs[i].merged = n->pairs[i].merged;
            copy->pairs[i].key = relocate(rl, n->pairs[i].key);
            copy->pairs[i].value = relocate(rl, n->pairs[i].value);
            if (!copy->pairs[i].key || !copy->pairs[i].value)
                return NULL;
        }
    } else if (n->kind == CF_SEQ && n->nitems) {
        copy->items = ed_arena_calloc(rl->arena, n->nitems, sizeof *copy->items);
        for (size_t i = 0; i < n->nitems; i++)
            if (!(copy->items[i] = relocate(rl, n->items[i])))
                return NULL;
    }
    return copy;
}

bool cf_extends_other_file(cf_reader *r, const cf_service *s, const cf_text *service,
                           const cf_text *file, cf_service *base)
{
    if (!file->value || file->unknown || !service->value || service->unknown ||
        r->depth >= MAX_DEPTH)
        return false;
    ed_arena *arena = r->arena;
    const char *path = cf_path_join(arena, r->c->dir, file->value);
    ed_source *src = ed_arena_alloc(arena, sizeof *src);
    char err[256];
    /* a regular file (not /dev/zero or a FIFO a hostile file may name), of
     * the size any file is read with */
    ed_read_limit limit = {ED_SOURCE_MAX_BYTES, true};
    if (!ed_source_read_limited(src, arena, path, path, &limit, err, sizeof err) || src->oversize)
        return false;
    cf_yaml *y = cf_yaml_parse(arena, src, NULL);
    if (y->truncated) /* half a file: its services cannot be trusted */
        return false;

    relocation rl = {arena, 0, 0, MAX_COPIED};
    cf_node_site(s->extends->key, &rl.start, &rl.end);
    const cf_node **docs = ed_arena_calloc(arena, y->ndocs + 1, sizeof *docs);
    for (size_t i = 0; i < y->ndocs; i++)
        if (!(docs[i] = relocate(&rl, y->docs[i])))
            return false;

    /* that file's services: its folder for paths, its errors dropped (they
     * are that file's to report when it is linted) */
    cf_compose other = {0};
    other.src = r->c->src;
    other.vars = r->c->vars;
    other.dir = cf_path_dir(arena, path);
    cf_reader sub = {arena, &other, r->knowledge, r->depth + 1, SIZE_MAX};
    cf_read_documents(&sub, docs, y->ndocs);
    for (size_t i = 0; i < other.nservices; i++)
        if (strcmp(other.services[i].name, service->value) == 0) {
            *base = other.services[i];
            return true;
        }
    return false;
}
