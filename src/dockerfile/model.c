/* The build model: stages, the stage graph and ARG/ENV values, evaluated with
 * BuildKit's rules (global ARGs reach only FROM lines unless redeclared in a
 * stage; --build-arg overrides defaults; ENV beats ARG; each instruction sees
 * the values from before it). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envdoctor/dfexpand.h"
#include "envdoctor/model.h"
#include "envdoctor/similar.h"

/* Arguments BuildKit defines for FROM lines without a declaration. */
static const char *const automatic_args[] = {
    "TARGETPLATFORM", "TARGETOS",  "TARGETARCH",  "TARGETVARIANT",
    "BUILDPLATFORM",  "BUILDOS",   "BUILDARCH",   "BUILDVARIANT",
};

typedef struct build_arg {
    const char *name;
    size_t name_len;
    const char *value;
} build_arg;

/* ---- The variable index ----
 *
 * A Dockerfile's variables are looked up for every expansion (each ENV,
 * ARG, FROM, COPY --from, and each RUN command the GPU model reads), so the
 * lookups are indexed rather than walks over every definition of the stage
 * and of the stages it is built FROM (a 10,000-stage FROM chain made that
 * quadratic):
 *   - each scope's definitions by (scope, ENV or ARG, name), in file order,
 *     so that "the last one before instruction i" is a binary search;
 *   - for each stage another stage is built FROM, its complete ENV (its own
 *     and all it inherits) as a persistent hash trie: the child's lookups go
 *     straight there, and the trie shares every unchanged node with the
 *     parent's, so a chain of n stages costs O(n log n), not O(n^2);
 *   - stage names, for FROM <stage>, COPY --from and RUN --mount from=.
 * The index lives in the model's private part (model_priv, whose first
 * member is the df_model that df_model_build hands out), in the arena. */

typedef struct vnode {
    struct vnode *kid[4]; /* internal: by two bits of the hash; leaf: kid[0] is the next
                             leaf with the same hash (a collision) */
    const df_var *var;    /* a leaf's definition; NULL in internal nodes */
    uint64_t hash;
    uint32_t len;
    uint32_t batch;       /* the build_view that made it: only it may still change it */
} vnode;

/* The definitions of one name in one scope (most names have one). */
typedef struct defs {
    uint32_t hash;   /* of (scope, kind, name) */
    int32_t scope;   /* a stage, or -1 for the global ARGs */
    bool env;
    uint32_t n;      /* definitions */
    uint32_t first;  /* n == 1: its index in the scope's vars */
    uint32_t *at;    /* n > 1: all the indexes, ascending */
} defs;

typedef struct stage_name {
    uint64_t hash;
    const char *name; /* lower case; NULL: an empty slot */
    size_t stage;     /* the first stage with that name */
} stage_name;

typedef struct model_priv {
    df_model pub; /* first: df_model_build returns &pub */
    defs *defs;      /* in the order first seen */
    size_t ndefs;
    uint32_t *slots; /* open addressing: 1 + an index into defs, 0 when empty */
    size_t nslots;
    stage_name *names;
    size_t nnames, names_cap;
    vnode **views;       /* per stage: its complete ENV once a stage is built FROM it */
    bool *viewed;
} model_priv;

static const model_priv *priv_of(const df_model *m)
{
    return (const model_priv *)m; /* pub is the first member */
}

typedef struct builder {
    ed_arena *arena;
    df_model *model;
    model_priv *priv;
    const build_arg *args;
    size_t nargs;
} builder;

