// Usage: node circuits/circom/scripts/commit.mjs V1 V2 V3 V4 V5 V6 V7 V8
//
// Prints {"commitment": "<decimal>", "commitment_hex": "<64 hex>"}: Poseidon over BN254 of
// exactly eight values (the hex is the little-endian 32-byte form the agora CLI takes for
// `--input-commitment` and `--param`), each a
// decimal string below the BN254 scalar field modulus. This is the hash sort8.circom checks
// input_commitment and output_commitment against (circomlib's Poseidon(8), here computed with
// circomlibjs's buildPoseidon, which uses the same constants). It does not check the values
// against a bound: the circuit does. On failure prints the reason on stderr and exits 1.

import { buildPoseidon } from "circomlibjs";
import { N, agoraHex, done, fail, fieldElement, run } from "./common.mjs";

run(async () => {
  const values = process.argv.slice(2);
  if (values.length !== N) fail(`usage: node commit.mjs V1 ... V${N} (exactly ${N} decimal values, got ${values.length})`);
  const elements = values.map((v, i) => fieldElement(v, `value ${i + 1}`));
  const poseidon = await buildPoseidon();
  const commitment = poseidon.F.toString(poseidon(elements), 10);
  done({ commitment, commitment_hex: agoraHex(BigInt(commitment)) });
});
