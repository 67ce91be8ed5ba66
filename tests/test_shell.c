/* Shell-command model: splitting, quoting, positions, payloads, heredocs,
 * wrappers, robustness. Splitting cases are table rows (one named test
 * each); the rest are explicit tests. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "envdoctor/arena.h"
#include "envdoctor/buf.h"
#include "envdoctor/shell.h"

/* The commands of a script as text: one line per command,
 * "DEPTH:ASSIGNS:WORDS" with assignments joined by ',' and words by '|'. */
static char *describe(ed_arena *arena, const sh_script *s)
{
    ed_buf b = ED_BUF_INIT;
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_command *c = &s->cmds[i];
        if (i)
            ed_buf_addc(&b, '\n');
        ed_buf_printf(&b, "%u:", c->depth);
        for (size_t j = 0; j < c->nassigns; j++)
            ed_buf_printf(&b, "%s%s", j ? "," : "", c->assigns[j].text);
        ed_buf_addc(&b, ':');
        for (size_t j = 0; j < c->nwords; j++)
            ed_buf_printf(&b, "%s%s", j ? "|" : "", c->words[j].text);
    }
    char *out = ed_buf_to_arena(&b, arena);
    ed_buf_free(&b);
    return out;
}

/* Every word's range and position map lies inside the text and agrees with
 * itself (used on all inputs, also broken ones). */
static void check_ranges(const sh_script *s, size_t len)
{
    for (size_t i = 0; i < s->ncmds; i++) {
        const sh_command *c = &s->cmds[i];
        assert_true(c->start <= c->end);
        assert_true(c->end <= len);
        for (size_t j = 0; j < c->nwords + c->nassigns; j++) {
            const sh_word *w = j < c->nwords ? &c->words[j] : &c->assigns[j - c->nwords];
            assert_true(w->start <= w->end);
            assert_true(w->end <= len);
            assert_int_equal(strlen(w->text), w->len);
            assert_true(w->exact || !w->pos);
            for (size_t k = 0; w->exact && k < w->len; k++) {
                assert_true(sh_word_pos(w, k) >= w->start);
                assert_true(sh_word_pos(w, k) < w->end);
            }
        }
    }
}

typedef struct split_case {
    const char *label;
    const char *script;
    const char *expected;
} split_case;

