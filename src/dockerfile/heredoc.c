/* Heredoc redirections in RUN/COPY/ADD lines, found the way BuildKit's
 * heredocsFromLine does: shell-lex the line into words, then match each word
 * against `[fd]<<[-][blanks]delimiter`. */
#include <stdlib.h>
#include <string.h>

#include "envdoctor/buf.h"
#include "internal.h"

typedef struct lexed {
    size_t start, end; /* range in the line */
    char *text;        /* with quotes and escapes removed (unquoted mode) */
} lexed;

/* Splits s[0..len) into shell words. In raw mode only the ranges matter; in
 * unquoted mode the text has quotes and backslash escapes removed. A `<<`
 * swallows the blanks after it, as BuildKit's lexer does. Returns the word
 * count, or -1 on an unterminated quote. */
static long lex_words(ed_arena *arena, const char *s, size_t len, bool unquote, lexed *out,
                      size_t max)
{
    size_t n = 0;
    size_t i = 0;
    ed_buf word = ED_BUF_INIT;
    bool in_word = false;
    size_t start = 0;
#define BEGIN()                                                                               \
    do {                                                                                      \
        if (!in_word) {                                                                       \
            in_word = true;                                                                   \
            start = i;                                                                        \
        }                                                                                     \
    } while (0)
    while (i < len) {
        size_t w;
        unsigned ch = df_utf8_decode(s + i, len - i, &w);
        if (ch == '\'' || ch == '"') {
            BEGIN();
            char q = (char)ch;
            size_t j = i + 1;
            while (j < len && s[j] != q) {
                if (q == '"' && s[j] == '\\' && j + 1 < len &&
                    (s[j + 1] == '"' || s[j + 1] == '$' || s[j + 1] == '\\')) {
                    if (unquote)
                        ed_buf_addc(&word, s[j + 1]);
                    j += 2;
                    continue;
                }
                if (unquote)
                    ed_buf_addc(&word, s[j]);
                j++;
            }
            if (j >= len) {
                ed_buf_free(&word);
                return -1;
            }
            i = j + 1;
            continue;
        }
        if (ch == '<' && i + 1 < len && s[i + 1] == '<') {
            BEGIN();
            ed_buf_add(&word, "<<", 2);
            i += 2;
            while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
                ed_buf_addc(&word, s[i++]);
            continue;
        }
        if (ch == '\\') {
            BEGIN();
            if (i + 1 >= len) {
                i++;
                continue;
            }
            if (!unquote)
                ed_buf_addc(&word, '\\');
            df_utf8_decode(s + i + 1, len - i - 1, &w);
            ed_buf_add(&word, s + i + 1, w);
            i += 1 + w;
            continue;
        }
        if (df_is_unicode_space(ch)) {
            if (in_word && word.len > 0 && n < max) {
                out[n].start = start;
                out[n].end = i;
                out[n].text = ed_arena_strndup(arena, word.data, word.len);
                n++;
            }
            ed_buf_reset(&word);
            in_word = false;
            i += w;
            continue;
        }
        BEGIN();
        ed_buf_add(&word, s + i, w);
        i += w;
    }
#undef BEGIN
    if (in_word && word.len > 0 && n < max) {
        out[n].start = start;
        out[n].end = len;
        out[n].text = ed_arena_strndup(arena, word.data, word.len);
        n++;
    }
    ed_buf_free(&word);
    return (long)n;
}

static size_t count_quotes(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\'' || s[i] == '"';
    return n;
}

/* Matches `^(\d*)<<(-?)\s*([^<]*)$` on a raw word and fills the heredoc. */
static bool match_heredoc(ed_arena *arena, const char *w, size_t len, df_heredoc *doc)
{
    size_t i = 0;
    unsigned fd = 0;
    while (i < len && w[i] >= '0' && w[i] <= '9') {
        fd = fd < 100000000u ? fd * 10 + (unsigned)(w[i] - '0') : fd;
        i++;
    }
    if (len - i < 2 || w[i] != '<' || w[i + 1] != '<')
        return false;
    i += 2;
    bool chomp = i < len && w[i] == '-';
    if (chomp)
        i++;
    while (i < len && (w[i] == ' ' || w[i] == '\t' || w[i] == '\n' || w[i] == '\f' || w[i] == '\r'))
        i++;
    if (memchr(w + i, '<', len - i))
        return false;
    const char *rest = w + i;
    size_t rest_len = len - i;
    if (rest_len == 0)
        return false;
    lexed words[2];
    long n = lex_words(arena, rest, rest_len, true, words, 2);
    if (n < 0) { /* BuildKit fails the whole parse here */
        doc->name = NULL;
        return true;
    }
    if (n != 1)
        return false;
    doc->name = words[0].text;
    doc->fd = fd;
    doc->chomp = chomp;
    doc->expand = count_quotes(rest, rest_len) == count_quotes(words[0].text, strlen(words[0].text));
    return true;
}

void df_find_heredocs(ed_arena *arena, const char *line, size_t len, df_heredoc_list *out)
{
    if (len < 2 || !strstr(line, "<<"))
        return;
    size_t max = len / 2 + 1; /* words are separated by at least one blank */
    lexed *words = malloc(max * sizeof *words);
    if (!words)
        ed_out_of_memory();
    long n = lex_words(arena, line, len, false, words, max);
    for (long k = 0; k < n; k++) {
        df_heredoc doc = {0};
        const char *raw = line + words[k].start;
        size_t raw_len = words[k].end - words[k].start;
        if (!match_heredoc(arena, raw, raw_len, &doc))
            continue;
        doc.word = df_make_word(arena, raw, raw_len, words[k].start, words[k].end);
        out->items = ed_arena_push(arena, out->items, out->n, sizeof *out->items);
        out->items[out->n++] = doc;
    }
    free(words);
}
