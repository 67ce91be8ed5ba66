/* libyaml events -> node tree. The event stream is a stack machine: a map or
 * sequence is a frame on an explicit stack, so nesting costs heap, never C
 * stack, and is bounded by cf_limits.max_depth. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yaml_internal.h"

enum { NODE_CHUNK = 256, TEXT_CHUNK = 16384 };

cf_node *cf_new_node(cf_builder *b, cf_kind kind)
{
    if (!b->node_pool_left) {
        b->node_pool = ed_arena_calloc(b->arena, NODE_CHUNK, sizeof *b->node_pool);
        b->node_pool_left = NODE_CHUNK;
    }
    cf_node *n = b->node_pool++;
    b->node_pool_left--;
    n->kind = kind;
    b->y->nodes++;
    return n;
}

/* A NUL-terminated copy of a scalar value, packed with the others. */
static const char *copy_text(cf_builder *b, const char *s, size_t len)
{
    if (len >= TEXT_CHUNK / 4)
        return ed_arena_strndup(b->arena, s, len);
    if (b->text_pool_left < len + 1) {
        b->text_pool = ed_arena_alloc(b->arena, TEXT_CHUNK);
        b->text_pool_left = TEXT_CHUNK;
    }
    char *p = b->text_pool;
    memcpy(p, s, len);
    p[len] = '\0';
    b->text_pool += len + 1;
    b->text_pool_left -= len + 1;
    return p;
}

static const char *copy_or_null(cf_builder *b, const yaml_char_t *s)
{
    return s ? ed_arena_strdup(b->arena, (const char *)s) : NULL;
}

/* A heap array with room for more (the builder's scratch stacks). */
static void *grow(void *array, size_t *cap, size_t elem)
{
    size_t n = *cap ? *cap * 2 : 256;
    if (n > SIZE_MAX / elem)
        ed_out_of_memory();
    void *p = realloc(array, n * elem);
    if (!p)
        ed_out_of_memory();
    *cap = n;
    return p;
}

static void add_range(cf_builder *b, size_t start, size_t end)
{
    if (end <= start)
        return;
    if (b->nranges == b->ranges_cap)
        b->ranges = grow(b->ranges, &b->ranges_cap, sizeof *b->ranges);
    b->ranges[b->nranges++] = (cf_range){start, end};
}

/* Places a finished node: document root, sequence item, map key or value. */
static void attach(cf_builder *b, cf_node *n)
{
    if (b->depth == 0) {
        b->root = n;
        return;
    }
    cf_frame *f = &b->stack[b->depth - 1];
    size_t s, e;
    cf_node_site(n, &s, &e);
    if (e > f->last_end)
        f->last_end = e;
    f->expanded = cf_sat_add(f->expanded, n->expanded);
    if (f->node->kind == CF_SEQ) {
        if (b->nscratch_items == b->scratch_items_cap)
            b->scratch_items = grow(b->scratch_items, &b->scratch_items_cap,
                                    sizeof *b->scratch_items);
        b->scratch_items[b->nscratch_items++] = n;
    } else if (!f->key) {
        f->key = n;
    } else {
        if (b->nscratch_pairs == b->scratch_pairs_cap)
            b->scratch_pairs = grow(b->scratch_pairs, &b->scratch_pairs_cap,
                                    sizeof *b->scratch_pairs);
        b->scratch_pairs[b->nscratch_pairs++] = (cf_pair){f->key, n, false};
        if (cf_is_merge_key(f->key))
            f->has_merge = true;
        f->key = NULL;
    }
}

static cf_style scalar_style(yaml_scalar_style_t s)
{
    switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
        return CF_SINGLE_QUOTED;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        return CF_DOUBLE_QUOTED;
    case YAML_LITERAL_SCALAR_STYLE:
        return CF_LITERAL;
    case YAML_FOLDED_SCALAR_STYLE:
        return CF_FOLDED;
    default:
        return CF_PLAIN;
    }
}

