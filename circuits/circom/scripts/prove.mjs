// Usage: node circuits/circom/scripts/prove.mjs OUTDIR INPUT.json PROOFDIR
//
// Proves one sort8 task with the keys setup.mjs wrote to OUTDIR. INPUT.json holds
//   {"chain", "task", "worker", "input_commitment", "output_commitment", "bound",
//    "x": [8 values], "y": [8 values]}
// every value a decimal string (snarkjs's form) below the BN254 scalar field modulus. Runs
// snarkjs.groth16.fullProve with OUTDIR/sort8_js/sort8.wasm and OUTDIR/sort8.zkey, writes
// PROOFDIR/proof.json and PROOFDIR/public.json, checks that public.json holds the six public
// inputs in Agora's order and that the proof verifies with OUTDIR/verification_key.json, and
// prints one line of JSON on stdout:
//   {"proof": {...}, "public": [6 decimal strings], "verified": true, "seconds": S}
// If the input admits no witness (y not sorted, not a permutation of x, a value not below
// bound, a commitment that does not match) or anything else fails, prints the reason on
// stderr, writes nothing to PROOFDIR, and exits 1.

import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import * as snarkjs from "snarkjs";
import { CIRCUIT, N, PUBLIC, artifacts, done, fail, fieldElement, run, secondsSince } from "./common.mjs";

run(async () => {
  if (process.argv.length !== 5) fail("usage: node prove.mjs OUTDIR INPUT.json PROOFDIR");
  const [outdir, inputPath, proofdir] = process.argv.slice(2).map((p) => resolve(p));
  const keys = artifacts(outdir);
  for (const file of [keys.wasm, keys.zkey, keys.vk]) {
    if (!existsSync(file)) fail(`${file} is missing; run setup.mjs ${outdir} first`);
  }

  let raw;
  try {
    raw = JSON.parse(readFileSync(inputPath, "utf8"));
  } catch (e) {
    fail(`cannot read ${inputPath} as JSON: ${e.message}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail(`${inputPath} must hold a JSON object`);
  const expected = [...PUBLIC, "x", "y"];
  const unknown = Object.keys(raw).filter((k) => !expected.includes(k));
  if (unknown.length) fail(`${inputPath} has unknown keys: ${unknown.join(", ")} (expected ${expected.join(", ")})`);
  const input = {};
  for (const k of PUBLIC) {
    if (!(k in raw)) fail(`${inputPath} lacks "${k}"`);
    fieldElement(raw[k], k);
    input[k] = raw[k];
  }
  for (const k of ["x", "y"]) {
    if (!Array.isArray(raw[k]) || raw[k].length !== N) fail(`"${k}" must be an array of ${N} decimal strings`);
    raw[k].forEach((v, i) => fieldElement(v, `${k}[${i}]`));
    input[k] = raw[k];
  }

  const started = performance.now();
  let proof, publicSignals;
  try {
    ({ proof, publicSignals } = await snarkjs.groth16.fullProve(input, keys.wasm, keys.zkey));
  } catch (e) {
    const message = String(e.message || e).trim().split("\n")[0];
    // circom's witness generator names the line of the failed assertion in sort8.circom.
    const line = /line: (\d+)/.exec(message);
    const source = line ? readFileSync(CIRCUIT, "utf8").split("\n")[Number(line[1]) - 1] : undefined;
    fail(`no proof: the input does not satisfy the circuit (${message}${source ? `: ${source.trim()}` : ""})`);
  }
  const publicExpected = PUBLIC.map((k) => input[k]);
  if (JSON.stringify(publicSignals) !== JSON.stringify(publicExpected)) {
    fail(`public signals ${JSON.stringify(publicSignals)} are not ${PUBLIC.join(", ")} in order: ${JSON.stringify(publicExpected)}`);
  }
  const vk = JSON.parse(readFileSync(keys.vk, "utf8"));
  const verified = await snarkjs.groth16.verify(vk, publicSignals, proof);
  if (verified !== true) fail("the proof snarkjs made does not verify with the verification key");
  const seconds = secondsSince(started);

  mkdirSync(proofdir, { recursive: true });
  writeFileSync(join(proofdir, "proof.json"), JSON.stringify(proof, null, 1) + "\n");
  writeFileSync(join(proofdir, "public.json"), JSON.stringify(publicSignals, null, 1) + "\n");
  done({ proof, public: publicSignals, verified, seconds });
});
