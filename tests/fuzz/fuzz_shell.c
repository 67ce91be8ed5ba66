/* Fuzz target: the shell-command model and the package-manager models.
 * The input up to its first NUL byte is a RUN script: it is split into
 * commands (sh_parse), every command goes through the package-manager
 * models (pip, uv, pipx, conda, apt, dnf, apk, zypper: sh_pkgcmd_parse),
 * every word through the requirement parsers (PEP 508 and each native
 * manager's), and the same text is read as a requirements file. The
 * NUL-separated pieces of the whole input are an exec-form argv
 * (sh_from_argv). Every position must stay inside the text it is in. */
#include "fuzz.h"

#include "envdoctor/pkgcmd.h"
#include "envdoctor/shell.h"

enum { FUZZ_SH_MAX_ARGV = 64 };

static void fuzz_sh_check_range(size_t start, size_t end, size_t len)
{
    FUZZ_CHECK(start <= end);
    FUZZ_CHECK(end <= len);
}

static void fuzz_sh_check_word(const sh_word *w, size_t len)
{
    FUZZ_CHECK(w->text != NULL);
    FUZZ_CHECK(strlen(w->text) == w->len);
    fuzz_sh_check_range(w->start, w->end, len);
    if (w->pos)
        for (size_t i = 0; i < w->len; i++)
            FUZZ_CHECK(w->pos[i] < len);
}

static void fuzz_sh_check_req(const sh_req *r, size_t len)
{
    FUZZ_CHECK(r->name != NULL);
    FUZZ_CHECK(r->raw_name != NULL);
    fuzz_sh_check_range(r->name_start, r->name_end, len);
    fuzz_sh_check_range(r->spec_start, r->spec_end, len);
    fuzz_sh_check_range(r->version_start, r->version_end, len);
    fuzz_sh_check_range(r->label_start, r->label_end, len);
    for (size_t i = 0; i < r->nextras; i++)
        FUZZ_CHECK(r->extras[i] != NULL);
}

static void fuzz_sh_check_words(const sh_word *const *w, size_t n, size_t len)
{
    for (size_t i = 0; i < n; i++)
        fuzz_sh_check_word(w[i], len);
}

static void fuzz_sh_pkgcmd(ed_arena *arena, const sh_command *cmd, size_t len)
{
    sh_pkgcmd p;
    if (!sh_pkgcmd_parse(arena, cmd, &p)) {
        FUZZ_CHECK(p.manager == SH_PM_NONE && p.nreqs == 0);
        return;
    }
    FUZZ_CHECK(p.manager != SH_PM_NONE);
    FUZZ_CHECK(p.program != NULL);
    (void)sh_pm_is_python(p.manager);
    (void)sh_pm_is_native(p.manager);
    for (size_t i = 0; i < p.nreqs; i++) {
        fuzz_sh_check_req(&p.reqs[i], len);
        if (p.reqs[i].word)
            fuzz_sh_check_word(p.reqs[i].word, len);
    }
    if (p.index_url)
        fuzz_sh_check_word(p.index_url, len);
    if (p.index_url_option)
        fuzz_sh_check_word(p.index_url_option, len);
    if (p.torch_backend)
        fuzz_sh_check_word(p.torch_backend, len);
    if (p.subcommand)
        fuzz_sh_check_word(p.subcommand, len);
    fuzz_sh_check_words(p.extra_index_urls, p.nextra_index_urls, len);
    fuzz_sh_check_words(p.extra_index_url_options, p.nextra_index_urls, len);
    fuzz_sh_check_words(p.find_links, p.nfind_links, len);
    fuzz_sh_check_words(p.find_links_options, p.nfind_links, len);
    fuzz_sh_check_words(p.requirement_files, p.nrequirement_files, len);
    fuzz_sh_check_words(p.constraint_files, p.nconstraint_files, len);
    fuzz_sh_check_words(p.editables, p.neditables, len);
    fuzz_sh_check_words(p.channels, p.nchannels, len);
    fuzz_sh_check_words(p.build_options, p.nbuild_options, len);
    fuzz_sh_check_words(p.no_build_isolation_packages, p.nno_build_isolation_packages, len);
}

