/* Tests for src/dockerfile/expand.c: BuildKit-exact word expansion.
 * Expected values follow BuildKit's frontend/dockerfile/shell/lex.go. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envdoctor/arena.h"
#include "envdoctor/dfexpand.h"

/* ---- A fixed environment, and a log of the lookups ---- */

static const char *const ENV[][2] = {
    {"PWD", "/home"},
    {"SHELL", "bash"},
    {"EMPTY", ""},
    {"FOO", "xxyy"},
    {"Q", "???y"},
    {"STARS", "a***yy*"},
    {"SPECIAL", "()[]{}^$.*?|\\x"},
    {"BRACKET", "[x]y"},
    {"SLASHES", "/foo*/*/*.txt"},
    {"NEEDLE", "\\*/"},
    {"PATHV", "/tmp/tmp/bar.txt"},
    {"URL", "http://google.de"},
    {"CUDA", "12.1.1"},
    {"SPACE", "abc  def"},
    {"LEADING", "  ab c"},
    {"NL", "a\nb"},
    {"K", "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4"}, /* 한국어 */
    {"BAD", "a\xFF"},
    {"DOLLAR", "$1"},
    {"BS", "a\\"},
};

typedef struct lookup_log {
    char names[16][32];
    size_t offsets[16];
    int n;
} lookup_log;

static const char *env_lookup(void *ctx, const char *name, size_t name_len, size_t offset)
{
    lookup_log *log = ctx;
    if (log && log->n < 16) {
        snprintf(log->names[log->n], sizeof log->names[0], "%.*s", (int)name_len, name);
        log->offsets[log->n++] = offset;
    }
    assert_int_equal(strlen(name), name_len); /* NUL-terminated */
    for (size_t i = 0; i < sizeof ENV / sizeof *ENV; i++) {
        if (strcmp(ENV[i][0], name) == 0)
            return ENV[i][1];
    }
    return NULL;
}

/* ---- df_expand_word: a table of inputs and exact outputs ---- */

typedef struct word_case {
    const char *in;
    char esc;
    const char *want;    /* NULL: an error is expected */
    const char *err;     /* the error message */
    size_t err_off;
} word_case;

#define OK(in, want) {in, '\\', want, NULL, 0}
#define OKB(in, want) {in, '`', want, NULL, 0}
#define ERR(in, msg, off) {in, '\\', NULL, msg, off}

