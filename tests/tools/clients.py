"""The generators other teams run on our OpenAPI documents, at their defaults.

For every brand's document in generated/openapi/:

- openapi-generator (the PyPI package that ships the jar), `python`: no
  file collision; the package imports; every operation is a method of its
  API class; every example (request, answer, callback) parses into its model.
- openapi-generator `typescript-fetch`: no file collision; `tsc --strict`
  passes; every operation is a method of its API class.
- openapi-python-client: the package imports; every operation has its
  module; every example parses into its model (`from_dict`).
- openapi-typescript: the types compile with `tsc --strict`; every operation
  is in `operations`.

Run by .ci/run: python tests/tools/clients.py <work dir> <tsc>
Prints one line per tool and brand; exits 1 on any failure.
"""

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "generated" / "openapi").glob("*.json"))
BIN = Path(sys.executable).parent

failures = []


def fail(tool, brand, why):
    failures.append(f"{tool} {brand}: {why}")
    print(f"FAIL {tool} {brand}: {why}")


def run(cmd, log):
    done = subprocess.run(cmd, capture_output=True, text=True)
    log.write_text(done.stdout + done.stderr)
    return done.returncode, done.stdout + done.stderr


def snake(text):
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def camel(text):
    head, *rest = re.split(r"[^A-Za-z0-9]+", text)
    return head.lower() + "".join(w[:1].upper() + w[1:] for w in rest)


