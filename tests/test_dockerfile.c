/* The Dockerfile tokenizer and parser, one behaviour per test, with exact
 * positions on physical lines. */
#include "testutil.h"

#include "envdoctor/dockerfile.h"

typedef struct fixture {
    ed_arena *arena;
    ed_source src;
    df_file *file;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->arena = ed_arena_new();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ed_arena_free(f->arena);
    free(f);
    return 0;
}

static df_file *parse(void **state, const char *text)
{
    fixture *f = *state;
    ed_source_init(&f->src, f->arena, "Dockerfile", text, strlen(text));
    f->file = df_parse(&f->src, f->arena);
    return f->file;
}

/* Asserts that a span starts at line:col and ends at end_line:end_col (exclusive). */
static void assert_span(void **state, df_span span, unsigned line, unsigned col,
                        unsigned end_line, unsigned end_col)
{
    fixture *f = *state;
    ed_pos a = ed_source_pos(&f->src, span.start), b = ed_source_pos(&f->src, span.end);
    assert_int_equal(a.line, line);
    assert_int_equal(a.column, col);
    assert_int_equal(b.line, end_line);
    assert_int_equal(b.column, end_col);
}

static void assert_error(void **state, size_t index, unsigned line, unsigned col, const char *msg)
{
    fixture *f = *state;
    assert_true(index < f->file->nerrors);
    ed_pos p = ed_source_pos(&f->src, f->file->errors[index].span.start);
    assert_int_equal(p.line, line);
    assert_int_equal(p.column, col);
    assert_string_equal(f->file->errors[index].message, msg);
}

static void test_bom_is_skipped(void **state)
{
    df_file *file = parse(state, "\xEF\xBB\xBF" "FROM alpine\n");
    assert_int_equal(file->nerrors, 0);
    assert_int_equal(file->ninstrs, 1);
    assert_int_equal(file->instrs[0].kind, DF_FROM);
    assert_span(state, file->instrs[0].keyword.span, 1, 1, 1, 5);
    assert_span(state, file->instrs[0].args[0].span, 1, 6, 1, 12);
}

static void test_crlf_line_endings(void **state)
{
    df_file *file = parse(state, "FROM a\r\nRUN b \\\r\n  c\r\nUSER x\r\n");
    assert_int_equal(file->nerrors, 0);
    assert_int_equal(file->ninstrs, 3);
    assert_string_equal(file->instrs[1].args[0].text, "b   c");
    assert_int_equal(file->instrs[1].start_line, 2);
    assert_int_equal(file->instrs[1].end_line, 3);
    assert_string_equal(file->instrs[2].args[0].text, "x");
    assert_span(state, file->instrs[2].args[0].span, 4, 6, 4, 7);
}

static void test_keywords_are_case_insensitive(void **state)
{
    df_file *file = parse(state, "from a\nRuN echo\nCoPy x y\n");
    assert_int_equal(file->nerrors, 0);
    assert_int_equal(file->instrs[0].kind, DF_FROM);
    assert_int_equal(file->instrs[1].kind, DF_RUN);
    assert_int_equal(file->instrs[2].kind, DF_COPY);
    assert_string_equal(file->instrs[1].keyword.text, "RuN");
}

static void test_unknown_keyword_is_an_error_and_parsing_goes_on(void **state)
{
    df_file *file = parse(state, "FROM a\nRUNN pip install torch\nRUN echo ok\n");
    assert_int_equal(file->nerrors, 1);
    assert_error(state, 0, 2, 1, "unknown instruction: RUNN (did you mean RUN?)");
    assert_int_equal(file->ninstrs, 3);
    assert_true(file->instrs[1].has_error);
    assert_int_equal(file->instrs[2].kind, DF_RUN);
    assert_false(file->instrs[2].has_error);
}

static void test_escape_directive_backtick(void **state)
{
    df_file *file = parse(state, "# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo x\n");
    assert_int_equal(file->nerrors, 0);
    assert_int_equal(file->escape, '`');
    assert_int_equal(file->ndirectives, 1);
    assert_string_equal(file->directives[0].name, "escape");
    assert_string_equal(file->directives[0].value, "`");
    assert_string_equal(file->instrs[1].args[0].text, "dir c:\\   && echo x");
}

