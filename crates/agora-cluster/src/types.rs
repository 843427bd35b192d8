//! What the Raft log carries and what applying it answers.

use agora::core::{Reader, Writer, decode_seq, encode_seq};
use agora::{Receipt, SignedTx};
use serde::{Deserialize, Serialize};
use std::io::Cursor;

openraft::declare_raft_types!(
    /// The openraft type configuration of an Agora cluster: node ids are `u64`, a node is its
    /// [`Member`], snapshot data is the state export in memory.
    pub TypeConfig:
        D = BlockProposal,
        R = Applied,
        NodeId = u64,
        Node = Member,
        Entry = openraft::Entry<TypeConfig>,
        SnapshotData = Cursor<Vec<u8>>,
        AsyncRuntime = openraft::TokioRuntime,
);

/// The Raft instance of an Agora node.
pub type Raft = openraft::Raft<TypeConfig>;
/// A node id as the cluster config numbers it.
pub type NodeId = u64;

/// A member of the cluster as the Raft membership records it: where its HTTP server listens
/// and the did:key its requests are signed with. Replicated with the membership, so every node
/// knows the key of every member, including members added at runtime.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Base URL of the member's HTTP server (`http://127.0.0.1:7001`).
    pub url: String,
    /// The member's did:key.
    pub key: String,
}

impl std::fmt::Display for Member {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.url, self.key)
    }
}

/// One Raft entry's application data: the transactions of one block, in order, with the time
/// the leader proposed. The block itself (height, previous digest, time bounded by the tip) is
/// formed by each replica when the entry is applied, so every replica forms the same block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockProposal {
    /// The signed transactions in their canonical sequence encoding.
    #[serde(with = "hex::serde")]
    pub txs: Vec<u8>,
    /// The leader's clock when it proposed (seconds since the Unix epoch); replicas bound it by
    /// the tip (`Marketplace::bounded_block_time`).
    pub proposed_time: u64,
}

impl BlockProposal {
    /// The proposal of `txs` at `proposed_time`.
    pub fn new(txs: &[SignedTx], proposed_time: u64) -> BlockProposal {
        let mut w = Writer::new();
        encode_seq(&mut w, txs);
        BlockProposal { txs: w.into_bytes(), proposed_time }
    }

    /// The transactions, decoded with the block size limit.
    pub fn decode_txs(&self) -> Result<Vec<SignedTx>, agora::core::DecodeError> {
        let mut r = Reader::new(&self.txs);
        let txs = decode_seq(&mut r, agora::core::limits::MAX_TXS_PER_BLOCK)?;
        r.finish()?;
        Ok(txs)
    }
}

/// What applying one entry produced, handed to the proposer on the node that applied it (it
/// never travels between nodes, so only the height is serialised).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// Height of the block the entry became (0 for entries without a block).
    pub height: u64,
    /// The block's receipts, in transaction order.
    #[serde(skip)]
    pub receipts: Vec<Receipt>,
    /// Why the entry carried no block although it held transactions (a proposal that could not
    /// be decoded or a block the state machine refused as a whole), identically on every node.
    #[serde(skip)]
    pub refused: Option<String>,
}
