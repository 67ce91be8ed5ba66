/* A hash map from strings to pointers (see strmap.h). */
#include "envdoctor/strmap.h"

#include <string.h>

struct ed_strmap_slot {
    const char *key; /* NULL: free */
    void *value;
    uint64_t hash;
};

uint64_t ed_str_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 0x100000001b3u;
    return h;
}

/* The slot of key, or the free slot where it would go. */
static struct ed_strmap_slot *find(const ed_strmap *map, const char *key, uint64_t hash)
{
    size_t i = (size_t)hash & (map->cap - 1);
    while (map->slots[i].key && (map->slots[i].hash != hash || strcmp(map->slots[i].key, key) != 0))
        i = (i + 1) & (map->cap - 1);
    return &map->slots[i];
}

bool ed_strmap_get(const ed_strmap *map, const char *key, void **value)
{
    if (!map->cap)
        return false;
    const struct ed_strmap_slot *s = find(map, key, ed_str_hash(key));
    if (s->key && value)
        *value = s->value;
    return s->key != NULL;
}

bool ed_strmap_add(ed_arena *arena, ed_strmap *map, const char *key, void *value)
{
    uint64_t hash = ed_str_hash(key);
    if (map->cap && find(map, key, hash)->key)
        return false;
    if (map->n * 2 >= map->cap) {
        ed_strmap bigger = {.cap = map->cap ? map->cap * 2 : 16};
        bigger.slots = ed_arena_calloc(arena, bigger.cap, sizeof *bigger.slots);
        for (size_t i = 0; i < map->cap; i++)
            if (map->slots[i].key)
                *find(&bigger, map->slots[i].key, map->slots[i].hash) = map->slots[i];
        bigger.n = map->n;
        *map = bigger;
    }
    *find(map, key, hash) = (struct ed_strmap_slot){key, value, hash};
    map->n++;
    return true;
}
