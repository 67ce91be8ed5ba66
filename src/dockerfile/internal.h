/* Internal interfaces between the Dockerfile parser's files. */
#ifndef ENVDOCTOR_DOCKERFILE_INTERNAL_H
#define ENVDOCTOR_DOCKERFILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/dockerfile.h"
#include "envdoctor/utf8.h"

/* --- text.c: Go's notion of characters and spaces --- */

#define df_utf8_decode ed_utf8_decode
/* Go's unicode.IsSpace. */
bool df_is_unicode_space(unsigned rune);
/* unicode.IsSpace(rune(b)) for a single byte, as BuildKit's byte loops do. */
bool df_is_byte_space(unsigned char b);
/* Bytes of the Unicode space at s (0 when none). */
size_t df_space_width(const char *s, size_t len);
/* Trims Unicode spaces on both ends of [*start, *end). */
void df_trim_space(const char *s, size_t *start, size_t *end);
/* The [\t\v\f\r ] class of BuildKit's reWhitespace. */
bool df_is_ws_class(char c);

/* --- json_array.c --- */

typedef enum df_json_status {
    DF_JSON_OK,         /* an array of strings */
    DF_JSON_INVALID,    /* not JSON: BuildKit falls back to shell form */
    DF_JSON_NOT_STRING, /* valid JSON, but an element is not a string: hard error */
} df_json_status;

/* Parses s[start..end) (leading blanks allowed) as a JSON array of strings,
 * as Go's encoding/json would. Element words get logical ranges offset by 0
 * (ranges are indexes into s). On DF_JSON_NOT_STRING, *bad_at is the offset
 * of the offending element. */
df_json_status df_json_array(ed_arena *arena, const char *s, size_t start, size_t end,
                             df_word **words, size_t *nwords, size_t *bad_at);

/* --- words.c: BuildKit's line parsers over the logical line --- */

/* Words being collected: the array is on the heap, so that growing it leaves
 * no outgrown copies in the arena; finish or free every list. */
typedef struct df_wordlist {
    df_word *items;
    size_t n, cap;
} df_wordlist;

void df_wordlist_push(df_wordlist *list, df_word word);
/* The words as an arena array of exactly list->n (NULL when there are none);
 * frees the heap array and empties the list. */
df_word *df_wordlist_finish(ed_arena *arena, df_wordlist *list);
/* Frees the heap array of a list whose words were taken elsewhere. */
void df_wordlist_free(df_wordlist *list);
df_word df_make_word(ed_arena *arena, const char *text, size_t len, size_t lstart, size_t lend);

/* parseWords: quote-aware split keeping quotes and escapes in the words. */
void df_parse_words(ed_arena *arena, const char *s, size_t start, size_t end, char escape,
                    df_wordlist *out);
/* reWhitespace.Split: words separated by runs of [\t\v\f\r ]. */
void df_split_ws(ed_arena *arena, const char *s, size_t start, size_t end, df_wordlist *out);
/* extractBuilderFlags: flags at the start of [start, end); returns the offset
 * where the arguments begin (end when only flags). */
size_t df_extract_flags(ed_arena *arena, const char *s, size_t start, size_t end, char escape,
                        df_wordlist *flags);

/* --- node.c --- */

/* Builds the instruction from its logical line s[0..len) (keyword, flags,
 * arguments by keyword, ONBUILD trigger) and maps every word to the source.
 * in->segs, in->line_base and in->span must be set. */
void df_build_node(ed_arena *arena, df_file *file, df_instr *in, const char *s, size_t len);

/* --- heredoc.c --- */

typedef struct df_heredoc_list {
    df_heredoc *items;
    size_t n;
} df_heredoc_list;

/* Finds the heredoc redirections in a logical line, as BuildKit's
 * heredocsFromLine does (bodies not read yet). */
void df_find_heredocs(ed_arena *arena, const char *line, size_t len, df_heredoc_list *out);

/* --- gosyntax.c: the Go syntax BuildKit's messages and values depend on --- */

#include <stdint.h>

struct ed_buf;

/* ASCII '0'..'9'. */
bool df_is_digit(char c);
/* ASCII 'A'..'Z' to lower case; any other byte as it is. */
char df_ascii_lower(char c);
/* A copy of s[0..len) in the arena with its ASCII letters lower-cased. */
char *df_ascii_lower_dup(ed_arena *arena, const char *s, size_t len);
/* Whether s equals one of list[0..n). */
bool df_in_list(const char *s, const char *const *list, size_t n);

/* Go's strconv.Quote (%q) of s[0..len), appended to out. */
void df_go_quote_buf(struct ed_buf *out, const char *s, size_t len);
/* Go's strconv.Quote of the string s, in the arena. */
const char *df_go_quote(ed_arena *arena, const char *s);

/* msg, plus " (did you mean X?)" when an option X is at most 2 edits from val. */
const char *df_with_suggestion(ed_arena *arena, const char *msg, const char *val,
                               const char *const *opts, size_t n);

typedef enum df_num_status { DF_NUM_OK, DF_NUM_SYNTAX, DF_NUM_RANGE } df_num_status;

/* strconv.ParseUint(s, base, bits) for base <= 10. */
df_num_status df_go_parse_uint(const char *s, unsigned base, unsigned bits, uint64_t *out);
/* strconv.ParseInt(s, 10, 32). */
df_num_status df_go_parse_int32(const char *s, int64_t *out);
/* Whether strconv.ParseBool accepts s. */
bool df_go_is_bool(const char *s);
/* time.ParseDuration: NULL and the signed duration in *ns, or Go's error message. */
const char *df_go_parse_duration(ed_arena *arena, const char *s, int64_t *ns);
/* Whether go-units' RAMInBytes accepts s (tmpfs size=): 1.5, 64m, 2 GiB, ... */
bool df_go_is_ram_size(ed_arena *arena, const char *s);

typedef struct df_csv_field {
    const char *text; /* with the CSV quoting removed */
    size_t at, end;   /* where it is written in the value */
} df_csv_field;

typedef struct df_csv_list {
    df_csv_field *items;
    size_t n;
} df_csv_list;

/* go-csvvalue's split of a one-line CSV value: NULL, or the error message. */
const char *df_csv_split(ed_arena *arena, const char *s, df_csv_list *out);

#endif