static const word_case WORD_CASES[] = {
    /* plain words, quotes, the escape character */
    OK("hello", "hello"),
    OK("he'll'o", "hello"),
    OK("he\\'llo", "he'llo"),
    OK("abc\\tdef", "abctdef"),
    OK("\"abc\\tdef\"", "abc\\tdef"),
    OK("\"abc\\\\tdef\"", "abc\\tdef"),
    OK("'abc\\tdef'", "abc\\tdef"),
    OK("hello\\", "hello"),
    OK("hello\\\\", "hello\\"),
    OK("\"hel'lo\"", "hel'lo"),
    OK("'hello\\'", "hello\\"),
    OK("\"''\"", "''"),
    OK("'\"hello\"'", "\"hello\""),
    OK("\"a\\\"b\"", "a\"b"),
    OK("<<EOF", "<<EOF"),
    /* $NAME and what is not a name */
    OK("$.", "$."),
    OK("he$.x", "he$.x"),
    OK("$", "$"),
    OK("a$ b", "a$ b"),
    OK("a$'b'", "a$b"),
    OK("he$1x", "hex"),
    OK("$001aaa", "aaa"),
    OK("a$$b", "ab"),
    OK("$@@@", "@@"),
    OK("he$PWD", "he/home"),
    OK("he$pwd.", "he."),
    OK("$PWD_x", ""),
    OK("$K", "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4"),
    OK("$\xEC\x95\x88x", ""),                   /* $안x: a Unicode name */
    OK("$PWD\xE2\x80\x94", "/home\xE2\x80\x94"), /* an em dash ends the name */
    /* escapes and quotes around $ */
    OK("he\\$PWD", "he$PWD"),
    OK("he\\\\$PWD", "he\\/home"),
    OK("\"he\\$PWD\"", "he$PWD"),
    OK("\"he\\\\$PWD\"", "he\\/home"),
    OK("'he\\$PWD'", "he\\$PWD"),
    OK("'$PWD'", "$PWD"),
    OK("\"$PWD\"", "/home"),
    OK("\"he'$PWD'\"", "he'/home'"),
    OK("\\${}", "${}"),
    OK("he\\${}xx", "he${}xx"),
    /* ${NAME} */
    OK("he${hi}xx", "hexx"),
    OK("he${PWD}", "he/home"),
    OK("${PWD}}", "/home}"),
    OK("${999}aaa", "aaa"),
    OK("${@}aaa", "aaa"),
    OK("'he${XX}'", "he${XX}"),
    /* default, alternative, required */
    OK("he${XXX:-000}xx", "he000xx"),
    OK("he${PWD:-000}xx", "he/homexx"),
    OK("${EMPTY:-d}", "d"),
    OK("${EMPTY-d}", ""),
    OK("${XXX-d}", "d"),
    OK("he${XXX:-$PWD}xx", "he/homexx"),
    OK("he${XXX:-${PWD:-yyy}}xx", "he/homexx"),
    OK("he${XXX:-${YYY:-yyy}}xx", "heyyyxx"),
    OK("${XXX:+x}", ""),
    OK("he${PWD:+000}xx", "he000xx"),
    OK("${EMPTY:+x}", ""),
    OK("${EMPTY+x}", "x"),
    OK("he${PWD:+${SHELL}}xx", "hebashxx"),
    OK("he${PWD:+${PWD}:}xx", "he/home:xx"),
    OK("${PWD?}", "/home"),
    OK("${PWD:?}", "/home"),
    OK("${EMPTY?}", ""),
    OK("he${XXX:-\\$PWD:}xx", "he$PWD:xx"),
    OK("he${XXX:-\\${PWD}z}xx", "he${PWDz}xx"),
    OK("${XXX:-\"a}b\"}", "a}b"),
    OK("${XXX:-'$PWD'}", "$PWD"),
    OK("${aaa:-bbb {foo}", "bbb {foo"),
    OK("${1:-bbb}", "bbb"),
    OK("${+x}", ""),
    /* # ## % %% with globs */
    OK("${FOO#x}", "xyy"),
    OK("${FOO##*x}", "yy"),
    OK("${FOO#*x*y}", "y"),
    OK("${FOO#*}", "xxyy"),
    OK("${FOO##}", "xxyy"),
    OK("${FOO%y}", "xxy"),
    OK("${FOO%%y*}", "xx"),
    OK("${FOO%x*}", "x"),
    OK("${FOO%%x*}", ""),
    OK("${CUDA%.*}-${CUDA%%.*}-${CUDA#*.}", "12.1-12-1.1"),
    OK("${Q#?\\?}", "?y"),
    OK("${STARS%%\\**\\*}", "a"),
    OK("${SPECIAL#()[]{\\}^$.\\*\\?|\\\\}", "x"),
    OK("${BRACKET#[x]}", "y"),
    OK("${FOO#[x]}", "xxyy"),
    OK("${FOO#$PWD}", "xxyy"),
    OK("${NL##*}", "\nb"),
    OK("${XXX#*}", ""),
    OK("${BAD%x}", "a\xEF\xBF\xBD"),
    /* / and // */
    OK("${SLASHES/$NEEDLE/.} - ${SLASHES//$NEEDLE/.}", "/foo.*/*.txt - /foo..*.txt"),
    OK("${PATHV/\\/tmp/} - ${PATHV//\\/tmp/}", "/tmp/bar.txt - /bar.txt"),
    OK("${PATHV//\\//\\/}", "\\/tmp\\/tmp\\/bar.txt"),
    OK("${URL/http:\\/\\//https://}", "https://google.de"),
    OK("${FOO/$EMPTY/ww}", "wwxxyy"),
    OK("${FOO///}", "xxyy"),
    OK("${FOO/*/z}", "z"),
    OK("${FOO/x*/z}", "z"),
    OK("${FOO//y/}", "xx"),
    OK("${XXX//*/x}", "x"),
    OK("${FOO/x/'$0$0'}", "$0$0xyy"),
    OK("${FOO//x/'[$0]'}", "[x][x]yy"),
    OK("${FOO//x/'$$|$1|$'}", "$||$$||$yy"),
    OK("${FOO//x/$DOLLAR}", "yy"),
    /* the backtick as escape character */
    OKB("he`$PWD", "he$PWD"),
    OKB("C:\\path", "C:\\path"),
    OKB("\"a`\"b\"", "a\"b"),
    OKB("\"a\\\"", "a\\"),
    OKB("hello`", "hello"),
    OKB("a` b", "a b"),
    OKB("${XXX:-`}}", "}"),
    /* bytes: invalid UTF-8 reads as U+FFFD, a leading BOM is dropped */
    OK("a\xFF" "b", "a\xEF\xBF\xBD" "b"),
    OK("'\xC3('", "\xEF\xBF\xBD("),
    OK("\xEF\xBB\xBF$PWD", "/home"),
    OK("$BAD", "a\xFF"),
    /* errors and where they point */
    ERR("${}", "syntax error: bad substitution", 0),
    ERR("he${}xx", "syntax error: bad substitution", 2),
    ERR("${:-x}", "syntax error: bad substitution", 0),
    ERR("${{a}", "syntax error: bad substitution", 0),
    ERR("${", "syntax error: missing '}'", 0),
    ERR("he${PWD", "syntax error: missing '}'", 2),
    ERR("${PWD:-abc", "syntax error: missing '}'", 0),
    ERR("${A:-${B:-x}", "syntax error: missing '}'", 0),
    ERR("x${A:-'", "syntax error: missing '}'", 1),
    ERR("${aaa:-bbb ${foo}", "syntax error: missing '}'", 0),
    ERR("${A/x", "syntax error: missing '/' in ${}", 0),
    ERR("${FOO//}", "syntax error: missing '/' in ${}", 0),
    ERR("${A/x/y", "syntax error: missing '}'", 0),
    ERR("he${.}", "unsupported modifier (.) in substitution", 4),
    ERR("${#PWD}", "unsupported modifier (P) in substitution", 3),
    ERR("${PWD:1:2}", "unsupported modifier (:1) in substitution", 5),
    ERR("${PWD:=x}", "unsupported modifier (:=) in substitution", 5),
    ERR("${PWD=x}", "unsupported modifier (=) in substitution", 5),
    ERR("${FOO:#x}", "unsupported modifier (:#) in substitution", 5),
    ERR("${FOO:%%x}", "unsupported modifier (:%) in substitution", 5),
    ERR("${FOO:}x}", "unsupported modifier (:}) in substitution", 5),
    ERR("${PWD\xE2\x80\x94}", "unsupported modifier (\xE2\x80\x94) in substitution", 5),
    ERR("${XXX?}", "XXX: is not allowed to be unset", 0),
    ERR("he${XXX:?}", "XXX: is not allowed to be unset", 2),
    ERR("${EMPTY:?}", "EMPTY: is not allowed to be empty", 0),
    ERR("ab${XXX:?need $PWD}", "XXX: need /home", 2),
    ERR("${FOO#\\x}", "invalid pattern (\\x) in substitution: invalid escape '\\x'", 0),
    ERR("${FOO%a\\x}", "invalid pattern (\\xa) in substitution: invalid escape '\\x'", 0),
    ERR("${FOO/$BS/}", "invalid pattern (a\\) in substitution: invalid escape '\\' at end of pattern", 0),
    ERR("ab'cd", "unexpected end of statement while looking for matching single-quote", 2),
    ERR("a\"bc", "unexpected end of statement while looking for matching double-quote", 1),
    ERR("\"hello\\\"", "unexpected end of statement while looking for matching double-quote", 0),
    ERR("'hello", "unexpected end of statement while looking for matching single-quote", 0),
};