static void test_directive_forms_and_block_end(void **state)
{
    df_file *file = parse(state, "#  SYNTAX = docker/dockerfile:1  \n# check=skip=all\n"
                                 "# escape=`\n\n# escape=\\\nFROM a\n");
    assert_int_equal(file->nerrors, 0);
    assert_int_equal(file->ndirectives, 3);
    assert_string_equal(file->directives[0].name, "syntax");
    assert_string_equal(file->directives[0].value, "docker/dockerfile:1");
    assert_string_equal(file->directives[1].name, "check");
    assert_string_equal(file->directives[1].value, "skip=all");
    /* the empty line ends the block: the second escape is a comment */
    assert_int_equal(file->escape, '`');
}

static void test_directive_after_comment_is_a_comment(void **state)
{
    df_file *file = parse(state, "# hello\n# escape=`\nFROM a\n");
    assert_int_equal(file->ndirectives, 0);
    assert_int_equal(file->escape, '\\');
    assert_int_equal(file->instrs[0].ncomments, 2);
    assert_string_equal(file->instrs[0].comments[0], "hello");
}

static void test_repeated_and_invalid_directives(void **state)
{
    df_file *file = parse(state, "# escape=x\n# syntax=a\n# syntax=b\nFROM a\n");
    assert_int_equal(file->nerrors, 2);
    assert_error(state, 0, 1, 10, "invalid escape token 'x' does not match ` or \\");
    assert_error(state, 1, 3, 1, "only one syntax parser directive can be used");
    assert_int_equal(file->ninstrs, 1);
}

static void test_continuation_keeps_indent_and_drops_comments(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN apt-get update \\\n# a comment \\\n\n"
                                 "    && apt-get install -y git\n");
    assert_int_equal(file->nerrors, 0);
    assert_int_equal(file->ninstrs, 2);
    const df_instr *run = &file->instrs[1];
    assert_string_equal(run->args[0].text, "apt-get update     && apt-get install -y git");
    assert_int_equal(run->start_line, 2);
    assert_int_equal(run->end_line, 5);
    assert_int_equal(file->nempty_continuations, 1);
    assert_span(state, file->empty_continuations[0], 4, 1, 4, 1);
}

static void test_argument_positions_on_continuation_lines(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN pip install \\\n    torch \\\n  # note\n    numpy\n");
    const df_instr *run = &file->instrs[1];
    const char *torch = strstr(run->line, "torch");
    const char *numpy = strstr(run->line, "numpy");
    size_t t = (size_t)(torch - run->line), n = (size_t)(numpy - run->line);
    assert_span(state, df_source_span(run, t, t + 5), 3, 5, 3, 10);
    assert_span(state, df_source_span(run, n, n + 5), 5, 5, 5, 10);
    /* the whole shell-form argument runs from line 2 to line 5 */
    assert_span(state, run->args[0].span, 2, 5, 5, 10);
}

static void test_continuation_at_end_of_file(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN echo \\");
    assert_int_equal(file->nerrors, 0);
    assert_int_equal(file->ninstrs, 2);
    assert_string_equal(file->instrs[1].args[0].text, "echo");
}

static void test_escaped_escape_does_not_continue(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN echo \\\\\nUSER x\n");
    assert_int_equal(file->ninstrs, 3);
    assert_string_equal(file->instrs[1].args[0].text, "echo \\\\");
}

static void test_no_trailing_comments(void **state)
{
    df_file *file = parse(state, "FROM a\nEXPOSE 80 # web\n");
    const df_instr *expose = &file->instrs[1];
    assert_int_equal(expose->nargs, 3);
    assert_string_equal(expose->args[1].text, "#");
    assert_string_equal(expose->args[2].text, "web");
}

static void test_flags_with_quotes(void **state)
{
    df_file *file = parse(state, "FROM a\nCOPY --from=build --chown=\"a b\" --link src /dst\n");
    const df_instr *copy = &file->instrs[1];
    assert_int_equal(copy->nflags, 3);
    assert_string_equal(copy->flags[0].name, "from");
    assert_string_equal(copy->flags[0].value, "build");
    assert_span(state, copy->flags[0].word.span, 2, 6, 2, 18);
    assert_string_equal(copy->flags[1].word.text, "--chown=a b");
    assert_string_equal(copy->flags[1].value, "a b");
    assert_string_equal(copy->flags[2].name, "link");
    assert_null(copy->flags[2].value);
    assert_int_equal(copy->nargs, 2);
    assert_span(state, copy->args[0].span, 2, 40, 2, 43);
}

