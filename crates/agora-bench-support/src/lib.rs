//! Workloads for measuring Agora, shared by the criterion benches (`benches/`) and
//! `agora bench`, so both measure exactly the same thing:
//!
//! * [`TransferLoad`]: funded agents and signed transfers, any number per block;
//! * [`LifecycleLoad`]: registered employers and workers and whole task lifecycles (post, bid,
//!   award, accept), one block per stage;
//! * [`MemoryChain`]: the state machine over `MemoryState`, the in-memory baseline of the redb
//!   store;
//! * proof fixtures: seeded keys per circuit shape, witnesses, our proving
//!   ([`prove_ours`]) beside plain `Groth16::<Bn254>::prove` of the same circuit
//!   ([`prove_plain`]), a set of valid claims for verification ([`VerifyFixture`]) and a block
//!   of proof-gated completions through the state machine ([`CompletionBench`]);
//! * [`percentile`] for latency figures.
//!
//! A crate of its own, used by `agora bench` and the benches, so that users of the `agora`
//! library do not compile it.
//!
//! **Benchmarks only, not a stable API.** Every key here comes from a seeded generator, and
//! whoever knows the setup randomness can forge proofs.

use agora::Error;
use agora_circuits::{aggregate, classify, hashchain};
use agora_core::{
    Action, AgentId, AgentKey, Amount, AssetId, Block, BlockError, BlockHeader, BlockOutcome, ChainConfig, ChainTip,
    Created, Digest, FieldBytes, Genesis, InitialBalance, KeyId, KindSpec, MemoryState, PostTask, ProofClaim,
    ProofVerdict, ProofVerifier, SignedTx, Status, TaskId, TxBody, apply_block, chain_field, task_field, worker_field,
};
use agora_zk::kinds::{AggregateWitness, ClassifyWitness, HashchainWitness};
use agora_zk::{
    CircuitShape, Completion, Groth16Verifier, KeyPair, Witness, decode_proof, encode_proof, encode_proof_uncompressed,
    field_to_fr,
};
use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, ProvingKey, prepare_verifying_key};
use ark_snark::SNARK;
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;
use std::sync::Arc;
use std::time::Duration;

/// The asset every workload moves (the development genesis' `USD`).
pub const ASSET: AssetId = AssetId(1);
/// Genesis time of every workload's genesis.
pub const GENESIS_TIME: u64 = 1_000;
/// What each funded agent starts with (plenty for millions of transfers).
pub const FUNDING: Amount = 1_000_000_000_000_000_000_000_000;

/// The genesis hash that proofs made outside any chain (the proving and verification
/// workloads) are bound to.
pub const BENCH_GENESIS_HASH: Digest = [0; 32];

/// A deterministic key: the `i`-th key of the family `tag`.
pub fn bench_key(tag: &str, i: u64) -> AgentKey {
    AgentKey::from_seed(FieldBytes::hash_to_field(&format!("agora bench key {tag}"), &i.to_le_bytes()).to_bytes())
}

/// A seeded RNG (benchmarks and tests only).
pub fn seeded_rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// The block following `tip`, one second later, holding `txs`.
pub fn block_after(tip: &ChainTip, txs: Vec<SignedTx>) -> Block {
    Block { header: BlockHeader { height: tip.height + 1, time: tip.time + 1, prev_digest: tip.digest }, txs }
}

fn sign(key: &AgentKey, nonce: &mut u64, action: Action, genesis_hash: &Digest) -> SignedTx {
    let tx = TxBody { sender: key.id(), nonce: *nonce, action }.sign(key, genesis_hash);
    *nonce += 1;
    tx
}

/// The development genesis of `operator` with each employer funded for millions of tasks and
/// each worker holding exactly the registration bond.
fn funded_genesis(operator: &AgentKey, employers: &[AgentKey], workers: &[AgentKey]) -> Genesis {
    let mut genesis = Genesis::development(operator.id(), GENESIS_TIME);
    let bond = genesis.bond.amount;
    genesis.balances = employers
        .iter()
        .map(|k| (k, FUNDING))
        .chain(workers.iter().map(|k| (k, bond)))
        .map(|(k, amount)| InitialBalance { agent: k.id(), asset: "USD".to_string(), amount })
        .collect();
    genesis
}

fn genesis_hash_of(genesis: &Genesis) -> Result<Digest, Error> {
    Ok(ChainConfig::new(genesis.clone()).map_err(agora::store::StoreError::from)?.genesis_hash)
}

// ---------------------------------------------------------------------------------------------
// Transfers.
// ---------------------------------------------------------------------------------------------

/// Agents funded at genesis, sending each other signed transfers round-robin: agent `j` pays
/// agent `j + 1`, so every transfer succeeds and every block touches `2·n + 1` balances.
pub struct TransferLoad {
    operator: AgentKey,
    agents: Vec<AgentKey>,
    nonces: Vec<u64>,
    genesis: Genesis,
    genesis_hash: Digest,
    next: usize,
}