static const split_case split_cases[] = {
    {"and-or lists", "a && b || c", "0::a\n0::b\n0::c"},
    {"semicolons and newlines", "a; b\nc\n\n;d", "0::a\n0::b\n0::c\n0::d"},
    {"pipes", "a | b |& c", "0::a\n0::b\n0::c"},
    {"background", "a & b &", "0::a\n0::b"},
    {"subshell", "(cd x && make) && echo", "1::cd|x\n1::make\n0::echo"},
    {"nested subshells", "((a); b) ; c", "2::a\n1::b\n0::c"},
    {"brace group", "{ a; b; } && c", "0::a\n0::b\n0::c"},
    {"if elif else", "if a; then b; elif c; then d; else e; fi; f",
     "0::a\n0::b\n0::c\n0::d\n0::e\n0::f"},
    {"for loop header is not a command", "for i in 1 2 3; do pip install $i; done",
     "0::pip|install|$i"},
    {"for without in", "for x do echo $x; done", "0::echo|$x"},
    {"arithmetic for", "for ((i=0; i<3; i++)); do a; done", "0::a"},
    {"while and until", "while read l; do b; done < f\nuntil c; do d; done",
     "0::read|l\n0::b\n0::c\n0::d"},
    {"case patterns are not commands", "case \"$x\" in a|b) pip install c;; (*) echo d;; esac; e",
     "0::pip|install|c\n0::echo|d\n0::e"},
    {"case in a substitution", "x=$(case $y in a) echo a;; esac) f",
     "1::echo|a\n0:x=$(case $y in a) echo a;; esac):f"},
    {"case ;& and last item without ;;", "case x in a) b ;& c) d\nesac", "0::b\n0::d"},
    {"function definitions are not commands", "f() { pip install g; }\nfunction h { i; }\nj ()\n{ k; }",
     "0::pip|install|g\n0::i\n0::k"},
    {"[[ ]] keeps its operators", "[[ -f x && ( -d y || z < w ) ]] && echo ok",
     "0::[[|-f|x|&&|(|-d|y||||z|<|w|)|]]\n0::echo|ok"},
    {"$( ) commands come first", "pip install $(cat reqs | grep torch) x",
     "1::cat|reqs\n1::grep|torch\n0::pip|install|$(cat reqs | grep torch)|x"},
    {"backticks", "echo `uname -r` done", "1::uname|-r\n0::echo|`uname -r`|done"},
    {"nested substitutions", "a $(b $(c) `d`)", "2::c\n2::d\n1::b|$(c)|`d`\n0::a|$(b $(c) `d`)"},
    {"process substitution", "diff <(ls a) >(tee b)", "1::ls|a\n1::tee|b\n0::diff|<(ls a)|>(tee b)"},
    {"substitution inside ${ }", "echo ${a:-$(id -u)}", "1::id|-u\n0::echo|${a:-$(id -u)}"},
    {"arithmetic expansion is not a command", "echo $((1 + (2*3))) x", "0::echo|$((1 + (2*3)))|x"},
    {"sh -c payload", "sh -c 'pip install torch && echo ok'",
     "0::sh|-c|pip install torch && echo ok\n1::pip|install|torch\n1::echo|ok"},
    {"bash -lc payload", "bash -lc \"conda install -y x\"", "0::bash|-lc|conda install -y x\n1::conda|install|-y|x"},
    {"bash -euxo pipefail -c", "bash -euxo pipefail -c 'a | b'",
     "0::bash|-euxo|pipefail|-c|a | b\n1::a\n1::b"},
    {"bash script is not a payload", "bash install.sh -c x", "0::bash|install.sh|-c|x"},
    {"su -c payload", "su -c 'pip install x' user", "0::su|-c|pip install x|user\n1::pip|install|x"},
    {"busybox sh -c", "busybox sh -c 'apk add y'", "0::busybox|sh|-c|apk add y\n1::apk|add|y"},
    {"payload inside a subshell", "(sudo bash -c 'a && (b)')",
     "1::bash|-c|a && (b)\n2::a\n3::b"},
    {"single quotes are literal", "echo '$(not) && x; y'", "0::echo|$(not) && x; y"},
    {"double quotes", "echo \"a && b\" \"c\\\"d\\$e\\x\"", "0::echo|a && b|c\"d$e\\x"},
    {"escapes", "echo a\\&\\&b \\# c", "0::echo|a&&b|#|c"},
    {"ANSI-C quoting", "printf $'a\\tb\\x41\\101\\'' $\"x\"", "0::printf|a\tbAA'|x"},
    {"comments", "# only a comment\na # trailing\nb#not-a-comment", "0::a\n0::b#not-a-comment"},
    {"line continuations", "pip install \\\n    torch \\\n\ttorchvision", "0::pip|install|torch|torchvision"},
    {"continuation inside a word", "pip ins\\\ntall x", "0::pip|install|x"},
    {"heredoc body is skipped", "cat <<EOF > /etc/x\npip install nope\nEOF\necho after",
     "0::cat\n0::echo|after"},
    {"heredoc <<- with a quoted delimiter", "cat <<-'END' | sh\n\tpip install nope\n\tEND\nnext",
     "0::cat\n0::sh\n0::next"},
    {"two heredocs on one line", "a <<A; b <<\"B\"\nx\nA\ny\nB\nc", "0::a\n0::b\n0::c"},
    {"heredoc delimiter with CRLF", "cat <<EOF\r\nbody\r\nEOF\r\nd", "0::cat\n0::d"},
    {"unterminated heredoc", "cat <<EOF\npip install x\n", "0::cat"},
    {"heredoc inside a payload", "bash -c 'cat <<X\nnot run\nX\nreal'",
     "0::bash|-c|cat <<X\nnot run\nX\nreal\n1::cat\n1::real"},
    {"redirections are not words", "a >f 2>&1 <in &>x >>y 3<&0 b >|z c<>d 2>/dev/null",
     "0::a|b|c"},
    {"process substitution as a redirection target", "exec > >(tee log) 2>&1; a",
     "1::tee|log\n0::exec\n0::a"},
    {"here-string", "python3 <<< 'import torch' x", "0::python3|x"},
    {"assignments", "A=1 B=\"x y\" C+=2 cmd D=4", "0:A=1,B=x y,C+=2:cmd|D=4"},
    {"assignment-only command", "A=1; B=$(id)", "0:A=1:\n1::id\n0:B=$(id):"},
    {"quoted name is no assignment", "\"A\"=1 cmd", "0::A=1|cmd"},
    {"array assignment", "arr=(a \"b c\") cmd", "0:arr=(a \"b c\"):cmd"},
    {"reserved words only start commands", "echo if then fi do done; if", "0::echo|if|then|fi|do|done"},
    {"negation", "! pip check", "0::pip|check"},
    {"env wrapper", "env -i PATH=/bin MAX_JOBS=4 pip install x", "0:PATH=/bin,MAX_JOBS=4:pip|install|x"},
    {"sudo wrapper", "sudo -u user -E pip install x", "0::pip|install|x"},
    {"stacked wrappers", "nohup nice -n 10 time -p exec timeout -s 9 5m stdbuf -oL pip x",
     "0::pip|x"},
    {"xargs wrapper", "cat r | xargs -n1 -I{} pip install {}", "0::cat|r\n0::pip|install|{}"},
    {"command -v is a query", "command -v pip || command pip x", "0::command|-v|pip\n0::pip|x"},
    {"wrapper without command stays", "env; sudo", "0::env\n0::sudo"},
    {"CRLF line endings", "a\r\nb \\\r\n c\r\n", "0::a\n0::b|c"},
    {"empty and blank input", " \t\n\n", ""},
    {"unbalanced single quote", "echo 'abc && d", "0::echo|abc && d"},
    {"unbalanced double quote", "echo \"abc && d", "0::echo|abc && d"},
    {"unbalanced parentheses", "a ) b ( c", "0::a\n0::b\n1::c"},
    {";; outside case", "a;; b", "0::a\n0::b"},
    {"trailing backslash", "echo a\\", "0::echo|a\\"},
};

