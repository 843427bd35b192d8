// Shared helpers for the sort8 scripts (setup.mjs, commit.mjs, prove.mjs): where the circuit
// and the pinned npm packages are, how values are checked, and how a script ends.
// Not meant to be run by itself.

import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** circuits/circom/ */
export const CIRCUIT_DIR = resolve(here, "..");
/** circuits/circom/sort8.circom */
export const CIRCUIT = join(CIRCUIT_DIR, "sort8.circom");
/** The circuit's name: circom names its outputs after the file. */
export const NAME = "sort8";
/** The number of list entries the circuit takes. */
export const N = 8;
/** The public inputs, in Agora's order (and the circuit's). */
export const PUBLIC = ["chain", "task", "worker", "input_commitment", "output_commitment", "bound"];
/** The BN254 scalar field modulus. */
export const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const require = createRequire(import.meta.url);

/** The directory of an installed package (from the repository's node_modules). */
export function packageDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    fail(`the npm package ${name} is not installed; run \`npm ci\` in the repository root`);
  }
}

/** Output files of a setup in OUTDIR. */
export function artifacts(outdir) {
  return {
    r1cs: join(outdir, `${NAME}.r1cs`),
    wasm: join(outdir, `${NAME}_js`, `${NAME}.wasm`),
    zkey: join(outdir, `${NAME}.zkey`),
    vk: join(outdir, "verification_key.json"),
  };
}

/** Checks that `value` is a decimal string naming a field element; returns it as a BigInt. */
export function fieldElement(value, what) {
  if (typeof value !== "string" || !/^(0|[1-9][0-9]*)$/.test(value)) {
    fail(`${what} must be a decimal string without sign or leading zeros, got ${JSON.stringify(value)}`);
  }
  const n = BigInt(value);
  if (n >= FIELD) fail(`${what} is not below the BN254 scalar field modulus: ${value}`);
  return n;
}

/** Seconds since `start` (a performance.now() reading), to milliseconds. */
export function secondsSince(start) {
  return Math.round(performance.now() - start) / 1000;
}

// process.stdout and process.stderr write synchronously to files and pipes on Linux (and to
// terminals), so exiting right after a write loses nothing.

/** Prints `value` as one line of JSON on stdout and exits 0 (snarkjs leaves worker threads). */
export function done(value) {
  process.stdout.write(JSON.stringify(value) + "\n");
  process.exit(0);
}

/** Prints an error on stderr and exits 1. */
export function fail(message) {
  const script = process.argv[1] ? process.argv[1].split("/").pop() : "sort8";
  process.stderr.write(`${script}: ${message}\n`);
  process.exit(1);
}

/** Runs `main`, turning any error into a message on stderr and exit status 1. */
export function run(main) {
  main().catch((e) => fail(e && e.message ? e.message.trim() : String(e)));
}

/** A field element as the agora CLI writes it: 32 bytes, little-endian, hex. */
export function agoraHex(n) {
  let hex = "";
  for (let i = 0; i < 32; i++) {
    hex += Number((n >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, "0");
  }
  return hex;
}
