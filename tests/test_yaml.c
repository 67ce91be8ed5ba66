/* YAML front end: node tree with positions, scalar styles, anchors, aliases,
 * merge keys, documents, errors, limits, comments and helpers. */
#include "testutil.h"

#include <stdio.h>
#include <time.h>

#include "envdoctor/buf.h"
#include "envdoctor/yaml.h"

typedef struct parsed {
    ed_arena *a;
    ed_source src;
    cf_yaml *y;
} parsed;

static cf_yaml *parse_len(parsed *p, const char *text, size_t len, const cf_limits *limits)
{
    p->a = ed_arena_new();
    char *copy = ed_arena_strndup(p->a, text, len);
    ed_source_init(&p->src, p->a, "t.yaml", copy, len);
    p->y = cf_yaml_parse(p->a, &p->src, limits);
    assert_non_null(p->y);
    return p->y;
}

static cf_yaml *parse(parsed *p, const char *text)
{
    return parse_len(p, text, strlen(text), NULL);
}

static void done(parsed *p)
{
    ed_arena_free(p->a);
}

/* Macros (not functions) so that a failure names the line of the test. */
#define assert_at(p, off, l, c)                                                              \
    do {                                                                                     \
        ed_pos at_ = ed_source_pos(&(p).src, (off));                                         \
        assert_int_equal(at_.line, (l));                                                     \
        assert_int_equal(at_.column, (c));                                                   \
    } while (0)

#define assert_span(p, s, e, l1, c1, l2, c2)                                                 \
    do {                                                                                     \
        assert_at(p, s, l1, c1);                                                             \
        assert_at(p, e, l2, c2);                                                             \
    } while (0)

#define assert_node(p, n, l1, c1, l2, c2) assert_span(p, (n)->start, (n)->end, l1, c1, l2, c2)

#define assert_value(n, s)                                                                   \
    do {                                                                                     \
        assert_non_null(n);                                                                  \
        assert_int_equal((n)->kind, CF_SCALAR);                                              \
        assert_mem_str((n)->value, (n)->len, s);                                             \
    } while (0)

#define assert_no_errors(p)                                                                  \
    do {                                                                                     \
        if ((p).y->nerrors)                                                                  \
            print_error("unexpected error: %s\n", (p).y->errors[0].message);                 \
        assert_int_equal((p).y->nerrors, 0);                                                 \
        assert_false((p).y->truncated);                                                      \
    } while (0)

static const cf_node *doc0(const parsed *p)
{
    assert_true(p->y->ndocs >= 1);
    return p->y->docs[0];
}

static const cf_node *key_of(const cf_node *map, const char *key)
{
    const cf_pair *pair = cf_map_pair(map, key);
    assert_non_null(pair);
    return pair->key;
}

/* --- block and flow structure ------------------------------------------- */

static void test_block_map_positions(void **state)
{
    parsed p;
    parse(&p, "image: nvidia/cuda:12.4.1-base\n"
              "runtime: nvidia\n");
    assert_no_errors(p);
    assert_int_equal(p.y->ndocs, 1);
    const cf_node *root = doc0(&p);
    assert_int_equal(root->kind, CF_MAP);
    assert_int_equal(root->style, CF_BLOCK);
    assert_int_equal(root->npairs, 2);
    assert_node(p, root, 1, 1, 2, 16);
    assert_node(p, key_of(root, "image"), 1, 1, 1, 6);
    assert_node(p, cf_map_get(root, "image"), 1, 8, 1, 31);
    assert_value(cf_map_get(root, "image"), "nvidia/cuda:12.4.1-base");
    assert_node(p, key_of(root, "runtime"), 2, 1, 2, 8);
    assert_node(p, cf_map_get(root, "runtime"), 2, 10, 2, 16);
    assert_false(root->pairs[0].merged);
    done(&p);
}

