#include "envdoctor/source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>


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

/* Reads fd to its end, or until more than max bytes came (*over), into
 * memory from the arena: one block of the expected size (a regular file's
 * size), grown only when the file is longer than it said (it changed while
 * read). False on a read error (errno set). */
static bool read_fd(int fd, ed_arena *arena, size_t expected, size_t max, char **data,
                    size_t *len, bool *over)
{
    size_t cap = expected ? expected + 1 : 65536, n = 0;
    if (cap > max + 1)
        cap = max + 1;
    char *block = ed_arena_alloc(arena, cap + 1);
    *over = false;
    for (;;) {
        if (n == cap) { /* longer than expected: grow, up to max + 1 */
            if (cap > max) {
                *over = true;
                break;
            }
            size_t bigger = cap > max / 2 ? max + 1 : cap * 2;
            char *grown = ed_arena_alloc(arena, bigger + 1);
            memcpy(grown, block, n);
            block = grown;
            cap = bigger;
        }
        ssize_t got = read(fd, block + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return false;
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > max)
        *over = true;
    block[n] = '\0';
    *data = block;
    *len = n;
    return true;
}

static void init_oversize(ed_source *src, ed_arena *arena, const char *name, size_t seen)
{
    ed_source_init(src, arena, ed_arena_strdup(arena, name), "", 0);
    src->oversize = seen;
}

bool ed_source_read_limited(ed_source *src, ed_arena *arena, const char *file,
                            const char *display_path, const ed_read_limit *limit, char *err,
                            size_t errlen)
{
    const char *name = display_path ? display_path : file;
    bool is_stdin = strcmp(file, "-") == 0;
    /* O_NONBLOCK: opening a FIFO that has no writer must not wait for one */
    int fd = is_stdin ? STDIN_FILENO : open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return false;
    }
    struct stat st;
    size_t expected = 0;
    if (fstat(fd, &st) == 0) {
        const char *refused = S_ISDIR(st.st_mode) ? "is a directory"
                              : limit->regular_only && !S_ISREG(st.st_mode)
                                  ? "is not a regular file (a device, FIFO or socket)"
                                  : NULL;
        if (refused && !is_stdin) {
            close(fd);
            snprintf(err, errlen, "%s", refused);
            return false;
        }
        if (S_ISREG(st.st_mode) && st.st_size > 0)
            expected = (size_t)st.st_size;
    }
    if (!is_stdin) { /* reads wait for data again (a pipe's writer) */
        int flags = fcntl(fd, F_GETFL);
        if (flags >= 0)
            fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    if (expected > limit->max_bytes) { /* not worth reading: its size says enough */
        if (!is_stdin)
            close(fd);
        init_oversize(src, arena, name, expected);
        return true;
    }
    char *data;
    size_t len;
    bool over;
    bool ok = read_fd(fd, arena, expected, limit->max_bytes, &data, &len, &over);
    int saved = errno;
    if (!is_stdin)
        close(fd);
    if (!ok) {
        snprintf(err, errlen, "read error: %s", strerror(saved));
        return false;
    }
    if (over) {
        init_oversize(src, arena, name, len);
        return true;
    }
    ed_source_init(src, arena, ed_arena_strdup(arena, name), data, len);
    return true;
}

bool ed_source_read(ed_source *src, ed_arena *arena, const char *file,
                    const char *display_path, char *err, size_t errlen)
{
    ed_read_limit limit = {ED_SOURCE_MAX_BYTES, false};
    if (!ed_source_read_limited(src, arena, file, display_path, &limit, err, errlen))
        return false;
    if (src->oversize) {
        snprintf(err, errlen, "file is larger than the %zu MiB limit", ED_SOURCE_MAX_BYTES >> 20);
        return false;
    }
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
