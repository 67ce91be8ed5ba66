/* Commands that run another command: wrappers (sudo, env, nohup, ...) and
 * shells given a -c script. Both are table-driven: what matters is which
 * options take a value, so an option value is never taken for the
 * command. */
#include "envdoctor/shell.h"

#include <string.h>

typedef struct sh_wrapper {
    const char *name;
    const char *short_values;       /* short options that take a value */
    const char *const *long_values; /* long options (no "--") that take a value */
    const char *queries;            /* short options that make it no wrapper (`command -v`) */
    unsigned operands;              /* words before the command (timeout's DURATION) */
    bool assigns;                   /* NAME=value words may come before the command */
    bool numeric;                   /* `nice -10` */
    bool dash;                      /* a lone "-" is an option (`env -`) */
} sh_wrapper;

static const char *const sh_sudo_long[] = {"user",   "group", "close-from",      "chdir",
                                           "host",   "prompt", "role",           "type",
                                           "command-timeout", "other-user", "chroot", NULL};
static const char *const sh_env_long[] = {"unset", "chdir", "split-string", NULL};
static const char *const sh_time_long[] = {"format", "output", NULL};
static const char *const sh_nice_long[] = {"adjustment", NULL};
static const char *const sh_timeout_long[] = {"signal", "kill-after", NULL};
static const char *const sh_stdbuf_long[] = {"input", "output", "error", NULL};
static const char *const sh_xargs_long[] = {"arg-file",  "delimiter",        "max-args",
                                            "max-procs", "max-chars",        "process-slot-var",
                                            NULL};
static const char *const sh_fakeroot_long[] = {"lib", "faked", NULL};
static const char *const sh_none[] = {NULL};

static const sh_wrapper sh_wrappers[] = {
    {"sudo", "ugCDhprtTUR", sh_sudo_long, "lvVK", 0, true, false, false},
    {"doas", "uC", sh_none, "", 0, false, false, false},
    {"env", "uCS", sh_env_long, "", 0, true, false, true},
    {"nohup", "", sh_none, "", 0, false, false, false},
    {"time", "fo", sh_time_long, "", 0, false, false, false},
    {"exec", "a", sh_none, "", 0, false, false, false},
    {"command", "", sh_none, "vV", 0, false, false, false},
    {"builtin", "", sh_none, "", 0, false, false, false},
    {"nice", "n", sh_nice_long, "", 0, false, true, false},
    {"ionice", "cn", sh_none, "p", 0, false, false, false},
    {"timeout", "sk", sh_timeout_long, "", 1, false, false, false},
    {"stdbuf", "ioe", sh_stdbuf_long, "", 0, false, false, false},
    {"xargs", "aEdILnPs", sh_xargs_long, "", 0, false, false, false},
    {"eatmydata", "", sh_none, "", 0, false, false, false},
    {"fakeroot", "lsib", sh_fakeroot_long, "", 0, false, false, false},
    {"gosu", "", sh_none, "", 1, false, false, false},
    {"su-exec", "", sh_none, "", 1, false, false, false},
};

static const char *sh_basename(const char *s)
{
    const char *slash = strrchr(s, '/');
    return slash ? slash + 1 : s;
}

static bool sh_in_list(const char *const *list, const char *name, size_t len)
{
    for (; *list; list++)
        if (strlen(*list) == len && memcmp(*list, name, len) == 0)
            return true;
    return false;
}

static bool sh_text_is_assign(const char *t)
{
    if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || *t == '_'))
        return false;
    while ((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || *t == '_' ||
           (*t >= '0' && *t <= '9'))
        t++;
    return *t == '=';
}

static const sh_wrapper *sh_find_wrapper(const char *word)
{
    const char *name = sh_basename(word);
    for (size_t k = 0; k < sizeof sh_wrappers / sizeof sh_wrappers[0]; k++)
        if (strcmp(sh_wrappers[k].name, name) == 0)
            return &sh_wrappers[k];
    return NULL;
}

/* Index of the wrapped command after the wrapper at words[k], or 0 when
 * words[k] is not used as a wrapper there; *assigns_from is where the
 * NAME=value words before the command begin. */
static size_t sh_skip_wrapper(const sh_wrapper *w, const sh_word *words, size_t k, size_t n,
                              size_t *assigns_from)
{
    k++;
    while (k < n) {
        const char *a = words[k].text;
        if (a[0] != '-' || (a[1] == '\0' && !w->dash))
            break;
        k++;
        if (a[1] == '\0')
            continue;
        if (w->numeric && a[1] >= '0' && a[1] <= '9')
            continue;
        if (strcmp(a, "--") == 0)
            break;
        if (a[1] == '-') {
            const char *name = a + 2;
            size_t len = strcspn(name, "=");
            if (name[len] == '\0' && sh_in_list(w->long_values, name, len))
                k++;
            continue;
        }
        if (strchr(w->queries, a[1]))
            return 0;
        for (size_t j = 1; a[j]; j++) {
            if (strchr(w->short_values, a[j])) {
                if (a[j + 1] == '\0')
                    k++; /* the value is the next word */
                break;
            }
        }
    }
    k += w->operands;
    *assigns_from = k;
    if (w->assigns)
        while (k < n && sh_text_is_assign(words[k].text))
            k++;
    return k < n ? k : 0;
}

