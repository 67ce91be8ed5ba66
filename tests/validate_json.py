#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema (used by tests/test_schemas.c).

    validate_json.py SCHEMA FILE... [-- SCHEMA FILE...]...

(each `--` starts another schema and its files: one Python start for all).

The validator is the one for the draft the schema declares in "$schema"
(Draft 2020-12 when it declares none), with format checking: "uri" and
"uri-reference" are checked when the rfc3987 module is installed (Debian:
python3-rfc3987), and a note on standard error says so when it is not.
Prints each failing file with the JSON path and message of every error and
exits 1 when any file is invalid (or is not JSON); exits 0 when all are
valid, 2 on a usage error or an invalid schema.
"""
import json
import sys

try:
    import jsonschema
    from jsonschema import exceptions, validators
except ImportError:
    print("validate_json.py: the jsonschema module is missing "
          "(scripts/bootstrap --test-tools installs python3-jsonschema)", file=sys.stderr)
    sys.exit(2)

MAX_ERRORS = 20
MAX_MESSAGE = 400


def pointer(path):
    """A JSON Pointer (RFC 6901) for an error's path; "" is the document."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def short(message):
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "..."


def format_checker(cls):
    checker = getattr(cls, "FORMAT_CHECKER", None)
    return checker if checker is not None else jsonschema.FormatChecker()


def load_validator(path):
    """The validator for the schema in path, or None (reported) if it is invalid."""
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except exceptions.SchemaError as e:
        print("%s: not a valid %s schema: at %s: %s"
              % (path, cls.__name__, pointer(e.absolute_path), short(e.message)))
        return None
    checker = format_checker(cls)
    unchecked = [f for f in ("uri", "uri-reference") if f not in checker.checkers]
    if unchecked:
        print("validate_json.py: note: format %s not checked (no rfc3987 module)"
              % " and ".join(unchecked), file=sys.stderr)
    return cls(schema, format_checker=checker)


def check_file(validator, schema_path, name):
    """True if the file at name is valid; else prints why."""
    try:
        with open(name, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print("%s: not a JSON document: %s" % (name, e))
        return False
    errors = sorted(validator.iter_errors(doc), key=lambda e: (pointer(e.absolute_path), e.message))
    if not errors:
        return True
    print("%s: %d error(s) against %s (%s)"
          % (name, len(errors), schema_path, type(validator).__name__))
    for e in errors[:MAX_ERRORS]:
        print("  at %s: %s" % (pointer(e.absolute_path) or "/", short(e.message)))
        if e.context:
            best = exceptions.best_match(e.context)
            print("    best match: at %s: %s"
                  % (pointer(best.absolute_path) or "/", short(best.message)))
    if len(errors) > MAX_ERRORS:
        print("  ... and %d more" % (len(errors) - MAX_ERRORS))
    return False


def main(argv):
    groups, current = [], []
    for arg in argv[1:]:
        if arg == "--":
            groups.append(current)
            current = []
        else:
            current.append(arg)
    groups.append(current)
    if any(len(g) < 1 for g in groups) or len(argv) < 3:
        print("usage: validate_json.py SCHEMA FILE... [-- SCHEMA FILE...]...", file=sys.stderr)
        return 2
    bad = total = 0
    for schema_path, *files in groups:
        validator = load_validator(schema_path)
        if validator is None:
            return 2
        for name in files:
            total += 1
            bad += not check_file(validator, schema_path, name)
    if bad:
        print("validate_json.py: %d of %d file(s) invalid" % (bad, total))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
