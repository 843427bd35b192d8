//! Starting and stopping the real `agora serve` (and `agora mcp --http`) binary from tests: ephemeral loopback ports,
//! bounded waits, and the process always stopped by the test (or by `Drop`).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::zombie_processes)]

use agora::core::InitialBalance;
use agora::{AgentKey, Genesis, Marketplace};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Longest a node may take to start listening.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest a node may take to stop after SIGTERM.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(60);

/// True when the large scenarios should run at full size.
pub fn full() -> bool {
    std::env::var("AGORA_FULL").is_ok_and(|v| v == "1")
}

/// A running `agora` process (`serve`, or `mcp --http`) whose stderr log is read line by line.
pub struct NodeProcess {
    pub child: Child,
    pub url: String,
    pub lines: mpsc::Receiver<String>,
}

/// Runs `agora --db DB ARGS…` to completion.
pub fn agora(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agora")).arg("--db").arg(db).args(args).output().unwrap()
}

/// Spawns `command` (stdout discarded, stderr read line by line) and waits, at most
/// `START_TIMEOUT`, for the log line containing `ready`; returns the process with the value of
/// that line's `field=` word as its url.
pub fn spawn_until_logged(mut command: Command, ready: &str, field: &str) -> NodeProcess {
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let prefix = format!("{field}=");
    let deadline = Instant::now() + START_TIMEOUT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = lines.recv_timeout(left) else {
            let _ = child.kill();
            let tail = seen[seen.len().saturating_sub(20)..].join("\n");
            panic!("no {ready:?} log line within {START_TIMEOUT:?}; the process said:\n{tail}");
        };
        seen.push(line.clone());
        if line.contains(ready)
            && let Some(value) = line.split_whitespace().find_map(|w| w.strip_prefix(prefix.as_str()))
        {
            return NodeProcess { child, url: value.to_string(), lines };
        }
    }
}

/// Starts `agora --db DB serve --listen 127.0.0.1:0 EXTRA…` and waits for its listen line.
pub fn start(db: &Path, extra: &[&str]) -> NodeProcess {
    let mut command = Command::new(env!("CARGO_BIN_EXE_agora"));
    command.arg("--db").arg(db).args(["serve", "--listen", "127.0.0.1:0"]).args(extra);
    let mut node = spawn_until_logged(command, "agora node listening", "listen");
    node.url = format!("http://{}", node.url);
    node
}

impl NodeProcess {
    /// SIGTERM, then waits (bounded) for the exit status.
    pub fn terminate(&mut self) -> ExitStatus {
        let status = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().unwrap();
        assert!(status.success(), "kill -TERM failed");
        self.wait_exit()
    }

    /// SIGKILL, then waits for the exit.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("agora did not exit within {STOP_TIMEOUT:?} of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Log lines received so far.
    pub fn drain_lines(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A development genesis whose operator is `operator`, funding each of `funded` with `amount`
/// USD, created at `path` (the database is closed again on return).
pub fn create_db(path: &Path, operator: &AgentKey, funded: &[AgentKey], amount: u128) -> Genesis {
    let mut genesis = Genesis::development(operator.id(), now_secs());
    genesis.balances =
        funded.iter().map(|k| InitialBalance { agent: k.id(), asset: "USD".to_string(), amount }).collect();
    drop(Marketplace::create(path, genesis.clone()).unwrap());
    genesis
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// `n` fresh keys.
pub fn keys(n: usize) -> Vec<AgentKey> {
    (0..n).map(|_| AgentKey::generate().unwrap()).collect()
}

/// A database path inside `dir`.
pub fn db_in(dir: &Path) -> PathBuf {
    dir.join("node.redb")
}

/// Checks every acknowledged receipt is at its place in the database, and that replaying the
/// stored blocks reproduces the recorded digest (with the proof keys of `<db>.keys` when that
/// directory exists, so a chain with proof-gated completions replays too); returns the tip
/// height.
pub fn check_acked_and_replay(db: &Path, acked: &[agora::Receipt]) -> u64 {
    let mut keys_dir = db.as_os_str().to_owned();
    keys_dir.push(".keys");
    let keys_dir = PathBuf::from(keys_dir);
    let market = if keys_dir.is_dir() {
        Marketplace::open_with_keys(db, &agora::ProofKeys::load(&keys_dir).unwrap()).unwrap()
    } else {
        Marketplace::open(db).unwrap()
    };
    for receipt in acked {
        let stored = market
            .receipts(receipt.height)
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged block {} is missing", receipt.height));
        assert_eq!(stored.get(receipt.index as usize), Some(receipt), "acknowledged receipt differs or is missing");
    }
    let scratch = tempfile::tempdir().unwrap();
    let report = market.replay(scratch.path().join("replay.redb")).unwrap();
    assert!(report.matches(), "replay digest differs from the recorded one");
    assert_eq!(report.digest, market.tip().digest);
    market.tip().height
}