static void test_block_seq_positions(void **state)
{
    parsed p;
    parse(&p, "- a\n"
              "- bb\n"
              "-\n"
              "  - c\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    assert_int_equal(root->kind, CF_SEQ);
    assert_int_equal(root->style, CF_BLOCK);
    assert_int_equal(root->nitems, 3);
    assert_node(p, root, 1, 1, 4, 6);
    assert_node(p, root->items[0], 1, 3, 1, 4);
    assert_value(root->items[1], "bb");
    assert_node(p, root->items[1], 2, 3, 2, 5);
    const cf_node *inner = root->items[2];
    assert_int_equal(inner->kind, CF_SEQ);
    assert_node(p, inner, 4, 3, 4, 6);
    assert_value(inner->items[0], "c");
    assert_node(p, inner->items[0], 4, 5, 4, 6);
    done(&p);
}

static void test_block_seq_of_maps(void **state)
{
    parsed p;
    parse(&p, "devices:\n"
              "  - driver: nvidia\n"
              "    count: 1\n"
              "  - capabilities: [gpu]\n");
    assert_no_errors(p);
    const cf_node *devs = cf_map_get(doc0(&p), "devices");
    assert_int_equal(devs->kind, CF_SEQ);
    assert_int_equal(devs->nitems, 2);
    assert_node(p, devs, 2, 3, 4, 24);
    const cf_node *d0 = devs->items[0];
    assert_int_equal(d0->kind, CF_MAP);
    assert_node(p, d0, 2, 5, 3, 13);
    assert_node(p, key_of(d0, "count"), 3, 5, 3, 10);
    const cf_node *caps = cf_map_get(devs->items[1], "capabilities");
    assert_int_equal(caps->style, CF_FLOW);
    assert_node(p, caps, 4, 19, 4, 24);
    done(&p);
}

static void test_flow_map_positions(void **state)
{
    parsed p;
    parse(&p, "{a: 1, b: [x, \"y\"]}\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    assert_int_equal(root->kind, CF_MAP);
    assert_int_equal(root->style, CF_FLOW);
    assert_node(p, root, 1, 1, 1, 20);
    assert_node(p, key_of(root, "a"), 1, 2, 1, 3);
    assert_node(p, cf_map_get(root, "a"), 1, 5, 1, 6);
    const cf_node *b = cf_map_get(root, "b");
    assert_int_equal(b->kind, CF_SEQ);
    assert_int_equal(b->style, CF_FLOW);
    assert_node(p, b, 1, 11, 1, 19);
    assert_node(p, b->items[0], 1, 12, 1, 13);
    assert_node(p, b->items[1], 1, 15, 1, 18);
    assert_true(b->items[1]->quoted);
    done(&p);
}

static void test_flow_implicit_values(void **state)
{
    parsed p;
    parse(&p, "{a, b: }\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    assert_int_equal(root->npairs, 2);
    const cf_node *a = cf_map_get(root, "a");
    assert_true(cf_is_null(a));
    assert_int_equal(a->start, a->end);
    assert_at(p, a->start, 1, 3);
    assert_true(cf_is_null(cf_map_get(root, "b")));
    done(&p);
}

static void test_nested_flow_in_block(void **state)
{
    parsed p;
    parse(&p, "a:\n"
              "  b: {c: [1, {d: e}]}\n");
    assert_no_errors(p);
    const cf_node *b = cf_map_get(cf_map_get(doc0(&p), "a"), "b");
    const cf_node *c = cf_map_get(b, "c");
    const cf_node *d = cf_map_get(c->items[1], "d");
    assert_value(d, "e");
    assert_node(p, d, 2, 18, 2, 19);
    assert_node(p, b, 2, 6, 2, 22);
    done(&p);
}

static void test_complex_key(void **state)
{
    parsed p;
    parse(&p, "? [a]\n"
              ": b\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    assert_int_equal(root->npairs, 1);
    assert_int_equal(root->pairs[0].key->kind, CF_SEQ);
    assert_node(p, root->pairs[0].key, 1, 3, 1, 6);
    assert_null(cf_map_get(root, "a"));
    assert_value(root->pairs[0].value, "b");
    done(&p);
}

static void test_block_end_excludes_trailing_comment(void **state)
{
    parsed p;
    parse(&p, "svc:\n"
              "  image: x\n"
              "\n"
              "# next\n"
              "other: 1\n");
    assert_no_errors(p);
    assert_node(p, cf_map_get(doc0(&p), "svc"), 2, 3, 2, 11);
    done(&p);
}

/* --- scalar styles ------------------------------------------------------- */

static void test_plain_multiline(void **state)
{
    parsed p;
    parse(&p, "k: first\n"
              "  second   line\n"
              "z: 1\n");
    assert_no_errors(p);
    const cf_node *k = cf_map_get(doc0(&p), "k");
    assert_value(k, "first second   line");
    assert_int_equal(k->style, CF_PLAIN);
    assert_false(k->quoted);
    assert_node(p, k, 1, 4, 2, 16);
    done(&p);
}

static void test_single_quoted(void **state)
{
    parsed p;
    parse(&p, "a: 'it''s # x'\n");
    assert_no_errors(p);
    const cf_node *a = cf_map_get(doc0(&p), "a");
    assert_value(a, "it's # x");
    assert_int_equal(a->style, CF_SINGLE_QUOTED);
    assert_true(a->quoted);
    assert_node(p, a, 1, 4, 1, 15);
    assert_int_equal(p.y->ncomments, 0);
    done(&p);
}

static void test_double_quoted_escapes(void **state)
{
    parsed p;
    parse(&p, "a: \"t\\tb\\u00e9\\x41\\n\"\n"
              "b: \"x\\0y\"\n");
    assert_no_errors(p);
    const cf_node *a = cf_map_get(doc0(&p), "a");
    assert_value(a, "t\tb\xC3\xA9" "A\n");
    assert_int_equal(a->style, CF_DOUBLE_QUOTED);
    assert_node(p, a, 1, 4, 1, 22);
    const cf_node *b = cf_map_get(doc0(&p), "b");
    assert_int_equal(b->len, 3); /* a NUL byte inside */
    assert_memory_equal(b->value, "x\0y", 4);
    done(&p);
}

static void test_double_quoted_multiline(void **state)
{
    parsed p;
    parse(&p, "a: \"one\n"
              "   two\"\n");
    assert_no_errors(p);
    const cf_node *a = cf_map_get(doc0(&p), "a");
    assert_value(a, "one two");
    assert_node(p, a, 1, 4, 2, 8);
    done(&p);
}

static void test_literal_and_folded(void **state)
{
    parsed p;
    parse(&p, "s: |\n"
              "  one\n"
              "   two # not\n"
              "\n"
              "t: >-\n"
              "  f1\n"
              "  f2\n"
              "\n"
              "  f3\n"
              "u: 1\n");
    assert_no_errors(p);
    const cf_node *s = cf_map_get(doc0(&p), "s");
    assert_value(s, "one\n two # not\n");
    assert_int_equal(s->style, CF_LITERAL);
    assert_true(s->quoted);
    assert_node(p, s, 1, 4, 3, 13);
    const cf_node *t = cf_map_get(doc0(&p), "t");
    assert_value(t, "f1 f2\nf3");
    assert_int_equal(t->style, CF_FOLDED);
    assert_node(p, t, 5, 4, 9, 5);
    assert_int_equal(p.y->ncomments, 0);
    done(&p);
}

static void test_block_scalar_keep_and_empty(void **state)
{
    parsed p;
    parse(&p, "k: |+\n"
              "  a\n"
              "\n"
              "e: |\n"
              "f: >2\n"
              "   x\n");
    assert_no_errors(p);
    const cf_node *k = cf_map_get(doc0(&p), "k");
    assert_value(k, "a\n\n");
    assert_node(p, k, 1, 4, 2, 4);
    const cf_node *e = cf_map_get(doc0(&p), "e");
    assert_value(e, "");
    assert_false(cf_is_null(e)); /* a block scalar is a string */
    assert_node(p, e, 4, 4, 4, 5);
    const cf_node *f = cf_map_get(doc0(&p), "f");
    assert_value(f, " x\n");
    assert_node(p, f, 5, 4, 6, 5);
    done(&p);
}

static void test_block_scalar_header_comment(void **state)
{
    parsed p;
    parse(&p, "s: |  # hdr\n"
              "  x # in text\n"
              "  # still text\n");
    assert_no_errors(p);
    const cf_node *s = cf_map_get(doc0(&p), "s");
    assert_value(s, "x # in text\n# still text\n");
    assert_node(p, s, 1, 4, 3, 15);
    assert_int_equal(p.y->ncomments, 1);
    assert_string_equal(p.y->comments[0].text, "hdr");
    assert_int_equal(p.y->comments[0].line, 1);
    done(&p);
}

static void test_empty_values_and_nulls(void **state)
{
    parsed p;
    parse(&p, "a:\n"
              "b: ~\n"
              "c: null\n"
              "d: ''\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    const cf_node *a = cf_map_get(root, "a");
    assert_non_null(a);
    assert_true(cf_is_null(a));
    assert_int_equal(a->start, a->end);
    assert_at(p, a->start, 1, 3);
    assert_true(cf_is_null(cf_map_get(root, "b")));
    assert_true(cf_is_null(cf_map_get(root, "c")));
    assert_false(cf_is_null(cf_map_get(root, "d")));
    assert_true(cf_is_string(cf_map_get(root, "d")));
    done(&p);
}

static void test_multibyte_positions(void **state)
{
    parsed p;
    parse(&p, "\xC3\xA9: \"\xC3\xBC\xE2\x82\xAC" "x\"\n"
              "b: \xF0\x9F\x98\x80 ok\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    const cf_pair *e = &root->pairs[0];
    assert_mem_str(e->key->value, e->key->len, "\xC3\xA9");
    assert_int_equal(e->key->start, 0);
    assert_int_equal(e->key->end, 2);
    assert_int_equal(e->value->start, 4); /* bytes */
    assert_int_equal(e->value->end, 12);
    assert_node(p, e->value, 1, 4, 1, 9); /* code points */
    const cf_node *b = cf_map_get(root, "b");
    assert_int_equal(b->start, 16);
    assert_int_equal(b->end, 23);
    assert_node(p, b, 2, 4, 2, 8);
    done(&p);
}

static void test_bom_and_crlf(void **state)
{
    parsed p;
    parse(&p, "\xEF\xBB\xBF" "a: 1\r\n"
              "b: two # c\r\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    assert_int_equal(key_of(root, "a")->start, 3);
    assert_node(p, key_of(root, "a"), 1, 1, 1, 2);
    assert_node(p, cf_map_get(root, "b"), 2, 4, 2, 7);
    assert_value(cf_map_get(root, "b"), "two");
    assert_int_equal(p.y->ncomments, 1);
    const cf_comment *c = &p.y->comments[0];
    assert_string_equal(c->text, "c");
    assert_int_equal(c->line, 2);
    assert_int_equal(p.src.data[c->end], '\r');
    done(&p);
}

static void test_tags(void **state)
{
    parsed p;
    parse(&p, "a: !reset\n"
              "b: !override [x]\n"
              "c: !!str 12\n"
              "d: !!int \"7\"\n"
              "e: ! 12\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    const cf_node *a = cf_map_get(root, "a");
    assert_string_equal(a->tag, "!reset");
    assert_value(a, "");
    assert_false(cf_is_null(a)); /* a local tag makes it a string */
    const cf_node *b = cf_map_get(root, "b");
    assert_string_equal(b->tag, "!override");
    assert_int_equal(b->kind, CF_SEQ);
    assert_node(p, b, 2, 14, 2, 17);
    assert_at(p, b->props_start, 2, 4);
    const cf_node *c = cf_map_get(root, "c");
    assert_string_equal(c->tag, "tag:yaml.org,2002:str");
    assert_false(cf_scalar_int(c, NULL));
    assert_string_equal(cf_type_name(c), "string");
    long long v = 0;
    assert_true(cf_scalar_int(cf_map_get(root, "d"), &v));
    assert_int_equal(v, 7);
    assert_string_equal(cf_map_get(root, "e")->tag, "!");
    assert_false(cf_scalar_int(cf_map_get(root, "e"), NULL));
    assert_null(cf_map_get(root, "b")->anchor);
    done(&p);
}

static void test_properties_positions(void **state)
{
    parsed p;
    parse(&p, "a: &x !!str foo\n"
              "m: &m # c\n"
              "  k: v\n"
              "s: &s [1]\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    const cf_node *a = cf_map_get(root, "a");
    assert_string_equal(a->anchor, "x");
    assert_node(p, a, 1, 13, 1, 16);
    assert_at(p, a->props_start, 1, 4);
    const cf_node *m = cf_map_get(root, "m");
    assert_node(p, m, 3, 3, 3, 7);
    assert_at(p, m->props_start, 2, 4);
    const cf_node *s = cf_map_get(root, "s");
    assert_node(p, s, 4, 7, 4, 10);
    assert_int_equal(p.y->ncomments, 1);
    assert_int_equal(p.y->comments[0].line, 2);
    done(&p);
}

/* --- anchors and aliases ------------------------------------------------- */

static void test_alias_scalar(void **state)
{
    parsed p;
    parse(&p, "a: &x val\n"
              "b: *x\n");
    assert_no_errors(p);
    const cf_node *a = cf_map_get(doc0(&p), "a");
    const cf_node *b = cf_map_get(doc0(&p), "b");
    assert_false(a->alias);
    assert_true(b->alias);
    assert_ptr_equal(b->target, a);
    assert_value(b, "val");
    assert_string_equal(b->anchor, "x");
    assert_span(p, b->alias_start, b->alias_end, 2, 4, 2, 6);
    assert_node(p, b, 1, 7, 1, 10); /* the anchored text */
    size_t s, e;
    cf_node_site(b, &s, &e);
    assert_span(p, s, e, 2, 4, 2, 6);
    cf_node_site(a, &s, &e);
    assert_span(p, s, e, 1, 7, 1, 10);
    done(&p);
}

static void test_alias_shares_map(void **state)
{
    parsed p;
    parse(&p, "base: &b {k: v, n: [1, 2]}\n"
              "use: *b\n"
              "again: *b\n");
    assert_no_errors(p);
    const cf_node *base = cf_map_get(doc0(&p), "base");
    const cf_node *use = cf_map_get(doc0(&p), "use");
    assert_int_equal(use->kind, CF_MAP);
    assert_true(use->alias);
    assert_ptr_equal(use->pairs, base->pairs); /* shared, not copied */
    assert_int_equal(use->npairs, 2);
    assert_value(cf_map_get(use, "k"), "v");
    assert_span(p, use->alias_start, use->alias_end, 2, 6, 2, 8);
    assert_int_equal(base->expanded, 7);
    assert_int_equal(p.y->alias_expansion, 14);
    done(&p);
}

static void test_unknown_alias(void **state)
{
    parsed p;
    parse(&p, "a: *nope\n"
              "b: 1\n");
    assert_int_equal(p.y->nerrors, 1);
    const cf_error *e = &p.y->errors[0];
    assert_int_equal(e->kind, CF_ERR_ALIAS);
    assert_string_equal(e->message, "unknown alias *nope");
    assert_span(p, e->start, e->end, 1, 4, 1, 9);
    assert_false(p.y->truncated);
    const cf_node *a = cf_map_get(doc0(&p), "a");
    assert_true(a->alias);
    assert_null(a->target);
    assert_true(cf_is_null(a));
    assert_value(cf_map_get(doc0(&p), "b"), "1"); /* parsing went on */
    done(&p);
}

static void test_recursive_alias(void **state)
{
    parsed p;
    parse(&p, "a: &a [1, *a]\n");
    assert_int_equal(p.y->nerrors, 1);
    const cf_error *e = &p.y->errors[0];
    assert_int_equal(e->kind, CF_ERR_ALIAS);
    assert_string_equal(e->message, "alias *a is inside the node it refers to");
    assert_span(p, e->start, e->end, 1, 11, 1, 13);
    assert_at(p, e->related, 1, 4);
    const cf_node *a = cf_map_get(doc0(&p), "a");
    assert_int_equal(a->nitems, 2);
    assert_null(a->items[1]->target);
    done(&p);
}

static void test_anchor_redefined(void **state)
{
    parsed p;
    parse(&p, "a: &x 1\n"
              "b: &x 2\n"
              "c: *x\n");
    assert_no_errors(p);
    assert_value(cf_map_get(doc0(&p), "c"), "2");
    done(&p);
}

static void test_anchors_per_document(void **state)
{
    parsed p;
    parse(&p, "a: &x 1\n"
              "---\n"
              "b: *x\n");
    assert_int_equal(p.y->ndocs, 2);
    assert_int_equal(p.y->nerrors, 1);
    assert_string_equal(p.y->errors[0].message, "unknown alias *x");
    assert_at(p, p.y->errors[0].start, 3, 4);
    done(&p);
}

/* --- merge keys ---------------------------------------------------------- */

static void test_merge_single(void **state)
{
    parsed p;
    parse(&p, "base: &base\n"
              "  image: img\n"
              "  runtime: nvidia\n"
              "svc:\n"
              "  <<: *base\n"
              "  runtime: runc\n");
    assert_no_errors(p);
    const cf_node *svc = cf_map_get(doc0(&p), "svc");
    assert_int_equal(svc->npairs, 2);
    assert_null(cf_map_get(svc, "<<"));
    assert_true(svc->pairs[0].merged);
    assert_value(svc->pairs[0].key, "image");
    assert_node(p, svc->pairs[0].key, 2, 3, 2, 8); /* where the merged key is written */
    assert_false(svc->pairs[1].merged);
    assert_value(cf_map_get(svc, "runtime"), "runc");
    assert_value(cf_map_get(svc, "image"), "img");
    assert_int_equal(svc->expanded, 5);
    done(&p);
}

static void test_merge_list_order(void **state)
{
    parsed p;
    parse(&p, "a: &a {x: a, y: a}\n"
              "b: &b {x: b, z: b}\n"
              "c:\n"
              "  <<: [*a, *b]\n"
              "  y: c\n");
    assert_no_errors(p);
    const cf_node *c = cf_map_get(doc0(&p), "c");
    assert_int_equal(c->npairs, 3);
    assert_value(c->pairs[0].key, "x");
    assert_value(c->pairs[0].value, "a"); /* the earlier source wins */
    assert_true(c->pairs[0].merged);
    assert_value(c->pairs[1].key, "z");
    assert_value(c->pairs[1].value, "b");
    assert_value(c->pairs[2].key, "y");
    assert_value(c->pairs[2].value, "c"); /* the explicit key wins */
    assert_false(c->pairs[2].merged);
    done(&p);
}

static void test_merge_explicit_before(void **state)
{
    parsed p;
    parse(&p, "a: &a {x: a, y: a}\n"
              "d:\n"
              "  y: d\n"
              "  <<: *a\n");
    assert_no_errors(p);
    const cf_node *d = cf_map_get(doc0(&p), "d");
    assert_int_equal(d->npairs, 2);
    assert_value(d->pairs[0].value, "d");
    assert_false(d->pairs[0].merged);
    assert_value(d->pairs[1].key, "x");
    assert_true(d->pairs[1].merged);
    done(&p);
}

static void test_merge_nested(void **state)
{
    parsed p;
    parse(&p, "a: &a {x: 1}\n"
              "b: &b {<<: *a, y: 2}\n"
              "c: {<<: *b, z: 3}\n");
    assert_no_errors(p);
    const cf_node *b = cf_map_get(doc0(&p), "b");
    assert_int_equal(b->npairs, 2);
    assert_true(b->pairs[0].merged);
    assert_false(b->pairs[1].merged);
    const cf_node *c = cf_map_get(doc0(&p), "c");
    assert_int_equal(c->npairs, 3);
    assert_value(cf_map_get(c, "x"), "1");
    assert_value(cf_map_get(c, "y"), "2");
    assert_true(c->pairs[0].merged);
    assert_true(c->pairs[1].merged);
    assert_false(c->pairs[2].merged);
    assert_node(p, cf_map_pair(c, "x")->key, 1, 8, 1, 9);
    done(&p);
}

static void test_merge_inline_map(void **state)
{
    parsed p;
    parse(&p, "c: {<<: {x: 1}, y: 2}\n");
    assert_no_errors(p);
    const cf_node *c = cf_map_get(doc0(&p), "c");
    assert_int_equal(c->npairs, 2);
    assert_true(cf_map_pair(c, "x")->merged);
    done(&p);
}

static void test_merge_errors(void **state)
{
    parsed p;
    parse(&p, "a: {<<: 1}\n"
              "x: &x [1]\n"
              "b: {<<: [*x]}\n"
              "c: {<<: }\n");
    assert_int_equal(p.y->nerrors, 3);
    const cf_error *e = p.y->errors;
    assert_int_equal(e[0].kind, CF_ERR_MERGE);
    assert_string_equal(e[0].message, "merge key << needs a map or a list of maps, not a number");
    assert_span(p, e[0].start, e[0].end, 1, 9, 1, 10);
    assert_string_equal(e[1].message, "merge key << needs a map or a list of maps, not a list");
    assert_span(p, e[1].start, e[1].end, 3, 10, 3, 12); /* the alias */
    assert_string_equal(e[2].message, "merge key << needs a map or a list of maps, not null");
    assert_int_equal(cf_map_get(doc0(&p), "a")->npairs, 0);
    assert_false(p.y->truncated);
    done(&p);
}

static void test_merge_quoted_key_is_not_merge(void **state)
{
    parsed p;
    parse(&p, "a: {\"<<\": {x: 1}, !!str <<: 2}\n");
    assert_int_equal(p.y->nerrors, 1); /* the same key twice */
    const cf_node *a = cf_map_get(doc0(&p), "a");
    assert_int_equal(a->npairs, 2);
    assert_int_equal(cf_map_get(a, "<<")->kind, CF_MAP);
    assert_false(a->pairs[0].merged);
    done(&p);
}

/* --- duplicate keys ------------------------------------------------------ */

static void test_duplicate_keys(void **state)
{
    parsed p;
    parse(&p, "a: 1\n"
              "b: 2\n"
              "a: 3\n");
    assert_int_equal(p.y->nerrors, 1);
    const cf_error *e = &p.y->errors[0];
    assert_int_equal(e->kind, CF_ERR_DUPLICATE);
    assert_string_equal(e->message, "duplicate key \"a\" (first at line 1, column 1)");
    assert_span(p, e->start, e->end, 3, 1, 3, 2);
    assert_int_equal(e->related, 0);
    assert_false(p.y->truncated);
    assert_int_equal(doc0(&p)->npairs, 3); /* both kept */
    assert_value(cf_map_get(doc0(&p), "a"), "1");
    done(&p);
}

static void test_duplicate_keys_large_map(void **state)
{
    parsed p;
    parse(&p, "k0: 0\nk1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\nk7: 7\nk8: 8\nk9: 9\n"
              "\"k3\": again\n"
              "<<: {k1: m, new: m}\n"
              "<<: {}\n");
    assert_int_equal(p.y->nerrors, 2);
    assert_string_equal(p.y->errors[0].message, "duplicate key \"k3\" (first at line 4, column 1)");
    assert_span(p, p.y->errors[0].start, p.y->errors[0].end, 11, 1, 11, 5);
    assert_string_equal(p.y->errors[1].message, "duplicate key \"<<\" (first at line 12, column 1)");
    const cf_node *root = doc0(&p);
    assert_int_equal(root->npairs, 12);
    assert_value(cf_map_get(root, "k1"), "1");
    assert_value(cf_map_get(root, "new"), "m");
    done(&p);
}

static void test_duplicate_merged_is_fine(void **state)
{
    parsed p;
    parse(&p, "a: &a {image: x, gpus: all}\n"
              "b:\n"
              "  <<: *a\n"
              "  image: y\n");
    assert_no_errors(p);
    assert_value(cf_map_get(cf_map_get(doc0(&p), "b"), "image"), "y");
    done(&p);
}

/* --- documents ----------------------------------------------------------- */

static void test_documents(void **state)
{
    parsed p;
    parse(&p, "a: 1\n"
              "---\n"
              "b: 2\n"
              "--- \n"
              "...\n"
              "---\n"
              "[x]\n");
    assert_no_errors(p);
    assert_int_equal(p.y->ndocs, 4);
    assert_value(cf_map_get(p.y->docs[0], "a"), "1");
    assert_node(p, key_of(p.y->docs[1], "b"), 3, 1, 3, 2);
    assert_true(cf_is_null(p.y->docs[2])); /* an empty document */
    assert_non_null(p.y->docs[2]);
    assert_int_equal(p.y->docs[3]->kind, CF_SEQ);
    done(&p);
}

static void test_empty_stream(void **state)
{
    parsed p;
    parse(&p, "");
    assert_no_errors(p);
    assert_int_equal(p.y->ndocs, 0);
    done(&p);
    parse(&p, "# only a comment\n\n");
    assert_no_errors(p);
    assert_int_equal(p.y->ndocs, 0);
    assert_int_equal(p.y->ncomments, 1);
    done(&p);
    parse(&p, "---\n");
    assert_int_equal(p.y->ndocs, 1);
    assert_true(cf_is_null(p.y->docs[0]));
    done(&p);
}

/* --- syntax errors ------------------------------------------------------- */

static const cf_error *only_error(const parsed *p, cf_error_kind kind)
{
    assert_int_equal(p->y->nerrors, 1);
    assert_int_equal(p->y->errors[0].kind, kind);
    return &p->y->errors[0];
}

static void test_error_mapping_values(void **state)
{
    parsed p;
    parse(&p, "a: 1\n"
              "b: c: d\n");
    const cf_error *e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "mapping values are not allowed in this context");
    assert_span(p, e->start, e->end, 2, 5, 2, 6);
    assert_int_equal(e->related, CF_NO_POS);
    assert_true(p.y->truncated);
    /* what came before the error is kept */
    assert_int_equal(p.y->ndocs, 1);
    assert_value(cf_map_get(doc0(&p), "a"), "1");
    assert_value(cf_map_get(doc0(&p), "b"), "c");
    done(&p);
}

static void test_error_unclosed_flow(void **state)
{
    parsed p;
    parse(&p, "a: [1, 2\n");
    const cf_error *e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "did not find expected ',' or ']' (while parsing a flow "
                                    "sequence started at line 1, column 4)");
    assert_span(p, e->start, e->end, 2, 1, 2, 1);
    assert_at(p, e->related, 1, 4);
    const cf_node *a = cf_map_get(doc0(&p), "a");
    assert_int_equal(a->nitems, 2); /* closed at the error */
    done(&p);
}

static void test_error_unterminated_quote(void **state)
{
    parsed p;
    parse(&p, "a: \"unterminated\n");
    const cf_error *e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "found unexpected end of stream (while scanning a quoted "
                                    "scalar started at line 1, column 4)");
    assert_at(p, e->start, 2, 1);
    done(&p);
}

static void test_error_bad_indentation(void **state)
{
    parsed p;
    parse(&p, "a:\n"
              "  b: 1\n"
              " c: 2\n");
    const cf_error *e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "did not find expected key (while parsing a block mapping "
                                    "started at line 1, column 1)");
    assert_span(p, e->start, e->end, 3, 2, 3, 3);
    assert_value(cf_map_get(cf_map_get(doc0(&p), "a"), "b"), "1");
    done(&p);
}

static void test_error_tab_indentation(void **state)
{
    parsed p;
    parse(&p, "a:\n"
              "\tb: 1\n");
    const cf_error *e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "found character that cannot start any token (while "
                                    "scanning for the next token)");
    assert_span(p, e->start, e->end, 2, 1, 2, 2);
    done(&p);
}

static void test_error_bad_anchor(void **state)
{
    parsed p;
    parse(&p, "\xC3\xA9: &x! b\n");
    const cf_error *e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "did not find expected alphabetic or numeric character "
                                    "(while scanning an anchor started at line 1, column 4)");
    assert_int_equal(e->start, 6); /* after a two-byte character */
    assert_span(p, e->start, e->end, 1, 6, 1, 7);
    done(&p);
}

static void test_error_invalid_utf8(void **state)
{
    parsed p;
    parse(&p, "a: b\n\xFF\n");
    const cf_error *e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "invalid leading UTF-8 octet (byte 0xFF)");
    assert_int_equal(e->start, 5);
    assert_int_equal(e->end, 6);
    assert_true(p.y->truncated);
    done(&p);
    parse(&p, "a: \xC3\n");
    e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "invalid trailing UTF-8 octet (byte 0x0A)");
    assert_int_equal(e->start, 3); /* the sequence's first byte */
    done(&p);
}

static void test_error_invalid_utf8_far(void **state)
{
    ed_buf b = ED_BUF_INIT;
    for (int i = 0; i < 5000; i++)
        ed_buf_printf(&b, "k%d: value\n", i);
    size_t bad = b.len + 3;
    ed_buf_adds(&b, "x: \xE2\x82" "z\n");
    parsed p;
    parse_len(&p, b.data, b.len, NULL);
    const cf_error *e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "invalid trailing UTF-8 octet (byte 0x7A)");
    assert_int_equal(e->start, bad);
    assert_at(p, e->start, 5001, 4);
    done(&p);
    ed_buf_free(&b);
}

