//! Model-based test of the ledger and registration: a reference model in plain BTreeMaps
//! (balances, supplies, asset symbols, nonces, registrations and bonds, fees) is driven by
//! random blocks of transactions beside the real state machine (the `World` harness over
//! `apply_block`). After every block the status of every transaction and every balance,
//! supply, nonce and registration must agree.
//!
//! The transactions include the faults a client can make (bad signatures, stale and future
//! nonces, unknown assets, zero and overflowing amounts, symbols out of limits, the wrong
//! sender for operator actions, bonds reclaimed early) so the status precedence is checked
//! too. About 2,000 transactions in CI; `AGORA_FULL=1` runs about a million.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora_core::{
    Action, AgentId, AgentKey, Amount, AssetDecl, AssetId, AssetRecord, BondConfig, Canonical, Genesis, InitialBalance,
    SignedTx, StateView, Status, Table, TxBody, keys,
};
use agora_tests::{World, key};
use proptest::prelude::*;
use std::collections::BTreeMap;

const USD: u32 = 1;
const BOND: Amount = 1_000;
const COOLDOWN: u64 = 4;
/// Asset ids the generator uses: the two genesis assets, three the operators may declare, one
/// never declared.
const ASSET_IDS: u32 = 6;
const SYMBOLS: [&str; 7] = ["USD", "EUR", "GBP", "JPY", "CHF", "", "SEVENTEEN-BYTES-X"];

/// Participants: two operators, then four agents; the first agent collects the fees.
fn participant(i: usize) -> AgentKey {
    match i {
        0 => key(200),
        1 => key(201),
        n => key(n as u8 - 1),
    }
}
const PARTICIPANTS: usize = 6;
const FEE_ACCOUNT: usize = 2;

fn genesis(fee_bps: u16) -> Genesis {
    let mut g = Genesis::development(participant(0).id(), 1_000);
    g.chain_id = "agora-model".into();
    g.operators = vec![participant(0).id(), participant(1).id()];
    g.fee_account = participant(FEE_ACCOUNT).id();
    g.fee_bps = fee_bps;
    g.assets = vec![AssetDecl { symbol: "USD".into(), decimals: 6 }, AssetDecl { symbol: "EUR".into(), decimals: 2 }];
    g.bond = BondConfig { asset: "USD".into(), amount: BOND, cooldown_secs: COOLDOWN };
    g.balances = (2..PARTICIPANTS)
        .flat_map(|i| {
            [
                InitialBalance { agent: participant(i).id(), asset: "USD".into(), amount: 5_000 },
                InitialBalance { agent: participant(i).id(), asset: "EUR".into(), amount: 100 },
            ]
        })
        .collect();
    g
}

// ---------------------------------------------------------------------------------------------
// The reference model.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Reg {
    bond: Amount,
    at: u64,
    left: Option<u64>,
}

#[derive(Clone, Debug)]
struct Model {
    fee_bps: u16,
    operators: Vec<AgentId>,
    fee_account: AgentId,
    balances: BTreeMap<(AgentId, u32), Amount>,
    supply: BTreeMap<u32, Amount>,
    symbols: BTreeMap<String, u32>,
    assets: u32,
    nonces: BTreeMap<AgentId, u64>,
    regs: BTreeMap<AgentId, Reg>,
}

/// `amount · bps / 10,000` rounded down, exactly, via 256-bit long multiplication.
fn fee_of(amount: Amount, bps: u16) -> Amount {
    let (hi, lo) = (amount >> 64, amount & u128::from(u64::MAX));
    let b = u128::from(bps);
    // amount·b = hi·b·2^64 + lo·b; divide by 10,000 digit by digit.
    let top = hi * b; // < 2^64 · 2^14
    let (q_top, r_top) = (top / 10_000, top % 10_000);
    let low = (r_top << 64) + lo * b; // r_top < 10,000, so this fits
    (q_top << 64) + low / 10_000
}

