/* Walking a folder for the files to lint (see scan.h). */
#define _DEFAULT_SOURCE /* DT_REG, DT_DIR in struct dirent */
#define _XOPEN_SOURCE 700 /* realpath, lstat */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "envdoctor/config.h"
#include "envdoctor/filekind.h"
#include "envdoctor/glob.h"
#include "envdoctor/scan.h"
#include "gitignore.h"

enum {
    MAX_DEPTH = 256,     /* folders below the base; deeper ones are reported, not entered */
    HEADER_BYTES = 4096, /* read to find an Apptainer `Bootstrap:` header */
};

bool ed_scan_skips_folder(const char *name)
{
    static const char *const names[] = {
        ".git", ".hg", ".svn", ".bzr", "node_modules", "vendor", "third_party", "third-party",
        ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
        "site-packages",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* Folders entered so far, by device and inode: an open-addressing set. */
typedef struct folder_set {
    struct {
        dev_t dev;
        ino_t ino;
        bool used;
    } *slots;
    size_t cap, n;
} folder_set;

static size_t slot_of(const folder_set *s, dev_t dev, ino_t ino)
{
    uint64_t h = ((uint64_t)dev * 0x9E3779B97F4A7C15u) ^ (uint64_t)ino;
    h ^= h >> 29;
    size_t i = (size_t)(h * 0xBF58476D1CE4E5B9u) & (s->cap - 1);
    while (s->slots[i].used && !(s->slots[i].dev == dev && s->slots[i].ino == ino))
        i = (i + 1) & (s->cap - 1);
    return i;
}

/* Adds a folder; false when it was there already. */
static bool folder_add(ed_arena *arena, folder_set *s, const struct stat *st)
{
    if (s->n * 2 >= s->cap) {
        folder_set bigger = {.cap = s->cap ? s->cap * 2 : 64};
        bigger.slots = ed_arena_calloc(arena, bigger.cap, sizeof *bigger.slots);
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i].used)
                bigger.slots[slot_of(&bigger, s->slots[i].dev, s->slots[i].ino)] = s->slots[i];
        bigger.n = s->n;
        *s = bigger;
    }
    size_t i = slot_of(s, st->st_dev, st->st_ino);
    if (s->slots[i].used)
        return false;
    s->slots[i].dev = st->st_dev;
    s->slots[i].ino = st->st_ino;
    s->slots[i].used = true;
    s->n++;
    return true;
}

typedef struct walker {
    ed_arena *arena;
    const ed_scan_options *options;
    ed_scan_result *out;
    const char *root_real; /* the tree's real path: links may not leave it */
    char *segs[MAX_DEPTH]; /* the path below the base, segment by segment */
    size_t nsegs;
    gi_level *levels; /* .gitignore files from the base down */
    size_t nlevels;
    folder_set folders;
} walker;

static void problem(walker *w, const char *path, const char *why)
{
    ed_scan_result *o = w->out;
    o->problems = ed_arena_push(w->arena, o->problems, o->nproblems, sizeof *o->problems);
    o->problems[o->nproblems++] = ed_arena_printf(w->arena, "%s: %s", path, why);
}

static char *read_head(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = malloc(max + 1);
    *len = data ? fread(data, 1, max, f) : 0;
    fclose(f);
    if (data)
        data[*len] = '\0';
    return data;
}

/* Reads the .gitignore in folder `dir` as a level at the current depth. */
static void push_gitignore(walker *w, const char *dir, const char *name)
{
    if (w->options->no_ignore)
        return;
    const char *path = ed_arena_printf(w->arena, "%s/%s", dir, name);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    ed_source src;
    char err[128];
    if (!ed_source_read(&src, w->arena, path, path, err, sizeof err))
        return;
    gi_level level = gi_parse(w->arena, src.data, src.len, w->nsegs);
    if (level.nrules == 0)
        return;
    w->levels = ed_arena_push(w->arena, w->levels, w->nlevels, sizeof *w->levels);
    w->levels[w->nlevels++] = level;
}

