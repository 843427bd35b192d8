//! Fuzz-style properties: hostile bytes and hostile blocks never make Agora panic.
//!
//! * random and mutated bytes into `SignedTx::from_canonical_bytes`,
//!   `Block::from_canonical_bytes`, `Genesis::from_canonical_bytes`, `agora_zk::decode_proof`,
//!   `agora_zk::keys::import_vk` and `serde_json::from_str::<SignedTx>` — an error or a value,
//!   and a value decoded from canonical bytes re-encodes to exactly those bytes;
//! * random blocks (headers right or wrong, transactions of every kind with random fields,
//!   nonces and signatures, completions with random or well-formed-but-wrong proofs) into
//!   `apply_block` — a refusal or one receipt per transaction, never a panic, funds conserved;
//! * random proof claims into `Groth16Verifier::verify_batch` — one verdict per claim, a
//!   single flipped bit never verifies, the untouched proof always does.
//!
//! Thousands of cases in CI; `AGORA_FULL=1` multiplies them by 20.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora_bench_support::MemoryChain;
use agora_core::{
    Action, AgentKey, AssetId, Block, BlockError, BlockHeader, Canonical, ChainTip, FieldBytes, Genesis, KindSpec,
    PostTask, ProofClaim, ProofVerdict, ProofVerifier, SignedTx, Split, StateView, Status, TaskId, TxBody, apply_block,
    asset_totals,
};
use agora_tests::{USD, key};
use agora_zk::toy::ToyCircuit;
use agora_zk::{Groth16Verifier, KeyPair, decode_proof, encode_proof, fr_to_field};
use ark_bn254::Fr;
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;
use proptest::prelude::*;
use std::sync::OnceLock;

