/* Package-manager commands: which program, which subcommand, which
 * packages, which options. Each manager has an option table saying which
 * options take a value and what an option means for the model; one scanner
 * walks the arguments with any table, so `-i URL`, `--index-url=URL`,
 * `-iURL` and clustered flags (`-qU`) are read alike everywhere. */
#include "envdoctor/pkgcmd.h"

#include <string.h>

#include "envdoctor/buf.h"
#include "shell_internal.h"

/* What an option means for the model. */
typedef enum sh_key {
    K_NONE,              /* irrelevant (its value, if any, is still skipped) */
    K_INDEX,             /* -> index_url */
    K_INDEX_NAMED,       /* uv --default-index [name=]URL -> index_url */
    K_EXTRA_INDEX,       /* -> extra_index_urls */
    K_EXTRA_INDEX_NAMED, /* uv --index [name=]URL -> extra_index_urls */
    K_FIND_LINKS,
    K_REQ_FILE,
    K_CONSTRAINT,
    K_EDITABLE,
    K_TORCH_BACKEND,
    K_CHANNEL,
    K_BUILD_OPTION,
    K_NBI_PACKAGE,       /* uv --no-build-isolation-package */
    K_NO_BINARY,
    K_ONLY_BINARY,
    K_PRERELEASE,        /* uv --prerelease allow */
    K_PIP_ARGS,          /* pipx --pip-args '...' */
    K_NO_BUILD_ISOLATION,
    K_PRE,
    K_UPGRADE,
    K_NO_DEPS,
    K_USER,
    K_FORCE_REINSTALL,
    K_SYSTEM,
    K_NO_INDEX,
} sh_key;

typedef struct sh_opt {
    const char *name; /* long name without "--", or NULL */
    char letter;      /* short option letter, or 0 */
    bool value;       /* takes a value */
    sh_key key;
} sh_opt;

#define V(name, letter, key) {name, letter, true, key}
#define F(name, letter, key) {name, letter, false, key}
#define END {NULL, 0, false, K_NONE}

/* pip: general options and those of install/download/wheel/uninstall
 * (pip reads general options anywhere on the line). */
static const sh_opt sh_pip_opts[] = {
    V("index-url", 'i', K_INDEX), V("extra-index-url", 0, K_EXTRA_INDEX),
    V("find-links", 'f', K_FIND_LINKS), V("requirement", 'r', K_REQ_FILE),
    V("constraint", 'c', K_CONSTRAINT), V("editable", 'e', K_EDITABLE),
    V("no-binary", 0, K_NO_BINARY), V("only-binary", 0, K_ONLY_BINARY),
    V("global-option", 0, K_BUILD_OPTION), V("install-option", 0, K_BUILD_OPTION),
    V("build-option", 0, K_BUILD_OPTION), V("config-settings", 'C', K_BUILD_OPTION),
    F("no-build-isolation", 0, K_NO_BUILD_ISOLATION), F("pre", 0, K_PRE),
    F("upgrade", 'U', K_UPGRADE), F("no-deps", 0, K_NO_DEPS), F("user", 0, K_USER),
    F("force-reinstall", 0, K_FORCE_REINSTALL), F("no-index", 0, K_NO_INDEX),
    V("target", 't', K_NONE), V("prefix", 0, K_NONE), V("root", 0, K_NONE),
    V("src", 0, K_NONE), V("platform", 0, K_NONE), V("python-version", 0, K_NONE),
    V("implementation", 0, K_NONE), V("abi", 0, K_NONE), V("upgrade-strategy", 0, K_NONE),
    V("progress-bar", 0, K_NONE), V("report", 0, K_NONE), V("root-user-action", 0, K_NONE),
    V("group", 0, K_NONE), V("log", 0, K_NONE), V("log-file", 0, K_NONE),
    V("local-log", 0, K_NONE), V("proxy", 0, K_NONE), V("retries", 0, K_NONE),
    V("timeout", 0, K_NONE), V("exists-action", 0, K_NONE), V("trusted-host", 0, K_NONE),
    V("cert", 0, K_NONE), V("client-cert", 0, K_NONE), V("cache-dir", 0, K_NONE),
    V("use-feature", 0, K_NONE), V("use-deprecated", 0, K_NONE), V("python", 0, K_NONE),
    V("keyring-provider", 0, K_NONE), V("resume-retries", 0, K_NONE),
    V("dest", 'd', K_NONE), V("wheel-dir", 'w', K_NONE), V("build", 'b', K_NONE),
    V("format", 0, K_NONE), V("hash", 0, K_NONE),
    F("ignore-installed", 'I', K_NONE), F("quiet", 'q', K_NONE), F("verbose", 'v', K_NONE),
    F("yes", 'y', K_NONE), F("help", 'h', K_NONE), F("version", 'V', K_NONE),
    F("no-cache-dir", 0, K_NONE), F("isolated", 0, K_NONE), F("require-hashes", 0, K_NONE),
    F("prefer-binary", 0, K_NONE), F("no-clean", 0, K_NONE), F("dry-run", 0, K_NONE),
    F("break-system-packages", 0, K_NONE), F("disable-pip-version-check", 0, K_NONE),
    F("no-color", 0, K_NONE), F("no-input", 0, K_NONE), F("compile", 0, K_NONE),
    F("no-compile", 0, K_NONE), F("no-warn-script-location", 0, K_NONE),
    F("no-warn-conflicts", 0, K_NONE), F("ignore-requires-python", 0, K_NONE),
    F("use-pep517", 0, K_NONE), F("no-use-pep517", 0, K_NONE),
    F("check-build-dependencies", 0, K_NONE), F("no-python-version-warning", 0, K_NONE),
    END,
};

