/* BuildKit's instruction-stage checks (src/dockerfile/validate.c): every
 * error with BuildKit's message at the exact line:column, the valid variants
 * without error, and parsing going on after each error. */
#include "testutil.h"

#include <stdio.h>

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
    df_validate(f->file, f->arena);
    return f->file;
}

static void print_errors(void **state, const char *text)
{
    fixture *f = *state;
    print_message("in:\n%s", text);
    for (size_t i = 0; i < f->file->nerrors; i++) {
        ed_pos p = ed_source_pos(&f->src, f->file->errors[i].span.start);
        print_message("  %u:%u: %s\n", p.line, p.column, f->file->errors[i].message);
    }
}

/* Asserts error i: its message and where it starts. */
static void assert_error(void **state, size_t i, unsigned line, unsigned column, const char *msg)
{
    fixture *f = *state;
    assert_true(i < f->file->nerrors);
    ed_pos p = ed_source_pos(&f->src, f->file->errors[i].span.start);
    assert_string_equal(f->file->errors[i].message, msg);
    assert_int_equal(p.line, line);
    assert_int_equal(p.column, column);
}

/* A Dockerfile with one bad instruction; `USER ok` is appended to show that
 * the instructions after the error are still parsed and checked. */
typedef struct bad_case {
    const char *text;
    unsigned line, column;
    const char *message;
} bad_case;

static void check_bad(void **state, const bad_case *c)
{
    fixture *f = *state;
    char *text = ed_arena_printf(f->arena, "%sUSER ok\n", c->text);
    df_file *file = parse(state, text);
    ed_pos p = file->nerrors ? ed_source_pos(&f->src, file->errors[0].span.start) : (ed_pos){0, 0};
    if (file->nerrors != 1 || strcmp(file->errors[0].message, c->message) != 0 ||
        p.line != c->line || p.column != c->column)
        print_errors(state, text);
    assert_int_equal(file->nerrors, 1);
    assert_error(state, 0, c->line, c->column, c->message);
    const df_instr *last = &file->instrs[file->ninstrs - 1];
    assert_int_equal(last->kind, DF_USER);
    assert_false(last->has_error);
}

static void check_bad_cases(void **state, const bad_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_bad(state, &cases[i]);
}

static void check_good(void **state, const char *text)
{
    df_file *file = parse(state, text);
    if (file->nerrors != 0)
        print_errors(state, text);
    assert_int_equal(file->nerrors, 0);
}

static void check_good_cases(void **state, const char *const *texts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_good(state, texts[i]);
}

#define BAD(cases) check_bad_cases(state, cases, sizeof cases / sizeof *cases)
#define GOOD(texts) check_good_cases(state, texts, sizeof texts / sizeof *texts)

#define STAGE_NAME_MSG(name)                                                                  \
    "invalid name for build stage: \"" name "\", name can't start with a number or contain " \
    "symbols"
#define NO_DEST(cmd)                                                                          \
    cmd " requires at least two arguments, but only one was provided. Destination could not " \
        "be determined"

static void test_from(void **state)
{
    static const bad_case bad[] = {
        {"FROM alpine AS 1bad\n", 1, 16, STAGE_NAME_MSG("1bad")},
        {"FROM alpine AS my/stage\n", 1, 16, STAGE_NAME_MSG("my/stage")},
        {"FROM alpine AS _x\n", 1, 16, STAGE_NAME_MSG("_x")},
        {"FROM alpine AS caf\xc3\xa9\n", 1, 16, STAGE_NAME_MSG("caf\xc3\xa9")},
        {"FROM\n", 1, 1, "FROM requires either one or three arguments"},
        {"FROM alpine AS\n", 1, 13, "FROM requires either one or three arguments"},
        {"FROM a b c\n", 1, 8, "FROM requires either one or three arguments"},
        {"FROM a AS b c\n", 1, 13, "FROM requires either one or three arguments"},
        /* the words are counted before the flags are parsed */
        {"FROM --platform linux/amd64 alpine\n", 1, 29,
         "FROM requires either one or three arguments"},
        {"FROM --platform alpine\n", 1, 6, "missing a value on flag: --platform"},
        {"FROM --platform=a --platform=b alpine\n", 1, 19,
         "duplicate flag specified: --platform"},
    };
    static const char *const good[] = {
        "FROM scratch\n",
        "FROM alpine AS Build-1.x_y\n", /* upper case is only a lint warning */
        "from alpine as builder\n",
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n",
        "FROM --platform= alpine\n",
        "FROM a AS \xe2\x84\xaaube\n", /* Go lower-cases the Kelvin sign to 'k' */
    };
    BAD(bad);
    GOOD(good);
}