static uint64_t hash_name(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static const char *build_arg_value(const builder *b, const char *name, size_t len)
{
    for (size_t i = b->nargs; i-- > 0;) /* the last --build-arg wins */
        if (b->args[i].name_len == len && memcmp(b->args[i].name, name, len) == 0)
            return b->args[i].value;
    return NULL;
}

static size_t instr_index(const df_model *m, const df_instr *in)
{
    return (size_t)(in - m->file->instrs);
}

static const df_var *scope_vars(const df_model *m, int scope)
{
    return scope < 0 ? m->global_args : m->stages[scope].vars;
}

/* ---- definitions by name ---- */

/* The hash mixes in the scope and the kind: the same name defined in many
 * stages (PATH, say) must not pile up in one run of slots. */
static uint32_t defs_hash(const char *name, size_t len, int scope, bool env)
{
    uint64_t h = hash_name(name, len) ^ ((uint64_t)(int64_t)scope * 0x9e3779b97f4a7c15ULL) ^
                 (env ? 0x5bd1e995ULL : 0);
    h ^= h >> 31; /* a murmur-style finish, so that all bits reach the slot index */
    h *= 0xbf58476d1ce4e5b9ULL;
    return (uint32_t)(h ^ (h >> 29));
}

static const char *defs_name(const df_model *m, const defs *d)
{
    return scope_vars(m, d->scope)[d->n == 1 ? d->first : d->at[0]].name;
}

/* The slot of (scope, kind, name): its entry, or the empty slot where it goes. */
static uint32_t *defs_slot(const model_priv *p, uint32_t h, int scope, bool env, const char *name,
                           size_t len)
{
    for (size_t i = h & (p->nslots - 1);; i = (i + 1) & (p->nslots - 1)) {
        uint32_t *slot = &p->slots[i];
        if (!*slot)
            return slot;
        const defs *d = &p->defs[*slot - 1];
        if (d->hash == h && d->scope == scope && d->env == env) {
            const char *dn = defs_name(&p->pub, d);
            if (strncmp(dn, name, len) == 0 && dn[len] == '\0')
                return slot;
        }
    }
}

static const defs *defs_find(const model_priv *p, int scope, bool env, const char *name,
                             size_t len)
{
    if (!p->nslots)
        return NULL;
    const uint32_t *slot = defs_slot(p, defs_hash(name, len, scope, env), scope, env, name, len);
    return *slot ? &p->defs[*slot - 1] : NULL;
}

/* Records that the scope's vars[at] defines its name. */
static void defs_add(builder *b, int scope, size_t at)
{
    model_priv *p = b->priv;
    const df_var *v = &scope_vars(b->model, scope)[at];
    if (2 * (p->ndefs + 1) > p->nslots) { /* grow: at most half full */
        size_t n = p->nslots ? 2 * p->nslots : 64;
        p->slots = ed_arena_calloc(b->arena, n, sizeof *p->slots);
        p->nslots = n;
        for (size_t i = 0; i < p->ndefs; i++) {
            const defs *d = &p->defs[i];
            size_t k = d->hash & (n - 1);
            while (p->slots[k])
                k = (k + 1) & (n - 1);
            p->slots[k] = (uint32_t)i + 1;
        }
    }
    size_t len = strlen(v->name);
    uint32_t h = defs_hash(v->name, len, scope, v->is_env);
    uint32_t *slot = defs_slot(p, h, scope, v->is_env, v->name, len);
    if (!*slot) {
        p->defs = ed_arena_push(b->arena, p->defs, p->ndefs, sizeof *p->defs);
        p->defs[p->ndefs] = (defs){h, scope, v->is_env, 1, (uint32_t)at, NULL};
        *slot = (uint32_t)++p->ndefs;
        return;
    }
    defs *d = &p->defs[*slot - 1];
    if (d->n == 1) {
        d->at = ed_arena_push(b->arena, NULL, 0, sizeof *d->at);
        d->at[0] = d->first;
    }
    d->at = ed_arena_push(b->arena, d->at, d->n, sizeof *d->at);
    d->at[d->n++] = (uint32_t)at;
}

/* The last definition of the scope before instruction `before`. */
static const df_var *find_var(const model_priv *p, int scope, bool env, const char *name,
                              size_t len, size_t before)
{
    const defs *d = defs_find(p, scope, env, name, len);
    if (!d)
        return NULL;
    const df_model *m = &p->pub;
    const df_var *vars = scope_vars(m, scope);
    const uint32_t *at = d->n == 1 ? &d->first : d->at;
    size_t lo = 0, hi = d->n; /* the first definition at or after `before` */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const df_var *v = &vars[at[mid]];
        if (!v->instr || instr_index(m, v->instr) < before)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &vars[at[lo - 1]] : NULL;
}

/* ---- complete ENV of a stage: a persistent hash trie ---- */

static vnode *vn_leaf(ed_arena *arena, uint32_t batch, const df_var *v, uint64_t h, size_t len,
                      vnode *next)
{
    vnode *n = ed_arena_alloc(arena, sizeof *n);
    n->var = v;
    n->hash = h;
    n->len = (uint32_t)len;
    n->batch = batch;
    n->kid[0] = next;
    return n;
}

static bool vn_is(const vnode *leaf, uint64_t h, const char *name, size_t len)
{
    return leaf->hash == h && leaf->len == len && memcmp(leaf->var->name, name, len) == 0;
}

/* A collision chain without the leaf for name (copying the leaves before it). */
static vnode *vn_chain_without(ed_arena *arena, uint32_t batch, vnode *chain, uint64_t h,
                               const char *name, size_t len)
{
    if (!chain)
        return NULL;
    if (vn_is(chain, h, name, len))
        return chain->kid[0];
    return vn_leaf(arena, batch, chain->var, chain->hash, chain->len,
                   vn_chain_without(arena, batch, chain->kid[0], h, name, len));
}

/* The trie n with v defined (replacing what it had for the name). Nodes of
 * other batches are shared, never changed: a parent's trie stays as it is. */
static vnode *vn_insert(ed_arena *arena, uint32_t batch, vnode *n, unsigned shift,
                        const df_var *v, uint64_t h, size_t len)
{
    if (!n)
        return vn_leaf(arena, batch, v, h, len, NULL);
    if (n->var && n->hash == h)
        return vn_leaf(arena, batch, v, h, len, vn_chain_without(arena, batch, n, h, v->name, len));
    vnode *in = n;
    if (n->var || n->batch != batch) {
        in = ed_arena_alloc(arena, sizeof *in);
        if (n->var) /* a leaf with another hash: push it one level down */
            in->kid[(n->hash >> shift) & 3] = n;
        else
            *in = *n;
        in->batch = batch;
    }
    unsigned slot = (unsigned)(h >> shift) & 3;
    in->kid[slot] = vn_insert(arena, batch, in->kid[slot], shift + 2, v, h, len);
    return in;
}

static const df_var *vn_find(const vnode *n, const char *name, size_t len)
{
    uint64_t h = hash_name(name, len);
    for (unsigned shift = 0; n && !n->var; shift += 2)
        n = n->kid[(h >> shift) & 3];
    for (; n; n = n->kid[0])
        if (vn_is(n, h, name, len))
            return n->var;
    return NULL;
}

/* Stage i's complete ENV, for a stage built FROM it (stage i is done). */
static void build_view(builder *b, size_t i)
{
    model_priv *p = b->priv;
    if (p->viewed[i])
        return;
    const df_stage *s = &b->model->stages[i];
    vnode *root = s->parent >= 0 ? p->views[s->parent] : NULL;
    for (size_t k = 0; k < s->nvars; k++) {
        const df_var *v = &s->vars[k];
        if (v->is_env) {
            size_t len = strlen(v->name);
            root = vn_insert(b->arena, (uint32_t)i + 1, root, 0, v, hash_name(v->name, len), len);
        }
    }
    p->views[i] = root;
    p->viewed[i] = true;
}

/* ---- stage names ---- */

static stage_name *name_slot(stage_name *slots, size_t cap, uint64_t h, const char *name)
{
    for (size_t i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!slots[i].name || (slots[i].hash == h && strcmp(slots[i].name, name) == 0))
            return &slots[i];
}

/* Stage i is called `name` (lower case), unless an earlier stage is. */
static void add_stage_name(builder *b, const char *name, size_t i)
{
    model_priv *p = b->priv;
    if (2 * (p->nnames + 1) > p->names_cap) {
        size_t cap = p->names_cap ? 2 * p->names_cap : 16;
        stage_name *slots = ed_arena_calloc(b->arena, cap, sizeof *slots);
        for (size_t k = 0; k < p->names_cap; k++)
            if (p->names[k].name)
                *name_slot(slots, cap, p->names[k].hash, p->names[k].name) = p->names[k];
        p->names = slots;
        p->names_cap = cap;
    }
    uint64_t h = hash_name(name, strlen(name));
    stage_name *slot = name_slot(p->names, p->names_cap, h, name);
    if (!slot->name) {
        *slot = (stage_name){h, name, i};
        p->nnames++;
    }
}

/* ---- lookups ---- */

static const df_var *find_global(const model_priv *p, const char *name, size_t len, size_t before)
{
    return find_var(p, -1, false, name, len, before);
}

static const df_var *lookup_var(const model_priv *p, int stage, size_t before, const char *name,
                                size_t len)
{
    if (stage < 0)
        return find_global(p, name, len, before);
    /* ENV set in the stage before `before`, or inherited through FROM <stage> */
    const df_var *v = find_var(p, stage, true, name, len, before);
    int parent = p->pub.stages[stage].parent;
    if (!v && parent >= 0)
        v = vn_find(p->views[parent], name, len);
    return v ? v : find_var(p, stage, false, name, len, before);
}

const char *df_model_lookup(const df_model *m, size_t instr, const char *name)
{
    if (instr >= m->file->ninstrs)
        return NULL;
    const df_var *v = lookup_var(priv_of(m), m->stage_of[instr], instr, name, strlen(name));
    return v ? v->value : NULL;
}

const df_var *df_model_find(const df_model *m, size_t instr, const char *name)
{
    if (instr >= m->file->ninstrs)
        return NULL;
    return lookup_var(priv_of(m), m->stage_of[instr], instr, name, strlen(name));
}

df_span df_var_span(const df_var *var)
{
    const df_instr *in = var->instr;
    if (!in)
        return (df_span){0, 0};
    size_t len = strlen(var->name);
    for (size_t i = 0; i < in->npairs; i++)
        if (in->pairs[i].key.len == len && memcmp(in->pairs[i].key.text, var->name, len) == 0)
            return in->pairs[i].value.len ? in->pairs[i].value.span : in->pairs[i].key.span;
    for (size_t i = 0; i < in->nargs; i++)
        if (strncmp(in->args[i].text, var->name, len) == 0 &&
            (in->args[i].text[len] == '=' || in->args[i].text[len] == '\0'))
            return in->args[i].span;
    return in->span;
}

const df_stage *df_model_root(const df_model *m, const df_stage *stage)
{
    return &m->stages[stage->root];
}

/* ---- expansion ---- */

typedef struct expand_ctx {
    builder *b;
    int stage;
    size_t before;
    /* for FROM lines: where undefined names are recorded */
    const df_instr *from;
    const df_word *word;
    size_t text_offset; /* where the expanded text starts within the word */
    bool used_vars;
} expand_ctx;

static bool is_automatic(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof automatic_args / sizeof *automatic_args; i++)
        if (strlen(automatic_args[i]) == len && memcmp(automatic_args[i], name, len) == 0)
            return true;
    return false;
}

