//! The npm tools pinned in the repository's package.json / package-lock.json, installed with
//! `npm ci` once per checkout (a marker in node_modules records the lockfile it was installed
//! from; a lock file in the target directory keeps parallel test processes from racing).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Oldest Node major version the tools support.
pub const MIN_NODE_MAJOR: u32 = 20;
/// Longest wait for another process's `npm ci` to finish.
const INSTALL_WAIT: Duration = Duration::from_secs(600);
const MARKER: &str = ".agora-npm-ci-lock";

/// The repository root (where package.json lives).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn version_of(tool: &str) -> Option<String> {
    let out = Command::new(tool).arg("--version").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn missing(what: &str) -> ! {
    panic!(
        "{what}: the interoperability tests check Agora's proofs with the real snarkjs and drive `agora mcp` \
         with the official MCP SDK, both from npm. \
         Install Node.js >= {MIN_NODE_MAJOR} and npm (e.g. `apt-get install nodejs npm`, or from nodejs.org), \
         then run the tests again; they install the pinned packages themselves with `npm ci`."
    )
}

fn check_node() {
    let Some(node) = version_of("node") else { missing("node was not found") };
    let major: u32 = node.trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < MIN_NODE_MAJOR {
        missing(&format!("node {node} is too old"));
    }
    if version_of("npm").is_none() {
        missing("npm was not found");
    }
}

fn install(root: &Path) {
    let lockfile = std::fs::read(root.join("package-lock.json")).unwrap();
    let marker = root.join("node_modules").join(MARKER);
    if std::fs::read(&marker).ok().as_deref() == Some(&lockfile[..]) {
        return;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    std::fs::create_dir_all(&target).unwrap();
    let lock = target.join("npm-ci.lock");
    let started = Instant::now();
    loop {
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&lock) {
            Ok(_) => break,
            Err(_) if started.elapsed() < INSTALL_WAIT => {
                std::thread::sleep(Duration::from_millis(500));
                if std::fs::read(&marker).ok().as_deref() == Some(&lockfile[..]) {
                    return;
                }
            }
            Err(e) => {
                panic!("{} held for over {INSTALL_WAIT:?} ({e}); remove it if no test is running", lock.display())
            }
        }
    }
    let result = Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(root).output();
    let done = match &result {
        Ok(out) if out.status.success() => std::fs::write(&marker, &lockfile).map_err(|e| e.to_string()),
        Ok(out) => Err(format!("npm ci failed: {}", String::from_utf8_lossy(&out.stderr))),
        Err(e) => Err(format!("npm ci could not run: {e}")),
    };
    let _ = std::fs::remove_file(&lock);
    if let Err(e) = done {
        panic!("{e}");
    }
}

/// Makes sure node, npm and the pinned packages are installed; returns the repository root.
pub fn tools() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        check_node();
        let root = repo_root();
        install(&root);
        root
    })
}

/// Runs `snarkjs ARGS…` from the installed packages.
pub fn snarkjs(args: &[&str]) -> std::process::Output {
    let root = tools();
    Command::new("node")
        .arg(root.join("node_modules/snarkjs/build/cli.cjs"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap()
}
