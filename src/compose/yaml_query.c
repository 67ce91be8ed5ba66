/* Looking things up in the tree: map keys, where a node is written. */
#include <string.h>

#include "yaml_internal.h"

const cf_pair *cf_map_pair(const cf_node *map, const char *key)
{
    if (!map || map->kind != CF_MAP || !key)
        return NULL;
    size_t len = strlen(key);
    for (size_t i = 0; i < map->npairs; i++) {
        const cf_node *k = map->pairs[i].key;
        if (k->kind == CF_SCALAR && k->len == len && memcmp(k->value, key, len) == 0)
            return &map->pairs[i];
    }
    return NULL;
}

const cf_node *cf_map_get(const cf_node *map, const char *key)
{
    const cf_pair *p = cf_map_pair(map, key);
    return p ? p->value : NULL;
}

void cf_node_site(const cf_node *n, size_t *start, size_t *end)
{
    if (!n) {
        *start = *end = 0;
    } else if (n->alias) {
        *start = n->alias_start;
        *end = n->alias_end;
    } else {
        *start = n->start;
        *end = n->end;
    }
}