static void test_error_nul_byte(void **state)
{
    parsed p;
    parse_len(&p, "a: b\0c\n", 7, NULL);
    const cf_error *e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "control characters are not allowed (U+0000)");
    assert_int_equal(e->start, 4);
    assert_int_equal(e->end, 5);
    done(&p);
}

static void test_error_utf16(void **state)
{
    parsed p;
    parse_len(&p, "\xFF\xFE" "a\0:\0 \0b\0", 10, NULL);
    const cf_error *e = only_error(&p, CF_ERR_SYNTAX);
    assert_string_equal(e->message, "invalid leading UTF-8 octet (byte 0xFF)");
    assert_int_equal(e->start, 0);
    assert_int_equal(p.y->ndocs, 0);
    done(&p);
}

/* --- limits -------------------------------------------------------------- */

static void test_alias_bomb(void **state)
{
    ed_buf b = ED_BUF_INIT;
    ed_buf_adds(&b, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
        ed_buf_printf(&b, "a%d: &a%d [", i, i);
        for (int j = 0; j < 10; j++)
            ed_buf_printf(&b, "%s*a%d", j ? ", " : "", i - 1);
        ed_buf_adds(&b, "]\n");
    }
    parsed p;
    parse_len(&p, b.data, b.len, NULL);
    const cf_error *e = only_error(&p, CF_ERR_LIMIT);
    assert_string_equal(e->message, "alias expansion exceeds 1000000 nodes");
    /* the 8th alias of the 6th line tips it over: 123440 + 8 * 111111 */
    assert_span(p, e->start, e->end, 6, 45, 6, 48);
    assert_true(p.y->truncated);
    assert_true(ed_arena_used(p.a) < 256 * 1024);
    done(&p);
    ed_buf_free(&b);
}