impl Model {
    fn new(g: &Genesis) -> Model {
        let mut m = Model {
            fee_bps: g.fee_bps,
            operators: g.operators.clone(),
            fee_account: g.fee_account,
            balances: BTreeMap::new(),
            supply: BTreeMap::new(),
            symbols: BTreeMap::new(),
            assets: 0,
            nonces: BTreeMap::new(),
            regs: BTreeMap::new(),
        };
        for decl in &g.assets {
            m.assets += 1;
            m.symbols.insert(decl.symbol.clone(), m.assets);
            m.supply.insert(m.assets, 0);
        }
        for b in &g.balances {
            let id = m.symbols[&b.asset];
            *m.balances.entry((b.agent, id)).or_default() += b.amount;
            *m.supply.get_mut(&id).unwrap() += b.amount;
        }
        m
    }

    fn balance(&self, who: &AgentId, asset: u32) -> Amount {
        self.balances.get(&(*who, asset)).copied().unwrap_or(0)
    }

    fn nonce(&self, who: &AgentId) -> u64 {
        self.nonces.get(who).copied().unwrap_or(0)
    }

    /// Applies one transaction whose signature is `signature_ok`; returns its status. A
    /// rejected transaction leaves the model untouched.
    fn apply(&mut self, sender: &AgentId, nonce: u64, action: &Action, signature_ok: bool, time: u64) -> Status {
        if let Action::DeclareAsset { symbol, .. } = action
            && (symbol.is_empty() || symbol.len() > 16)
        {
            return Status::LimitExceeded;
        }
        if !signature_ok {
            return Status::BadSignature;
        }
        if nonce != self.nonce(sender) {
            return Status::BadNonce;
        }
        let mut next = self.clone();
        match next.execute(sender, action, time) {
            Ok(()) => {
                *next.nonces.entry(*sender).or_default() += 1;
                *self = next;
                Status::Ok
            }
            Err(status) => status,
        }
    }

    fn debit(&mut self, who: &AgentId, asset: u32, amount: Amount) -> Result<(), Status> {
        let balance = self.balance(who, asset);
        if balance < amount {
            return Err(Status::InsufficientFunds);
        }
        self.balances.insert((*who, asset), balance - amount);
        Ok(())
    }

    fn credit(&mut self, who: &AgentId, asset: u32, amount: Amount) -> Result<(), Status> {
        let balance = self.balance(who, asset).checked_add(amount).ok_or(Status::AmountOverflow)?;
        self.balances.insert((*who, asset), balance);
        Ok(())
    }

    fn known(&self, asset: AssetId) -> Result<u32, Status> {
        if asset.0 >= 1 && asset.0 <= self.assets { Ok(asset.0) } else { Err(Status::UnknownAsset) }
    }