static void test_flags(void **state)
{
    static const bad_case bad[] = {
        {"FROM a\nCOPY --link=yes a b\n", 2, 6, "expecting boolean value for flag --link, not: yes"},
        {"FROM a\nCOPY --link= a b\n", 2, 6, "missing a value on flag: --link"},
        {"FROM a\nCOPY --from a b\n", 2, 6, "missing a value on flag: --from"},
        {"FROM a\nADD --chown=1 --chown=2 a b\n", 2, 15, "duplicate flag specified: --chown"},
        {"FROM a\nADD --keep-git-dir=maybe https://x/y.git /src\n", 2, 5,
         "expecting boolean value for flag --keep-git-dir, not: maybe"},
        {"FROM a\nADD --unpack=1 a.tar /x\n", 2, 5,
         "expecting boolean value for flag --unpack, not: 1"},
        {"FROM a\nRUN --network=host --network=none true\n", 2, 20,
         "duplicate flag specified: --network"},
        {"FROM a\nRUN --mount true\n", 2, 5, "missing a value on flag: --mount"},
        {"FROM a\nHEALTHCHECK --retries CMD true\n", 2, 13, "missing a value on flag: --retries"},
        /* the flag's position on a continuation line */
        {"FROM a\nCOPY --chown=1 \\\n     --parents=no a b\n", 3, 6,
         "expecting boolean value for flag --parents, not: no"},
    };
    static const char *const good[] = {
        "FROM a\nCOPY --link --parents --exclude=*.pyc --exclude=*.md --chown=1:1 --chmod=644 "
        "--from=build a b\n",
        "FROM a\nADD --link=false --keep-git-dir --unpack=True --checksum=sha256:abc "
        "--exclude=x a b\n",
        "FROM a\nCOPY --link=TRUE --parents=False a b\n",
        "FROM a\nRUN --mount=type=cache,target=/a --mount=type=cache,target=/b true\n",
        /* BuildKit never parses the flags of STOPSIGNAL, ARG and HEALTHCHECK NONE */
        "FROM a\nSTOPSIGNAL --anything SIGTERM\n",
        "ARG --x=1 a\nFROM a\n",
        "FROM a\nHEALTHCHECK --bogus NONE\n",
    };
    BAD(bad);
    GOOD(good);
}