fn cases(ci: u32) -> ProptestConfig {
    let full = std::env::var("AGORA_FULL").is_ok_and(|v| v == "1");
    ProptestConfig { cases: if full { ci * 20 } else { ci }, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------------
// Valid values to mutate.
// ---------------------------------------------------------------------------------------------

fn signed_txs() -> Vec<SignedTx> {
    agora_tests::one_of_every_action()
        .into_iter()
        .enumerate()
        .map(|(n, action)| TxBody { sender: key(1).id(), nonce: n as u64, action }.sign(&key(1), &[3; 32]))
        .collect()
}

/// A byte-level mutation.
#[derive(Clone, Debug)]
enum Mutation {
    Set(usize, u8),
    FlipBit(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    /// Overwrite four bytes with a large little-endian u32 (a length prefix gone wild).
    BigLength(usize, u32),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        3 => (any::<usize>(), 0..8u8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(i, v)| Mutation::Insert(i, v)),
        1 => (any::<usize>(), 1..8usize).prop_map(|(i, n)| Mutation::Remove(i, n)),
        1 => (any::<usize>(), prop_oneof![Just(u32::MAX), Just(1 << 24), Just((1 << 24) + 1), any::<u32>()])
            .prop_map(|(i, v)| Mutation::BigLength(i, v)),
    ]
}

fn mutate(bytes: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for m in mutations {
        let len = out.len().max(1);
        match m {
            Mutation::Set(i, b) => {
                if let Some(x) = out.get_mut(i % len) {
                    *x = *b;
                }
            }
            Mutation::FlipBit(i, bit) => {
                if let Some(x) = out.get_mut(i % len) {
                    *x ^= 1 << bit;
                }
            }
            Mutation::Truncate(i) => out.truncate(i % len),
            Mutation::Insert(i, v) => {
                let at = i % (out.len() + 1);
                out.splice(at..at, v.iter().copied());
            }
            Mutation::Remove(i, n) => {
                let at = i % len;
                let end = (at + n).min(out.len());
                if at < end {
                    out.drain(at..end);
                }
            }
            Mutation::BigLength(i, v) => {
                let at = i % len;
                for (k, b) in v.to_le_bytes().into_iter().enumerate() {
                    if let Some(x) = out.get_mut(at + k) {
                        *x = b;
                    }
                }
            }
        }
    }
    out
}

/// Decoding `bytes` either fails or gives a value whose canonical encoding is `bytes` itself
/// (one encoding per value).
fn check_canonical<T: Canonical + std::fmt::Debug>(bytes: &[u8]) -> Result<bool, TestCaseError> {
    match T::from_canonical_bytes(bytes) {
        Err(_) => Ok(false),
        Ok(value) => {
            prop_assert_eq!(value.to_canonical_bytes(), bytes.to_vec(), "non-canonical bytes accepted: {:?}", value);
            Ok(true)
        }
    }
}

fn valid_block_bytes() -> Vec<u8> {
    Block { header: BlockHeader { height: 9, time: 1_234, prev_digest: [8; 32] }, txs: signed_txs() }
        .to_canonical_bytes()
}

// ---------------------------------------------------------------------------------------------
// A toy Groth16 key with the completion statement's input count, and a world to hit.
// ---------------------------------------------------------------------------------------------

struct Toy {
    keys: KeyPair,
    verifier: Groth16Verifier,
    /// A valid proof with its public inputs.
    proof: Vec<u8>,
    inputs: Vec<FieldBytes>,
}

/// Six public inputs, like every completion statement (5 binding inputs + 1 parameter).
const TOY_EXTRA: usize = 4;

fn toy() -> &'static Toy {
    static TOY: OnceLock<Toy> = OnceLock::new();
    TOY.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(0xf0_22);
        let keys = agora_zk::setup_with_rng(ToyCircuit::shape(TOY_EXTRA), &mut rng).unwrap();
        let (x, y) = (Fr::from(3u64), Fr::from(5u64));
        let proof = agora_zk::prove(&keys.pk, ToyCircuit::with_witness(x, y, TOY_EXTRA), &mut rng).unwrap();
        let inputs: Vec<FieldBytes> = ToyCircuit::public_inputs(x, y, TOY_EXTRA).into_iter().map(fr_to_field).collect();
        let mut verifier = Groth16Verifier::new();
        verifier.register(keys.vk.clone()).unwrap();
        let claim = ProofClaim { key_id: keys.key_id, key: None, public_inputs: inputs.clone(), proof: proof.clone() };
        assert_eq!(verifier.verify_batch(&[claim]), vec![ProofVerdict::Valid]);
        Toy { keys, verifier, proof, inputs }
    })
}

const AGENTS: u8 = 5;

fn agent(i: u8) -> AgentKey {
    if i == 0 { key(200) } else { key(i) }
}

/// A chain where agents are funded and registered, task 1 (manual) and task 2 (kind 3, the
/// toy key) are awarded to agent 2, and task 3 is open with a bid.
fn world() -> &'static MemoryChain {
    static WORLD: OnceLock<MemoryChain> = OnceLock::new();
    WORLD.get_or_init(|| {
        let operator = agent(0);
        let mut genesis = Genesis::development(operator.id(), 1_000);
        genesis.kinds = vec![KindSpec {
            kind: 3,
            name: "toy".into(),
            key_id: toy().keys.key_id,
            param_count: 1,
            sealed_fields: 0,
            base_kind: None,
        }];
        let mut chain = MemoryChain::new(genesis).unwrap();
        let hash = chain.config.genesis_hash;
        let mut nonces = [0u64; AGENTS as usize + 1];
        let mut sign = |i: u8, action: Action| {
            let tx = TxBody { sender: agent(i).id(), nonce: nonces[i as usize], action }.sign(&agent(i), &hash);
            nonces[i as usize] += 1;
            tx
        };
        let deposits = (1..=AGENTS)
            .map(|i| sign(0, Action::Deposit { to: agent(i).id(), asset: USD, amount: 10_000_000_000 }))
            .collect();
        let registrations = (1..=AGENTS).map(|i| sign(i, Action::Register {})).collect();
        let offer = |kind: u16| PostTask {
            title: "fuzz".into(),
            requirements: String::new(),
            kind,
            params: if kind == 0 { vec![] } else { vec![FieldBytes::from_u64(16)] },
            input_commitment: FieldBytes::from_u64(u64::from(kind) + 40),
            asset: USD,
            budget: 50_000,
            bid_deadline: 1_000_000,
            delivery_deadline: 2_000_000,
            splits: vec![Split { to: agent(3).id(), bps: 1_000 }],
            min_reputation: 0,
        };
        let posts = vec![
            sign(1, Action::PostTask(offer(0))),
            sign(1, Action::PostTask(offer(3))),
            sign(1, Action::PostTask(offer(0))),
        ];
        let bid = |task| Action::PlaceBid { task: TaskId(task), price: 40_000, eta_secs: 5, plan_hash: [1; 32] };
        let bids = vec![sign(2, bid(1)), sign(2, bid(2)), sign(4, bid(3))];
        let awards = vec![
            sign(1, Action::AwardBid { task: TaskId(1), bidder: agent(2).id() }),
            sign(1, Action::AwardBid { task: TaskId(2), bidder: agent(2).id() }),
        ];
        for txs in [deposits, registrations, posts, bids, awards] {
            let (_, outcome) = chain.apply(txs, &toy().verifier).unwrap();
            assert!(outcome.receipts.iter().all(|r| r.status == Status::Ok), "{:?}", outcome.receipts);
        }
        chain
    })
}

