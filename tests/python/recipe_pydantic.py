"""The pydantic v2 recipe of the README, run by CI.

Generates pydantic v2 models from every brand's published schemas with
datamodel-code-generator, exactly as the README says, and checks that:

- every model imports, found by its schema's title from index.json;
- every schema example validates, through the model alone and through
  gatespec_profile.parse (profile, schema, then the model);
- a wrong currency is rejected by the model alone (every asserted `currency` in
  every example is replaced: by another code where the schema fixes one,
  by a lowercase code elsewhere);
- a member without the member it depends on (`dependentRequired`, such
  as a refund amount without its currency) is accepted by the model alone,
  which is what the README warns about, and rejected by parse;
- parse refuses payloads outside the input profile.

    python tests/python/recipe_pydantic.py OUT_DIR
"""

import copy
import importlib
import json
import subprocess
import sys
from pathlib import Path

from jsonschema import ValidationError
from pydantic import ValidationError as ModelError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gatespec_profile import OutsideProfile, loads, parse  # noqa: E402

SCHEMAS = Path(__file__).resolve().parents[2] / "generated" / "schemas"


def generate(out):
    """The README's command, once per brand."""
    brands = sorted(p.name for p in SCHEMAS.iterdir() if p.is_dir())
    for brand in brands:
        subprocess.run(
            [
                sys.executable, "-m", "datamodel_code_generator",
                "--input", str(SCHEMAS / brand),
                "--input-file-type", "jsonschema",
                "--output-model-type", "pydantic_v2.BaseModel",
                "--formatters", "builtin",
                "--disable-timestamp",
                "--output", str(out / "models" / brand.replace("-", "_")),
            ],
            check=True,
        )
    (out / "models" / "__init__.py").touch()
    sys.path.insert(0, str(out))
    return brands


def model_of(entry):
    """The root model of an index entry: module from its path, class from its title."""
    parts = entry["path"].removesuffix(".json").replace(".", "_").replace("-", "_").split("/")
    module = importlib.import_module("models." + ".".join(parts))
    return getattr(module, entry["title"])


def resolve(schema, node):
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def objects(schema, node, value, at=""):
    """Every (pointer, object schema, object value) of an example."""
    node = resolve(schema, node)
    if isinstance(value, dict) and node.get("type") == "object":
        yield at, node, value
        for key, member in value.items():
            if key in node.get("properties", {}):
                yield from objects(schema, node["properties"][key], member, f"{at}/{key}")


def set_at(doc, pointer, key, value=None, remove=False):
    target = doc
    for part in [p for p in pointer.split("/") if p]:
        target = target[part]
    if remove:
        target.pop(key, None)
    else:
        target[key] = value


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    generate(out)
    index = json.loads((SCHEMAS / "index.json").read_text("utf-8"))
    counts = {"models": 0, "examples": 0, "wrong currency": 0, "dependent": 0}
    failures = []

    def expect(ok, what):
        if not ok:
            failures.append(what)

    for entry in index["schemas"]:
        schema = json.loads((SCHEMAS / entry["path"]).read_text("utf-8"))
        model = model_of(entry)
        counts["models"] += 1
        for n, example in enumerate(schema.get("examples", [])):
            name = f"{entry['path']} example {n}"
            counts["examples"] += 1
            try:
                model.model_validate(example)
                parse(model, schema, json.dumps(example))
            except (ModelError, ValidationError, OutsideProfile) as e:
                failures.append(f"{name} rejected: {e}")
                continue
            for at, node, obj in objects(schema, schema, example):
                currency = node.get("properties", {}).get("currency")
                # Only a currency the schema asserts (a fixed code or the
                # ISO pattern); a callback's currency form is inferred and
                # accepted as sent.
                asserted = currency is not None and ("const" in currency or "pattern" in currency)
                if "currency" in obj and asserted:
                    fixed = currency.get("const")
                    wrong = ("EUR" if fixed == "USD" else "USD") if fixed else obj["currency"].lower()
                    doc = copy.deepcopy(example)
                    set_at(doc, at, "currency", wrong)
                    counts["wrong currency"] += 1
                    try:
                        model.model_validate(doc)
                        failures.append(f"{name}: the model accepted currency {wrong!r} at {at}")
                    except ModelError:
                        pass
                for key, needs in node.get("dependentRequired", {}).items():
                    if key not in obj:
                        continue
                    for need in needs:
                        doc = copy.deepcopy(example)
                        set_at(doc, at, need, remove=True)
                        counts["dependent"] += 1
                        # What the README warns about: pydantic alone cannot
                        # say that one member needs another.
                        try:
                            model.model_validate(doc)
                        except ModelError as e:
                            failures.append(f"{name}: the model alone now rejects {key} without {need} ({e}): update the README")
                        try:
                            parse(model, schema, json.dumps(doc))
                            failures.append(f"{name}: parse accepted {at}/{key} without {need}")
                        except ValidationError:
                            pass
    # The profile, on the first example.
    first = json.dumps(json.loads((SCHEMAS / index["schemas"][0]["path"]).read_text("utf-8"))["examples"][0])
    loads(first)
    outside = [
        first.replace("{", '{"a":1,"a":2,', 1),
        first.replace("{", '{"a":NaN,', 1),
        first.replace("{", '{"a":1e400,', 1),
        first.replace("{", '{"a":"\\ud800",', 1),
        first.replace("{", '{"a":"\\uFFFF",', 1),
        first.replace("{", '{"a":' + "[" * 70 + "]" * 70 + ",", 1),
        "\ufeff" + first,
    ]
    for text in outside:
        try:
            loads(text)
            failures.append(f"loads accepted a payload outside the profile: {text[:60]}")
        except OutsideProfile:
            pass
    print(
        f"pydantic recipe: {counts['models']} models import; {counts['examples']} examples accepted; "
        f"{counts['wrong currency']} wrong currencies rejected by the models; "
        f"{counts['dependent']} members without the member they need: accepted by pydantic alone, rejected by parse; "
        f"{len(outside)} payloads outside the profile refused by loads"
    )
    for f in failures:
        print("FAIL", f)
    if counts["wrong currency"] == 0 or counts["dependent"] == 0:
        print("FAIL the examples exercise no currency or no dependentRequired")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "target/recipes/python"))