static void test_run_mount(void **state)
{
    static const bad_case bad[] = {
        {"FROM a\nRUN --mount=type=cahce,target=/x true\n", 2, 13,
         "unsupported mount type \"cahce\" (did you mean cache?)"},
        {"FROM a\nRUN --mount=type=volume,target=/x true\n", 2, 13,
         "unsupported mount type \"volume\""},
        {"FROM a\nRUN --mount=type=cache,targt=/x true\n", 2, 24,
         "unexpected key 'targt' in 'targt=/x' (did you mean target?)"},
        {"FROM a\nRUN --mount=type=bind,target=/x,mode=0755 true\n", 2, 33,
         "mode not allowed for \"bind\" type mounts"},
        {"FROM a\nRUN --mount=type=tmpfs,target=/x,uid=0 true\n", 2, 34,
         "uid not allowed for \"tmpfs\" type mounts"},
        {"FROM a\nRUN --mount=type=secret true\n", 2, 5,
         "invalid secret mount. one of source, target required"},
        {"FROM a\nRUN --mount=type=secret,id=a,from=x true\n", 2, 30,
         "secret mount should not have a from"},
        {"FROM a\nRUN --mount=type=secret,id=a,src=b true\n", 2, 5,
         "both source and id can't be set"},
        {"FROM a\nRUN --mount=type=cache,target=/x,sharing=lockd true\n", 2, 34,
         "unsupported sharing value \"lockd\" (did you mean locked?)"},
        {"FROM a\nRUN --mount=type=bind,target=/x,sharing=locked true\n", 2, 33,
         "invalid cache sharing set for bind mount"},
        {"FROM a\nRUN --mount=type=tmpfs,target=/x,size=10q true\n", 2, 34,
         "invalid value for size: 10q"},
        {"FROM a\nRUN --mount=type=cache,target=/x,size=10m true\n", 2, 34,
         "unexpected key 'size' for mount type 'cache'"},
        /* required= comes before type=, so the type is still bind */
        {"FROM a\nRUN --mount=required,type=secret,id=a true\n", 2, 13,
         "unexpected key 'required' for mount type 'bind'"},
        {"FROM a\nRUN --mount=type=cache,target=/x,ro=maybe true\n", 2, 34,
         "invalid value for ro: maybe"},
        {"FROM a\nRUN --mount=type=cache,target=/x,uid=-1 true\n", 2, 34,
         "invalid value -1 for uid"},
        {"FROM a\nRUN --mount=type=cache,target=/x,mode=0999 true\n", 2, 34,
         "invalid value 0999 for mode"},
        {"FROM a\nRUN --mount=from=$STAGE,target=/x true\n", 2, 13,
         "'from' doesn't support variable expansion, define alias stage instead"},
        {"FROM a\nRUN --mount= true\n", 2, 5, "failed to parse csv mounts: EOF"},
        {"FROM a\nRUN --mount=type=cache,target=/x, true\n", 2, 34,
         "invalid field '' must be a key=value pair"},
        {"FROM a\nRUN --mount=type=cache,target=/x,cache true\n", 2, 34,
         "invalid field 'cache' must be a key=value pair"},
        {"FROM a\nRUN --mount=type=bind,target=/ true\n", 2, 5, "invalid mount target \"/\""},
        /* the field's position on the third physical line */
        {"FROM a\nRUN --mount=type=cache,target=/x \\\n"
         "    --mount=type=cache,target=/y,Foo=bar \\\n    true\n",
         3, 34, "unexpected key 'foo' in 'Foo=bar' (did you mean from?)"},
    };
    static const char *const good[] = {
        "FROM a\nRUN --mount=type=cache,target=/root/.cache pip install x\n",
        "FROM a\nRUN --mount=type=bind,source=.,target=/src,rw \\\n"
        "    --mount=type=cache,target=/y,Mode=0644,UID=1000,gid=1000,sharing=PRIVATE,id=pip \\\n"
        "    --mount=type=tmpfs,dst=/tmp,size=64m \\\n"
        "    --mount=type=secret,id=tok,env=TOKEN,required=true \\\n"
        "    --mount=type=ssh,required \\\n"
        "    true\n",
        "FROM a\nRUN --mount=target=/x,from=build,source=/out,readonly true\n",
        /* values with variables are checked by BuildKit after expansion: not here */
        "FROM a\nRUN --mount=type=$T,target=/,mode=$M true\n",
        "FROM a\nRUN --mount=type=cache,target=/x,sharing=${S} true\n",
        "FROM a\nRUN --mount=from=stage$,target=/x true\n",
    };
    BAD(bad);
    GOOD(good);
}

static void test_run_network_security_device(void **state)
{
    static const bad_case bad[] = {
        {"FROM a\nRUN --network=bridge true\n", 2, 5, "invalid network mode \"bridge\""},
        {"FROM a\nRUN --network=Host true\n", 2, 5, "invalid network mode \"Host\""},
        {"FROM a\nRUN --network= true\n", 2, 5, "invalid network mode \"\""},
        {"FROM a\nRUN --security=sandbx true\n", 2, 5, "security \"sandbx\" is not valid"},
        {"FROM a\nRUN --device=name=a,name=b true\n", 2, 21, "device name already set to a"},
        {"FROM a\nRUN --device=a,b true\n", 2, 16, "invalid field 'b' must be a key=value pair"},
        {"FROM a\nRUN --device=a,required=maybe true\n", 2, 16,
         "invalid value for required: maybe"},
        {"FROM a\nRUN --device=a,nme=b true\n", 2, 16,
         "unexpected key 'nme' in 'nme=b' (did you mean name?)"},
        /* BuildKit checks the devices before the mounts */
        {"FROM a\nRUN --mount=type=nope --device=a,b true\n", 2, 34,
         "invalid field 'b' must be a key=value pair"},
        /* and the mount syntax before the network, before the mount options */
        {"FROM a\nRUN --mount=type=nope --network=nope true\n", 2, 23,
         "invalid network mode \"nope\""},
    };
    static const char *const good[] = {
        "FROM a\nRUN --network=host --security=insecure true\n",
        "FROM a\nRUN --network=none --security=sandbox true\n",
        "FROM a\nRUN --network=default true\n",
        "FROM a\nRUN --device=nvidia.com/gpu=all true\n",
        "FROM a\nRUN --device=name=nvidia.com/gpu=0,required --device=vendor.com/x true\n",
    };
    BAD(bad);
    GOOD(good);
}