    fn execute(&mut self, sender: &AgentId, action: &Action, time: u64) -> Result<(), Status> {
        let operator = self.operators.contains(sender);
        match action {
            Action::DeclareAsset { symbol, .. } => {
                if !operator {
                    return Err(Status::NotOperator);
                }
                if self.symbols.contains_key(symbol) {
                    return Err(Status::AssetExists);
                }
                self.assets += 1;
                self.symbols.insert(symbol.clone(), self.assets);
                self.supply.insert(self.assets, 0);
            }
            Action::Deposit { to, asset, amount } => {
                if !operator {
                    return Err(Status::NotOperator);
                }
                let asset = self.known(*asset)?;
                if *amount == 0 {
                    return Err(Status::ZeroAmount);
                }
                let supply = self.supply[&asset].checked_add(*amount).ok_or(Status::AmountOverflow)?;
                self.supply.insert(asset, supply);
                self.credit(to, asset, *amount)?;
            }
            Action::Withdraw { asset, amount } => {
                let asset = self.known(*asset)?;
                if *amount == 0 {
                    return Err(Status::ZeroAmount);
                }
                self.debit(sender, asset, *amount)?;
                let supply = self.supply[&asset].checked_sub(*amount).ok_or(Status::InsufficientFunds)?;
                self.supply.insert(asset, supply);
            }
            Action::Transfer { to, asset, amount } => {
                let asset = self.known(*asset)?;
                if *amount == 0 {
                    return Err(Status::ZeroAmount);
                }
                self.debit(sender, asset, *amount)?;
                let fee = fee_of(*amount, self.fee_bps);
                self.credit(to, asset, *amount - fee)?;
                let fee_account = self.fee_account;
                self.credit(&fee_account, asset, fee)?;
            }
            Action::Register {} => {
                if self.regs.contains_key(sender) {
                    return Err(Status::AlreadyRegistered);
                }
                self.debit(sender, USD, BOND)?;
                self.regs.insert(*sender, Reg { bond: BOND, at: time, left: None });
            }
            Action::Deregister {} => match self.regs.get_mut(sender) {
                Some(reg) if reg.left.is_none() => reg.left = Some(time),
                _ => return Err(Status::NotRegistered),
            },
            Action::ReclaimBond {} => {
                let reg = *self.regs.get(sender).ok_or(Status::NotRegistered)?;
                let left = reg.left.ok_or(Status::NotDeregistering)?;
                if time < left.saturating_add(COOLDOWN) {
                    return Err(Status::CooldownActive);
                }
                self.regs.remove(sender);
                self.credit(sender, USD, reg.bond)?;
            }
            other => panic!("the model covers the ledger and registration only, not {other:?}"),
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Random blocks.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Act {
    Declare(usize, u8),
    Deposit(usize, u32, Amount),
    Withdraw(u32, Amount),
    Transfer(usize, u32, Amount),
    Register,
    Deregister,
    Reclaim,
}

#[derive(Clone, Copy, Debug)]
enum Fault {
    None,
    BadSignature,
    NonceAhead,
    NonceBehind,
}

#[derive(Clone, Debug)]
struct Step {
    sender: usize,
    act: Act,
    fault: Fault,
}

#[derive(Clone, Debug)]
struct Plan {
    advance: u64,
    steps: Vec<Step>,
}

fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        1 => Just(0u128),
        8 => 1..60u128,
        5 => 1..6_000u128,
        2 => 900..1_100u128,
        1 => (u128::MAX - 8_000)..=u128::MAX,
        1 => any::<u128>(),
    ]
}

fn asset() -> impl Strategy<Value = u32> {
    prop_oneof![10 => 1..=2u32, 3 => 3..=5u32, 1 => Just(0u32), 1 => Just(ASSET_IDS)]
}

fn act() -> impl Strategy<Value = Act> {
    let who = 0..PARTICIPANTS;
    prop_oneof![
        1 => (0..SYMBOLS.len(), any::<u8>()).prop_map(|(s, d)| Act::Declare(s, d)),
        3 => (who.clone(), asset(), amount()).prop_map(|(t, a, m)| Act::Deposit(t, a, m)),
        2 => (asset(), amount()).prop_map(|(a, m)| Act::Withdraw(a, m)),
        6 => (who, asset(), amount()).prop_map(|(t, a, m)| Act::Transfer(t, a, m)),
        3 => Just(Act::Register),
        2 => Just(Act::Deregister),
        3 => Just(Act::Reclaim),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let fault = prop_oneof![
        16 => Just(Fault::None),
        1 => Just(Fault::BadSignature),
        1 => Just(Fault::NonceAhead),
        1 => Just(Fault::NonceBehind),
    ];
    // Operator actions come mostly from operators, so they get past the authority check.
    // Most steps come from two agents, so one agent's register, deregister and reclaim meet.
    let anyone = prop_oneof![3 => 2..4usize, 2 => 0..PARTICIPANTS];
    (act(), fault, anyone, 0..2usize, 0..10u8).prop_map(|(act, fault, anyone, operator, coin)| {
        let sender = match act {
            Act::Declare(..) | Act::Deposit(..) if coin < 8 => operator,
            _ => anyone,
        };
        Step { sender, act, fault }
    })
}

fn plan() -> impl Strategy<Value = Plan> {
    let advance = prop_oneof![3 => 0..3u64, 1 => 0..80u64];
    (advance, prop::collection::vec(step(), 1..=3)).prop_map(|(advance, steps)| Plan { advance, steps })
}

fn action(act: &Act) -> Action {
    match act {
        Act::Declare(s, decimals) => Action::DeclareAsset { symbol: SYMBOLS[*s].to_string(), decimals: *decimals },
        Act::Deposit(to, asset, amount) => {
            Action::Deposit { to: participant(*to).id(), asset: AssetId(*asset), amount: *amount }
        }
        Act::Withdraw(asset, amount) => Action::Withdraw { asset: AssetId(*asset), amount: *amount },
        Act::Transfer(to, asset, amount) => {
            Action::Transfer { to: participant(*to).id(), asset: AssetId(*asset), amount: *amount }
        }
        Act::Register => Action::Register {},
        Act::Deregister => Action::Deregister {},
        Act::Reclaim => Action::ReclaimBond {},
    }
}

// ---------------------------------------------------------------------------------------------
// The comparison.
// ---------------------------------------------------------------------------------------------

fn supply_of(w: &World, asset: u32) -> Option<Amount> {
    w.state
        .get(Table::Assets, &keys::asset(AssetId(asset)))
        .unwrap()
        .map(|bytes| AssetRecord::from_canonical_bytes(&bytes).unwrap().supply)
}

fn compare(w: &World, m: &Model, block: usize) -> Result<(), TestCaseError> {
    for i in 0..PARTICIPANTS {
        let id = participant(i).id();
        for asset in 1..=ASSET_IDS + 1 {
            prop_assert_eq!(
                w.balance(&id, AssetId(asset)),
                m.balance(&id, asset),
                "block {}: balance of participant {} in asset {}",
                block,
                i,
                asset
            );
        }
        let account = w.account(&id);
        prop_assert_eq!(account.nonce, m.nonce(&id), "block {}: nonce of participant {}", block, i);
        let real = account.registration.map(|r| Reg { bond: r.bond, at: r.registered_at, left: r.deregistered_at });
        prop_assert_eq!(real, m.regs.get(&id).copied(), "block {}: registration of participant {}", block, i);
    }
    for asset in 1..=ASSET_IDS + 1 {
        let expected = if asset <= m.assets { Some(m.supply[&asset]) } else { None };
        prop_assert_eq!(supply_of(w, asset), expected, "block {}: supply of asset {}", block, asset);
    }
    Ok(())
}

fn run(fee_bps: u16, plans: &[Plan]) -> Result<Vec<Status>, TestCaseError> {
    let g = genesis(fee_bps);
    let mut w = World::with_genesis(g.clone(), participant(0));
    let mut m = Model::new(&g);
    let hash = w.config.genesis_hash;
    let impostor = key(99);
    let mut seen = Vec::new();
    compare(&w, &m, 0)?;
    for (b, plan) in plans.iter().enumerate() {
        w.time += plan.advance;
        let time = w.time;
        let mut txs: Vec<SignedTx> = Vec::new();
        let mut expected = Vec::new();
        for step in &plan.steps {
            let signer = participant(step.sender);
            let sender = signer.id();
            let model_nonce = m.nonce(&sender);
            let nonce = match step.fault {
                Fault::NonceAhead => model_nonce.wrapping_add(1),
                Fault::NonceBehind => model_nonce.wrapping_sub(1),
                Fault::None | Fault::BadSignature => model_nonce,
            };
            let action = action(&step.act);
            let body = TxBody { sender, nonce, action: action.clone() };
            let bad_signature = matches!(step.fault, Fault::BadSignature);
            let tx = body.sign(if bad_signature { &impostor } else { &signer }, &hash);
            expected.push(m.apply(&sender, nonce, &action, !bad_signature, time));
            txs.push(tx);
        }
        let receipts = w.apply(txs);
        let statuses: Vec<Status> = receipts.iter().map(|r| r.status).collect();
        prop_assert_eq!(&statuses, &expected, "block {}: statuses of {:?}", b + 1, plan);
        seen.extend(statuses);
        compare(&w, &m, b + 1)?;
    }
    Ok(seen)
}

fn full() -> bool {
    std::env::var("AGORA_FULL").is_ok_and(|v| v == "1")
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: if full() { 2_000 } else { 48 }, ..ProptestConfig::default() }
}

fn max_blocks() -> usize {
    if full() { 700 } else { 60 }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_ledger_matches_its_reference_model(
        fee_bps in prop_oneof![Just(0u16), Just(30u16), 0..=10_000u16, Just(10_000u16)],
        plans in prop::collection::vec(plan(), 1..max_blocks()),
    ) {
        run(fee_bps, &plans)?;
    }
}

#[test]
fn the_model_fee_is_the_exact_floor() {
    for (amount, bps) in [(0u128, 30u16), (9_999, 30), (10_000, 30), (u128::MAX, 10_000), (u128::MAX, 9_999), (123, 0)]
    {
        let exact = if amount <= u128::MAX / 10_000 { amount * u128::from(bps) / 10_000 } else { fee_of(amount, bps) };
        assert_eq!(fee_of(amount, bps), exact);
    }
    assert_eq!(fee_of(u128::MAX, 10_000), u128::MAX);
    assert_eq!(fee_of(u128::MAX, 5_000), u128::MAX / 2);
}

/// A fixed scenario through the same comparison, so the model's own rules are pinned: bonds,
/// cool-down, fees to the fee account, operator-only actions.
#[test]
fn a_scripted_history_matches_the_model() {
    let t = |sender, act| Step { sender, act, fault: Fault::None };
    let plans = vec![
        Plan { advance: 0, steps: vec![t(2, Act::Register), t(3, Act::Transfer(4, USD, 1_000))] },
        Plan { advance: 1, steps: vec![t(3, Act::Declare(2, 2)), t(0, Act::Declare(2, 2)), t(1, Act::Declare(2, 0))] },
        Plan { advance: 1, steps: vec![t(0, Act::Deposit(5, 3, 700)), t(5, Act::Withdraw(3, 701))] },
        Plan { advance: 1, steps: vec![t(2, Act::Deregister), t(2, Act::Reclaim)] },
        // Block times: deregistered at T, now T + COOLDOWN - 1 (one second early), then T + COOLDOWN.
        Plan { advance: COOLDOWN - 2, steps: vec![t(2, Act::Reclaim)] },
        Plan { advance: 0, steps: vec![t(2, Act::Reclaim)] },
        Plan { advance: 0, steps: vec![t(2, Act::Register), t(2, Act::Deregister)] },
        Plan { advance: 0, steps: vec![t(0, Act::Deposit(2, 1, u128::MAX))] },
    ];
    use Status::*;
    let expected = vec![
        Ok,
        Ok,
        NotOperator,
        Ok,
        AssetExists,
        Ok,
        InsufficientFunds,
        Ok,
        CooldownActive,
        CooldownActive,
        Ok,
        Ok,
        Ok,
        AmountOverflow,
    ];
    assert_eq!(run(30, &plans).unwrap(), expected);
}

#[test]
fn the_comparison_notices_a_wrong_model() {
    // The harness must be able to fail: a model that forgets the fee disagrees at once.
    let g = genesis(30);
    let mut w = World::with_genesis(g.clone(), participant(0));
    let mut m = Model::new(&g);
    let tx = w.sign(&participant(3), action(&Act::Transfer(4, USD, 1_000)));
    w.apply(vec![tx]);
    m.fee_bps = 0;
    m.apply(&participant(3).id(), 0, &action(&Act::Transfer(4, USD, 1_000)), true, w.time);
    assert!(compare(&w, &m, 1).is_err());
}

#[test]
fn the_generator_reaches_every_modelled_status() {
    // The comparison is only as strong as the paths it walks: every status the model knows
    // must come up in a few generated histories.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeMap::<Status, usize>::new();
    for _ in 0..12 {
        let plans = prop::collection::vec(plan(), 60).new_tree(&mut runner).unwrap().current();
        for status in run(30, &plans).unwrap() {
            *seen.entry(status).or_default() += 1;
        }
    }
    for status in [
        Status::Ok,
        Status::LimitExceeded,
        Status::BadSignature,
        Status::BadNonce,
        Status::NotOperator,
        Status::AlreadyRegistered,
        Status::NotRegistered,
        Status::NotDeregistering,
        Status::CooldownActive,
        Status::UnknownAsset,
        Status::AssetExists,
        Status::ZeroAmount,
        Status::InsufficientFunds,
        Status::AmountOverflow,
    ] {
        assert!(seen.contains_key(&status), "{status} never came up: {seen:?}");
    }
    let total: usize = seen.values().sum();
    assert!(seen[&Status::Ok] * 4 >= total, "too few transactions apply: {seen:?}");
}
