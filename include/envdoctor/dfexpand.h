/* Variable expansion for Dockerfile words, as BuildKit's shell lexer does it
 * (frontend/dockerfile/shell/lex.go: ProcessWord and ProcessWords, with
 * SkipUnsetEnv, RawQuotes and RawEscapes off, as used for ARG, ENV, FROM,
 * COPY and the other instructions).
 *
 * Supported: $V ${V} ${V:-w} ${V-w} ${V:+w} ${V+w} ${V:?w} ${V?w}
 * ${V#p} ${V##p} ${V%p} ${V%%p} ${V/p/r} ${V//p/r}; single and double quotes
 * are removed; the escape character ('\\' or '`') quotes the next character.
 * Everything else in ${...} is an error, with BuildKit's message.
 *
 * Names: a run of Unicode letters, digits and '_'; a leading digit reads
 * digits only ($12), and one of @ * # ? - $ ! is a name on its own ($$).
 * '$' followed by anything else stays a literal '$'. Unset names expand to "".
 */
#ifndef ENVDOCTOR_DFEXPAND_H
#define ENVDOCTOR_DFEXPAND_H

#include <stddef.h>

#include "envdoctor/arena.h"

/* Looks a variable up; returns its value (NUL-terminated) or NULL when unset.
 * name: NUL-terminated, name_len bytes (may be 0: BuildKit looks "" up for
 * "${+x}"). offset: byte offset of the reference (its '$') in the input.
 * Called for every reference, nested ones included, in BuildKit's order: the
 * words inside ${V:-w} are expanded (and looked up) before V, and always. */
typedef const char *(*df_lookup_fn)(void *ctx, const char *name, size_t name_len, size_t offset);

typedef struct df_expand_error {
    const char *message; /* in the arena, e.g. "unsupported modifier (#) in substitution" */
    size_t offset;       /* byte offset in the input where the problem is */
} df_expand_error;

/* Offsets: an unterminated quote points at its opening quote; an unsupported
 * modifier at the modifier; every other error at the '$' of the ${...}. */

/* Deeper nesting of ${...} words fails with "substitution nested too deeply". */
#define DF_EXPAND_MAX_DEPTH 64

/* BuildKit's ProcessWord: expands $V ${V} and the modifiers, removes quotes,
 * handles the escape character ('\\' or '`'); result in the arena.
 * lookup may be NULL (everything unset). Returns NULL and fills *err (when
 * err is not NULL) on an error; on success err->message is NULL.
 * Like BuildKit, bytes that are not valid UTF-8 in the input come out as
 * U+FFFD, a leading BOM is dropped, and a NUL byte ends the C string. */
char *df_expand_word(ed_arena *arena, const char *in, size_t len, char escape,
                     df_lookup_fn lookup, void *ctx, df_expand_error *err);

/* BuildKit's ProcessWords: the same, then split into words on unquoted
 * Unicode blanks. Returns the count, words in *out (arena, followed by a NULL
 * entry). On an error returns 0, sets *out to NULL and fills *err.
 * As in BuildKit, a quoted empty string ("" or '') makes no word on its own,
 * and text gathered for the current word before a ${V<modifier>...} is
 * dropped ("a${V:-x}" gives "x"): BuildKit's nested lexing resets the word
 * buffer it shares with the outer level. */
size_t df_expand_words(ed_arena *arena, const char *in, size_t len, char escape,
                       df_lookup_fn lookup, void *ctx, char ***out, df_expand_error *err);

#endif