static void test_double_dash_ends_flags(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN --network=none -- --not-a-flag\n");
    const df_instr *run = &file->instrs[1];
    assert_int_equal(run->nflags, 1);
    assert_string_equal(run->args[0].text, "--not-a-flag");
}

static void test_from_platform_and_stage_name(void **state)
{
    df_file *file = parse(state, "FROM --platform=$BUILDPLATFORM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\n");
    const df_instr *from = &file->instrs[0];
    assert_int_equal(from->nflags, 1);
    assert_string_equal(from->flags[0].value, "$BUILDPLATFORM");
    assert_int_equal(from->nargs, 3);
    assert_string_equal(from->args[0].text, "nvidia/cuda:12.4.1-devel-ubuntu22.04");
    assert_span(state, from->args[0].span, 1, 32, 1, 68);
    assert_string_equal(from->args[2].text, "build");
}

static void test_exec_form_positions(void **state)
{
    df_file *file = parse(state, "FROM a\nCMD [ \"python\", \"-c\" ,\"print(1)\" ]\n");
    const df_instr *cmd = &file->instrs[1];
    assert_true(cmd->json);
    assert_int_equal(cmd->nargs, 3);
    assert_string_equal(cmd->args[0].text, "python");
    assert_span(state, cmd->args[0].span, 2, 7, 2, 15);
    assert_string_equal(cmd->args[2].text, "print(1)");
}

static void test_exec_form_unicode_escapes(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN [\"echo\", \"\\u00e9\\ud83d\\ude00\\n\"]\n");
    const df_instr *run = &file->instrs[1];
    assert_true(run->json);
    assert_string_equal(run->args[1].text, "\xC3\xA9\xF0\x9F\x98\x80\n");
}

static void test_invalid_json_falls_back_to_shell_form(void **state)
{
    df_file *file = parse(state, "FROM a\nCMD ['echo', 'x']\nRUN [\"a\", \"b\"\nRUN [\"a\"] trailing\n");
    assert_int_equal(file->nerrors, 0);
    assert_false(file->instrs[1].json);
    assert_string_equal(file->instrs[1].args[0].text, "['echo', 'x']");
    assert_false(file->instrs[2].json);
    assert_false(file->instrs[3].json);
    assert_string_equal(file->instrs[3].args[0].text, "[\"a\"] trailing");
}

static void test_non_string_json_element_is_an_error(void **state)
{
    df_file *file = parse(state, "FROM a\nCMD [\"a\", [\"b\"]]\nRUN [\"x\", 1]\nUSER me\n");
    assert_int_equal(file->nerrors, 2);
    assert_error(state, 0, 2, 11,
                 "when using JSON array syntax, arrays must be comprised of strings only");
    assert_error(state, 1, 3, 11,
                 "when using JSON array syntax, arrays must be comprised of strings only");
    assert_int_equal(file->instrs[3].kind, DF_USER);
}

static void test_copy_json_and_word_lists(void **state)
{
    df_file *file = parse(state, "FROM a\nCOPY [\"a b\", \"/c\"]\nVOLUME /x /y\n");
    assert_true(file->instrs[1].json);
    assert_string_equal(file->instrs[1].args[0].text, "a b");
    assert_int_equal(file->instrs[2].nargs, 2);
    assert_span(state, file->instrs[2].args[1].span, 3, 11, 3, 13);
}

static void test_heredoc_basic(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN <<EOF\npip install torch\nEOF\nUSER x\n");
    assert_int_equal(file->nerrors, 0);
    const df_instr *run = &file->instrs[1];
    assert_int_equal(run->nheredocs, 1);
    const df_heredoc *doc = &run->heredocs[0];
    assert_string_equal(doc->name, "EOF");
    assert_true(doc->expand);
    assert_false(doc->chomp);
    assert_mem_str(doc->content, doc->content_len, "pip install torch\n");
    assert_span(state, doc->word.span, 2, 5, 2, 10);
    assert_span(state, doc->body, 3, 1, 4, 1);
    assert_int_equal(run->start_line, 2);
    assert_int_equal(run->end_line, 4);
    assert_int_equal(file->instrs[2].kind, DF_USER);
    /* a word in the body maps straight to the source */
    fixture *f = *state;
    ed_pos p = ed_source_pos(&f->src, (size_t)(strstr(doc->content, "torch") - f->src.data));
    assert_int_equal(p.line, 3);
    assert_int_equal(p.column, 13);
}

