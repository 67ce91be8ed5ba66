/* Positions: libyaml marks count characters (code points) from the start of
 * its input; the tree keeps byte offsets into the source. */
#include <string.h>

#include "yaml_internal.h"

static bool is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Marks arrive in nearly increasing order, so a cursor that walks from the
 * previous mark keeps the whole parse linear. */
size_t cf_pos_from_index(cf_builder *b, size_t index)
{
    const unsigned char *d = (const unsigned char *)b->src->data;
    size_t len = b->src->len;
    while (b->cur_char < index && b->cur_byte < len) {
        b->cur_byte++;
        while (b->cur_byte < len && is_continuation(d[b->cur_byte]))
            b->cur_byte++;
        b->cur_char++;
    }
    while (b->cur_char > index && b->cur_byte > b->base) {
        b->cur_byte--;
        while (b->cur_byte > b->base && is_continuation(d[b->cur_byte]))
            b->cur_byte--;
        b->cur_char--;
    }
    return b->cur_byte;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_break(char c)
{
    return c == '\n' || c == '\r';
}

size_t cf_pos_skip_props(const cf_builder *b, size_t from, size_t limit, const char *anchor,
                         const char *tag)
{
    const char *d = b->src->data;
    if (limit > b->src->len)
        limit = b->src->len;
    size_t p = from;
    bool seen_anchor = false, seen_tag = false;
    while (p < limit) {
        /* blanks, line breaks and comments between the properties */
        if (is_blank(d[p]) || is_break(d[p])) {
            p++;
            continue;
        }
        if (d[p] == '#' && p > from && (is_blank(d[p - 1]) || is_break(d[p - 1]))) {
            while (p < limit && !is_break(d[p]))
                p++;
            continue;
        }
        if (d[p] == '&' && anchor && !seen_anchor) {
            seen_anchor = true;
            p += 1 + strlen(anchor);
            continue;
        }
        if (d[p] == '!' && tag && !seen_tag) {
            seen_tag = true;
            if (p + 1 < limit && d[p + 1] == '<') {
                while (p < limit && d[p] != '>')
                    p++;
                p++;
            } else {
                while (p < limit && !is_blank(d[p]) && !is_break(d[p]) &&
                       !strchr(",[]{}", d[p]))
                    p++;
            }
            continue;
        }
        break;
    }
    return p < limit ? p : limit;
}

size_t cf_pos_trim_block_end(const cf_builder *b, size_t start, size_t end)
{
    const char *d = b->src->data;
    /* the indicator and its chomping/indentation indicators */
    size_t header = start;
    if (header < end && (d[header] == '|' || d[header] == '>'))
        header++;
    while (header < end && strchr("+-0123456789", d[header]) && d[header])
        header++;
    size_t line_end = header;
    while (line_end < end && !is_break(d[line_end]))
        line_end++;
    while (end > start && (is_blank(d[end - 1]) || is_break(d[end - 1])))
        end--;
    if (end <= line_end) /* no content: only the header (and its comment) */
        return header;
    return end;
}

size_t cf_pos_next_char(const ed_source *src, size_t offset)
{
    if (offset >= src->len || is_break(src->data[offset]))
        return offset < src->len ? offset : src->len;
    offset++;
    while (offset < src->len && is_continuation((unsigned char)src->data[offset]))
        offset++;
    return offset;
}
