// Verifies an Agora credential (W3C VC 2.0 secured with Data Integrity `eddsa-jcs-2022`) with
// software that is not Agora: Digital Bazaar's `@digitalbazaar/vc`, `@digitalbazaar/data-integrity`
// and `@digitalbazaar/eddsa-jcs-2022-cryptosuite`, the issuer's key resolved from its `did:key`
// by `@digitalbazaar/did-method-key`. For a completion credential it also runs snarkjs'
// `groth16.verify` on the embedded verifying key, public signals and proof.
//
// Usage (from the repository root, after `npm ci`):
//   node docs/examples/verify_credential.mjs [--now DATETIME] CREDENTIAL.json
// Prints {"verified": true, ...} and exits 0, or {"verified": false, "reason": ...} and exits 1.
// A credential is valid from its `validFrom` (the block time of its fact); `--now` checks it as
// of another moment, e.g. for a demo chain whose block times run ahead of the clock.
// Works offline: the VC 2.0 context comes from the package, the key from the did:key itself;
// any other URL the credential names is refused rather than fetched.
import { readFileSync, statSync } from "node:fs";
import * as vc from "@digitalbazaar/vc";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { createVerifyCryptosuite } from "@digitalbazaar/eddsa-jcs-2022-cryptosuite";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import * as DidKey from "@digitalbazaar/did-method-key";

// Largest credential read, in bytes (Agora's own verifier has the same limit).
const MAX_CREDENTIAL_BYTES = 1024 * 1024;

function finish(result, code) {
  console.log(JSON.stringify(result, null, 2));
  process.exit(code);
}

function reasons(error) {
  if (!error) return [];
  const nested = Array.isArray(error.errors) ? error.errors.flatMap(reasons) : [];
  return nested.length > 0 ? nested : [String(error.message ?? error)];
}

const args = process.argv.slice(2);
let now;
if (args[0] === "--now") {
  now = new Date(args[1] ?? "");
  args.splice(0, 2);
}
const [file] = args;
if (!file || args.length !== 1 || (now !== undefined && Number.isNaN(now.getTime()))) {
  console.error("usage: node verify_credential.mjs [--now DATETIME] CREDENTIAL.json");
  process.exit(2);
}
const size = statSync(file).size;
if (size > MAX_CREDENTIAL_BYTES) {
  finish({ verified: false, reason: `${file} is ${size} bytes, above the limit of ${MAX_CREDENTIAL_BYTES}` }, 1);
}
let credential;
try {
  credential = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  finish({ verified: false, reason: `${file} is not JSON: ${error.message}` }, 1);
}

const didKeyDriver = DidKey.driver();
didKeyDriver.use({ multibaseMultikeyHeader: "z6Mk", fromMultibase: Ed25519Multikey.from });

async function documentLoader(url) {
  if (url.startsWith("did:key:")) {
    return { contextUrl: null, documentUrl: url, document: await didKeyDriver.get({ url }) };
  }
  // The VC contexts bundled with @digitalbazaar/vc; anything else throws (never fetched).
  return vc.defaultDocumentLoader(url);
}

const suite = new DataIntegrityProof({ cryptosuite: createVerifyCryptosuite() });
const result = await vc.verifyCredential({ credential, suite, documentLoader, ...(now ? { now } : {}) });
if (!result.verified) {
  finish({ verified: false, reason: reasons(result.error).join("; ") || "the proof does not verify" }, 1);
}
const checks = [`eddsa-jcs-2022 proof by ${credential.proof?.verificationMethod} (Digital Bazaar vc)`];

const types = Array.isArray(credential.type) ? credential.type : [];
if (types.includes("AgoraCompletionCredential")) {
  const subject = credential.credentialSubject ?? {};
  const snarkjs = await import("snarkjs");
  let ok = false;
  try {
    ok = await snarkjs.groth16.verify(subject.verificationKey, subject.publicSignals, subject.groth16Proof);
  } catch (error) {
    finish({ verified: false, reason: `groth16: ${error.message}` }, 1);
  }
  if (!ok) {
    finish({ verified: false, reason: "the embedded Groth16 proof does not verify (snarkjs)" }, 1);
  }
  checks.push("Groth16 proof verifies against the embedded key and public signals (snarkjs)");
}
finish({ verified: true, type: types, issuer: credential.issuer, checks }, 0);
