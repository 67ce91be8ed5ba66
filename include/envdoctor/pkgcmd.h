/* Package-manager argument models on top of the shell-command model: which
 * packages a command installs or removes, with which versions and from
 * which indexes or channels, and the options that change how they are
 * built. Every package and option value keeps its exact position.
 *
 * Tolerant like the shell model: unknown options are skipped (as flags
 * unless written `--opt=value`), odd specs give a best-effort result.
 * Everything lives in the caller's arena; each `nX` field is the length of
 * the array `X` just before it. */
#ifndef ENVDOCTOR_PKGCMD_H
#define ENVDOCTOR_PKGCMD_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"
#include "envdoctor/shell.h"

typedef enum sh_pm {
    SH_PM_NONE,
    SH_PM_PIP,     /* pip, pip3, pip3.X, python[X.Y] -m pip */
    SH_PM_UV_PIP,  /* uv pip ... */
    SH_PM_UV_ADD,  /* uv add / uv remove */
    SH_PM_PIPX,    /* pipx install|inject|uninstall */
    SH_PM_CONDA,   /* conda, mamba, micromamba */
    SH_PM_APT,     /* apt-get, apt, aptitude */
    SH_PM_DNF,     /* dnf, yum, microdnf, tdnf */
    SH_PM_APK,
    SH_PM_ZYPPER,
    SH_PM_UV,      /* any other uv command (sync, run, venv, tool, ...): action OTHER */
} sh_pm;

typedef enum sh_action {
    SH_ACT_OTHER,          /* anything else (update, list, config, show, ...) */
    SH_ACT_INSTALL,        /* install/add/in/reinstall/localinstall, conda create or
                              update with packages, conda env create/update -f, uv pip sync,
                              pipx inject */
    SH_ACT_UNINSTALL,      /* uninstall/remove/rm/purge/erase/del, uv remove */
    SH_ACT_DOWNLOAD,       /* pip download */
    SH_ACT_WHEEL,          /* pip wheel */
    SH_ACT_MODULE_INSTALL, /* dnf/yum module install */
} sh_action;

typedef struct sh_req {
    /* The argument word it came from (for a value of an option, such as
     * `-e PATH`, that value); NULL for requirements-file lines. */
    const sh_word *word;
    /* pip/uv/pipx: PEP 503-normalised (lower case, runs of -_. -> '-'),
     * e.g. "flash-attn"; names holding a '$' are kept as written.
     * conda/apt/dnf/apk/zypper: as written, without version, conda
     * `channel::` prefix, apt `/release` and `:arch`.
     * Never NULL: "" when there is no name (`.`, a URL without #egg=). */
    const char *name;
    const char *raw_name;    /* the name as written ("" when none) */
    const char **extras;     /* pip extras as written, trimmed: ["cuda12", "local"] */
    size_t nextras;          /* number of extras */
    /* The version constraint, whitespace and parentheses removed:
     * pip ">=2.1,<2.3", "==2.5.1+cu121";
     * conda "=12.1", ">=2.0", "12.1.*" (the version part only; see build);
     * apt "535.104.05-0ubuntu1" from "pkg=ver";
     * apk/zypper with their operator: "=1.2", ">=1.0";
     * dnf module install: the stream[/profile], "latest-dkms".
     * NULL when none. */
    const char *specifier;
    /* The exact version when the spec is `==X`/`===X` (pip), `=X`/`==X` or a
     * bare "name X" (conda), `pkg=X` (apt, apk, zypper), and the version of
     * a wheel/sdist/.deb/.rpm file name; NULL for ranges and wildcards.
     * Keeps local labels: "2.1.0+cu121". */
    const char *pinned;
    const char *build;       /* conda build string ("*cuda*" in "pytorch=2.1=*cuda*"), else NULL */
    const char *channel;     /* conda "channel::name" prefix, else NULL */
    /* "git+https://github.com/NVIDIA/apex#egg=apex" as written (pip VCS,
     * URL, `name @ url`), a local path (".", "./src", "/opt/x", "x.whl",
     * "x.tar.gz", "x.deb", "x.rpm"), or NULL. */
    const char *url;
    bool is_local;           /* a path or file (also file: URLs), not from an index */
    bool editable;           /* given with -e/--editable */
    const char *marker;      /* PEP 508 environment marker after ';', trimmed, or NULL */
    /* Byte range of the name token in the script text (inside quotes when
     * quoted; in the #egg= fragment or the file name when the name comes
     * from there), so a rule points at `torch` in `"torch==2.5.1"`. When
     * there is no name: the whole word. For sh_req_parse: offsets in its
     * text. */
    size_t name_start, name_end;
    /* Byte ranges in the script text (exact through the word's `pos`; for
     * sh_req_parse: offsets in its text) of the version constraint as
     * written, operator included (`==2.1.0+cu118`, `=11.8`, `>= 1.0`; the
     * version in a wheel/sdist/.deb/.rpm file name), of the `pinned`
     * version inside it (`2.1.0+cu118`, `11.8`), and of the local version
     * label of a pip pin (`+cu118`). A part that is absent is an empty
     * range where it would start: at the end of the name for the
     * specifier, at the end of the specifier for the version and at the end
     * of the version for the label. */
    size_t spec_start, spec_end;
    size_t version_start, version_end;
    size_t label_start, label_end;
} sh_req;