static const char *closest_global(const df_model *m, const char *name, size_t len, size_t before)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < m->nglobal_args; i++) {
        const df_var *v = &m->global_args[i];
        size_t vlen = strlen(v->name);
        if ((v->instr && instr_index(m, v->instr) >= before) || !ed_is_typo_of(name, len, v->name, vlen))
            continue;
        size_t d = ed_edit_distance(name, len, v->name, vlen);
        if (d < best_d) {
            best = v->name;
            best_d = d;
        }
    }
    return best;
}

static void record_undefined(expand_ctx *c, const char *name, size_t len, size_t offset)
{
    df_model *m = c->b->model;
    const char *text = c->word->text + c->text_offset;
    size_t end = offset + 1 + len;
    if (text[offset + 1] == '{') { /* `${NAME...}`: up to the matching brace */
        int depth = 0;
        for (end = offset + 1; text[end]; end++) {
            if (text[end] == '{')
                depth++;
            else if (text[end] == '}' && --depth == 0) {
                end++;
                break;
            }
        }
    }
    df_undefined_ref ref = {0};
    ref.name = ed_arena_strndup(c->b->arena, name, len);
    size_t at = c->word->lstart + c->text_offset;
    if (at + end > c->word->lend) /* quotes were removed from the word: point at all of it */
        ref.span = df_source_span(c->from, c->word->lstart, c->word->lend);
    else
        ref.span = df_source_span(c->from, at + offset, at + end);
    ref.from = c->from;
    ref.given_as_build_arg = build_arg_value(c->b, name, len) != NULL;
    ref.suggestion = closest_global(m, name, len, c->before);
    m->undefined = ed_arena_push(c->b->arena, m->undefined, m->nundefined, sizeof *m->undefined);
    m->undefined[m->nundefined++] = ref;
}

