"""The bundle recipe of the README for Python, run by CI.

datamodel-code-generator turns each brand's bundle
(generated/schemas/<brand>.bundle.json) into one module of pydantic v2
models; every class is named by a title the bundle gives, exactly once: no
numbered copy (`Sum1`), no doubled name (`ItemItem`). The models import.

    python tests/python/bundle_names.py OUT_DIR
"""

import ast
import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parents[2] / "generated" / "schemas"


def titles(node, out):
    if isinstance(node, dict):
        if isinstance(node.get("title"), str):
            out.add(node["title"])
        for v in node.values():
            titles(v, out)
    elif isinstance(node, list):
        for v in node:
            titles(v, out)
    return out


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    index = json.loads((SCHEMAS / "index.json").read_text())
    problems, total = [], 0
    for bundle in index["bundles"]:
        path = SCHEMAS / bundle["path"]
        module = out / f"{bundle['brand']}.py"
        subprocess.run(
            [
                sys.executable, "-m", "datamodel_code_generator",
                "--input", str(path),
                "--input-file-type", "jsonschema",
                "--output-model-type", "pydantic_v2.BaseModel",
                "--formatters", "builtin",
                "--disable-timestamp",
                "--collapse-root-models",
                "--use-title-as-name",
                "--output", str(module),
            ],
            check=True,
        )
        given = titles(json.loads(path.read_text()), set())
        names = [
            n.name for n in ast.parse(module.read_text()).body if isinstance(n, ast.ClassDef)
        ]
        for name, count in Counter(names).items():
            if count > 1:
                problems.append(f"{bundle['brand']}: {name} is defined {count} times")
            if name not in given:
                problems.append(f"{bundle['brand']}: {name} is no title of the bundle (numbered or invented)")
        name = f"bundle_{bundle['brand']}"
        spec = importlib.util.spec_from_file_location(name, module)
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[name] = loaded
        spec.loader.exec_module(loaded)
        total += len(names)
    if problems:
        sys.exit("\n".join(problems))
    print(
        f"python bundles: {len(index['bundles'])} bundles, {total} classes, "
        "each a title of its bundle, none numbered or doubled; every module imports"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