static void test_word_table(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof WORD_CASES / sizeof *WORD_CASES; i++) {
        const word_case *c = &WORD_CASES[i];
        ed_arena *arena = ed_arena_new();
        df_expand_error err = {"unset", 99};
        char *got = df_expand_word(arena, c->in, strlen(c->in), c->esc, env_lookup, NULL, &err);
        bool ok;
        if (c->want)
            ok = got && strcmp(got, c->want) == 0 && err.message == NULL;
        else
            ok = !got && err.message && strcmp(err.message, c->err) == 0 && err.offset == c->err_off;
        if (!ok) {
            failures++;
            print_error("case %zu: %s\n  want %s [%s @%zu]\n  got  %s [%s @%zu]\n", i, c->in,
                        c->want ? c->want : "(error)", c->err ? c->err : "", c->err_off,
                        got ? got : "(error)", err.message ? err.message : "", err.offset);
        }
        ed_arena_free(arena);
    }
    assert_int_equal(failures, 0);
}

/* ---- df_expand_words: splitting ---- */

typedef struct words_case {
    const char *in;
    char esc;
    const char *want[5]; /* NULL-terminated */
} words_case;

static const words_case WORDS_CASES[] = {
    {"hello", '\\', {"hello"}},
    {"hello there", '\\', {"hello", "there"}},
    {"  lead  trail  ", '\\', {"lead", "trail"}},
    {"hello\\ there", '\\', {"hello there"}},
    {"hello\" there  \"", '\\', {"hello there  "}},
    {"hello\\\" there", '\\', {"hello\"", "there"}},
    {"hello'$PWD'", '\\', {"hello$PWD"}},
    {"hello${SPACE}bye", '\\', {"helloabc", "defbye"}},
    {"hello\"${SPACE}\"bye", '\\', {"helloabc  defbye"}},
    {"hello \"${SPACE}\"bye", '\\', {"hello", "abc  defbye"}},
    {"hello${LEADING}def", '\\', {"hello", "ab", "cdef"}},
    {"x\xC2\xA0y\tz\n", '\\', {"x", "y", "z"}}, /* NBSP is a blank */
    {"cat << EOF", '\\', {"cat", "<< EOF"}},
    {"a` b c", '`', {"a b", "c"}},
    /* BuildKit: a quoted empty string makes no word */
    {"a \"\" b", '\\', {"a", "b"}},
    {"''", '\\', {NULL}},
    {"", '\\', {NULL}},
    /* BuildKit: a nested ${V:-w} word empties the shared word buffer */
    {"a${XXX:-x}", '\\', {"x"}},
    {"a b${XXX:-x}c", '\\', {"a", "xc"}},
    {"x a\"b${XXX:-x}\"", '\\', {"x", "bx"}},
    {"a${PWD}b", '\\', {"a/homeb"}},
};

