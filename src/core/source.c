#include "envdoctor/source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "envdoctor/buf.h"

static void build_line_index(ed_source *src, ed_arena *arena)
{
    size_t count = 1;
    for (const char *p = src->data; (p = memchr(p, '\n', src->len - (size_t)(p - src->data)));
         p++)
        count++;
    src->line_starts = ed_arena_calloc(arena, count, sizeof *src->line_starts);
    src->line_starts[0] = src->text_start;
    size_t n = 1;
    for (size_t i = 0; i < src->len; i++)
        if (src->data[i] == '\n')
            src->line_starts[n++] = i + 1;
    src->line_count = count;
}

void ed_source_init(ed_source *src, ed_arena *arena, const char *path,
                    const char *data, size_t len)
{
    memset(src, 0, sizeof *src);
    src->path = path;
    src->data = data;
    src->len = len;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        src->text_start = 3;
    build_line_index(src, arena);
}

static bool read_stream(FILE *f, ed_buf *buf)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ed_buf_add(buf, chunk, n);
    return !ferror(f);
}

bool ed_source_read(ed_source *src, ed_arena *arena, const char *file,
                    const char *display_path, char *err, size_t errlen)
{
    bool is_stdin = strcmp(file, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(file, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return false;
    }
    if (!is_stdin) {
        struct stat st;
        if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
            fclose(f);
            snprintf(err, errlen, "is a directory");
            return false;
        }
    }
    ed_buf buf = ED_BUF_INIT;
    bool ok = read_stream(f, &buf);
    int saved = errno;
    if (!is_stdin)
        fclose(f);
    if (!ok) {
        ed_buf_free(&buf);
        snprintf(err, errlen, "read error: %s", strerror(saved));
        return false;
    }
    size_t len = buf.len;
    char *data = ed_arena_strndup(arena, buf.data ? buf.data : "", len);
    ed_buf_free(&buf);
    ed_source_init(src, arena, ed_arena_strdup(arena, display_path ? display_path : file),
                   data, len);
    return true;
}

ed_pos ed_source_pos(const ed_source *src, size_t offset)
{
    if (offset > src->len)
        offset = src->len;
    size_t lo = 0, hi = src->line_count;
    while (hi - lo > 1) { /* last line whose start <= offset */
        size_t mid = lo + (hi - lo) / 2;
        if (src->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    /* the column counts every byte but UTF-8 continuation bytes (10xxxxxx),
     * eight bytes at a time: shifting a word left by one puts each byte's
     * bit 6 on its bit 7 (what comes in from the byte below lands on bit 0) */
    const unsigned char *p = (const unsigned char *)src->data;
    const unsigned long long high = 0x8080808080808080ull;
    size_t i = src->line_starts[lo], continuation = 0, bytes = offset > i ? offset - i : 0;
    for (; i + 8 <= offset; i += 8) {
        unsigned long long w;
        memcpy(&w, p + i, sizeof w);
        continuation += (size_t)__builtin_popcountll(w & ~(w << 1) & high);
    }
    for (; i < offset; i++)
        continuation += (p[i] & 0xC0) == 0x80;
    return (ed_pos){(unsigned)lo + 1, (unsigned)(1 + bytes - continuation)};
}

void ed_source_line_range(const ed_source *src, unsigned line, size_t *start,
                          size_t *end)
{
    if (line == 0 || line > src->line_count) {
        *start = *end = src->len;
        return;
    }
    size_t s = src->line_starts[line - 1];
    size_t e = line < src->line_count ? src->line_starts[line] - 1 : src->len;
    if (e > s && src->data[e - 1] == '\r' && line < src->line_count)
        e--;
    *start = s;
    *end = e;
}

const char *ed_source_not_text(const ed_source *src, size_t *at)
{
    if (src->len >= 2 && ((unsigned char)src->data[0] == 0xFF || (unsigned char)src->data[0] == 0xFE) &&
        ((unsigned char)src->data[1] == 0xFE || (unsigned char)src->data[1] == 0xFF) &&
        src->data[0] != src->data[1]) {
        *at = 0;
        return "file is UTF-16 encoded; env-doctor reads UTF-8 text";
    }
    const char *nul = memchr(src->data, '\0', src->len);
    if (nul) {
        *at = (size_t)(nul - src->data);
        return "file is not text (contains a NUL byte)";
    }
    return NULL;
}
