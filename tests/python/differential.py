"""The cross-language differential's verdict table.

Reads the corpus that `cargo run -p gatespec-tests --example
differential_corpus -- DIR` wrote (with the Rust verdicts) and DIR/ajv.json
(from tests/strict/differential.mjs), judges every document with
python-jsonschema, with and without its format checker, and compares every
validator with `gatespec validate`. Inside the input profile the target is
full agreement: any disagreement is printed and the exit code is 1.
Outside it, every Rust reader must refuse; the others are only counted.

    python tests/python/differential.py target/differential
"""

import json
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "generated" / "schemas"

VALIDATORS = [
    ("generated", "generated validators (Rust)"),
    ("jsonschema", "jsonschema crate, formats asserted"),
    ("ajv_formats", "ajv 8 + ajv-formats"),
    ("ajv", "ajv 8, formats ignored"),
    ("python_formats", "python-jsonschema + FormatChecker"),
    ("python", "python-jsonschema, formats ignored"),
]
# The readers that enforce the profile; a generic validator cannot.
RUST = {"gatespec_validate", "generated"}


def main(directory: str) -> int:
    folder = Path(directory)
    # One document per "\n": str.splitlines() would also split inside a
    # string holding a raw U+2028, U+2029, U+0085 or \x1c-\x1e, all valid in
    # JSON text (a seed that drew one failed here).
    docs = [json.loads(line) for line in (folder / "corpus.jsonl").read_text("utf-8").split("\n") if line]
    ajv = json.loads((folder / "ajv.json").read_text("utf-8"))
    if any(len(ajv[k]) != len(docs) for k in ("ajv", "ajv_formats")):
        print("ajv.json does not match the corpus: run tests/strict/differential.mjs on it first")
        return 1

    compiled = {}

    def validators(path):
        if path not in compiled:
            schema = json.loads((SCHEMAS / path).read_text("utf-8"))
            Draft202012Validator.check_schema(schema)
            compiled[path] = (
                Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER),
                Draft202012Validator(schema),
            )
        return compiled[path]

    for i, doc in enumerate(docs):
        value = json.loads(doc["text"])
        with_formats, without = validators(doc["path"])
        doc["python_formats"] = with_formats.is_valid(value)
        doc["python"] = without.is_valid(value)
        doc["ajv_formats"] = ajv["ajv_formats"][i]
        doc["ajv"] = ajv["ajv"][i]

    inside = [d for d in docs if d["profile"]]
    outside = [d for d in docs if not d["profile"]]
    valid = sum(d["gatespec_validate"] for d in inside)
    operations = len({(d["operation"], d["role"]) for d in docs})
    print(
        f"cross-language differential: {len(docs)} documents over {operations} bodies; "
        f"{len(inside)} inside the input profile ({valid} valid, {len(inside) - valid} invalid), "
        f"{len(outside)} outside it"
    )
    print(f"{'validator':<38} {'agrees with gatespec validate':>30} {'disagrees':>10}")
    failed = False
    for key, name in VALIDATORS:
        agree = sum(d[key] == d["gatespec_validate"] for d in inside)
        share = 100.0 * agree / len(inside) if inside else 100.0
        print(f"{name:<38} {f'{agree}/{len(inside)} ({share:.2f}%)':>30} {len(inside) - agree:>10}")
        wrong = [d for d in inside if d[key] != d["gatespec_validate"]]
        for d in wrong[:5]:
            print(f"    {d['path']}: gatespec validate {d['gatespec_validate']}, {key} {d[key]}: {d['text']}")
        failed |= bool(wrong)
    refused = {k: sum(not d[k] for d in outside) for k in ("gatespec_validate", *[k for k, _ in VALIDATORS])}
    print(
        "outside the profile, refused: "
        + ", ".join(f"{k} {n}/{len(outside)}" for k, n in refused.items())
    )
    for key in RUST:
        if refused[key] != len(outside):
            print(f"FAIL {key} accepted a document outside the input profile")
            failed = True
    if len(docs) < 10_000:
        print(f"FAIL only {len(docs)} documents; the differential needs at least 10,000")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "target/differential"))
