/* Splitting a shell script into simple commands (sh_parse, sh_from_argv).
 *
 * One left-to-right pass. Control structure is not built into a tree: the
 * model only needs the simple commands, so `(`, `{`, `if`, `do`, ... are
 * separators and ( ) nesting is a counter (no stack, however deep).
 * Recursion happens only where text must be split inside a word: $( ),
 * `...`, <( ) and sh -c payloads; it is bounded by SH_MAX_NEST, beyond
 * which substitutions are skipped without being split.
 *
 * Splitting a payload reads again text that was read once as the payload
 * word, and a payload can hold further shells with payloads, so nested
 * `sh -c "... sh -c ..."` cost more than the script's length: a crafted
 * 48 KB script took 7 s. The payloads split in one script may add up to
 * SH_PAYLOAD_FACTOR times its length (plus SH_PAYLOAD_SLACK); the ones
 * past that are left unsplit, which keeps any script linear. */
#include "envdoctor/shell.h"

#include <stdint.h>
#include <string.h>

#include "envdoctor/buf.h"

enum {
    SH_MAX_NEST = 16,    /* nested substitutions / payloads that are split */
    SH_MAX_HEREDOC = 16, /* pending heredocs on one line (more are not skipped) */
    SH_PAYLOAD_FACTOR = 4,
    SH_PAYLOAD_SLACK = 64 * 1024,
};

/* Output shared by a script and the payloads parsed inside it. */
typedef struct sh_out {
    ed_arena *arena;
    /* Heap scratch, copied into the arena at exact size when complete (an
     * arena array grown by doubling would leave every outgrown copy
     * behind): the commands listed so far (sh_command[]), and the words of
     * the commands being read (sh_word[]; a frame's command owns the top,
     * from its `base`, while frames nested in it have finished). */
    ed_buf cmds;
    ed_buf words;
    unsigned nest; /* current recursion depth */
    size_t payload_budget; /* bytes of sh -c payloads that may still be split */
} sh_out;

/* The text being split: the script, or an sh -c payload inside it. */
typedef struct sh_text {
    sh_out *out;
    const char *s;
    size_t n;
    /* Payload: map[i] is the outer position of s[i] (the payload word's
     * pos), or base + i when map is NULL (the script itself: base 0). When
     * the payload is not exact, every word gets the payload word's range
     * [in_start, in_end) and no positions. */
    const size_t *map;
    size_t base;
    bool inexact;
    size_t in_start, in_end;
} sh_text;

typedef struct sh_heredoc {
    const char *delim;
    size_t len;
    bool strip_tabs; /* <<- */
} sh_heredoc;

/* What the words being read mean. */
typedef enum sh_mode {
    SH_MODE_CMD,       /* words of a command */
    SH_MODE_PATTERN,   /* case patterns up to `)` */
    SH_MODE_CASE_HEAD, /* `case WORD in` */
    SH_MODE_FOR_HEAD,  /* `for NAME in WORDS;` (also select) */
    SH_MODE_FUNC_NAME, /* `function NAME` */
} sh_mode;

/* One level of splitting: the script, a $( ), a `...` or a payload. */
typedef struct sh_frame {
    sh_text *t;
    size_t end;      /* the frame's text ends here */
    unsigned depth;  /* depth of its commands outside any ( ) */
    bool subst;      /* a $( ) or <( ): ends at an unmatched ')' */
    unsigned parens; /* open ( ) subshells */
    unsigned ncase;  /* open case statements */
    sh_mode mode;
    bool dbracket;   /* inside [[ ... ]]: && || ( ) < > are words */
    /* the command being read: nassigns then nwords words in out->words,
     * from index base */
    size_t base, nwords, nassigns;
    size_t cmd_start, cmd_end;
    sh_heredoc heredocs[SH_MAX_HEREDOC];
    size_t nheredocs;
    /* scratch for the word being read: its bytes and their local positions */
    ed_buf text, pos;
    size_t lit_prefix; /* bytes of text read before any quote, escape or $ */
    bool quoted, expn;
} sh_frame;

static size_t sh_run_frame(sh_frame *f, size_t i);
static void sh_parse_payload(sh_out *out, const sh_word *payload, unsigned depth);

