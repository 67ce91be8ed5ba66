/* A source file read once, with a line index mapping byte offsets to
 * 1-based line:column positions on the original physical lines. */
#ifndef ENVDOCTOR_SOURCE_H
#define ENVDOCTOR_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"

typedef struct ed_pos {
    unsigned line;   /* 1-based physical line */
    unsigned column; /* 1-based, counted in Unicode code points */
} ed_pos;

typedef struct ed_source {
    const char *path;    /* name shown in reports */
    const char *data;    /* all bytes of the file, NUL-terminated */
    size_t len;
    size_t text_start;   /* 3 when the file starts with a UTF-8 BOM, else 0 */
    size_t *line_starts; /* byte offset where each physical line starts */
    size_t line_count;
} ed_source;

/* Wraps bytes already in memory (they must outlive the source). */
void ed_source_init(ed_source *src, ed_arena *arena, const char *path,
                    const char *data, size_t len);

/* Reads a whole file ("-" is standard input) into the arena. On failure
 * returns false and writes a message (without the path) into err. */
bool ed_source_read(ed_source *src, ed_arena *arena, const char *file,
                    const char *display_path, char *err, size_t errlen);

/* Position of a byte offset; an offset past the end maps to the end. */
ed_pos ed_source_pos(const ed_source *src, size_t offset);

/* Byte range [start, end) of a 1-based line, without its line ending. */
void ed_source_line_range(const ed_source *src, unsigned line, size_t *start,
                          size_t *end);

/* NULL for text; otherwise why the bytes are not text (NUL byte, UTF-16),
 * with the offset of the first offending byte in *at. */
const char *ed_source_not_text(const ed_source *src, size_t *at);

#endif