static const char *lookup_cb(void *ctx, const char *name, size_t len, size_t offset)
{
    expand_ctx *c = ctx;
    c->used_vars = true;
    const df_var *v = lookup_var(c->b->priv, c->stage, c->before, name, len);
    if (v)
        return v->value;
    if (c->from && c->stage < 0 && !is_automatic(name, len))
        record_undefined(c, name, len, offset);
    return NULL;
}

static const char *expand(builder *b, int stage, size_t before, const char *text, size_t len)
{
    expand_ctx c = {b, stage, before, NULL, NULL, 0, false};
    df_expand_error err;
    return df_expand_word(b->arena, text, len, b->model->file->escape, lookup_cb, &c, &err);
}

/* Expands a word of a FROM line, recording variables nothing defines. */
static const char *expand_from_word(builder *b, const df_instr *from, const df_word *word,
                                    size_t text_offset, bool *used_vars)
{
    expand_ctx c = {b, -1, instr_index(b->model, from), from, word, text_offset, false};
    df_expand_error err;
    const char *text = word->text + text_offset;
    const char *out = df_expand_word(b->arena, text, strlen(text), b->model->file->escape,
                                     lookup_cb, &c, &err);
    if (used_vars)
        *used_vars = c.used_vars;
    return out;
}

/* ---- definitions ---- */