/* ---- small helpers ---- */

static bool sh_is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Characters that end an unquoted word. */
static bool sh_is_word_end(char c)
{
    return sh_is_blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' ||
           c == ')' || c == '<' || c == '>';
}

static bool sh_is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool sh_is_name_char(char c) { return sh_is_name_start(c) || (c >= '0' && c <= '9'); }

static bool sh_is_digit(char c) { return c >= '0' && c <= '9'; }

/* Length of a backslash-newline (with an optional CR) at s[i], or 0. */
static size_t sh_continuation(const char *s, size_t i, size_t end)
{
    if (i + 1 < end && s[i] == '\\' && s[i + 1] == '\n')
        return 2;
    if (i + 2 < end && s[i] == '\\' && s[i + 1] == '\r' && s[i + 2] == '\n')
        return 3;
    return 0;
}

static size_t sh_skip_blanks(const sh_frame *f, size_t i)
{
    const char *s = f->t->s;
    while (i < f->end) {
        size_t c = sh_continuation(s, i, f->end);
        if (c)
            i += c;
        else if (sh_is_blank(s[i]))
            i++;
        else
            break;
    }
    return i;
}

/* Past the ')' matching the '(' at s[i], honouring quotes and escapes;
 * iterative, for text that is not split (over the nesting limit, `for ((`,
 * $(( )), arrays). */
static size_t sh_skip_parens(const char *s, size_t i, size_t end)
{
    size_t depth = 0;
    while (i < end) {
        char c = s[i];
        if (c == '\\') {
            i += 2;
        } else if (c == '\'') {
            i++;
            while (i < end && s[i] != '\'')
                i++;
            i++;
        } else if (c == '"') {
            i++;
            while (i < end && s[i] != '"')
                i += s[i] == '\\' ? 2 : 1;
            i++;
        } else {
            i++;
            if (c == '(')
                depth++;
            else if (c == ')' && depth > 0 && --depth == 0)
                break;
        }
    }
    return i < end ? i : end;
}

/* Outer position of local position i (i < n). */
static size_t sh_map(const sh_text *t, size_t i)
{
    return t->map ? t->map[i] : t->base + i;
}

/* ---- reading a word ---- */

static void sh_put(sh_frame *f, char c, size_t at)
{
    ed_buf_addc(&f->text, c);
    ed_buf_add(&f->pos, (const char *)&at, sizeof at);
}

/* Copies s[a..b) as written (a substitution kept literally). */
static void sh_put_raw(sh_frame *f, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        sh_put(f, f->t->s[i], i);
}

/* A quote, escape or expansion starts: what came before is a literal prefix
 * (used to tell NAME=value assignments). */
static void sh_mark_special(sh_frame *f)
{
    if (f->lit_prefix == (size_t)-1)
        f->lit_prefix = f->text.len;
}

/* Splits the substitution starting at s[i] (after `$(` or `<(`) in a new
 * frame; returns the index after its ')'. */
static size_t sh_subst(sh_frame *f, size_t i)
{
    sh_out *out = f->t->out;
    if (out->nest >= SH_MAX_NEST)
        return sh_skip_parens(f->t->s, i - 1, f->end);
    out->nest++;
    sh_frame g = {.t = f->t, .end = f->end, .depth = f->depth + f->parens + 1, .subst = true};
    i = sh_run_frame(&g, i);
    out->nest--;
    return i;
}

/* `...` at s[i]: its text is split as a script; returns the index after it. */
static size_t sh_backtick(sh_frame *f, size_t i)
{
    const char *s = f->t->s;
    size_t j = i + 1;
    while (j < f->end && s[j] != '`')
        j += s[j] == '\\' ? 2 : 1;
    size_t close = j < f->end ? j : f->end;
    sh_out *out = f->t->out;
    if (out->nest < SH_MAX_NEST) {
        out->nest++;
        sh_frame g = {.t = f->t, .end = close, .depth = f->depth + f->parens + 1};
        sh_run_frame(&g, i + 1);
        out->nest--;
    }
    size_t after = close < f->end ? close + 1 : f->end;
    sh_put_raw(f, i, after);
    f->expn = true;
    return after;
}

