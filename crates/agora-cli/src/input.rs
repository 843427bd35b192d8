//! Reading files and stdin from outside: the size is checked before anything is read whole.

use anyhow::{Context, bail};
use std::io::Read;
use std::path::Path;

/// Largest `agora submit` input (file or stdin), in bytes.
pub const MAX_SUBMIT_INPUT_BYTES: u64 = 256 << 20;
/// Largest signed transaction JSON line, in bytes (a canonical transaction is at most
/// `MAX_TX_BYTES` = 16 KiB; hex and key names at most quadruple it).
pub const MAX_TX_JSON_BYTES: usize = 64 * 1024;
/// Largest genesis JSON file, in bytes.
pub const MAX_GENESIS_JSON_BYTES: u64 = 16 << 20;
/// Largest witness (task data) JSON file, in bytes.
pub const MAX_WITNESS_JSON_BYTES: u64 = 64 * 1024;
/// Largest `--sealed` sealed output accepted (16 ciphertext elements and a point are about
/// 1.3 KiB of JSON).
pub const MAX_SEALED_JSON_BYTES: usize = 4 * 1024;
/// Largest imported key file (a proving key), in bytes.
pub const MAX_KEY_FILE_BYTES: u64 = 256 << 20;

/// Reads `path` as bytes if its size is at most `max`, naming `what` and the limit otherwise.
pub fn read_bounded(path: &Path, what: &str, max: u64) -> anyhow::Result<Vec<u8>> {
    let len = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?.len();
    if len > max {
        bail!("{what} {} is {len} bytes, above the limit of {max} bytes", path.display());
    }
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut buf))
        .with_context(|| format!("reading {}", path.display()))?;
    if buf.len() as u64 > max {
        bail!("{what} {} grew above the limit of {max} bytes while being read", path.display());
    }
    Ok(buf)
}

/// [`read_bounded`] as UTF-8 text.
pub fn read_text_bounded(path: &Path, what: &str, max: u64) -> anyhow::Result<String> {
    String::from_utf8(read_bounded(path, what, max)?).with_context(|| format!("{what} {} is not UTF-8", path.display()))
}

/// Reads stdin up to `max` bytes; more is an error.
pub fn read_stdin_bounded(what: &str, max: u64) -> anyhow::Result<String> {
    let mut buf = Vec::new();
    std::io::stdin().take(max + 1).read_to_end(&mut buf).context("reading stdin")?;
    if buf.len() as u64 > max {
        bail!("{what} on stdin is above the limit of {max} bytes");
    }
    String::from_utf8(buf).context("stdin is not UTF-8")
}