static void test_alias_budget_custom(void **state)
{
    cf_limits lim = {.max_nodes_expanded = 10};
    parsed p;
    const char *text = "a: &a [1, 2, 3]\nb: *a\nc: *a\nd: *a\n";
    parse_len(&p, text, strlen(text), &lim);
    const cf_error *e = only_error(&p, CF_ERR_LIMIT);
    assert_string_equal(e->message, "alias expansion exceeds 10 nodes");
    assert_at(p, e->start, 4, 4); /* 4 + 4 + 4 > 10 */
    assert_int_equal(p.y->alias_expansion, 12);
    done(&p);
}

static char *repeat(const char *s, size_t n, const char *tail)
{
    ed_buf b = ED_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        ed_buf_adds(&b, s);
    ed_buf_adds(&b, tail);
    return ed_buf_take(&b);
}

static void test_deep_flow_sequences(void **state)
{
    char *open = repeat("[", 10000, "");
    char *text = repeat("]", 10000, "\n");
    ed_buf b = ED_BUF_INIT;
    ed_buf_adds(&b, open);
    ed_buf_adds(&b, text);
    parsed p;
    parse_len(&p, b.data, b.len, NULL);
    const cf_error *e = only_error(&p, CF_ERR_LIMIT);
    assert_string_equal(e->message, "nesting deeper than 512");
    assert_span(p, e->start, e->end, 1, 513, 1, 514);
    assert_int_equal(p.y->nodes, 512);
    assert_int_equal(p.y->ndocs, 1);
    done(&p);
    free(open);
    free(text);
    ed_buf_free(&b);
}

