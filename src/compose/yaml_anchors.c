/* Anchors and aliases: &name registers a node for the rest of its document,
 * *name stands for it. An alias node shares the anchored node's children, so
 * memory grows with the text, not with the expansion; the expansion is
 * counted (bottom-up sizes) against the limit to stop alias bombs. */
#include <stdlib.h>
#include <string.h>

#include "yaml_internal.h"

void cf_anchors_reset(cf_anchors *t)
{
    t->count = 0;
    if (++t->gen == 0) { /* wrapped: forget every slot for real */
        if (t->slots)
            memset(t->slots, 0, t->cap * sizeof *t->slots);
        t->gen = 1;
    }
}

void cf_anchors_free(cf_anchors *t)
{
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static cf_anchor_slot *find(cf_anchors *t, const char *name, size_t len, size_t hash)
{
    if (!t->cap)
        return NULL;
    for (size_t i = hash & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        cf_anchor_slot *s = &t->slots[i];
        if (s->gen != t->gen)
            return s; /* free: not present */
        if (s->hash == hash && s->len == len && memcmp(s->name, name, len) == 0)
            return s;
    }
}

static void grow(cf_anchors *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    cf_anchor_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        ed_out_of_memory();
    for (size_t i = 0; i < t->cap; i++) {
        cf_anchor_slot *s = &t->slots[i];
        if (s->gen != t->gen)
            continue;
        size_t j = s->hash & (cap - 1);
        while (slots[j].gen == 1)
            j = (j + 1) & (cap - 1);
        slots[j] = *s;
        slots[j].gen = 1;
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    t->gen = 1;
}

void cf_anchor_define(cf_builder *b, const char *name, cf_node *node, bool complete)
{
    cf_anchors *t = &b->anchors;
    if (t->gen == 0)
        t->gen = 1;
    if ((t->count + 1) * 2 > t->cap)
        grow(t);
    size_t len = strlen(name), hash = cf_hash(name, len);
    cf_anchor_slot *s = find(t, name, len, hash);
    if (s->gen != t->gen) {
        s->gen = t->gen;
        s->name = name;
        s->len = len;
        s->hash = hash;
        t->count++;
    }
    s->node = node; /* a later definition replaces an earlier one */
    s->complete = complete;
}

void cf_anchor_complete(cf_builder *b, const char *name, const cf_node *node)
{
    size_t len = strlen(name);
    cf_anchor_slot *s = find(&b->anchors, name, len, cf_hash(name, len));
    if (s && s->gen == b->anchors.gen && s->node == node)
        s->complete = true;
}

static cf_node *broken_alias(cf_builder *b, const char *name, size_t start, size_t end)
{
    cf_node *n = cf_new_node(b, CF_SCALAR);
    n->style = CF_PLAIN;
    n->start = n->end = n->props_start = start;
    n->value = "";
    n->anchor = name;
    n->alias = true;
    n->alias_start = start;
    n->alias_end = end;
    n->expanded = 1;
    return n;
}

cf_node *cf_alias_resolve(cf_builder *b, const char *name, size_t start, size_t end)
{
    size_t len = strlen(name);
    cf_anchor_slot *s = find(&b->anchors, name, len, cf_hash(name, len));
    if (!s || s->gen != b->anchors.gen) {
        cf_add_error(b, CF_ERR_ALIAS, start, end, "unknown alias *%s", name);
        return broken_alias(b, name, start, end);
    }
    if (!s->complete) {
        cf_error *e = cf_add_error(b, CF_ERR_ALIAS, start, end,
                                   "alias *%s is inside the node it refers to", name);
        e->related = s->node->props_start;
        return broken_alias(b, name, start, end);
    }
    const cf_node *target = s->node;
    cf_node *n = cf_new_node(b, target->kind);
    *n = *target;
    n->alias = true;
    n->alias_start = start;
    n->alias_end = end;
    n->target = target;
    n->anchor = name;
    cf_yaml *y = b->y;
    y->alias_expansion = cf_sat_add(y->alias_expansion, target->expanded);
    if (y->alias_expansion > b->max_expanded) {
        cf_error *e = cf_add_error(b, CF_ERR_LIMIT, start, end,
                                   "alias expansion exceeds %zu nodes", b->max_expanded);
        e->limit = CF_LIMIT_ALIASES;
        b->stopped = true;
        y->truncated = true;
    }
    return n;
}
