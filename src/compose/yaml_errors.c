/* Errors: libyaml's reader, scanner and parser errors with their positions,
 * and the errors found while resolving the tree. */
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "envdoctor/buf.h"
#include "yaml_internal.h"

cf_error *cf_add_error(cf_builder *b, cf_error_kind kind, size_t start, size_t end,
                       const char *fmt, ...)
{
    cf_yaml *y = b->y;
    y->errors = ed_arena_push(b->arena, y->errors, y->nerrors, sizeof *y->errors);
    cf_error *e = &y->errors[y->nerrors++];
    va_list ap;
    va_start(ap, fmt);
    e->message = ed_arena_vprintf(b->arena, fmt, ap);
    va_end(ap);
    e->kind = kind;
    e->limit = CF_LIMIT_NONE;
    e->start = start;
    e->end = end < start ? start : end;
    e->related = CF_NO_POS;
    return e;
}

static bool is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

static void reader_error(cf_builder *b, const yaml_parser_t *p)
{
    const unsigned char *d = (const unsigned char *)b->src->data;
    size_t start = b->base + p->problem_offset;
    if (start > b->src->len)
        start = b->src->len;
    const char *problem = p->problem ? p->problem : "cannot read the input";
    if (strstr(problem, "trailing UTF-8 octet")) {
        /* libyaml names the bad trailing byte: point at the sequence's start */
        size_t s = start;
        while (s > b->base && start - s < 3 && is_continuation(d[s - 1]))
            s--;
        if (s > b->base && (d[s - 1] & 0xC0) == 0xC0)
            s--;
        start = s;
    }
    size_t end = start < b->src->len ? start + 1 : start;
    if (p->problem_value < 0)
        cf_add_error(b, CF_ERR_SYNTAX, start, end, "%s", problem);
    else if (strstr(problem, "octet"))
        cf_add_error(b, CF_ERR_SYNTAX, start, end, "%s (byte 0x%02X)", problem,
                     (unsigned)p->problem_value);
    else
        cf_add_error(b, CF_ERR_SYNTAX, start, end, "%s (U+%04X)", problem,
                     (unsigned)p->problem_value);
}

void cf_add_libyaml_error(cf_builder *b, const struct yaml_parser_s *parser)
{
    const yaml_parser_t *p = parser;
    b->stopped = true;
    b->y->truncated = true;
    switch (p->error) {
    case YAML_READER_ERROR:
        reader_error(b, p);
        return;
    case YAML_SCANNER_ERROR:
    case YAML_PARSER_ERROR: {
        /* context first: the cursor then walks forward to the problem */
        size_t ctx = p->context ? cf_pos_from_index(b, p->context_mark.index) : CF_NO_POS;
        size_t start = cf_pos_from_index(b, p->problem_mark.index);
        size_t end = cf_pos_next_char(b->src, start);
        const char *problem = p->problem ? p->problem : "invalid YAML";
        cf_error *e;
        if (p->context && ctx != start) {
            ed_pos at = ed_source_pos(b->src, ctx);
            e = cf_add_error(b, CF_ERR_SYNTAX, start, end, "%s (%s started at line %u, column %u)",
                             problem, p->context, at.line, at.column);
            e->related = ctx;
        } else if (p->context) {
            e = cf_add_error(b, CF_ERR_SYNTAX, start, end, "%s (%s)", problem, p->context);
        } else {
            cf_add_error(b, CF_ERR_SYNTAX, start, end, "%s", problem);
        }
        return;
    }
    case YAML_MEMORY_ERROR:
        cf_add_error(b, CF_ERR_LIMIT, b->cur_byte, b->cur_byte, "out of memory while parsing YAML");
        return;
    default:
        cf_add_error(b, CF_ERR_SYNTAX, b->cur_byte, b->cur_byte, "%s",
                     p->problem ? p->problem : "invalid YAML");
        return;
    }
}

const char *cf_quote_for_message(cf_builder *b, const char *s, size_t len)
{
    enum { MAX_CHARS = 40 };
    ed_buf buf = ED_BUF_INIT;
    ed_buf_addc(&buf, '"');
    size_t chars = 0, i = 0;
    while (i < len && chars < MAX_CHARS) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            ed_buf_printf(&buf, "\\x%02X", c);
        else if (c == '"' || c == '\\')
            ed_buf_printf(&buf, "\\%c", c);
        else
            ed_buf_addc(&buf, (char)c);
        i++;
        while (i < len && is_continuation((unsigned char)s[i]))
            ed_buf_addc(&buf, s[i++]);
        chars++;
    }
    if (i < len)
        ed_buf_adds(&buf, "...");
    ed_buf_addc(&buf, '"');
    const char *quoted = ed_buf_to_arena(&buf, b->arena);
    ed_buf_free(&buf);
    return quoted;
}

const char *cf_describe(const cf_node *n)
{
    const char *t = cf_type_name(n);
    if (strcmp(t, "null") == 0)
        return "null";
    if (strcmp(t, "bool") == 0)
        return "a boolean";
    if (strcmp(t, "int") == 0 || strcmp(t, "float") == 0)
        return "a number";
    if (strcmp(t, "map") == 0)
        return "a map";
    if (strcmp(t, "list") == 0)
        return "a list";
    return "a string";
}