static void test_words_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof WORDS_CASES / sizeof *WORDS_CASES; i++) {
        const words_case *c = &WORDS_CASES[i];
        ed_arena *arena = ed_arena_new();
        df_expand_error err;
        char **words = NULL;
        size_t n = df_expand_words(arena, c->in, strlen(c->in), c->esc, env_lookup, NULL, &words,
                                   &err);
        size_t want_n = 0;
        while (want_n < 5 && c->want[want_n])
            want_n++;
        if (n != want_n)
            print_error("case %zu: %s: %zu words, want %zu\n", i, c->in, n, want_n);
        assert_null(err.message);
        assert_non_null(words);
        assert_int_equal(n, want_n);
        for (size_t k = 0; k < n; k++)
            assert_string_equal(words[k], c->want[k]);
        assert_null(words[n]);
        ed_arena_free(arena);
    }
}

static void test_words_error(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    df_expand_error err;
    char **words = (char **)&err; /* must be overwritten */
    const char *in = "a 'b";
    size_t n = df_expand_words(arena, in, strlen(in), '\\', env_lookup, NULL, &words, &err);
    assert_int_equal(n, 0);
    assert_null(words);
    assert_string_equal(err.message,
                        "unexpected end of statement while looking for matching single-quote");
    assert_int_equal(err.offset, 2);
    ed_arena_free(arena);
}

/* ---- The lookups: names, offsets, order ---- */

