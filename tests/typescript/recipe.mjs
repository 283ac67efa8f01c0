// The TypeScript recipe of the README, run by CI:
//   npm ci --prefix tests/typescript && node tests/typescript/recipe.mjs OUT_DIR
//
// 1. json-schema-to-typescript turns every published schema (found through
//    index.json) into a module of types, the root type named by the
//    schema's title.
// 2. Every schema example becomes a constant of its root type, and every
//    currency an example holds where the schema fixes one becomes a
//    constant that must not compile (`@ts-expect-error`).
// 3. tsc --strict checks all of it.
// 4. Ajv with ajv-formats validates every example and rejects every wrong
//    currency (lowercase where the schema gives only a pattern).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { compile } from "json-schema-to-typescript";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const here = dirname(new URL(import.meta.url).pathname);
const schemas = join(here, "../../generated/schemas");
const out = process.argv[2] ?? join(here, "../../target/recipes/typescript");
mkdirSync(out, { recursive: true });

const index = JSON.parse(readFileSync(join(schemas, "index.json"), "utf8")).schemas;

function resolve(schema, node) {
  while (node && node.$ref) node = schema.$defs[node.$ref.split("/").pop()];
  return node ?? {};
}

// Every wrong-currency variant of an example: [document, fixed by const?].
function wrongCurrencies(schema, node, value, doc, path = []) {
  node = resolve(schema, node);
  const found = [];
  if (value && typeof value === "object" && !Array.isArray(value) && node.type === "object") {
    // Only a currency the schema asserts (a fixed code or the ISO pattern);
    // a callback's currency form is inferred and accepted as sent.
    const currency = node.properties?.currency && resolve(schema, node.properties.currency);
    if (typeof value.currency === "string" && currency && (currency.const !== undefined || currency.pattern)) {
      const fixed = currency.const;
      const wrong = fixed ? (fixed === "USD" ? "EUR" : "USD") : value.currency.toLowerCase();
      const copy = structuredClone(doc);
      let target = copy;
      for (const p of path) target = target[p];
      target.currency = wrong;
      found.push([copy, Boolean(fixed)]);
    }
    for (const [k, v] of Object.entries(value)) {
      if (node.properties?.[k]) found.push(...wrongCurrencies(schema, node.properties[k], v, doc, [...path, k]));
    }
  }
  return found;
}

const lines = [];
let examples = 0, wrongTyped = 0, wrongValidated = 0, failed = 0;
for (const [i, entry] of index.entries()) {
  const schema = JSON.parse(readFileSync(join(schemas, entry.path), "utf8"));
  const ts = await compile(schema, entry.title, { bannerComment: "", format: true });
  const file = join(out, "types", entry.path.replace(/\.json$/, ".ts"));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, ts);
  const from = "./" + relative(out, file).replace(/\.ts$/, ".js");
  // The root type is named by the title, which json-schema-to-typescript
  // spells its own way (`SbpP2PPayoutRequest` for `SbpP2pPayoutRequest`).
  const root = [...ts.matchAll(/^export (?:interface|type) (\w+)/gm)]
    .map((m) => m[1])
    .find((name) => name.toLowerCase() === entry.title.toLowerCase());
  if (!root) {
    console.log(`FAIL ${entry.path}: no exported root type`);
    failed++;
    continue;
  }
  lines.push(`import type { ${root} as T${i} } from "${from}";`);

  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  for (const [n, example] of (schema.examples ?? []).entries()) {
    examples++;
    lines.push(`export const e${i}_${n}: T${i} = ${JSON.stringify(example)};`);
    if (!validate(example)) {
      console.log(`FAIL ${entry.path} example ${n}: ${ajv.errorsText(validate.errors)}`);
      failed++;
    }
    for (const [m, [doc, fixed]] of wrongCurrencies(schema, schema, example, example).entries()) {
      if (validate(doc)) {
        console.log(`FAIL ${entry.path} example ${n}: ajv accepted a wrong currency`);
        failed++;
      } else wrongValidated++;
      // A fixed currency is a literal type, so the wrong one cannot compile.
      if (fixed) {
        wrongTyped++;
        lines.push("// @ts-expect-error: a currency the schema does not allow");
        lines.push(`export const bad${i}_${n}_${m}: T${i} = ${JSON.stringify(doc)};`);
      }
    }
  }
}
writeFileSync(join(out, "examples.ts"), lines.join("\n") + "\n");
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: "ES2022", module: "NodeNext",
      moduleResolution: "NodeNext", skipLibCheck: true, noUnusedLocals: true,
    },
    files: ["examples.ts"],
  }, null, 2),
);
try {
  execFileSync(join(here, "node_modules/.bin/tsc"), ["-p", join(out, "tsconfig.json")], { stdio: "inherit" });
} catch {
  console.log("FAIL tsc --strict rejected the generated types or the examples");
  failed++;
}
console.log(
  `typescript recipe: ${index.length} schemas to types; ${examples} examples typed and compiled with tsc --strict and valid under ajv + ajv-formats; ` +
  `${wrongTyped} fixed currencies refused by the compiler; ${wrongValidated} wrong currencies rejected by ajv`,
);
process.exit(failed ? 1 : 0);
