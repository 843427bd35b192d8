//! Posting transactions: acknowledgements and the prepare step.

use agora::core::json::u64_string;
use agora::{Action, AgentId, Receipt, SignedTx, TxBody};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/txs/batch` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// Signed transactions, applied in this order (at most
    /// [`crate::limits::MAX_BATCH_TXS`]).
    #[serde(deserialize_with = "agora::core::json::vec_max::<_, _, { crate::limits::MAX_BATCH_TXS }>")]
    #[schema(value_type = Vec<Object>)]
    pub txs: Vec<SignedTx>,
}

/// The answer to a committed transaction: its receipt (status code and name, block height,
/// position, tx hash, what it created). HTTP 200 when the status is `Ok`, 409 otherwise (the
/// block was committed; this transaction changed nothing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TxAck {
    /// The receipt, as stored with the block.
    #[schema(value_type = Object)]
    pub receipt: Receipt,
}

/// The answer to `?wait=false`: the transaction is in the mempool (HTTP 202); follow it with
/// `GET /v1/txs/{hash}` or the event stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TxAccepted {
    /// The transaction hash (hex).
    #[serde(with = "crate::hex32")]
    #[schema(value_type = String)]
    pub tx_hash: [u8; 32],
}

/// The answer to a committed batch: one receipt per transaction, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchAck {
    /// Receipts in the order of the request.
    #[schema(value_type = Vec<Object>)]
    pub receipts: Vec<Receipt>,
}

/// The answer to a batch with `?wait=false` (HTTP 202).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchAccepted {
    /// Transaction hashes (hex) in the order of the request.
    #[schema(value_type = Vec<String>)]
    pub tx_hashes: Vec<HexDigest>,
}

/// A 32-byte hash as hex in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HexDigest(#[serde(with = "crate::hex32")] pub [u8; 32]);

/// `POST /v1/txs/prepare` body: an unsigned transaction. Without `nonce` the node fills in
/// the sender's next nonce as of the committed state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrepareRequest {
    /// The sender's did:key.
    #[schema(value_type = String)]
    pub sender: AgentId,
    /// The nonce (decimal string); default: the sender's next nonce.
    #[serde(default, with = "agora::core::json::opt_u64_string")]
    #[schema(value_type = Option<String>)]
    pub nonce: Option<u64>,
    /// The action, in the same form as in a signed transaction.
    #[schema(value_type = Object)]
    pub action: Action,
}

/// What to sign: sign the 32 bytes of `signing_digest` with the sender's Ed25519 key (as the
/// message, RFC 8032), then post `{sender, nonce, action, signature}` (the `body` fields plus
/// the hex signature) to `POST /v1/txs`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrepareResponse {
    /// The transaction body with its nonce filled in.
    #[schema(value_type = Object)]
    pub body: TxBody,
    /// The canonical encoding of the body (hex).
    pub canonical_body: String,
    /// The genesis hash the signature commits to (hex).
    pub genesis_hash: String,
    /// The bytes to sign (hex): blake3 derive-key `agora tx v1` over genesis hash ‖ canonical
    /// body.
    pub signing_digest: String,
    /// The nonce used (decimal string), for convenience.
    #[serde(with = "u64_string")]
    #[schema(value_type = String)]
    pub nonce: u64,
}

impl PrepareResponse {
    /// The signed transaction from the body and a 64-byte signature over `signing_digest`.
    pub fn signed(&self, signature: [u8; 64]) -> SignedTx {
        SignedTx { body: self.body.clone(), signature: agora::identity::Signature::from_bytes(signature) }
    }
}
