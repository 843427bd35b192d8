//! Every JSON form writes u64/u128 values as decimal strings, never as JSON numbers, and reads
//! back to the same value. Type-based: a JSON formatter that refuses to write any integer wider
//! than 32 bits (or any float), so a form added later with a bare u64 field fails here whatever
//! its value.

use agora::{Block, BlockHeader, Genesis, SignedTx};
use agora_tests::{World, key, one_of_every_action};
use serde::Serialize;
use serde_json::ser::Formatter;
use std::io;

struct NoWideNumbers;

fn refuse(what: &str) -> io::Error {
    io::Error::other(format!("a {what} was written as a JSON number: u64/u128 values must be decimal strings"))
}

impl Formatter for NoWideNumbers {
    fn write_i64<W: ?Sized + io::Write>(&mut self, _: &mut W, _: i64) -> io::Result<()> {
        Err(refuse("i64"))
    }
    fn write_u64<W: ?Sized + io::Write>(&mut self, _: &mut W, _: u64) -> io::Result<()> {
        Err(refuse("u64"))
    }
    fn write_i128<W: ?Sized + io::Write>(&mut self, _: &mut W, _: i128) -> io::Result<()> {
        Err(refuse("i128"))
    }
    fn write_u128<W: ?Sized + io::Write>(&mut self, _: &mut W, _: u128) -> io::Result<()> {
        Err(refuse("u128"))
    }
    fn write_f64<W: ?Sized + io::Write>(&mut self, _: &mut W, _: f64) -> io::Result<()> {
        Err(refuse("float"))
    }
}

/// Serialises with the strict formatter, then checks no number in the value exceeds u32.
fn strict_json<T: Serialize>(value: &T, what: &str) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, NoWideNumbers);
    if let Err(e) = value.serialize(&mut ser) {
        panic!("{what}: {e}");
    }
    let text = String::from_utf8(out).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    check_numbers(&parsed, what);
    text
}

fn check_numbers(value: &serde_json::Value, what: &str) {
    match value {
        serde_json::Value::Number(n) => {
            assert!(n.as_u64().is_some_and(|v| v <= u64::from(u32::MAX)), "{what}: number {n} above u32 range")
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| check_numbers(v, what)),
        serde_json::Value::Object(map) => map.values().for_each(|v| check_numbers(v, what)),
        _ => {}
    }
}

#[test]
fn every_form_writes_wide_integers_as_decimal_strings_and_reads_back() {
    let mut world = World::new();
    let alice = key(1);
    let txs: Vec<SignedTx> = one_of_every_action().into_iter().map(|a| world.sign(&alice, a)).collect();
    for tx in &txs {
        let text = strict_json(tx, tx.body.action.name());
        let back: SignedTx = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", tx.body.action.name()));
        assert_eq!(&back, tx);
    }
    let genesis = world.config.genesis.clone();
    let text = strict_json(&genesis, "genesis");
    assert_eq!(serde_json::from_str::<Genesis>(&text).unwrap(), genesis);
    let block =
        Block { header: BlockHeader { height: u64::MAX, time: u64::MAX, prev_digest: [1; 32] }, txs: txs.clone() };
    let text = strict_json(&block, "block");
    assert_eq!(serde_json::from_str::<Block>(&text).unwrap(), block);

    world.fund(alice.id(), 1_000_000_000);
    world.register(&alice, 0);
    let receipts = world.apply(txs);
    strict_json(&receipts, "receipts");
    strict_json(&world.account(&alice.id()), "account record");
    strict_json(&world.tip, "chain tip");
}