/* ${...} at s[i]: kept as written; $( ) inside is split. */
static size_t sh_braced(sh_frame *f, size_t i)
{
    const char *s = f->t->s;
    size_t j = i + 2, depth = 1;
    while (j < f->end && depth > 0) {
        char c = s[j];
        if (c == '\\') {
            j += 2;
        } else if (c == '\'' || c == '"') {
            j++;
            while (j < f->end && s[j] != c)
                j += (c == '"' && s[j] == '\\') ? 2 : 1;
            j++;
        } else if (c == '$' && j + 1 < f->end && s[j + 1] == '{') {
            depth++;
            j += 2;
        } else if (c == '$' && j + 1 < f->end && s[j + 1] == '(') {
            j = sh_subst(f, j + 2);
        } else if (c == '`') {
            size_t k = j + 1;
            while (k < f->end && s[k] != '`')
                k += s[k] == '\\' ? 2 : 1;
            j = k + 1;
        } else {
            if (c == '}')
                depth--;
            j++;
        }
    }
    if (j > f->end)
        j = f->end;
    sh_put_raw(f, i, j);
    return j;
}

/* A '$' at s[i] (unquoted or in double quotes). */
static size_t sh_dollar(sh_frame *f, size_t i)
{
    const char *s = f->t->s;
    char d = i + 1 < f->end ? s[i + 1] : '\0';
    size_t j;
    if (d == '(' && i + 2 < f->end && s[i + 2] == '(') {
        j = sh_skip_parens(s, i + 1, f->end); /* $(( arithmetic )) */
    } else if (d == '(') {
        j = sh_subst(f, i + 2);
    } else if (d == '{') {
        sh_mark_special(f);
        f->expn = true;
        return sh_braced(f, i);
    } else if (sh_is_name_start(d)) {
        j = i + 1;
        while (j < f->end && sh_is_name_char(s[j]))
            j++;
    } else if (d != '\0' && strchr("0123456789@*#?-$!", d)) {
        j = i + 2;
    } else {
        sh_put(f, '$', i); /* a lone '$' is literal */
        return i + 1;
    }
    sh_mark_special(f);
    f->expn = true;
    sh_put_raw(f, i, j);
    return j;
}

/* Double-quoted text after the opening quote at s[i-1]. */
static size_t sh_dquote(sh_frame *f, size_t i)
{
    const char *s = f->t->s;
    while (i < f->end && s[i] != '"') {
        char c = s[i];
        if (c == '\\' && i + 1 < f->end) {
            char d = s[i + 1];
            size_t cont = sh_continuation(s, i, f->end);
            if (cont) {
                i += cont;
            } else if (d == '$' || d == '`' || d == '"' || d == '\\') {
                sh_put(f, d, i + 1);
                i += 2;
            } else {
                sh_put(f, '\\', i);
                i++;
            }
        } else if (c == '$') {
            i = sh_dollar(f, i);
        } else if (c == '`') {
            i = sh_backtick(f, i);
        } else {
            sh_put(f, c, i);
            i++;
        }
    }
    return i < f->end ? i + 1 : f->end;
}

static int sh_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* $'...' (ANSI-C quoting) after the opening quote at s[i-1]. Escapes
 * become their byte, positioned at the escape's last character. */
static size_t sh_ansi_quote(sh_frame *f, size_t i)
{
    static const char from[] = "abefnrtv\\'\"?";
    static const char to[] = "\a\b\x1b\f\n\r\t\v\\'\"?";
    const char *s = f->t->s;
    while (i < f->end && s[i] != '\'') {
        if (s[i] != '\\' || i + 1 >= f->end) {
            sh_put(f, s[i], i);
            i++;
            continue;
        }
        char d = s[i + 1];
        const char *hit = d ? strchr(from, d) : NULL;
        if (hit) {
            sh_put(f, to[hit - from], i + 1);
            i += 2;
        } else if (d == 'x' && i + 2 < f->end && sh_hex(s[i + 2]) >= 0) {
            int v = sh_hex(s[i + 2]);
            size_t j = i + 3;
            if (j < f->end && sh_hex(s[j]) >= 0)
                v = v * 16 + sh_hex(s[j++]);
            if (v)
                sh_put(f, (char)v, j - 1);
            i = j;
        } else if (d >= '0' && d <= '7') {
            int v = 0;
            size_t j = i + 1;
            while (j < f->end && j < i + 4 && s[j] >= '0' && s[j] <= '7')
                v = v * 8 + (s[j++] - '0');
            if (v & 0xFF)
                sh_put(f, (char)(v & 0xFF), j - 1);
            i = j;
        } else {
            sh_put(f, '\\', i); /* unknown escapes stay */
            sh_put(f, d, i + 1);
            i += 2;
        }
    }
    return i < f->end ? i + 1 : f->end;
}

