// Signs an Agora transaction with Node's built-in Ed25519 (no npm package) and posts it to a
// node: POST /v1/txs/prepare gives the digest to sign, POST /v1/txs takes the signed form.
//
// Usage: AGORA_SECRET=<64 hex seed> node sign_and_post.mjs http://127.0.0.1:8645 [amount]
// Posts a deposit of `amount` USD units (asset 1) from the operator to itself and prints the
// receipt; exits 1 unless its status is Ok. Needs Node >= 20 (global fetch, Ed25519).
import { createPrivateKey, createPublicKey, sign } from "node:crypto";

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function base58btc(bytes) {
  let n = BigInt("0x" + Buffer.from(bytes).toString("hex"));
  let out = "";
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = "1" + out;
  }
  return out;
}

const [url, amount = "1000"] = process.argv.slice(2);
const secret = process.env.AGORA_SECRET;
if (!url || !/^[0-9a-f]{64}$/i.test(secret ?? "")) {
  console.error("usage: AGORA_SECRET=<64 hex seed> node sign_and_post.mjs NODE_URL [amount]");
  process.exit(2);
}
// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.from(secret, "hex")]);
const key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
const publicRaw = createPublicKey(key).export({ format: "der", type: "spki" }).subarray(-32);
// did:key: multibase base58btc of the Ed25519 multicodec prefix 0xed 0x01 and the key.
const did = "did:key:z" + base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), publicRaw]));

async function post(path, body) {
  const response = await fetch(url + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const action = { type: "deposit", to: did, asset: 1, amount: String(amount) };
const prepared = await post("/v1/txs/prepare", { sender: did, action });
if (prepared.status !== 200) {
  console.error("prepare failed:", JSON.stringify(prepared.body));
  process.exit(1);
}
const signature = sign(null, Buffer.from(prepared.body.signing_digest, "hex"), key).toString("hex");
const posted = await post("/v1/txs", { ...prepared.body.body, signature });
console.log(JSON.stringify(posted.body));
process.exit(posted.status === 200 && posted.body.receipt?.status === "Ok" ? 0 : 1);
