/* The image model: what a base image reference means for GPU work (vendor,
 * CUDA version, flavor, nvcc, tag existence, end of life), from the family
 * tables of images.yaml and the readers of each family's tag. */
#include <string.h>

#include "kb_internal.h"

/* Tag tokens are separated by '-' (nvidia/cuda, pytorch) or '_' (rocm/pytorch). */
static bool kb_is_token_sep(char c) { return c == '-' || c == '_'; }

/* The CUDA version a tag token names: "cuda12.1" (prefix "cuda") or
 * "cu1241" (prefix "cu", digits only). */
static bool kb_token_cuda(const char *token, const char *prefix, kb_version *out)
{
    size_t n = strlen(prefix);
    if (strncmp(token, prefix, n) != 0 || token[n] < '0' || token[n] > '9')
        return false;
    if (strcmp(prefix, "cu") == 0)
        return kb_cuda_suffix_version(token, out);
    return kb_version_parse(token + n, out) && out->minor >= 0;
}

/* Applies the family's token rules and, for reader "token", finds the CUDA. */
static void kb_read_tokens(const kb_family *fam, const char *tag, ed_arena *arena, int *vendor,
                           kb_image_facts *out)
{
    const char *p = tag;
    while (*p) {
        size_t len = 0;
        while (p[len] && !kb_is_token_sep(p[len]))
            len++;
        char *token = ed_arena_strndup(arena, p, len);
        for (size_t i = 0; i < fam->ntokens; i++) {
            const kb_token_rule *r = &fam->tokens[i];
            if (!kb_glob(r->token, token))
                continue;
            if (r->flavor)
                out->flavor = r->flavor;
            if (r->vendor >= 0)
                *vendor = r->vendor;
            if (r->nvcc != KB_UNKNOWN)
                out->has_nvcc = r->nvcc;
            if (r->cudnn != KB_UNKNOWN)
                out->has_cudnn = r->cudnn;
            break;
        }
        kb_version v;
        if (fam->reader == KB_READ_TOKEN && out->cuda.major < 0 &&
            kb_token_cuda(token, fam->cuda_token, &v))
            out->cuda = v;
        p += len;
        if (*p)
            p++;
    }
}

/* NGC: "24.05-py3" -> the CUDA of release 24.05. */
static void kb_read_ngc(const kb *k, const char *tag, ed_arena *arena, kb_image_facts *out)
{
    kb_version rel;
    const char *end = kb_version_scan(tag, &rel);
    if (!end || rel.minor < 0 || rel.patch >= 0 || (*end && *end != '-'))
        return;
    const kb_ngc_release *row = kb_ngc_find(k, rel);
    if (!row)
        return;
    char cs[32];
    out->cuda = row->cuda;
    out->cuda_unverified = !kb_solid(row->verified);
    out->note = ed_arena_printf(arena, "CUDA %s from NGC release %d.%02d%s%s (%s, %s)",
                                kb_version_str(row->cuda, cs, sizeof cs), rel.major, rel.minor,
                                row->note ? ": " : "", row->note ? row->note : "", row->source,
                                kb_verified_name(row->verified));
}

/* tensorflow/tensorflow:<ver>-gpu: the CUDA of the TF release's tested build. */
static void kb_read_tf(const kb *k, const char *tag, ed_arena *arena, kb_image_facts *out)
{
    kb_version tf;
    const char *end = kb_version_scan(tag, &tf);
    if (!end || *end != '-')
        return;
    char *tfs = ed_arena_strndup(arena, tag, (size_t)(end - tag));
    kb_version cuda;
    if (!kb_tf_cuda(k, tfs, &cuda, NULL))
        return;
    out->cuda = cuda;
    /* The table gives the CUDA TF was built with; the image's own CUDA per
     * version is [unverified] in the doc. */
    out->cuda_unverified = true;
    out->note = ed_arena_printf(arena,
                                "CUDA of the TF %s tested build configuration (TFSRC); the "
                                "image's own CUDA per version is unverified",
                                tfs);
}

void kb_image(const kb *k, const img_ref *ref, ed_arena *arena, kb_image_facts *out)
{
    *out = (kb_image_facts){.vendor = KB_VENDOR_UNKNOWN, .cuda = KB_VERSION_NONE};
    if (!k || !ref || !ref->familiar || img_ref_is_scratch(ref))
        return;
    const char *tag = ref->tag;
    out->floating = !ref->digest && (!tag || kb_tag_floats(k, tag));
    /* the user's own hints (.env-doctor.yaml) come before the tables */
    const kb_image_hint *hint = kb_image_hint_find(k, ref, arena);
    if (hint) {
        kb_hint_facts(hint, arena, out);
        return;
    }
    const kb_family *fam = kb_family_find(k, ref->familiar);
    if (!fam)
        return;
    out->family = fam->family;
    out->note = fam->note;
    out->has_nvcc = fam->nvcc;
    out->has_cudnn = fam->cudnn;

    int vendor = fam->vendor;
    if (tag)
        kb_read_tokens(fam, tag, arena, &vendor, out);
    /* "CPU-only" is a verdict that makes rules fire: only from solid data or
     * the naming convention of the CPU-only list. */
    if (vendor == KB_VENDOR_NONE && !fam->convention && !kb_solid(fam->verified))
        vendor = KB_VENDOR_UNKNOWN;
    out->vendor = (kb_vendor)vendor;
    if (vendor == KB_VENDOR_NONE) {
        out->has_nvcc = KB_NO;
        out->has_cudnn = KB_NO;
    }

    switch ((kb_reader)fam->reader) {
    case KB_READ_CUDA:
        if (tag || !ref->digest)
            kb_cuda_read_tag(k, tag ? tag : "latest", arena, out);
        break;
    case KB_READ_CUDA_LIKE:
        kb_cuda_like_read_tag(tag, arena, out);
        break;
    case KB_READ_NGC:
        if (tag)
            kb_read_ngc(k, tag, arena, out);
        break;
    case KB_READ_TF:
        if (tag && vendor == KB_VENDOR_NVIDIA)
            kb_read_tf(k, tag, arena, out);
        break;
    case KB_READ_TOKEN: /* done with the tokens */
    case KB_READ_NONE:
        break;
    }

    if (fam->no_latest && !ref->digest && (!tag || strcmp(tag, "latest") == 0) &&
        out->tag_exists != KB_NO) {
        out->tag_exists = KB_NO;
        out->tag_problem = ed_arena_printf(arena, "%s has no latest tag", ref->familiar);
    }
    if (fam->eol) {
        out->eol = KB_YES;
        out->eol_reason = out->eol_reason
                              ? ed_arena_printf(arena, "%s; %s", fam->eol, out->eol_reason)
                              : fam->eol;
    }
}