#define SPLIT_COUNT (sizeof split_cases / sizeof split_cases[0])

static void test_split(void **state)
{
    const split_case *c = *state;
    ed_arena *arena = ed_arena_new();
    sh_script *s = sh_parse(arena, c->script, strlen(c->script));
    assert_string_equal(describe(arena, s), c->expected);
    check_ranges(s, strlen(c->script));
    ed_arena_free(arena);
}

/* text[start..end) of a word as written */
static void assert_source(const char *text, size_t start, size_t end, const char *expected)
{
    assert_true(start <= end);
    assert_mem_str(text + start, end - start, expected);
}

static void test_word_positions(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "  pip install \"torch==2.5.1\" 'x'y \\z";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_int_equal(s->ncmds, 1);
    const sh_command *c = &s->cmds[0];
    assert_int_equal(c->nwords, 5);
    assert_source(t, c->words[0].start, c->words[0].end, "pip");
    assert_source(t, c->words[2].start, c->words[2].end, "\"torch==2.5.1\"");
    assert_source(t, c->words[3].start, c->words[3].end, "'x'y");
    assert_source(t, c->words[4].start, c->words[4].end, "\\z");
    assert_int_equal(c->start, 2);
    assert_int_equal(c->end, strlen(t));
    /* the map points inside the quotes */
    size_t a, b;
    sh_word_span(&c->words[2], 0, 5, &a, &b);
    assert_source(t, a, b, "torch");
    sh_word_span(&c->words[3], 0, 2, &a, &b);
    assert_source(t, a, b, "x'y");
    sh_word_span(&c->words[4], 0, 1, &a, &b);
    assert_source(t, a, b, "z");
    ed_arena_free(arena);
}