/* uv: global options and those of pip install/sync/uninstall and add/remove. */
static const sh_opt sh_uv_opts[] = {
    V("index-url", 'i', K_INDEX), V("default-index", 0, K_INDEX_NAMED),
    V("extra-index-url", 0, K_EXTRA_INDEX), V("index", 0, K_EXTRA_INDEX_NAMED),
    V("find-links", 'f', K_FIND_LINKS), V("requirement", 'r', K_REQ_FILE),
    V("requirements", 0, K_REQ_FILE), V("constraint", 'c', K_CONSTRAINT),
    V("constraints", 0, K_CONSTRAINT), V("override", 0, K_CONSTRAINT),
    V("overrides", 0, K_CONSTRAINT), V("editable", 'e', K_EDITABLE),
    V("torch-backend", 0, K_TORCH_BACKEND), V("no-binary", 0, K_NO_BINARY),
    V("only-binary", 0, K_ONLY_BINARY), V("config-setting", 'C', K_BUILD_OPTION),
    V("config-settings", 0, K_BUILD_OPTION),
    V("no-build-isolation-package", 0, K_NBI_PACKAGE), V("prerelease", 0, K_PRERELEASE),
    F("no-build-isolation", 0, K_NO_BUILD_ISOLATION), F("pre", 0, K_PRE),
    F("upgrade", 'U', K_UPGRADE), F("no-deps", 0, K_NO_DEPS),
    F("reinstall", 0, K_FORCE_REINSTALL), F("force-reinstall", 0, K_FORCE_REINSTALL),
    F("system", 0, K_SYSTEM), F("no-index", 0, K_NO_INDEX),
    V("python", 'p', K_NONE), V("target", 't', K_NONE), V("prefix", 0, K_NONE),
    V("upgrade-package", 'P', K_NONE), V("reinstall-package", 0, K_NONE),
    V("index-strategy", 0, K_NONE), V("keyring-provider", 0, K_NONE),
    V("resolution", 0, K_NONE), V("extra", 0, K_NONE), V("link-mode", 0, K_NONE),
    V("python-platform", 0, K_NONE), V("python-version", 0, K_NONE),
    V("exclude-newer", 0, K_NONE), V("cache-dir", 0, K_NONE), V("config-file", 0, K_NONE),
    V("directory", 0, K_NONE), V("project", 0, K_NONE), V("color", 0, K_NONE),
    V("group", 0, K_NONE), V("refresh-package", 0, K_NONE),
    V("allow-insecure-host", 0, K_NONE), V("trusted-host", 0, K_NONE),
    V("optional", 0, K_NONE), V("rev", 0, K_NONE), V("tag", 0, K_NONE),
    V("branch", 0, K_NONE), V("package", 0, K_NONE), V("script", 0, K_NONE),
    V("bounds", 0, K_NONE), V("marker", 'm', K_NONE), V("python-preference", 0, K_NONE),
    V("build-constraint", 'b', K_NONE), V("build-constraints", 0, K_NONE),
    V("output-file", 'o', K_NONE), V("no-binary-package", 0, K_NONE),
    V("only-binary-package", 0, K_NONE), V("cache-key", 0, K_NONE),
    F("quiet", 'q', K_NONE), F("verbose", 'v', K_NONE), F("no-cache", 'n', K_NONE),
    F("help", 'h', K_NONE), F("version", 'V', K_NONE), F("dev", 0, K_NONE),
    F("all-extras", 0, K_NONE), F("offline", 0, K_NONE), F("native-tls", 0, K_NONE),
    F("break-system-packages", 0, K_NONE), F("compile-bytecode", 0, K_NONE),
    F("strict", 0, K_NONE), F("dry-run", 0, K_NONE), F("refresh", 0, K_NONE),
    F("require-hashes", 0, K_NONE), F("no-sources", 0, K_NONE), F("no-config", 0, K_NONE),
    F("frozen", 0, K_NONE), F("locked", 0, K_NONE), F("no-sync", 0, K_NONE),
    F("raw", 0, K_NONE), F("raw-sources", 0, K_NONE),
    END,
};

static const sh_opt sh_pipx_opts[] = {
    V("index-url", 'i', K_INDEX), V("pip-args", 0, K_PIP_ARGS), V("editable", 'e', K_NONE),
    V("python", 0, K_NONE), V("suffix", 0, K_NONE), V("spec", 0, K_NONE),
    V("preinstall", 0, K_NONE), V("backend", 0, K_NONE),
    F("force", 'f', K_FORCE_REINSTALL), F("include-deps", 0, K_NONE),
    F("system-site-packages", 0, K_NONE), F("global", 0, K_NONE), F("quiet", 'q', K_NONE),
    F("verbose", 'v', K_NONE), F("fetch-missing-python", 0, K_NONE),
    F("include-apps", 0, K_NONE), F("help", 'h', K_NONE),
    END,
};

/* conda, mamba and micromamba (-f is micromamba's --file). */
static const sh_opt sh_conda_opts[] = {
    V("channel", 'c', K_CHANNEL), V("file", 'f', K_REQ_FILE),
    F("force-reinstall", 0, K_FORCE_REINSTALL), F("no-deps", 0, K_NO_DEPS),
    F("update-deps", 0, K_UPGRADE),
    V("name", 'n', K_NONE), V("prefix", 'p', K_NONE), V("root-prefix", 'r', K_NONE),
    V("solver", 0, K_NONE), V("experimental-solver", 0, K_NONE), V("repodata-fn", 0, K_NONE),
    V("platform", 0, K_NONE), V("subdir", 0, K_NONE), V("clone", 0, K_NONE),
    V("revision", 0, K_NONE), V("channel-priority", 0, K_NONE), V("rc-file", 0, K_NONE),
    V("channel-alias", 0, K_NONE), V("log-level", 0, K_NONE),
    V("relocate-prefix", 0, K_NONE), V("category", 0, K_NONE),
    F("yes", 'y', K_NONE), F("quiet", 'q', K_NONE), F("verbose", 'v', K_NONE),
    F("dry-run", 'd', K_NONE), F("json", 0, K_NONE), F("override-channels", 0, K_NONE),
    F("strict-channel-priority", 0, K_NONE), F("no-channel-priority", 0, K_NONE),
    F("only-deps", 0, K_NONE), F("no-pin", 0, K_NONE), F("freeze-installed", 0, K_NONE),
    F("satisfied-skip-solve", 'S', K_NONE), F("update-all", 0, K_NONE),
    F("update-specs", 0, K_NONE), F("copy", 0, K_NONE), F("clobber", 0, K_NONE),
    F("use-index-cache", 'C', K_NONE), F("insecure", 'k', K_NONE), F("offline", 0, K_NONE),
    F("use-local", 0, K_NONE), F("download-only", 0, K_NONE), F("all", 0, K_NONE),
    F("force", 0, K_NONE), F("mkdir", 0, K_NONE), F("no-default-packages", 0, K_NONE),
    F("show-channel-urls", 0, K_NONE), F("help", 'h', K_NONE),
    END,
};

