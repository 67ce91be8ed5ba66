/* Helpers shared by the Compose rules (ED401-ED411): which services share a
 * node written once (anchors, merge keys, extends), what a GPU device
 * request asks for, where a name sits inside a scalar, and fixes that keep
 * the file's indentation. They read the Compose model (compose.h) and the
 * positioned YAML nodes under it, nothing else. */
#ifndef ENVDOCTOR_RULES_COMPOSE_COMMON_H
#define ENVDOCTOR_RULES_COMPOSE_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/compose.h"
#include "envdoctor/engine.h"

/* "service a", "services a and b", "services a, b and c". */
const char *compose_who(ed_arena *arena, const char *const *names, size_t n);
/* The same, followed by " and others" when more is true ("services a, b
 * and others"), for lists cut short. */
const char *compose_who_more(ed_arena *arena, const char *const *names, size_t n, bool more);

/* Two nodes are the same written text (the same node reached twice through
 * an anchor, a merge key or extends). */
bool compose_same_site(const cf_node *a, const cf_node *b);

/* Nodes written once and reached from several services (an anchor, a merge
 * key, extends): items, in service order, each the node a service reaches
 * (NULL: none) with a tag (items with different tags never share a site);
 * compose_group_sites groups the items whose nodes are the same site
 * (compose_same_site), in O(n log n). */
typedef struct compose_site {
    const cf_node *node;
    unsigned tag;
    size_t service; /* the index of the item's service */
} compose_site;

typedef struct compose_groups {
    bool *later;  /* later[i]: an earlier item has the same site */
    size_t *next; /* next[i]: the next item with the same site, or SIZE_MAX */
} compose_groups;

compose_groups compose_group_sites(ed_arena *arena, const compose_site *items, size_t n);

/* The names of the services of the items from `first` on along next (its
 * group), each service once, in order; *n their number. */
const char **compose_group_names(ed_arena *arena, const cf_compose *c, const compose_site *items,
                                 const compose_groups *g, size_t first, size_t *n);

/* The running rule already reported [start, end) (a node reached from
 * several places is reported once). */
bool compose_reported(const ed_ctx *ctx, size_t start, size_t end);

/* The service sets `runtime: nvidia` (after interpolation; an unknown value
 * is not nvidia). */
bool compose_runtime_nvidia(const cf_service *s);

/* The service map, as written in one of the project's files, that holds
 * the pair p itself (not through a merge key or extends): the service's own
 * map, or its map in another -f file merged into it; NULL when p is written
 * elsewhere. *name gets the `name:` pair under services: that map is the
 * value of. */
const cf_node *compose_map_holding(const cf_compose *c, const cf_service *s, const cf_pair *p,
                                   const cf_pair **name);

/* ---- Device requests ------------------------------------------------------ */

/* Calls visit once for every device request written in the file: requests
 * reached from several services (an anchor, a merge key, extends) are
 * visited once, with the first service and `who` naming all of them
 * (compose_who). Requests under deploy.resources.limits are visited only
 * with limits true; the others only with limits false. */
typedef void (*compose_device_visit)(ed_ctx *ctx, const cf_service *s, const cf_device *d,
                                     const char *who);
void compose_each_device(ed_ctx *ctx, bool limits, compose_device_visit visit);

/* An NVIDIA driver capability name that Docker's nvidia device driver
 * advertises: gpu, nvidia, compute, compat32, graphics, utility, video,
 * display (exact, case-sensitive, as Docker matches them). */
bool compose_nvidia_cap(const char *cap);

/* What a device request's driver says: NVIDIA (driver: nvidia), ABSENT (no
 * driver: Docker picks one by capability), OTHER (another driver, e.g. amd
 * or cdi), UNKNOWN (an interpolated value that is not known). */
typedef enum compose_driver {
    COMPOSE_DRIVER_ABSENT,
    COMPOSE_DRIVER_NVIDIA,
    COMPOSE_DRIVER_OTHER,
    COMPOSE_DRIVER_UNKNOWN,
} compose_driver;
compose_driver compose_device_driver(const cf_device *d);

/* The device request is for an NVIDIA GPU as far as the file shows: a
 * `gpus:` entry, driver nvidia, or no driver with a capability that only
 * NVIDIA's driver advertises (nvidia, nvidia-*, compute, utility, ...) or
 * the generic gpu (compared case-insensitively: `GPU` is a wrong spelling
 * of an NVIDIA request, not another vendor's). */
bool compose_device_nvidia(ed_ctx *ctx, const cf_device *d);

/* One item of a device request's capabilities list, interpolated. */
typedef struct compose_cap {
    const cf_node *node;
    const char *value; /* NULL when the item is not a string (a list, a map, null) */
    bool unknown;      /* an interpolated value that is not known */
} compose_cap;

/* The items of the capabilities list; NULL and 0 when capabilities is
 * absent or not a list. */
compose_cap *compose_device_caps(ed_ctx *ctx, const cf_device *d, size_t *n);

/* The device request is Docker's CDI driver asking for NVIDIA GPUs by CDI
 * name: driver: cdi with device_ids such as nvidia.com/gpu=all. */
bool compose_device_cdi_gpu(ed_ctx *ctx, const cf_device *d);

/* The service requests an NVIDIA GPU: the model's requests_gpu, or a
 * device request compose_device_nvidia or compose_device_cdi_gpu
 * recognises (NVIDIA driver capabilities without gpu, driver: cdi). */
bool compose_requests_gpu(ed_ctx *ctx, const cf_service *s);

/* Where a finding about a whole device entry points: for a block map its
 * first key as written, for a flow map or a scalar the node itself, for an
 * alias the alias. */
void compose_entry_site(const cf_device *d, size_t *start, size_t *end);

/* ---- Environment ---------------------------------------------------------- */

/* Where the variable's name is written: the key (map form) or the NAME part
 * of the `NAME=value` list item (quotes skipped); the whole node when the
 * name is not there byte for byte. */
void compose_env_name_site(const ed_source *src, const cf_env *e, size_t *start, size_t *end);

/* ---- Fixes ---------------------------------------------------------------- */

/* The column (0-based, in bytes) of offset on its line when only blanks and
 * block sequence dashes ("- ") come before it on that line; -1 otherwise. */
long compose_block_column(const ed_source *src, size_t offset);

/* A string of n spaces in the arena. */
const char *compose_spaces(ed_arena *arena, size_t n);

/* A fix that adds `pair_text` ("count: all") as the first entry of map,
 * which must be written in the file (not reached through an alias of a
 * merge key only): in block style on its own line at the column of the
 * map's first key, in flow style after the opening brace. NULL when the
 * map's first key is not where such an insertion is safe. */
ed_fix *compose_insert_pair(ed_ctx *ctx, const cf_node *map, const char *pair_text,
                            const char *description);

/* A fix that deletes the lines a pair is written on, from the start of
 * the key's line through the line break after its value (a comment after
 * the value goes with it). NULL when the pair is in flow style, merged from
 * elsewhere, or shares those lines with other text. */
ed_fix *compose_remove_pair_lines(ed_ctx *ctx, const cf_pair *p, const char *description);

/* The text of a node as written when it fits on one line and is at most max
 * bytes long, else NULL. */
const char *compose_written(ed_arena *arena, const ed_source *src, const cf_node *n, size_t max);

#endif