static void test_copy_add(void **state)
{
    static const bad_case bad[] = {
        {"FROM a\nCOPY onlyone\n", 2, 1, NO_DEST("COPY")},
        {"FROM a\nADD [\"x\"]\n", 2, 1, NO_DEST("ADD")},
        {"FROM a\ncopy\n", 2, 1, NO_DEST("COPY")},
        {"FROM a\nCOPY a <<EOF\nhi\nEOF\n", 2, 8, "COPY cannot accept a heredoc as a destination"},
        {"FROM a\nADD [\"a\", \"<<-EOT\"]\n", 2, 11, "ADD cannot accept a heredoc as a destination"},
        {"FROM a\nCOPY --chmod=888 a b\n", 2, 6,
         "invalid chmod parameter: '888'. it should be octal string and between 0 and 07777"},
        {"FROM a\nCOPY --chmod=10000 a b\n", 2, 6,
         "invalid chmod parameter: '10000'. it should be octal string and between 0 and 07777"},
        {"FROM a\nADD --chmod=abc a b\n", 2, 5, "invalid syntax"},
        {"FROM a\nCOPY --chmod=u+x, a b\n", 2, 6, "invalid syntax"},
    };
    static const char *const good[] = {
        "FROM a\nCOPY <<EOF /dst\nhi\nEOF\n",
        "FROM a\nADD <<-EOT /x\n\thi\n\tEOT\n",
        "FROM a\nCOPY --chmod=0755 a b\n",
        "FROM a\nCOPY --chmod=u+x,go=rX a b\n",
        "FROM a\nCOPY --chmod=+x a b\n",
        "FROM a\nCOPY --chmod=$MODE a b\n",
        "FROM a\nCOPY [\"a\", \"b c\"]\n",
        "FROM a\nCOPY a b c /dir/\n",
        "FROM a\nCOPY [\"a\", \"<<two words\"]\n", /* a heredoc name is one word */
    };
    BAD(bad);
    GOOD(good);
}

static void test_exactly_one_argument(void **state)
{
    static const bad_case bad[] = {
        {"FROM a\nWORKDIR\n", 2, 1, "WORKDIR requires exactly one argument"},
        {"FROM a\nuser\n", 2, 1, "USER requires exactly one argument"},
        {"FROM a\nSTOPSIGNAL\n", 2, 1, "STOPSIGNAL requires exactly one argument"},
        {"FROM a\nMAINTAINER\n", 2, 1, "MAINTAINER requires exactly one argument"},
        {"FROM a\nWORKDIR --x=1\n", 2, 1, "WORKDIR requires exactly one argument"},
    };
    static const char *const good[] = {
        "FROM a\nWORKDIR /a b\n", /* the rest of the line is one argument */
        "FROM a\nUSER 1000:1000\n",
        "FROM a\nMAINTAINER Me <me@example.com>\n",
        "FROM a\nSTOPSIGNAL SIGKILL\n",
    };
    BAD(bad);
    GOOD(good);
}

static void test_at_least_one_argument(void **state)
{
    static const bad_case bad[] = {
        {"FROM a\nEXPOSE\n", 2, 1, "EXPOSE requires at least one argument"},
        {"FROM a\nVOLUME\n", 2, 1, "VOLUME requires at least one argument"},
        {"FROM a\nVOLUME []\n", 2, 1, "VOLUME requires at least one argument"},
        {"FROM a\nVOLUME [\"/a\", \"\"]\n", 2, 15, "VOLUME specified can not be an empty string"},
        {"FROM a\nVOLUME [\" \"]\n", 2, 9, "VOLUME specified can not be an empty string"},
        {"ARG\nFROM a\n", 1, 1, "ARG requires at least one argument"},
        {"FROM a\nARG ok =x\n", 2, 8, "ARG names can not be blank"},
        {"FROM a\nENV\n", 2, 1, "ENV requires at least one argument"},
        {"FROM a\nENV a=1 =x\n", 2, 9, "ENV names can not be blank"},
        {"FROM a\nLABEL\n", 2, 1, "LABEL requires at least one argument"},
        {"FROM a\nLABEL =c\n", 2, 7, "LABEL names can not be blank"},
        {"FROM a\nSHELL\n", 2, 1, "SHELL requires at least one argument"},
        {"FROM a\nSHELL []\n", 2, 1, "SHELL requires at least one argument"},
        {"FROM a\nSHELL bash -c\n", 2, 7, "SHELL requires the arguments to be in JSON form"},
    };
    static const char *const good[] = {
        "FROM a\nEXPOSE 80 443/tcp\n",
        "FROM a\nVOLUME /data [\"not json\"\n",
        "FROM a\nVOLUME [\"/a\", \"/b\"]\n",
        "ARG A B=2 C=\nFROM a\n",
        "FROM a\nENV A=1 B=\"two words\"\nENV C legacy value\n",
        "FROM a\nLABEL a=b \"c\"=d\n",
        "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
        "FROM a\nCMD\nENTRYPOINT\nRUN\n", /* BuildKit takes these empty */
    };
    BAD(bad);
    GOOD(good);
}

