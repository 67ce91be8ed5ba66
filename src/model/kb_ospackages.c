/* OS and conda packages around the NVIDIA driver and the CUDA toolkit
 * (os-packages.yaml): driver, toolkit, compat, library or host tooling, with
 * the CUDA version a name like cuda-toolkit-12-4 carries. */
#include <ctype.h>
#include <string.h>

#include "kb_internal.h"

static const char *const kb_manager_words[] = {"any", "system", "conda", NULL};
static const int kb_manager_values[] = {KB_PMF_ANY, KB_PMF_SYSTEM, KB_PMF_CONDA};
static const char *const kb_class_words[] = {"other", "driver", "toolkit", "compat",
                                             "library", "host", NULL};
static const int kb_class_values[] = {KB_PKG_OTHER, KB_PKG_DRIVER, KB_PKG_TOOLKIT,
                                      KB_PKG_COMPAT, KB_PKG_LIBRARY, KB_PKG_HOST};

static const kb_field kb_os_pkg_fields[] = {
    KB_FIELD(kb_os_entry, "pattern", KB_F_STR, pattern, true),
    KB_FIELD_ENUM(kb_os_entry, "manager", manager, false, KB_PMF_ANY, kb_manager_words,
                  kb_manager_values),
    KB_FIELD_ENUM(kb_os_entry, "class", cls, true, KB_PKG_OTHER, kb_class_words, kb_class_values),
    KB_FIELD(kb_os_entry, "nvcc", KB_F_TRI, nvcc, false),
    KB_FIELD(kb_os_entry, "note", KB_F_STR, note, false),
    KB_META(kb_os_entry),
};
KB_SCHEMA(kb_os_pkg_schema, kb_os_entry, "package pattern", kb_os_pkg_fields);

static const kb_table kb_os_tables[] = {
    KB_LIST("os-packages.yaml", "packages", kb_os_pkg_schema, os_packages, nos_packages),
};

const kb_module kb_module_ospackages = {kb_os_tables, sizeof kb_os_tables / sizeof kb_os_tables[0],
                                        NULL};

/* Up to two digits of a CUDA version part at s; 0 when there are none. */
static size_t kb_ver_digits(const char *s)
{
    size_t n = 0;
    while (n < 3 && isdigit((unsigned char)s[n]))
        n++;
    return n <= 2 ? n : 0;
}

static int kb_atoi_n(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Pattern match: '*' is any run, "{ver}" a CUDA version "12-4", "12.4" or "13". */
static bool kb_pkg_match(const char *p, const char *s, kb_version *ver)
{
    for (;;) {
        if (*p == '*') {
            for (const char *t = s;; t++) {
                if (kb_pkg_match(p + 1, t, ver))
                    return true;
                if (!*t)
                    return false;
            }
        }
        if (strncmp(p, "{ver}", 5) == 0) {
            size_t n1 = kb_ver_digits(s);
            if (n1 == 0)
                return false;
            const char *sep = s + n1;
            size_t n2 = (*sep == '-' || *sep == '.') ? kb_ver_digits(sep + 1) : 0;
            if (n2 && kb_pkg_match(p + 5, sep + 1 + n2, ver)) {
                *ver = (kb_version){kb_atoi_n(s, n1), kb_atoi_n(sep + 1, n2), -1};
                return true;
            }
            if (kb_pkg_match(p + 5, sep, ver)) {
                *ver = (kb_version){kb_atoi_n(s, n1), -1, -1};
                return true;
            }
            return false;
        }
        if (*p != *s)
            return false;
        if (!*p)
            return true;
        p++;
        s++;
    }
}

bool kb_os_package_find(const kb *k, kb_pkg_manager manager, const char *name, kb_os_package *out)
{
    *out = (kb_os_package){.cls = KB_PKG_OTHER, .version = KB_VERSION_NONE};
    char buf[128];
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n >= sizeof buf)
        return false;
    for (size_t i = 0; i <= n; i++) /* package names are lower case; be lenient */
        buf[i] = (char)tolower((unsigned char)name[i]);
    int want = manager == KB_PM_CONDA ? KB_PMF_CONDA : KB_PMF_SYSTEM;
    for (size_t i = 0; i < k->nos_packages; i++) {
        const kb_os_entry *e = &k->os_packages[i];
        kb_version v = KB_VERSION_NONE;
        if ((e->manager != KB_PMF_ANY && e->manager != want) || !kb_pkg_match(e->pattern, buf, &v))
            continue;
        out->cls = (kb_pkg_class)e->cls;
        out->version = v;
        out->nvcc = e->nvcc;
        out->pattern = e->pattern;
        out->note = e->note;
        out->source = e->source;
        out->verified = e->verified;
        return true;
    }
    return false;
}

kb_pkg_class kb_os_package_class(const kb *k, const char *name, kb_version *version)
{
    kb_os_package p;
    kb_os_package_find(k, KB_PM_SYSTEM, name, &p);
    if (version)
        *version = p.version;
    return p.cls;
}