/* A word written as it reads stores no position map (its offsets are
 * start, start+1, ...); one with quotes or escapes inside keeps one. */
static void test_word_position_maps(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "pip install torch==2.5 \"a b\" x\\y && sh -c 'pip install numpy'";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_int_equal(s->ncmds, 3);
    const sh_command *c = &s->cmds[0];
    assert_int_equal(c->nwords, 5);
    const sh_word *plain = &c->words[2], *quoted = &c->words[3], *escaped = &c->words[4];
    assert_true(plain->exact);
    assert_null(plain->pos);
    assert_int_equal(sh_word_pos(plain, 5), plain->start + 5);
    size_t a, b;
    sh_word_span(plain, 0, 5, &a, &b);
    assert_source(t, a, b, "torch");
    sh_word_span(plain, 7, 7, &a, &b); /* empty range at text[7] */
    assert_int_equal(a, plain->start + 7);
    assert_int_equal(b, a);
    assert_true(quoted->exact);
    assert_non_null(quoted->pos);
    sh_word_span(quoted, 0, 3, &a, &b);
    assert_source(t, a, b, "a b");
    assert_non_null(escaped->pos);
    assert_source(t, sh_word_pos(escaped, 1), sh_word_pos(escaped, 1) + 1, "y");
    /* a slice of a plain word is plain from its own start */
    const sh_word *version = sh_word_slice(arena, plain, 7, plain->len);
    assert_true(version->exact);
    assert_null(version->pos);
    assert_source(t, version->start, version->end, "2.5");
    /* the payload word has a map (its text starts after the quote); the
     * words inside it are contiguous in the script again */
    assert_non_null(s->cmds[1].words[2].pos);
    const sh_word *numpy = &s->cmds[2].words[2];
    assert_true(numpy->exact);
    assert_null(numpy->pos);
    assert_source(t, numpy->start, numpy->end, "numpy");
    sh_word_span(numpy, 1, 3, &a, &b);
    assert_source(t, a, b, "um");
    ed_arena_free(arena);
}

static void test_word_flags(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "a 'b' \"$c\" '$d' ${e} $(f) `g` h\\i $((1)) j$";
    sh_script *s = sh_parse(arena, t, strlen(t));
    const sh_command *c = &s->cmds[s->ncmds - 1];
    assert_int_equal(c->nwords, 10);
    static const bool quoted[] = {false, true, true, true, false, false, false, true, false, false};
    static const bool expn[] = {false, false, true, false, true, true, true, false, true, false};
    for (size_t k = 0; k < c->nwords; k++) {
        assert_int_equal(c->words[k].quoted, quoted[k]);
        assert_int_equal(c->words[k].has_expansion, expn[k]);
    }
    assert_string_equal(c->words[2].text, "$c");
    assert_string_equal(c->words[3].text, "$d");
    assert_string_equal(c->words[9].text, "j$");
    ed_arena_free(arena);
}

static void test_payload_positions_single_quoted(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "bash -c 'pip install \"torch==2\" -i https://x'";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_int_equal(s->ncmds, 2);
    const sh_command *c = &s->cmds[1];
    assert_int_equal(c->depth, 1);
    assert_source(t, c->words[0].start, c->words[0].end, "pip");
    assert_source(t, c->words[2].start, c->words[2].end, "\"torch==2\"");
    assert_source(t, c->words[4].start, c->words[4].end, "https://x");
    size_t a, b;
    sh_word_span(&c->words[2], 0, 5, &a, &b);
    assert_source(t, a, b, "torch");
    ed_arena_free(arena);
}

static void test_payload_positions_with_escapes(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    /* the payload has escapes: positions still map exactly */
    const char *t = "sh -c \"pip install \\\"torch\\\" \\$X numpy\"";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_int_equal(s->ncmds, 2);
    const sh_command *c = &s->cmds[1];
    assert_int_equal(c->nwords, 5);
    assert_string_equal(c->words[2].text, "torch");
    assert_string_equal(c->words[3].text, "$X");
    assert_true(c->words[3].has_expansion);
    size_t a, b;
    sh_word_span(&c->words[2], 0, 5, &a, &b);
    assert_source(t, a, b, "torch");
    assert_source(t, c->words[4].start, c->words[4].end, "numpy");
    assert_source(t, c->words[0].start, c->words[0].end, "pip");
    ed_arena_free(arena);
}