static void test_onbuild(void **state)
{
    static const bad_case bad[] = {
        {"FROM a\nONBUILD\n", 2, 1, "ONBUILD requires at least one argument"},
        {"FROM a\nONBUILD ONBUILD RUN x\n", 2, 9,
         "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"},
        {"FROM a\nONBUILD from x\n", 2, 9, "FROM isn't allowed as an ONBUILD trigger"},
        {"FROM a\nONBUILD MAINTAINER me\n", 2, 9, "MAINTAINER isn't allowed as an ONBUILD trigger"},
        /* the trigger itself is checked too */
        {"FROM a\nONBUILD COPY a\n", 2, 9, NO_DEST("COPY")},
        {"FROM a\nONBUILD RUN --network=bogus x\n", 2, 13, "invalid network mode \"bogus\""},
        {"FROM a\nONBUILD   HEALTHCHECK --interval=1x CMD true\n", 2, 23,
         "time: unknown unit \"x\" in duration \"1x\""},
    };
    static const char *const good[] = {
        "FROM a\nONBUILD RUN echo hi\n",
        "FROM a\nONBUILD COPY --chown=1 a b\n",
        "FROM a\nonbuild add a b\n",
        "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\n",
    };
    BAD(bad);
    GOOD(good);

    /* the ONBUILD is marked along with its trigger */
    df_file *file = parse(state, "FROM a\nONBUILD WORKDIR\n");
    assert_true(file->instrs[1].has_error);
    assert_true(file->instrs[1].trigger->has_error);
}

static void test_healthcheck(void **state)
{
    static const bad_case bad[] = {
        {"FROM a\nHEALTHCHECK NONE extra\n", 2, 18, "HEALTHCHECK NONE takes no arguments"},
        {"FROM a\nhealthcheck none [\"x\"]\n", 2, 19, "HEALTHCHECK NONE takes no arguments"},
        {"FROM a\nHEALTHCHECK --interval=30 CMD true\n", 2, 13,
         "time: missing unit in duration \"30\""},
        {"FROM a\nHEALTHCHECK --interval=30x CMD true\n", 2, 13,
         "time: unknown unit \"x\" in duration \"30x\""},
        {"FROM a\nHEALTHCHECK --timeout=abc CMD true\n", 2, 13,
         "time: invalid duration \"abc\""},
        {"FROM a\nHEALTHCHECK --timeout=.s CMD true\n", 2, 13, "time: invalid duration \".s\""},
        {"FROM a\nHEALTHCHECK --interval=\xc3\xa9 CMD true\n", 2, 13,
         "time: invalid duration \"\\xc3\\xa9\""},
        {"FROM a\nHEALTHCHECK --interval=9999999999h CMD true\n", 2, 13,
         "time: invalid duration \"9999999999h\""},
        {"FROM a\nHEALTHCHECK --start-period=500us CMD true\n", 2, 13,
         "Interval \"start-period\" cannot be less than 1ms"},
        {"FROM a\nHEALTHCHECK --start-interval=-1s CMD true\n", 2, 13,
         "Interval \"start-interval\" cannot be less than 1ms"},
        {"FROM a\nHEALTHCHECK --interval=1\xc2\xb5s CMD true\n", 2, 13,
         "Interval \"interval\" cannot be less than 1ms"},
        {"FROM a\nHEALTHCHECK --retries=-1 CMD true\n", 2, 13, "--retries cannot be negative (-1)"},
        {"FROM a\nHEALTHCHECK --retries=x CMD true\n", 2, 13,
         "strconv.ParseInt: parsing \"x\": invalid syntax"},
        {"FROM a\nHEALTHCHECK --retries=2147483648 CMD true\n", 2, 13,
         "strconv.ParseInt: parsing \"2147483648\": value out of range"},
        {"FROM a\nHEALTHCHECK --interval=30s --interval=20s CMD true\n", 2, 28,
         "duplicate flag specified: --interval"},
    };
    static const char *const good[] = {
        ("FROM a\nHEALTHCHECK --interval=30s --timeout=1m30s --start-period=500ms "
         "--start-interval=1.5s --retries=3 CMD curl -f http://x\n"),
        "FROM a\nHEALTHCHECK --interval=0 --timeout=0s --start-period=-0 --retries=+0 CMD [\"x\"]\n",
        "FROM a\nHEALTHCHECK --interval=1ms --timeout=1h2m3.5s --retries=2147483647 CMD x\n",
        "FROM a\nHEALTHCHECK --interval= --retries= CMD x\n",
        "FROM a\nHEALTHCHECK NONE\n",
        "FROM a\nHEALTHCHECK cmd [\"curl\", \"-f\", \"http://x\"]\n",
    };
    BAD(bad);
    GOOD(good);
}