static void expect_lookups(const char *in, const char *want, const char *const *names,
                           const size_t *offsets, int n)
{
    ed_arena *arena = ed_arena_new();
    lookup_log log = {0};
    df_expand_error err;
    char *got = df_expand_word(arena, in, strlen(in), '\\', env_lookup, &log, &err);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(log.n, n);
    for (int i = 0; i < n; i++) {
        assert_string_equal(log.names[i], names[i]);
        assert_int_equal(log.offsets[i], offsets[i]);
    }
    ed_arena_free(arena);
}

static void test_lookup_offset_in_from(void **state)
{
    (void)state;
    const char *names[] = {"CUDA_VERSION", "UBUNTU"};
    const size_t offs[] = {12, 40};
    expect_lookups("nvidia/cuda:${CUDA_VERSION}-devel-ubuntu$UBUNTU", "nvidia/cuda:-devel-ubuntu",
                   names, offs, 2);
}

static void test_lookup_nested_order(void **state)
{
    (void)state;
    /* The word of ${A:-w} is expanded first, and always. */
    const char *names[] = {"B", "A", "D", "C"};
    const size_t offs[] = {5, 0, 14, 9};
    expect_lookups("${A:-$B}x${C:+${D}}", "x", names, offs, 4);
}

static void test_lookup_quotes_and_specials(void **state)
{
    (void)state;
    /* '$B' and \$C are not references; $$ looks "$" up. */
    const char *names[] = {"A", "$", "1"};
    const size_t offs[] = {1, 14, 17};
    expect_lookups("\"$A\" '$B' \\$C $$ $1", " $B $C  ", names, offs, 3);
}

static void test_lookup_replace_order(void **state)
{
    (void)state;
    const char *names[] = {"P", "R", "FOO"};
    const size_t offs[] = {6, 9, 0};
    expect_lookups("${FOO/$P/$R}", "xxyy", names, offs, 3);
}

static void test_lookup_after_bom(void **state)
{
    (void)state;
    const char *names[] = {"PWD"};
    const size_t offs[] = {3};
    expect_lookups("\xEF\xBB\xBF$PWD", "/home", names, offs, 1);
}

static void test_no_lookup_function(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *in = "a${X:-b}$Y";
    char *got = df_expand_word(arena, in, strlen(in), '\\', NULL, NULL, NULL);
    assert_string_equal(got, "ab");
    got = df_expand_word(arena, NULL, 0, '\\', NULL, NULL, NULL);
    assert_string_equal(got, "");
    ed_arena_free(arena);
}

static void test_length_not_nul(void **state)
{
    (void)state;
    /* Only len bytes are read. */
    ed_arena *arena = ed_arena_new();
    char *got = df_expand_word(arena, "$PWD${", 4, '\\', env_lookup, NULL, NULL);
    assert_string_equal(got, "/home");
    ed_arena_free(arena);
}

/* ---- Robustness ---- */

static char *nested(int depth, bool closed)
{
    size_t len = (size_t)depth * 6 + 2;
    char *s = malloc(len);
    assert_non_null(s);
    char *p = s;
    for (int i = 0; i < depth; i++) {
        memcpy(p, "${a:-", 5);
        p += 5;
    }
    *p++ = 'x';
    for (int i = 0; closed && i < depth; i++)
        *p++ = '}';
    *p = '\0';
    return s;
}

static void test_nesting_cap(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    df_expand_error err;
    char *s = nested(DF_EXPAND_MAX_DEPTH, true);
    char *got = df_expand_word(arena, s, strlen(s), '\\', env_lookup, NULL, &err);
    assert_non_null(got);
    assert_string_equal(got, "x");
    free(s);

    s = nested(DF_EXPAND_MAX_DEPTH + 1, true);
    got = df_expand_word(arena, s, strlen(s), '\\', env_lookup, NULL, &err);
    assert_null(got);
    assert_string_equal(err.message, "substitution nested too deeply");
    assert_int_equal(err.offset, (size_t)DF_EXPAND_MAX_DEPTH * 5);
    free(s);

    s = nested(10000, true);
    got = df_expand_word(arena, s, strlen(s), '\\', env_lookup, NULL, &err);
    assert_null(got);
    assert_string_equal(err.message, "substitution nested too deeply");
    char **words;
    assert_int_equal(df_expand_words(arena, s, strlen(s), '\\', env_lookup, NULL, &words, &err), 0);
    assert_null(words);
    free(s);

    s = nested(10000, false);
    got = df_expand_word(arena, s, strlen(s), '\\', env_lookup, NULL, &err);
    assert_null(got);
    assert_string_equal(err.message, "substitution nested too deeply");
    free(s);
    ed_arena_free(arena);
}

