/* Requirements files as pip reads them (pip/_internal/req/req_file.py):
 * lines ending in a backslash are joined (a comment line ends the join),
 * `#` at the start or after whitespace starts a comment, a line starting
 * with '-' holds options, other lines hold one requirement followed by its
 * own options (--hash=..., --config-settings ...). */
#include "envdoctor/pkgcmd.h"

#include <string.h>

#include "envdoctor/buf.h"

static bool sh_is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

/* pip's COMMENT_RE.match: the line is a comment from its first non-blank. */
static bool sh_is_comment_line(const char *s, size_t a, size_t b)
{
    while (a < b && sh_is_space(s[a]))
        a++;
    return a < b && s[a] == '#';
}

/* A logical line: its bytes and the offset in the file of each. */
typedef struct sh_line {
    ed_buf text, pos;
} sh_line;

static void sh_line_add(sh_line *l, const char *s, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++) {
        ed_buf_addc(&l->text, s[k]);
        ed_buf_add(&l->pos, (const char *)&k, sizeof k);
    }
}

static size_t sh_line_pos(const sh_line *l, size_t k)
{
    size_t p;
    memcpy(&p, l->pos.data + k * sizeof p, sizeof p);
    return p;
}

/* A word for text[a..b) of the logical line (positions in the file). */
static sh_word sh_line_word(ed_arena *arena, const sh_line *l, size_t a, size_t b)
{
    sh_word w = {0};
    w.text = ed_arena_strndup(arena, l->text.data + a, b - a);
    w.len = b - a;
    w.start = sh_line_pos(l, a);
    w.end = sh_line_pos(l, b - 1) + 1;
    w.pos = (const size_t *)(const void *)(l->pos.data + a * sizeof(size_t));
    w.exact = true;
    return w;
}

static void sh_push_str(ed_arena *arena, const char ***list, size_t *n, const char *s)
{
    *list = ed_arena_push(arena, (void *)*list, *n, sizeof **list);
    (*list)[(*n)++] = s;
}

/* An option line: "-r file", "-rfile", "--requirement=file", "--pre". */
static void sh_option_line(ed_arena *arena, const sh_line *l, size_t a, size_t b,
                           sh_reqfile *out)
{
    static const struct {
        const char *name;
        char letter;
    } opts[] = {{"requirement", 'r'}, {"constraint", 'c'}, {"index-url", 'i'},
                {"extra-index-url", 0}, {"find-links", 'f'}, {"editable", 'e'}};
    const char *t = l->text.data;
    size_t e = a;
    while (e < b && !sh_is_space(t[e]) && t[e] != '=')
        e++;
    int which = -1;
    size_t v = e;
    if (e - a == 2 && t[a + 1] != '-') { /* -r */
        for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
            if (opts[k].letter == t[a + 1])
                which = (int)k;
    } else if (e - a > 2 && t[a + 1] != '-') { /* -rfile */
        for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
            if (opts[k].letter == t[a + 1])
                which = (int)k;
        v = a + 2;
    } else if (e - a > 2) {
        for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
            if (strlen(opts[k].name) == e - a - 2 && memcmp(opts[k].name, t + a + 2, e - a - 2) == 0)
                which = (int)k;
        if (e - a == 5 && memcmp(t + a, "--pre", 5) == 0)
            out->pre = true;
        if (e - a == 10 && memcmp(t + a, "--no-index", 10) == 0)
            out->no_index = true;
    }
    if (which < 0)
        return;
    if (v < b && t[v] == '=')
        v++;
    while (v < b && sh_is_space(t[v]))
        v++;
    size_t ve = v;
    while (ve < b && !sh_is_space(t[ve]))
        ve++;
    if (ve == v)
        return;
    const char *value = ed_arena_strndup(arena, t + v, ve - v);
    switch (opts[which].letter ? opts[which].letter : 'x') {
    case 'r': sh_push_str(arena, &out->requirement_files, &out->nrequirement_files, value); break;
    case 'c': sh_push_str(arena, &out->constraint_files, &out->nconstraint_files, value); break;
    case 'i': out->index_url = value; break;
    case 'x': sh_push_str(arena, &out->extra_index_urls, &out->nextra_index_urls, value); break;
    case 'f': sh_push_str(arena, &out->find_links, &out->nfind_links, value); break;
    case 'e': {
        sh_word w = sh_line_word(arena, l, v, ve);
        sh_req req;
        sh_req_parse_word(arena, &w, &req);
        req.word = NULL;
        req.editable = true;
        out->reqs = ed_arena_push(arena, out->reqs, out->nreqs, sizeof *out->reqs);
        out->reqs[out->nreqs++] = req;
        break;
    }
    }
}

