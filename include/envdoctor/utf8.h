/* UTF-8 decoding shared by the tokenizer and the reporters. */
#ifndef ENVDOCTOR_UTF8_H
#define ENVDOCTOR_UTF8_H

#include <stddef.h>

#include "envdoctor/arena.h"

/* Decodes one rune at s[0..len) like Go's utf8.DecodeRune: invalid input
 * gives U+FFFD with *width 1. */
unsigned ed_utf8_decode(const char *s, size_t len, size_t *width);

/* The string with every invalid byte replaced by U+FFFD (s itself when it
 * is valid UTF-8 already). */
const char *ed_utf8_sanitize(ed_arena *arena, const char *s);

/* s cut after max_chars characters, with "…" when it was longer (s itself
 * when it is not): for text from a file quoted in a message. */
const char *ed_utf8_abbrev(ed_arena *arena, const char *s, size_t max_chars);

#endif