impl TransferLoad {
    /// `agents` keys (at least 2, at most `MAX_GENESIS_ITEMS`) funded with [`FUNDING`] each.
    pub fn new(agents: usize) -> Result<Self, Error> {
        let agents = agents.max(2);
        let operator = bench_key("operator", 0);
        let keys: Vec<AgentKey> = (0..agents as u64).map(|i| bench_key("transfer", i)).collect();
        let mut genesis = Genesis::development(operator.id(), GENESIS_TIME);
        genesis.balances =
            keys.iter().map(|k| InitialBalance { agent: k.id(), asset: "USD".to_string(), amount: FUNDING }).collect();
        let genesis_hash = genesis_hash_of(&genesis)?;
        Ok(TransferLoad { operator, nonces: vec![0; keys.len()], agents: keys, genesis, genesis_hash, next: 0 })
    }

    /// The genesis funding the agents.
    pub fn genesis(&self) -> &Genesis {
        &self.genesis
    }

    /// The operator (also the fee account).
    pub fn operator(&self) -> &AgentKey {
        &self.operator
    }

    /// The next `n` signed transfers (each agent's nonces in order, so any cut into blocks
    /// applies cleanly as long as the blocks are applied in the order they were made).
    pub fn txs(&mut self, n: usize) -> Vec<SignedTx> {
        let count = self.agents.len();
        (0..n)
            .map(|_| {
                let j = self.next;
                self.next = (self.next + 1) % count;
                let to = self.agents[(j + 1) % count].id();
                let amount = 1_000 + (j as u128 % 7);
                sign(
                    &self.agents[j],
                    &mut self.nonces[j],
                    Action::Transfer { to, asset: ASSET, amount },
                    &self.genesis_hash,
                )
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Task lifecycles.
// ---------------------------------------------------------------------------------------------

/// Employers and workers funded at genesis; [`LifecycleLoad::registrations`] registers them all,
/// then each [`LifecycleLoad::round`] is four blocks: `k` tasks posted, one bid on each, every
/// task awarded, every delivery accepted (the worker paid). Task ids are predicted (the task
/// counter is sequential), so rounds can be signed before any block is applied; apply them in
/// order, after the registrations, with every post succeeding. Each worker holds at most
/// [`BIDS_PER_WORKER`] open bids (fresh agents may hold only a few), so a round of `k` tasks
/// needs `k ≤ BIDS_PER_WORKER · workers`.
pub struct LifecycleLoad {
    employers: Vec<AgentKey>,
    workers: Vec<AgentKey>,
    employer_nonces: Vec<u64>,
    worker_nonces: Vec<u64>,
    genesis: Genesis,
    genesis_hash: Digest,
    next_task: u64,
}

/// Open bids a workload worker places per round (new agents may only hold a few).
pub const BIDS_PER_WORKER: usize = 1;

/// Budget of every lifecycle task.
pub const TASK_BUDGET: Amount = 1_000_000;
/// Price every worker bids.
pub const TASK_PRICE: Amount = 900_000;

impl LifecycleLoad {
    /// `employers` and `workers` agents (at least one of each). A round of `k` tasks needs
    /// `k ≤ BIDS_PER_WORKER · workers`.
    pub fn new(employers: usize, workers: usize) -> Result<Self, Error> {
        let operator = bench_key("operator", 0);
        let employers: Vec<AgentKey> = (0..employers.max(1) as u64).map(|i| bench_key("employer", i)).collect();
        let workers: Vec<AgentKey> = (0..workers.max(1) as u64).map(|i| bench_key("worker", i)).collect();
        let genesis = funded_genesis(&operator, &employers, &workers);
        let genesis_hash = genesis_hash_of(&genesis)?;
        Ok(LifecycleLoad {
            employer_nonces: vec![0; employers.len()],
            worker_nonces: vec![0; workers.len()],
            employers,
            workers,
            genesis,
            genesis_hash,
            next_task: 0,
        })
    }

    /// The genesis funding the agents.
    pub fn genesis(&self) -> &Genesis {
        &self.genesis
    }

    /// Every agent's `Register` (one block).
    pub fn registrations(&mut self) -> Vec<SignedTx> {
        let hash = self.genesis_hash;
        let employers = self.employers.iter().zip(self.employer_nonces.iter_mut());
        let workers = self.workers.iter().zip(self.worker_nonces.iter_mut());
        employers.chain(workers).map(|(k, n)| sign(k, n, Action::Register {}, &hash)).collect()
    }

    /// The four blocks of a round of `k` tasks, posted at block time `time` or later.
    pub fn round(&mut self, k: usize, time: u64) -> [Vec<SignedTx>; 4] {
        let hash = self.genesis_hash;
        let first = self.next_task + 1;
        self.next_task += k as u64;
        let (e, w) = (self.employers.len(), self.workers.len());
        let mut posts = Vec::with_capacity(k);
        let mut bids = Vec::with_capacity(k);
        let mut awards = Vec::with_capacity(k);
        let mut accepts = Vec::with_capacity(k);
        for i in 0..k {
            let task = TaskId(first + i as u64);
            let offer = PostTask {
                title: format!("bench task {}", task.0),
                requirements: "summarise the shard".to_string(),
                kind: 0,
                params: vec![],
                input_commitment: FieldBytes::from_u64(task.0),
                asset: ASSET,
                budget: TASK_BUDGET,
                bid_deadline: time + 1_000_000,
                delivery_deadline: time + 2_000_000,
                splits: vec![],
                min_reputation: 0,
            };
            posts.push(sign(&self.employers[i % e], &mut self.employer_nonces[i % e], Action::PostTask(offer), &hash));
            let bid = Action::PlaceBid { task, price: TASK_PRICE, eta_secs: 600, plan_hash: [7; 32] };
            bids.push(sign(&self.workers[i % w], &mut self.worker_nonces[i % w], bid, &hash));
        }
        for i in 0..k {
            let task = TaskId(first + i as u64);
            let award = Action::AwardBid { task, bidder: self.workers[i % w].id() };
            awards.push(sign(&self.employers[i % e], &mut self.employer_nonces[i % e], award, &hash));
        }
        for i in 0..k {
            let task = TaskId(first + i as u64);
            accepts.push(sign(
                &self.employers[i % e],
                &mut self.employer_nonces[i % e],
                Action::AcceptDelivery { task },
                &hash,
            ));
        }
        [posts, bids, awards, accepts]
    }
}

// ---------------------------------------------------------------------------------------------
// The in-memory chain.
// ---------------------------------------------------------------------------------------------

/// The state machine over [`MemoryState`]: what a block costs without storage.
#[derive(Clone)]
pub struct MemoryChain {
    /// Configuration.
    pub config: ChainConfig,
    /// State.
    pub state: MemoryState,
    /// Tip.
    pub tip: ChainTip,
}

impl MemoryChain {
    /// A chain at height 0 of `genesis`.
    pub fn new(genesis: Genesis) -> Result<Self, Error> {
        let config = ChainConfig::new(genesis).map_err(agora::store::StoreError::from)?;
        let mut state = MemoryState::new();
        state.apply(&config.genesis_diff());
        let tip = ChainTip { height: 0, time: config.genesis.genesis_time, digest: config.genesis_hash };
        Ok(MemoryChain { config, state, tip })
    }

    /// Applies `block` and keeps its changes.
    pub fn apply_block(&mut self, block: &Block, verifier: &dyn ProofVerifier) -> Result<BlockOutcome, BlockError> {
        let outcome = apply_block(&self.config, &self.state, &self.tip, block, verifier)?;
        self.state.apply(&outcome.diff);
        self.tip = outcome.tip;
        Ok(outcome)
    }

    /// Applies `txs` as the next block (one second after the tip); returns the block too.
    pub fn apply(&mut self, txs: Vec<SignedTx>, verifier: &dyn ProofVerifier) -> Result<(Block, BlockOutcome), Error> {
        let block = block_after(&self.tip, txs);
        let outcome = self.apply_block(&block, verifier).map_err(agora::store::StoreError::from)?;
        Ok((block, outcome))
    }
}

/// Fails unless every receipt is `Ok` (a workload that silently stopped applying would
/// measure the wrong thing).
pub fn expect_all_ok(outcome: &BlockOutcome, what: &str) -> Result<(), Error> {
    match outcome.receipts.iter().find(|r| r.status != Status::Ok) {
        None => Ok(()),
        Some(r) => Err(Error::Proof(format!("{what}: transaction {} was rejected with {}", r.index, r.status))),
    }
}

// ---------------------------------------------------------------------------------------------
// Proofs.
// ---------------------------------------------------------------------------------------------

fn proof_error(e: impl std::fmt::Display) -> Error {
    Error::Proof(e.to_string())
}

/// A short name of a shape (`aggregate`, `classify`, `hashchain-<depth>`).
pub fn shape_name(shape: CircuitShape) -> String {
    match shape {
        CircuitShape::Aggregate => "aggregate".to_string(),
        CircuitShape::Classify => "classify".to_string(),
        CircuitShape::Hashchain { depth } => format!("hashchain-{depth}"),
        CircuitShape::FairAggregate | CircuitShape::FairClassify => shape.name().to_string(),
    }
}

/// R1CS constraints of a shape's circuit.
pub fn shape_constraints(shape: CircuitShape) -> usize {
    match shape {
        CircuitShape::Aggregate => aggregate::CONSTRAINTS,
        CircuitShape::Classify => classify::CONSTRAINTS,
        CircuitShape::Hashchain { depth } => hashchain::constraints_for_depth(depth),
        CircuitShape::FairAggregate => agora_circuits::fair_exchange::aggregate::CONSTRAINTS,
        CircuitShape::FairClassify => agora_circuits::fair_exchange::classify::CONSTRAINTS,
    }
}

/// Keys for `shape` from a seeded RNG (benchmarks only).
pub fn setup_keys(shape: CircuitShape, seed: u64) -> Result<KeyPair, Error> {
    agora_zk::setup_kind(shape, &mut seeded_rng(seed)).map_err(proof_error)
}

/// The genesis registration of a kind with these keys.
pub fn kind_spec(shape: CircuitShape, key_id: KeyId) -> KindSpec {
    KindSpec {
        kind: shape.code(),
        name: shape.name().to_string(),
        key_id,
        param_count: agora::proofs::KIND_PARAM_COUNT,
        sealed_fields: shape.sealed_fields(),
        base_kind: shape.fair_kind().map(|fair| fair.base().code()),
    }
}

fn salt(tag: &str, n: u64) -> FieldBytes {
    FieldBytes::hash_to_field(tag, &n.to_le_bytes())
}

/// A valid witness for `shape` (a fair-exchange shape takes its base kind's); distinct `n` give
/// distinct input commitments.
pub fn bench_witness(shape: CircuitShape, n: u64) -> Witness {
    match shape {
        CircuitShape::FairAggregate => bench_witness(CircuitShape::Aggregate, n),
        CircuitShape::FairClassify => bench_witness(CircuitShape::Classify, n),
        CircuitShape::Aggregate => Witness::Aggregate(AggregateWitness {
            threshold: 2_500,
            records: (0..aggregate::N as u64).map(|j| (n * 1_000 + j * 37) % 5_000).collect(),
            input_salt: salt("agora bench input salt", n),
            output_salt: salt("agora bench output salt", n),
        }),
        CircuitShape::Classify => Witness::Classify(ClassifyWitness {
            weights: (0..classify::D as i32).map(|j| (j * 7 + n as i32 % 50) % 200 - 100).collect(),
            bias: 5,
            model_salt: salt("agora bench model salt", 0),
            features: (0..classify::D as i32).map(|j| (j * 13 + n as i32 % 50) % 300 - 150).collect(),
            input_salt: salt("agora bench input salt", n),
            output_salt: salt("agora bench output salt", n),
        }),
        CircuitShape::Hashchain { depth } => Witness::Hashchain(HashchainWitness {
            depth,
            seed: salt("agora bench seed", n),
            input_salt: salt("agora bench input salt", n),
            output_salt: salt("agora bench output salt", n),
        }),
    }
}

/// The employer key fair-exchange benchmarks seal outputs to (a fixed secret: benchmarks only).
pub fn bench_employer_key() -> Result<agora_circuits::babyjubjub::PublicKey, Error> {
    Ok(agora_circuits::babyjubjub::SecretKey::from_bytes(&[0x5e; 32]).map_err(proof_error)?.public_key())
}

/// Our worker-side proving of `shape`: `agora_zk::prove_completion` (native witness check,
/// proof, self-verification, encoding) of `task` on the chain with genesis hash `chain`, or
/// for a fair-exchange shape `agora_zk::prove_fair_completion` sealing the output to
/// [`bench_employer_key`] under a fresh ephemeral key from `rng`.
pub fn prove_ours(
    shape: CircuitShape,
    pk: &ProvingKey<Bn254>,
    witness: &Witness,
    chain: &Digest,
    task: TaskId,
    worker: &AgentId,
    rng: &mut StdRng,
) -> Result<Completion, Error> {
    let (chain, task, worker) = (chain_field(chain), task_field(task), worker_field(worker));
    match shape.fair_kind() {
        None => agora_zk::prove_completion(witness, chain, task, worker, pk, rng),
        Some(_) => {
            let employer = agora_zk::sealing::curve_point(&bench_employer_key()?);
            agora_zk::prove_fair_completion(witness, chain, task, worker, &employer, pk, rng)
        }
    }
    .map_err(proof_error)
}

/// The circuit `prove_ours` proves, built ahead of time for [`prove_plain`].
#[allow(clippy::large_enum_variant)]
pub enum PlainCircuit {
    /// Kind 1.
    Aggregate(aggregate::Circuit),
    /// Kind 2.
    Classify(classify::Circuit),
    /// Kind 3.
    Hashchain(hashchain::Circuit),
    /// Kind 11.
    FairAggregate(agora_circuits::fair_exchange::aggregate::Circuit),
    /// Kind 12.
    FairClassify(agora_circuits::fair_exchange::classify::Circuit),
}

/// Builds the circuit (with its assignment) that [`prove_ours`] proves for this witness and
/// shape (a fair-exchange shape seals to [`bench_employer_key`] under an ephemeral secret
/// derived from the task id).
pub fn plain_circuit(
    shape: CircuitShape,
    witness: &Witness,
    chain: &Digest,
    task: TaskId,
    worker: &AgentId,
) -> Result<PlainCircuit, Error> {
    let chain_id = field_to_fr(&chain_field(chain));
    let task_id = field_to_fr(&task_field(task));
    let worker_id = field_to_fr(&worker_field(worker));
    if shape.fair_kind().is_some() {
        return fair_circuit(witness, chain_id, task_id, worker_id, task);
    }
    Ok(match witness {
        Witness::Aggregate(w) => {
            let private = w.private().map_err(proof_error)?;
            let public = aggregate::Public::from_private(chain_id, task_id, worker_id, w.threshold, &private);
            PlainCircuit::Aggregate(aggregate::Circuit::new(public, private))
        }
        Witness::Classify(w) => {
            let private = w.private().map_err(proof_error)?;
            let public = classify::Public::from_private(chain_id, task_id, worker_id, &private).map_err(proof_error)?;
            PlainCircuit::Classify(classify::Circuit::new(public, private))
        }
        Witness::Hashchain(w) => {
            let private = w.private();
            let public = hashchain::Public::from_private(chain_id, task_id, worker_id, w.depth, &private)
                .map_err(proof_error)?;
            PlainCircuit::Hashchain(hashchain::Circuit::new(public, private).map_err(proof_error)?)
        }
    })
}

fn fair_circuit(
    witness: &Witness,
    chain_id: Fr,
    task_id: Fr,
    worker_id: Fr,
    task: TaskId,
) -> Result<PlainCircuit, Error> {
    use agora_circuits::fair_exchange;
    let mut secret = [0u8; 32];
    secret[..8].copy_from_slice(&task.0.wrapping_add(1).to_le_bytes());
    let ephemeral_secret = agora_circuits::babyjubjub::SecretKey::from_bytes(&secret).map_err(proof_error)?;
    let employer = bench_employer_key()?;
    Ok(match witness {
        Witness::Aggregate(w) => {
            let private =
                fair_exchange::aggregate::Private { base: w.private().map_err(proof_error)?, ephemeral_secret };
            let (public, _) = fair_exchange::aggregate::Public::from_private(
                chain_id,
                task_id,
                worker_id,
                w.threshold,
                employer,
                &private,
            )
            .map_err(proof_error)?;
            PlainCircuit::FairAggregate(fair_exchange::aggregate::Circuit::new(public, private))
        }
        Witness::Classify(w) => {
            let private =
                fair_exchange::classify::Private { base: w.private().map_err(proof_error)?, ephemeral_secret };
            let (public, _) =
                fair_exchange::classify::Public::from_private(chain_id, task_id, worker_id, employer, &private)
                    .map_err(proof_error)?;
            PlainCircuit::FairClassify(fair_exchange::classify::Circuit::new(public, private))
        }
        Witness::Hashchain(_) => return Err(Error::Proof("hashchain has no fair-exchange variant".into())),
    })
}

/// Plain `Groth16::<Bn254>::prove` of a circuit: the baseline of [`prove_ours`].
pub fn prove_plain(pk: &ProvingKey<Bn254>, circuit: PlainCircuit, rng: &mut StdRng) -> Result<Proof<Bn254>, Error> {
    match circuit {
        PlainCircuit::Aggregate(c) => Groth16::<Bn254>::prove(pk, c, rng),
        PlainCircuit::Classify(c) => Groth16::<Bn254>::prove(pk, c, rng),
        PlainCircuit::Hashchain(c) => Groth16::<Bn254>::prove(pk, c, rng),
        PlainCircuit::FairAggregate(c) => Groth16::<Bn254>::prove(pk, c, rng),
        PlainCircuit::FairClassify(c) => Groth16::<Bn254>::prove(pk, c, rng),
    }
    .map_err(proof_error)
}

/// Valid claims under one `hashchain` key: `distinct` real proofs (distinct tasks and workers),
/// repeated up to `total` by re-randomising them (a re-randomised Groth16 proof is a fresh,
/// valid proof of the same statement, at the cost of a few scalar multiplications).
pub struct VerifyFixture {
    /// The verifier holding the key.
    pub verifier: Groth16Verifier,
    /// The key's id.
    pub key_id: KeyId,
    /// The claims, as the state machine hands them to the verifier.
    pub claims: Vec<ProofClaim>,
    pvk: PreparedVerifyingKey<Bn254>,
    decoded: Vec<(Proof<Bn254>, Vec<Fr>)>,
}

impl VerifyFixture {
    /// Keys for `hashchain` at `depth`, `distinct` proofs, `total` claims, from `seed`.
    pub fn new(depth: u32, distinct: usize, total: usize, seed: u64) -> Result<Self, Error> {
        let shape = CircuitShape::Hashchain { depth };
        let keys = setup_keys(shape, seed)?;
        let mut rng = seeded_rng(seed ^ 0x5eed);
        let mut verifier = Groth16Verifier::new();
        let key_id = verifier.register(keys.vk.clone()).map_err(proof_error)?;
        let mut originals = Vec::new();
        for i in 0..distinct.max(1) as u64 {
            let worker = bench_key("verify worker", i);
            let completion = prove_ours(
                shape,
                &keys.pk,
                &bench_witness(shape, i),
                &BENCH_GENESIS_HASH,
                TaskId(i + 1),
                &worker.id(),
                &mut rng,
            )?;
            let proof = decode_proof(&completion.proof).map_err(proof_error)?;
            originals.push((proof, completion.public_inputs));
        }
        let mut claims = Vec::with_capacity(total);
        let mut decoded = Vec::with_capacity(total);
        for i in 0..total {
            let (original, inputs) = &originals[i % originals.len()];
            let proof = if i < originals.len() {
                original.clone()
            } else {
                Groth16::<Bn254>::rerandomize_proof(&keys.vk, original, &mut rng)
            };
            claims.push(ProofClaim {
                key_id,
                key: None,
                public_inputs: inputs.clone(),
                proof: encode_proof(&proof).map_err(proof_error)?,
            });
            decoded.push((proof, inputs.iter().map(field_to_fr).collect()));
        }
        Ok(VerifyFixture { verifier, key_id, claims, pvk: prepare_verifying_key(&keys.vk), decoded })
    }

    /// The same claims with their proofs in the uncompressed encoding (256 bytes: no square
    /// roots to decode), for [`VerifyFixture::batch_of`].
    pub fn uncompressed_claims(&self) -> Result<Vec<ProofClaim>, Error> {
        self.claims
            .iter()
            .zip(&self.decoded)
            .map(|(claim, (proof, _))| {
                Ok(ProofClaim { proof: encode_proof_uncompressed(proof).map_err(proof_error)?, ..claim.clone() })
            })
            .collect()
    }

    /// Batch-verifies `claims` (`ProofVerifier::verify_batch`); returns how many were valid.
    pub fn batch_of(&self, claims: &[ProofClaim]) -> usize {
        self.verifier.verify_batch(claims).iter().filter(|v| **v == ProofVerdict::Valid).count()
    }

    /// Ours, one at a time (`Groth16Verifier::verify_single`: decode from bytes, then
    /// `verify_with_processed_vk`); returns how many were valid.
    pub fn ours_single(&self, n: usize) -> usize {
        self.claims[..n].iter().filter(|c| self.verifier.verify_single(c) == ProofVerdict::Valid).count()
    }

    /// Ours, batched (`ProofVerifier::verify_batch`, as the state machine calls it).
    pub fn ours_batch(&self, n: usize) -> usize {
        self.batch_of(&self.claims[..n])
    }

    /// Plain ark-groth16: `Groth16::<Bn254>::verify_with_processed_vk` on already-decoded
    /// proofs, one at a time.
    pub fn plain(&self, n: usize) -> usize {
        self.decoded[..n]
            .iter()
            .filter(|(proof, inputs)| {
                Groth16::<Bn254>::verify_with_processed_vk(&self.pvk, inputs, proof).unwrap_or(false)
            })
            .count()
    }

    /// Plain ark-groth16 from the bytes: the same strict decoding as ours, then
    /// `verify_with_processed_vk`, one at a time (what a plain verifier of proofs off the wire
    /// pays).
    pub fn plain_with_decode(&self, n: usize) -> usize {
        self.claims[..n]
            .iter()
            .zip(&self.decoded)
            .filter(|(claim, (_, inputs))| match decode_proof(&claim.proof) {
                Ok(proof) => Groth16::<Bn254>::verify_with_processed_vk(&self.pvk, inputs, &proof).unwrap_or(false),
                Err(_) => false,
            })
            .count()
    }

    /// The decoded proofs with their public inputs, in claim order.
    pub fn decoded(&self) -> &[(Proof<Bn254>, Vec<Fr>)] {
        &self.decoded
    }

    /// The prepared verifying key.
    pub fn prepared_key(&self) -> &PreparedVerifyingKey<Bn254> {
        &self.pvk
    }

    /// Only the strict decoding of the proof bytes (on curve, in subgroup, canonical): the part
    /// of `ours_single` the plain baseline does not do.
    pub fn decode_only(&self, n: usize) -> usize {
        self.claims[..n].iter().filter(|c| decode_proof(&c.proof).is_ok()).count()
    }
}

/// A block of `count` proof-gated completions (`hashchain` at `depth`), ready to apply on top
/// of a chain where the tasks are awarded: what settling work by proof costs, batch
/// verification included.
pub struct CompletionBench {
    /// The chain just before the completions block.
    pub chain: MemoryChain,
    /// Every block that led there (replay them into a store to get the same state).
    pub setup_blocks: Vec<Block>,
    /// The verifier with the kind's key.
    pub verifier: Arc<Groth16Verifier>,
    /// The completions block.
    pub block: Block,
}

impl CompletionBench {
    /// Sets up `count` awarded tasks and proves their completions (this takes a while: one
    /// real proof per task), with proofs in the compressed encoding.
    pub fn new(count: usize, depth: u32, seed: u64) -> Result<Self, Error> {
        Self::new_encoded(count, depth, seed, false, 0)
    }

    /// [`CompletionBench::new`] with the proofs in the uncompressed encoding when
    /// `uncompressed`, and `transfers` plain transfers between the employers mixed into the
    /// completions block (one after every completion while they last, as a busy block would
    /// carry them).
    pub fn new_encoded(
        count: usize,
        depth: u32,
        seed: u64,
        uncompressed: bool,
        transfers: usize,
    ) -> Result<Self, Error> {
        let shape = CircuitShape::Hashchain { depth };
        let keys = setup_keys(shape, seed)?;
        let mut verifier = Groth16Verifier::new();
        let key_id = verifier.register(keys.vk.clone()).map_err(proof_error)?;
        let verifier = Arc::new(verifier);
        let operator = bench_key("operator", 0);
        let per_worker = BIDS_PER_WORKER;
        let employers: Vec<AgentKey> = (0..4u64).map(|i| bench_key("proof employer", i)).collect();
        let workers: Vec<AgentKey> =
            (0..count.div_ceil(per_worker).max(1) as u64).map(|i| bench_key("proof worker", i)).collect();
        let mut genesis = funded_genesis(&operator, &employers, &workers);
        genesis.kinds = vec![kind_spec(shape, key_id)];
        let hash = genesis_hash_of(&genesis)?;
        let mut chain = MemoryChain::new(genesis)?;
        let mut nonces = std::collections::BTreeMap::<AgentId, u64>::new();
        let mut signed = |key: &AgentKey, action: Action| {
            let nonce = nonces.entry(key.id()).or_insert(0);
            sign(key, nonce, action, &hash)
        };
        let mut setup_blocks = Vec::new();
        let registrations = employers.iter().chain(&workers).map(|k| signed(k, Action::Register {})).collect();
        let (block, outcome) = chain.apply(registrations, verifier.as_ref())?;
        expect_all_ok(&outcome, "registrations")?;
        setup_blocks.push(block);

        let witnesses: Vec<Witness> = (0..count as u64).map(|i| bench_witness(shape, i)).collect();
        let time = chain.tip.time;
        let mut posts = Vec::new();
        for (i, w) in witnesses.iter().enumerate() {
            let (kind, input_commitment, params) = agora::proofs::task_terms(w)?;
            let offer = PostTask {
                title: format!("proof task {i}"),
                requirements: String::new(),
                kind,
                params,
                input_commitment,
                asset: ASSET,
                budget: TASK_BUDGET,
                bid_deadline: time + 1_000,
                delivery_deadline: time + 10_000,
                splits: vec![],
                min_reputation: 0,
            };
            posts.push(signed(&employers[i % employers.len()], Action::PostTask(offer)));
        }
        let (block, outcome) = chain.apply(posts, verifier.as_ref())?;
        expect_all_ok(&outcome, "posts")?;
        setup_blocks.push(block);
        let tasks: Vec<TaskId> = outcome
            .receipts
            .iter()
            .filter_map(|r| if let Created::Task(id) = r.created { Some(id) } else { None })
            .collect();
        let worker_of = |i: usize| &workers[i / per_worker];
        let bids = tasks
            .iter()
            .enumerate()
            .map(|(i, task)| {
                signed(
                    worker_of(i),
                    Action::PlaceBid { task: *task, price: TASK_PRICE, eta_secs: 60, plan_hash: [1; 32] },
                )
            })
            .collect();
        let (block, outcome) = chain.apply(bids, verifier.as_ref())?;
        expect_all_ok(&outcome, "bids")?;
        setup_blocks.push(block);
        let awards = tasks
            .iter()
            .enumerate()
            .map(|(i, task)| {
                signed(&employers[i % employers.len()], Action::AwardBid { task: *task, bidder: worker_of(i).id() })
            })
            .collect();
        let (block, outcome) = chain.apply(awards, verifier.as_ref())?;
        expect_all_ok(&outcome, "awards")?;
        setup_blocks.push(block);

        let mut rng = seeded_rng(seed ^ 0xc0de);
        let mut completions = Vec::with_capacity(count);
        for (i, task) in tasks.iter().enumerate() {
            let worker = worker_of(i);
            let completion = prove_ours(shape, &keys.pk, &witnesses[i], &hash, *task, &worker.id(), &mut rng)?;
            let proof = if uncompressed {
                encode_proof_uncompressed(&decode_proof(&completion.proof).map_err(proof_error)?)
                    .map_err(proof_error)?
            } else {
                completion.proof
            };
            let action = Action::SubmitCompletion {
                task: *task,
                output_commitment: completion.output_commitment,
                proof,
                sealed: None,
            };
            completions.push(signed(worker, action));
        }
        let mut block_txs = Vec::with_capacity(count + transfers);
        let mut pending = completions.into_iter();
        for i in 0..count.max(transfers) {
            if let Some(completion) = pending.next() {
                block_txs.push(completion);
            }
            if i < transfers {
                let from = &employers[i % employers.len()];
                let to = employers[(i + 1) % employers.len()].id();
                block_txs.push(signed(from, Action::Transfer { to, asset: ASSET, amount: 1 }));
            }
        }
        let block = block_after(&chain.tip, block_txs);
        Ok(CompletionBench { chain, setup_blocks, verifier, block })
    }

    /// Applies the completions block to (a view of) the chain without keeping the changes, so
    /// it can be repeated.
    pub fn apply(&self) -> Result<BlockOutcome, BlockError> {
        apply_block(&self.chain.config, &self.chain.state, &self.chain.tip, &self.block, self.verifier.as_ref())
    }
}

// ---------------------------------------------------------------------------------------------
// Statistics.
// ---------------------------------------------------------------------------------------------

/// The `pct`-th percentile (nearest rank) of `samples`, which are sorted in place. Zero for no
/// samples.
pub fn percentile(samples: &mut [Duration], pct: u32) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let n = samples.len();
    let rank = (pct.min(100) as usize * n).div_ceil(100).max(1);
    samples[rank - 1]
}

/// The arithmetic mean of `samples`.
pub fn mean(samples: &[Duration]) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.iter().sum::<Duration>() / u32::try_from(samples.len()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        assert_eq!(percentile(&mut samples, 50), Duration::from_millis(50));
        assert_eq!(percentile(&mut samples, 99), Duration::from_millis(99));
        assert_eq!(percentile(&mut samples, 100), Duration::from_millis(100));
        assert_eq!(percentile(&mut samples, 0), Duration::from_millis(1));
        assert_eq!(percentile(&mut [], 50), Duration::ZERO);
        assert_eq!(mean(&[Duration::from_millis(1), Duration::from_millis(3)]), Duration::from_millis(2));
    }

    #[test]
    fn transfer_and_lifecycle_loads_apply_cleanly() {
        let mut load = TransferLoad::new(10).unwrap();
        let mut chain = MemoryChain::new(load.genesis().clone()).unwrap();
        for _ in 0..3 {
            let (_, outcome) = chain.apply(load.txs(25), &agora_core::NoProofKeys).unwrap();
            expect_all_ok(&outcome, "transfers").unwrap();
        }
        let mut life = LifecycleLoad::new(3, 20).unwrap();
        let mut chain = MemoryChain::new(life.genesis().clone()).unwrap();
        let (_, outcome) = chain.apply(life.registrations(), &agora_core::NoProofKeys).unwrap();
        expect_all_ok(&outcome, "registrations").unwrap();
        for _ in 0..2 {
            let time = chain.tip.time + 1;
            for block in life.round(20, time) {
                let (_, outcome) = chain.apply(block, &agora_core::NoProofKeys).unwrap();
                expect_all_ok(&outcome, "round").unwrap();
            }
        }
        for totals in agora_core::asset_totals(&chain.state, chain.config.bond_asset).unwrap() {
            assert!(totals.conserved());
        }
    }

    #[test]
    fn proof_fixtures_verify_and_settle() {
        let depth = 2;
        let f = VerifyFixture::new(depth, 2, 5, 1).unwrap();
        assert_eq!((f.ours_single(5), f.plain(5), f.decode_only(5), f.ours_batch(5)), (5, 5, 5, 5));
        assert_eq!(f.plain_with_decode(5), 5);
        let shape = CircuitShape::Hashchain { depth };
        let keys = setup_keys(shape, 3).unwrap();
        let worker = bench_key("w", 0).id();
        let witness = bench_witness(shape, 0);
        let ours =
            prove_ours(shape, &keys.pk, &witness, &BENCH_GENESIS_HASH, TaskId(4), &worker, &mut seeded_rng(1)).unwrap();
        let plain = prove_plain(
            &keys.pk,
            plain_circuit(shape, &witness, &BENCH_GENESIS_HASH, TaskId(4), &worker).unwrap(),
            &mut seeded_rng(2),
        )
        .unwrap();
        let mut verifier = Groth16Verifier::new();
        let key_id = verifier.register(keys.vk.clone()).unwrap();
        let claim = |proof: Vec<u8>| ProofClaim { key_id, key: None, public_inputs: ours.public_inputs.clone(), proof };
        let plain_bytes = encode_proof(&plain).unwrap();
        assert_eq!(
            verifier.verify_batch(&[claim(ours.proof.clone()), claim(plain_bytes)]),
            vec![ProofVerdict::Valid; 2]
        );
        let bench = CompletionBench::new(3, depth, 5).unwrap();
        let outcome = bench.apply().unwrap();
        expect_all_ok(&outcome, "completions").unwrap();
        assert_eq!(outcome.receipts.len(), 3);
    }
}