// ---------------------------------------------------------------------------------------------
// Random blocks.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum ProofBytes {
    Random(Vec<u8>),
    /// Well-formed curve points that prove something else (the toy statement).
    WellFormedWrong,
    /// The toy proof with one bit flipped.
    Flipped(usize),
}

#[derive(Clone, Debug)]
enum Act {
    Declare(String, u8),
    Deposit(u8, u32, u128),
    Withdraw(u32, u128),
    Transfer(u8, u32, u128),
    Register,
    Deregister,
    Reclaim,
    Post { kind: u16, params: usize, budget: u128, bid_deadline: u64, delivery_deadline: u64, splits: Vec<(u8, u16)> },
    Bid(u64, u128),
    WithdrawBid(u64, u8),
    Award(u64, u8),
    Cancel(u64),
    Expire(u64),
    Accept(u64),
    Complete(u64, [u8; 32], ProofBytes),
}

#[derive(Clone, Debug)]
enum Sig {
    Valid,
    WrongKey,
    Random([u8; 32], [u8; 32]),
}

#[derive(Clone, Debug)]
struct TxPlan {
    sender: u8,
    nonce: Option<u64>,
    act: Act,
    sig: Sig,
}

#[derive(Clone, Debug)]
struct BlockPlan {
    height: i8,
    time: i64,
    right_prev: bool,
    txs: Vec<TxPlan>,
}

fn small_amount() -> impl Strategy<Value = u128> {
    prop_oneof![Just(0u128), 1..100_000u128, any::<u128>()]
}

fn act() -> impl Strategy<Value = Act> {
    let who = 0..=AGENTS;
    let asset = 0..4u32;
    let task = 0..6u64;
    prop_oneof![
        ("[A-Z]{0,20}", any::<u8>()).prop_map(|(s, d)| Act::Declare(s, d)),
        (who.clone(), asset.clone(), small_amount()).prop_map(|(t, a, m)| Act::Deposit(t, a, m)),
        (asset.clone(), small_amount()).prop_map(|(a, m)| Act::Withdraw(a, m)),
        (who.clone(), asset, small_amount()).prop_map(|(t, a, m)| Act::Transfer(t, a, m)),
        Just(Act::Register),
        Just(Act::Deregister),
        Just(Act::Reclaim),
        (
            prop_oneof![Just(0u16), Just(3u16), any::<u16>()],
            0..3usize,
            small_amount(),
            0..3_000_000u64,
            0..40_000_000u64,
            prop::collection::vec((who.clone(), any::<u16>()), 0..4)
        )
            .prop_map(|(kind, params, budget, bid_deadline, delivery_deadline, splits)| Act::Post {
                kind,
                params,
                budget,
                bid_deadline,
                delivery_deadline,
                splits
            }),
        (task.clone(), small_amount()).prop_map(|(t, p)| Act::Bid(t, p)),
        (task.clone(), who.clone()).prop_map(|(t, b)| Act::WithdrawBid(t, b)),
        (task.clone(), who).prop_map(|(t, b)| Act::Award(t, b)),
        task.clone().prop_map(Act::Cancel),
        task.clone().prop_map(Act::Expire),
        task.clone().prop_map(Act::Accept),
        (
            task,
            any::<[u8; 32]>(),
            prop_oneof![
                prop::collection::vec(any::<u8>(), 0..300).prop_map(ProofBytes::Random),
                Just(ProofBytes::WellFormedWrong),
                (0..1024usize).prop_map(ProofBytes::Flipped),
            ]
        )
            .prop_map(|(t, c, p)| Act::Complete(t, c, p)),
    ]
}

