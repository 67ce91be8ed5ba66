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
    /* Not 0 when the file was not read because it is larger than the limit
     * it was read with: how many bytes it holds (at least); data is then
     * empty. */
    size_t oversize;
} ed_source;

/* Wraps bytes already in memory (they must outlive the source). */
void ed_source_init(ed_source *src, ed_arena *arena, const char *path,
                    const char *data, size_t len);

/* How much of what ed_source_read_limited reads. */
typedef struct ed_read_limit {
    size_t max_bytes;  /* a larger file is not read: src->oversize */
    bool regular_only; /* refuse devices, FIFOs and sockets (for files that
                          other files name: a hostile file may name /dev/zero) */
} ed_read_limit;

/* Reads a whole file ("-" is standard input) into the arena, up to the
 * limit: a larger one (or a stream that goes on) gives true with an empty
 * source whose oversize says how large. Never waits for a FIFO's writer
 * (a FIFO without one reads as empty). On failure (cannot open, a
 * directory, refused as not regular, read error) returns false and writes a
 * message (without the path) into err. */
bool ed_source_read_limited(ed_source *src, ed_arena *arena, const char *file,
                            const char *display_path, const ed_read_limit *limit, char *err,
                            size_t errlen);

/* The limit of ed_source_read. */
#define ED_SOURCE_MAX_BYTES ((size_t)8 << 20)

/* ed_source_read_limited for files the user names (configuration, .env):
 * at most ED_SOURCE_MAX_BYTES (a larger file is an error), any file type. */
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
