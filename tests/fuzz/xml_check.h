/* A well-formedness check for the XML that env-doctor writes (checkstyle,
 * junit): an XML declaration, then one element tree of start and end tags
 * with quoted attributes, text and character or entity references. It
 * rejects what those writers never produce (comments, CDATA, DOCTYPE,
 * processing instructions after the declaration), and any character XML
 * 1.0 does not allow: invalid UTF-8, controls other than tab, LF and CR,
 * surrogates, U+FFFE and U+FFFF, and (our writers' own rule) C1 controls.
 * xml_check returns NULL when the document is well formed, else what is
 * wrong; *where gets the byte offset. */
#ifndef ENVDOCTOR_TESTS_FUZZ_XML_CHECK_H
#define ENVDOCTOR_TESTS_FUZZ_XML_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "envdoctor/utf8.h"

enum { XML_CHECK_MAX_DEPTH = 64 };

typedef struct xml_cursor {
    const char *s;
    size_t len, i;
} xml_cursor;

static bool xml_name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

/* A name at the cursor; its length, 0 when there is none. */
static size_t xml_name(xml_cursor *x)
{
    size_t start = x->i;
    while (x->i < x->len && xml_name_char(x->s[x->i], x->i == start))
        x->i++;
    return x->i - start;
}

static void xml_space(xml_cursor *x)
{
    while (x->i < x->len && strchr(" \t\r\n", x->s[x->i]) && x->s[x->i])
        x->i++;
}

/* One character of text or of an attribute value (not '<'; '&' starts a
 * reference); stop is the quote that ends a value, or 0. */
static const char *xml_char(xml_cursor *x)
{
    unsigned char c = (unsigned char)x->s[x->i];
    if (c == '&') {
        const char *ref = x->s + x->i + 1;
        size_t left = x->len - x->i - 1;
        static const char *const named[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
        for (size_t k = 0; k < 5; k++)
            if (left >= strlen(named[k]) && memcmp(ref, named[k], strlen(named[k])) == 0) {
                x->i += 1 + strlen(named[k]);
                return NULL;
            }
        size_t k = 0;
        if (left > 1 && ref[0] == '#') {
            bool hex = ref[1] == 'x';
            k = hex ? 2 : 1;
            unsigned long code = 0;
            size_t digits = 0;
            for (; k < left && ref[k] != ';' && digits < 8; k++, digits++) {
                char d = ref[k];
                int v = d >= '0' && d <= '9'                  ? d - '0'
                        : hex && d >= 'a' && d <= 'f'         ? d - 'a' + 10
                        : hex && d >= 'A' && d <= 'F'         ? d - 'A' + 10
                                                              : -1;
                if (v < 0)
                    return "a bad character reference";
                code = code * (hex ? 16 : 10) + (unsigned long)v;
            }
            if (!digits || k >= left || ref[k] != ';')
                return "a bad character reference";
            if (!(code == 9 || code == 10 || code == 13 || (code >= 0x20 && code < 0xD800) ||
                  (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF)))
                return "a reference to a character XML does not allow";
            x->i += k + 2;
            return NULL;
        }
        return "a bare '&'";
    }
    if (c == '<')
        return "a bare '<'";
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        return "a control character";
    if (c < 0x80) {
        x->i++;
        return NULL;
    }
    size_t width;
    unsigned rune = ed_utf8_decode(x->s + x->i, x->len - x->i, &width);
    if (rune == 0xFFFD && width == 1)
        return "invalid UTF-8";
    if ((rune >= 0xD800 && rune <= 0xDFFF) || rune == 0xFFFE || rune == 0xFFFF ||
        (rune >= 0x80 && rune <= 0x9F))
        return "a character XML (or our writers) does not allow";
    x->i += width;
    return NULL;
}

/* Attributes up to '>' or '/>'; *empty tells which. */
static const char *xml_attributes(xml_cursor *x, bool *empty)
{
    for (;;) {
        size_t before = x->i;
        xml_space(x);
        if (x->i >= x->len)
            return "a tag that does not end";
        if (x->s[x->i] == '>' || (x->s[x->i] == '/' && x->i + 1 < x->len && x->s[x->i + 1] == '>')) {
            *empty = x->s[x->i] == '/';
            x->i += *empty ? 2 : 1;
            return NULL;
        }
        if (x->i == before || !xml_name(x))
            return "a bad attribute";
        if (x->i >= x->len || x->s[x->i] != '=' || x->i + 1 >= x->len || x->s[x->i + 1] != '"')
            return "an attribute without =\"value\"";
        x->i += 2;
        while (x->i < x->len && x->s[x->i] != '"') {
            const char *bad = xml_char(x);
            if (bad)
                return bad;
        }
        if (x->i >= x->len)
            return "an attribute value that does not end";
        x->i++;
    }
}

static const char *xml_check(const char *s, size_t len, size_t *where)
{
    xml_cursor x = {s, len, 0};
    const char *bad = NULL;
    const char *open[XML_CHECK_MAX_DEPTH];
    size_t open_len[XML_CHECK_MAX_DEPTH], depth = 0;
    bool root_done = false;
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    if (len < sizeof decl - 1 || memcmp(s, decl, sizeof decl - 1) != 0) {
        *where = 0;
        return "no XML declaration";
    }
    x.i = sizeof decl - 1;
    while (!bad && x.i < len) {
        if (s[x.i] != '<') {
            if (depth == 0 && !strchr(" \t\r\n", s[x.i]))
                bad = "text outside the root element";
            else
                bad = xml_char(&x);
            continue;
        }
        x.i++;
        bool end = x.i < len && s[x.i] == '/';
        x.i += end;
        size_t name_at = x.i, n = xml_name(&x);
        if (!n) {
            bad = "a markup construct these writers never emit";
        } else if (end) {
            xml_space(&x);
            if (!depth || open_len[depth - 1] != n || memcmp(open[depth - 1], s + name_at, n) != 0)
                bad = "an end tag that does not match";
            else if (x.i >= len || s[x.i] != '>')
                bad = "an end tag that does not end";
            else {
                x.i++;
                root_done = --depth == 0;
            }
        } else if (root_done) {
            bad = "a second root element";
        } else {
            bool empty = false;
            bad = xml_attributes(&x, &empty);
            if (!bad && !empty) {
                if (depth == XML_CHECK_MAX_DEPTH)
                    bad = "elements nested too deep";
                else {
                    open[depth] = s + name_at;
                    open_len[depth++] = n;
                }
            } else if (!bad && depth == 0) {
                root_done = true;
            }
        }
    }
    if (!bad && (depth || !root_done))
        bad = depth ? "an element that is not closed" : "no root element";
    *where = x.i;
    return bad;
}

#endif