static const sh_opt sh_apt_opts[] = {
    V("option", 'o', K_NONE), V("config-file", 'c', K_NONE), V("target-release", 't', K_NONE),
    V("default-release", 0, K_NONE), V("host-architecture", 'a', K_NONE),
    V("solver", 0, K_NONE),
    F("yes", 'y', K_NONE), F("assume-yes", 0, K_NONE), F("quiet", 'q', K_NONE),
    F("no-install-recommends", 0, K_NONE), F("install-recommends", 0, K_NONE),
    F("no-install-suggests", 0, K_NONE), F("fix-broken", 'f', K_NONE),
    F("fix-missing", 'm', K_NONE), F("download-only", 'd', K_NONE),
    F("simulate", 's', K_NONE), F("dry-run", 0, K_NONE), F("reinstall", 0, K_NONE),
    F("allow-downgrades", 0, K_NONE), F("allow-change-held-packages", 0, K_NONE),
    F("allow-unauthenticated", 0, K_NONE), F("allow-remove-essential", 0, K_NONE),
    F("purge", 0, K_NONE), F("only-upgrade", 0, K_NONE), F("no-upgrade", 0, K_NONE),
    F("ignore-missing", 0, K_NONE), F("no-download", 0, K_NONE), F("show-progress", 0, K_NONE),
    F("auto-remove", 0, K_NONE), F("autoremove", 0, K_NONE), F("help", 'h', K_NONE),
    END,
};

static const sh_opt sh_dnf_opts[] = {
    V("setopt", 0, K_NONE), V("enablerepo", 0, K_NONE), V("disablerepo", 0, K_NONE),
    V("repo", 0, K_NONE), V("repoid", 0, K_NONE), V("repofrompath", 0, K_NONE),
    V("config", 'c', K_NONE), V("installroot", 0, K_NONE), V("releasever", 0, K_NONE),
    V("exclude", 'x', K_NONE), V("excludepkgs", 0, K_NONE), V("debuglevel", 'd', K_NONE),
    V("errorlevel", 'e', K_NONE), V("rpmverbosity", 0, K_NONE), V("forcearch", 0, K_NONE),
    V("downloaddir", 0, K_NONE), V("destdir", 0, K_NONE), V("color", 0, K_NONE),
    V("comment", 0, K_NONE), V("advisory", 0, K_NONE), V("advisories", 0, K_NONE),
    V("cve", 0, K_NONE), V("bz", 0, K_NONE), V("sec-severity", 0, K_NONE),
    V("secseverity", 0, K_NONE), V("disableplugin", 0, K_NONE),
    V("enableplugin", 0, K_NONE), V("setvar", 0, K_NONE), V("use-host-config", 0, K_NONE),
    F("assumeyes", 'y', K_NONE), F("yes", 0, K_NONE), F("quiet", 'q', K_NONE),
    F("verbose", 'v', K_NONE), F("nodocs", 0, K_NONE), F("best", 0, K_NONE),
    F("nobest", 0, K_NONE), F("allowerasing", 0, K_NONE), F("refresh", 0, K_NONE),
    F("cacheonly", 'C', K_NONE), F("nogpgcheck", 0, K_NONE), F("skip-broken", 0, K_NONE),
    F("downloadonly", 0, K_NONE), F("noautoremove", 0, K_NONE),
    F("setopt-only", 0, K_NONE), F("help", 'h', K_NONE),
    END,
};

static const sh_opt sh_apk_opts[] = {
    V("repository", 'X', K_NONE), V("root", 'p', K_NONE), V("arch", 0, K_NONE),
    V("virtual", 't', K_NONE), V("keys-dir", 0, K_NONE), V("cache-dir", 0, K_NONE),
    V("repositories-file", 0, K_NONE), V("wait", 0, K_NONE), V("progress-fd", 0, K_NONE),
    V("timeout", 0, K_NONE), V("cache-max-age", 0, K_NONE),
    F("no-cache", 0, K_NONE), F("update-cache", 'U', K_NONE), F("upgrade", 'u', K_UPGRADE),
    F("latest", 'l', K_NONE), F("quiet", 'q', K_NONE), F("verbose", 'v', K_NONE),
    F("allow-untrusted", 0, K_NONE), F("initdb", 0, K_NONE), F("no-progress", 0, K_NONE),
    F("interactive", 'i', K_NONE), F("force", 'f', K_NONE), F("help", 'h', K_NONE),
    F("purge", 0, K_NONE), F("rdepends", 'r', K_NONE), F("no-scripts", 0, K_NONE),
    END,
};

/* zypper: options before the command differ from the command's own. */
static const sh_opt sh_zypper_global_opts[] = {
    V("root", 'R', K_NONE), V("reposd-dir", 'D', K_NONE), V("cache-dir", 'C', K_NONE),
    V("config", 'c', K_NONE), V("userdata", 0, K_NONE), V("plus-repo", 'p', K_NONE),
    V("plus-content", 0, K_NONE), V("releasever", 0, K_NONE), V("installroot", 0, K_NONE),
    V("raw-cache-dir", 0, K_NONE), V("solv-cache-dir", 0, K_NONE), V("pkg-cache-dir", 0, K_NONE),
    F("non-interactive", 'n', K_NONE), F("quiet", 'q', K_NONE), F("verbose", 'v', K_NONE),
    F("xmlout", 'x', K_NONE), F("no-gpg-checks", 0, K_NONE),
    F("gpg-auto-import-keys", 0, K_NONE), F("no-refresh", 0, K_NONE),
    F("help", 'h', K_NONE), F("disable-repositories", 0, K_NONE),
    F("no-cd", 0, K_NONE), F("ignore-unknown", 'i', K_NONE),
    END,
};