static void test_nested_payload_positions(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "sh -c \"bash -c 'apt-get install -y nvidia-driver-535'\"";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_int_equal(s->ncmds, 3);
    const sh_command *c = &s->cmds[2];
    assert_int_equal(c->depth, 2);
    assert_source(t, c->words[3].start, c->words[3].end, "nvidia-driver-535");
    ed_arena_free(arena);
}

static void test_substitution_positions(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "x=$(pip download torch) `apt-get install y`";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_int_equal(s->ncmds, 3);
    assert_source(t, s->cmds[0].words[2].start, s->cmds[0].words[2].end, "torch");
    assert_source(t, s->cmds[1].words[2].start, s->cmds[1].words[2].end, "y");
    assert_source(t, s->cmds[2].assigns[0].start, s->cmds[2].assigns[0].end,
                  "x=$(pip download torch)");
    ed_arena_free(arena);
}

static void test_heredoc_keeps_positions(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "cat <<EOF\npip install nope\nEOF\napt-get install -y cuda-toolkit-12-4";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_int_equal(s->ncmds, 2);
    assert_source(t, s->cmds[1].words[3].start, s->cmds[1].words[3].end, "cuda-toolkit-12-4");
    ed_arena_free(arena);
}

static void test_wrappers(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "MAX_JOBS=4 sudo -E env A=1 nice -n 5 pip install flash-attn";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_int_equal(s->ncmds, 1);
    const sh_command *c = &s->cmds[0];
    assert_int_equal(c->wrapped, 7);
    assert_int_equal(c->nassigns, 2);
    assert_string_equal(c->assigns[0].text, "MAX_JOBS=4");
    assert_string_equal(c->assigns[1].text, "A=1");
    assert_source(t, c->assigns[1].start, c->assigns[1].end, "A=1");
    assert_string_equal(sh_program(c), "pip");
    assert_int_equal(c->start, 0);
    assert_int_equal(c->end, strlen(t));
    ed_arena_free(arena);
}

static void test_program(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "/usr/local/bin/pip3.11 install x; A=1";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_string_equal(sh_program(&s->cmds[0]), "pip3.11");
    assert_string_equal(sh_program(&s->cmds[1]), "");
    assert_string_equal(sh_program(NULL), "");
    ed_arena_free(arena);
}

static void test_shell_payload(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "/bin/sh -xc 'a'; bash -o pipefail script.sh; sh; dash -c; zsh --rcfile f -c 'b'";
    sh_script *s = sh_parse(arena, t, strlen(t));
    const sh_word *p = sh_shell_payload(&s->cmds[0]);
    assert_non_null(p);
    assert_string_equal(p->text, "a");
    assert_null(sh_shell_payload(&s->cmds[2]));  /* bash -o pipefail script.sh */
    assert_null(sh_shell_payload(&s->cmds[3]));  /* sh */
    assert_null(sh_shell_payload(&s->cmds[4]));  /* dash -c (no script) */
    p = sh_shell_payload(&s->cmds[5]);
    assert_non_null(p);
    assert_string_equal(p->text, "b");
    ed_arena_free(arena);
}

