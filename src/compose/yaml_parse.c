/* cf_yaml_parse: runs libyaml's event parser over the source and builds the
 * tree, then finds the comments. */
#include <stdlib.h>
#include <yaml.h>

#include "yaml_internal.h"

enum { DEFAULT_MAX_DEPTH = 512, DEFAULT_MAX_EXPANDED = 1000000 };

cf_yaml *cf_yaml_parse(ed_arena *arena, const ed_source *src, const cf_limits *limits)
{
    cf_yaml *y = ed_arena_alloc(arena, sizeof *y);
    y->src = src;
    cf_builder b = {0};
    b.arena = arena;
    b.src = src;
    b.y = y;
    b.max_depth = limits && limits->max_depth ? limits->max_depth : DEFAULT_MAX_DEPTH;
    b.max_expanded = limits && limits->max_nodes_expanded ? limits->max_nodes_expanded
                                                          : DEFAULT_MAX_EXPANDED;
    /* libyaml reads the text after a UTF-8 BOM, as UTF-8 only (a UTF-16 file
     * is an error, never silently decoded into other offsets) */
    b.base = src->text_start <= src->len ? src->text_start : src->len;
    b.cur_byte = b.base;
    if (limits && limits->max_bytes && src->len > limits->max_bytes) {
        cf_error *e = cf_add_error(&b, CF_ERR_LIMIT, 0, 0, "file is larger than %zu bytes",
                                   limits->max_bytes);
        e->limit = CF_LIMIT_BYTES;
        y->truncated = true;
        return y;
    }

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        ed_out_of_memory();
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&parser, (const unsigned char *)src->data + b.base,
                                 src->len - b.base);
    while (!b.stopped) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            cf_add_libyaml_error(&b, &parser);
            break;
        }
        bool done = ev.type == YAML_STREAM_END_EVENT;
        cf_tree_event(&b, &ev);
        yaml_event_delete(&ev);
        if (done)
            break;
    }
    if (b.stopped)
        cf_tree_close(&b, y->errors[y->nerrors - 1].start);
    yaml_parser_delete(&parser);

    cf_find_comments(&b);
    free(b.stack);
    free(b.scratch_pairs);
    free(b.scratch_items);
    free(b.ranges);
    cf_anchors_free(&b.anchors);
    cf_keyset_free(&b.keys);
    return y;
}
