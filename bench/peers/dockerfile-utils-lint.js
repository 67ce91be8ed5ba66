#!/usr/bin/env node
// The bench driver for dockerfile-utils, a library without a multi-file
// command line: lints every file named on the command line in this one
// process (one file: the per-invocation figure; all files: the per-corpus
// figure), one line per diagnostic, "path:line:column: severity: message".
// Exit status 1 when any diagnostic is an error, like the other linters.
"use strict";
const fs = require("fs");
const path = require("path");
const utils = require(path.join(__dirname, "..", "node_modules", "dockerfile-utils"));

const files = process.argv.slice(2);
if (files.length === 0) {
    process.stderr.write("usage: dockerfile-utils-lint.js FILE...\n");
    process.exit(2);
}
let status = 0;
const out = [];
for (const file of files) {
    const content = fs.readFileSync(file, "utf8");
    for (const d of utils.validate(content)) {
        const severity = d.severity === 1 ? "error" : "warning";
        if (d.severity === 1) status = 1;
        out.push(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${severity}: ${d.message}`);
    }
}
process.stdout.write(out.length ? out.join("\n") + "\n" : "");
process.exitCode = status;