static void test_deep_flow_maps(void **state)
{
    char *text = repeat("a: {", 10000, "");
    parsed p;
    parse(&p, text);
    const cf_error *e = only_error(&p, CF_ERR_LIMIT);
    assert_string_equal(e->message, "nesting deeper than 512");
    /* the block map at the root is level 1: the 512th '{' is level 513 */
    assert_at(p, e->start, 1, 2048);
    done(&p);
    free(text);
}

static void test_deep_block_maps(void **state)
{
    ed_buf b = ED_BUF_INIT;
    for (int i = 0; i < 600; i++)
        ed_buf_printf(&b, "%*sa:\n", i, "");
    parsed p;
    parse_len(&p, b.data, b.len, NULL);
    const cf_error *e = only_error(&p, CF_ERR_LIMIT);
    assert_at(p, e->start, 513, 513);
    done(&p);
    ed_buf_free(&b);
}

static void test_depth_limit_boundary(void **state)
{
    char *open = repeat("[", 512, "");
    char *close = repeat("]", 512, "\n");
    ed_buf b = ED_BUF_INIT;
    ed_buf_adds(&b, open);
    ed_buf_adds(&b, close);
    parsed p;
    parse_len(&p, b.data, b.len, NULL);
    assert_no_errors(p);
    done(&p);
    cf_limits lim = {.max_depth = 3};
    parse_len(&p, "a: [[x]]\n", 9, &lim); /* the root map is level 1 */
    assert_no_errors(p);
    done(&p);
    parse_len(&p, "a: [[[x]]]\n", 11, &lim);
    assert_int_equal(p.y->nerrors, 1);
    assert_string_equal(p.y->errors[0].message, "nesting deeper than 3");
    assert_at(p, p.y->errors[0].start, 1, 6);
    done(&p);
    free(open);
    free(close);
    ed_buf_free(&b);
}