typedef struct sh_pkgcmd {
    sh_pm manager;             /* which package manager (never SH_PM_NONE after success) */
    sh_action action;          /* what the subcommand does with the packages */
    const sh_command *cmd;     /* the command it was read from */
    /* "pip3.11", "python3 -m pip", "uv pip", "uv", "pipx", "mamba",
     * "apt-get", "yum": the program's basename (+ " -m pip" / " pip") */
    const char *program;
    const sh_word *subcommand; /* "install", "add", "module", "env", ...; NULL when none */
    sh_req *reqs;              /* packages to install/uninstall (not options, not option values) */
    size_t nreqs;
    /* Option values are words of their own, with exact positions, also for
     * `--opt=value` and `-ivalue`. */
    const sh_word *index_url;  /* pip -i/--index-url (also `pip config set global.index-url X`),
                                  uv --index-url/--default-index, pipx --index-url; the last wins.
                                  conda channels are in `channels`. */
    const sh_word **extra_index_urls; /* pip --extra-index-url, uv --extra-index-url / --index
                                         (for `--index name=URL`: just the URL) */
    size_t nextra_index_urls;
    const sh_word **find_links;       /* -f / --find-links */
    size_t nfind_links;
    /* The option each of those values was given with, as written and with
     * its exact position: "--extra-index-url" (also the option part of
     * `--extra-index-url=URL`), "-i", a short-option cluster up to the
     * option ("-qi" of `-qi URL`), "--index", the key of `pip config set
     * global.index-url` ("global.index-url"). Parallel to index_url,
     * extra_index_urls and find_links. */
    const sh_word *index_url_option;
    const sh_word **extra_index_url_options;
    const sh_word **find_links_options;
    const sh_word **requirement_files; /* pip/uv -r/--requirement[=], uv pip sync FILE,
                                          conda --file / env create -f */
    size_t nrequirement_files;
    const sh_word **constraint_files;  /* -c/--constraint (pip, uv), uv --override */
    size_t nconstraint_files;
    const sh_word **editables;         /* -e PATH|URL (also listed as reqs, editable) */
    size_t neditables;
    const sh_word *torch_backend;      /* uv --torch-backend[=]auto|cu126|cpu... */
    const sh_word **channels;          /* conda -c/--channel */
    size_t nchannels;
    const sh_word **build_options;     /* pip --global-option, --install-option,
                                          --build-option, -C/--config-settings (the values) */
    size_t nbuild_options;
    const sh_word **no_build_isolation_packages; /* uv --no-build-isolation-package X */
    size_t nno_build_isolation_packages;
    bool no_build_isolation;  /* --no-build-isolation */
    bool no_binary_all;       /* --no-binary :all: */
    bool pre;                 /* --pre, uv --prerelease allow */
    bool upgrade;             /* -U/--upgrade, conda/dnf/apt update-style commands */
    bool no_deps;             /* --no-deps */
    bool user;                /* pip --user */
    bool force_reinstall;     /* --force-reinstall, uv --reinstall, conda --force-reinstall */
    bool system;              /* uv --system */
    bool no_index;            /* --no-index */
    const char *no_binary;    /* --no-binary value(s) (":all:" or a package list; repeated
                                 options joined with ','), else NULL */
    const char *only_binary;  /* --only-binary value(s), same form, else NULL */
    const char *module_spec;  /* dnf module install "nvidia-driver:latest-dkms" (first one) */
} sh_pkgcmd;

