/* Shell-command model: a POSIX shell script (a RUN line, a heredoc body, an
 * `sh -c` payload) split into simple commands whose words keep their exact
 * byte positions, so a rule can point at the one token that is wrong.
 *
 * The model is for reading commands, not for running them: nothing is
 * expanded ($VAR, $(...) stay as written), and every input, however
 * broken, gives a result. Everything lives in the caller's arena; each
 * `nX` field is the length of the array `X` just before it.
 *
 * Callers pass the text the shell would get: for a Dockerfile RUN, the
 * logical line (continuations joined, comment lines dropped, as BuildKit
 * does) and map offsets back with the instruction's segments; heredoc
 * bodies as they are. */
#ifndef ENVDOCTOR_SHELL_H
#define ENVDOCTOR_SHELL_H

#include <stdbool.h>
#include <stddef.h>

#include "envdoctor/arena.h"

typedef struct sh_word {
    /* The word after quote removal and escape processing, NUL-terminated.
     * $VAR, ${VAR}, $(...), `...` and $((...)) are kept literally as written. */
    const char *text;
    size_t len;         /* strlen(text) (the text never holds a NUL) */
    /* Byte range [start,end) of the word in the script text passed to
     * sh_parse, quotes included. For a word of an `sh -c` payload the range
     * is mapped back into the outer text through the payload's `pos`, so it
     * is exact however the payload was quoted; when the payload itself has
     * no `pos` (see below) it is the payload word's range. */
    size_t start, end;
    /* When exact, the offset in the script text of the last byte of the
     * input that produced text[i] (`x` in `\x`, the character itself
     * otherwise) is known for every i, so the source range of text[a..b)
     * is [pos(a), pos(b-1) + 1) (see sh_word_span and sh_word_pos). `pos`
     * holds those offsets, or is NULL when they are start, start+1, ...
     * (a word written as it reads, the common case: no map is stored).
     * When not exact (exec-form words whose range does not match their
     * text) only [start,end) is known and `pos` is NULL. */
    const size_t *pos;
    bool exact;
    bool quoted;        /* any part was quoted or escaped */
    bool has_expansion; /* contains an unquoted or double-quoted $ expansion,
                           $(...), `...` or $((...)) */
} sh_word;

typedef struct sh_command {
    /* Leading NAME=value words, then those given through a wrapper
     * (`env NAME=v cmd`, `sudo NAME=v cmd`), in order. */
    sh_word *assigns;
    size_t nassigns;
    /* argv after assignments and wrappers; may be empty for an
     * assignment-only command (`FOO=bar`). */
    sh_word *words;
    size_t nwords;
    /* How many wrapper words were skipped before words[0]: the wrappers
     * (sudo, doas, env, nohup, time, exec, command, builtin, nice, ionice,
     * timeout, stdbuf, xargs, eatmydata, fakeroot), their options and option
     * values, and the NAME=value words after env/sudo (which are also in
     * `assigns`). 0 when there is no wrapper. */
    size_t wrapped;
    /* 0 at top level; +1 for each enclosing ( ) subshell, $(...), `...`,
     * <(...) / >(...) or sh -c / bash -c / su -c payload. */
    unsigned depth;
    /* Byte range of the whole command in the script text: from its first
     * word (assignments and wrappers included) to the end of its last word. */
    size_t start, end;
} sh_command;

typedef struct sh_script {
    /* Every simple command, in the order a shell would start them: the
     * commands inside a word's $(...) or `...` come before the command that
     * uses the word, and an `sh -c` payload's commands come right after the
     * sh command that runs them. Commands inside if/while/for/case bodies,
     * { } groups and ( ) subshells are all listed. */
    sh_command *cmds;
    size_t ncmds;
} sh_script;