static void test_heredoc_quoted_and_chomped(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN <<-'EOT' bash\n\techo $HOME\n\tEOT\n");
    assert_int_equal(file->nerrors, 0);
    const df_heredoc *doc = &file->instrs[1].heredocs[0];
    assert_string_equal(doc->name, "EOT");
    assert_false(doc->expand);
    assert_true(doc->chomp);
    assert_mem_str(doc->content, doc->content_len, "\techo $HOME\n");
    assert_int_equal(file->instrs[1].end_line, 4);
}

static void test_several_heredocs_on_one_line(void **state)
{
    df_file *file = parse(state, "FROM a\nCOPY <<A 3<<\"B\" /dest/\none\nA\ntwo\nB\nUSER x\n");
    assert_int_equal(file->nerrors, 0);
    const df_instr *copy = &file->instrs[1];
    assert_int_equal(copy->nheredocs, 2);
    assert_string_equal(copy->heredocs[0].name, "A");
    assert_mem_str(copy->heredocs[0].content, copy->heredocs[0].content_len, "one\n");
    assert_string_equal(copy->heredocs[1].name, "B");
    assert_int_equal(copy->heredocs[1].fd, 3);
    assert_false(copy->heredocs[1].expand);
    assert_mem_str(copy->heredocs[1].content, copy->heredocs[1].content_len, "two\n");
    assert_int_equal(copy->end_line, 6);
    assert_int_equal(file->instrs[2].start_line, 7);
}

static void test_heredoc_not_in_json_or_quotes(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN echo '<<EOF'\nRUN [\"sh\", \"<<EOF\"]\nRUN cat <<<word\n");
    assert_int_equal(file->nerrors, 0);
    assert_int_equal(file->ninstrs, 4);
    for (size_t i = 1; i < 4; i++)
        assert_int_equal(file->instrs[i].nheredocs, 0);
}

static void test_unterminated_heredoc(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN <<EOF\necho hi\nUSER x\n");
    assert_int_equal(file->nerrors, 1);
    assert_error(state, 0, 2, 5, "unterminated heredoc 'EOF'");
    assert_int_equal(file->ninstrs, 2);
}

static void test_onbuild_heredoc_and_trigger(void **state)
{
    df_file *file = parse(state, "FROM a\nONBUILD RUN --mount=type=cache,target=/c <<EOF\nls\nEOF\n");
    assert_int_equal(file->nerrors, 0);
    const df_instr *onbuild = &file->instrs[1];
    assert_non_null(onbuild->trigger);
    assert_int_equal(onbuild->trigger->kind, DF_RUN);
    assert_int_equal(onbuild->trigger->nflags, 1);
    assert_span(state, onbuild->trigger->flags[0].word.span, 2, 13, 2, 41);
    assert_int_equal(onbuild->nheredocs, 1);
    assert_int_equal(onbuild->trigger->nheredocs, 1);
    assert_span(state, onbuild->trigger->heredocs[0].word.span, 2, 42, 2, 47);
    assert_int_equal(onbuild->end_line, 4);
}

static void test_env_forms_and_positions(void **state)
{
    df_file *file = parse(state, "FROM a\nENV A=1 B=\"two words\" \\\n    C=3\nENV LEGACY some value\n");
    assert_int_equal(file->nerrors, 0);
    const df_instr *env = &file->instrs[1];
    assert_int_equal(env->npairs, 3);
    assert_string_equal(env->pairs[1].key.text, "B");
    assert_string_equal(env->pairs[1].value.text, "\"two words\"");
    assert_span(state, env->pairs[1].value.span, 2, 11, 2, 22);
    assert_span(state, env->pairs[2].key.span, 3, 5, 3, 6);
    const df_instr *legacy = &file->instrs[2];
    assert_int_equal(legacy->npairs, 1);
    assert_true(legacy->pairs[0].legacy);
    assert_string_equal(legacy->pairs[0].value.text, "some value");
}

static void test_env_errors(void **state)
{
    df_file *file = parse(state, "FROM a\nENV PATH\nLABEL a=b c\nENV OK=1\n");
    assert_int_equal(file->nerrors, 2);
    assert_error(state, 0, 2, 5, "ENV must have two arguments");
    assert_error(state, 1, 3, 11,
                 "Syntax error - can't find = in \"c\". Must be of the form: name=value");
    assert_false(file->instrs[3].has_error);
}