static const char *long_lookup(void *ctx, const char *name, size_t name_len, size_t offset)
{
    (void)name_len;
    (void)offset;
    return strcmp(name, "LONG") == 0 ? ctx : NULL;
}

static void test_glob_is_linear(void **state)
{
    (void)state;
    /* 200,000 a's: a backtracking matcher would never finish these. */
    size_t n = 200000;
    char *value = malloc(n + 1);
    assert_non_null(value);
    memset(value, 'a', n);
    value[n] = '\0';
    ed_arena *arena = ed_arena_new();
    const char *cases[][2] = {
        {"${LONG#*a*a*a*a*b}", NULL},
        {"${LONG%%*a*a*a*a*b}", NULL},
        {"${LONG/*a*a*a*b/x}", NULL},
        {"${LONG//*a*a*b/x}", NULL},
        {"${LONG##*a*a}", ""},
        {"${LONG//a*/x}", "x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *in = cases[i][0];
        char *got = df_expand_word(arena, in, strlen(in), '\\', long_lookup, value, NULL);
        assert_non_null(got);
        assert_string_equal(got, cases[i][1] ? cases[i][1] : value);
    }
    /* Many short matches, each replaced. */
    const char *in = "${LONG//a/b}";
    char *got = df_expand_word(arena, in, strlen(in), '\\', long_lookup, value, NULL);
    assert_int_equal(strlen(got), n);
    assert_int_equal(strspn(got, "b"), n);
    ed_arena_free(arena);
    free(value);
}

/* Every prefix of a tricky input, and every byte value: no crash, no leak,
 * and a result or an error, never both. */
static void test_any_bytes(void **state)
{
    (void)state;
    const char *inputs[] = {
        "${A:-${B#\"x\\}*'}/}}${C//?\\//'$0'}\"$D\\\"` \xFF\xC0\xE2\x82",
        "\xEF\xBB\xBF${\xFF:-\"'\\`}",
        "${A/\\",
        "$${${:}}",
    };
    for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++) {
        size_t len = strlen(inputs[k]);
        for (size_t cut = 0; cut <= len; cut++) {
            for (int esc = 0; esc < 2; esc++) {
                ed_arena *arena = ed_arena_new();
                df_expand_error err;
                char e = esc ? '`' : '\\';
                char *got = df_expand_word(arena, inputs[k], cut, e, env_lookup, NULL, &err);
                assert_true((got == NULL) == (err.message != NULL));
                if (!got)
                    assert_true(err.offset <= cut);
                char **words;
                df_expand_words(arena, inputs[k], cut, e, env_lookup, NULL, &words, &err);
                assert_true((words == NULL) == (err.message != NULL));
                ed_arena_free(arena);
            }
        }
    }
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)(255 - i);
    ed_arena *arena = ed_arena_new();
    df_expand_error err;
    for (size_t off = 0; off < 256; off++) {
        df_expand_word(arena, all + off, 256 - off, '\\', env_lookup, NULL, &err);
        char **words;
        df_expand_words(arena, all + off, 256 - off, '\\', env_lookup, NULL, &words, &err);
    }
    ed_arena_free(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_table),
        cmocka_unit_test(test_words_table),
        cmocka_unit_test(test_words_error),
        cmocka_unit_test(test_lookup_offset_in_from),
        cmocka_unit_test(test_lookup_nested_order),
        cmocka_unit_test(test_lookup_quotes_and_specials),
        cmocka_unit_test(test_lookup_replace_order),
        cmocka_unit_test(test_lookup_after_bom),
        cmocka_unit_test(test_no_lookup_function),
        cmocka_unit_test(test_length_not_nul),
        cmocka_unit_test(test_nesting_cap),
        cmocka_unit_test(test_glob_is_linear),
        cmocka_unit_test(test_any_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