static void test_shell_programs_and_executables(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    static const char *const shells[] = {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"};
    for (size_t i = 0; i < sizeof shells / sizeof *shells; i++)
        assert_true(sh_is_shell_program(shells[i]));
    assert_false(sh_is_shell_program("python3"));
    assert_false(sh_is_shell_program("/bin/sh")); /* a program name, as sh_program gives it */
    const char *t = "./cuda_12.4.1_550.54.15_linux.run --silent --toolkit; sh -x ./install.run --silent; "
                    "bash -c 'make'; sh; bash < script.sh; sudo /opt/setup.sh";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_int_equal(s->ncmds, 7); /* the -c payload's `make` is a command too */
    const sh_word *w = sh_executable(&s->cmds[0]);
    assert_ptr_equal(w, &s->cmds[0].words[0]);
    w = sh_executable(&s->cmds[1]);
    assert_non_null(w);
    assert_string_equal(w->text, "./install.run");
    assert_null(sh_executable(&s->cmds[2])); /* bash -c: its payload runs */
    assert_null(sh_executable(&s->cmds[4])); /* sh alone reads standard input */
    assert_null(sh_executable(&s->cmds[5])); /* so does bash < script.sh */
    w = sh_executable(&s->cmds[6]);
    assert_string_equal(w->text, "/opt/setup.sh"); /* after the sudo wrapper */
    ed_arena_free(arena);
}

static void test_from_argv(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    /* RUN ["pip", "install", "torch"] */
    const char *t = "RUN [\"pip\", \"install\", \"torch\"]";
    const char *argv[] = {"pip", "install", "torch"};
    const size_t starts[] = {5, 12, 23}, ends[] = {10, 21, 30};
    sh_script *s = sh_from_argv(arena, argv, starts, ends, 3);
    assert_int_equal(s->ncmds, 1);
    const sh_command *c = &s->cmds[0];
    assert_int_equal(c->nwords, 3);
    assert_true(c->words[2].quoted);
    assert_source(t, c->words[2].start, c->words[2].end, "\"torch\"");
    size_t a, b;
    sh_word_span(&c->words[2], 0, 5, &a, &b);
    assert_source(t, a, b, "torch");
    /* no positions at all */
    s = sh_from_argv(arena, argv, NULL, NULL, 3);
    assert_int_equal(s->cmds[0].nwords, 3);
    assert_null(s->cmds[0].words[0].pos);
    assert_false(s->cmds[0].words[0].exact);
    s = sh_from_argv(arena, argv, NULL, NULL, 0);
    assert_int_equal(s->ncmds, 0);
    ed_arena_free(arena);
}

static void test_from_argv_payload(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    /* RUN ["sudo", "/bin/bash", "-c", "pip install torch"] */
    const char *t = "[\"sudo\", \"/bin/bash\", \"-c\", \"pip install torch\"]";
    const char *argv[] = {"sudo", "/bin/bash", "-c", "pip install torch"};
    const size_t starts[] = {1, 9, 22, 28}, ends[] = {7, 20, 26, 47};
    sh_script *s = sh_from_argv(arena, argv, starts, ends, 4);
    assert_int_equal(s->ncmds, 2);
    assert_int_equal(s->cmds[0].wrapped, 1);
    assert_string_equal(sh_program(&s->cmds[0]), "bash");
    const sh_command *c = &s->cmds[1];
    assert_int_equal(c->depth, 1);
    assert_string_equal(c->words[2].text, "torch");
    assert_source(t, c->words[2].start, c->words[2].end, "torch");
    /* a string with JSON escapes has no exact map: the whole word is used */
    const char *argv2[] = {"sh", "-c", "echo \"x\""};
    const size_t s2[] = {0, 5, 11}, e2[] = {4, 9, 25};
    s = sh_from_argv(arena, argv2, s2, e2, 3);
    assert_int_equal(s->ncmds, 2);
    assert_null(s->cmds[0].words[2].pos);
    assert_false(s->cmds[0].words[2].exact);
    assert_int_equal(s->cmds[1].words[1].start, 11);
    assert_int_equal(s->cmds[1].words[1].end, 25);
    ed_arena_free(arena);
}

static void test_word_slice(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "pip install \"--index-url=https://x/$V\"";
    sh_script *s = sh_parse(arena, t, strlen(t));
    const sh_word *w = &s->cmds[0].words[2];
    const sh_word *v = sh_word_slice(arena, w, 12, w->len);
    assert_string_equal(v->text, "https://x/$V");
    assert_source(t, v->start, v->end, "https://x/$V");
    assert_true(v->quoted);
    assert_true(v->has_expansion);
    const sh_word *k = sh_word_slice(arena, w, 2, 7);
    assert_string_equal(k->text, "index");
    assert_false(k->has_expansion);
    const sh_word *e = sh_word_slice(arena, w, 5, 5);
    assert_string_equal(e->text, "");
    ed_arena_free(arena);
}

static void test_unwrap_direct(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    sh_word words[4] = {{.text = "env", .len = 3}, {.text = "X=1", .len = 3},
                        {.text = "pip", .len = 3}, {.text = "list", .len = 4}};
    sh_command c = {.words = words, .nwords = 4};
    sh_unwrap(arena, &c);
    assert_int_equal(c.nwords, 2);
    assert_int_equal(c.wrapped, 2);
    assert_int_equal(c.nassigns, 1);
    assert_string_equal(c.words[0].text, "pip");
    ed_arena_free(arena);
}

static void test_deep_parentheses(void **state)
{
    (void)state;
    enum { N = 100000 };
    ed_buf b = ED_BUF_INIT;
    for (int k = 0; k < N; k++)
        ed_buf_addc(&b, '(');
    ed_buf_adds(&b, "pip install x");
    for (int k = 0; k < N; k++)
        ed_buf_addc(&b, ')');
    ed_arena *arena = ed_arena_new();
    sh_script *s = sh_parse(arena, b.data, b.len);
    assert_int_equal(s->ncmds, 1);
    assert_int_equal(s->cmds[0].depth, N);
    assert_string_equal(describe(arena, s), "100000::pip|install|x");
    ed_arena_free(arena);
    ed_buf_free(&b);
}

static void test_deep_substitutions(void **state)
{
    (void)state;
    enum { N = 100000 };
    static const char *const opens[] = {"$(", "\"$(", "${", "`", "<(", "bash -c '", "$(("};
    for (size_t o = 0; o < sizeof opens / sizeof opens[0]; o++) {
        ed_buf b = ED_BUF_INIT;
        for (int k = 0; k < N; k++)
            ed_buf_adds(&b, opens[o]);
        ed_buf_adds(&b, "pip install x");
        for (int k = 0; k < N; k++)
            ed_buf_addc(&b, ')');
        ed_arena *arena = ed_arena_new();
        sh_script *s = sh_parse(arena, b.data, b.len);
        check_ranges(s, b.len);
        ed_arena_free(arena);
        ed_buf_free(&b);
    }
}

static void test_shallow_substitutions_are_split(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *t = "a $(b $(c $(d $(e $(pip install x)))))";
    sh_script *s = sh_parse(arena, t, strlen(t));
    assert_int_equal(s->ncmds, 6);
    assert_int_equal(s->cmds[0].depth, 5);
    assert_string_equal(s->cmds[0].words[2].text, "x");
    assert_source(t, s->cmds[0].words[2].start, s->cmds[0].words[2].end, "x");
    ed_arena_free(arena);
}

/* A script with every construct; each of its prefixes must parse into
 * sane ranges (the quotes and substitutions are left open in most). */
static const char tricky[] =
    "set -eux; export A=1 \\\n"
    "  && if [ -n \"$B\" ]; then sudo -E env X=\"a b\" pip3 install -i https://x \"torch==2.1\"; fi\n"
    "# comment with 'quote\n"
    "case $C in a|b) bash -lc 'apt-get install -y $(cat p | tr \"\\n\" \" \")' ;; *) : ;; esac\n"
    "cat <<-EOF >/tmp/f && echo `date` $'\\x41\\'' ${D:-$(id -u)} $((1+2))\n"
    "\tbody $(not split)\n"
    "\tEOF\n"
    "f() { [[ -f x && -d y ]] || (cd z; make) 2>&1 | tee log; }\n"
    "for i in 1 2; do python -m pip install \"jax[cuda12]\" <(ls) ; done &\n";

static void test_every_prefix(void **state)
{
    (void)state;
    size_t n = sizeof tricky - 1;
    for (size_t len = 0; len <= n; len++) {
        ed_arena *arena = ed_arena_new();
        sh_script *s = sh_parse(arena, tricky, len);
        check_ranges(s, len);
        ed_arena_free(arena);
    }
    ed_arena *arena = ed_arena_new();
    sh_script *s = sh_parse(arena, tricky, n);
    assert_string_equal(describe(arena, s),
                        "0::set|-eux\n"
                        "0::export|A=1\n"
                        "0::[|-n|$B|]\n"
                        "0:X=a b:pip3|install|-i|https://x|torch==2.1\n"
                        "0::bash|-lc|apt-get install -y $(cat p | tr \"\\n\" \" \")\n"
                        "2::cat|p\n"
                        "2::tr|\\n| \n"
                        "1::apt-get|install|-y|$(cat p | tr \"\\n\" \" \")\n"
                        "0:::\n"
                        "0::cat\n"
                        "1::date\n"
                        "1::id|-u\n"
                        "0::echo|`date`|A'|${D:-$(id -u)}|$((1+2))\n"
                        "0::[[|-f|x|&&|-d|y|]]\n"
                        "1::cd|z\n"
                        "1::make\n"
                        "0::tee|log\n"
                        "1::ls\n"
                        "0::python|-m|pip|install|jax[cuda12]|<(ls)");
    ed_arena_free(arena);
}

/* Pseudo-random bytes from the shell's alphabet: never a crash, ranges sane. */
static void test_random_input(void **state)
{
    (void)state;
    static const char alphabet[] = "ab $(){}`'\"\\\n;&|<>#=-\t!*[]";
    unsigned long x = 12345;
    char buf[200];
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(round % 199) + 1;
        for (size_t k = 0; k < len; k++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            buf[k] = alphabet[(x >> 33) % (sizeof alphabet - 1)];
        }
        ed_arena *arena = ed_arena_new();
        sh_script *s = sh_parse(arena, buf, len);
        check_ranges(s, len);
        ed_arena_free(arena);
    }
}

