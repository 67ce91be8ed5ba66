/* Compose interpolation: $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e},
 * ${VAR?e}, ${VAR:+a}, ${VAR+a} (nested in the default, error and
 * alternative texts) and $$, as compose-go's template package reads them.
 * Variables come only from cf_vars, so a variable that is not there and has
 * no default is unknown rather than guessed from the linting machine. */
#include <string.h>

#include "envdoctor/buf.h"
#include "model_internal.h"

static bool name_start(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9');
}

const char *cf_vars_get(const cf_vars *vars, const char *name, size_t len)
{
    if (!vars)
        return NULL;
    /* the last definition wins, as in a .env file read top to bottom */
    for (size_t i = vars->n; i-- > 0;) {
        const char *item = vars->items[i];
        if (strncmp(item, name, len) == 0 && item[len] == '=')
            return item + len + 1;
    }
    return NULL;
}

typedef struct interp {
    const cf_vars *vars;
    ed_buf out;
    bool unknown;
    size_t depth, max_depth; /* ${...} levels open, and how many may be */
} interp;

size_t cf_interpolation_max_depth(const cf_vars *vars)
{
    return vars && vars->max_depth ? vars->max_depth : 64;
}

size_t cf_interpolation_nesting(const char *s, size_t len)
{
    size_t depth = 0, deepest = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '$' && i + 1 < len && s[i + 1] == '$') {
            i++;
        } else if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
            if (++depth > deepest)
                deepest = depth;
            i++;
        } else if (s[i] == '}' && depth > 0) {
            depth--;
        }
    }
    return deepest;
}

static void expand(interp *st, const char *s, size_t len);

/* The end of a ${...} starting at s[0] == '$', s[1] == '{': the index of the
 * matching '}' (nested ${ open further levels), or len when it is unclosed. */
static size_t braced_end(const char *s, size_t len)
{
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '$' && i + 1 < len && s[i + 1] == '$') {
            i++;
        } else if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
            depth++;
            i++;
        } else if (s[i] == '}' && --depth == 0) {
            return i;
        }
    }
    return len;
}

/* One ${...} body (without the braces). */
static void expand_braced(interp *st, const char *body, size_t len, const char *whole,
                          size_t whole_len)
{
    size_t n = 0;
    while (n < len && name_char(body[n]))
        n++;
    if (n == 0 || !name_start(body[0])) {
        /* "Invalid template" for Compose: nothing to interpolate with */
        st->unknown = true;
        ed_buf_add(&st->out, whole, whole_len);
        return;
    }
    const char *value = cf_vars_get(st->vars, body, n);
    const char *op = body + n;
    size_t oplen = len - n;
    bool colon = oplen > 0 && op[0] == ':';
    char kind = oplen > (size_t)colon ? op[colon] : '\0';
    const char *arg = op + colon + (kind ? 1 : 0);
    size_t arglen = oplen - (size_t)colon - (kind ? 1 : 0);
    if (oplen == 0) {
        if (value)
            ed_buf_adds(&st->out, value);
        else { /* unset without a default: unknown, kept as written */
            st->unknown = true;
            ed_buf_add(&st->out, whole, whole_len);
        }
        return;
    }
    bool empty = !value || !*value;
    bool missing = colon ? empty : !value;
    switch (kind) {
    case '-':
        if (missing)
            expand(st, arg, arglen);
        else
            ed_buf_adds(&st->out, value);
        return;
    case '+':
        if (!missing)
            expand(st, arg, arglen);
        return;
    case '?':
        if (missing) { /* Compose stops with the error text: nothing is known */
            st->unknown = true;
            ed_buf_add(&st->out, whole, whole_len);
        } else {
            ed_buf_adds(&st->out, value);
        }
        return;
    default: /* ${VAR/a/b} and other shell forms: not Compose syntax */
        st->unknown = true;
        ed_buf_add(&st->out, whole, whole_len);
        return;
    }
}

static void expand(interp *st, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *dollar = memchr(s + i, '$', len - i);
        size_t at = dollar ? (size_t)(dollar - s) : len;
        ed_buf_add(&st->out, s + i, at - i);
        if (at >= len)
            return;
        i = at;
        if (i + 1 < len && s[i + 1] == '$') { /* $$ is a literal $ */
            ed_buf_addc(&st->out, '$');
            i += 2;
        } else if (i + 1 < len && s[i + 1] == '{') {
            size_t end = i + braced_end(s + i, len - i);
            if (end >= len) { /* unclosed: an invalid template */
                st->unknown = true;
                ed_buf_add(&st->out, s + i, len - i);
                return;
            }
            if (st->depth >= st->max_depth) { /* too deep: kept as written (a shape error) */
                st->unknown = true;
                ed_buf_add(&st->out, s + i, end + 1 - i);
            } else {
                st->depth++;
                expand_braced(st, s + i + 2, end - i - 2, s + i, end + 1 - i);
                st->depth--;
            }
            i = end + 1;
        } else if (i + 1 < len && name_start(s[i + 1])) {
            size_t n = 1;
            while (i + 1 + n < len && name_char(s[i + 1 + n]))
                n++;
            const char *value = cf_vars_get(st->vars, s + i + 1, n);
            if (value) {
                ed_buf_adds(&st->out, value);
            } else {
                st->unknown = true;
                ed_buf_add(&st->out, s + i, n + 1);
            }
            i += n + 1;
        } else { /* a $ before anything else stays as it is */
            ed_buf_addc(&st->out, '$');
            i++;
        }
    }
}

const char *cf_interpolate_string(ed_arena *arena, const cf_vars *vars, const char *s, size_t len,
                                  bool *unknown)
{
    *unknown = false;
    if (!memchr(s, '$', len))
        return s[len] == '\0' ? s : ed_arena_strndup(arena, s, len);
    interp st = {vars, ED_BUF_INIT, false, 0, cf_interpolation_max_depth(vars)};
    expand(&st, s, len);
    *unknown = st.unknown;
    const char *result = ed_buf_to_arena(&st.out, arena);
    ed_buf_free(&st.out);
    return result;
}

cf_text cf_interpolate(ed_arena *arena, const cf_compose *c, const cf_node *node)
{
    cf_text t = {node, NULL, false};
    if (!node || node->kind != CF_SCALAR || cf_is_null(node))
        return t;
    t.value = cf_interpolate_string(arena, c ? &c->vars : NULL, node->value, node->len, &t.unknown);
    return t;
}
