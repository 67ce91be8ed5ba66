/* Finishing a map: duplicate keys and << merge keys (YAML 1.1 merge, as
 * go-yaml v3 reads it: keys written in the map win over merged ones, an
 * earlier merge source wins over a later one). */
#include <stdlib.h>
#include <string.h>

#include "yaml_internal.h"

void cf_keyset_free(cf_keyset *k)
{
    free(k->slots);
    memset(k, 0, sizeof *k);
}

static bool same_key(const cf_node *a, const cf_node *b)
{
    return a->len == b->len && memcmp(a->value, b->value, a->len) == 0;
}

static void keyset_alloc(cf_keyset *k, size_t cap)
{
    k->slots = calloc(cap, sizeof *k->slots);
    if (!k->slots)
        ed_out_of_memory();
    k->cap = cap;
    k->gen = 1;
}

static void keyset_begin(cf_keyset *k)
{
    k->count = 0;
    if (!k->slots) {
        keyset_alloc(k, 64);
    } else if (++k->gen == 0) {
        memset(k->slots, 0, k->cap * sizeof *k->slots);
        k->gen = 1;
    }
}

static void keyset_grow(cf_keyset *k)
{
    cf_key_slot *old = k->slots;
    size_t old_cap = k->cap;
    unsigned old_gen = k->gen;
    keyset_alloc(k, old_cap * 2);
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].gen != old_gen)
            continue;
        size_t j = old[i].hash & (k->cap - 1);
        while (k->slots[j].gen == k->gen)
            j = (j + 1) & (k->cap - 1);
        k->slots[j] = old[i];
        k->slots[j].gen = k->gen;
    }
    free(old);
}

/* Adds a scalar key; returns the key already there with the same value, or
 * NULL when it was added. */
static const cf_node *keyset_add(cf_keyset *k, const cf_node *key)
{
    if ((k->count + 1) * 2 > k->cap)
        keyset_grow(k);
    size_t hash = cf_hash(key->value, key->len);
    size_t i = hash & (k->cap - 1);
    while (k->slots[i].gen == k->gen) {
        if (k->slots[i].hash == hash && same_key(k->slots[i].key, key))
            return k->slots[i].key;
        i = (i + 1) & (k->cap - 1);
    }
    k->slots[i] = (cf_key_slot){key, hash, k->gen};
    k->count++;
    return NULL;
}

bool cf_is_merge_key(const cf_node *key)
{
    if (key->kind != CF_SCALAR || key->len != 2 || memcmp(key->value, "<<", 2) != 0)
        return false;
    if (key->tag)
        return strcmp(key->tag, "tag:yaml.org,2002:merge") == 0;
    return key->style == CF_PLAIN;
}

static void duplicate(cf_builder *b, const cf_node *first, const cf_node *again)
{
    size_t fs, fe, s, e;
    cf_node_site(first, &fs, &fe);
    cf_node_site(again, &s, &e);
    ed_pos at = ed_source_pos(b->src, fs);
    cf_error *err = cf_add_error(b, CF_ERR_DUPLICATE, s, e, "duplicate key %s (first at line %u, column %u)",
                                 cf_quote_for_message(b, again->value, again->len), at.line,
                                 at.column);
    err->related = fs;
}

typedef struct merged_map {
    cf_pair *pairs;
    size_t npairs;
    size_t expanded;
} merged_map;

static void append(cf_builder *b, merged_map *m, cf_node *key, cf_node *value, bool merged)
{
    m->pairs = ed_arena_push(b->arena, m->pairs, m->npairs, sizeof *m->pairs);
    m->pairs[m->npairs++] = (cf_pair){key, value, merged};
    m->expanded = cf_sat_add(m->expanded, cf_sat_add(key->expanded, value->expanded));
}

static void merge_from(cf_builder *b, merged_map *m, const cf_node *src)
{
    for (size_t i = 0; i < src->npairs; i++) {
        const cf_pair *p = &src->pairs[i];
        if (p->key->kind == CF_SCALAR && keyset_add(&b->keys, p->key))
            continue; /* written in the map, or from an earlier source */
        append(b, m, p->key, p->value, true);
    }
}

static void bad_merge(cf_builder *b, const cf_node *value, const char *what)
{
    size_t s, e;
    cf_node_site(value, &s, &e);
    cf_add_error(b, CF_ERR_MERGE, s, e, "merge key << needs a map or a list of maps, not %s",
                 what);
}

void cf_map_finish(cf_builder *b, cf_frame *frame)
{
    cf_node *node = frame->node;
    cf_pair *pairs = frame->pairs;
    size_t n = frame->npairs;
    node->pairs = pairs;
    node->npairs = n;
    node->expanded = frame->expanded;
    if (!frame->has_merge && n <= 8) { /* small map: compare directly */
        for (size_t i = 1; i < n; i++) {
            if (pairs[i].key->kind != CF_SCALAR)
                continue;
            for (size_t j = 0; j < i; j++)
                if (pairs[j].key->kind == CF_SCALAR && same_key(pairs[j].key, pairs[i].key)) {
                    duplicate(b, pairs[j].key, pairs[i].key);
                    break;
                }
        }
        return;
    }
    keyset_begin(&b->keys);
    for (size_t i = 0; i < n; i++) {
        if (pairs[i].key->kind != CF_SCALAR)
            continue;
        const cf_node *first = keyset_add(&b->keys, pairs[i].key);
        if (first)
            duplicate(b, first, pairs[i].key);
    }
    if (!frame->has_merge)
        return;
    merged_map m = {NULL, 0, 1};
    for (size_t i = 0; i < n; i++) {
        cf_node *key = pairs[i].key, *value = pairs[i].value;
        if (!cf_is_merge_key(key)) {
            append(b, &m, key, value, pairs[i].merged);
            continue;
        }
        if (value->kind == CF_MAP) {
            merge_from(b, &m, value);
        } else if (value->kind == CF_SEQ) {
            for (size_t j = 0; j < value->nitems; j++) {
                const cf_node *item = value->items[j];
                if (item->kind == CF_MAP)
                    merge_from(b, &m, item);
                else
                    bad_merge(b, item, cf_describe(item) /* inside the list */);
            }
        } else {
            bad_merge(b, value, cf_describe(value));
        }
    }
    node->pairs = m.pairs;
    node->npairs = m.npairs;
    node->expanded = m.expanded;
}