static void test_max_bytes(void **state)
{
    cf_limits lim = {.max_bytes = 10};
    parsed p;
    parse_len(&p, "services: {a: {image: x}}\n", 26, &lim);
    const cf_error *e = only_error(&p, CF_ERR_LIMIT);
    assert_string_equal(e->message, "file is larger than 10 bytes");
    assert_int_equal(p.y->ndocs, 0);
    assert_true(p.y->truncated);
    done(&p);
}

static void test_large_file(void **state)
{
    ed_buf b = ED_BUF_INIT;
    ed_buf_adds(&b, "x-gpu: &gpu\n"
                    "  deploy: {resources: {reservations: {devices: [{driver: nvidia, count: 1, "
                    "capabilities: [gpu]}]}}}\n"
                    "services:\n");
    int n = 0;
    while (b.len < 5u * 1024 * 1024) {
        ed_buf_printf(&b,
                      "  svc%d:  # service %d\n"
                      "    <<: *gpu\n"
                      "    image: \"nvidia/cuda:12.4.1-runtime-ubuntu22.04\"\n"
                      "    command: [\"python\", \"train.py\", \"--epochs\", \"%d\"]\n"
                      "    environment:\n"
                      "      NVIDIA_VISIBLE_DEVICES: all\n"
                      "      KEY_%d: 'value # %d'\n",
                      n, n, n, n, n);
        n++;
    }
    parsed p;
    parse_len(&p, b.data, b.len, NULL);
    assert_no_errors(p);
    const cf_node *services = cf_map_get(doc0(&p), "services");
    assert_int_equal(services->npairs, n);
    const cf_pair *last = &services->pairs[n - 1];
    assert_at(p, last->key->start, 3 + 7 * (n - 1) + 1, 3);
    const cf_node *env = cf_map_get(last->value, "environment");
    const cf_node *kv = env->pairs[1].value;
    char num[32];
    int digits = snprintf(num, sizeof num, "%d", n - 1);
    assert_at(p, kv->start, 3 + 7 * n, 7 + 4 + (unsigned)digits + 2);
    assert_true(cf_map_pair(last->value, "deploy")->merged);
    assert_int_equal(p.y->ncomments, n);
    assert_int_equal(p.y->comments[n - 1].line, 3 + 7 * (n - 1) + 1);
    done(&p);
    ed_buf_free(&b);
}