/* Splits a POSIX shell script into simple commands across && || ; | & |&
 * newlines, ( ), { }, if/then/elif/else/fi, for/select/while/until/do/done,
 * case...esac (patterns are not commands, bodies are), function
 * definitions, [[ ... ]], $( ), backticks and <( ) (their inner commands are
 * listed too), and `sh -c '...'` / `bash -c "..."` / `bash -lc` /
 * `su -c` payloads (parsed recursively), with POSIX quoting ('...', "...",
 * \ escapes, $'...', $"..."), comments (`#` at word start), line
 * continuations (backslash-newline; CR before LF is a blank), and heredoc
 * redirections inside the script (`cat <<EOF ... EOF`, `<<-`, quoted
 * delimiters: the body is not commands and is skipped). Redirections (`>f`,
 * `2>&1`, `<f`, `&>f`, `<<<word`) are not words. Never fails: unbalanced
 * quotes or parentheses end at the end of input. Nesting of substitutions
 * and payloads is depth-limited (deeper ones are skipped without being
 * split); ( ) subshells cost no stack at all. Linear time.
 * Known simplification: `((` at command start is two subshells, not
 * arithmetic (bash's `(( i++ ))` lists a harmless command `i++`). */
sh_script *sh_parse(ed_arena *arena, const char *text, size_t len);

/* Exec-form RUN (["pip","install","torch"]): one command from argv words
 * whose byte ranges the caller supplies (starts/ends may be NULL: all 0).
 * A range of len+2 bytes is taken as the quoted JSON string, one of len
 * bytes as the bare text; any other length (escapes) leaves the word's
 * `pos` NULL. No assignments (there is no shell), but wrappers are
 * stripped, and an ["sh","-c","..."] payload is parsed as in sh_parse.
 * Words count as quoted. */
sh_script *sh_from_argv(ed_arena *arena, const char *const *argv, const size_t *starts,
                        const size_t *ends, size_t n);

/* Basename of words[0] ("/usr/bin/pip3" -> "pip3"), or "" when there are no
 * words. Points into the word's text. */
const char *sh_program(const sh_command *cmd);

/* The script a shell command runs: the word after -c for sh, bash, dash,
 * ash, zsh, ksh, mksh (`bash -euxo pipefail -c '...'`, `sh -lc`, `busybox
 * sh -c`) and for su/runuser (`su -c '...' user`, `--command '...'`; the
 * attached forms `-c'...'`/`--command=...` are not recognised); NULL
 * otherwise.
 * sh_parse already lists the payload's commands; this tells a rule that a
 * command is only a carrier. */
const sh_word *sh_shell_payload(const sh_command *cmd);

/* sh, bash, dash, ash, zsh, ksh or mksh (a program name as sh_program
 * gives it). */
bool sh_is_shell_program(const char *program);

/* The file a command executes: words[0], or for a shell given a script
 * file (`sh ./cuda_12.4.1_linux.run --silent`, `bash -x build.sh`) that
 * file's word (the first word after the shell's options); NULL for a shell
 * that runs a -c payload or reads its script from standard input. */
const sh_word *sh_executable(const sh_command *cmd);

/* Offset in the script text of text[k] (k < len) of an exact word. */
size_t sh_word_pos(const sh_word *w, size_t k);

/* Source range of text[a..b) of a word (a <= b <= len): exact when the
 * word is, or the whole word otherwise. For a == b the empty range is at
 * the position of text[a] (or the word's end). */
void sh_word_span(const sh_word *w, size_t a, size_t b, size_t *start, size_t *end);

/* A new word for text[a..b) of w, with its exact positions (an option value
 * such as URL in `--index-url=URL`). quoted and has_expansion are inherited
 * (has_expansion only when the slice contains a '$' or '`'). */
const sh_word *sh_word_slice(ed_arena *arena, const sh_word *w, size_t a, size_t b);

/* Removes leading wrapper words (see sh_command.wrapped) from cmd->words,
 * adding env/sudo NAME=value words to cmd->assigns and counting the
 * removed words in cmd->wrapped. Nothing is removed when no command would
 * remain (`env` alone lists the environment). `command -v x` is a query,
 * not a wrapper. sh_parse and sh_from_argv already do this. */
void sh_unwrap(ed_arena *arena, sh_command *cmd);

#endif
