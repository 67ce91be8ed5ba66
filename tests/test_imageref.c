/* Image reference parsing: one cmocka test per table row, then the helpers. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "envdoctor/arena.h"
#include "envdoctor/imageref.h"

/* Long inputs, spelled with string-literal concatenation. */
#define A10 "aaaaaaaaaa"
#define A50 A10 A10 A10 A10 A10
#define A100 A50 A50
#define A247 A100 A100 A10 A10 A10 A10 "aaaaaaa"
#define A248 A247 "a"
#define A255 A248 "aaaaaaa"
#define A256 A255 "a"
#define T10 "tttttttttt"
#define T128 T10 T10 T10 T10 T10 T10 T10 T10 T10 T10 T10 T10 "tttttttt"
#define HEX16 "0123456789abcdef"
#define HEX32 HEX16 HEX16
#define HEX64 HEX32 HEX32
#define HEX16_UP "0123456789ABCDEF"
#define HEX64_UP HEX16_UP HEX16_UP HEX16_UP HEX16_UP

#define E(msg) "invalid reference format: " msg

typedef struct img_case {
    const char *label;
    const char *text;
    size_t len; /* 0: strlen(text) */
    /* valid: expected fields (registry != NULL) */
    const char *registry, *repository, *familiar, *name;
    size_t path_start;
    const char *tag, *digest;
    /* invalid: expected message and offending bytes */
    const char *error;
    size_t err_start, err_end;
} img_case;

#define OK(label, text, reg, repo, fam, name, path_start, tag, digest)                        \
    {label, text, 0, reg, repo, fam, name, path_start, tag, digest, NULL, 0, 0}
#define BAD(label, text, msg, from, to) {label, text, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, msg, from, to}
#define BADN(label, text, len, msg, from, to)                                                 \
    {label, text, len, NULL, NULL, NULL, NULL, 0, NULL, NULL, msg, from, to}