/* --- comments ------------------------------------------------------------ */

static void test_comments(void **state)
{
    parsed p;
    parse(&p, "# head\n"
              "services:   # top\n"
              "  gpu:\n"
              "    runtime: nvidia # env-doctor ignore=ED401\n"
              "    image: \"a # b\"  #   real  \n"
              "    label: a#b\n"
              "    q: 'x #y'\n"
              "#bare\n"
              "    k: v\n");
    assert_no_errors(p);
    assert_int_equal(p.y->ncomments, 5);
    const cf_comment *c = p.y->comments;
    assert_string_equal(c[0].text, "head");
    assert_true(c[0].own_line);
    assert_int_equal(c[0].line, 1);
    assert_string_equal(c[1].text, "top");
    assert_false(c[1].own_line);
    assert_string_equal(c[2].text, "env-doctor ignore=ED401");
    assert_int_equal(c[2].line, 4);
    assert_span(p, c[2].start, c[2].end, 4, 21, 4, 46);
    assert_string_equal(c[3].text, "real");
    assert_int_equal(c[3].line, 5);
    assert_at(p, c[3].start, 5, 21);
    assert_string_equal(c[4].text, "bare");
    assert_int_equal(c[4].line, 8);
    assert_value(cf_map_get(cf_map_get(cf_map_get(doc0(&p), "services"), "gpu"), "label"),
                 "a#b");
    done(&p);
}

static void test_comment_pragma_on_key_line(void **state)
{
    parsed p;
    parse(&p, "services:\n"
              "  gpu:\n"
              "    runtime: nvidia # env-doctor ignore=ED401\n"
              "    # env-doctor ignore=ED405\n"
              "    image: nvidia/cuda:12.4.1-base-ubuntu22.04\n");
    assert_no_errors(p);
    const cf_node *gpu = cf_map_get(cf_map_get(doc0(&p), "services"), "gpu");
    const cf_node *key = key_of(gpu, "runtime");
    ed_pos at = ed_source_pos(&p.src, key->start);
    size_t n = 9;
    const cf_comment *c = cf_comments_on_line(p.y, at.line, &n);
    assert_int_equal(n, 1);
    assert_string_equal(c->text, "env-doctor ignore=ED401");
    assert_false(c->own_line);
    /* the line before a key */
    at = ed_source_pos(&p.src, key_of(gpu, "image")->start);
    c = cf_comments_on_line(p.y, at.line - 1, &n);
    assert_int_equal(n, 1);
    assert_true(c->own_line);
    assert_string_equal(c->text, "env-doctor ignore=ED405");
    assert_null(cf_comments_on_line(p.y, at.line, &n));
    assert_int_equal(n, 0);
    assert_null(cf_comments_on_line(p.y, 99, &n));
    done(&p);
}

static void test_comments_in_flow_and_quotes(void **state)
{
    parsed p;
    parse(&p, "a: [x, # one\n"
              "    y]\n"
              "b: \"multi\n"
              "  # not a comment\"\n"
              "c: d\t#tab\n"
              "e: {k: \"#v\"} #\n");
    assert_no_errors(p);
    assert_int_equal(p.y->ncomments, 3);
    assert_string_equal(p.y->comments[0].text, "one");
    assert_int_equal(p.y->comments[0].line, 1);
    assert_string_equal(p.y->comments[1].text, "tab");
    assert_int_equal(p.y->comments[1].line, 5);
    assert_string_equal(p.y->comments[2].text, "");
    assert_int_equal(p.y->comments[2].line, 6);
    assert_value(cf_map_get(doc0(&p), "c"), "d");
    assert_value(cf_map_get(doc0(&p), "b"), "multi # not a comment");
    done(&p);
}

static void test_comments_across_documents(void **state)
{
    parsed p;
    parse(&p, "a: 1 # one\n"
              "--- # start\n"
              "b: '#' # two\n");
    assert_no_errors(p);
    assert_int_equal(p.y->ncomments, 3);
    assert_string_equal(p.y->comments[1].text, "start");
    assert_string_equal(p.y->comments[2].text, "two");
    done(&p);
}

/* --- helpers ------------------------------------------------------------- */

