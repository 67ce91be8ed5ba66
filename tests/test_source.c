/* Source handling: line index, positions, BOM, CRLF, non-text detection. */
#include "testutil.h"

#include "envdoctor/buf.h"
#include "envdoctor/engine.h"
#include "envdoctor/source.h"

static void test_positions(void **state)
{
    ed_arena *a = ed_arena_new();
    ed_source src;
    const char *text = "ab\ncd\r\n\xC3\xA9x\n";
    ed_source_init(&src, a, "f", text, strlen(text));
    assert_int_equal(src.line_count, 4);
    ed_pos p = ed_source_pos(&src, 0);
    assert_int_equal(p.line, 1);
    assert_int_equal(p.column, 1);
    p = ed_source_pos(&src, 4); /* 'd' */
    assert_int_equal(p.line, 2);
    assert_int_equal(p.column, 2);
    p = ed_source_pos(&src, 9); /* 'x' after a two-byte character */
    assert_int_equal(p.line, 3);
    assert_int_equal(p.column, 2);
    p = ed_source_pos(&src, 1000); /* past the end: the end */
    assert_int_equal(p.line, 4);
    assert_int_equal(p.column, 1);
    size_t s, e;
    ed_source_line_range(&src, 2, &s, &e);
    assert_int_equal(s, 3);
    assert_int_equal(e, 5); /* without the CR */
    ed_source_line_range(&src, 99, &s, &e);
    assert_int_equal(s, src.len);
    ed_arena_free(a);
}

static void test_bom_columns(void **state)
{
    ed_arena *a = ed_arena_new();
    ed_source src;
    const char *text = "\xEF\xBB\xBF" "FROM x\n";
    ed_source_init(&src, a, "f", text, strlen(text));
    assert_int_equal(src.text_start, 3);
    ed_pos p = ed_source_pos(&src, 3);
    assert_int_equal(p.line, 1);
    assert_int_equal(p.column, 1);
    ed_arena_free(a);
}

static void test_not_text(void **state)
{
    ed_arena *a = ed_arena_new();
    ed_source src;
    size_t at = 99;
    ed_source_init(&src, a, "f", "FROM a\n", 7);
    assert_null(ed_source_not_text(&src, &at));
    ed_source_init(&src, a, "f", "FROM\0a\n", 7);
    assert_string_equal(ed_source_not_text(&src, &at), "file is not text (contains a NUL byte)");
    assert_int_equal(at, 4);
    ed_source_init(&src, a, "f", "\xFF\xFE" "F\0", 4);
    assert_string_equal(ed_source_not_text(&src, &at),
                        "file is UTF-16 encoded; env-doctor reads UTF-8 text");
    assert_int_equal(at, 0);
    ed_arena_free(a);
}

static void test_read_errors(void **state)
{
    ed_arena *a = ed_arena_new();
    ed_source src;
    char err[128];
    assert_false(ed_source_read(&src, a, "/nonexistent/x", NULL, err, sizeof err));
    assert_string_equal(err, "cannot open: No such file or directory");
    assert_false(ed_source_read(&src, a, "/", NULL, err, sizeof err));
    assert_string_equal(err, "is a directory");
    assert_true(ed_source_read(&src, a, "tests/testutil.h", "shown", err, sizeof err));
    assert_string_equal(src.path, "shown");
    assert_true(src.len > 0);
    ed_arena_free(a);
}

static void test_empty_source(void **state)
{
    ed_arena *a = ed_arena_new();
    ed_source src;
    ed_source_init(&src, a, "f", "", 0);
    assert_int_equal(src.line_count, 1);
    ed_pos p = ed_source_pos(&src, 0);
    assert_int_equal(p.line, 1);
    assert_int_equal(p.column, 1);
    ed_arena_free(a);
}

/* ed_sort_findings computes every finding's begin and finish in one pass;
 * they are what ed_source_pos gives, on a file with a BOM, CRLF, multibyte
 * characters and one long line, for offsets anywhere (past the end too). */
static void test_sorted_findings_positions(void **state)
{
    (void)state;
    ed_arena *a = ed_arena_new();
    ed_buf text = ED_BUF_INIT;
    ed_buf_adds(&text, "\xEF\xBB\xBF" "FROM x\r\nRUN a \xC3\xA9\xE2\x82\xAC b\n\n");
    for (int i = 0; i < 400; i++)
        ed_buf_adds(&text, i % 7 ? "word " : "\xF0\x9F\x90\xB3 ");
    ed_buf_adds(&text, "\nlast");
    ed_source src;
    ed_source_init(&src, a, "f", text.data, text.len);
    enum { N = 300 };
    ed_finding *f = ed_arena_calloc(a, N, sizeof *f);
    static const ed_rule rule = {.id = "ED000", .name = "test"};
    unsigned seed = 7;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t start = (seed >> 8) % (src.len + 4);
        seed = seed * 1103515245u + 12345u;
        f[i] = (ed_finding){.rule = &rule, .message = "m", .start = start,
                            .end = start + (seed >> 8) % 40};
    }
    ed_sort_findings(f, N, &src);
    for (size_t i = 0; i < N; i++) {
        ed_pos b = ed_source_pos(&src, f[i].start), e = ed_source_pos(&src, f[i].end);
        /* the column, byte by byte: every byte but continuation bytes */
        size_t off = f[i].start < src.len ? f[i].start : src.len;
        unsigned column = 1;
        for (size_t k = src.line_starts[b.line - 1]; k < off; k++)
            column += ((unsigned char)src.data[k] & 0xC0) != 0x80;
        assert_int_equal(b.column, column);
        assert_int_equal(f[i].begin.line, b.line);
        assert_int_equal(f[i].begin.column, b.column);
        assert_int_equal(f[i].finish.line, e.line);
        assert_int_equal(f[i].finish.column, e.column);
    }
    ed_buf_free(&text);
    ed_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_bom_columns),
        cmocka_unit_test(test_not_text),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_empty_source),
        cmocka_unit_test(test_sorted_findings_positions),
    };
    return cmocka_run_group_tests_name("source", tests, NULL, NULL);
}
