//! One agent's wallet on a node: its key (kept in this process), the node's client, the proof
//! keys of the built-in kinds, and the one place transactions are signed and posted.

use crate::error::{McpError, WalletErrorKind, node_error};
use agora::{
    Action, AgentId, AgentKey, Completion, EncryptionKey, PostTask, ProofKeys, Receipt, Status, TaskId, TxBody, Witness,
};
use agora_api::ApiError;
use agora_client::Client;
use std::path::Path;
use tokio::sync::{Mutex, OnceCell};

/// The wallet. Transactions are sent one at a time (a lock around nonce, sign and post), so
/// two tool calls at once never reuse a nonce.
pub struct Wallet {
    key: AgentKey,
    client: Client,
    proof_keys: Option<ProofKeys>,
    encryption_key: Option<EncryptionKey>,
    genesis_hash: OnceCell<[u8; 32]>,
    sending: Mutex<()>,
}

impl Wallet {
    /// A wallet of `key` on the node at `node`, proving with the keys in `proof_keys` if given.
    pub fn new(node: &str, key: AgentKey, proof_keys: Option<&Path>) -> Result<Wallet, McpError> {
        let client = Client::new(node).map_err(|e| McpError::Node(e.to_string()))?;
        let proof_keys = proof_keys
            .map(|dir| ProofKeys::load(dir).map_err(|e| McpError::ProofKeys(format!("loading {}: {e}", dir.display()))))
            .transpose()?;
        Ok(Wallet {
            key,
            client,
            proof_keys,
            encryption_key: None,
            genesis_hash: OnceCell::new(),
            sending: Mutex::new(()),
        })
    }

    /// This wallet with an encryption key (fair exchange: registering it, decrypting outputs).
    pub fn with_encryption_key(self, key: EncryptionKey) -> Wallet {
        Wallet { encryption_key: Some(key), ..self }
    }

    /// The wallet's encryption key, or the tool error saying how to give one.
    pub fn encryption_key(&self) -> Result<&EncryptionKey, ApiError> {
        self.encryption_key.as_ref().ok_or_else(|| {
            WalletErrorKind::DecryptionFailed
                .error("no encryption key: start the server with --encryption-key FILE (from `agora key encryption`)")
        })
    }

    /// The agent.
    pub fn id(&self) -> AgentId {
        self.key.id()
    }

    /// The node's client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The genesis hash of the node's chain, asked once.
    pub async fn genesis_hash(&self) -> Result<[u8; 32], ApiError> {
        self.genesis_hash
            .get_or_try_init(|| async { self.client.genesis_hash().await.map_err(node_error) })
            .await
            .copied()
    }

    /// Signs `action` with the agent's next nonce and posts it; the receipt when it applied,
    /// else the error named by its status (the block committed, the transaction changed
    /// nothing) or by the node's refusal.
    pub async fn send(&self, action: Action) -> Result<Receipt, ApiError> {
        let genesis_hash = self.genesis_hash().await?;
        let _one_at_a_time = self.sending.lock().await;
        let nonce = self.client.next_nonce(&self.key.id()).await.map_err(node_error)?;
        let kind = action.name();
        let tx = TxBody { sender: self.key.id(), nonce, action }.sign(&self.key, &genesis_hash);
        let receipt = self.client.submit(&tx).await.map_err(node_error)?;
        if receipt.status != Status::Ok {
            return Err(ApiError::status(
                receipt.status,
                format!(
                    "{kind} committed at height {} (tx {}) but changed nothing: {}",
                    receipt.height,
                    hex::encode(receipt.tx_id),
                    receipt.status.name()
                ),
            ));
        }
        Ok(receipt)
    }

    /// Proves `witness` for `task` (whose offer the node returned) as this agent, off the async
    /// threads (a proof takes seconds of CPU).
    pub async fn prove(&self, task: TaskId, offer: PostTask, witness: Witness) -> Result<Completion, ApiError> {
        let Some(keys) = self.proof_keys.clone() else {
            return Err(WalletErrorKind::ProofFailed.error(
                "no proof keys: start the server with --keys DIR (or AGORA_KEYS) holding the kinds' proving keys",
            ));
        };
        let tip = self.client.tip().await.map_err(node_error)?;
        keys.check_kinds(&tip.genesis.kinds).map_err(|e| WalletErrorKind::ProofFailed.error(e.to_string()))?;
        let genesis_hash = self.genesis_hash().await?;
        let worker = self.key.id();
        let employer_key =
            self.client.sealed_task(task).await.map_err(node_error)?.map(|view| view.sealed.employer_key);
        tracing::info!(task = task.0, kind = offer.kind, "proving");
        let started = std::time::Instant::now();
        let proved = tokio::task::spawn_blocking(move || {
            agora::prove_offer(&keys, &genesis_hash, task, &offer, &worker, &witness, employer_key.as_ref())
        })
        .await
        .map_err(|e| WalletErrorKind::ProofFailed.error(format!("the prover stopped: {e}")))?
        .map_err(|e| WalletErrorKind::ProofFailed.error(e.to_string()));
        tracing::info!(task = task.0, ok = proved.is_ok(), millis = started.elapsed().as_millis() as u64, "proved");
        proved
    }
}