fn tx_plan() -> impl Strategy<Value = TxPlan> {
    let nonce = prop_oneof![6 => Just(None), 1 => (0..4u64).prop_map(Some), 1 => any::<u64>().prop_map(Some)];
    let sig = prop_oneof![
        8 => Just(Sig::Valid),
        1 => Just(Sig::WrongKey),
        1 => (any::<[u8; 32]>(), any::<[u8; 32]>()).prop_map(|(a, b)| Sig::Random(a, b)),
    ];
    (0..=AGENTS, nonce, act(), sig).prop_map(|(sender, nonce, act, sig)| TxPlan { sender, nonce, act, sig })
}

fn block_plan() -> impl Strategy<Value = BlockPlan> {
    (
        prop_oneof![8 => Just(0i8), 1 => -2..3i8],
        prop_oneof![4 => 0..100i64, 1 => -5..0i64, 1 => 0..5_000_000i64],
        prop_oneof![9 => Just(true), 1 => Just(false)],
        prop::collection::vec(tx_plan(), 0..24),
    )
        .prop_map(|(height, time, right_prev, txs)| BlockPlan { height, time, right_prev, txs })
}

fn field(bytes: &[u8; 32]) -> FieldBytes {
    FieldBytes::hash_to_field("agora fuzz field", bytes)
}

fn action(act: &Act) -> Action {
    match act.clone() {
        Act::Declare(symbol, decimals) => Action::DeclareAsset { symbol, decimals },
        Act::Deposit(to, asset, amount) => Action::Deposit { to: agent(to).id(), asset: AssetId(asset), amount },
        Act::Withdraw(asset, amount) => Action::Withdraw { asset: AssetId(asset), amount },
        Act::Transfer(to, asset, amount) => Action::Transfer { to: agent(to).id(), asset: AssetId(asset), amount },
        Act::Register => Action::Register {},
        Act::Deregister => Action::Deregister {},
        Act::Reclaim => Action::ReclaimBond {},
        Act::Post { kind, params, budget, bid_deadline, delivery_deadline, splits } => Action::PostTask(PostTask {
            title: "fuzzed".into(),
            requirements: "x".repeat(params * 7),
            kind,
            params: (0..params as u64).map(FieldBytes::from_u64).collect(),
            input_commitment: FieldBytes::from_u64(bid_deadline),
            asset: USD,
            budget,
            bid_deadline,
            delivery_deadline,
            splits: splits.into_iter().map(|(to, bps)| Split { to: agent(to).id(), bps: bps % 12_000 }).collect(),
            min_reputation: 0,
        }),
        Act::Bid(task, price) => Action::PlaceBid { task: TaskId(task), price, eta_secs: 9, plan_hash: [2; 32] },
        Act::WithdrawBid(task, bidder) => Action::WithdrawBid { task: TaskId(task), bidder: agent(bidder).id() },
        Act::Award(task, bidder) => Action::AwardBid { task: TaskId(task), bidder: agent(bidder).id() },
        Act::Cancel(task) => Action::CancelTask { task: TaskId(task) },
        Act::Expire(task) => Action::ExpireTask { task: TaskId(task) },
        Act::Accept(task) => Action::AcceptDelivery { task: TaskId(task) },
        Act::Complete(task, commitment, proof) => {
            let proof = match proof {
                ProofBytes::Random(bytes) => bytes,
                ProofBytes::WellFormedWrong => toy().proof.clone(),
                ProofBytes::Flipped(bit) => {
                    let mut bytes = toy().proof.clone();
                    bytes[(bit / 8) % 128] ^= 1 << (bit % 8);
                    bytes
                }
            };
            Action::SubmitCompletion { task: TaskId(task), output_commitment: field(&commitment), proof, sealed: None }
        }
    }
}