static bool inside_tree(const walker *w, const char *real)
{
    size_t n = strlen(w->root_real);
    if (strcmp(w->root_real, "/") == 0)
        return true;
    return strncmp(real, w->root_real, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

static void add_file(walker *w, const char *path, const char *real, ed_file_kind kind)
{
    ed_scan_result *o = w->out;
    o->files = ed_arena_push(w->arena, o->files, o->nfiles, sizeof *o->files);
    o->files[o->nfiles++] = (ed_scan_file){path, ed_arena_strdup(w->arena, real), kind};
}

/* The kind of a regular file found in the walk (0: not ours). */
static ed_file_kind kind_of(const char *path, const char *name)
{
    ed_file_kind kind = ed_kind_from_name(name);
    if (kind || !ed_name_may_be_apptainer(name))
        return kind;
    size_t len;
    char *head = read_head(path, HEADER_BYTES, &len);
    kind = head && ed_has_bootstrap_header(head, len) ? ED_KIND_APPTAINER : 0;
    free(head);
    return kind;
}

/* One entry of a folder, with its type from the folder listing. */
typedef struct entry {
    char *name;
    unsigned char type; /* DT_REG, DT_DIR, DT_LNK, ...; DT_UNKNOWN when the file system does not say */
} entry;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static void walk_folder(walker *w, const char *dir, const char *dir_real);

/* The real path of dir_real/name when name is not a symbolic link: the
 * folder's real path joined with it, without asking the file system. */
static bool join_real(char *out, const char *dir_real, const char *name)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", strcmp(dir_real, "/") ? dir_real : "", name);
    return n > 0 && n < PATH_MAX;
}

/* One entry of a folder: a file to keep, a folder to enter, or nothing. */
static void visit(walker *w, const char *dir, const char *dir_real, const entry *e)
{
    char *name = e->name;
    /* a regular file whose name is not one of ours is nothing: no need to
     * stat it (most files of a repository) */
    if (e->type == DT_REG && !ed_kind_from_name(name) && !ed_name_may_be_apptainer(name))
        return;
    const char *path = strcmp(dir, ".") == 0 ? name : ed_arena_printf(w->arena, "%s/%s", dir, name);
    struct stat st;
    if (lstat(path, &st) != 0)
        return; /* gone since the folder was listed */
    bool link = S_ISLNK(st.st_mode);
    if (link && stat(path, &st) != 0)
        return; /* a dangling link */
    bool is_dir = S_ISDIR(st.st_mode);
    if (!is_dir && !S_ISREG(st.st_mode))
        return; /* FIFOs, sockets, devices */
    if (is_dir && ed_scan_skips_folder(name))
        return;

    w->segs[w->nsegs++] = name;
    bool ignored = gi_ignored(w->levels, w->nlevels, w->segs, w->nsegs, is_dir) ||
                   (w->options->config && ed_config_excludes(w->options->config, path));
    char real[PATH_MAX];
    if (ignored) {
        /* nothing */
    } else if (!(link ? realpath(path, real) != NULL : join_real(real, dir_real, name))) {
        problem(w, path, link ? strerror(errno) : strerror(ENAMETOOLONG));
    } else if (link && !inside_tree(w, real)) {
        w->out->skipped++; /* a link out of the tree */
    } else if (is_dir) {
        if (!folder_add(w->arena, &w->folders, &st))
            w->out->skipped++; /* entered already: a loop, or a second way in */
        else if (w->nsegs == MAX_DEPTH)
            problem(w, path, "too deeply nested; not entered");
        else
            walk_folder(w, path, ed_arena_strdup(w->arena, real));
    } else {
        ed_file_kind kind = kind_of(path, name);
        if (kind)
            add_file(w, path, real, kind);
    }
    w->nsegs--;
}

static void walk_folder(walker *w, const char *dir, const char *dir_real)
{
    DIR *d = opendir(dir);
    if (!d) {
        problem(w, dir, strerror(errno));
        return;
    }
    entry *entries = NULL;
    size_t n = 0;
    bool gitignore = false;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        gitignore |= strcmp(e->d_name, ".gitignore") == 0;
        entries = ed_arena_push(w->arena, entries, n, sizeof *entries);
        entries[n++] = (entry){ed_arena_strdup(w->arena, e->d_name), e->d_type};
    }
    closedir(d);
    qsort(entries, n, sizeof *entries, by_name);
    size_t nlevels = w->nlevels;
    if (gitignore)
        push_gitignore(w, dir, ".gitignore");
    for (size_t i = 0; i < n; i++)
        visit(w, dir, dir_real, &entries[i]);
    w->nlevels = nlevels;
}

