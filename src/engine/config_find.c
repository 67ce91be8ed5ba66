/* Finding the configuration file: the nearest .env-doctor.yaml (or .yml)
 * from a folder up to the repository root (see ed_config_find). */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine_internal.h"
#include "envdoctor/config.h"

static const char *const config_names[] = {".env-doctor.yaml", ".env-doctor.yml", NULL};

/* "dir/name" into out; false when it does not fit. */
static bool join(char *out, size_t size, const char *dir, const char *name)
{
    size_t dl = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
    size_t nl = strlen(name);
    if (dl + 1 + nl + 1 > size)
        return false;
    memcpy(out, dir, dl);
    out[dl] = '/';
    memcpy(out + dl + 1, name, nl + 1);
    return true;
}

/* The path relative to the current directory when it is inside it (messages
 * then read ".env-doctor.yaml:3:5"), else as it is. */
static const char *display(ed_arena *arena, const char *path)
{
    char cwd[ED_PATH_BYTES];
    if (!ed_path_absolute(".", cwd, sizeof cwd) || strcmp(cwd, "/") == 0)
        return ed_arena_strdup(arena, path);
    size_t cl = strlen(cwd);
    if (strncmp(path, cwd, cl) == 0 && path[cl] == '/')
        return ed_arena_strdup(arena, path + cl + 1);
    return ed_arena_strdup(arena, path);
}

const char *ed_config_find(ed_arena *arena, const char *start_dir)
{
    char dir[ED_PATH_BYTES], path[ED_PATH_BYTES];
    if (!ed_path_absolute(start_dir && *start_dir ? start_dir : ".", dir, sizeof dir))
        return NULL;
    for (;;) {
        struct stat st;
        for (size_t i = 0; config_names[i]; i++)
            if (join(path, sizeof path, dir, config_names[i]) && stat(path, &st) == 0 &&
                S_ISREG(st.st_mode))
                return display(arena, path);
        /* the repository root (.git is a folder, or a file in worktrees and
         * submodules) ends the search: a parent's file is another project's */
        if (join(path, sizeof path, dir, ".git") && lstat(path, &st) == 0)
            return NULL;
        if (strcmp(dir, "/") == 0)
            return NULL;
        char *slash = strrchr(dir, '/');
        if (slash == dir)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
}