static const img_case img_cases[] = {
    /* Docker Hub official images: every spelling is one image */
    OK("plain", "python", "docker.io", "library/python", "python", "python", 0, NULL, NULL),
    OK("plain tag", "python:3.11", "docker.io", "library/python", "python", "python", 0, "3.11",
       NULL),
    OK("library prefix", "library/python:3.11-slim", "docker.io", "library/python", "python",
       "library/python", 0, "3.11-slim", NULL),
    OK("docker.io library", "docker.io/library/python", "docker.io", "library/python", "python",
       "docker.io/library/python", 10, NULL, NULL),
    OK("docker.io short", "docker.io/python", "docker.io", "library/python", "python",
       "docker.io/python", 10, NULL, NULL),
    OK("index.docker.io", "index.docker.io/library/python", "docker.io", "library/python",
       "python", "index.docker.io/library/python", 16, NULL, NULL),
    OK("index.docker.io short", "index.docker.io/python:3", "docker.io", "library/python",
       "python", "index.docker.io/python", 16, "3", NULL),
    OK("single letter", "a", "docker.io", "library/a", "a", "a", 0, NULL, NULL),
    OK("digits only", "123/456", "docker.io", "123/456", "123/456", "123/456", 0, NULL, NULL),
    OK("scratch", "scratch", "docker.io", "library/scratch", "scratch", "scratch", 0, NULL, NULL),
    OK("bare docker.io is a name", "docker.io", "docker.io", "library/docker.io", "docker.io",
       "docker.io", 0, NULL, NULL),
    OK("nested library path keeps prefix", "docker.io/library/foo/bar", "docker.io",
       "library/foo/bar", "library/foo/bar", "docker.io/library/foo/bar", 10, NULL, NULL),

    /* Docker Hub user images */
    OK("nvidia cuda", "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04", "docker.io", "nvidia/cuda",
       "nvidia/cuda", "nvidia/cuda", 0, "12.4.1-cudnn-devel-ubuntu22.04", NULL),
    OK("index.docker.io user", "index.docker.io/nvidia/cuda:12.4.1-base-ubuntu22.04", "docker.io",
       "nvidia/cuda", "nvidia/cuda", "index.docker.io/nvidia/cuda", 16, "12.4.1-base-ubuntu22.04",
       NULL),
    OK("double underscore", "foo__bar/baz", "docker.io", "foo__bar/baz", "foo__bar/baz",
       "foo__bar/baz", 0, NULL, NULL),
    OK("many dashes", "a---b/c--d", "docker.io", "a---b/c--d", "a---b/c--d", "a---b/c--d", 0, NULL,
       NULL),
    OK("mixed separators", "foo_bar-baz/x.y__z", "docker.io", "foo_bar-baz/x.y__z",
       "foo_bar-baz/x.y__z", "foo_bar-baz/x.y__z", 0, NULL, NULL),
    OK("semver tag", "foo/bar:1.0.0-rc.1", "docker.io", "foo/bar", "foo/bar", "foo/bar", 0,
       "1.0.0-rc.1", NULL),

    /* Other registries */
    OK("nvcr", "nvcr.io/nvidia/pytorch:24.05-py3", "nvcr.io", "nvidia/pytorch",
       "nvcr.io/nvidia/pytorch", "nvcr.io/nvidia/pytorch", 8, "24.05-py3", NULL),
    OK("ghcr deep path", "ghcr.io/owner/repo/sub:v1", "ghcr.io", "owner/repo/sub",
       "ghcr.io/owner/repo/sub", "ghcr.io/owner/repo/sub", 8, "v1", NULL),
    OK("registry-1 not normalised", "registry-1.docker.io/library/python", "registry-1.docker.io",
       "library/python", "registry-1.docker.io/library/python",
       "registry-1.docker.io/library/python", 21, NULL, NULL),
    OK("localhost", "localhost/foo", "localhost", "foo", "localhost/foo", "localhost/foo", 10, NULL,
       NULL),
    OK("localhost port", "localhost:5000/foo/bar:latest", "localhost:5000", "foo/bar",
       "localhost:5000/foo/bar", "localhost:5000/foo/bar", 15, "latest", NULL),
    OK("ipv4 port", "127.0.0.1:5000/foo", "127.0.0.1:5000", "foo", "127.0.0.1:5000/foo",
       "127.0.0.1:5000/foo", 15, NULL, NULL),
    OK("ipv6 port", "[::1]:5000/foo", "[::1]:5000", "foo", "[::1]:5000/foo", "[::1]:5000/foo", 11,
       NULL, NULL),
    OK("ipv6 no port", "[2001:db8::1]/team/app:1.0", "[2001:db8::1]", "team/app",
       "[2001:db8::1]/team/app", "[2001:db8::1]/team/app", 14, "1.0", NULL),
    OK("dashed host port", "my-registry.example.com:443/team/app", "my-registry.example.com:443",
       "team/app", "my-registry.example.com:443/team/app", "my-registry.example.com:443/team/app",
       28, NULL, NULL),
    OK("uppercase host", "REGISTRY.Example.COM/app", "REGISTRY.Example.COM", "app",
       "REGISTRY.Example.COM/app", "REGISTRY.Example.COM/app", 21, NULL, NULL),
    OK("capitalised first component is a host", "Foo/bar", "Foo", "bar", "Foo/bar", "Foo/bar", 4,
       NULL, NULL),
    OK("host with colon only", "myhost:5000/app", "myhost:5000", "app", "myhost:5000/app",
       "myhost:5000/app", 12, NULL, NULL),

    /* Single components that look like hosts are names on Docker Hub */
    OK("bare localhost", "localhost", "docker.io", "library/localhost", "localhost", "localhost", 0,
       NULL, NULL),
    OK("bare localhost:5000 is a tag", "localhost:5000", "docker.io", "library/localhost",
       "localhost", "localhost", 0, "5000", NULL),

    /* Tags */
    OK("tag underscore first", "foo:_tag", "docker.io", "library/foo", "foo", "foo", 0, "_tag",
       NULL),
    OK("tag uppercase", "foo:LATEST", "docker.io", "library/foo", "foo", "foo", 0, "LATEST", NULL),
    OK("tag dots dashes underscores", "foo:a.b-c_d..e--f", "docker.io", "library/foo", "foo", "foo",
       0, "a.b-c_d..e--f", NULL),
    OK("tag 128", "foo:" T128, "docker.io", "library/foo", "foo", "foo", 0, T128, NULL),
    OK("sha256 looks like a name", "sha256:" HEX64, "docker.io", "library/sha256", "sha256",
       "sha256", 0, HEX64, NULL),

    /* Digests */
    OK("sha256 digest", "python@sha256:" HEX64, "docker.io", "library/python", "python", "python",
       0, NULL, "sha256:" HEX64),
    OK("tag and digest", "python:3.11@sha256:" HEX64, "docker.io", "library/python", "python",
       "python", 0, "3.11", "sha256:" HEX64),
    OK("registry tag digest", "localhost:5000/a/b:v2@sha256:" HEX64, "localhost:5000", "a/b",
       "localhost:5000/a/b", "localhost:5000/a/b", 15, "v2", "sha256:" HEX64),
    OK("sha384 digest", "foo@sha384:" HEX64 HEX32, "docker.io", "library/foo", "foo", "foo", 0,
       NULL, "sha384:" HEX64 HEX32),
    OK("sha512 digest", "foo@sha512:" HEX64 HEX64, "docker.io", "library/foo", "foo", "foo", 0,
       NULL, "sha512:" HEX64 HEX64),

    /* Lengths: the limit is on the repository path (with library/), not the registry */
    OK("247 + library/ = 255", A247, "docker.io", "library/" A247, A247, A247, 0, NULL, NULL),
    OK("255 path with namespace", "x/" A248 "aaaaa", "docker.io", "x/" A248 "aaaaa",
       "x/" A248 "aaaaa", "x/" A248 "aaaaa", 0, NULL, NULL),
    OK("registry not counted", "example.com/" A255, "example.com", A255, "example.com/" A255,
       "example.com/" A255, 12, NULL, NULL),
    OK("63 hex is a name", HEX32 "0123456789abcdef0123456789abcde", "docker.io",
       "library/" HEX32 "0123456789abcdef0123456789abcde", HEX32 "0123456789abcdef0123456789abcde",
       HEX32 "0123456789abcdef0123456789abcde", 0, NULL, NULL),

    /* Errors: missing parts */
    BAD("empty", "", E("repository name must have at least one component"), 0, 0),
    BAD("only tag", ":tag", E("missing repository name"), 0, 1),
    BAD("only digest", "@sha256:" HEX64, E("missing repository name"), 0, 1),
    BAD("trailing colon", "foo:", E("missing tag after ':'"), 3, 4),
    BAD("registry trailing colon", "nvcr.io/nvidia/pytorch:", E("missing tag after ':'"), 22, 23),
    BAD("trailing at", "foo@", E("missing digest after '@'"), 3, 4),
    BAD("double slash", "foo//bar", E("empty path component in repository name"), 4, 5),
    BAD("trailing slash", "foo/", E("empty path component in repository name"), 4, 4),
    BAD("leading slash", "/foo", E("empty path component in repository name"), 0, 1),
    BAD("registry only", "localhost:5000/", E("empty path component in repository name"), 15, 15),

    /* Errors: path components */
    BAD("leading dash", "-foo", E("path component must start with a lowercase letter or digit"), 0,
        1),
    BAD("leading dot in second component", "foo/.bar",
        E("path component must start with a lowercase letter or digit"), 4, 5),
    BAD("trailing dash", "foo-", E("path component must end with a lowercase letter or digit"), 3,
        4),
    BAD("trailing double underscore", "foo__/bar",
        E("path component must end with a lowercase letter or digit"), 3, 5),
    BAD("dot dash", "foo.-bar", E("invalid separator in repository name"), 3, 5),
    BAD("triple underscore", "foo___bar", E("invalid separator in repository name"), 3, 6),
    BAD("double dot", "foo..bar", E("invalid separator in repository name"), 3, 5),
    BAD("colon in middle component", "a/b:c/d", E("invalid character in repository name"), 3, 4),
    BAD("plus in name", "foo+bar", E("invalid character in repository name"), 3, 4),
    BAD("leading space", " python", E("invalid character in repository name"), 0, 1),
    BAD("trailing space", "python ", E("invalid character in repository name"), 6, 7),

    /* Errors: uppercase repository */
    BAD("capitalised name", "Python", E("repository name must be lowercase"), 0, 1),
    BAD("uppercase second component", "nvidia/CUDA:12.4.1", E("repository name must be lowercase"),
        7, 8),
    BAD("uppercase after registry", "nvcr.io/Nvidia/pytorch", E("repository name must be lowercase"),
        8, 9),

    /* Errors: registries */
    BAD("empty port", "localhost:/foo", E("registry port must be a number"), 9, 10),
    BAD("named port", "localhost:http/foo", E("registry port must be a number"), 9, 14),
    BAD("tag-like first component", "foo:bar/baz", E("registry port must be a number"), 3, 7),
    BAD("two ports", "host:1:2/foo", E("registry port must be a number"), 4, 8),
    BAD("ipv6 unclosed", "[::1/foo", E("invalid IPv6 address in registry"), 0, 4),
    BAD("ipv6 zone", "[fe80::1%eth0]:5000/foo", E("invalid IPv6 address in registry"), 0, 9),
    BAD("ipv6 empty", "[]:5000/foo", E("invalid IPv6 address in registry"), 0, 2),
    BAD("brackets without colon are a path", "[]/foo", E("invalid character in repository name"), 0,
        1),
    BAD("ipv6 junk after bracket", "[::1]x/foo", E("invalid character in registry"), 5, 6),
    BAD("ipv6 without a path", "[::1]:5000", E("invalid character in repository name"), 0, 1),
    BAD("underscore in host", "foo_bar.com/baz", E("invalid character in registry"), 3, 4),
    BAD("host part starts with dash", "-foo.com/bar",
        E("registry host name parts must not start or end with '-'"), 0, 4),
    BAD("host part ends with dash", "foo-.com/bar",
        E("registry host name parts must not start or end with '-'"), 0, 4),
    BAD("empty host part", "foo..com/bar", E("empty part in registry host name"), 0, 8),
    BAD("trailing dot host", "foo.com./bar", E("empty part in registry host name"), 0, 8),

    /* Errors: tags */
    BAD("tag 129", "foo:" T128 "t", E("tag must not be more than 128 characters"), 4, 133),
    BAD("tag starts with dot", "foo:.tag", E("tag must start with a letter, digit or '_'"), 4, 5),
    BAD("tag starts with dash", "foo:-tag", E("tag must start with a letter, digit or '_'"), 4, 5),
    BAD("tag with plus", "foo:ta+g", E("invalid character in tag"), 6, 7),
    BAD("two colons", "foo:bar:baz", E("invalid character in tag"), 7, 8),
    BAD("tag with slash after registry", "localhost:5000/foo:a/b",
        E("invalid character in repository name"), 18, 19),

    /* Errors: digests */
    BAD("sha256 uppercase", "foo@sha256:" HEX64_UP,
        E("sha256 digest must be 64 lowercase hex characters"), 11, 75),
    BAD("sha256 63", "foo@sha256:" HEX32 "0123456789abcdef0123456789abcde",
        E("sha256 digest must be 64 lowercase hex characters"), 11, 74),
    BAD("sha256 65", "foo@sha256:" HEX64 "0", E("sha256 digest must be 64 lowercase hex characters"),
        11, 76),
    BAD("sha256 31", "foo@sha256:0123456789abcdef0123456789abcde",
        E("digest must have at least 32 hex characters"), 11, 42),
    BAD("sha512 short", "foo@sha512:" HEX64, E("sha512 digest must be 128 lowercase hex characters"),
        11, 75),
    BAD("unsupported algorithm", "foo@md5:" HEX32, E("unsupported digest algorithm (sha256, sha384 and sha512 are)"), 4, 7),
    BAD("uppercase algorithm", "foo@SHA256:" HEX64, E("invalid digest algorithm"), 4, 10),
    BAD("digest without hex", "foo@sha256", E("digest must be <algorithm>:<hex>"), 4, 10),
    BAD("digest non-hex", "foo@sha256:" HEX32 "xyz", E("invalid character in digest"), 43, 44),
    BAD("algorithm starts with digit", "foo@256:" HEX64, E("invalid digest algorithm"), 4, 5),
    BAD("two at signs", "foo@sha256:" HEX64 "@x", E("invalid character in digest"), 75, 76),

    /* Errors: lengths and image IDs */
    BAD("248 + library/ = 256", A248, E("repository name must not be more than 255 characters"), 0,
        248),
    BAD("256-char name", "x/" A248 "aaaaaa",
        E("repository name must not be more than 255 characters"), 0, 256),
    BAD("256 path after registry", "example.com/" A256,
        E("repository name must not be more than 255 characters"), 12, 268),
    BAD("image id", HEX64, E("64-character hex strings are image IDs, not names"), 0, 64),

    /* Errors: bytes that are not ASCII */
    BAD("utf-8 letter", "pyth\xc3\xb6n", E("invalid character in repository name"), 4, 6),
    BAD("byte 0xff", "\xff", E("invalid character in repository name"), 0, 1),
    BAD("truncated utf-8", "caf\xc3", E("invalid character in repository name"), 3, 4),
    BAD("utf-8 in tag", "foo:v\xe2\x82\xac", E("invalid character in tag"), 5, 8),
    BADN("NUL inside", "py\0thon", 7, E("invalid character in repository name"), 2, 3),
};

