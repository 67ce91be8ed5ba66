/* Internal interfaces between the shell model's files. */
#ifndef ENVDOCTOR_SHELL_INTERNAL_H
#define ENVDOCTOR_SHELL_INTERNAL_H

#include "envdoctor/pkgcmd.h"

/* Where a requirement's version parts are in its word's text: the
 * specifier at [spec_a, spec_b) and the pinned version at [ver_a, ver_b)
 * (an empty range: there is none). */
typedef struct sh_version_at {
    size_t spec_a, spec_b;
    size_t ver_a, ver_b;
} sh_version_at;

/* An empty requirement of word w: no name (""), the whole word as its
 * name's range. */
void sh_req_init(const sh_word *w, sh_req *out);

/* Fills out's spec/version/label ranges (see sh_req) from `at`, mapped
 * through the word's positions; with pip_label, the label is the '+' part
 * of the version. */
void sh_req_set_version_spans(const sh_word *w, const sh_version_at *at, bool pip_label,
                              sh_req *out);

/* `needle` occurs in s[0..len). */
bool sh_text_contains(const char *s, size_t len, const char *needle);

#endif
