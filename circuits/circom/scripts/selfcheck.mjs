// Usage: node circuits/circom/scripts/selfcheck.mjs OUTDIR
//
// End-to-end check of the sort8 scripts against keys that `setup.mjs OUTDIR` already wrote:
// commits an unsorted list and its sorted version (commit.mjs), proves with made-up chain,
// task and worker values (prove.mjs), then checks that prove.mjs finds no witness for a y that
// is unsorted, not a permutation of x, above the bound, or under a wrong commitment, and that
// the proof fails to verify once any one of the six public signals is changed. Prints
// {"checks": [...], "passed": N, "failed": N} and exits 1 if any check failed.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { PUBLIC, artifacts, done, fail, run } from "./common.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const script = (name, args) =>
  JSON.parse(execFileSync(process.execPath, [join(here, name), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));

run(async () => {
  if (process.argv.length !== 3) fail("usage: node selfcheck.mjs OUTDIR");
  const outdir = resolve(process.argv[2]);
  for (const file of Object.values(artifacts(outdir))) {
    if (!existsSync(file)) fail(`${file} is missing; run setup.mjs ${outdir} first`);
  }
  const work = mkdtempSync(join(tmpdir(), "sort8-selfcheck-"));
  const checks = [];
  const record = (name, ok) => checks.push({ name, ok });
  const commit = (values) => script("commit.mjs", values).commitment;

  const x = ["907", "3", "44", "3", "1000000", "0", "4294967295", "12"];
  const y = [...x].sort((a, b) => Number(a) - Number(b));
  const base = {
    chain: "1", task: "42", worker: "123456789012345678901234567890",
    input_commitment: commit(x), output_commitment: commit(y), bound: "4294967296", x, y,
  };
  const prove = (name, input) => {
    const file = join(work, `${name}.json`);
    writeFileSync(file, JSON.stringify(input));
    try {
      return script("prove.mjs", [outdir, file, join(work, name)]);
    } catch (e) {
      return { error: String(e.stderr) };
    }
  };

  const good = prove("good", base);
  record("sorted permutation proves and verifies", good.verified === true);
  record("public.json is chain, task, worker, input_commitment, output_commitment, bound",
    JSON.stringify(good.public) === JSON.stringify(PUBLIC.map((k) => base[k])));

  const refuse = (name, change) => {
    const input = { ...base, ...change };
    if (change.y && !change.output_commitment) input.output_commitment = commit(change.y);
    const result = prove(name.replace(/\W+/g, "_"), input);
    record(`no witness: ${name}`, /does not satisfy the circuit/.test(result.error ?? ""));
  };
  refuse("y not sorted", { y: ["3", "0", "3", "12", "44", "907", "1000000", "4294967295"] });
  refuse("y not a permutation", { y: ["0", "3", "4", "12", "44", "907", "1000000", "4294967295"] });
  refuse("y drops a duplicate", { y: ["0", "3", "12", "12", "44", "907", "1000000", "4294967295"] });
  refuse("wrong input commitment", { input_commitment: commit(y) });
  refuse("value not below bound", { bound: "4294967295" });
  refuse("bound above 2^32", { bound: "4294967297" });

  if (good.verified) {
    const vk = JSON.parse(readFileSync(artifacts(outdir).vk, "utf8"));
    for (let i = 0; i < PUBLIC.length; i++) {
      const changed = [...good.public];
      changed[i] = (BigInt(changed[i]) + 1n).toString();
      record(`verify fails with ${PUBLIC[i]} + 1`, (await snarkjs.groth16.verify(vk, changed, good.proof)) === false);
    }
  }

  rmSync(work, { recursive: true, force: true });
  const failed = checks.filter((c) => !c.ok).length;
  if (failed) {
    process.stdout.write(JSON.stringify({ checks, passed: checks.length - failed, failed }) + "\n");
    fail(`${failed} of ${checks.length} checks failed`);
  }
  done({ checks, passed: checks.length, failed: 0 });
});