#define IMG_CASE_COUNT (sizeof img_cases / sizeof img_cases[0])

static void assert_opt_string(const char *got, const char *want)
{
    if (!want)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

static void test_case(void **state)
{
    const img_case *c = *state;
    size_t len = c->len ? c->len : strlen(c->text);
    ed_arena *arena = ed_arena_new();
    img_ref ref;
    const char *error = "unset";
    bool ok = img_ref_parse(arena, c->text, len, &ref, &error);

    if (!c->registry) {
        if (ok)
            fail_msg("%s: parsed as %s", c->label, ref.familiar);
        assert_string_equal(error, c->error);
        assert_int_equal(ref.error_start, c->err_start);
        assert_int_equal(ref.error_end, c->err_end);
        assert_null(ref.registry);
        ed_arena_free(arena);
        return;
    }

    if (!ok)
        fail_msg("%s: %s at %zu..%zu", c->label, error, ref.error_start, ref.error_end);
    assert_null(error);
    assert_string_equal(ref.registry, c->registry);
    assert_string_equal(ref.repository, c->repository);
    assert_string_equal(ref.familiar, c->familiar);
    assert_string_equal(ref.name, c->name);
    assert_opt_string(ref.tag, c->tag);
    assert_opt_string(ref.digest, c->digest);

    /* Offsets: the layout is always name [":" tag] ["@" digest]. */
    size_t name_len = strlen(c->name);
    assert_int_equal(ref.name_start, 0);
    assert_int_equal(ref.name_end, name_len);
    assert_int_equal(ref.path_start, c->path_start);
    size_t next = name_len;
    if (c->tag) {
        assert_int_equal(ref.tag_start, next + 1);
        assert_int_equal(ref.tag_end, next + 1 + strlen(c->tag));
        next = ref.tag_end;
    }
    if (c->digest) {
        assert_int_equal(ref.digest_start, next + 1);
        assert_int_equal(ref.digest_end, len);
        next = len;
    }
    assert_int_equal(next, len);
    assert_mem_str(c->text + ref.name_start, ref.name_end - ref.name_start, c->name);
    ed_arena_free(arena);
}

/* Parses or fails the test; the arena keeps the strings. */
static img_ref parse_ok(ed_arena *arena, const char *text)
{
    img_ref ref;
    const char *error = NULL;
    if (!img_ref_parse(arena, text, strlen(text), &ref, &error))
        fail_msg("%s: %s", text, error);
    return ref;
}

static void test_explicit_offsets(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    img_ref r = parse_ok(arena, "nvcr.io/nvidia/pytorch:24.05-py3@sha256:" HEX64);
    assert_int_equal(r.name_start, 0);
    assert_int_equal(r.path_start, 8);
    assert_int_equal(r.name_end, 22);
    assert_int_equal(r.tag_start, 23);
    assert_int_equal(r.tag_end, 32);
    assert_int_equal(r.digest_start, 33);
    assert_int_equal(r.digest_end, 33 + 7 + 64);
    ed_arena_free(arena);
}

static void test_not_nul_terminated(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    /* Only the first 11 bytes are the reference: "python:3.11" */
    const char text[] = "python:3.11 AS base";
    img_ref r;
    assert_true(img_ref_parse(arena, text, 11, &r, NULL));
    assert_string_equal(r.tag, "3.11");
    assert_int_equal(r.tag_end, 11);
    /* error may be NULL on failure too */
    assert_false(img_ref_parse(arena, text, sizeof text - 1, &r, NULL));
    assert_false(img_ref_parse(arena, NULL, 0, &r, NULL));
    ed_arena_free(arena);
}

static void test_same_repo(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    const char *same[] = {"python", "python:3.11", "library/python", "docker.io/python:3",
                          "docker.io/library/python@sha256:" HEX64,
                          "index.docker.io/library/python:3.12-slim"};
    img_ref first = parse_ok(arena, same[0]);
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        img_ref r = parse_ok(arena, same[i]);
        assert_true(img_ref_same_repo(&first, &r));
    }
    img_ref cuda = parse_ok(arena, "nvidia/cuda:12.4.1-base-ubuntu22.04");
    img_ref hub_cuda = parse_ok(arena, "docker.io/nvidia/cuda");
    img_ref nvcr_cuda = parse_ok(arena, "nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04");
    img_ref other_registry = parse_ok(arena, "registry-1.docker.io/library/python");
    assert_true(img_ref_same_repo(&cuda, &hub_cuda));
    assert_false(img_ref_same_repo(&cuda, &nvcr_cuda));
    assert_false(img_ref_same_repo(&first, &cuda));
    assert_false(img_ref_same_repo(&first, &other_registry));
    ed_arena_free(arena);
}