fn build_block(chain: &MemoryChain, plan: &BlockPlan) -> Block {
    let hash = chain.config.genesis_hash;
    let mut next_nonce = std::collections::BTreeMap::new();
    let txs = plan
        .txs
        .iter()
        .map(|t| {
            let signer = agent(t.sender);
            let nonce = t.nonce.unwrap_or_else(|| {
                let n = next_nonce.entry(t.sender).or_insert_with(|| {
                    chain
                        .state
                        .get(agora_core::Table::Accounts, &agora_core::keys::account(&signer.id()))
                        .unwrap()
                        .map(|b| agora_core::AccountRecord::from_canonical_bytes(&b).unwrap().nonce)
                        .unwrap_or(0)
                });
                *n += 1;
                *n - 1
            });
            let body = TxBody { sender: signer.id(), nonce, action: action(&t.act) };
            match &t.sig {
                Sig::Valid => body.sign(&signer, &hash),
                Sig::WrongKey => body.sign(&key(77), &hash),
                Sig::Random(a, b) => {
                    let mut raw = [0u8; 64];
                    raw[..32].copy_from_slice(a);
                    raw[32..].copy_from_slice(b);
                    SignedTx { body, signature: agora_core::Signature::from_bytes(raw) }
                }
            }
        })
        .collect();
    let tip = chain.tip;
    let height = tip.height.wrapping_add_signed(i64::from(plan.height) + 1);
    let time = tip.time.wrapping_add_signed(plan.time);
    let prev_digest = if plan.right_prev { tip.digest } else { [0x5a; 32] };
    Block { header: BlockHeader { height, time, prev_digest }, txs }
}

fn header_ok(tip: &ChainTip, block: &Block, max_step: u64) -> bool {
    block.header.height == tip.height + 1
        && block.header.time >= tip.time
        && block.header.time - tip.time <= max_step
        && block.header.time <= agora_core::limits::MAX_BLOCK_TIME
        && block.header.prev_digest == tip.digest
}