/* pip, uv pip, uv add/remove, pipx: the managers of Python packages. */
bool sh_pm_is_python(sh_pm manager);
/* conda, apt, dnf, apk, zypper: the managers of OS (and conda) packages. */
bool sh_pm_is_native(sh_pm manager);

/* Recognises a package-manager invocation: pip, pip3, pip3.X, pipX.Y,
 * python -m pip, python3 -m pip, python3.X -m pip, /path/to/python -m pip
 * (also -m uv / -m pipx), uv pip install|uninstall|sync|..., uv add|remove,
 * pipx install|inject|uninstall, conda/mamba/micromamba install|create|
 * update|remove|env create, apt-get/apt/aptitude install|reinstall|remove|
 * purge, dnf/yum/microdnf/tdnf install|reinstall|localinstall|remove|erase
 * (also `module install`), apk add|del, zypper install|in|remove|rm.
 * Options in any order, `--opt value`, `--opt=value`, `-ovalue` and
 * clustered short options; each manager's option table knows which options
 * take a value, so option values never become packages. Returns false when
 * the command is not such an invocation (*out is then zeroed). */
bool sh_pkgcmd_parse(ed_arena *arena, const sh_command *cmd, sh_pkgcmd *out);

/* PEP 508 requirement parsing on its own (for requirements files): name,
 * extras, specifier, url, marker; also bare URLs/VCS links (name from
 * #egg=), local paths and wheel/sdist file names (name and version from the
 * file name). Tolerant: never fails; returns false when there is no name
 * (*out is still filled, e.g. url and is_local for "."). Positions are
 * offsets in text. */
bool sh_req_parse(ed_arena *arena, const char *text, size_t len, sh_req *out);

/* The same for a shell word: positions are mapped to the script text. */
bool sh_req_parse_word(ed_arena *arena, const sh_word *word, sh_req *out);

/* A package argument of a system or conda manager ("pkg=ver", "pkg/rel",
 * "chan::pkg=1.2=build", "./x.deb", "pkg>=1"); manager is one of
 * SH_PM_CONDA, SH_PM_APT, SH_PM_DNF, SH_PM_APK, SH_PM_ZYPPER. */
bool sh_req_parse_native(ed_arena *arena, sh_pm manager, const sh_word *word, sh_req *out);

/* PEP 503 normalised name: lower case, runs of '-', '_', '.' become '-'. */
const char *sh_pep503_name(ed_arena *arena, const char *name, size_t len);

/* A requirements file (requirements.txt / constraints.txt). */
typedef struct sh_reqfile {
    sh_req *reqs;                    /* one per requirement line (-e lines included) */
    size_t nreqs;
    const char *index_url;           /* -i/--index-url (last wins), else NULL */
    const char **extra_index_urls;   /* --extra-index-url */
    size_t nextra_index_urls;
    const char **find_links;         /* -f/--find-links */
    size_t nfind_links;
    const char **requirement_files;  /* nested -r/--requirement */
    size_t nrequirement_files;
    const char **constraint_files;   /* -c/--constraint */
    size_t nconstraint_files;
    bool no_index;                   /* --no-index */
    bool pre;                        /* --pre */
} sh_reqfile;

/* Reads a requirements file body: comments (`#` at line start or after
 * whitespace), line continuations (backslash-newline), option lines, and
 * per-requirement options (--hash=..., --config-settings ...) are handled;
 * positions are offsets in text (exact across continuations). */
void sh_reqfile_parse(ed_arena *arena, const char *text, size_t len, sh_reqfile *out);

/* The same, reported through out-parameters (any may be NULL): returns the
 * number of requirements stored in *out. */
size_t sh_requirements_parse(ed_arena *arena, const char *text, size_t len, sh_req **out,
                             const char **index_url, const char ***extra_index_urls,
                             size_t *nextra);

#endif