static void push_var(builder *b, int scope, df_var **vars, size_t *n, df_var v)
{
    *vars = ed_arena_push(b->arena, *vars, *n, sizeof **vars);
    (*vars)[(*n)++] = v;
    defs_add(b, scope, *n - 1);
}

/* ARG name[=default] ... ; stage < 0 for global ARGs. */
static void define_args(builder *b, int stage, const df_instr *in)
{
    df_model *m = b->model;
    size_t at = instr_index(m, in);
    for (size_t i = 0; i < in->nargs; i++) {
        const df_word *w = &in->args[i];
        const char *eq = strchr(w->text, '=');
        size_t name_len = eq ? (size_t)(eq - w->text) : w->len;
        const char *name = ed_arena_strndup(b->arena, w->text, name_len);
        const char *value = build_arg_value(b, name, name_len);
        if (!value && eq)
            value = expand(b, stage, at, eq + 1, w->len - name_len - 1);
        if (!value && !eq && stage >= 0) { /* `ARG NAME` in a stage takes the global value */
            const df_var *g = find_global(b->priv, name, name_len, (size_t)-1);
            if (g)
                value = g->value;
        }
        df_var v = {name, value, in, false};
        if (stage < 0) {
            push_var(b, stage, &m->global_args, &m->nglobal_args, v);
        } else {
            df_stage *s = &m->stages[stage];
            push_var(b, stage, &s->vars, &s->nvars, v);
        }
    }
}

static void define_env(builder *b, int stage, const df_instr *in)
{
    df_model *m = b->model;
    df_stage *s = &m->stages[stage];
    size_t at = instr_index(m, in);
    for (size_t i = 0; i < in->npairs; i++) {
        const df_pair *p = &in->pairs[i];
        /* Every pair of one ENV sees the values from before the instruction. */
        const char *value = expand(b, stage, at, p->value.text, p->value.len);
        const char *key = expand(b, stage, at, p->key.text, p->key.len);
        df_var v = {key ? key : p->key.text, value ? value : "", in, true};
        push_var(b, stage, &s->vars, &s->nvars, v);
    }
}