// ---------------------------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(3_000))]

    #[test]
    fn random_bytes_never_panic_the_decoders(bytes in prop::collection::vec(any::<u8>(), 0..700)) {
        check_canonical::<SignedTx>(&bytes)?;
        check_canonical::<Block>(&bytes)?;
        check_canonical::<Genesis>(&bytes)?;
        if let Ok(proof) = decode_proof(&bytes) {
            prop_assert_eq!(encode_proof(&proof).unwrap(), bytes.clone());
        }
        let _ = agora_zk::keys::import_vk(&bytes);
        let _ = agora_zk::keys::decode_vk_file(&bytes);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = serde_json::from_str::<SignedTx>(text);
            let _ = serde_json::from_str::<Block>(text);
        }
    }

    #[test]
    fn random_128_byte_proofs_are_refused_or_canonical(bytes in prop::array::uniform32(any::<u8>()), rest in prop::collection::vec(any::<u8>(), 96)) {
        let mut proof = bytes.to_vec();
        proof.extend(rest);
        if let Ok(decoded) = decode_proof(&proof) {
            prop_assert_eq!(encode_proof(&decoded).unwrap(), proof);
        }
    }

    #[test]
    fn mutated_transactions_decode_canonically_or_not_at_all(
        which in 0..15usize,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let txs = signed_txs();
        let tx = &txs[which % txs.len()];
        let bytes = mutate(&tx.to_canonical_bytes(), &mutations);
        if check_canonical::<SignedTx>(&bytes)? {
            // A decodable mutation is a different transaction: its signature must not verify
            // (unless the mutation changed nothing).
            let decoded = SignedTx::from_canonical_bytes(&bytes).unwrap();
            if &decoded != tx {
                prop_assert_ne!(decoded.check_stateless(&[3; 32]), Status::Ok);
            }
        }
        let json = serde_json::to_string(tx).unwrap();
        let mut chars: Vec<char> = json.chars().collect();
        for m in &mutations {
            if let Mutation::Set(i, b) = m {
                let at = i % chars.len();
                chars[at] = char::from(*b);
            }
        }
        let text: String = chars.into_iter().collect();
        if let Ok(decoded) = serde_json::from_str::<SignedTx>(&text) {
            prop_assert_eq!(SignedTx::from_canonical_bytes(&decoded.to_canonical_bytes()).unwrap(), decoded);
        }
    }

    #[test]
    fn mutated_blocks_and_genesis_decode_canonically_or_not_at_all(mutations in prop::collection::vec(mutation(), 1..5)) {
        check_canonical::<Block>(&mutate(&valid_block_bytes(), &mutations))?;
        let genesis = Genesis::development(key(9).id(), 5).to_canonical_bytes();
        check_canonical::<Genesis>(&mutate(&genesis, &mutations))?;
    }

    #[test]
    fn mutated_proofs_and_verifying_keys_never_panic(mutations in prop::collection::vec(mutation(), 1..4)) {
        let proof = mutate(&toy().proof, &mutations);
        if let Ok(decoded) = decode_proof(&proof) {
            prop_assert_eq!(encode_proof(&decoded).unwrap(), proof);
        }
        let vk = agora_zk::keys::vk_to_bytes(&toy().keys.vk).unwrap();
        let mutated = mutate(&vk, &mutations);
        if let Ok((_, id)) = agora_zk::keys::import_vk(&mutated) {
            prop_assert_eq!(id, agora_zk::key_id(&agora_zk::keys::import_vk(&mutated).unwrap().0).unwrap());
            prop_assert_eq!(agora_zk::keys::vk_to_bytes(&agora_zk::keys::import_vk(&mutated).unwrap().0).unwrap(), mutated);
        }
        let file = agora_zk::keys::encode_vk_file(&toy().keys.vk).unwrap();
        let _ = agora_zk::keys::decode_vk_file(&mutate(&file, &mutations));
    }
}