static void scalar(cf_builder *b, const yaml_event_t *ev)
{
    cf_node *n = cf_new_node(b, CF_SCALAR);
    n->anchor = copy_or_null(b, ev->data.scalar.anchor);
    n->tag = copy_or_null(b, ev->data.scalar.tag);
    size_t ps = cf_pos_from_index(b, ev->start_mark.index);
    size_t end = cf_pos_from_index(b, ev->end_mark.index);
    n->props_start = ps;
    n->start = (n->anchor || n->tag) ? cf_pos_skip_props(b, ps, end, n->anchor, n->tag) : ps;
    n->style = scalar_style(ev->data.scalar.style);
    n->quoted = n->style != CF_PLAIN;
    if (n->style == CF_LITERAL || n->style == CF_FOLDED) {
        end = cf_pos_trim_block_end(b, n->start, end);
        /* the header line may end in a comment; the content starts below */
        const char *nl = memchr(b->src->data + n->start, '\n', end - n->start);
        if (nl)
            add_range(b, (size_t)(nl - b->src->data) + 1, end);
    } else {
        add_range(b, n->start, end);
    }
    n->end = end;
    n->value = copy_text(b, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    n->len = ev->data.scalar.length;
    n->expanded = 1;
    if (n->anchor)
        cf_anchor_define(b, n->anchor, n, true);
    attach(b, n);
}

static void alias(cf_builder *b, const yaml_event_t *ev)
{
    size_t start = cf_pos_from_index(b, ev->start_mark.index);
    size_t end = cf_pos_from_index(b, ev->end_mark.index);
    const char *name = ed_arena_strdup(b->arena, (const char *)ev->data.alias.anchor);
    cf_node *n = cf_alias_resolve(b, name, start, end);
    attach(b, n);
}

static void collection_start(cf_builder *b, const yaml_event_t *ev, cf_kind kind)
{
    const yaml_char_t *anchor, *tag;
    bool flow;
    if (kind == CF_MAP) {
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
        flow = ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
    } else {
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
        flow = ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    }
    size_t ps = cf_pos_from_index(b, ev->start_mark.index);
    size_t limit = cf_pos_from_index(b, ev->end_mark.index);
    size_t start = (anchor || tag) ? cf_pos_skip_props(b, ps, limit, (const char *)anchor,
                                                       (const char *)tag)
                                   : ps;
    if (b->depth >= b->max_depth) {
        cf_error *e = cf_add_error(b, CF_ERR_LIMIT, start, cf_pos_next_char(b->src, start),
                                   "nesting deeper than %zu", b->max_depth);
        e->limit = CF_LIMIT_DEPTH;
        b->stopped = true;
        b->y->truncated = true;
        return;
    }
    cf_node *n = cf_new_node(b, kind);
    n->style = flow ? CF_FLOW : CF_BLOCK;
    n->props_start = ps;
    n->start = n->end = start;
    n->anchor = copy_or_null(b, anchor);
    n->tag = copy_or_null(b, tag);
    if (n->anchor)
        cf_anchor_define(b, n->anchor, n, false);
    if (b->depth == b->stack_cap)
        b->stack = grow(b->stack, &b->stack_cap, sizeof *b->stack);
    b->stack[b->depth++] = (cf_frame){
        .node = n,
        .first = kind == CF_MAP ? b->nscratch_pairs : b->nscratch_items,
        .last_end = start,
        .expanded = 1,
    };
}

/* Finishes the top frame; end is the end of a flow collection. */
static void collection_end(cf_builder *b, size_t end)
{
    cf_frame *f = &b->stack[b->depth - 1];
    cf_node *n = f->node;
    n->end = n->style == CF_FLOW ? end : f->last_end;
    if (n->end < n->start)
        n->end = n->start;
    if (n->kind == CF_MAP) {
        f->npairs = b->nscratch_pairs - f->first;
        f->pairs = NULL;
        if (f->npairs) {
            f->pairs = ed_arena_calloc(b->arena, f->npairs, sizeof *f->pairs);
            memcpy(f->pairs, b->scratch_pairs + f->first, f->npairs * sizeof *f->pairs);
        }
        b->nscratch_pairs = f->first;
        cf_map_finish(b, f);
    } else {
        n->nitems = b->nscratch_items - f->first;
        if (n->nitems) {
            n->items = ed_arena_calloc(b->arena, n->nitems, sizeof *n->items);
            memcpy(n->items, b->scratch_items + f->first, n->nitems * sizeof *n->items);
        }
        b->nscratch_items = f->first;
        n->expanded = f->expanded;
    }
    if (n->anchor)
        cf_anchor_complete(b, n->anchor, n);
    b->depth--;
    attach(b, n);
}

static void end_document(cf_builder *b)
{
    if (!b->root)
        return;
    cf_yaml *y = b->y;
    y->docs = ed_arena_push(b->arena, y->docs, y->ndocs, sizeof *y->docs);
    y->docs[y->ndocs++] = b->root;
    b->root = NULL;
}

void cf_tree_event(cf_builder *b, const struct yaml_event_s *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        cf_anchors_reset(&b->anchors);
        b->root = NULL;
        break;
    case YAML_DOCUMENT_END_EVENT:
        end_document(b);
        break;
    case YAML_SCALAR_EVENT:
        scalar(b, ev);
        break;
    case YAML_ALIAS_EVENT:
        alias(b, ev);
        break;
    case YAML_SEQUENCE_START_EVENT:
        collection_start(b, ev, CF_SEQ);
        break;
    case YAML_MAPPING_START_EVENT:
        collection_start(b, ev, CF_MAP);
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (b->depth > 0) {
            const cf_frame *f = &b->stack[b->depth - 1];
            size_t end = f->node->style == CF_FLOW ? cf_pos_from_index(b, ev->end_mark.index)
                                                   : 0;
            collection_end(b, end);
        }
        break;
    default: /* stream start and end */
        break;
    }
}

void cf_tree_close(cf_builder *b, size_t at)
{
    while (b->depth > 0) {
        b->stack[b->depth - 1].key = NULL; /* a key without its value is dropped */
        collection_end(b, at);
    }
    end_document(b);
}