static void fuzz_sh_word(ed_arena *arena, const sh_word *w, size_t len)
{
    static const sh_pm native[] = {SH_PM_CONDA, SH_PM_APT, SH_PM_DNF, SH_PM_APK, SH_PM_ZYPPER};
    fuzz_sh_check_word(w, len);
    size_t s, e;
    sh_word_span(w, 0, w->len, &s, &e);
    fuzz_sh_check_range(s, e, len);
    sh_word_span(w, w->len / 2, w->len, &s, &e);
    fuzz_sh_check_range(s, e, len);
    sh_word_span(w, w->len, w->len, &s, &e);
    fuzz_sh_check_range(s, e, len);
    const sh_word *slice = sh_word_slice(arena, w, w->len / 3, w->len);
    fuzz_sh_check_word(slice, len);
    sh_req r;
    (void)sh_req_parse_word(arena, w, &r);
    fuzz_sh_check_req(&r, len);
    for (size_t k = 0; k < sizeof native / sizeof *native; k++) {
        (void)sh_req_parse_native(arena, native[k], w, &r);
        fuzz_sh_check_req(&r, len);
    }
    (void)sh_pep503_name(arena, w->text, w->len);
}

static void fuzz_sh_script(ed_arena *arena, const sh_script *s, size_t len)
{
    FUZZ_CHECK(s != NULL);
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_command *cmd = &s->cmds[i];
        fuzz_sh_check_range(cmd->start, cmd->end, len);
        for (size_t k = 0; k < cmd->nassigns; k++)
            fuzz_sh_check_word(&cmd->assigns[k], len);
        for (size_t k = 0; k < cmd->nwords; k++)
            fuzz_sh_word(arena, &cmd->words[k], len);
        FUZZ_CHECK(sh_program(cmd) != NULL);
        (void)sh_is_shell_program(sh_program(cmd));
        const sh_word *payload = sh_shell_payload(cmd);
        if (payload)
            fuzz_sh_check_word(payload, len);
        const sh_word *exe = sh_executable(cmd);
        if (exe)
            fuzz_sh_check_word(exe, len);
        fuzz_sh_pkgcmd(arena, cmd, len);
        /* unwrapping again changes nothing that breaks the model */
        sh_command copy = *cmd;
        sh_unwrap(arena, &copy);
        fuzz_sh_pkgcmd(arena, &copy, len);
    }
}

static void fuzz_sh_reqfile(ed_arena *arena, const char *text, size_t len)
{
    sh_reqfile rf;
    sh_reqfile_parse(arena, text, len, &rf);
    for (size_t i = 0; i < rf.nreqs; i++)
        fuzz_sh_check_req(&rf.reqs[i], len);
    for (size_t i = 0; i < rf.nextra_index_urls; i++)
        FUZZ_CHECK(rf.extra_index_urls[i] != NULL);
    for (size_t i = 0; i < rf.nrequirement_files; i++)
        FUZZ_CHECK(rf.requirement_files[i] != NULL);

    sh_req *reqs;
    const char *index_url, **extra;
    size_t nextra;
    size_t n = sh_requirements_parse(arena, text, len, &reqs, &index_url, &extra, &nextra);
    FUZZ_CHECK(n == rf.nreqs);

    /* each line on its own as one PEP 508 requirement */
    for (size_t start = 0; start < len;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        sh_req r;
        (void)sh_req_parse(arena, text + start, end - start, &r);
        fuzz_sh_check_req(&r, end - start);
        start = end + 1;
    }
}

int fuzz_shell(const uint8_t *data, size_t size)
{
    fuzz_enter();
    ed_arena *arena = ed_arena_new();
    char *text = ed_arena_strndup(arena, size ? (const char *)data : "", size);
    size_t len = strnlen(text, size); /* the script: up to the first NUL */

    fuzz_sh_script(arena, sh_parse(arena, text, len), len);
    fuzz_sh_reqfile(arena, text, len);

    /* exec form: the NUL-separated pieces, with their ranges in the input */
    const char *argv[FUZZ_SH_MAX_ARGV];
    size_t starts[FUZZ_SH_MAX_ARGV], ends[FUZZ_SH_MAX_ARGV], n = 0;
    for (size_t at = 0; at <= size && n < FUZZ_SH_MAX_ARGV;) {
        size_t piece = strnlen(text + at, size - at);
        argv[n] = text + at;
        starts[n] = at;
        ends[n] = at + piece;
        n++;
        at += piece + 1;
    }
    fuzz_sh_script(arena, sh_from_argv(arena, argv, starts, ends, n), size);
    fuzz_sh_script(arena, sh_from_argv(arena, argv, NULL, NULL, n), size);

    ed_arena_free(arena);
    fuzz_leave();
    return 0;
}

FUZZ_ENTRY(fuzz_shell)
