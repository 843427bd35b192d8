// Drives `agora mcp` with the official MCP TypeScript SDK, as an MCP client would.
//
//   node mcp_lifecycle.mjs stdio   — spawns one `agora mcp` per agent (employer, worker) over
//                                    stdio and runs whole task lifecycles between them.
//   node mcp_lifecycle.mjs http URL — talks streamable HTTP to a running `agora mcp --http`.
//
// Settings come from the environment (set by crates/agora-cli/tests/mcp_lifecycle.rs):
// AGORA_BIN, AGORA_NODE_URL, EMPLOYER_KEY, WORKER_KEY, AGORA_KEYS_DIR, WITNESS_FILE.
// The last stdout line is `RESULT {json}` for the Rust test to check against the node's state.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const TOOLS = [
  "whoami",
  "list_open_tasks",
  "get_task",
  "post_task",
  "place_bid",
  "award_bid",
  "submit_completion",
  "accept_delivery",
  "open_dispute",
  "get_receipt",
  "get_reputation",
  "register_encryption_key",
  "decrypt_output",
];
// Proving takes seconds; everything else answers after one block commit.
const PROVE_TIMEOUT_MS = 300_000;
const CALL_TIMEOUT_MS = 60_000;

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function connect(transport, name) {
  const client = new Client({ name, version: "1.0.0" });
  await client.connect(transport);
  return client;
}

function spawnWallet(keyFile, name, extra = []) {
  const transport = new StdioClientTransport({
    command: env("AGORA_BIN"),
    args: ["mcp", "--node", env("AGORA_NODE_URL"), "--key", keyFile, "--keys", env("AGORA_KEYS_DIR"), ...extra],
    stderr: "inherit",
  });
  return connect(transport, name);
}

function checkText(name, result) {
  assert.ok(Array.isArray(result.content) && result.content.length === 1, `${name}: one content block`);
  const [block] = result.content;
  assert.equal(block.type, "text", `${name}: text summary`);
  assert.ok(block.text.length > 0 && !block.text.includes("\n"), `${name}: one-line summary, got ${block.text}`);
  assert.equal(typeof result.structuredContent, "object", `${name}: structured content`);
  return block.text;
}

/** Calls a tool that must succeed; returns its structured content. */
async function call(client, name, args = {}, timeout = CALL_TIMEOUT_MS) {
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout });
  const text = checkText(name, result);
  if (result.isError) throw new Error(`${name} failed: ${text}`);
  console.log(`${name}: ${text}`);
  return result.structuredContent;
}

/** Calls a tool that must fail with a tool error; returns the error form. */
async function callError(client, name, args) {
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS });
  const text = checkText(name, result);
  assert.equal(result.isError, true, `${name} should have failed: ${text}`);
  const error = result.structuredContent;
  assert.equal(typeof error.code, "number", text);
  assert.equal(typeof error.name, "string", text);
  assert.equal(typeof error.message, "string", text);
  console.log(`${name} (expected error): ${text}`);
  return error;
}

async function listsEveryTool(client) {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOLS].sort());
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, "object", `${tool.name} input schema`);
    assert.equal(tool.inputSchema.additionalProperties, false, `${tool.name} refuses unknown fields`);
    assert.ok(tool.description, `${tool.name} description`);
  }
  const bid = tools.find((t) => t.name === "place_bid");
  assert.equal(bid.inputSchema.properties.price.type, "string", "amounts are decimal strings");
  assert.deepEqual([...bid.inputSchema.required].sort(), ["eta_secs", "price", "task"]);
  return tools;
}

async function badInputs(client) {
  const unknown = await callError(client, "get_task", { task: "1", colour: "blue" });
  assert.equal(unknown.name, "MalformedRequest");
  assert.match(unknown.message, /unknown field/);
  const wrongType = await callError(client, "place_bid", { task: 1, price: "5", eta_secs: "60" });
  assert.equal(wrongType.name, "MalformedRequest");
  assert.equal(wrongType.field, "task");
  const notDecimal = await callError(client, "place_bid", { task: "1", price: "12.5", eta_secs: "60" });
  assert.equal(notDecimal.name, "MalformedRequest");
  assert.equal(notDecimal.field, "price");
  const missing = await callError(client, "award_bid", { task: "1" });
  assert.equal(missing.name, "MalformedRequest");
  assert.match(missing.message, /missing field `bidder`/);
}