/* The checks BuildKit's parser test data contradicts: compiled, off by default. */
static void test_checks_behind_the_switch(void **state)
{
    static const bad_case bad[] = {
        {"FROM a\nCOPY --chmown=1 a b\n", 2, 6, "unknown flag: --chmown (did you mean chown?)"},
        {"FROM a\nRUN --mont=type=cache,target=/x true\n", 2, 5,
         "unknown flag: --mont (did you mean mount?)"},
        {"FROM a\nCMD --foo x\n", 2, 5, "unknown flag: --foo"},
        {"FROM a\nONBUILD --x RUN y\n", 2, 9, "unknown flag: --x"},
        {"FROM a\nHEALTHCHECK\n", 2, 1, "HEALTHCHECK requires at least one argument"},
        {"FROM a\nHEALTHCHECK CMD\n", 2, 13, "Missing command after HEALTHCHECK CMD"},
        {"FROM a\nHEALTHCHECK CMD []\n", 2, 13, "Missing command after HEALTHCHECK CMD"},
        {"FROM a\nHEALTHCHECK connect tcp\n", 2, 13, "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)"},
        {"RUN x\nFROM a\n", 1, 1, "no build stage in current context"},
    };
    BAD(bad);
}

/* Parser errors and instruction errors come out together, in source order,
 * and every instruction after an error is still checked. */
static void test_errors_in_source_order(void **state)
{
    df_file *file = parse(state, "FROM a AS 9\n"
                                 "RUNN x\n"
                                 "WORKDIR\n"
                                 "ENV PATH\n"
                                 "COPY --link=2 a b\n"
                                 "USER ok\n"
                                 "VOLUME\n");
    if (file->nerrors != 6)
        print_errors(state, "(above)");
    assert_int_equal(file->nerrors, 6);
    assert_error(state, 0, 1, 11, STAGE_NAME_MSG("9"));
    assert_error(state, 1, 2, 1, "unknown instruction: RUNN (did you mean RUN?)");
    assert_error(state, 2, 3, 1, "WORKDIR requires exactly one argument");
    assert_error(state, 3, 4, 5, "ENV must have two arguments");
    assert_error(state, 4, 5, 6, "expecting boolean value for flag --link, not: 2");
    assert_error(state, 5, 7, 1, "VOLUME requires at least one argument");
    assert_true(file->instrs[0].has_error);
    assert_false(file->instrs[5].has_error);
    assert_true(file->instrs[6].has_error);
}

/* An instruction gets one error, the first BuildKit raises. */
static void test_one_error_per_instruction(void **state)
{
    df_file *file = parse(state, "FROM a\nCOPY --link=x --link=y --chmod=9 a <<EOF\nhi\nEOF\n");
    assert_int_equal(file->nerrors, 1);
    assert_error(state, 0, 2, 6, "expecting boolean value for flag --link, not: x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_from, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_mount, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_network_security_device, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exactly_one_argument, setup, teardown),
        cmocka_unit_test_setup_teardown(test_at_least_one_argument, setup, teardown),
        cmocka_unit_test_setup_teardown(test_onbuild, setup, teardown),
        cmocka_unit_test_setup_teardown(test_healthcheck, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checks_behind_the_switch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_in_source_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_error_per_instruction, setup, teardown),
    };
    return cmocka_run_group_tests_name("instruction checks", tests, NULL, NULL);
}