static void test_null_and_nul(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    sh_script *s = sh_parse(arena, NULL, 5);
    assert_int_equal(s->ncmds, 0);
    const char t[] = "pip install a\0b c";
    s = sh_parse(arena, t, sizeof t - 1);
    assert_int_equal(s->ncmds, 1);
    check_ranges(s, sizeof t - 1);
    ed_arena_free(arena);
}

static const struct CMUnitTest other_tests[] = {
    cmocka_unit_test(test_word_positions),
    cmocka_unit_test(test_word_position_maps),
    cmocka_unit_test(test_word_flags),
    cmocka_unit_test(test_payload_positions_single_quoted),
    cmocka_unit_test(test_payload_positions_with_escapes),
    cmocka_unit_test(test_nested_payload_positions),
    cmocka_unit_test(test_substitution_positions),
    cmocka_unit_test(test_heredoc_keeps_positions),
    cmocka_unit_test(test_wrappers),
    cmocka_unit_test(test_program),
    cmocka_unit_test(test_shell_payload),
    cmocka_unit_test(test_shell_programs_and_executables),
    cmocka_unit_test(test_from_argv),
    cmocka_unit_test(test_from_argv_payload),
    cmocka_unit_test(test_word_slice),
    cmocka_unit_test(test_unwrap_direct),
    cmocka_unit_test(test_deep_parentheses),
    cmocka_unit_test(test_deep_substitutions),
    cmocka_unit_test(test_shallow_substitutions_are_split),
    cmocka_unit_test(test_every_prefix),
    cmocka_unit_test(test_random_input),
    cmocka_unit_test(test_null_and_nul),
};

#define OTHER_COUNT (sizeof other_tests / sizeof other_tests[0])

int main(void)
{
    struct CMUnitTest tests[SPLIT_COUNT + OTHER_COUNT];
    for (size_t i = 0; i < SPLIT_COUNT; i++) {
        struct CMUnitTest t = cmocka_unit_test_prestate(test_split, (void *)&split_cases[i]);
        t.name = split_cases[i].label;
        tests[i] = t;
    }
    for (size_t i = 0; i < OTHER_COUNT; i++)
        tests[SPLIT_COUNT + i] = other_tests[i];
    return cmocka_run_group_tests_name("shell model", tests, NULL, NULL);
}
