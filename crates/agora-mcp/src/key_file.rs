//! The agent's key file, in the form `agora key new` prints: `{"did": "did:key:…", "secret":
//! "<hex>"}`. Read size-checked, strictly (unknown fields refused), and the did must be the
//! secret's own, so a file whose halves were mixed up is refused at start.

use crate::error::McpError;
use agora::AgentKey;
use serde::Deserialize;
use std::io::Read;
use std::path::Path;

/// Largest key file read, in bytes (the real form is under 200 bytes).
pub const MAX_KEY_FILE_BYTES: usize = 4 * 1024;

/// The key file's JSON form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    /// The agent's did:key.
    #[serde(deserialize_with = "agora::core::json::string_max::<_, 128>")]
    pub did: String,
    /// The Ed25519 secret key (hex).
    #[serde(deserialize_with = "agora::core::json::string_max::<_, 130>")]
    pub secret: String,
}

impl KeyFile {
    /// The key, after checking the did is the secret's.
    pub fn key(&self) -> Result<AgentKey, String> {
        let key = AgentKey::from_secret_hex(self.secret.trim()).map_err(|e| format!("secret: {e}"))?;
        if key.id().did() != self.did {
            return Err(format!("did {} is not the did of the secret ({})", self.did, key.id().did()));
        }
        Ok(key)
    }
}

/// Reads the key in `path`.
pub fn read_key_file(path: &Path) -> Result<AgentKey, McpError> {
    let fail = |message: String| McpError::KeyFile { path: path.display().to_string(), message };
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| fail(e.to_string()))?;
    let form: KeyFile = agora::core::json::from_slice_bounded(&bytes, "key file", MAX_KEY_FILE_BYTES)
        .map_err(|e| fail(format!("{e} (expected {{\"did\", \"secret\"}} as `agora key new` prints it)")))?;
    form.key().map_err(fail)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        file
    }

    #[test]
    fn reads_the_form_agora_key_new_prints() {
        let key = AgentKey::generate().unwrap();
        let text =
            serde_json::to_string_pretty(&serde_json::json!({"did": key.id().did(), "secret": key.secret_hex()}))
                .unwrap();
        let file = write(&text);
        assert_eq!(read_key_file(file.path()).unwrap().id(), key.id());
    }

    #[test]
    fn refuses_a_did_that_is_not_the_secrets_unknown_fields_and_oversized_files() {
        let [a, b] = [AgentKey::generate().unwrap(), AgentKey::generate().unwrap()];
        let mixed = write(&serde_json::json!({"did": a.id().did(), "secret": b.secret_hex()}).to_string());
        assert!(read_key_file(mixed.path()).unwrap_err().to_string().contains("is not the did"));
        let extra = write(&serde_json::json!({"did": a.id().did(), "secret": a.secret_hex(), "note": "x"}).to_string());
        assert!(read_key_file(extra.path()).unwrap_err().to_string().contains("unknown field"));
        let big = write(&" ".repeat(MAX_KEY_FILE_BYTES + 10));
        assert!(read_key_file(big.path()).unwrap_err().to_string().contains("above the limit"));
    }
}