/* The first stage before before_stage called `name` (in any case), or -1. */
static int find_stage_by_name(const builder *b, size_t before_stage, const char *name)
{
    const model_priv *p = b->priv;
    if (!p->names_cap)
        return -1;
    size_t len = strlen(name);
    char small[64];
    char *lower = len < sizeof small ? small : ed_arena_alloc(b->arena, len + 1);
    for (size_t i = 0; i <= len; i++)
        lower[i] = name[i] >= 'A' && name[i] <= 'Z' ? (char)(name[i] + 32) : name[i];
    const stage_name *slot = name_slot(p->names, p->names_cap, hash_name(lower, len), lower);
    return slot->name && slot->stage < before_stage ? (int)slot->stage : -1;
}

static void resolve_from(builder *b, df_stage *s)
{
    df_model *m = b->model;
    const df_instr *from = s->from;
    s->parent = -1;
    s->root = (int)s->index;
    for (size_t i = 0; i < from->nflags; i++) {
        const df_flag *f = &from->flags[i];
        if (strcmp(f->name, "platform") == 0 && f->value)
            s->platform = expand_from_word(b, from, &f->word, (size_t)(f->value - f->word.text), NULL);
    }
    if (from->nargs >= 3 && strcasecmp(from->args[1].text, "as") == 0) {
        char *name = ed_arena_strdup(b->arena, from->args[2].text);
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        s->name = name;
        add_stage_name(b, name, s->index);
    }
    if (from->nargs == 0)
        return;
    s->base = expand_from_word(b, from, &from->args[0], 0, &s->base_has_vars);
    if (!s->base || !*s->base)
        return;
    s->parent = find_stage_by_name(b, s->index, s->base);
    if (s->parent >= 0) {
        s->root = m->stages[s->parent].root;
        build_view(b, (size_t)s->parent);
        return;
    }
    s->ref_ok = img_ref_parse(b->arena, s->base, strlen(s->base), &s->ref, &s->ref_error);
}

/* The value of key `from=` in a --mount CSV, or NULL. */
static const char *mount_from(ed_arena *arena, const char *csv)
{
    for (const char *p = csv; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len > 5 && strncmp(p, "from=", 5) == 0)
            return ed_arena_strndup(arena, p + 5, len - 5);
        p = comma ? comma + 1 : NULL;
    }
    return NULL;
}

static void add_edge(builder *b, size_t stage, const df_instr *in, const char *raw)
{
    df_model *m = b->model;
    const char *from = expand(b, (int)stage, instr_index(m, in), raw, strlen(raw));
    if (!from)
        from = raw;
    int target = find_stage_by_name(b, stage, from);
    if (target < 0 && *from && strspn(from, "0123456789") == strlen(from) && strlen(from) < 9) {
        long idx = strtol(from, NULL, 10);
        if (idx < (long)stage)
            target = (int)idx;
    }
    m->edges = ed_arena_push(b->arena, m->edges, m->nedges, sizeof *m->edges);
    m->edges[m->nedges++] = (df_stage_edge){stage, target, from, in};
}

/* ---- edges of a stage or an instruction (the list is in file order) ---- */

/* The first edge whose key is not below `key`; key_of(edge) must not
 * decrease along the list. */