static void test_arg_words(void **state)
{
    df_file *file = parse(state, "ARG CUDA=12.4.1 PY=\"3 11\" NOVALUE\nFROM a\n");
    const df_instr *arg = &file->instrs[0];
    assert_int_equal(arg->nargs, 3);
    assert_string_equal(arg->args[1].text, "PY=\"3 11\"");
    assert_string_equal(arg->args[2].text, "NOVALUE");
    assert_span(state, arg->args[2].span, 1, 27, 1, 34);
}

static void test_healthcheck(void **state)
{
    df_file *file = parse(state, "FROM a\nHEALTHCHECK --interval=5s CMD [\"curl\", \"-f\", \"http://x\"]\n");
    const df_instr *hc = &file->instrs[1];
    assert_int_equal(hc->nflags, 1);
    assert_true(hc->json);
    assert_int_equal(hc->nargs, 4);
    assert_string_equal(hc->args[0].text, "CMD");
    assert_string_equal(hc->args[1].text, "curl");
}

static void test_empty_and_comment_only_files(void **state)
{
    df_file *file = parse(state, "");
    assert_int_equal(file->nerrors, 1);
    assert_error(state, 0, 1, 1, "file with no instructions");
    file = parse(state, "# just a comment\n\n   # another\n");
    assert_int_equal(file->nerrors, 1);
    assert_string_equal(file->errors[0].message, "file with no instructions");
}

static void test_instruction_without_arguments(void **state)
{
    df_file *file = parse(state, "FROM a\nRUN\nCMD   \n");
    assert_int_equal(file->ninstrs, 3);
    assert_int_equal(file->instrs[1].nargs, 0);
    assert_int_equal(file->instrs[2].nargs, 0);
}

static void test_columns_count_characters(void **state)
{
    df_file *file = parse(state, "FROM a\nLABEL \xC3\xA9t\xC3\xA9=1 x=y\n");
    assert_span(state, file->instrs[1].pairs[1].key.span, 2, 13, 2, 14);
}

static void test_comments_attach_to_next_instruction(void **state)
{
    df_file *file = parse(state, "# syntax=docker/dockerfile:1\n# builder\n#\n# the base\nFROM a\n");
    const df_instr *from = &file->instrs[0];
    assert_int_equal(from->ncomments, 1);
    assert_string_equal(from->comments[0], "the base");
}

static void test_many_errors_all_reported(void **state)
{
    df_file *file = parse(state, "FROM a\nFOO x\nBAR y\nENV Z\nRUN ok\n");
    assert_int_equal(file->nerrors, 3);
    assert_error(state, 0, 2, 1, "unknown instruction: FOO");
    assert_error(state, 1, 3, 1, "unknown instruction: BAR");
    assert_error(state, 2, 4, 5, "ENV must have two arguments");
    assert_false(file->instrs[4].has_error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_bom_is_skipped),
        T(test_crlf_line_endings),
        T(test_keywords_are_case_insensitive),
        T(test_unknown_keyword_is_an_error_and_parsing_goes_on),
        T(test_escape_directive_backtick),
        T(test_directive_forms_and_block_end),
        T(test_directive_after_comment_is_a_comment),
        T(test_repeated_and_invalid_directives),
        T(test_continuation_keeps_indent_and_drops_comments),
        T(test_argument_positions_on_continuation_lines),
        T(test_continuation_at_end_of_file),
        T(test_escaped_escape_does_not_continue),
        T(test_no_trailing_comments),
        T(test_flags_with_quotes),
        T(test_double_dash_ends_flags),
        T(test_from_platform_and_stage_name),
        T(test_exec_form_positions),
        T(test_exec_form_unicode_escapes),
        T(test_invalid_json_falls_back_to_shell_form),
        T(test_non_string_json_element_is_an_error),
        T(test_copy_json_and_word_lists),
        T(test_heredoc_basic),
        T(test_heredoc_quoted_and_chomped),
        T(test_several_heredocs_on_one_line),
        T(test_heredoc_not_in_json_or_quotes),
        T(test_unterminated_heredoc),
        T(test_onbuild_heredoc_and_trigger),
        T(test_env_forms_and_positions),
        T(test_env_errors),
        T(test_arg_words),
        T(test_healthcheck),
        T(test_empty_and_comment_only_files),
        T(test_instruction_without_arguments),
        T(test_columns_count_characters),
        T(test_comments_attach_to_next_instruction),
        T(test_many_errors_all_reported),
#undef T
    };
    return cmocka_run_group_tests_name("dockerfile parser", tests, NULL, NULL);
}
