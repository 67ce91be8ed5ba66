/* YAML front end for Compose files: libyaml's event stream turned into a
 * tree of nodes that keep exact byte positions in the source, with anchors,
 * aliases and `<<` merge keys resolved, bounded against hostile input
 * (alias bombs, deep nesting, huge files), several documents, the comments
 * of the file by line, and the errors (syntax, limits, unknown aliases,
 * duplicate keys, bad merges) with the position libyaml or the resolution
 * gives. No Compose semantics: this is YAML as Compose (go-yaml v3) reads it.
 *
 * Positions are byte offsets into ed_source.data (turn them into line:column
 * with ed_source_pos); ranges are [start, end). Everything lives in the
 * caller's arena. Parsing never fails and never aborts on user input. */
#ifndef ENVDOCTOR_YAML_H
#define ENVDOCTOR_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/source.h"

/* "No position" in cf_error.related. */
#define CF_NO_POS ((size_t)-1)

typedef enum cf_kind { CF_SCALAR, CF_MAP, CF_SEQ } cf_kind;

/* How a node is written. */
typedef enum cf_style {
    CF_PLAIN,         /* scalar: plain (unquoted), including the empty scalar */
    CF_SINGLE_QUOTED, /* scalar: 'text' */
    CF_DOUBLE_QUOTED, /* scalar: "text" */
    CF_LITERAL,       /* scalar: block scalar | */
    CF_FOLDED,        /* scalar: block scalar > */
    CF_BLOCK,         /* map or sequence: block style (indentation, "- ") */
    CF_FLOW,          /* map or sequence: flow style ({...} or [...]) */
} cf_style;

typedef struct cf_node cf_node;

typedef struct cf_pair {
    cf_node *key;   /* the key node (its start/end point at the key text) */
    cf_node *value; /* never NULL: a missing value is an empty plain scalar */
    bool merged;    /* came from a << merge: key and value are the merge source's
                       nodes, so their positions are where that map is written */
} cf_pair;

struct cf_node {
    cf_kind kind;
    cf_style style;
    /* Single/double-quoted or block scalar: the value is always a string,
     * never null, bool or number by resolution. */
    bool quoted;
    /* Reached through *name. An alias node is its own small object, a shallow
     * copy of the anchored node: kind, style, value, tag, pairs and items are
     * the anchored node's (children are shared, never copied), start/end are
     * where the anchored node is written, alias_start/alias_end where *name
     * is written, and target is the anchored node. An alias that names no
     * anchor (or the node it is inside) is an empty plain scalar at the alias
     * with target NULL (and an error is recorded). */
    bool alias;
    /* The node's own text, [start, end): a scalar's text including its quotes
     * (a block scalar from its | or > indicator to the end of its last
     * non-blank content line), a flow collection from its bracket to the
     * closing one, a block collection from its first "- " or key to the end of
     * its last entry. Anchor and tag are not part of it (see props_start). An
     * empty scalar has start == end at the place it is implied. For an alias
     * node these are the anchored node's positions (see alias_start). */
    size_t start, end;
    /* Where the node's properties (&anchor, !tag) start; == start when it has
     * none. */
    size_t props_start;
    /* Scalars: the value after unquoting, escapes, folding and chomping,
     * NUL-terminated; len is its length in bytes (a double-quoted "\0" can
     * put a NUL byte inside, so use len). Maps and sequences: NULL and 0. */
    const char *value;
    size_t len;
    /* The explicit tag as libyaml resolves it ("!reset", "!override",
     * "tag:yaml.org,2002:str" for !!str, "!" for the non-specific tag), or
     * NULL when none is written. */
    const char *tag;
    /* The &name on this node (without '&'), or NULL. For an alias node: the
     * name after '*'. */
    const char *anchor;
    /* For an alias node (see alias): where *name is written, and the node
     * it names. */
    size_t alias_start, alias_end;
    const cf_node *target;
    /* CF_MAP: the pairs in source order. Merge keys are resolved per YAML 1.1
     * merge semantics (as go-yaml v3 does): the << pair itself is not listed;
     * the merged pairs (merged == true) take its place, in the order of the
     * merge sources; a key written in the map wins over a merged one wherever
     * it is written, an earlier merge source wins over a later one. Duplicate
     * keys (an error) are all kept; cf_map_get finds the first. */
    cf_pair *pairs;
    size_t npairs;
    /* CF_SEQ: the items in source order. */
    cf_node **items;
    size_t nitems;
    /* Nodes in the fully expanded subtree (each alias and merge counted as a
     * copy of what it stands for); saturates at SIZE_MAX. */
    size_t expanded;
};

typedef enum cf_error_kind {
    CF_ERR_SYNTAX,    /* libyaml reader, scanner or parser error: parsing stopped */
    CF_ERR_LIMIT,     /* a cf_limits bound was exceeded: parsing stopped */
    CF_ERR_ALIAS,     /* unknown alias, or an alias inside the node it names */
    CF_ERR_DUPLICATE, /* a key written twice in one map (Compose rejects it) */
    CF_ERR_MERGE,     /* << with a value that is not a map or a list of maps */
} cf_error_kind;

/* Which cf_limits bound a CF_ERR_LIMIT error hit. */
typedef enum cf_limit_hit {
    CF_LIMIT_NONE,    /* not a limit (or out of memory) */
    CF_LIMIT_DEPTH,   /* max_depth */
    CF_LIMIT_ALIASES, /* max_nodes_expanded */
    CF_LIMIT_BYTES,   /* max_bytes */
} cf_limit_hit;

