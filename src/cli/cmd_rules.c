/* `env-doctor rules` and `env-doctor explain RULE`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "envdoctor/engine.h"

int cmd_rules(int argc, char **argv)
{
    if (argc > 1)
        return cli_usage_error("'rules' takes no arguments");
    for (size_t i = 0; ed_rules_all[i]; i++) {
        const ed_rule *r = ed_rules_all[i];
        printf("%-6s %-32s %-8s %s\n", r->id, r->name, ed_severity_name(r->severity), r->summary);
    }
    return EXIT_CLEAN;
}

/* The Markdown as written, less the test annotations (`<!-- expect ... -->`). */
static void print_doc(const char *doc)
{
    for (const char *line = doc; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        if (strncmp(line, "<!--", 4) != 0)
            fwrite(line, 1, len, stdout);
        line += len;
    }
}

int cmd_explain(int argc, char **argv)
{
    if (argc != 2)
        return cli_usage_error("'explain' takes one rule id or name, e.g. env-doctor explain ED002");
    const ed_rule *r = ed_rule_find(argv[1]);
    if (!r)
        return cli_usage_error("no rule '%s'; 'env-doctor rules' lists them", argv[1]);
    const char *doc = ed_rule_doc(r);
    if (doc)
        print_doc(doc);
    else
        printf("%s %s (%s)\n\n%s\n", r->id, r->name, ed_severity_name(r->severity), r->summary);
    return EXIT_CLEAN;
}