static void test_is(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    img_ref cuda = parse_ok(arena, "index.docker.io/nvidia/cuda:12.4.1-devel-ubuntu22.04");
    assert_true(img_ref_is(&cuda, "nvidia/cuda"));
    assert_true(img_ref_is(&cuda, "docker.io/nvidia/cuda"));
    assert_false(img_ref_is(&cuda, "nvcr.io/nvidia/cuda"));
    assert_false(img_ref_is(&cuda, "nvidia/cudagl"));
    assert_false(img_ref_is(&cuda, "nvidia"));
    assert_false(img_ref_is(&cuda, "nvidia/cuda:12.4.1-devel-ubuntu22.04")); /* names only */

    img_ref py = parse_ok(arena, "python:3.11");
    assert_true(img_ref_is(&py, "python"));
    assert_true(img_ref_is(&py, "library/python"));
    assert_true(img_ref_is(&py, "docker.io/library/python"));
    assert_false(img_ref_is(&py, "pytho"));
    assert_false(img_ref_is(&py, "library/pythonx"));
    assert_false(img_ref_is(&py, "Python")); /* invalid never matches */
    assert_false(img_ref_is(&py, ""));

    img_ref pt = parse_ok(arena, "nvcr.io/nvidia/pytorch:24.05-py3");
    assert_true(img_ref_is(&pt, "nvcr.io/nvidia/pytorch"));
    assert_false(img_ref_is(&pt, "nvidia/pytorch"));
    assert_false(img_ref_is(&pt, "nvcr.io/nvidia/pytorch2"));

    img_ref local = parse_ok(arena, "localhost:5000/foo");
    assert_true(img_ref_is(&local, "localhost:5000/foo"));
    assert_false(img_ref_is(&local, "localhost/foo"));
    ed_arena_free(arena);
}

