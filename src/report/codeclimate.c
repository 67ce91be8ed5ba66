/* GitLab Code Quality: a JSON array of Code Climate issues. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "envdoctor/report.h"
#include "envdoctor/utf8.h"

static void fnv(uint64_t *h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        *h ^= p[i];
        *h *= 0x100000001b3ULL;
    }
}

/* GitLab wants paths relative to the repository: "./" prefixes go, and an
 * absolute path under the current folder (where CI runs) becomes relative. */
static const char *repo_path(ed_arena *arena, const char *path)
{
    if (!path)
        return "";
    char cwd[4096];
    size_t n;
    if (path[0] == '/' && getcwd(cwd, sizeof cwd) && (n = strlen(cwd)) > 1 &&
        strncmp(path, cwd, n) == 0 && path[n] == '/')
        path += n + 1;
    while (path[0] == '.' && path[1] == '/')
        for (path += 2; *path == '/';)
            path++;
    return ed_arena_strdup(arena, path);
}

/* The offending source text: the finding's bytes, else its message. */
static void offending(const ed_file_result *file, const ed_finding *f, const char **s, size_t *len)
{
    if (file->src && f->start <= f->end && f->end <= file->src->len) {
        *s = file->src->data + f->start;
        *len = f->end - f->start;
    } else {
        *s = f->message ? f->message : "";
        *len = strlen(*s);
    }
}

void rep_fingerprint(const ed_file_result *file, size_t k, char hex[17])
{
    const ed_finding *f = &file->findings[k];
    const char *s;
    size_t len;
    offending(file, f, &s, &len);
    unsigned occurrence = 0;
    for (size_t j = 0; j < k; j++) {
        const ed_finding *g = &file->findings[j];
        const char *t;
        size_t tlen;
        offending(file, g, &t, &tlen);
        if (g->rule == f->rule && tlen == len && memcmp(s, t, len) == 0)
            occurrence++;
    }
    uint64_t h = 0xcbf29ce484222325ULL;
    ed_arena *arena = ed_arena_new(); /* the same path, however it was named */
    const char *path = repo_path(arena, file->path);
    fnv(&h, path, strlen(path) + 1);
    ed_arena_free(arena);
    fnv(&h, f->rule->id, strlen(f->rule->id) + 1);
    fnv(&h, s, len);
    fnv(&h, "", 1);
    char occ[16];
    int olen = snprintf(occ, sizeof occ, "%u", occurrence);
    fnv(&h, occ, (size_t)olen);
    snprintf(hex, 17, "%016llx", (unsigned long long)h);
}

static const char *severity(ed_severity s)
{
    return s == ED_SEV_ERROR ? "critical" : s == ED_SEV_WARNING ? "major" : "info";
}

void rep_codeclimate(FILE *out, const ed_file_result *files, size_t n)
{
    ed_arena *arena = ed_arena_new();
    json_t *issues = json_array();
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < files[i].nfindings; k++) {
            const ed_finding *f = &files[i].findings[k];
            char fp[17];
            rep_fingerprint(&files[i], k, fp);
            json_array_append_new(
                issues,
                json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:{s:i, s:i}}}", "type", "issue",
                          "check_name", f->rule->id, "description",
                          ed_arena_printf(arena, "%s [%s %s]",
                                          ed_utf8_sanitize(arena, rep_message(arena, f)),
                                          f->rule->id, f->rule->name),
                          "fingerprint", fp, "severity", severity(f->severity), "location",
                          "path", ed_utf8_sanitize(arena, repo_path(arena, files[i].path)),
                          "lines", "begin", (json_int_t)f->begin.line, "end",
                          (json_int_t)f->finish.line));
        }
    json_dumpf(issues, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    fputc('\n', out);
    json_decref(issues);
    ed_arena_free(arena);
}