static const sh_opt sh_zypper_cmd_opts[] = {
    V("repo", 'r', K_NONE), V("from", 0, K_NONE), V("type", 't', K_NONE),
    V("download", 0, K_NONE), V("comment", 0, K_NONE),
    F("no-confirm", 'y', K_NONE), F("auto-agree-with-licenses", 'l', K_NONE),
    F("auto-agree-with-product-licenses", 0, K_NONE), F("force", 'f', K_FORCE_REINSTALL),
    F("dry-run", 'D', K_NONE), F("no-recommends", 0, K_NONE), F("recommends", 0, K_NONE),
    F("name", 'n', K_NONE), F("capability", 'C', K_NONE), F("oldpackage", 0, K_NONE),
    F("download-only", 'd', K_NONE), F("allow-vendor-change", 0, K_NONE),
    F("details", 0, K_NONE), F("replacefiles", 0, K_NONE), F("allow-unsigned-rpm", 0, K_NONE),
    F("force-resolution", 0, K_NONE), F("no-force-resolution", 'R', K_NONE),
    F("clean-deps", 'u', K_NONE), F("no-clean-deps", 'U', K_NONE), F("help", 'h', K_NONE),
    END,
};

#undef V
#undef F
#undef END

/* ---- the argument scanner ---- */

typedef struct sh_scan {
    ed_arena *arena;
    sh_pkgcmd *out;
    const sh_opt *opts;
    bool abbrev;           /* unique prefixes of long options count (pip's optparse) */
    bool dashdash;         /* after "--": everything is positional */
    const sh_word **pos;   /* positional words, in order */
    size_t npos;
    /* the requirements read so far (sh_req[], heap): copied to out->reqs
     * at their exact size at the end, as a command may list thousands */
    ed_buf *reqs;
} sh_scan;

static void sh_push_word(ed_arena *arena, const sh_word ***list, size_t *n, const sh_word *w)
{
    *list = ed_arena_push(arena, (void *)*list, *n, sizeof **list);
    (*list)[(*n)++] = w;
}

static void sh_push_req(sh_scan *sc, const sh_req *req)
{
    ed_buf_add(sc->reqs, (const char *)req, sizeof *req);
}

/* "a" then "b" -> "a,b" */
static const char *sh_join(ed_arena *arena, const char *old, const char *add)
{
    return old ? ed_arena_printf(arena, "%s,%s", old, add) : add;
}

/* uv's `--index name=URL`: just the URL. */
static const sh_word *sh_strip_index_name(ed_arena *arena, const sh_word *v)
{
    size_t k = 0;
    while (k < v->len && (v->text[k] == '-' || v->text[k] == '_' || v->text[k] == '.' ||
                          (v->text[k] >= 'a' && v->text[k] <= 'z') ||
                          (v->text[k] >= 'A' && v->text[k] <= 'Z') ||
                          (v->text[k] >= '0' && v->text[k] <= '9')))
        k++;
    if (k > 0 && k < v->len && v->text[k] == '=')
        return sh_word_slice(arena, v, k + 1, v->len);
    return v;
}

static void sh_scan_pip_args(sh_scan *sc, const sh_word *v);

/* An index option and its value: the value list and the parallel option
 * list grow together. */
static void sh_push_index(ed_arena *arena, const sh_word ***values, const sh_word ***options,
                          size_t *n, const sh_word *value, const sh_word *option)
{
    size_t count = *n;
    sh_push_word(arena, options, &count, option);
    sh_push_word(arena, values, n, value);
}

/* Records an option into the model; v is its value (NULL for flags), opt
 * the option as written (see sh_pkgcmd.index_url_option). */
static void sh_record(sh_scan *sc, sh_key key, const sh_word *opt, const sh_word *v)
{
    ed_arena *arena = sc->arena;
    sh_pkgcmd *o = sc->out;
    switch (key) {
    case K_INDEX:
        o->index_url = v;
        o->index_url_option = opt;
        break;
    case K_INDEX_NAMED:
        o->index_url = sh_strip_index_name(arena, v);
        o->index_url_option = opt;
        break;
    case K_EXTRA_INDEX:
        sh_push_index(arena, &o->extra_index_urls, &o->extra_index_url_options,
                      &o->nextra_index_urls, v, opt);
        break;
    case K_EXTRA_INDEX_NAMED:
        sh_push_index(arena, &o->extra_index_urls, &o->extra_index_url_options,
                      &o->nextra_index_urls, sh_strip_index_name(arena, v), opt);
        break;
    case K_FIND_LINKS:
        sh_push_index(arena, &o->find_links, &o->find_links_options, &o->nfind_links, v, opt);
        break;
    case K_REQ_FILE:
        sh_push_word(arena, &o->requirement_files, &o->nrequirement_files, v);
        break;
    case K_CONSTRAINT: sh_push_word(arena, &o->constraint_files, &o->nconstraint_files, v); break;
    case K_EDITABLE: {
        sh_push_word(arena, &o->editables, &o->neditables, v);
        sh_req req;
        sh_req_parse_word(arena, v, &req);
        req.editable = true;
        sh_push_req(sc, &req);
        break;
    }
    case K_TORCH_BACKEND: o->torch_backend = v; break;
    case K_CHANNEL: sh_push_word(arena, &o->channels, &o->nchannels, v); break;
    case K_BUILD_OPTION: sh_push_word(arena, &o->build_options, &o->nbuild_options, v); break;
    case K_NBI_PACKAGE:
        sh_push_word(arena, &o->no_build_isolation_packages, &o->nno_build_isolation_packages, v);
        break;
    case K_NO_BINARY:
        o->no_binary = sh_join(arena, o->no_binary, v->text);
        if (strstr(v->text, ":all:"))
            o->no_binary_all = true;
        break;
    case K_ONLY_BINARY: o->only_binary = sh_join(arena, o->only_binary, v->text); break;
    case K_PRERELEASE: o->pre = o->pre || strcmp(v->text, "allow") == 0; break;
    case K_PIP_ARGS: sh_scan_pip_args(sc, v); break;
    case K_NO_BUILD_ISOLATION: o->no_build_isolation = true; break;
    case K_PRE: o->pre = true; break;
    case K_UPGRADE: o->upgrade = true; break;
    case K_NO_DEPS: o->no_deps = true; break;
    case K_USER: o->user = true; break;
    case K_FORCE_REINSTALL: o->force_reinstall = true; break;
    case K_SYSTEM: o->system = true; break;
    case K_NO_INDEX: o->no_index = true; break;
    case K_NONE: break;
    }
}

