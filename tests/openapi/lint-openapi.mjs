// Lints every OpenAPI document under generated/openapi/ with Spectral
// (spectral:oas) and Redocly (recommended): any error or warning fails.
// The documents are found on disk, so a new brand needs no edit here. Run
// by .ci/run after `npm ci --prefix tests/openapi`.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const dir = new URL("../../generated/openapi/", import.meta.url).pathname;
const bin = (name) => join(here, "node_modules", ".bin", name);

// Both tools exit non-zero when they find problems; their JSON report is
// on standard output either way.
function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    if (e.stdout) return e.stdout;
    throw e;
  }
}

const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
let failed = files.length === 0;
if (failed) console.log(`FAIL no OpenAPI document in ${dir}`);
for (const f of files) {
  const path = join(dir, f);
  const spectral = JSON.parse(
    run(bin("spectral"), ["lint", path, "--ruleset", join(here, "spectral.yaml"), "-f", "json", "--fail-severity", "hint", "--quiet"]) || "[]",
  );
  const redoclyOut = run(bin("redocly"), ["lint", path, "--config", join(here, "redocly.yaml"), "--format", "json"]);
  const redocly = JSON.parse(redoclyOut.slice(redoclyOut.indexOf("{")));
  const problems = spectral.length + redocly.totals.errors + redocly.totals.warnings;
  console.log(
    `${problems ? "FAIL" : "ok  "} ${f}: spectral ${spectral.length} problems; redocly ${redocly.totals.errors} errors, ${redocly.totals.warnings} warnings`,
  );
  for (const p of spectral) console.log(`  spectral ${p.code}: ${p.message} at ${p.path.join(".")}`);
  for (const p of redocly.problems ?? []) console.log(`  redocly ${p.ruleId}: ${p.message}`);
  if (problems) failed = true;
}
process.exit(failed ? 1 : 0);
