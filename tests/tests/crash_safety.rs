//! Crash safety: a writer process commits durable blocks and reports each committed height; it
//! is killed with SIGKILL at random moments (often in the middle of a commit). After every kill
//! the database must open (redb repairs it), hold every block the writer reported with the
//! digest it reported, replay to the same digests, and conserve funds. The writer then carries
//! on from wherever the database stands.
//!
//! 20 kills by default; `AGORA_FULL=1` for 200. `AGORA_CRASH_SEED` picks the kill schedule.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora::Marketplace;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const WRITER: &str = env!("CARGO_BIN_EXE_agora-crash-writer");
/// Blocks a writer would commit if nobody killed it (it always is killed first).
const MAX_BLOCKS: &str = "100000";
/// Transfers per block (plus one deposit).
const TXS_PER_BLOCK: &str = "24";

/// xorshift64*: a tiny deterministic generator for the kill schedule.
struct Schedule(u64);

impl Schedule {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound.max(1)
    }
}

fn kills() -> usize {
    if std::env::var("AGORA_FULL").is_ok_and(|v| v == "1") { 200 } else { 20 }
}

fn spawn_writer(db: &Path) -> Child {
    Command::new(WRITER)
        .arg(db)
        .args([MAX_BLOCKS, TXS_PER_BLOCK])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("writer starts")
}

/// One reported commit: height and digest.
fn parse(line: &str) -> (u64, [u8; 32]) {
    let (height, digest) = line.split_once(' ').unwrap_or_else(|| panic!("bad writer line {line:?}"));
    let bytes = hex::decode(digest).expect("digest hex");
    (height.parse().expect("height"), bytes.try_into().expect("32-byte digest"))
}

#[test]
fn a_killed_writer_never_loses_a_reported_block_and_the_database_stays_consistent() {
    let seed: u64 = std::env::var("AGORA_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x00c0_ffee_2026);
    eprintln!("crash schedule seed {seed} (set AGORA_CRASH_SEED to repeat)");
    let mut schedule = Schedule(seed | 1);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.redb");
    let created = Command::new(WRITER).arg(&db).arg("create").output().unwrap();
    assert!(created.status.success(), "create: {}", String::from_utf8_lossy(&created.stderr));

    let mut reported: Vec<(u64, [u8; 32])> = Vec::new();
    let mut killed_mid_run = 0;
    let mut replayed_blocks = 0;
    for round in 0..kills() {
        let mut child = spawn_writer(&db);
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        // Let it commit a few blocks (possibly none), then kill it at a random moment: while
        // opening, between commits, or in the middle of one.
        let wait_for = schedule.next(4);
        let mut line = String::new();
        for _ in 0..wait_for {
            line.clear();
            if stdout.read_line(&mut line).unwrap() == 0 {
                break;
            }
            reported.push(parse(line.trim_end()));
        }
        std::thread::sleep(Duration::from_micros(schedule.next(12_000)));
        let was_running = child.try_wait().unwrap().is_none();
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        if was_running {
            killed_mid_run += 1;
        } else {
            let mut stderr = String::new();
            child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
            assert!(status.success(), "round {round}: writer failed on its own: {stderr}");
        }
        // Whatever it printed before dying was committed.
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        reported.extend(rest.lines().map(parse));

        let market = Marketplace::open(&db)
            .unwrap_or_else(|e| panic!("round {round}: database does not open after SIGKILL: {e}"));
        let tip = market.tip();
        let highest = reported.iter().map(|(h, _)| *h).max().unwrap_or(0);
        assert!(tip.height >= highest, "round {round}: tip {} is below reported height {highest}", tip.height);
        for (height, digest) in &reported {
            assert!(market.block(*height).unwrap().is_some(), "round {round}: reported block {height} is missing");
            assert!(market.receipts(*height).unwrap().is_some(), "round {round}: receipts of {height} are missing");
            assert_eq!(market.digest_at(*height).unwrap().as_ref(), Some(digest), "round {round}: digest of {height}");
        }
        assert!(market.block(tip.height + 1).unwrap().is_none(), "round {round}: a block beyond the tip is stored");
        let report = market.replay(dir.path().join(format!("replay-{round}.redb"))).unwrap();
        assert!(report.matches(), "round {round}: replay diverges: {report:?}");
        assert_eq!(report.blocks, tip.height);
        assert_eq!(report.digest, tip.digest);
        for totals in market.asset_totals().unwrap() {
            assert!(totals.conserved(), "round {round}: funds not conserved: {totals:?}");
        }
        std::fs::remove_file(dir.path().join(format!("replay-{round}.redb"))).unwrap();
        replayed_blocks = tip.height;
    }
    eprintln!(
        "{} kills, {killed_mid_run} while running, {} commits reported, {replayed_blocks} blocks at the end",
        kills(),
        reported.len()
    );
    // The schedule must actually have exercised something.
    assert!(killed_mid_run > 0, "the writer was never killed while running");
    assert!(!reported.is_empty(), "the writer never reported a commit");
}