/* One logical line, comments already removed. */
static void sh_logical_line(ed_arena *arena, const sh_line *l, sh_reqfile *out)
{
    const char *t = l->text.data;
    size_t a = 0, b = l->text.len;
    while (a < b && sh_is_space(t[a]))
        a++;
    while (b > a && sh_is_space(t[b - 1]))
        b--;
    if (a == b)
        return;
    if (t[a] == '-') {
        sh_option_line(arena, l, a, b, out);
        return;
    }
    /* the requirement ends where its options begin (" --hash=...") */
    size_t e = a;
    while (e < b && !(e > a && sh_is_space(t[e - 1]) && t[e] == '-'))
        e++;
    while (e > a && sh_is_space(t[e - 1]))
        e--;
    sh_word w = sh_line_word(arena, l, a, e);
    sh_req req;
    sh_req_parse_word(arena, &w, &req);
    req.word = NULL;
    out->reqs = ed_arena_push(arena, out->reqs, out->nreqs, sizeof *out->reqs);
    out->reqs[out->nreqs++] = req;
}

/* Removes a comment from the logical line: `#` at its start or after
 * whitespace, to the end. */
static void sh_strip_comment(sh_line *l)
{
    const char *t = l->text.data;
    for (size_t k = 0; k < l->text.len; k++)
        if (t[k] == '#' && (k == 0 || sh_is_space(t[k - 1]))) {
            l->text.len = k;
            l->pos.len = k * sizeof(size_t);
            l->text.data[k] = '\0';
            return;
        }
}

void sh_reqfile_parse(ed_arena *arena, const char *text, size_t len, sh_reqfile *out)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return;
    sh_line l = {ED_BUF_INIT, ED_BUF_INIT};
    ed_buf_addc(&l.text, '\0'); /* data is never NULL below */
    ed_buf_reset(&l.text);
    bool joining = false;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t eol = nl ? (size_t)(nl - text) : len, next = nl ? eol + 1 : len;
        size_t b = eol;
        if (b > i && text[b - 1] == '\r')
            b--;
        bool comment = sh_is_comment_line(text, i, b);
        if (b > i && text[b - 1] == '\\' && !comment) { /* continued */
            sh_line_add(&l, text, i, b - 1);
            joining = true;
        } else {
            if (comment && joining)
                ed_buf_addc(&l.text, ' '), ed_buf_add(&l.pos, (const char *)&i, sizeof i);
            sh_line_add(&l, text, i, b);
            sh_strip_comment(&l);
            sh_logical_line(arena, &l, out);
            ed_buf_reset(&l.text);
            ed_buf_reset(&l.pos);
            joining = false;
        }
        i = next;
    }
    if (joining) { /* a backslash on the last line */
        sh_strip_comment(&l);
        sh_logical_line(arena, &l, out);
    }
    ed_buf_free(&l.text);
    ed_buf_free(&l.pos);
}

size_t sh_requirements_parse(ed_arena *arena, const char *text, size_t len, sh_req **out,
                             const char **index_url, const char ***extra_index_urls,
                             size_t *nextra)
{
    sh_reqfile f;
    sh_reqfile_parse(arena, text, len, &f);
    if (out)
        *out = f.reqs;
    if (index_url)
        *index_url = f.index_url;
    if (extra_index_urls)
        *extra_index_urls = f.extra_index_urls;
    if (nextra)
        *nextra = f.nextra_index_urls;
    return f.nreqs;
}