proptest! {
    #![proptest_config(cases(200))]

    #[test]
    fn random_blocks_never_panic_the_state_machine(plan in block_plan()) {
        let chain = world();
        let block = build_block(chain, &plan);
        let result = apply_block(&chain.config, &chain.state, &chain.tip, &block, &toy().verifier);
        match result {
            Ok(outcome) => {
                prop_assert!(header_ok(&chain.tip, &block, chain.config.genesis.max_block_time_step_secs), "a wrong header was accepted: {:?}", block.header);
                prop_assert_eq!(outcome.receipts.len(), block.txs.len());
                for (i, r) in outcome.receipts.iter().enumerate() {
                    prop_assert_eq!(r.index as usize, i);
                    prop_assert_eq!(r.code, r.status.code());
                    if let Action::SubmitCompletion { .. } = block.txs[i].body.action {
                        // No fuzzed proof proves a real completion.
                        prop_assert_ne!(r.status, Status::Ok);
                    }
                }
                let mut state = chain.state.clone();
                state.apply(&outcome.diff);
                for totals in asset_totals(&state, chain.config.bond_asset).unwrap() {
                    prop_assert!(totals.conserved(), "{:?}", totals);
                }
                // Applying is a function of its inputs.
                let again = apply_block(&chain.config, &chain.state, &chain.tip, &block, &toy().verifier).unwrap();
                prop_assert_eq!(again.digest, outcome.digest);
            }
            Err(
                BlockError::WrongHeight { .. }
                | BlockError::TimeWentBackwards { .. }
                | BlockError::TimeStepTooLarge { .. }
                | BlockError::TimeBeyondLimit(_)
                | BlockError::WrongPrevDigest,
            ) => {
                prop_assert!(!header_ok(&chain.tip, &block, chain.config.genesis.max_block_time_step_secs), "a right header was refused");
            }
            Err(other) => prop_assert!(false, "unexpected block error {other}"),
        }
    }

    #[test]
    fn random_claims_never_panic_the_verifier_and_one_flipped_bit_never_verifies(
        claims in prop::collection::vec(
            (0..4u8, 0..8usize, prop_oneof![
                Just(None),
                (0..1024usize).prop_map(Some),
            ], prop::collection::vec(any::<u8>(), 0..200)),
            1..12,
        ),
    ) {
        let t = toy();
        let built: Vec<(ProofClaim, Option<bool>)> = claims
            .iter()
            .map(|(key_choice, inputs, flip, random)| {
                let key_id = if *key_choice == 0 { agora_core::KeyId([7; 32]) } else { t.keys.key_id };
                let mut public_inputs = t.inputs.clone();
                public_inputs.truncate(*inputs.min(&6));
                while public_inputs.len() < *inputs { public_inputs.push(FieldBytes::from_u64(1)); }
                let (proof, expect_valid) = match (key_choice, flip) {
                    (3, _) => (random.clone(), None),
                    (_, None) => (t.proof.clone(), Some(true)),
                    (_, Some(bit)) => {
                        let mut p = t.proof.clone();
                        p[(bit / 8) % 128] ^= 1 << (bit % 8);
                        (p, Some(false))
                    }
                };
                let honest = *key_choice != 0 && *inputs == 6;
                (ProofClaim { key_id, key: None, public_inputs, proof }, if honest { expect_valid } else { Some(false) })
            })
            .collect();
        let only_claims: Vec<ProofClaim> = built.iter().map(|(c, _)| c.clone()).collect();
        let verdicts = t.verifier.verify_batch(&only_claims);
        prop_assert_eq!(verdicts.len(), only_claims.len());
        for ((claim, expect), verdict) in built.iter().zip(&verdicts) {
            match expect {
                Some(true) => prop_assert_eq!(*verdict, ProofVerdict::Valid),
                Some(false) => prop_assert_ne!(*verdict, ProofVerdict::Valid, "{:?}", claim.proof),
                None => {}
            }
            // The same verdict alone as in the batch.
            prop_assert_eq!(t.verifier.verify_single(claim), *verdict);
        }
    }
}

#[test]
fn the_fuzzed_world_is_the_one_described() {
    // The random-block property is only as good as the state it starts from.
    let chain = world();
    assert_eq!(chain.tip.height, 5);
    let hash = chain.config.genesis_hash;
    let tx = TxBody { sender: agent(2).id(), nonce: 3, action: Action::AcceptDelivery { task: TaskId(1) } }
        .sign(&agent(2), &hash);
    let block = build_block(chain, &BlockPlan { height: 0, time: 1, right_prev: true, txs: vec![] });
    let block = Block { txs: vec![tx], ..block };
    let outcome = apply_block(&chain.config, &chain.state, &chain.tip, &block, &toy().verifier).unwrap();
    assert_eq!(outcome.receipts[0].status, Status::NotEmployer);
    let completion = Action::SubmitCompletion {
        task: TaskId(2),
        output_commitment: FieldBytes::from_u64(1),
        proof: toy().proof.clone(),
        sealed: None,
    };
    let tx = TxBody { sender: agent(2).id(), nonce: 3, action: completion }.sign(&agent(2), &hash);
    let block = Block { txs: vec![tx], ..block };
    let outcome = apply_block(&chain.config, &chain.state, &chain.tip, &block, &toy().verifier).unwrap();
    assert_eq!(outcome.receipts[0].status, Status::ProofInvalid, "completions reach the verifier");
}