/* Walks the wrappers at the start of cmd->words: returns how many words
 * they take, and counts (into *nnames) the env/sudo NAME=value words among
 * them, copying those to `names` when it is given. */
static size_t sh_wrapper_words(const sh_command *cmd, sh_word *names, size_t *nnames)
{
    size_t k = 0;
    *nnames = 0;
    for (;;) {
        const sh_wrapper *w = k < cmd->nwords ? sh_find_wrapper(cmd->words[k].text) : NULL;
        size_t from = 0;
        size_t next = w ? sh_skip_wrapper(w, cmd->words, k, cmd->nwords, &from) : 0;
        if (!next)
            return k;
        for (size_t j = from; j < next; j++) {
            if (names)
                names[*nnames] = cmd->words[j];
            (*nnames)++;
        }
        k = next;
    }
}

void sh_unwrap(ed_arena *arena, sh_command *cmd)
{
    size_t nnames;
    size_t k = sh_wrapper_words(cmd, NULL, &nnames);
    if (k == 0)
        return; /* (words may be NULL: no arithmetic on it) */
    if (nnames) { /* env/sudo NAME=value words set the command's environment */
        sh_word *assigns = ed_arena_calloc(arena, cmd->nassigns + nnames, sizeof *assigns);
        if (cmd->nassigns)
            memcpy(assigns, cmd->assigns, cmd->nassigns * sizeof *assigns);
        sh_wrapper_words(cmd, assigns + cmd->nassigns, &nnames);
        cmd->assigns = assigns;
        cmd->nassigns += nnames;
    }
    cmd->words += k;
    cmd->nwords -= k;
    cmd->wrapped += k;
}

/* ---- shells running a -c script ---- */

bool sh_is_shell_program(const char *name)
{
    static const char *const shells[] = {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"};
    for (size_t k = 0; k < sizeof shells / sizeof shells[0]; k++)
        if (strcmp(name, shells[k]) == 0)
            return true;
    return false;
}

/* sh [options] -c SCRIPT: options are clusters of letters after '-' or
 * '+'; 'o' and 'O' take the next word (`-o pipefail`). */
static const sh_word *sh_shell_script(const sh_word *words, size_t k, size_t n)
{
    bool has_c = false;
    while (k < n) {
        const char *a = words[k].text;
        if ((a[0] != '-' && a[0] != '+') || a[1] == '\0')
            break;
        k++;
        if (strcmp(a, "--") == 0)
            break;
        if (a[1] == '-') {
            if (strcmp(a, "--rcfile") == 0 || strcmp(a, "--init-file") == 0)
                k++;
            continue;
        }
        for (size_t j = 1; a[j]; j++) {
            if (a[j] == 'c')
                has_c = true;
            else if (a[j] == 'o' || a[j] == 'O')
                k++;
        }
    }
    return has_c && k < n ? &words[k] : NULL;
}

/* su/runuser [options] -c SCRIPT [user]. */
static const sh_word *sh_su_script(const sh_word *words, size_t n)
{
    for (size_t k = 1; k + 1 < n; k++) {
        const char *a = words[k].text;
        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "-c") == 0 || strcmp(a, "--command") == 0 ||
            strcmp(a, "--session-command") == 0)
            return &words[k + 1];
        if (strcmp(a, "-s") == 0 || strcmp(a, "--shell") == 0 || strcmp(a, "-g") == 0 ||
            strcmp(a, "-G") == 0 || strcmp(a, "--group") == 0 || strcmp(a, "-u") == 0 ||
            strcmp(a, "-w") == 0 || strcmp(a, "--whitelist-environment") == 0)
            k++; /* skip the value */
    }
    return NULL;
}

const sh_word *sh_shell_payload(const sh_command *cmd)
{
    if (!cmd || cmd->nwords < 2)
        return NULL;
    const char *name = sh_program(cmd);
    if (sh_is_shell_program(name))
        return sh_shell_script(cmd->words, 1, cmd->nwords);
    if (strcmp(name, "busybox") == 0 && sh_is_shell_program(cmd->words[1].text))
        return sh_shell_script(cmd->words, 2, cmd->nwords);
    if (strcmp(name, "su") == 0 || strcmp(name, "runuser") == 0)
        return sh_su_script(cmd->words, cmd->nwords);
    return NULL;
}

const sh_word *sh_executable(const sh_command *cmd)
{
    if (!cmd || cmd->nwords == 0)
        return NULL;
    if (!sh_is_shell_program(sh_program(cmd)))
        return &cmd->words[0];
    if (sh_shell_payload(cmd))
        return NULL;
    for (size_t k = 1; k < cmd->nwords; k++)
        if (cmd->words[k].text[0] != '-') /* shell options */
            return &cmd->words[k];
    return NULL;
}
