//! Shared harness for Agora's test suites: an in-memory world driven through the real state
//! machine (`apply_block` over `MemoryState`), with helpers to sign, apply and inspect.
//!
//! A test harness: a broken invariant or a malformed record here is a test failure, so it
//! panics with a message rather than returning errors.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use agora_core::{
    AccountRecord, Action, AgentId, AgentKey, Amount, AssetId, Block, BlockHeader, Canonical, ChainConfig, ChainTip,
    FieldBytes, Genesis, MemoryState, NoProofKeys, PostTask, ProofVerifier, Receipt, SignedTx, StateView, Status,
    Table, TaskId, TaskRecord, TxBody, apply_block, asset_totals, keys,
};

/// The asset every test world declares first (`USD`).
pub const USD: AssetId = AssetId(1);
/// The development genesis bond.
pub const BOND: Amount = 100_000_000;
/// The proof-gated kind of [`genesis_with_test_kind`] (no parameters, key id `[7; 32]`).
pub const TEST_KIND: u16 = 1;

/// A development genesis (operator `operator`, genesis time 1 000) with the proof-gated kind
/// [`TEST_KIND`], for suites run with [`TestOnlyAcceptAllProofs`].
pub fn genesis_with_test_kind(operator: AgentId) -> Genesis {
    let mut genesis = Genesis::development(operator, 1_000);
    genesis.kinds = vec![agora_core::KindSpec {
        kind: TEST_KIND,
        name: "test".into(),
        key_id: agora_core::KeyId([7; 32]),
        param_count: 0,
        sealed_fields: 0,
        base_kind: None,
    }];
    genesis
}

/// A deterministic test key.
pub fn key(seed: u8) -> AgentKey {
    AgentKey::from_seed([seed; 32])
}

/// An in-memory marketplace.
pub struct World {
    /// Chain configuration.
    pub config: ChainConfig,
    /// Committed state.
    pub state: MemoryState,
    /// Tip.
    pub tip: ChainTip,
    /// Time of the next block.
    pub time: u64,
    /// The operator.
    pub operator: AgentKey,
    verifier: Box<dyn ProofVerifier>,
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

impl World {
    /// A development world: operator `key(200)`, genesis time 1 000.
    pub fn new() -> World {
        let operator = key(200);
        World::with_genesis(Genesis::development(operator.id(), 1_000), operator)
    }

    /// A world from a custom genesis.
    pub fn with_genesis(genesis: Genesis, operator: AgentKey) -> World {
        let config = ChainConfig::new(genesis).expect("valid genesis");
        let mut state = MemoryState::new();
        state.apply(&config.genesis_diff());
        let tip = ChainTip { height: 0, time: config.genesis.genesis_time, digest: config.genesis_hash };
        let time = tip.time + 1;
        World { config, state, tip, time, operator, verifier: Box::new(NoProofKeys) }
    }

    /// Uses `verifier` for completion proofs.
    pub fn set_verifier(&mut self, verifier: Box<dyn ProofVerifier>) {
        self.verifier = verifier;
    }

    /// Signs `action` from `key` with its current nonce.
    pub fn sign(&self, key: &AgentKey, action: Action) -> SignedTx {
        let nonce = self.account(&key.id()).nonce;
        TxBody { sender: key.id(), nonce, action }.sign(key, &self.config.genesis_hash)
    }

    /// Applies `txs` as one block at the current time, then advances the clock by one second.
    /// When the clock was moved further ahead than the genesis `max_block_time_step_secs`
    /// allows in one block, empty blocks one step apart are applied first, as a real chain
    /// would have to.
    pub fn apply(&mut self, txs: Vec<SignedTx>) -> Vec<Receipt> {
        let step = self.config.genesis.max_block_time_step_secs;
        while self.time > self.tip.time.saturating_add(step) {
            let gap = self.tip.time + step;
            self.apply_at(gap, Vec::new());
        }
        let receipts = self.apply_at(self.time, txs);
        self.time += 1;
        receipts
    }

    /// Applies `txs` as one block at block time `time` (which must be within one step of the tip).
    fn apply_at(&mut self, time: u64, txs: Vec<SignedTx>) -> Vec<Receipt> {
        let block =
            Block { header: BlockHeader { height: self.tip.height + 1, time, prev_digest: self.tip.digest }, txs };
        let outcome =
            apply_block(&self.config, &self.state, &self.tip, &block, self.verifier.as_ref()).expect("block applies");
        self.state.apply(&outcome.diff);
        self.tip = outcome.tip;
        outcome.receipts
    }

