/* A hash map from strings to pointers, in an arena (open addressing). */
#ifndef ENVDOCTOR_STRMAP_H
#define ENVDOCTOR_STRMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "envdoctor/arena.h"

typedef struct ed_strmap {
    struct ed_strmap_slot *slots;
    size_t cap, n;
} ed_strmap;

#define ED_STRMAP_INIT {0}

/* FNV-1a 64 of a NUL-terminated string. */
uint64_t ed_str_hash(const char *s);

/* Whether key is in the map; its value in *value when value is not NULL. */
bool ed_strmap_get(const ed_strmap *map, const char *key, void **value);

/* Stores value under key (the key is not copied: it must live as long as
 * the map); returns false, changing nothing, when key is there already. */
bool ed_strmap_add(ed_arena *arena, ed_strmap *map, const char *key, void *value);

#endif
