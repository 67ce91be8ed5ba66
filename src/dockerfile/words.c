/* BuildKit's line parsers (parseWords, reWhitespace.Split,
 * extractBuilderFlags), reproduced with the logical range of every word. */
#include <stdlib.h>
#include <string.h>

#include "envdoctor/buf.h"
#include "internal.h"

void df_wordlist_push(df_wordlist *list, df_word word)
{
    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 4;
        list->items = realloc(list->items, list->cap * sizeof *list->items);
        if (!list->items)
            ed_out_of_memory();
    }
    list->items[list->n++] = word;
}

df_word *df_wordlist_finish(ed_arena *arena, df_wordlist *list)
{
    df_word *words = NULL;
    if (list->n) {
        words = ed_arena_calloc(arena, list->n, sizeof *words);
        memcpy(words, list->items, list->n * sizeof *words);
    }
    df_wordlist_free(list);
    return words;
}

void df_wordlist_free(df_wordlist *list)
{
    free(list->items);
    *list = (df_wordlist){0};
}

df_word df_make_word(ed_arena *arena, const char *text, size_t len, size_t lstart, size_t lend)
{
    df_word w = {0};
    w.text = ed_arena_strndup(arena, text, len);
    w.len = len;
    w.lstart = lstart;
    w.lend = lend;
    return w;
}

static void put_rune(ed_buf *out, const char *s, size_t len, unsigned rune, size_t width)
{
    if (rune == 0xFFFD && width == 1)
        ed_buf_add(out, "\xEF\xBF\xBD", 3); /* Go writes RuneError for a bad byte */
    else
        ed_buf_add(out, s, width);
    (void)len;
}

void df_parse_words(ed_arena *arena, const char *s, size_t start, size_t end, char escape,
                    df_wordlist *out)
{
    enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
    ed_buf word = ED_BUF_INIT;
    unsigned quote = 0;
    bool blank_ok = false;
    size_t word_start = start;
    size_t pos = start, width = 0;
    for (;; pos += width) {
        unsigned ch = 0;
        width = 1;
        if (pos < end)
            ch = df_utf8_decode(s + pos, end - pos, &width);
        if (phase == IN_SPACES) {
            if (pos >= end)
                break;
            if (df_is_unicode_space(ch))
                continue;
            phase = IN_WORD;
            word_start = pos;
        }
        if (pos >= end) {
            if (blank_ok || word.len > 0)
                df_wordlist_push(out, df_make_word(arena, word.data, word.len, word_start, end));
            break;
        }
        if (phase == IN_WORD) {
            if (df_is_unicode_space(ch)) {
                phase = IN_SPACES;
                if (blank_ok || word.len > 0)
                    df_wordlist_push(out, df_make_word(arena, word.data, word.len, word_start, pos));
                ed_buf_reset(&word);
                blank_ok = false;
                continue;
            }
            if (ch == '\'' || ch == '"') {
                quote = ch;
                blank_ok = true;
                phase = IN_QUOTE;
            }
            if (ch == (unsigned char)escape) {
                if (pos + width == end)
                    continue; /* an escape at the very end is dropped */
                put_rune(&word, s + pos, end - pos, ch, width);
                pos += width;
                ch = df_utf8_decode(s + pos, end - pos, &width);
            }
            put_rune(&word, s + pos, end - pos, ch, width);
            continue;
        }
        /* IN_QUOTE */
        if (ch == quote)
            phase = IN_WORD;
        if (ch == (unsigned char)escape && quote != '\'') {
            if (pos + width == end) {
                phase = IN_WORD;
                continue;
            }
            put_rune(&word, s + pos, end - pos, ch, width);
            pos += width;
            ch = df_utf8_decode(s + pos, end - pos, &width);
        }
        put_rune(&word, s + pos, end - pos, ch, width);
    }
    ed_buf_free(&word);
}

void df_split_ws(ed_arena *arena, const char *s, size_t start, size_t end, df_wordlist *out)
{
    if (start >= end)
        return;
    size_t pos = start;
    for (;;) {
        size_t word_start = pos;
        while (pos < end && !df_is_ws_class(s[pos]))
            pos++;
        df_wordlist_push(out, df_make_word(arena, s + word_start, pos - word_start,
                                                  word_start, pos));
        if (pos >= end)
            break;
        while (pos < end && df_is_ws_class(s[pos]))
            pos++;
        if (pos >= end) { /* a trailing separator leaves an empty last word */
            df_wordlist_push(out, df_make_word(arena, "", 0, pos, pos));
            break;
        }
    }
}

size_t df_extract_flags(ed_arena *arena, const char *s, size_t start, size_t end, char escape,
                        df_wordlist *flags)
{
    enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
    ed_buf word = ED_BUF_INIT;
    char quote = 0;
    bool blank_ok = false;
    size_t word_start = start;
    size_t result = end;
    for (size_t pos = start;; pos++) {
        char ch = pos < end ? s[pos] : 0;
        if (phase == IN_SPACES) {
            if (pos >= end)
                break;
            if (df_is_byte_space((unsigned char)ch))
                continue;
            if (ch != '-' || pos + 1 >= end || s[pos + 1] != '-') {
                result = pos;
                break;
            }
            phase = IN_WORD;
            word_start = pos;
        }
        if (pos >= end) {
            bool dashdash = word.len == 2 && memcmp(word.data, "--", 2) == 0;
            if (!dashdash && (blank_ok || word.len > 0))
                df_wordlist_push(flags, df_make_word(arena, word.data, word.len, word_start, end));
            break;
        }
        if (phase == IN_WORD) {
            if (df_is_byte_space((unsigned char)ch)) {
                phase = IN_SPACES;
                if (word.len == 2 && memcmp(word.data, "--", 2) == 0) {
                    result = pos; /* a bare `--` ends the flags */
                    break;
                }
                if (blank_ok || word.len > 0)
                    df_wordlist_push(flags, df_make_word(arena, word.data, word.len, word_start, pos));
                ed_buf_reset(&word);
                blank_ok = false;
                continue;
            }
            if (ch == '\'' || ch == '"') {
                quote = ch;
                blank_ok = true;
                phase = IN_QUOTE;
                continue;
            }
            if (ch == escape) {
                if (pos + 1 == end)
                    continue;
                ch = s[++pos];
            }
            ed_buf_addc(&word, ch);
            continue;
        }
        /* IN_QUOTE */
        if (ch == quote) {
            phase = IN_WORD;
            continue;
        }
        if (ch == escape) {
            if (pos + 1 == end) {
                phase = IN_WORD;
                continue;
            }
            ch = s[++pos];
        }
        ed_buf_addc(&word, ch);
    }
    ed_buf_free(&word);
    return result;
}