static const sh_opt *sh_find_long(const sh_scan *sc, const char *name, size_t len)
{
    const sh_opt *prefix = NULL;
    size_t nprefix = 0;
    for (const sh_opt *o = sc->opts; o->name || o->letter; o++) {
        if (!o->name || strncmp(o->name, name, len) != 0)
            continue;
        if (o->name[len] == '\0')
            return o;
        prefix = o;
        nprefix++;
    }
    return sc->abbrev && nprefix == 1 ? prefix : NULL;
}

static const sh_opt *sh_find_short(const sh_scan *sc, char letter)
{
    for (const sh_opt *o = sc->opts; o->name || o->letter; o++)
        if (o->letter == letter)
            return o;
    return NULL;
}

/* Walks words[k..n) of the command; when stop_first, stops after the first
 * positional word (a subcommand). Returns the index where it stopped. */
static size_t sh_scan_words(sh_scan *sc, const sh_word *words, size_t k, size_t n,
                            bool stop_first)
{
    while (k < n) {
        const sh_word *w = &words[k++];
        const char *a = w->text;
        if (sc->dashdash || a[0] != '-' || a[1] == '\0') {
            sc->pos = ed_arena_push(sc->arena, (void *)sc->pos, sc->npos, sizeof *sc->pos);
            sc->pos[sc->npos++] = w;
            if (stop_first)
                break;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            sc->dashdash = true;
            continue;
        }
        if (a[1] == '-') { /* --name, --name=value, --name value */
            size_t len = strcspn(a + 2, "=");
            const sh_opt *o = sh_find_long(sc, a + 2, len);
            if (!o)
                continue; /* unknown: a flag, or its value is attached */
            const sh_word *v = NULL, *opt = w;
            if (o->value && a[2 + len] == '=') {
                v = sh_word_slice(sc->arena, w, 3 + len, w->len);
                opt = sh_word_slice(sc->arena, w, 0, 2 + len);
            } else if (o->value && k < n) {
                v = &words[k++];
            }
            if (v || !o->value)
                sh_record(sc, o->key, opt, v);
            continue;
        }
        for (size_t j = 1; a[j]; j++) { /* -abc, -ivalue, -i value */
            const sh_opt *o = sh_find_short(sc, a[j]);
            if (!o)
                continue;
            if (!o->value) {
                sh_record(sc, o->key, w, NULL);
                continue;
            }
            const sh_word *v = NULL;
            if (a[j + 1])
                v = sh_word_slice(sc->arena, w, j + 1, w->len);
            else if (k < n)
                v = &words[k++];
            if (v) /* the option: "-i", or the cluster up to it ("-qi") */
                sh_record(sc, o->key, a[j + 1] ? sh_word_slice(sc->arena, w, 0, j + 1) : w, v);
            break;
        }
    }
    return k;
}

/* pipx --pip-args '--index-url URL --pre': the value is split like a
 * command line and read with pip's table (positions stay exact). */
static void sh_scan_pip_args(sh_scan *sc, const sh_word *v)
{
    sh_script *script = sh_parse(sc->arena, v->text, v->len);
    if (script->ncmds == 0)
        return;
    sh_command *c = &script->cmds[0];
    size_t n = c->nassigns + c->wrapped + c->nwords;
    sh_word *words = ed_arena_calloc(sc->arena, n ? n : 1, sizeof *words);
    size_t m = 0;
    for (size_t k = 0; k < c->nwords; k++) { /* back to the value's positions */
        const sh_word *inner = &c->words[k];
        sh_word w = *inner;
        w.exact = v->exact && inner->exact;
        w.pos = NULL;
        if (w.exact && w.len) {
            size_t *pos = ed_arena_calloc(sc->arena, w.len, sizeof *pos);
            for (size_t j = 0; j < w.len; j++)
                pos[j] = sh_word_pos(v, sh_word_pos(inner, j));
            w.pos = pos;
        }
        sh_word_span(v, inner->start, inner->end, &w.start, &w.end);
        words[m++] = w;
    }
    sh_scan inner = {.arena = sc->arena, .out = sc->out, .opts = sh_pip_opts, .abbrev = true,
                     .reqs = sc->reqs};
    sh_scan_words(&inner, words, 0, m, false);
}

/* ---- managers ---- */