function createdTask(ack) {
  assert.equal(ack.receipt.status, "Ok");
  assert.ok(ack.receipt.created.task, `a task was created: ${JSON.stringify(ack.receipt)}`);
  return ack.receipt.created.task;
}

async function stdioLifecycle() {
  const witness = JSON.parse(readFileSync(env("WITNESS_FILE"), "utf8"));
  const fairWitness = JSON.parse(readFileSync(env("FAIR_WITNESS_FILE"), "utf8"));
  const employer = await spawnWallet(env("EMPLOYER_KEY"), "employer", [
    "--encryption-key",
    env("EMPLOYER_ENCRYPTION_KEY"),
  ]);
  const worker = await spawnWallet(env("WORKER_KEY"), "worker");
  try {
    await listsEveryTool(employer);
    await listsEveryTool(worker);
    await badInputs(worker);

    const boss = await call(employer, "whoami");
    const me = await call(worker, "whoami");
    assert.ok(boss.agent.account.registration, "the employer is registered");
    assert.ok(me.agent.balances.length > 0, "the worker is funded");
    const before = await call(worker, "get_reputation");
    assert.equal(before.did, me.agent.did);

    const now = Math.floor(Date.now() / 1000);
    const terms = {
      asset: 1,
      budget: "20000000",
      bid_deadline: String(now + 600),
      delivery_deadline: String(now + 3600),
    };
    const receipts = [];

    // Task A: proof-gated (aggregate); a verified proof pays the worker and raises its score.
    const postedA = await call(employer, "post_task", {
      title: "aggregate the committed records",
      requirements: "sum and count above the threshold, proven",
      witness,
      ...terms,
    });
    receipts.push(postedA.receipt);
    const taskA = createdTask(postedA);
    const open = await call(worker, "list_open_tasks", {});
    assert.ok(open.items.some((t) => t.id === taskA), `task ${taskA} is listed open`);
    const viewA = await call(worker, "get_task", { task: taskA });
    assert.equal(viewA.task.status, "open");
    assert.equal(viewA.task.offer.kind, 1);
    const bidA = await call(worker, "place_bid", { task: taskA, price: "15000000", eta_secs: "600" });
    receipts.push(bidA.receipt);
    const bids = (await call(employer, "get_task", { task: taskA })).bids;
    assert.equal(bids.length, 1);
    assert.equal(bids[0].bidder, me.agent.did);
    const awardA = await call(employer, "award_bid", { task: taskA, bidder: bids[0].bidder });
    receipts.push(awardA.receipt);
    const done = await call(worker, "submit_completion", { task: taskA, witness }, PROVE_TIMEOUT_MS);
    receipts.push(done.receipt);
    assert.equal(done.receipt.status, "Ok");
    assert.equal(done.completion.kind, 1);
    assert.equal((await call(employer, "get_task", { task: taskA })).task.status, "completed");
    // A proven task is settled: accepting it again is refused with its status name.
    const closed = await callError(employer, "accept_delivery", { task: taskA });
    assert.ok(closed.code < 1000, `a transaction status, got ${JSON.stringify(closed)}`);
    assert.equal(closed.name, "TaskClosed");

    // Task B: manual; the employer accepts the delivery.
    const postedB = await call(employer, "post_task", {
      title: "write the summary",
      requirements: "delivered off-chain, accepted by the employer",
      kind: 0,
      input_commitment: "00".repeat(32),
      ...terms,
    });
    receipts.push(postedB.receipt);
    const taskB = createdTask(postedB);
    receipts.push((await call(worker, "place_bid", { task: taskB, price: "5000000", eta_secs: "60" })).receipt);
    receipts.push((await call(employer, "award_bid", { task: taskB, bidder: me.agent.did })).receipt);
    const accepted = await call(employer, "accept_delivery", { task: taskB });
    receipts.push(accepted.receipt);
    const lookedUp = await call(employer, "get_receipt", { tx_hash: accepted.receipt.tx_id });
    assert.deepEqual(lookedUp.receipt, accepted.receipt);
    assert.match(lookedUp.block_time, /^[0-9]+$/);

    const after = await call(worker, "get_reputation", { did: me.agent.did });
    assert.ok(BigInt(after.score) > BigInt(before.score), `score moved: ${before.score} -> ${after.score}`);
    assert.equal(after.proven_completions, "1");

    // Task C: manual; the worker disputes it after the award.
    const postedC = await call(employer, "post_task", {
      title: "translate the report",
      requirements: "delivered off-chain",
      kind: 0,
      input_commitment: "00".repeat(32),
      ...terms,
    });
    receipts.push(postedC.receipt);
    const taskC = createdTask(postedC);
    receipts.push((await call(worker, "place_bid", { task: taskC, price: "3000000", eta_secs: "60" })).receipt);
    receipts.push((await call(employer, "award_bid", { task: taskC, bidder: me.agent.did })).receipt);
    const disputed = await call(worker, "open_dispute", { task: taskC });
    receipts.push(disputed.receipt);
    assert.ok(disputed.receipt.created.case, `a case was opened: ${JSON.stringify(disputed.receipt)}`);
    assert.equal((await call(worker, "get_task", { task: taskC })).task.status, "disputed");

    const missingTx = await callError(worker, "get_receipt", { tx_hash: "ab".repeat(32) });
    assert.equal(missingTx.name, "NotFound");

    // Task D: fair exchange. The worker is paid by the completion that publishes the output
    // sealed to the employer's registered key; the employer decrypts it, the worker cannot.
    receipts.push((await call(employer, "register_encryption_key", {})).receipt);
    const postedD = await call(employer, "post_task", {
      title: "aggregate the committed records, fair exchange",
      requirements: "paid only against the output sealed to the employer",
      witness: fairWitness,
      fair_exchange: true,
      ...terms,
    });
    receipts.push(postedD.receipt);
    const taskD = createdTask(postedD);
    assert.equal((await call(worker, "get_task", { task: taskD })).task.offer.kind, 11);
    receipts.push((await call(worker, "place_bid", { task: taskD, price: "15000000", eta_secs: "600" })).receipt);
    receipts.push((await call(employer, "award_bid", { task: taskD, bidder: me.agent.did })).receipt);
    const sealed = await call(worker, "submit_completion", { task: taskD, witness: fairWitness }, PROVE_TIMEOUT_MS);
    receipts.push(sealed.receipt);
    assert.equal(sealed.completion.kind, 11);
    assert.equal(sealed.completion.sealed.ciphertext.length, 3);
    const opened = await call(employer, "decrypt_output", { task: taskD });
    assert.deepEqual(opened.result, sealed.completion.result);
    const noKey = await callError(worker, "decrypt_output", { task: taskD });
    assert.equal(noKey.name, "DecryptionFailed");
    const plainTask = await callError(employer, "decrypt_output", { task: taskA });
    assert.equal(plainTask.name, "NotFound");
    const final = await call(worker, "get_reputation", { did: me.agent.did });
    assert.equal(final.proven_completions, "2");

    console.log(
      "RESULT " +
        JSON.stringify({
          worker: me.agent.did,
          employer: boss.agent.did,
          tasks: { proven: taskA, accepted: taskB, disputed: taskC, fair: taskD },
          decrypted: opened.result,
          case: disputed.receipt.created.case,
          score_before: before.score,
          score_after: final.score,
          receipts,
        }),
    );
  } finally {
    await employer.close();
    await worker.close();
  }
}

async function httpSession(url) {
  const client = await connect(new StreamableHTTPClientTransport(new URL(url)), "http-client");
  try {
    await listsEveryTool(client);
    const me = await call(client, "whoami");
    const open = await call(client, "list_open_tasks", { limit: 10 });
    assert.ok(Array.isArray(open.items));
    const tooMany = await callError(client, "list_open_tasks", { limit: 5000 });
    assert.equal(tooMany.name, "InvalidParameter");
    assert.equal(tooMany.field, "limit");
    await badInputs(client);
    console.log("RESULT " + JSON.stringify({ did: me.agent.did, open: open.items.length }));
  } finally {
    await client.close();
  }
}

const [mode, url] = process.argv.slice(2);
if (mode === "stdio") {
  await stdioLifecycle();
} else if (mode === "http" && url) {
  await httpSession(url);
} else {
  throw new Error("usage: mcp_lifecycle.mjs stdio | http URL");
}