static void test_scratch(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    img_ref r = parse_ok(arena, "scratch");
    assert_true(img_ref_is_scratch(&r));
    assert_true(img_ref_is(&r, "scratch"));
    const char *not_scratch[] = {"scratch:latest", "library/scratch", "docker.io/library/scratch",
                                 "scratch@sha256:" HEX64, "scratchy", "foo/scratch"};
    for (size_t i = 0; i < sizeof not_scratch / sizeof not_scratch[0]; i++) {
        r = parse_ok(arena, not_scratch[i]);
        assert_false(img_ref_is_scratch(&r));
    }
    ed_arena_free(arena);
}

static void test_strings(void **state)
{
    (void)state;
    ed_arena *arena = ed_arena_new();
    img_ref r = parse_ok(arena, "index.docker.io/library/python:3.11@sha256:" HEX64);
    assert_string_equal(img_ref_familiar_string(arena, &r), "python:3.11@sha256:" HEX64);
    assert_string_equal(img_ref_canonical_string(arena, &r),
                        "docker.io/library/python:3.11@sha256:" HEX64);
    r = parse_ok(arena, "nvidia/cuda");
    assert_string_equal(img_ref_familiar_string(arena, &r), "nvidia/cuda");
    assert_string_equal(img_ref_canonical_string(arena, &r), "docker.io/nvidia/cuda");
    r = parse_ok(arena, "[::1]:5000/foo:bar");
    assert_string_equal(img_ref_familiar_string(arena, &r), "[::1]:5000/foo:bar");
    assert_string_equal(img_ref_canonical_string(arena, &r), "[::1]:5000/foo:bar");
    ed_arena_free(arena);
}

static const struct CMUnitTest img_other_tests[] = {
    cmocka_unit_test(test_explicit_offsets), cmocka_unit_test(test_not_nul_terminated),
    cmocka_unit_test(test_same_repo),        cmocka_unit_test(test_is),
    cmocka_unit_test(test_scratch),          cmocka_unit_test(test_strings),
};

#define IMG_OTHER_COUNT (sizeof img_other_tests / sizeof img_other_tests[0])

int main(void)
{
    /* One named test per table row, so a failure names its case. */
    struct CMUnitTest tests[IMG_CASE_COUNT + IMG_OTHER_COUNT];
    for (size_t i = 0; i < IMG_CASE_COUNT; i++) {
        struct CMUnitTest t = cmocka_unit_test_prestate(test_case, (void *)&img_cases[i]);
        t.name = img_cases[i].label;
        tests[i] = t;
    }
    for (size_t i = 0; i < IMG_OTHER_COUNT; i++)
        tests[IMG_CASE_COUNT + i] = img_other_tests[i];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