def operations(doc):
    """(operationId, tag) of every operation."""
    for item in doc["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and "operationId" in op:
                yield op["operationId"], op.get("tags", ["default"])[0]


def examples(doc):
    """(where, schema, value) of every example in the document."""

    def media(where, content):
        for m in (content or {}).values():
            for name, ex in (m.get("examples") or {}).items():
                yield f"{where} {name}", m.get("schema", {}), ex["value"]

    for item in doc["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            oid = op["operationId"]
            yield from media(f"{oid} request", op.get("requestBody", {}).get("content"))
            for code, answer in op.get("responses", {}).items():
                yield from media(f"{oid} {code}", answer.get("content"))
    for name, item in doc.get("webhooks", {}).items():
        for op in item.values():
            yield from media(f"{name}", op.get("requestBody", {}).get("content"))


def component(doc, schema):
    """The component a schema names, and the component itself."""
    ref = schema.get("$ref", "")
    name = ref.rsplit("/", 1)[-1] if ref else None
    return name, doc["components"]["schemas"].get(name) if name else None


def parse_all(tool, brand, doc, model_of):
    """Every example into its model; an array component item by item."""
    parsed = 0
    for where, schema, value in examples(doc):
        name, comp = component(doc, schema)
        if name is None:
            continue
        items = [value]
        if comp.get("type") == "array" and "$ref" in comp.get("items", {}):
            name, _ = component(doc, comp["items"])
            items = value if isinstance(value, list) else []
        cls = model_of(name)
        if cls is None:
            fail(tool, brand, f"no model {name} for {where}")
            continue
        for v in items:
            try:
                if cls.from_dict(v) is None:
                    raise ValueError("from_dict gave None")
                parsed += 1
            except Exception as e:  # noqa: BLE001 - any failure is the finding
                fail(tool, brand, f"{where}: {name}.from_dict: {type(e).__name__}: {str(e)[:200]}")
    return parsed


def openapi_generator_python(doc_path, doc, brand, work):
    out = work / f"og-python-{brand}"
    package = f"gate_{brand}"
    code, log = run(
        [BIN / "openapi-generator-cli", "generate", "-i", doc_path, "-g", "python",
         "-o", out, "--package-name", package],
        work / f"og-python-{brand}.log",
    )
    if code != 0 or "FILEPATH_COLLISION" in log:
        return fail("openapi-generator python", brand, f"exit {code}, collision: {'FILEPATH_COLLISION' in log}")
    sys.path.insert(0, str(out))
    try:
        pkg = importlib.import_module(package)
    except Exception as e:  # noqa: BLE001
        return fail("openapi-generator python", brand, f"import: {e}")
    methods = 0
    for oid, tag in operations(doc):
        api = getattr(pkg, "".join(w.capitalize() for w in re.split(r"[^a-z0-9]+", tag)) + "Api", None)
        if api is None or not hasattr(api, snake(oid)):
            fail("openapi-generator python", brand, f"operation {oid} is not a method of the {tag} API")
        else:
            methods += 1
    parsed = parse_all("openapi-generator python", brand, doc, lambda n: getattr(pkg, n, None))
    print(f"ok   openapi-generator python {brand}: {methods} operations, {parsed} examples parsed")


def openapi_generator_typescript(doc_path, doc, brand, work, tsc):
    out = work / f"og-ts-{brand}"
    code, log = run(
        [BIN / "openapi-generator-cli", "generate", "-i", doc_path, "-g", "typescript-fetch", "-o", out],
        work / f"og-ts-{brand}.log",
    )
    if code != 0 or "FILEPATH_COLLISION" in log:
        return fail("openapi-generator typescript-fetch", brand, f"exit {code}, collision: {'FILEPATH_COLLISION' in log}")
    code, log = run(
        [tsc, "--strict", "--noEmit", "--target", "es2020", "--module", "commonjs",
         "--moduleResolution", "node", "--lib", "es2020,dom", out / "index.ts"],
        work / f"og-ts-{brand}.tsc.log",
    )
    if code != 0:
        return fail("openapi-generator typescript-fetch", brand, f"tsc --strict: {log[:500]}")
    apis = "".join(p.read_text() for p in (out / "apis").glob("*.ts"))
    missing = [oid for oid, _ in operations(doc) if f"async {camel(oid)}(" not in apis]
    if missing:
        return fail("openapi-generator typescript-fetch", brand, f"operations without a method: {missing}")
    print(f"ok   openapi-generator typescript-fetch {brand}: tsc --strict, {len(list(operations(doc)))} operations")


def openapi_python_client(doc_path, doc, brand, work):
    out = work / f"opc-{brand}"
    config = work / "opc-config.json"
    # No post hooks: formatting the output with ruff is not what is tested.
    config.write_text(json.dumps({"post_hooks": []}))
    code, log = run(
        [BIN / "openapi-python-client", "generate", "--path", doc_path, "--output-path", out,
         "--overwrite", "--config", config],
        work / f"opc-{brand}.log",
    )
    if code != 0 or "Warning" in log:
        return fail("openapi-python-client", brand, f"exit {code}: {log[:500]}")
    package = next(p.name for p in out.iterdir() if (p / "__init__.py").exists())
    sys.path.insert(0, str(out))
    try:
        models = importlib.import_module(f"{package}.models")
    except Exception as e:  # noqa: BLE001
        return fail("openapi-python-client", brand, f"import: {e}")
    found = 0
    for oid, tag in operations(doc):
        try:
            importlib.import_module(f"{package}.api.{snake(tag)}.{snake(oid)}")
            found += 1
        except Exception as e:  # noqa: BLE001
            fail("openapi-python-client", brand, f"operation {oid}: {e}")
    # It spells names its own way (`SbpP2PPayoutRequest` for the component
    # `SbpP2pPayoutRequest`); the model is the one whose name differs only so.
    by_name = {n.lower(): getattr(models, n) for n in dir(models)}
    parsed = parse_all("openapi-python-client", brand, doc, lambda n: by_name.get(n.lower()))
    print(f"ok   openapi-python-client {brand}: {found} operations, {parsed} examples parsed")


def openapi_typescript(doc_path, doc, brand, work, tsc):
    out = work / f"ots-{brand}.d.ts"
    bin_dir = Path(tsc).parent
    code, log = run([bin_dir / "openapi-typescript", doc_path, "-o", out], work / f"ots-{brand}.log")
    if code != 0:
        return fail("openapi-typescript", brand, f"exit {code}: {log[:500]}")
    code, log = run([tsc, "--strict", "--noEmit", out], work / f"ots-{brand}.tsc.log")
    if code != 0:
        return fail("openapi-typescript", brand, f"tsc --strict: {log[:500]}")
    text = out.read_text()
    missing = [oid for oid, _ in operations(doc) if f'"{oid}": {{' not in text]
    if missing:
        return fail("openapi-typescript", brand, f"operations missing: {missing}")
    print(f"ok   openapi-typescript {brand}: tsc --strict, {len(list(operations(doc)))} operations")


def main():
    work = Path(sys.argv[1]).resolve()
    tsc = Path(os.path.abspath(sys.argv[2]))  # the link in node_modules/.bin, not its target
    work.mkdir(parents=True, exist_ok=True)
    for doc_path in DOCS:
        brand = doc_path.stem
        doc = json.loads(doc_path.read_text())
        openapi_generator_python(doc_path, doc, brand, work)
        openapi_generator_typescript(doc_path, doc, brand, work, tsc)
        openapi_python_client(doc_path, doc, brand, work)
        openapi_typescript(doc_path, doc, brand, work, tsc)
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print(f"every generator kept every operation of {len(DOCS)} brands")


main()