/* "pip", "pip3", "pip3.11" ("python", "python3.12" with stem "python"). */
static bool sh_is_versioned(const char *name, const char *stem)
{
    size_t n = strlen(stem);
    if (strncmp(name, stem, n) != 0)
        return false;
    for (const char *p = name + n; *p; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.'))
            return false;
    return true;
}

static bool sh_is_one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static const char *sh_text_or_empty(const sh_word *w) { return w ? w->text : ""; }

/* The positionals after `skip` as PEP 508 requirements. */
static void sh_pip_reqs(sh_scan *sc, size_t skip)
{
    for (size_t k = skip; k < sc->npos; k++) {
        sh_req req;
        sh_req_parse_word(sc->arena, sc->pos[k], &req);
        sh_push_req(sc, &req);
    }
}

static void sh_native_reqs(sh_scan *sc, sh_pm pm, size_t skip)
{
    for (size_t k = skip; k < sc->npos; k++) {
        sh_req req;
        sh_req_parse_native(sc->arena, pm, sc->pos[k], &req);
        sh_push_req(sc, &req);
    }
}

/* Scans the rest of the command after a subcommand was found. */
static void sh_scan_rest(sh_scan *sc, const sh_command *cmd, size_t k)
{
    sc->npos = 0;
    sh_scan_words(sc, cmd->words, k, cmd->nwords, false);
}

static void sh_parse_pip(sh_scan *sc, const sh_command *cmd, size_t k)
{
    sh_pkgcmd *o = sc->out;
    o->manager = SH_PM_PIP;
    sc->opts = sh_pip_opts;
    sc->abbrev = true;
    k = sh_scan_words(sc, cmd->words, k, cmd->nwords, true);
    o->subcommand = sc->npos ? sc->pos[0] : NULL;
    const char *sub = sh_text_or_empty(o->subcommand);
    sh_scan_rest(sc, cmd, k);
    if (strcmp(sub, "install") == 0)
        o->action = SH_ACT_INSTALL;
    else if (strcmp(sub, "uninstall") == 0)
        o->action = SH_ACT_UNINSTALL;
    else if (strcmp(sub, "download") == 0)
        o->action = SH_ACT_DOWNLOAD;
    else if (strcmp(sub, "wheel") == 0)
        o->action = SH_ACT_WHEEL;
    if (o->action != SH_ACT_OTHER) {
        sh_pip_reqs(sc, 0);
    } else if (strcmp(sub, "config") == 0 && sc->npos == 3 &&
               strcmp(sc->pos[0]->text, "set") == 0) {
        /* pip config set global.index-url URL writes pip.conf */
        const char *key = sc->pos[1]->text;
        const char *dot = strchr(key, '.');
        const char *opt = dot ? dot + 1 : key;
        if (strcmp(opt, "index-url") == 0)
            sh_record(sc, K_INDEX, sc->pos[1], sc->pos[2]);
        else if (strcmp(opt, "extra-index-url") == 0)
            sh_record(sc, K_EXTRA_INDEX, sc->pos[1], sc->pos[2]);
        else if (strcmp(opt, "find-links") == 0)
            sh_record(sc, K_FIND_LINKS, sc->pos[1], sc->pos[2]);
    }
}

static void sh_parse_uv(sh_scan *sc, const sh_command *cmd, size_t k, const char *uv)
{
    sh_pkgcmd *o = sc->out;
    sc->opts = sh_uv_opts;
    o->manager = SH_PM_UV;
    o->program = uv;
    k = sh_scan_words(sc, cmd->words, k, cmd->nwords, true);
    const sh_word *sub = sc->npos ? sc->pos[0] : NULL;
    o->subcommand = sub;
    if (sub && strcmp(sub->text, "pip") == 0) {
        o->manager = SH_PM_UV_PIP;
        o->program = ed_arena_printf(sc->arena, "%s pip", uv);
        sc->npos = 0;
        k = sh_scan_words(sc, cmd->words, k, cmd->nwords, true);
        o->subcommand = sc->npos ? sc->pos[0] : NULL;
        const char *name = sh_text_or_empty(o->subcommand);
        sh_scan_rest(sc, cmd, k);
        if (strcmp(name, "install") == 0) {
            o->action = SH_ACT_INSTALL;
            sh_pip_reqs(sc, 0);
        } else if (strcmp(name, "uninstall") == 0) {
            o->action = SH_ACT_UNINSTALL;
            sh_pip_reqs(sc, 0);
        } else if (strcmp(name, "sync") == 0) { /* uv pip sync requirements.txt */
            o->action = SH_ACT_INSTALL;
            for (size_t j = 0; j < sc->npos; j++)
                sh_push_word(sc->arena, &o->requirement_files, &o->nrequirement_files,
                             sc->pos[j]);
        }
        return;
    }
    sh_scan_rest(sc, cmd, k);
    if (sub && (strcmp(sub->text, "add") == 0 || strcmp(sub->text, "remove") == 0)) {
        o->manager = SH_PM_UV_ADD;
        o->program = ed_arena_printf(sc->arena, "%s %s", uv, sub->text);
        o->action = sub->text[0] == 'a' ? SH_ACT_INSTALL : SH_ACT_UNINSTALL;
        sh_pip_reqs(sc, 0);
    }
}

static void sh_parse_pipx(sh_scan *sc, const sh_command *cmd, size_t k)
{
    sh_pkgcmd *o = sc->out;
    o->manager = SH_PM_PIPX;
    sc->opts = sh_pipx_opts;
    k = sh_scan_words(sc, cmd->words, k, cmd->nwords, true);
    o->subcommand = sc->npos ? sc->pos[0] : NULL;
    const char *sub = sh_text_or_empty(o->subcommand);
    sh_scan_rest(sc, cmd, k);
    if (strcmp(sub, "install") == 0 || strcmp(sub, "upgrade") == 0) {
        o->action = SH_ACT_INSTALL;
        o->upgrade = o->upgrade || sub[0] == 'u';
        sh_pip_reqs(sc, 0);
    } else if (strcmp(sub, "inject") == 0) { /* pipx inject VENV PKG... */
        o->action = SH_ACT_INSTALL;
        sh_pip_reqs(sc, 1);
    } else if (strcmp(sub, "uninstall") == 0) {
        o->action = SH_ACT_UNINSTALL;
        sh_pip_reqs(sc, 0);
    }
}

static void sh_parse_conda(sh_scan *sc, const sh_command *cmd)
{
    static const char *const installs[] = {"install", "create", "update", "upgrade", NULL};
    static const char *const removes[] = {"remove", "uninstall", NULL};
    sh_pkgcmd *o = sc->out;
    o->manager = SH_PM_CONDA;
    sc->opts = sh_conda_opts;
    size_t k = sh_scan_words(sc, cmd->words, 1, cmd->nwords, true);
    o->subcommand = sc->npos ? sc->pos[0] : NULL;
    const char *sub = sh_text_or_empty(o->subcommand);
    sh_scan_rest(sc, cmd, k);
    if (strcmp(sub, "env") == 0) { /* conda env create|update -f environment.yml */
        const char *what = sc->npos ? sc->pos[0]->text : "";
        if (strcmp(what, "create") == 0 || strcmp(what, "update") == 0)
            o->action = SH_ACT_INSTALL;
        else if (strcmp(what, "remove") == 0)
            o->action = SH_ACT_UNINSTALL;
        return;
    }
    if (sh_is_one_of(sub, installs)) {
        sh_native_reqs(sc, SH_PM_CONDA, 0);
        o->upgrade = o->upgrade || sub[0] == 'u';
        bool create = strcmp(sub, "create") == 0;
        if (!create || sc->reqs->len || o->nrequirement_files)
            o->action = SH_ACT_INSTALL; /* a bare `conda create -n x` installs nothing */
    } else if (sh_is_one_of(sub, removes)) {
        o->action = SH_ACT_UNINSTALL;
        sh_native_reqs(sc, SH_PM_CONDA, 0);
    }
}

/* The subcommand tables of the system managers. */
typedef struct sh_subcmd {
    const char *name;
    sh_action action;
    bool upgrade;
} sh_subcmd;

static const sh_subcmd sh_apt_subcmds[] = {
    {"install", SH_ACT_INSTALL, false},   {"reinstall", SH_ACT_INSTALL, false},
    {"remove", SH_ACT_UNINSTALL, false},  {"purge", SH_ACT_UNINSTALL, false},
    {"autoremove", SH_ACT_UNINSTALL, false}, {"upgrade", SH_ACT_OTHER, true},
    {"dist-upgrade", SH_ACT_OTHER, true}, {"full-upgrade", SH_ACT_OTHER, true},
    {NULL, SH_ACT_OTHER, false},
};

static const sh_subcmd sh_dnf_subcmds[] = {
    {"install", SH_ACT_INSTALL, false},      {"in", SH_ACT_INSTALL, false},
    {"reinstall", SH_ACT_INSTALL, false},    {"rei", SH_ACT_INSTALL, false},
    {"localinstall", SH_ACT_INSTALL, false}, {"groupinstall", SH_ACT_INSTALL, false},
    {"upgrade", SH_ACT_INSTALL, true},       {"update", SH_ACT_INSTALL, true},
    {"up", SH_ACT_INSTALL, true},            {"downgrade", SH_ACT_INSTALL, false},
    {"remove", SH_ACT_UNINSTALL, false},     {"erase", SH_ACT_UNINSTALL, false},
    {"rm", SH_ACT_UNINSTALL, false},         {"autoremove", SH_ACT_UNINSTALL, false},
    {"groupremove", SH_ACT_UNINSTALL, false}, {NULL, SH_ACT_OTHER, false},
};

static const sh_subcmd sh_apk_subcmds[] = {
    {"add", SH_ACT_INSTALL, false},
    {"del", SH_ACT_UNINSTALL, false},
    {"upgrade", SH_ACT_OTHER, true},
    {NULL, SH_ACT_OTHER, false},
};

static const sh_subcmd sh_zypper_subcmds[] = {
    {"install", SH_ACT_INSTALL, false}, {"in", SH_ACT_INSTALL, false},
    {"remove", SH_ACT_UNINSTALL, false}, {"rm", SH_ACT_UNINSTALL, false},
    {"update", SH_ACT_OTHER, true},     {"up", SH_ACT_OTHER, true},
    {"dist-upgrade", SH_ACT_OTHER, true}, {"dup", SH_ACT_OTHER, true},
    {NULL, SH_ACT_OTHER, false},
};

static const sh_subcmd *sh_find_subcmd(const sh_subcmd *table, const char *name)
{
    for (; table->name; table++)
        if (strcmp(table->name, name) == 0)
            return table;
    return NULL;
}

/* apt, dnf, apk, zypper: [global options] SUBCOMMAND [options] packages. */
static void sh_parse_system(sh_scan *sc, const sh_command *cmd, sh_pm pm)
{
    static const struct {
        sh_pm pm;
        const sh_opt *global, *command;
        const sh_subcmd *subcmds;
    } managers[] = {
        {SH_PM_APT, sh_apt_opts, sh_apt_opts, sh_apt_subcmds},
        {SH_PM_DNF, sh_dnf_opts, sh_dnf_opts, sh_dnf_subcmds},
        {SH_PM_APK, sh_apk_opts, sh_apk_opts, sh_apk_subcmds},
        {SH_PM_ZYPPER, sh_zypper_global_opts, sh_zypper_cmd_opts, sh_zypper_subcmds},
    };
    size_t m = 0;
    while (managers[m].pm != pm)
        m++;
    sh_pkgcmd *o = sc->out;
    o->manager = pm;
    sc->opts = managers[m].global;
    size_t k = sh_scan_words(sc, cmd->words, 1, cmd->nwords, true);
    o->subcommand = sc->npos ? sc->pos[0] : NULL;
    const char *sub = sh_text_or_empty(o->subcommand);
    sc->opts = managers[m].command;
    sh_scan_rest(sc, cmd, k);
    if (pm == SH_PM_DNF && strcmp(sub, "module") == 0) { /* dnf module install NAME:STREAM */
        const char *what = sc->npos ? sc->pos[0]->text : "";
        if (strcmp(what, "install") == 0)
            o->action = SH_ACT_MODULE_INSTALL;
        else if (strcmp(what, "remove") == 0)
            o->action = SH_ACT_UNINSTALL;
        for (size_t j = 1; j < sc->npos; j++) {
            const sh_word *w = sc->pos[j];
            size_t colon = strcspn(w->text, ":");
            sh_req req = {0};
            req.word = w;
            req.name = req.raw_name = ed_arena_strndup(sc->arena, w->text, colon);
            sh_word_span(w, 0, colon, &req.name_start, &req.name_end);
            sh_version_at at = {0, 0, 0, 0};
            if (colon < w->len) {
                req.specifier = ed_arena_strdup(sc->arena, w->text + colon + 1);
                at = (sh_version_at){colon + 1, w->len, colon + 1, colon + 1};
            }
            sh_req_set_version_spans(w, &at, false, &req);
            sh_push_req(sc, &req);
            if (!o->module_spec)
                o->module_spec = w->text;
        }
        return;
    }
    if (strcmp(sub, "group") == 0 || strcmp(sub, "groups") == 0) { /* dnf group install X */
        const char *what = sc->npos ? sc->pos[0]->text : "";
        if (strcmp(what, "install") == 0)
            o->action = SH_ACT_INSTALL;
        else if (strcmp(what, "remove") == 0)
            o->action = SH_ACT_UNINSTALL;
        if (o->action != SH_ACT_OTHER)
            sh_native_reqs(sc, pm, 1);
        return;
    }
    const sh_subcmd *s = sh_find_subcmd(managers[m].subcmds, sub);
    if (!s)
        return;
    o->upgrade = o->upgrade || s->upgrade;
    if (s->action != SH_ACT_OTHER && (!s->upgrade || sc->npos > 0)) {
        o->action = s->action;
        sh_native_reqs(sc, pm, 0);
    }
}

/* python [options] -m MODULE: the index of the word after MODULE, or 0. */
static size_t sh_python_module(const sh_command *cmd, const char **module)
{
    for (size_t k = 1; k < cmd->nwords; k++) {
        const char *a = cmd->words[k].text;
        if (a[0] != '-' || a[1] == '\0' || a[1] == '-')
            return 0; /* a script, stdin or --version: not -m */
        for (size_t j = 1; a[j]; j++) {
            if (a[j] == 'm') {
                if (a[j + 1]) {
                    *module = a + j + 1;
                    return k + 1;
                }
                if (k + 1 < cmd->nwords) {
                    *module = cmd->words[k + 1].text;
                    return k + 2;
                }
                return 0;
            }
            if (a[j] == 'c')
                return 0; /* python -c '...' */
            if (a[j] == 'X' || a[j] == 'W') {
                if (!a[j + 1])
                    k++; /* the value is the next word */
                break;
            }
        }
    }
    return 0;
}

/* Programs with a fixed name; pip and python are matched with a version. */
static const struct {
    const char *name;
    sh_pm pm;
} sh_programs[] = {
    {"uv", SH_PM_UV},          {"pipx", SH_PM_PIPX},       {"conda", SH_PM_CONDA},
    {"mamba", SH_PM_CONDA},    {"micromamba", SH_PM_CONDA}, {"apt-get", SH_PM_APT},
    {"apt", SH_PM_APT},        {"aptitude", SH_PM_APT},    {"dnf", SH_PM_DNF},
    {"dnf5", SH_PM_DNF},       {"yum", SH_PM_DNF},         {"microdnf", SH_PM_DNF},
    {"tdnf", SH_PM_DNF},       {"apk", SH_PM_APK},         {"zypper", SH_PM_ZYPPER},
};

/* python [options] -m pip|uv|pipx ... */
static bool sh_parse_python(sh_scan *sc, const sh_command *cmd, const char *prog)
{
    const char *module = NULL;
    size_t k = sh_python_module(cmd, &module);
    if (!k)
        return false;
    if (strcmp(module, "pip") == 0) {
        sc->out->program = ed_arena_printf(sc->arena, "%s -m pip", prog);
        sh_parse_pip(sc, cmd, k);
    } else if (strcmp(module, "uv") == 0) {
        sh_parse_uv(sc, cmd, k, ed_arena_printf(sc->arena, "%s -m uv", prog));
    } else if (strcmp(module, "pipx") == 0) {
        sc->out->program = ed_arena_printf(sc->arena, "%s -m pipx", prog);
        sh_parse_pipx(sc, cmd, k);
    } else {
        return false;
    }
    return true;
}

bool sh_pm_is_python(sh_pm manager)
{
    return manager == SH_PM_PIP || manager == SH_PM_UV_PIP || manager == SH_PM_UV_ADD ||
           manager == SH_PM_PIPX;
}

bool sh_pm_is_native(sh_pm manager)
{
    return manager == SH_PM_CONDA || manager == SH_PM_APT || manager == SH_PM_DNF ||
           manager == SH_PM_APK || manager == SH_PM_ZYPPER;
}

static bool sh_parse_command(sh_scan *scan, const sh_command *cmd)
{
    sh_scan sc = *scan;
    sh_pkgcmd *out = sc.out;
    const char *prog = sh_program(cmd);
    out->cmd = cmd;
    out->program = prog;
    if (sh_is_versioned(prog, "pip")) {
        sh_parse_pip(&sc, cmd, 1);
        return true;
    }
    if (sh_is_versioned(prog, "python")) {
        if (sh_parse_python(&sc, cmd, prog))
            return true;
        memset(out, 0, sizeof *out);
        return false;
    }
    sh_pm pm = SH_PM_NONE;
    for (size_t k = 0; k < sizeof sh_programs / sizeof sh_programs[0]; k++)
        if (strcmp(prog, sh_programs[k].name) == 0)
            pm = sh_programs[k].pm;
    switch (pm) {
    case SH_PM_UV:
        sh_parse_uv(&sc, cmd, 1, prog);
        return true;
    case SH_PM_PIPX:
        sh_parse_pipx(&sc, cmd, 1);
        return true;
    case SH_PM_CONDA:
        sh_parse_conda(&sc, cmd);
        return true;
    case SH_PM_APT:
    case SH_PM_DNF:
    case SH_PM_APK:
    case SH_PM_ZYPPER:
        sh_parse_system(&sc, cmd, pm);
        return true;
    default:
        memset(out, 0, sizeof *out);
        return false;
    }
}

bool sh_pkgcmd_parse(ed_arena *arena, const sh_command *cmd, sh_pkgcmd *out)
{
    memset(out, 0, sizeof *out);
    if (!cmd || cmd->nwords == 0)
        return false;
    ed_buf reqs = ED_BUF_INIT;
    sh_scan sc = {.arena = arena, .out = out, .reqs = &reqs};
    bool known = sh_parse_command(&sc, cmd);
    if (known) {
        out->reqs = ed_buf_copy(&reqs, arena);
        out->nreqs = reqs.len / sizeof *out->reqs;
    }
    ed_buf_free(&reqs);
    return known;
}
