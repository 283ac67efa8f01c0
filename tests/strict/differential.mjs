// The Ajv side of the cross-language differential: reads the corpus that
// `cargo run -p gatespec-tests --example differential_corpus -- DIR` wrote
// and records Ajv's verdict on every document, with formats asserted
// (ajv-formats) and without (formats ignored, Ajv's default), in
// DIR/ajv.json. tests/python/differential.py compares every verdict.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const dir = process.argv[2] ?? "target/differential";
const schemas = new URL("../../generated/schemas/", import.meta.url).pathname;

function compiler(formats) {
  const cache = new Map();
  return (path) => {
    if (!cache.has(path)) {
      const ajv = new Ajv2020({ strict: true, allErrors: false, validateFormats: formats });
      if (formats) addFormats(ajv);
      cache.set(path, ajv.compile(JSON.parse(readFileSync(join(schemas, path), "utf8"))));
    }
    return cache.get(path);
  };
}

const withFormats = compiler(true);
const withoutFormats = compiler(false);
const verdicts = { ajv_formats: [], ajv: [] };
const lines = readFileSync(join(dir, "corpus.jsonl"), "utf8").split("\n").filter((l) => l);
for (const line of lines) {
  const doc = JSON.parse(line);
  // JSON.parse is what a TypeScript service reads a body with.
  const value = JSON.parse(doc.text);
  verdicts.ajv_formats.push(withFormats(doc.path)(value));
  verdicts.ajv.push(withoutFormats(doc.path)(value));
}
writeFileSync(join(dir, "ajv.json"), JSON.stringify(verdicts));
console.log(`ajv: ${lines.length} documents judged, with and without ajv-formats`);