    /// Signs `action` from `key` with an explicit nonce (several transactions of one sender in
    /// one block).
    pub fn sign_nonce(&self, key: &AgentKey, nonce: u64, action: Action) -> SignedTx {
        TxBody { sender: key.id(), nonce, action }.sign(key, &self.config.genesis_hash)
    }

    /// Funds every key with the bond plus `extra` and registers it, in two blocks.
    pub fn register_many(&mut self, keys: &[AgentKey], extra: Amount) {
        let op = self.operator.clone();
        let nonce = self.account(&op.id()).nonce;
        let deposits = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                self.sign_nonce(&op, nonce + i as u64, Action::Deposit { to: k.id(), asset: USD, amount: BOND + extra })
            })
            .collect();
        assert!(self.apply(deposits).iter().all(|r| r.status == Status::Ok));
        let registrations = keys.iter().map(|k| self.sign(k, Action::Register {})).collect();
        assert!(self.apply(registrations).iter().all(|r| r.status == Status::Ok));
    }

    /// Gives each (registered) worker reputation the way the protocol does: the genesis-trusted
    /// operator posts one [`TEST_KIND`] task per worker at `price`, awards it to the worker and
    /// the worker proves it. Needs [`genesis_with_test_kind`] and [`TestOnlyAcceptAllProofs`].
    pub fn earn_reputation(&mut self, workers: &[AgentKey], price: Amount) {
        use agora_core::{Created, FieldBytes, PostTask};
        let op = self.operator.clone();
        if !self.account(&op.id()).is_active() {
            self.register(&op, 0);
        }
        self.fund(op.id(), price * workers.len() as Amount);
        let nonce = self.account(&op.id()).nonce;
        let salt = self.tip.height;
        let now = self.time;
        let posts = (0..workers.len())
            .map(|i| {
                let offer = PostTask {
                    title: "reputation".into(),
                    requirements: String::new(),
                    kind: TEST_KIND,
                    params: vec![],
                    input_commitment: FieldBytes::from_u64(salt * 1_000_000 + i as u64),
                    asset: USD,
                    budget: price,
                    bid_deadline: now + 100,
                    delivery_deadline: now + 1_000,
                    splits: vec![],
                    min_reputation: 0,
                };
                self.sign_nonce(&op, nonce + i as u64, Action::PostTask(offer))
            })
            .collect();
        let tasks: Vec<TaskId> = self
            .apply(posts)
            .into_iter()
            .map(|r| match r.created {
                Created::Task(t) => t,
                other => panic!("no task: {other:?} {:?}", r.status),
            })
            .collect();
        let bids = workers
            .iter()
            .zip(&tasks)
            .map(|(w, t)| self.sign(w, Action::PlaceBid { task: *t, price, eta_secs: 1, plan_hash: [1; 32] }))
            .collect();
        assert!(self.apply(bids).iter().all(|r| r.status == Status::Ok));
        let nonce = self.account(&op.id()).nonce;
        let awards = workers
            .iter()
            .zip(&tasks)
            .enumerate()
            .map(|(i, (w, t))| self.sign_nonce(&op, nonce + i as u64, Action::AwardBid { task: *t, bidder: w.id() }))
            .collect();
        assert!(self.apply(awards).iter().all(|r| r.status == Status::Ok));
        let proofs = workers
            .iter()
            .zip(&tasks)
            .map(|(w, t)| {
                let action = Action::SubmitCompletion {
                    task: *t,
                    output_commitment: FieldBytes::from_u64(1),
                    proof: vec![0; 128],
                    sealed: None,
                };
                self.sign(w, action)
            })
            .collect();
        assert!(self.apply(proofs).iter().all(|r| r.status == Status::Ok));
    }

    /// Applies empty blocks until no panel draw is pending (at most 2 × the seed delay + 2).
    pub fn flush_draws(&mut self) {
        let limit = 2 * self.config.genesis.arbitration.panel_seed_delay_blocks + 2;
        for _ in 0..limit {
            if self.state.entries(Table::PendingDraws).next().is_none() {
                return;
            }
            self.apply(vec![]);
        }
        assert!(self.state.entries(Table::PendingDraws).next().is_none(), "panel draws still pending");
    }

    /// Runs one action as a checked step: conservation holds afterwards, a rejection changed
    /// nothing, and any panel draw it made due is drawn before the next step.
    pub fn step_checked(&mut self, who: &AgentKey, action: Action) -> Status {
        let before = self.transaction_state();
        let status = self.run(who, action);
        self.assert_conserved();
        if status != Status::Ok {
            assert!(self.transaction_state() == before, "rejected transaction changed state");
        }
        self.flush_draws();
        self.assert_conserved();
        status
    }

    /// Registers `keys` with `bond` each, gives each the reputation of one proven 10 USD task
    /// for the trusted operator, and registers each as an arbitrator.
    pub fn seat_arbitrators(&mut self, keys: &[AgentKey], bond: Amount) {
        self.register_many(keys, bond);
        self.earn_reputation(keys, 10_000_000);
        for k in keys {
            assert_eq!(self.run(k, Action::RegisterArbitrator {}), Status::Ok);
        }
    }

    /// A manual (kind 0) offer in USD posted now: bids close after `bid_secs`, delivery is due
    /// `delivery_secs` after now.
    pub fn manual_offer(&self, title: &str, budget: Amount, bid_secs: u64, delivery_secs: u64) -> PostTask {
        PostTask {
            title: title.into(),
            requirements: String::new(),
            kind: 0,
            params: vec![],
            input_commitment: FieldBytes::from_u64(self.time),
            asset: USD,
            budget,
            bid_deadline: self.time + bid_secs,
            delivery_deadline: self.time + delivery_secs,
            splits: vec![],
            min_reputation: 0,
        }
    }

    /// Signs and applies one action, returning its status.
    pub fn run(&mut self, key: &AgentKey, action: Action) -> Status {
        let tx = self.sign(key, action);
        self.apply(vec![tx])[0].status
    }

    /// Signs and applies one action, returning its receipt.
    pub fn run_receipt(&mut self, key: &AgentKey, action: Action) -> Receipt {
        let tx = self.sign(key, action);
        self.apply(vec![tx]).remove(0)
    }

    /// Credits `amount` USD to `id` from the operator.
    pub fn fund(&mut self, id: AgentId, amount: Amount) {
        let op = self.operator.clone();
        assert_eq!(self.run(&op, Action::Deposit { to: id, asset: USD, amount }), Status::Ok);
    }

    /// Funds `key` with the bond plus `extra` and registers it.
    pub fn register(&mut self, key: &AgentKey, extra: Amount) {
        self.fund(key.id(), BOND + extra);
        assert_eq!(self.run(key, Action::Register {}), Status::Ok);
    }

    /// An account record.
    pub fn account(&self, id: &AgentId) -> AccountRecord {
        self.state
            .get(Table::Accounts, &keys::account(id))
            .expect("memory read")
            .map(|b| AccountRecord::from_canonical_bytes(&b).expect("account decodes"))
            .unwrap_or_default()
    }

    /// A balance.
    pub fn balance(&self, id: &AgentId, asset: AssetId) -> Amount {
        self.state
            .get(Table::Balances, &keys::balance(id, asset))
            .expect("memory read")
            .map(|b| u128::from_le_bytes(b.as_slice().try_into().expect("16 bytes")))
            .unwrap_or(0)
    }

    /// A task.
    pub fn task(&self, id: TaskId) -> Option<TaskRecord> {
        self.state
            .get(Table::Tasks, &keys::task(id))
            .expect("memory read")
            .map(|b| TaskRecord::from_canonical_bytes(&b).expect("task decodes"))
    }

    /// The state minus what a block changes on its own at an epoch boundary (the epoch counter
    /// and recomputed standings): what a single transaction may or may not touch.
    pub fn transaction_state(&self) -> MemoryState {
        let mut copy = self.state.clone();
        let mut diff = agora_core::Diff::default();
        diff.writes.insert((Table::Counters, agora_core::reputation::EPOCH_COUNTER.as_bytes().to_vec()), None);
        for (key, _) in self.state.entries(Table::Standing) {
            diff.writes.insert((Table::Standing, key.clone()), None);
        }
        copy.apply(&diff);
        copy
    }

    /// Panics unless every asset's balances + escrow + bonds equal its supply.
    pub fn assert_conserved(&self) {
        for totals in asset_totals(&self.state, self.config.bond_asset).expect("totals") {
            assert!(totals.conserved(), "funds not conserved: {totals:?}");
        }
    }
}