static size_t edges_lower_bound(const df_model *m, size_t key,
                                size_t (*key_of)(const df_model *, const df_stage_edge *))
{
    size_t lo = 0, hi = m->nedges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_of(m, &m->edges[mid]) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t edge_stage(const df_model *m, const df_stage_edge *e)
{
    (void)m;
    return e->stage;
}

static size_t edge_instr(const df_model *m, const df_stage_edge *e)
{
    return instr_index(m, e->instr);
}

/* The edges whose key is `key`: *n of them from the one returned. */
static const df_stage_edge *edges_with(const df_model *m, size_t key,
                                       size_t (*key_of)(const df_model *, const df_stage_edge *),
                                       size_t *n)
{
    size_t first = edges_lower_bound(m, key, key_of), end = first;
    while (end < m->nedges && key_of(m, &m->edges[end]) == key)
        end++;
    *n = end - first;
    return *n ? &m->edges[first] : NULL;
}

const df_stage_edge *df_model_stage_edges(const df_model *model, size_t stage, size_t *n)
{
    return edges_with(model, stage, edge_stage, n);
}

const df_stage_edge *df_model_instr_edges(const df_model *model, const df_instr *in, size_t *n)
{
    /* only instructions of the array have edges (not ONBUILD triggers) */
    uintptr_t at = (uintptr_t)in, first = (uintptr_t)model->file->instrs;
    size_t count = model->file->ninstrs;
    if (!count || at < first || (at - first) / sizeof *in >= count) {
        *n = 0;
        return NULL;
    }
    return edges_with(model, (at - first) / sizeof *in, edge_instr, n);
}

static void note_edges(builder *b, size_t stage, const df_instr *in)
{
    for (size_t i = 0; i < in->nflags; i++) {
        const df_flag *f = &in->flags[i];
        if (!f->value)
            continue;
        if (in->kind == DF_COPY && strcmp(f->name, "from") == 0)
            add_edge(b, stage, in, f->value);
        else if (in->kind == DF_RUN && strcmp(f->name, "mount") == 0) {
            const char *from = mount_from(b->arena, f->value);
            if (from)
                add_edge(b, stage, in, from);
        }
    }
}

static void parse_build_args(ed_arena *arena, const char *const *raw, size_t n, build_arg *out)
{
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(raw[i], '=');
        out[i].name = raw[i];
        out[i].name_len = eq ? (size_t)(eq - raw[i]) : strlen(raw[i]);
        /* `--build-arg NAME` takes the value from the environment, as docker does. */
        out[i].value = eq ? eq + 1 : getenv(ed_arena_strdup(arena, raw[i]));
    }
}

df_model *df_model_build(ed_arena *arena, const df_file *file, const char *const *build_args,
                         size_t nbuild_args)
{
    model_priv *priv = ed_arena_alloc(arena, sizeof *priv);
    df_model *m = &priv->pub;
    m->file = file;
    m->stage_of = ed_arena_calloc(arena, file->ninstrs ? file->ninstrs : 1, sizeof *m->stage_of);
    build_arg *args = ed_arena_calloc(arena, nbuild_args ? nbuild_args : 1, sizeof *args);
    parse_build_args(arena, build_args, nbuild_args, args);
    builder b = {arena, m, priv, args, nbuild_args};

    size_t nstages = 0;
    for (size_t i = 0; i < file->ninstrs; i++)
        if (file->instrs[i].kind == DF_FROM)
            nstages++;
    m->stages = ed_arena_calloc(arena, nstages ? nstages : 1, sizeof *m->stages);
    priv->views = ed_arena_calloc(arena, nstages ? nstages : 1, sizeof *priv->views);
    priv->viewed = ed_arena_calloc(arena, nstages ? nstages : 1, sizeof *priv->viewed);

    int stage = -1;
    for (size_t i = 0; i < file->ninstrs; i++) {
        const df_instr *in = &file->instrs[i];
        /* A FROM with an error (a bad stage name, say) still opens its stage,
         * so that what follows is not taken for the previous stage. */
        if (in->kind == DF_FROM) {
            if (stage >= 0)
                m->stages[stage].end = i;
            stage = (int)m->nstages++;
            df_stage *s = &m->stages[stage];
            s->index = (size_t)stage;
            s->from = in;
            s->first = i;
            s->end = file->ninstrs;
            resolve_from(&b, s);
        }
        m->stage_of[i] = stage;
        if (in->has_error)
            continue;
        if (in->kind == DF_ARG)
            define_args(&b, stage, in);
        else if (in->kind == DF_ENV && stage >= 0)
            define_env(&b, stage, in);
        else if (stage >= 0)
            note_edges(&b, (size_t)stage, in);
    }
    return m;
}