/* Does the text read so far end a NAME= / NAME+= prefix (an array value
 * `NAME=(...)` follows)? */
static bool sh_at_assign_value(const sh_frame *f)
{
    const char *t = f->text.data;
    size_t n = f->text.len;
    if (n < 2 || t[n - 1] != '=' || f->lit_prefix != (size_t)-1 || !sh_is_name_start(t[0]))
        return false;
    size_t k = 1;
    while (k < n - 1 && sh_is_name_char(t[k]))
        k++;
    return k == n - 1 || (k == n - 2 && t[k] == '+');
}

/* Outer position of the k-th byte of the word being read. */
static size_t sh_local_pos(const sh_frame *f, const sh_text *t, size_t k)
{
    size_t local;
    memcpy(&local, f->pos.data + k * sizeof local, sizeof local);
    return sh_map(t, local);
}

/* Turns the scratch buffers into a word with outer positions. */
static void sh_make_word(sh_frame *f, size_t ls, size_t le, sh_word *out)
{
    const sh_text *t = f->t;
    ed_arena *arena = t->out->arena;
    size_t len = f->text.len;
    memset(out, 0, sizeof *out);
    out->text = ed_arena_strndup(arena, len ? f->text.data : "", len);
    out->len = strnlen(out->text, len); /* $'\0...' can not put a NUL, but be sure */
    out->quoted = f->quoted;
    out->has_expansion = f->expn;
    if (t->inexact) {
        out->start = t->in_start;
        out->end = t->in_end;
        return;
    }
    out->start = sh_map(t, ls);
    out->end = sh_map(t, le - 1) + 1;
    out->exact = true;
    /* Most words read as written: their positions are start, start+1, ...
     * and need no map (sh_word_pos). */
    size_t k = 0;
    while (k < len && sh_local_pos(f, t, k) == out->start + k)
        k++;
    if (k == len)
        return;
    size_t *pos = ed_arena_calloc(arena, len, sizeof *pos);
    for (k = 0; k < len; k++)
        pos[k] = sh_local_pos(f, t, k);
    out->pos = pos;
}

/* Is the word NAME=value, with NAME and '=' unquoted? */
static bool sh_is_assign(const sh_frame *f)
{
    const char *t = f->text.data;
    size_t n = f->text.len;
    if (!n || !sh_is_name_start(t[0]))
        return false;
    size_t k = 1;
    while (k < n && sh_is_name_char(t[k]))
        k++;
    if (k < n && t[k] == '+')
        k++;
    return k < n && t[k] == '=' && k < f->lit_prefix;
}

