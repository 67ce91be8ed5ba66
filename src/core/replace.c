/* Crash-safe file replacement (see replace.h). */
#define _XOPEN_SOURCE 700 /* fchown, fsync */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envdoctor/replace.h"

/* Does the open file hold exactly expected[0..len)? */
static bool holds(int fd, const char *expected, size_t len)
{
    char buf[65536];
    size_t at = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            return at == len;
        if ((size_t)n > len - at || memcmp(buf, expected + at, (size_t)n) != 0)
            return false;
        at += (size_t)n;
    }
}

static bool write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* The folder of path, for the temporary file and the final fsync. */
static void folder_of(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, size, ".");
    else if (slash == path)
        snprintf(out, size, "/");
    else
        snprintf(out, size, "%.*s", (int)(slash - path), path);
}

/* Does the file at path still hold expected[0..len)? */
static bool still_holds(const char *path, const char *expected, size_t len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    bool same = holds(fd, expected, len);
    close(fd);
    return same;
}

bool ed_replace_file(const char *path, const char *expected, size_t expected_len,
                     const char *data, size_t len, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot open it: %s", strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file: not changed");
        return false;
    }
    char dir[4096], tmp[4200];
    folder_of(path, dir, sizeof dir);
    const char *slash = strrchr(path, '/');
    snprintf(tmp, sizeof tmp, "%s/.%s.env-doctor-XXXXXX", dir, slash ? slash + 1 : path);
    int out = mkstemp(tmp);
    if (out < 0) {
        snprintf(err, errlen, "cannot create a temporary file beside it: %s", strerror(errno));
        return false;
    }
    bool ok = write_all(out, data, len) && fchmod(out, st.st_mode & 07777) == 0;
    if (ok && fchown(out, st.st_uid, st.st_gid) != 0 && errno != EPERM)
        ok = false;
    ok = ok && fsync(out) == 0;
    int saved = errno;
    if (close(out) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    /* as late as possible: someone may have edited it meanwhile */
    bool changed = ok && !still_holds(path, expected, expected_len);
    if (ok && !changed && rename(tmp, path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok || changed) {
        unlink(tmp);
        if (changed)
            snprintf(err, errlen, "it changed since it was read: not changed");
        else
            snprintf(err, errlen, "cannot write it: %s (the original is unchanged)",
                     strerror(saved));
        return false;
    }
    /* make the rename itself durable */
    int d = open(dir, O_RDONLY);
    if (d >= 0) {
        fsync(d);
        close(d);
    }
    return true;
}