/// One transaction action of every kind (some kinds twice, with extreme values), for
/// round-trip and fuzzing suites: a new kind added here is covered by all of them.
pub fn one_of_every_action() -> Vec<Action> {
    use agora_core::{CaseId, FieldBytes, PostTask, Split, loans::LoanId};
    let (a, b) = (key(1).id(), key(2).id());
    let task = TaskId(7);
    vec![
        Action::DeclareAsset { symbol: "EURC".into(), decimals: 6 },
        Action::Deposit { to: a, asset: AssetId(1), amount: u128::MAX },
        Action::Withdraw { asset: AssetId(2), amount: 5 },
        Action::Transfer { to: b, asset: AssetId(1), amount: 1 << 100 },
        Action::Register {},
        Action::Deregister {},
        Action::ReclaimBond {},
        Action::PostTask(PostTask {
            title: "t".into(),
            requirements: "r".into(),
            kind: 3,
            params: vec![FieldBytes::from_u64(16)],
            input_commitment: FieldBytes::from_u64(9),
            asset: AssetId(1),
            budget: 10,
            bid_deadline: 1,
            delivery_deadline: 2,
            splits: vec![Split { to: b, bps: 100 }],
            min_reputation: 3,
        }),
        Action::PlaceBid { task, price: 9, eta_secs: 60, plan_hash: [4; 32] },
        Action::WithdrawBid { task, bidder: a },
        Action::AwardBid { task, bidder: b },
        Action::CancelTask { task },
        Action::ExpireTask { task },
        Action::AcceptDelivery { task },
        Action::SubmitCompletion {
            task,
            output_commitment: FieldBytes::from_u64(1),
            proof: vec![0xab; 128],
            sealed: None,
        },
        Action::OfferLoan { asset: AssetId(1), principal: 1 << 90, interest_bps: 250, due: 99, borrower: Some(b) },
        Action::OfferLoan { asset: AssetId(1), principal: 5, interest_bps: 0, due: 1, borrower: None },
        Action::CancelLoan { loan: LoanId(3) },
        Action::AcceptLoan { loan: LoanId(3), pledge: 12_345 },
        Action::RepayLoan { loan: LoanId(3) },
        Action::ClaimDefault { loan: LoanId(3) },
        Action::PostSubtask {
            parent: task,
            offer: PostTask {
                title: "sub".into(),
                requirements: String::new(),
                kind: 0,
                params: vec![],
                input_commitment: FieldBytes::from_u64(2),
                asset: AssetId(1),
                budget: 4,
                bid_deadline: 1,
                delivery_deadline: 2,
                splits: vec![Split { to: a, bps: 10_000 }],
                min_reputation: 0,
            },
        },
        Action::OpenDispute { task },
        Action::RegisterArbitrator {},
        Action::RetireArbitrator {},
        Action::CastVote { case: CaseId(3), worker_bps: 7_500 },
        Action::ResolveDispute { case: CaseId(3) },
        Action::Appeal { case: CaseId(u64::MAX) },
        Action::FreezeAgent { agent: b, reason: 65_535, evidence: [0xee; 32] },
        Action::AppealFreeze {},
        Action::ChangeTrusted { agent: a, add: true },
        Action::ChangeTrusted { agent: b, add: false },
        Action::RegisterKind(agora_core::KindRegistration {
            kind: 9,
            name: "sort8".into(),
            description: "sorts a committed list".into(),
            param_count: 1,
            weight_bps: 5_000,
            max_gain: 1_000,
            key_id: agora_core::KeyId([0x42; 32]),
            vk: vec![1, 2, 3],
        }),
        Action::RotateKindKey { kind: 9, version: 2, key_id: agora_core::KeyId([0x43; 32]), vk: vec![4; 40] },
        Action::RetireKind { kind: u16::MAX },
        Action::RegisterEncryptionKey {
            key: agora_core::CurvePoint { x: FieldBytes::from_u64(5), y: FieldBytes::from_u64(6) },
            possession: agora_core::KeyPossession {
                commitment: agora_core::CurvePoint { x: FieldBytes::from_u64(7), y: FieldBytes::from_u64(8) },
                response: FieldBytes::from_u64(9),
            },
        },
        Action::SubmitCompletion {
            task,
            output_commitment: FieldBytes::from_u64(2),
            proof: vec![0xcd; 128],
            sealed: Some(agora_core::SealedOutput {
                ephemeral_key: agora_core::CurvePoint { x: FieldBytes::from_u64(3), y: FieldBytes::from_u64(4) },
                ciphertext: vec![FieldBytes::from_u64(10), FieldBytes::from_u64(11), FieldBytes::from_u64(12)],
            }),
        },
    ]
}

/// A verifier that answers `Valid` to every claim. **Test only**: for suites that exercise the
/// ledger, loans or the reputation graph rather than the proof gate (which `proof_gate.rs` and
/// the CI-size adversarial runs exercise with real Groth16 proofs).
#[derive(Clone, Copy, Debug, Default)]
pub struct TestOnlyAcceptAllProofs;

impl ProofVerifier for TestOnlyAcceptAllProofs {
    fn verify_batch(&self, claims: &[agora_core::ProofClaim]) -> Vec<agora_core::ProofVerdict> {
        vec![agora_core::ProofVerdict::Valid; claims.len()]
    }
}
