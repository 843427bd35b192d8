// Usage: node circuits/circom/scripts/setup.mjs OUTDIR [--ptau PREPARED.ptau]
//
// Compiles circuits/circom/sort8.circom with the circom2 npm package (circom 2 built to
// WebAssembly) and runs a local Groth16 BN254 setup for it, everything generated on this
// machine:
//   OUTDIR/sort8.r1cs              the constraint system
//   OUTDIR/sort8_js/sort8.wasm     the witness generator
//   OUTDIR/potP_final.ptau         a powers of tau of the smallest power P that fits the circuit
//                                  (new bn128 P, one contribution from crypto.randomBytes,
//                                  prepared for phase 2); with --ptau, that prepared file is
//                                  used instead and no powers of tau are generated (preparing
//                                  phase 2 is most of the setup's time)
//   OUTDIR/sort8.zkey              the proving key (groth16 setup plus one contribution)
//   OUTDIR/verification_key.json   the verification key, as snarkjs exports it
// Prints one line of JSON on stdout:
//   {"r1cs", "wasm", "zkey", "vk", "ptau", "constraints", "power", "seconds", "timings"}
// where paths are absolute, power is the smallest power of tau the circuit fits in (the one
// generated without --ptau), and seconds is the whole run's wall time. On failure prints the
// reason on stderr and exits 1. A single-party setup like this one is for tests and examples:
// whoever ran it could have kept the secrets it used.

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import * as snarkjs from "snarkjs";
import { CIRCUIT, NAME, PUBLIC, artifacts, done, fail, packageDir, run, secondsSince } from "./common.mjs";

run(async () => {
  const argv = process.argv.slice(2);
  let given;
  const at = argv.indexOf("--ptau");
  if (at >= 0) {
    given = argv[at + 1];
    argv.splice(at, 2);
    if (!given) fail("--ptau needs a file");
    given = resolve(given);
    if (!existsSync(given)) fail(`no such powers of tau file: ${given}`);
  }
  if (argv.length !== 1 || argv[0].startsWith("-")) fail("usage: node setup.mjs OUTDIR [--ptau PREPARED.ptau]");
  const outdir = resolve(argv[0]);
  mkdirSync(outdir, { recursive: true });
  const out = artifacts(outdir);
  const started = performance.now();
  const timings = {};

  // 1. Compile. circom2's CLI maps the paths it is given relative to the working directory,
  //    which it pre-opens for the WebAssembly compiler together with every parent directory.
  let t = performance.now();
  const circom = join(packageDir("circom2"), "cli.js");
  const include = join(packageDir("circomlib"), "circuits");
  const args = [circom, CIRCUIT, "--r1cs", "--wasm", "--O2", "-l", include, "-o", outdir];
  const compiled = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const strip = (s) => (s || "").replace(/\x1b\[[0-9;]*m/g, "").trim();
  if (compiled.error) fail(`could not run circom2: ${compiled.error.message}`);
  if (compiled.status !== 0) {
    fail(`circom2 failed (exit ${compiled.status}):\n${strip(compiled.stdout)}\n${strip(compiled.stderr)}`.trim());
  }
  for (const file of [out.r1cs, out.wasm]) {
    if (!existsSync(file)) fail(`circom2 reported success but wrote no ${file}:\n${strip(compiled.stdout)}`);
  }
  timings.compile = secondsSince(t);

  const errors = [];
  const logger = {
    error: (m) => errors.push(String(m)),
    warn: (m) => process.stderr.write(`snarkjs: ${m}\n`),
    info: () => {},
    debug: () => {},
  };
  const check = (result, step) => {
    if (result === -1 || result === false || errors.length > 0) {
      fail(`${step} failed${errors.length ? ": " + errors.join("; ") : ""}`);
    }
    return result;
  };

  const r1cs = await snarkjs.r1cs.info(out.r1cs);
  if (r1cs.nOutputs !== 0 || r1cs.nPubInputs !== PUBLIC.length) {
    fail(
      `the circuit must have no outputs and ${PUBLIC.length} public inputs (${PUBLIC.join(", ")}); ` +
        `it has ${r1cs.nOutputs} outputs and ${r1cs.nPubInputs} public inputs`,
    );
  }
  // snarkjs's Groth16 setup needs a domain of 2^P > constraints + public inputs + outputs
  // (one extra constraint per public input and one for the constant 1).
  const power = (r1cs.nConstraints + r1cs.nPubInputs + r1cs.nOutputs).toString(2).length;

  // 2. Powers of tau: new, one contribution, prepared for phase 2.
  t = performance.now();
  const pot0 = join(outdir, `pot${power}_0000.ptau`);
  const pot1 = join(outdir, `pot${power}_0001.ptau`);
  let ptau = given;
  if (!ptau) {
    ptau = join(outdir, `pot${power}_final.ptau`);
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    check(await snarkjs.powersOfTau.newAccumulator(curve, power, pot0, logger), "powersoftau new");
    check(
      await snarkjs.powersOfTau.contribute(pot0, pot1, "agora local", randomBytes(64).toString("hex"), logger),
      "powersoftau contribute",
    );
    check(await snarkjs.powersOfTau.preparePhase2(pot1, ptau, logger), "powersoftau prepare phase2");
  }
  timings.ptau = secondsSince(t);

  // 3. Groth16 setup and one contribution.
  t = performance.now();
  const zkey0 = join(outdir, `${NAME}_0000.zkey`);
  check(await snarkjs.zKey.newZKey(out.r1cs, ptau, zkey0, logger), "groth16 setup");
  check(
    await snarkjs.zKey.contribute(zkey0, out.zkey, "agora local", randomBytes(64).toString("hex"), logger),
    "zkey contribute",
  );
  const vk = check(await snarkjs.zKey.exportVerificationKey(out.zkey, logger), "zkey export verificationkey");
  if (vk.nPublic !== PUBLIC.length || vk.IC.length !== PUBLIC.length + 1) {
    fail(`the verification key has nPublic ${vk.nPublic} and ${vk.IC.length} IC points; expected ${PUBLIC.length} and ${PUBLIC.length + 1}`);
  }
  writeFileSync(out.vk, JSON.stringify(vk, null, 1) + "\n");
  timings.groth16 = secondsSince(t);

  for (const f of [pot0, pot1, zkey0]) rmSync(f, { force: true });

  done({
    ...out,
    ptau,
    constraints: r1cs.nConstraints,
    power,
    seconds: secondsSince(started),
    timings,
  });
});
