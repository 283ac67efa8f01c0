// Compiles every published schema with Ajv (draft 2020-12) in strict mode
// and validates each schema's own examples with formats asserted. The
// schemas are found as a consumer finds them, through index.json, whose
// hashes must match and which must list every schema file. Run by
// .ci/run: `npm ci --prefix tests/strict && node tests/strict/check.mjs`.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const root = new URL("../../generated/schemas/", import.meta.url).pathname;
const onDisk = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".json") && dir !== root) onDisk.push(relative(root, p));
  }
})(root);

let schemas = 0, examples = 0, failed = 0;
const index = JSON.parse(readFileSync(join(root, "index.json"), "utf8")).schemas;
const listed = index.map((e) => e.path).sort();
if (JSON.stringify(listed) !== JSON.stringify(onDisk.sort())) {
  console.log(`FAIL index.json lists ${listed.length} schemas, ${onDisk.length} are published`);
  failed++;
}
const files = [];
for (const entry of index) {
  const file = join(root, entry.path);
  const text = readFileSync(file, "utf8");
  const hash = createHash("sha256").update(text).digest("hex");
  const schema = JSON.parse(text);
  if (hash !== entry.sha256 || schema.$id !== entry.$id || schema.title !== entry.title) {
    console.log(`FAIL index.json entry for ${entry.path} does not match the file`);
    failed++;
  }
  files.push(file);
}
for (const file of files) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // No keyword is declared: the schemas use none Ajv does not know, so
  // its defaults compile them (the timings are in the schema index).
  const schema = JSON.parse(readFileSync(file, "utf8"));
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    console.log(`FAIL ${file}: ${e.message}`);
    failed++;
    continue;
  }
  schemas++;
  for (const example of schema.examples ?? []) {
    examples++;
    if (!validate(example)) {
      console.log(`FAIL ${file}: example rejected: ${JSON.stringify(validate.errors)}`);
      failed++;
    }
  }
}
// Ajv at its default options, as a team that reads the README would start:
// every published schema compiles and takes its examples.
let defaults = 0;
for (const file of files) {
  const schema = JSON.parse(readFileSync(file, "utf8"));
  try {
    const validate = new Ajv2020().compile(schema);
    for (const example of schema.examples ?? []) {
      if (!validate(example)) {
        console.log(`FAIL ${file} (Ajv defaults): example rejected`);
        failed++;
      }
    }
    defaults++;
  } catch (e) {
    console.log(`FAIL ${file} (Ajv defaults): ${e.message}`);
    failed++;
  }
}
console.log(`ajv defaults: ${defaults} schemas compiled`);
// The spec format's schema is for editors; it must compile in strict mode too.
{
  const ajv = new Ajv2020({ strict: true });
  try {
    ajv.compile(JSON.parse(readFileSync(join(root, "spec.schema.json"), "utf8")));
    schemas++;
  } catch (e) {
    console.log(`FAIL spec.schema.json: ${e.message}`);
    failed++;
  }
}
console.log(`ajv strict: ${schemas} schemas compiled, ${examples} examples valid`);
console.log(`${schemas + examples - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
