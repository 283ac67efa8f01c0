// The bundle recipe of the README, run by CI: json-schema-to-typescript
// turns each brand's bundle (schemas/<brand>.bundle.json) into one module,
// and every exported name is a title the bundle gives, exactly once: no
// numbered copy (`Sum1`), no doubled name (`ItemItem`).
//
//     node tests/typescript/bundle.mjs
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";

const schemas = join(dirname(fileURLToPath(import.meta.url)), "../../generated/schemas");
const index = JSON.parse(readFileSync(join(schemas, "index.json"), "utf8"));
const problems = [];
let total = 0;
for (const bundle of index.bundles) {
  const schema = JSON.parse(readFileSync(join(schemas, bundle.path), "utf8"));
  // Every title the bundle gives: its definitions' and their known values'.
  const titles = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === "object") {
      if (typeof node.title === "string") titles.add(node.title);
      Object.values(node).forEach(walk);
    }
  };
  walk(schema);
  const ts = await compile(schema, schema.title, {
    bannerComment: "",
    unreachableDefinitions: true,
    additionalProperties: true,
  });
  const names = [...ts.matchAll(/^export (?:type|interface|enum|const enum) (\w+)/gm)].map((m) => m[1]);
  const seen = new Map();
  for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1);
  for (const [name, n] of seen) {
    if (n > 1) problems.push(`${bundle.brand}: ${name} is exported ${n} times`);
    // json-schema-to-typescript spells a title its own way (`P2P` for `P2p`).
    const known = [...titles].some((t) => t.toLowerCase() === name.toLowerCase());
    if (!known) problems.push(`${bundle.brand}: ${name} is no title of the bundle (numbered or invented)`);
  }
  total += names.length;
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`typescript bundles: ${index.bundles.length} bundles, ${total} exported types, each a title of its bundle, none numbered or doubled`);
