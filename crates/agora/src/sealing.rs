//! Fair exchange for integrators: an agent's encryption key (generated from OS randomness,
//! stored as a JSON key file), its registration transaction, and the employer's decryption of a
//! settled fair-exchange task.

use crate::error::Error;
use crate::marketplace::Marketplace;
use agora_circuits::babyjubjub::{SECRET_KEY_BYTES, SecretKey};
use agora_core::{
    Action, AgentId, CurvePoint, Digest, FieldBytes, SealedTaskRecord, TaskId, TaskRecord, possession_message,
};
use agora_zk::Opened;
use agora_zk::sealing::{curve_point, prove_possession};
use serde::{Deserialize, Serialize};

/// The largest encryption key file read (a few hundred bytes in practice), checked before
/// parsing.
pub const MAX_ENCRYPTION_KEY_FILE_BYTES: usize = 4 * 1024;

/// An agent's BabyJubJub encryption key: the secret fair-exchange outputs are sealed to.
///
/// `Debug` does not print the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionKey {
    secret: SecretKey,
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptionKey").field("public", &self.public()).finish_non_exhaustive()
    }
}

/// The JSON form of an encryption key file: the public point and the secret scalar (64 hex
/// digits, little-endian).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncryptionKeyFile {
    /// The public key (what is registered).
    pub encryption_key: CurvePoint,
    /// The secret scalar, hex.
    pub secret: String,
}

impl EncryptionKey {
    /// A fresh key from operating-system randomness.
    pub fn generate() -> Result<EncryptionKey, Error> {
        loop {
            let mut bytes = [0u8; SECRET_KEY_BYTES];
            getrandom::fill(&mut bytes).map_err(|e| Error::Proof(format!("operating-system randomness: {e}")))?;
            if let Ok(secret) = SecretKey::from_bytes(&bytes) {
                return Ok(EncryptionKey { secret });
            }
        }
    }

    /// The key with these secret bytes (reduced modulo the subgroup order; zero refused).
    /// **Tests and key files**: fresh keys come from [`EncryptionKey::generate`].
    pub fn from_secret_bytes(bytes: &[u8; SECRET_KEY_BYTES]) -> Result<EncryptionKey, Error> {
        SecretKey::from_bytes(bytes).map(|secret| EncryptionKey { secret }).map_err(|e| Error::Proof(e.to_string()))
    }

    /// The public key.
    pub fn public(&self) -> CurvePoint {
        curve_point(&self.secret.public_key())
    }

    /// The secret scalar (for the circuits' functions).
    pub fn secret(&self) -> &SecretKey {
        &self.secret
    }

    /// The key file's JSON form.
    pub fn to_file(&self) -> EncryptionKeyFile {
        EncryptionKeyFile { encryption_key: self.public(), secret: hex::encode(self.secret.to_bytes()) }
    }

    /// Reads a key file's JSON form, checking the secret's encoding and that the public key in
    /// the file is the secret's.
    pub fn from_file(file: &EncryptionKeyFile) -> Result<EncryptionKey, Error> {
        let raw = hex::decode(&file.secret).map_err(|e| Error::Proof(format!("encryption key secret: {e}")))?;
        let bytes: [u8; SECRET_KEY_BYTES] =
            raw.try_into().map_err(|_| Error::Proof("encryption key secret: not 32 bytes".into()))?;
        let key = Self::from_secret_bytes(&bytes)?;
        if key.secret.to_bytes() != bytes || key.public() != file.encryption_key {
            return Err(Error::Proof("encryption key file: the public key is not the secret's".into()));
        }
        Ok(key)
    }

    /// Parses a key file (strict JSON, size-limited).
    pub fn from_json(text: &str) -> Result<EncryptionKey, Error> {
        let file: EncryptionKeyFile =
            agora_core::json::from_slice_bounded(text.as_bytes(), "encryption key file", MAX_ENCRYPTION_KEY_FILE_BYTES)
                .map_err(|e| Error::Proof(e.to_string()))?;
        Self::from_file(&file)
    }

    /// The `RegisterEncryptionKey` action `agent` signs on the marketplace with `genesis_hash`:
    /// the key and its proof of possession over the registration message.
    pub fn registration(&self, genesis_hash: &Digest, agent: &AgentId) -> Action {
        let key = self.public();
        let possession = prove_possession(&self.secret, &possession_message(genesis_hash, agent, &key));
        Action::RegisterEncryptionKey { key, possession }
    }

    /// Decrypts the settled output of a fair-exchange `task` (its record and its sealed part)
    /// and checks it against the task's output commitment.
    pub fn open(&self, task: &TaskRecord, sealed: &SealedTaskRecord) -> Result<Opened, Error> {
        self.open_parts(task.offer.kind, task.output_commitment, sealed)
    }

    /// [`EncryptionKey::open`] from the parts a node returns: the task's kind, its output
    /// commitment and its sealed record.
    pub fn open_parts(
        &self,
        kind: u16,
        output_commitment: Option<FieldBytes>,
        sealed: &SealedTaskRecord,
    ) -> Result<Opened, Error> {
        let id = sealed.task;
        if sealed.employer_key != self.public() {
            return Err(Error::Proof(format!("task {id} was sealed to another encryption key")));
        }
        let delivery =
            sealed.delivery.as_ref().ok_or_else(|| Error::Proof(format!("task {id} has no sealed output yet")))?;
        let commitment =
            output_commitment.ok_or_else(|| Error::Proof(format!("task {id} has no output commitment")))?;
        agora_zk::open_sealed(kind, &self.secret, delivery, &commitment)
            .map_err(|e| Error::Proof(format!("task {id}: {e}")))
    }
}

impl Marketplace {
    /// The employer's side of a settled fair-exchange task: decrypts its sealed output with
    /// `key` and checks it against the output commitment.
    pub fn open_sealed_output(&self, task: TaskId, key: &EncryptionKey) -> Result<Opened, Error> {
        let record = self.task(task)?.ok_or_else(|| Error::Proof(format!("no task {task}")))?;
        let sealed =
            self.sealed_task(task)?.ok_or_else(|| Error::Proof(format!("task {task} is not a fair-exchange task")))?;
        key.open(&record, &sealed)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn key_files_round_trip_and_a_mismatched_public_key_is_refused() {
        let key = EncryptionKey::generate().unwrap();
        let text = serde_json::to_string(&key.to_file()).unwrap();
        assert_eq!(EncryptionKey::from_json(&text).unwrap(), key);
        let mut file = key.to_file();
        file.encryption_key = EncryptionKey::generate().unwrap().public();
        assert!(EncryptionKey::from_file(&file).is_err());
        assert!(EncryptionKey::from_json(&text.replace("\"secret\"", "\"extra\":1,\"secret\"")).is_err());
        assert!(!format!("{key:?}").contains(&key.to_file().secret));
    }
}
