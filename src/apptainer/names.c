/* The names a definition file may use: sections, header keywords and
 * bootstrap agents, as Apptainer's parser and builder accept them. */
#include <string.h>

#include "envdoctor/similar.h"
#include "internal.h"

typedef struct section_name {
    const char *name;
    ap_section_kind kind;
} section_name;

static const section_name sections[] = {
    {"setup", AP_SECTION_SETUP},           {"files", AP_SECTION_FILES},
    {"environment", AP_SECTION_ENVIRONMENT}, {"post", AP_SECTION_POST},
    {"runscript", AP_SECTION_RUNSCRIPT},   {"startscript", AP_SECTION_STARTSCRIPT},
    {"test", AP_SECTION_TEST},             {"labels", AP_SECTION_LABELS},
    {"help", AP_SECTION_HELP},             {"arguments", AP_SECTION_ARGUMENTS},
    {"pre", AP_SECTION_PRE},               {"appinstall", AP_SECTION_APPINSTALL},
    {"apprun", AP_SECTION_APPRUN},         {"appstart", AP_SECTION_APPSTART},
    {"appenv", AP_SECTION_APPENV},         {"applabels", AP_SECTION_APPLABELS},
    {"appfiles", AP_SECTION_APPFILES},     {"apphelp", AP_SECTION_APPHELP},
    {"apptest", AP_SECTION_APPTEST},
};

#define NSECTIONS (sizeof sections / sizeof *sections)

/* Apptainer's validHeaders; "otherurl" takes a number (otherurl0, ...). */
static const char *const header_keys[] = {
    "bootstrap", "from",     "includecmd", "mirrorurl",   "updateurl",    "osversion",
    "include",   "library",  "registry",   "namespace",   "stage",        "product",
    "user",      "regcode",  "productpgp", "registerurl", "modules",      "otherurl",
    "fingerprints", "confurl", "setopt",
};

#define NKEYS (sizeof header_keys / sizeof *header_keys)

/* Bootstrap agents; the second list needs no From: (they build an OS). */
static const char *const from_agents[] = {
    "docker", "docker-daemon", "docker-archive", "oci",  "oci-archive",
    "library", "localimage",   "oras",           "shub",
};
static const char *const os_agents[] = {
    "debootstrap", "yum", "dnf", "zypper", "arch", "busybox", "scratch",
};

static bool in(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

ap_section_kind ap_section_kind_from_name(const char *name)
{
    for (size_t i = 0; i < NSECTIONS; i++)
        if (strcmp(name, sections[i].name) == 0)
            return sections[i].kind;
    return AP_SECTION_UNKNOWN;
}

bool ap_section_is_app(ap_section_kind kind)
{
    return kind >= AP_SECTION_APPINSTALL;
}

bool ap_section_is_script(ap_section_kind kind)
{
    switch (kind) {
    case AP_SECTION_SETUP: case AP_SECTION_POST: case AP_SECTION_ENVIRONMENT:
    case AP_SECTION_RUNSCRIPT: case AP_SECTION_STARTSCRIPT: case AP_SECTION_TEST:
    case AP_SECTION_PRE: case AP_SECTION_APPINSTALL: case AP_SECTION_APPRUN:
    case AP_SECTION_APPSTART: case AP_SECTION_APPENV: case AP_SECTION_APPTEST:
        return true;
    default:
        return false;
    }
}

const char *ap_section_label(ed_arena *arena, const ap_section *section)
{
    if (section->app)
        return ed_arena_printf(arena, "%%%s %s", section->name, section->app);
    return ed_arena_printf(arena, "%%%s", section->name);
}

bool ap_is_header_key(const char *key)
{
    if (in(key, header_keys, NKEYS))
        return true;
    size_t n = strlen("otherurl");
    if (strncmp(key, "otherurl", n) != 0 || !key[n])
        return false;
    return strspn(key + n, "0123456789") == strlen(key + n);
}

static const char *closest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);
        if (!ed_is_typo_of(word, len, names[i], nl))
            continue;
        size_t d = ed_edit_distance(word, len, names[i], nl);
        if (d < best_d) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}

const char *ap_suggest_header_key(const char *key)
{
    return closest(key, header_keys, NKEYS);
}

const char *ap_suggest_section(const char *name)
{
    const char *names[NSECTIONS];
    for (size_t i = 0; i < NSECTIONS; i++)
        names[i] = sections[i].name;
    return closest(name, names, NSECTIONS);
}

bool ap_is_agent(const char *agent)
{
    return in(agent, from_agents, sizeof from_agents / sizeof *from_agents) ||
           in(agent, os_agents, sizeof os_agents / sizeof *os_agents);
}

bool ap_agent_needs_from(const char *agent)
{
    return in(agent, from_agents, sizeof from_agents / sizeof *from_agents);
}
