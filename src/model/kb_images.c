/* Image families (images.yaml) and the NGC release table (ngc.yaml): which
 * family an image belongs to, which tags float, which CUDA an NGC month has. */
#include <string.h>

#include "kb_internal.h"

static const char *const kb_vendor_words[] = {"unknown", "none", "nvidia", "amd", "intel", NULL};
static const int kb_vendor_values[] = {KB_VENDOR_UNKNOWN, KB_VENDOR_NONE, KB_VENDOR_NVIDIA,
                                       KB_VENDOR_AMD, KB_VENDOR_INTEL};
static const char *const kb_reader_words[] = {"none", "cuda", "cuda-like", "token",
                                              "ngc",  "tensorflow", NULL};
static const int kb_reader_values[] = {KB_READ_NONE, KB_READ_CUDA, KB_READ_CUDA_LIKE,
                                       KB_READ_TOKEN, KB_READ_NGC, KB_READ_TF};

static const kb_field kb_token_fields[] = {
    KB_FIELD(kb_token_rule, "token", KB_F_STR, token, true),
    KB_FIELD(kb_token_rule, "flavor", KB_F_STR, flavor, false),
    KB_FIELD_ENUM(kb_token_rule, "vendor", vendor, false, -1, kb_vendor_words, kb_vendor_values),
    KB_FIELD(kb_token_rule, "nvcc", KB_F_TRI, nvcc, false),
    KB_FIELD(kb_token_rule, "cudnn", KB_F_TRI, cudnn, false),
};
/* Token rules are part of their family entry: no source of their own. */
static const kb_schema kb_token_schema = {"token rule", sizeof(kb_token_rule), kb_token_fields,
                                          sizeof kb_token_fields / sizeof kb_token_fields[0], false,
                                          "kb_token_rule"};

static const kb_field kb_family_fields[] = {
    KB_FIELD(kb_family, "family", KB_F_STR, family, true),
    KB_FIELD_N(kb_family, "match", KB_F_STRS, match, nmatch, true),
    KB_FIELD_ENUM(kb_family, "vendor", vendor, true, KB_VENDOR_UNKNOWN, kb_vendor_words,
                  kb_vendor_values),
    KB_FIELD_ENUM(kb_family, "reader", reader, true, KB_READ_NONE, kb_reader_words,
                  kb_reader_values),
    KB_FIELD(kb_family, "cuda_token", KB_F_STR, cuda_token, false),
    KB_FIELD(kb_family, "nvcc", KB_F_TRI, nvcc, false),
    KB_FIELD(kb_family, "cudnn", KB_F_TRI, cudnn, false),
    KB_FIELD_SUBS(kb_family, "tokens", tokens, ntokens, &kb_token_schema),
    KB_FIELD_DEF(kb_family, "no_latest", KB_F_BOOL, no_latest, 0),
    KB_FIELD_DEF(kb_family, "convention", KB_F_BOOL, convention, 0),
    KB_FIELD(kb_family, "eol", KB_F_STR, eol, false),
    KB_FIELD(kb_family, "note", KB_F_STR, note, false),
    KB_META(kb_family),
};
KB_SCHEMA(kb_family_schema, kb_family, "family", kb_family_fields);

static const kb_field kb_floating_fields[] = {
    KB_FIELD_N(kb_floating, "tags", KB_F_STRS, tags, ntags, true),
    KB_META(kb_floating),
};
KB_SCHEMA(kb_floating_schema, kb_floating, "floating-tags entry", kb_floating_fields);

static const kb_field kb_ngc_fields[] = {
    KB_FIELD(kb_ngc_release, "release", KB_F_RANGE, release, true),
    KB_FIELD(kb_ngc_release, "cuda", KB_F_VERSION, cuda, true),
    KB_FIELD(kb_ngc_release, "note", KB_F_STR, note, false),
    KB_META(kb_ngc_release),
};
KB_SCHEMA(kb_ngc_schema, kb_ngc_release, "NGC release", kb_ngc_fields);

static const kb_table kb_image_tables[] = {
    KB_ONE("images.yaml", "floating", kb_floating_schema, floating),
    KB_LIST("images.yaml", "families", kb_family_schema, families, nfamilies),
    KB_LIST("ngc.yaml", "releases", kb_ngc_schema, ngc, nngc),
};

static bool kb_images_finish(kb_ctx *ctx)
{
    const kb *k = kb_ctx_kb(ctx);
    for (size_t i = 0; i < k->nfamilies; i++) {
        const kb_family *f = &k->families[i];
        if (f->reader == KB_READ_TOKEN && !f->cuda_token)
            return kb_fail(ctx, NULL, "family %s: reader token needs cuda_token", f->family);
        if (f->cuda_token && strcmp(f->cuda_token, "cuda") != 0 && strcmp(f->cuda_token, "cu") != 0)
            return kb_fail(ctx, NULL, "family %s: cuda_token is cuda or cu", f->family);
    }
    for (size_t i = 0; i < k->nngc; i++)
        if (k->ngc[i].release.lo.minor > 12 || k->ngc[i].release.hi.minor > 12)
            return kb_fail(ctx, NULL, "NGC release %s is not YY.MM", k->ngc[i].release.text);
    return true;
}

const kb_module kb_module_images = {kb_image_tables,
                                    sizeof kb_image_tables / sizeof kb_image_tables[0],
                                    kb_images_finish};

const kb_family *kb_family_find(const kb *k, const char *familiar)
{
    for (size_t i = 0; familiar && i < k->nfamilies; i++)
        for (size_t j = 0; j < k->families[i].nmatch; j++)
            if (kb_glob(k->families[i].match[j], familiar))
                return &k->families[i];
    return NULL;
}

bool kb_tag_floats(const kb *k, const char *tag)
{
    for (size_t i = 0; tag && i < k->floating.ntags; i++)
        if (kb_glob(k->floating.tags[i], tag))
            return true;
    return false;
}

const kb_ngc_release *kb_ngc_find(const kb *k, kb_version release)
{
    for (size_t i = 0; i < k->nngc; i++)
        if (kb_range_has(&k->ngc[i].release, release) == KB_YES)
            return &k->ngc[i];
    return NULL;
}
