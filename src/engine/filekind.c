/* File kinds from names and headers (see filekind.h). */
#include <string.h>
#include <strings.h>

#include "envdoctor/filekind.h"

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* `name` itself or `name.<anything>` (Dockerfile.gpu, Singularity.v2). */
static bool is_name_or_dotted(const char *base, const char *name)
{
    size_t n = strlen(name);
    return strncmp(base, name, n) == 0 && (base[n] == '\0' || (base[n] == '.' && base[n + 1]));
}

/* Dockerfile.<ext> names that are not Dockerfiles: BuildKit's per-Dockerfile
 * ignore file, documents, editor and patch leftovers, templates. */
static bool is_companion(const char *base)
{
    static const char *const exts[] = {".dockerignore", ".md", ".txt", ".rst", ".orig", ".bak",
                                       ".rej", ".swp", ".j2", ".jinja", ".jinja2", ".tmpl",
                                       ".tpl", ".template", ".in"};
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
        if (has_suffix(base, exts[i]))
            return true;
    return false;
}

static bool is_dockerfile_name(const char *base)
{
    static const char *const suffixes[] = {".Dockerfile", ".dockerfile", ".Containerfile",
                                           ".containerfile"};
    if (is_name_or_dotted(base, "Dockerfile") || is_name_or_dotted(base, "Containerfile"))
        return !is_companion(base);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
        if (has_suffix(base, suffixes[i]) && strlen(base) > strlen(suffixes[i]))
            return true;
    return false;
}

/* compose*.yaml, compose*.yml, docker-compose*.yaml, docker-compose*.yml */
static bool is_compose_name(const char *base)
{
    if (!has_prefix(base, "compose") && !has_prefix(base, "docker-compose"))
        return false;
    return has_suffix(base, ".yaml") || has_suffix(base, ".yml");
}

ed_file_kind ed_kind_from_name(const char *path)
{
    const char *base = base_name(path);
    if (is_dockerfile_name(base))
        return ED_KIND_DOCKERFILE;
    if (is_compose_name(base))
        return ED_KIND_COMPOSE;
    return 0;
}

bool ed_name_may_be_apptainer(const char *path)
{
    const char *base = base_name(path);
    return (has_suffix(base, ".def") && strlen(base) > 4) ||
           is_name_or_dotted(base, "Singularity") || is_name_or_dotted(base, "Apptainer");
}

bool ed_has_bootstrap_header(const char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        size_t eol = i;
        while (eol < len && data[eol] != '\n')
            eol++;
        size_t k = i;
        while (k < eol && (data[k] == ' ' || data[k] == '\t' || data[k] == '\r'))
            k++;
        if (k < eol && data[k] != '#') {
            static const char key[] = "bootstrap";
            size_t n = sizeof key - 1;
            if (eol - k <= n || strncasecmp(data + k, key, n) != 0)
                return false;
            k += n;
            while (k < eol && (data[k] == ' ' || data[k] == '\t'))
                k++;
            return k < eol && data[k] == ':';
        }
        i = eol + 1;
    }
    return false;
}

ed_file_kind ed_detect_kind(const char *path, const char *data, size_t len)
{
    ed_file_kind kind = ed_kind_from_name(path);
    if (kind)
        return kind;
    if (ed_name_may_be_apptainer(path) && ed_has_bootstrap_header(data, len))
        return ED_KIND_APPTAINER;
    return 0;
}

ed_file_kind ed_kind_parse(const char *name)
{
    if (!name)
        return 0;
    if (strcmp(name, "dockerfile") == 0 || strcmp(name, "containerfile") == 0)
        return ED_KIND_DOCKERFILE;
    if (strcmp(name, "compose") == 0 || strcmp(name, "docker-compose") == 0)
        return ED_KIND_COMPOSE;
    if (strcmp(name, "apptainer") == 0 || strcmp(name, "singularity") == 0)
        return ED_KIND_APPTAINER;
    return 0;
}