/* Reads the word at s[i] (not a word-ending character). */
static size_t sh_read_word(sh_frame *f, size_t i, sh_word *out, bool *assign)
{
    const char *s = f->t->s;
    size_t start = i;
    ed_buf_reset(&f->text);
    ed_buf_reset(&f->pos);
    f->lit_prefix = (size_t)-1;
    f->quoted = f->expn = false;
    while (i < f->end) {
        char c = s[i];
        if (c == '(' && sh_at_assign_value(f)) { /* bash array: a=(x y) */
            size_t j = sh_skip_parens(s, i, f->end);
            sh_put_raw(f, i, j);
            i = j;
            continue;
        }
        if (sh_is_word_end(c))
            break;
        if (c == '\\') {
            size_t cont = sh_continuation(s, i, f->end);
            if (cont) {
                i += cont;
            } else if (i + 1 < f->end) {
                sh_mark_special(f);
                f->quoted = true;
                sh_put(f, s[i + 1], i + 1);
                i += 2;
            } else {
                sh_put(f, '\\', i); /* a backslash at the very end is literal */
                i++;
            }
        } else if (c == '\'') {
            sh_mark_special(f);
            f->quoted = true;
            size_t j = i + 1;
            for (; j < f->end && s[j] != '\''; j++)
                sh_put(f, s[j], j);
            i = j < f->end ? j + 1 : f->end;
        } else if (c == '"') {
            sh_mark_special(f);
            f->quoted = true;
            i = sh_dquote(f, i + 1);
        } else if (c == '$' && i + 1 < f->end && s[i + 1] == '\'') {
            sh_mark_special(f);
            f->quoted = true;
            i = sh_ansi_quote(f, i + 2);
        } else if (c == '$' && i + 1 < f->end && s[i + 1] == '"') {
            sh_mark_special(f);
            f->quoted = true;
            i = sh_dquote(f, i + 2);
        } else if (c == '$') {
            i = sh_dollar(f, i);
        } else if (c == '`') {
            sh_mark_special(f);
            i = sh_backtick(f, i);
        } else {
            sh_put(f, c, i);
            i++;
        }
    }
    *assign = sh_is_assign(f);
    sh_make_word(f, start, i, out);
    return i;
}

/* ---- commands ---- */

static void sh_reset_command(sh_frame *f)
{
    if (f->nwords || f->nassigns) /* drop its words from the scratch */
        f->t->out->words.len = f->base * sizeof(sh_word);
    f->nwords = f->nassigns = 0;
    f->dbracket = false;
}

/* Arena copy of n words (NULL when none). */
static sh_word *sh_copy_words(ed_arena *arena, const sh_word *words, size_t n)
{
    if (n == 0)
        return NULL;
    sh_word *copy = ed_arena_calloc(arena, n, sizeof *copy);
    memcpy(copy, words, n * sizeof *copy);
    return copy;
}

/* The command read so far is complete: unwrap it and list it (then its
 * payload, if it is a shell running a -c script). */
static void sh_finish(sh_frame *f)
{
    if (f->nwords == 0 && f->nassigns == 0) {
        sh_reset_command(f);
        return;
    }
    sh_out *out = f->t->out;
    const sh_word *top = (const sh_word *)(const void *)out->words.data + f->base;
    sh_command cmd = {0};
    cmd.assigns = sh_copy_words(out->arena, top, f->nassigns);
    cmd.nassigns = f->nassigns;
    cmd.words = sh_copy_words(out->arena, top + f->nassigns, f->nwords);
    cmd.nwords = f->nwords;
    cmd.depth = f->depth + f->parens;
    cmd.start = f->cmd_start;
    cmd.end = f->cmd_end;
    sh_reset_command(f);
    sh_unwrap(out->arena, &cmd);
    ed_buf_add(&out->cmds, (const char *)&cmd, sizeof cmd);
    const sh_word *payload = sh_shell_payload(&cmd);
    if (payload)
        sh_parse_payload(out, payload, cmd.depth + 1);
}

static bool sh_word_is(const sh_word *w, const char *s)
{
    return !w->quoted && !w->has_expansion && strcmp(w->text, s) == 0;
}

/* Words that only separate commands when they stand where a command
 * starts (`if`, `then`, `{`, `done`, ...). */