/* The repository around the tree: .gitignore files of the folders from its
 * root down to the tree's root apply too, and .git/info/exclude. */
static void enter_repository(walker *w)
{
    char base[PATH_MAX];
    snprintf(base, sizeof base, "%s", w->root_real);
    for (;;) {
        const char *git = ed_arena_printf(w->arena, "%s/.git", strcmp(base, "/") ? base : "");
        struct stat st;
        if (stat(git, &st) == 0)
            break;
        char *slash = strrchr(base, '/');
        if (!slash || slash == base)
            return; /* no repository: the tree's own .gitignore files only */
        *slash = '\0';
    }
    /* the segments from the repository's root down to the tree's root */
    char *below = ed_arena_strdup(w->arena, w->root_real + strlen(base));
    char *segs[MAX_DEPTH];
    size_t n = ed_glob_split(below, segs, MAX_DEPTH);
    if (n >= MAX_DEPTH)
        return;
    const char *dir = base;
    push_gitignore(w, base, ".git/info/exclude");
    for (size_t i = 0; i < n; i++) {
        push_gitignore(w, dir, ".gitignore");
        w->segs[w->nsegs++] = segs[i];
        dir = ed_arena_printf(w->arena, "%s/%s", dir, segs[i]);
    }
}

static int by_real_then_path(const void *pa, const void *pb)
{
    const ed_scan_file *a = pa, *b = pb;
    int c = strcmp(a->real, b->real);
    return c ? c : strcmp(a->path, b->path);
}

static int by_path(const void *pa, const void *pb)
{
    const ed_scan_file *a = pa, *b = pb;
    return strcmp(a->path, b->path);
}

/* Sorted by path, each real file once under its first path. */
static void sort_and_dedupe(ed_scan_result *out)
{
    if (out->nfiles < 2)
        return;
    qsort(out->files, out->nfiles, sizeof *out->files, by_real_then_path);
    size_t kept = 0;
    for (size_t i = 0; i < out->nfiles; i++)
        if (kept == 0 || strcmp(out->files[kept - 1].real, out->files[i].real) != 0)
            out->files[kept++] = out->files[i];
    out->nfiles = kept;
    qsort(out->files, out->nfiles, sizeof *out->files, by_path);
}

bool ed_scan(ed_arena *arena, const char *root, const ed_scan_options *options,
             ed_scan_result *out)
{
    static const ed_scan_options defaults = {0};
    walker w = {.arena = arena, .options = options ? options : &defaults, .out = out};
    char real[PATH_MAX];
    struct stat st;
    if (stat(root, &st) != 0 || !realpath(root, real)) {
        problem(&w, root, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        /* a file named as a root is taken if its name (or header) says what it is */
        const char *slash = strrchr(root, '/');
        ed_file_kind kind = S_ISREG(st.st_mode) ? kind_of(root, slash ? slash + 1 : root) : 0;
        if (!kind) {
            problem(&w, root, "not a folder, nor a Dockerfile, Compose file or Apptainer "
                              "definition by its name");
            return false;
        }
        add_file(&w, root, real, kind);
        sort_and_dedupe(out);
        return true;
    }
    w.root_real = ed_arena_strdup(arena, real);
    folder_add(arena, &w.folders, &st);
    if (!w.options->no_ignore)
        enter_repository(&w);
    size_t len = strlen(root);
    while (len > 1 && root[len - 1] == '/')
        len--;
    walk_folder(&w, ed_arena_strndup(arena, root, len), w.root_real);
    sort_and_dedupe(out);
    return true;
}