static void test_map_helpers(void **state)
{
    parsed p;
    parse(&p, "gpus: all\n"
              "list: [a]\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    assert_true(cf_scalar_is(cf_map_get(root, "gpus"), "all"));
    assert_false(cf_scalar_is(cf_map_get(root, "gpus"), "al"));
    assert_null(cf_map_get(root, "missing"));
    assert_null(cf_map_get(NULL, "gpus"));
    assert_null(cf_map_get(cf_map_get(root, "list"), "a")); /* not a map */
    assert_null(cf_map_pair(cf_map_get(root, "gpus"), "x"));
    assert_true(cf_is_null(NULL));
    assert_false(cf_is_string(NULL));
    assert_false(cf_is_string(cf_map_get(root, "list")));
    assert_true(cf_is_string(cf_map_get(root, "gpus")));
    done(&p);
}

static void test_null_forms(void **state)
{
    parsed p;
    parse(&p, "[~, null, Null, NULL, nULL, '', \"null\", !!null x]\n");
    assert_no_errors(p);
    const cf_node *s = doc0(&p);
    bool want[] = {true, true, true, true, false, false, false, true};
    assert_int_equal(s->nitems, 8);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(cf_is_null(s->items[i]), want[i]);
    done(&p);
}

static void test_int_forms(void **state)
{
    parsed p;
    parse(&p, "[12, -0x1F, 0o17, 017, 0b101, 1_000, +7, 9223372036854775807, "
              "-9223372036854775808, 9223372036854775808, 12abc, '12', 08, 1.5, 0x, -, ~]\n");
    assert_no_errors(p);
    const cf_node *s = doc0(&p);
    long long want[] = {12, -31, 15, 15, 5, 1000, 7, 9223372036854775807LL,
                        -9223372036854775807LL - 1};
    for (size_t i = 0; i < 9; i++) {
        long long v = 0;
        assert_true(cf_scalar_int(s->items[i], &v));
        assert_true(v == want[i]);
    }
    for (size_t i = 9; i < s->nitems; i++)
        assert_false(cf_scalar_int(s->items[i], NULL));
    assert_false(cf_scalar_int(NULL, NULL));
    done(&p);
}

static void test_bool_forms(void **state)
{
    parsed p;
    parse(&p, "[true, True, TRUE, false, False, FALSE, tRUE, yes, on, 'true', !!bool true]\n");
    assert_no_errors(p);
    const cf_node *s = doc0(&p);
    for (size_t i = 0; i < 6; i++) {
        bool v = i >= 3;
        assert_true(cf_scalar_bool(s->items[i], &v));
        assert_int_equal(v, i < 3);
    }
    for (size_t i = 6; i < 10; i++)
        assert_false(cf_scalar_bool(s->items[i], NULL)); /* YAML 1.2: strings */
    assert_true(cf_scalar_bool(s->items[10], NULL));
    done(&p);
}

static void test_bool_loose(void **state)
{
    parsed p;
    parse(&p, "[yes, Y, On, TRUE, 'true', no, N, off, False, maybe, 1, [x]]\n");
    assert_no_errors(p);
    const cf_node *s = doc0(&p);
    for (size_t i = 0; i < 9; i++) {
        bool v = i >= 5;
        assert_true(cf_scalar_bool_loose(s->items[i], &v));
        assert_int_equal(v, i < 5);
    }
    for (size_t i = 9; i < s->nitems; i++)
        assert_false(cf_scalar_bool_loose(s->items[i], NULL));
    done(&p);
}

static void test_type_names(void **state)
{
    parsed p;
    parse(&p, "[~, true, 12, 3.14, .inf, 1e3, -.5, 08, abc, '1', {a: 1}, [1], !!float 2]\n");
    assert_no_errors(p);
    const cf_node *s = doc0(&p);
    const char *want[] = {"null",  "bool",   "int",    "float", "float", "float", "float",
                          "float", "string", "string", "map",   "list",  "float"};
    assert_int_equal(s->nitems, 13);
    for (size_t i = 0; i < 13; i++)
        assert_string_equal(cf_type_name(s->items[i]), want[i]);
    assert_string_equal(cf_type_name(NULL), "null");
    done(&p);
}

static void test_expanded_sizes(void **state)
{
    parsed p;
    parse(&p, "a: &a [1, 2]\n"
              "b: [*a, *a]\n"
              "c: {<<: {x: 1, y: 2}, z: *a}\n");
    assert_no_errors(p);
    const cf_node *root = doc0(&p);
    assert_int_equal(cf_map_get(root, "a")->expanded, 3);
    assert_int_equal(cf_map_get(root, "b")->expanded, 7);
    assert_int_equal(cf_map_get(root, "c")->expanded, 1 + 4 + 1 + 3);
    assert_int_equal(p.y->alias_expansion, 9);
    done(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_map_positions),
        cmocka_unit_test(test_block_seq_positions),
        cmocka_unit_test(test_block_seq_of_maps),
        cmocka_unit_test(test_flow_map_positions),
        cmocka_unit_test(test_flow_implicit_values),
        cmocka_unit_test(test_nested_flow_in_block),
        cmocka_unit_test(test_complex_key),
        cmocka_unit_test(test_block_end_excludes_trailing_comment),
        cmocka_unit_test(test_plain_multiline),
        cmocka_unit_test(test_single_quoted),
        cmocka_unit_test(test_double_quoted_escapes),
        cmocka_unit_test(test_double_quoted_multiline),
        cmocka_unit_test(test_literal_and_folded),
        cmocka_unit_test(test_block_scalar_keep_and_empty),
        cmocka_unit_test(test_block_scalar_header_comment),
        cmocka_unit_test(test_empty_values_and_nulls),
        cmocka_unit_test(test_multibyte_positions),
        cmocka_unit_test(test_bom_and_crlf),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_properties_positions),
        cmocka_unit_test(test_alias_scalar),
        cmocka_unit_test(test_alias_shares_map),
        cmocka_unit_test(test_unknown_alias),
        cmocka_unit_test(test_recursive_alias),
        cmocka_unit_test(test_anchor_redefined),
        cmocka_unit_test(test_anchors_per_document),
        cmocka_unit_test(test_merge_single),
        cmocka_unit_test(test_merge_list_order),
        cmocka_unit_test(test_merge_explicit_before),
        cmocka_unit_test(test_merge_nested),
        cmocka_unit_test(test_merge_inline_map),
        cmocka_unit_test(test_merge_errors),
        cmocka_unit_test(test_merge_quoted_key_is_not_merge),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_duplicate_keys_large_map),
        cmocka_unit_test(test_duplicate_merged_is_fine),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_empty_stream),
        cmocka_unit_test(test_error_mapping_values),
        cmocka_unit_test(test_error_unclosed_flow),
        cmocka_unit_test(test_error_unterminated_quote),
        cmocka_unit_test(test_error_bad_indentation),
        cmocka_unit_test(test_error_tab_indentation),
        cmocka_unit_test(test_error_bad_anchor),
        cmocka_unit_test(test_error_invalid_utf8),
        cmocka_unit_test(test_error_invalid_utf8_far),
        cmocka_unit_test(test_error_nul_byte),
        cmocka_unit_test(test_error_utf16),
        cmocka_unit_test(test_alias_bomb),
        cmocka_unit_test(test_alias_budget_custom),
        cmocka_unit_test(test_deep_flow_sequences),
        cmocka_unit_test(test_deep_flow_maps),
        cmocka_unit_test(test_deep_block_maps),
        cmocka_unit_test(test_depth_limit_boundary),
        cmocka_unit_test(test_max_bytes),
        cmocka_unit_test(test_large_file),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_comment_pragma_on_key_line),
        cmocka_unit_test(test_comments_in_flow_and_quotes),
        cmocka_unit_test(test_comments_across_documents),
        cmocka_unit_test(test_map_helpers),
        cmocka_unit_test(test_null_forms),
        cmocka_unit_test(test_int_forms),
        cmocka_unit_test(test_bool_forms),
        cmocka_unit_test(test_bool_loose),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_expanded_sizes),
    };
    return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}