typedef struct cf_error {
    cf_error_kind kind;
    cf_limit_hit limit;
    /* Where: for syntax errors libyaml's problem position (reader errors: the
     * first byte of the offending UTF-8 sequence or character), end one
     * character further (== start at a line end or the end of the file); for
     * the others the offending node, key or alias. */
    size_t start, end;
    /* Readable text, e.g. "mapping values are not allowed in this context",
     * "did not find expected key (while parsing a block mapping started at
     * line 1, column 1)", "invalid leading UTF-8 octet (byte 0xFF)",
     * "nesting deeper than 512", "alias expansion exceeds 1000000 nodes",
     * "unknown alias *x", "duplicate key \"image\" (first at line 2, column 3)",
     * "merge key << needs a map or a list of maps, not a string". */
    const char *message;
    /* A second position the message names (the start of libyaml's context,
     * the first of two duplicate keys), or CF_NO_POS. */
    size_t related;
} cf_error;

typedef struct cf_comment {
    unsigned line;     /* 1-based physical line (as ed_source_pos counts) */
    size_t start, end; /* from the '#' to the end of the line (before CR/LF) */
    const char *text;  /* what follows '#', blanks trimmed on both sides */
    bool own_line;     /* only blanks before the '#' on its line */
} cf_comment;

typedef struct cf_limits {
    size_t max_depth;          /* nesting of maps and sequences; 0: 512 */
    size_t max_nodes_expanded; /* nodes aliases may add (billion laughs); 0: 1,000,000 */
    size_t max_bytes;          /* largest input parsed; 0: no limit */
} cf_limits;

typedef struct cf_yaml {
    const ed_source *src;
    /* One root node per document, in order, never NULL. A document with no
     * content ("---" alone) is an empty plain scalar (cf_is_null is true); an
     * empty stream (empty file, only comments) has no document at all. */
    cf_node **docs;
    size_t ndocs;
    /* Every error, in the order found. A syntax or limit error stops the
     * parse: the document it is in keeps what was built before it (open maps
     * and sequences are closed there, a key without its value is dropped)
     * and later documents are missing; truncated says so. */
    cf_error *errors;
    size_t nerrors;
    bool truncated;
    /* Every comment, ordered by line (at most one per line). A '#' starts a
     * comment at the start of a line or after a blank, outside every scalar;
     * after a syntax error the scalars are unknown, so there a '#' after a
     * blank inside a quoted string counts as a comment. */
    cf_comment *comments;
    size_t ncomments;
    size_t nodes;           /* nodes built: one per node or alias written */
    size_t alias_expansion; /* nodes the aliases stand for: the sum of their
                               targets' expanded sizes, checked against
                               cf_limits.max_nodes_expanded */
} cf_yaml;

/* Parses every document of src. Never returns NULL; limits NULL means the
 * defaults. */
cf_yaml *cf_yaml_parse(ed_arena *arena, const ed_source *src, const cf_limits *limits);

/* --- Helpers for the Compose model ------------------------------------- */

/* The value of the first pair whose key is a scalar equal to key, or NULL
 * when map is NULL, not a map, or has no such key. */
const cf_node *cf_map_get(const cf_node *map, const char *key);
const cf_pair *cf_map_pair(const cf_node *map, const char *key);

/* Where a node is written at this place: the alias for an alias node,
 * else [start, end). */
void cf_node_site(const cf_node *n, size_t *start, size_t *end);

/* NULL pointer, or a plain scalar "", "~", "null", "Null" or "NULL" without
 * a tag, or any scalar tagged !!null. */
bool cf_is_null(const cf_node *n);
/* A scalar that is not null, in any style (booleans and numbers included:
 * they are text too; a locally tagged scalar such as `!reset x` is a
 * string, as go-yaml v3 reads it). */
bool cf_is_string(const cf_node *n);
/* A scalar whose value is exactly s (any style). */
bool cf_scalar_is(const cf_node *n, const char *s);

/* Integers as go-yaml v3 resolves them, for an untagged plain scalar or any
 * scalar tagged !!int: optional sign, then decimal, 0x hex, 0o or leading-0
 * octal, 0b binary, '_' anywhere ignored ("1_000"); must fit a long long.
 * An untagged quoted scalar is a string: false. */
bool cf_scalar_int(const cf_node *n, long long *out);
/* Booleans as YAML 1.2 and go-yaml v3 resolve them, for an untagged plain
 * scalar or any scalar tagged !!bool: true/True/TRUE/false/False/FALSE.
 * yes/no/on/off (YAML 1.1) are strings here. */
bool cf_scalar_bool(const cf_node *n, bool *out);
/* Booleans as Compose casts a field whose type is boolean (compose-go's
 * toBoolean, which runs on the string form of the value): any scalar style,
 * case-insensitive y/yes/true/on and n/no/false/off. */
bool cf_scalar_bool_loose(const cf_node *n, bool *out);

/* YAML type name for messages: "null", "bool", "int", "float", "string",
 * "map", "list" (plain scalars resolved as go-yaml v3 does). */
const char *cf_type_name(const cf_node *n);
/* The same as a phrase for "must be X, not Y" messages: "empty", "a
 * boolean", "an integer", "a number", "a string", "a map", "a list". */
const char *cf_type_phrase(const cf_node *n);

/* The comments on a 1-based line: a pointer to the first and their number
 * in *n (0 or 1), or NULL and 0. */
const cf_comment *cf_comments_on_line(const cf_yaml *y, unsigned line, size_t *n);

#endif