static bool sh_is_separator_word(const sh_word *w)
{
    static const char *const words[] = {"if",   "then", "elif", "else", "fi", "do", "done",
                                        "while", "until", "!",   "{",    "}"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (sh_word_is(w, words[k]))
            return true;
    return false;
}

static void sh_add_word(sh_frame *f, const sh_word *w, bool assign)
{
    ed_buf *words = &f->t->out->words;
    if (f->nwords == 0 && f->nassigns == 0) {
        f->cmd_start = w->start;
        f->base = words->len / sizeof *w;
    }
    f->cmd_end = w->end;
    /* assignments come first: once a word is read, NAME=value is a word */
    ed_buf_add(words, (const char *)w, sizeof *w);
    if (f->nwords == 0 && assign)
        f->nassigns++;
    else
        f->nwords++;
}

/* A word has been read: what it means depends on the mode. */
static void sh_take_word(sh_frame *f, const sh_word *w, bool assign)
{
    switch (f->mode) {
    case SH_MODE_PATTERN:
        if (sh_word_is(w, "esac")) {
            if (f->ncase)
                f->ncase--;
            f->mode = SH_MODE_CMD;
        }
        return;
    case SH_MODE_CASE_HEAD:
        if (sh_word_is(w, "in"))
            f->mode = SH_MODE_PATTERN;
        return;
    case SH_MODE_FOR_HEAD:
        if (sh_word_is(w, "do"))
            f->mode = SH_MODE_CMD;
        return;
    case SH_MODE_FUNC_NAME:
        f->mode = SH_MODE_CMD;
        return;
    case SH_MODE_CMD:
        break;
    }
    if (f->nwords == 0 && f->nassigns == 0) {
        if (sh_is_separator_word(w))
            return;
        if (sh_word_is(w, "esac")) {
            if (f->ncase)
                f->ncase--;
            return;
        }
        if (sh_word_is(w, "case")) {
            f->ncase++;
            f->mode = SH_MODE_CASE_HEAD;
            return;
        }
        if (sh_word_is(w, "for") || sh_word_is(w, "select")) {
            f->mode = SH_MODE_FOR_HEAD;
            return;
        }
        if (sh_word_is(w, "function")) {
            f->mode = SH_MODE_FUNC_NAME;
            return;
        }
        if (sh_word_is(w, "[["))
            f->dbracket = true;
    } else if (f->dbracket && sh_word_is(w, "]]")) {
        f->dbracket = false;
    }
    sh_add_word(f, w, assign);
}

/* ---- redirections and heredocs ---- */

/* A redirection operator at s[i] ('<', '>' or "&>"); its target word is
 * read (substitutions in it are split) and dropped. */
static size_t sh_redirect(sh_frame *f, size_t i)
{
    const char *s = f->t->s;
    size_t end = f->end;
    bool heredoc = false, strip = false;
    if (s[i] == '&') {
        i += 2; /* &> */
        if (i < end && s[i] == '>')
            i++;
    } else if (s[i] == '<') {
        i++;
        if (i + 1 < end && s[i] == '<' && s[i + 1] == '<') {
            i += 2; /* <<< here-string */
        } else if (i < end && s[i] == '<') {
            heredoc = true;
            i++;
            if (i < end && s[i] == '-') {
                strip = true;
                i++;
            }
        } else if (i < end && (s[i] == '>' || s[i] == '&')) {
            i++;
        }
    } else {
        i++;
        if (i < end && (s[i] == '>' || s[i] == '&' || s[i] == '|'))
            i++;
    }
    i = sh_skip_blanks(f, i);
    if (i + 1 < end && (s[i] == '<' || s[i] == '>') && s[i + 1] == '(')
        return sh_subst(f, i + 2); /* > >(tee log): the target is a process substitution */
    if (i >= end || sh_is_word_end(s[i]))
        return i; /* no target: tolerated */
    sh_word w;
    bool assign;
    i = sh_read_word(f, i, &w, &assign);
    if (heredoc && f->nheredocs < SH_MAX_HEREDOC) {
        sh_heredoc *h = &f->heredocs[f->nheredocs++];
        h->delim = w.text;
        h->len = w.len;
        h->strip_tabs = strip;
    }
    return i;
}

/* Skips the bodies of the heredocs started on the line that just ended;
 * s[i] is the first character of the next line. */
static size_t sh_heredoc_bodies(sh_frame *f, size_t i)
{
    const char *s = f->t->s;
    for (size_t h = 0; h < f->nheredocs && i < f->end; h++) {
        const sh_heredoc *doc = &f->heredocs[h];
        while (i < f->end) {
            const char *nl = memchr(s + i, '\n', f->end - i);
            size_t eol = nl ? (size_t)(nl - s) : f->end;
            size_t a = i, b = eol;
            if (doc->strip_tabs)
                while (a < b && s[a] == '\t')
                    a++;
            if (b > a && s[b - 1] == '\r')
                b--;
            i = nl ? eol + 1 : f->end;
            if (b - a == doc->len && memcmp(s + a, doc->delim, doc->len) == 0)
                break;
        }
    }
    f->nheredocs = 0;
    return i;
}

/* ---- the main loop ---- */

/* An operator inside [[ ]] (&&, ||, (, ), <, >) becomes a word. */
static size_t sh_dbracket_op(sh_frame *f, size_t i)
{
    const char *s = f->t->s;
    size_t len = (s[i] == '&' || s[i] == '|') && i + 1 < f->end && s[i + 1] == s[i] ? 2 : 1;
    ed_buf_reset(&f->text);
    ed_buf_reset(&f->pos);
    f->quoted = f->expn = false;
    sh_put_raw(f, i, i + len);
    sh_word w;
    sh_make_word(f, i, i + len, &w);
    sh_add_word(f, &w, false);
    return i + len;
}

/* Splits s[i..f->end) into commands. In a substitution frame, stops after
 * the unmatched ')' and returns the index after it. */
static size_t sh_run(sh_frame *f, size_t i)
{
    const char *s = f->t->s;
    size_t end = f->end;
    for (;;) {
        i = sh_skip_blanks(f, i);
        if (i >= end)
            break;
        char c = s[i];
        char d = i + 1 < end ? s[i + 1] : '\0';
        if (c == '#') { /* a comment runs to the end of the line */
            const char *nl = memchr(s + i, '\n', end - i);
            i = nl ? (size_t)(nl - s) : end;
        } else if (c == '\n') {
            sh_finish(f);
            if (f->mode == SH_MODE_FOR_HEAD)
                f->mode = SH_MODE_CMD;
            i = sh_heredoc_bodies(f, i + 1);
        } else if (f->dbracket && strchr("&|()<>", c)) {
            i = sh_dbracket_op(f, i);
        } else if (c == ';') {
            bool case_end = d == ';' || d == '&'; /* ;; ;& ;;& */
            i += case_end ? 2 : 1;
            if (case_end && i < end && s[i] == '&')
                i++;
            sh_finish(f);
            if (case_end && f->ncase)
                f->mode = SH_MODE_PATTERN;
            else if (f->mode == SH_MODE_FOR_HEAD)
                f->mode = SH_MODE_CMD;
        } else if (c == '&' && d == '>') {
            i = sh_redirect(f, i);
        } else if (c == '&' || c == '|') {
            i += (d == c || (c == '|' && d == '&')) ? 2 : 1;
            if (f->mode != SH_MODE_PATTERN) /* `a|b)` separates patterns */
                sh_finish(f);
        } else if (c == '(') {
            size_t k = sh_skip_blanks(f, i + 1);
            if (k < end && s[k] == ')') { /* name () { ...; }: a definition */
                if (f->nwords == 1 && f->nassigns == 0)
                    sh_reset_command(f);
                i = k + 1;
            } else if (f->mode == SH_MODE_FOR_HEAD) { /* for (( ...; ...; ... )) */
                i = sh_skip_parens(s, i, end);
            } else if (f->mode == SH_MODE_PATTERN) { /* (pattern) */
                i++;
            } else {
                sh_finish(f);
                f->parens++;
                i++;
            }
        } else if (c == ')') {
            i++;
            if (f->mode == SH_MODE_PATTERN) {
                f->mode = SH_MODE_CMD;
                continue;
            }
            sh_finish(f);
            if (f->parens)
                f->parens--;
            else if (f->subst)
                return i;
            /* else unbalanced: ignored */
        } else if ((c == '<' || c == '>') && d == '(') { /* <(cmd) is a word */
            sh_word w;
            size_t start = i;
            i = sh_subst(f, i + 2);
            ed_buf_reset(&f->text);
            ed_buf_reset(&f->pos);
            f->quoted = false;
            f->expn = true;
            sh_put_raw(f, start, i);
            sh_make_word(f, start, i, &w);
            sh_take_word(f, &w, false);
        } else if (c == '<' || c == '>') {
            i = sh_redirect(f, i);
        } else {
            size_t k = i;
            while (k < end && sh_is_digit(s[k]))
                k++;
            if (k > i && k < end && (s[k] == '<' || s[k] == '>')) { /* 2>&1 */
                i = sh_redirect(f, k);
                continue;
            }
            sh_word w;
            bool assign;
            i = sh_read_word(f, i, &w, &assign);
            sh_take_word(f, &w, assign);
        }
    }
    sh_finish(f);
    return end;
}

/* Runs a frame from s[i] and frees its scratch; returns where it stopped. */
static size_t sh_run_frame(sh_frame *f, size_t i)
{
    i = sh_run(f, i);
    ed_buf_free(&f->text);
    ed_buf_free(&f->pos);
    return i;
}

static void sh_parse_payload(sh_out *out, const sh_word *payload, unsigned depth)
{
    if (out->nest >= SH_MAX_NEST || payload->len > out->payload_budget)
        return;
    out->payload_budget -= payload->len;
    out->nest++;
    sh_text t = {.out = out, .s = payload->text, .n = payload->len, .map = payload->pos};
    t.base = payload->start;
    t.inexact = !payload->exact;
    t.in_start = payload->start;
    t.in_end = payload->end;
    sh_frame f = {.t = &t, .end = t.n, .depth = depth};
    sh_run_frame(&f, 0);
    out->nest--;
}

static size_t sh_payload_budget(size_t len)
{
    return len > (SIZE_MAX - SH_PAYLOAD_SLACK) / SH_PAYLOAD_FACTOR
               ? SIZE_MAX
               : len * SH_PAYLOAD_FACTOR + SH_PAYLOAD_SLACK;
}

/* The script from the commands listed; frees the scratch. */
static sh_script *sh_result(sh_out *out)
{
    sh_script *script = ed_arena_calloc(out->arena, 1, sizeof *script);
    script->cmds = ed_buf_copy(&out->cmds, out->arena);
    script->ncmds = out->cmds.len / sizeof *script->cmds;
    ed_buf_free(&out->cmds);
    ed_buf_free(&out->words);
    return script;
}

sh_script *sh_parse(ed_arena *arena, const char *text, size_t len)
{
    sh_out out = {.arena = arena, .payload_budget = sh_payload_budget(text ? len : 0)};
    sh_text t = {.out = &out, .s = text ? text : "", .n = text ? len : 0};
    sh_frame f = {.t = &t, .end = t.n};
    sh_run_frame(&f, 0);
    return sh_result(&out);
}

sh_script *sh_from_argv(ed_arena *arena, const char *const *argv, const size_t *starts,
                        const size_t *ends, size_t n)
{
    sh_out out = {.arena = arena};
    if (n == 0 || !argv)
        return sh_result(&out);
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += argv[k] ? strlen(argv[k]) : 0;
    out.payload_budget = sh_payload_budget(total);
    sh_command cmd = {0};
    cmd.words = ed_arena_calloc(arena, n, sizeof *cmd.words);
    cmd.nwords = n;
    for (size_t k = 0; k < n; k++) {
        sh_word *w = &cmd.words[k];
        const char *a = argv[k] ? argv[k] : "";
        w->len = strlen(a);
        w->text = ed_arena_strndup(arena, a, w->len);
        w->start = starts ? starts[k] : 0;
        w->end = ends ? ends[k] : 0;
        w->quoted = true;
        size_t span = w->end >= w->start ? w->end - w->start : 0;
        size_t first = span == w->len + 2 ? w->start + 1 : span == w->len ? w->start : (size_t)-1;
        if (first != (size_t)-1 && starts && ends) {
            w->exact = true;
            if (first != w->start) { /* the quoted JSON string: the text starts after '"' */
                size_t *pos = ed_arena_calloc(arena, w->len ? w->len : 1, sizeof *pos);
                for (size_t j = 0; j < w->len; j++)
                    pos[j] = first + j;
                w->pos = pos;
            }
        }
    }
    cmd.start = cmd.words[0].start;
    cmd.end = cmd.words[n - 1].end;
    sh_unwrap(arena, &cmd);
    ed_buf_add(&out.cmds, (const char *)&cmd, sizeof cmd);
    const sh_word *payload = sh_shell_payload(&cmd);
    if (payload)
        sh_parse_payload(&out, payload, 1);
    return sh_result(&out);
}
