/* Internal interfaces between the YAML front end's files (yaml_*.c). */
#ifndef ENVDOCTOR_YAML_INTERNAL_H
#define ENVDOCTOR_YAML_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>

#include "envdoctor/yaml.h"

/* A byte range no comment can start in (a scalar's text). */
typedef struct cf_range {
    size_t start, end;
} cf_range;

/* Anchor table: name -> node, per document (yaml_anchors.c). */
typedef struct cf_anchor_slot {
    const char *name; /* arena copy */
    size_t len;
    size_t hash;
    cf_node *node;
    bool complete; /* the anchored node is finished (not being built) */
    unsigned gen;  /* slot is in use when gen == table gen */
} cf_anchor_slot;

typedef struct cf_anchors {
    cf_anchor_slot *slots; /* heap, cap a power of two */
    size_t cap, count;
    unsigned gen;
} cf_anchors;

/* Set of scalar keys of one map being finished (yaml_merge.c); reused. */
typedef struct cf_key_slot {
    const cf_node *key;
    size_t hash;
    unsigned gen;
} cf_key_slot;

typedef struct cf_keyset {
    cf_key_slot *slots; /* heap */
    size_t cap, count;
    unsigned gen;
} cf_keyset;

/* A map or sequence being built (yaml_tree.c). Its entries collect on the
 * builder's scratch stacks (from index first) and move into an arena array
 * of the exact size when it ends; then pairs/items point there. */
typedef struct cf_frame {
    cf_node *node;
    size_t first;   /* index of its first entry on the scratch stack */
    cf_pair *pairs; /* maps, once finished */
    size_t npairs;
    cf_node *key;    /* maps: a key waiting for its value */
    size_t last_end; /* end of the last entry written (block collections) */
    size_t expanded; /* 1 + the children's expanded sizes */
    bool has_merge;  /* a << key is among the pairs */
} cf_frame;

typedef struct cf_builder {
    ed_arena *arena;
    const ed_source *src;
    cf_yaml *y;
    size_t max_depth, max_expanded;
    size_t base; /* byte offset where libyaml's input starts (after a BOM) */
    /* Character index -> byte offset cursor for libyaml marks (yaml_pos.c). */
    size_t cur_char, cur_byte;
    cf_frame *stack; /* heap */
    size_t depth, stack_cap;
    cf_pair *scratch_pairs; /* heap: entries of the open maps */
    size_t nscratch_pairs, scratch_pairs_cap;
    cf_node **scratch_items; /* heap: entries of the open sequences */
    size_t nscratch_items, scratch_items_cap;
    cf_node *root; /* root of the document being built */
    bool stopped;  /* a fatal error ended the parse */
    cf_anchors anchors;
    cf_keyset keys;
    cf_range *ranges; /* heap: scalar extents in source order, for comments */
    size_t nranges, ranges_cap;
    /* Nodes and scalar values are carved from larger arena blocks: no
     * per-allocation rounding on files with millions of nodes. */
    cf_node *node_pool;
    size_t node_pool_left;
    char *text_pool;
    size_t text_pool_left;
} cf_builder;

/* yaml_tree.c: a zeroed node from the pool (counted in y->nodes). */
cf_node *cf_new_node(cf_builder *b, cf_kind kind);

/* yaml_pos.c -------------------------------------------------------------- */

/* Byte offset of a libyaml mark index (characters since the start of
 * libyaml's input, which is valid UTF-8 up to any mark it reports). */
size_t cf_pos_from_index(cf_builder *b, size_t index);
/* Where a node's content starts, skipping its anchor/tag properties, blanks,
 * line breaks and comments between [from, limit). */
size_t cf_pos_skip_props(const cf_builder *b, size_t from, size_t limit, const char *anchor,
                         const char *tag);
/* End of a block scalar's extent without trailing blank lines. */
size_t cf_pos_trim_block_end(const cf_builder *b, size_t start, size_t end);
/* One character further than offset (not past a line end or the end). */
size_t cf_pos_next_char(const ed_source *src, size_t offset);

/* yaml_errors.c ----------------------------------------------------------- */

cf_error *cf_add_error(cf_builder *b, cf_error_kind kind, size_t start, size_t end,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Records libyaml's error (reader, scanner or parser) and stops the parse. */
struct yaml_parser_s;
void cf_add_libyaml_error(cf_builder *b, const struct yaml_parser_s *parser);
/* A short quoted display of a scalar for messages: "text" (at most 40
 * characters, control characters escaped). */
const char *cf_quote_for_message(cf_builder *b, const char *s, size_t len);
/* "a string", "a list", "null", ... for messages. */
const char *cf_describe(const cf_node *n);

/* yaml_anchors.c ---------------------------------------------------------- */

void cf_anchors_reset(cf_anchors *t);
void cf_anchors_free(cf_anchors *t);
/* Registers (or redefines) an anchor for a node whose building starts. */
void cf_anchor_define(cf_builder *b, const char *name, cf_node *node, bool complete);
/* Marks the anchor as finished when it still names node. */
void cf_anchor_complete(cf_builder *b, const char *name, const cf_node *node);
/* The node an alias event stands for (an alias node; errors recorded). Sets
 * b->stopped when the expansion budget is exceeded. */
cf_node *cf_alias_resolve(cf_builder *b, const char *name, size_t start, size_t end);

/* yaml_tree.c ------------------------------------------------------------- */

struct yaml_event_s;
/* Adds one libyaml event to the tree being built. */
void cf_tree_event(cf_builder *b, const struct yaml_event_s *ev);
/* After a fatal error at offset at: closes the open maps and sequences there
 * and keeps the document built so far. */
void cf_tree_close(cf_builder *b, size_t at);

/* yaml_merge.c ------------------------------------------------------------ */

/* True for a << merge key (plain "<<" without tag, or tagged !!merge). */
bool cf_is_merge_key(const cf_node *key);
/* Finishes a map's pairs: reports duplicate keys, resolves merge keys, and
 * stores the result in frame->node (pairs, npairs, expanded). */
void cf_map_finish(cf_builder *b, cf_frame *frame);
void cf_keyset_free(cf_keyset *k);

/* yaml_comments.c --------------------------------------------------------- */

/* Fills y->comments from the source and the scalar ranges. */
void cf_find_comments(cf_builder *b);

/* Saturating addition for expanded sizes. */
static inline size_t cf_sat_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* FNV-1a. */
static inline size_t cf_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

#endif
