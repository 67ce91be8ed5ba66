/* Replacing a file's content crash-safely. */
#ifndef ENVDOCTOR_REPLACE_H
#define ENVDOCTOR_REPLACE_H

#include <stdbool.h>
#include <stddef.h>

/* Replaces the content of the file at path with data[0..len): writes a
 * temporary file beside it, flushes it to disk, gives it the original's
 * mode (and owner, where allowed), and renames it over the original, so a
 * crash at any point leaves either the old or the new file, never a mix.
 * Refuses (false, the original untouched) when the file no longer holds
 * expected[0..expected_len) (it changed since it was read) or is not a
 * regular file; on any failure the temporary file is removed and err
 * says why. */
bool ed_replace_file(const char *path, const char *expected, size_t expected_len,
                     const char *data, size_t len, char *err, size_t errlen);

#endif
