//! Blocks, receipts and the digest chain.

use crate::encoding::{Canonical, DecodeError, Reader, Writer, decode_seq, encode_seq};
use crate::ids::{AssetId, Digest, TaskId};
use crate::limits::MAX_TXS_PER_BLOCK;
use crate::loans::LoanId;
use crate::status::Status;
use crate::tx::SignedTx;
use serde::{Deserialize, Serialize};

/// Domain of block hashes.
pub const BLOCK_HASH_DOMAIN: &str = "agora block v1";
/// Domain of the chained state digest.
pub const DIGEST_DOMAIN: &str = "agora digest v1";

/// What a block commits to besides its transactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockHeader {
    /// 1 for the first block after genesis, then +1.
    #[serde(with = "crate::json::u64_string")]
    pub height: u64,
    /// Block time in seconds, chosen by the block's producer; never earlier than the previous
    /// block's. The only clock the state machine knows.
    #[serde(with = "crate::json::u64_string")]
    pub time: u64,
    /// The digest after the previous block (the genesis hash for height 1).
    #[serde(with = "crate::hexbytes::serde32")]
    pub prev_digest: Digest,
}

/// A batch of transactions applied atomically.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// Header.
    pub header: BlockHeader,
    /// Transactions, applied in order.
    #[serde(deserialize_with = "crate::json::vec_max::<_, _, { crate::limits::MAX_TXS_PER_BLOCK }>")]
    pub txs: Vec<SignedTx>,
}

/// Something a successful transaction created, so its sender can refer to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Created {
    /// Nothing new.
    Nothing,
    /// A task with this id.
    Task(TaskId),
    /// An asset with this id.
    Asset(AssetId),
    /// A loan with this id (encoded with tag 20).
    Loan(LoanId),
    /// A dispute case with this id.
    Case(crate::cases::CaseId),
}

/// The result of one transaction in a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Block height.
    #[serde(with = "crate::json::u64_string")]
    pub height: u64,
    /// Position in the block.
    pub index: u32,
    /// Transaction id.
    #[serde(with = "crate::hexbytes::serde32")]
    pub tx_id: Digest,
    /// Status.
    pub status: Status,
    /// Numeric status code (same as `status`, for clients that prefer numbers).
    pub code: u16,
    /// What the transaction created.
    pub created: Created,
}

/// Where the chain stands: what the next block must follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainTip {
    /// Height of the last applied block (0 = only genesis).
    #[serde(with = "crate::json::u64_string")]
    pub height: u64,
    /// Its time (the genesis time at height 0).
    #[serde(with = "crate::json::u64_string")]
    pub time: u64,
    /// Its digest (the genesis hash at height 0).
    #[serde(with = "crate::hexbytes::serde32")]
    pub digest: Digest,
}

impl Block {
    /// The block hash: blake3 over the canonical header and transactions.
    pub fn hash(&self) -> Digest {
        blake3::derive_key(BLOCK_HASH_DOMAIN, &self.to_canonical_bytes())
    }
}

/// The digest after a block: blake3 over the previous digest, the block hash, the receipts and
/// the state diff, all canonical. Same blocks in ⇒ same digest out, on any machine.
pub fn chain_digest(prev: &Digest, block_hash: &Digest, receipts: &[Receipt], diff_bytes: &[u8]) -> Digest {
    let mut w = Writer::new();
    w.fixed(prev);
    w.fixed(block_hash);
    encode_seq(&mut w, receipts);
    w.var_bytes(diff_bytes);
    blake3::derive_key(DIGEST_DOMAIN, &w.into_bytes())
}

impl Canonical for BlockHeader {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.height);
        w.u64(self.time);
        w.fixed(&self.prev_digest);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(BlockHeader { height: r.u64()?, time: r.u64()?, prev_digest: r.fixed()? })
    }
}

impl Canonical for Block {
    fn encode(&self, w: &mut Writer) {
        self.header.encode(w);
        encode_seq(w, &self.txs);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Block { header: BlockHeader::decode(r)?, txs: decode_seq(r, MAX_TXS_PER_BLOCK)? })
    }
}

impl Canonical for Created {
    fn encode(&self, w: &mut Writer) {
        match self {
            Created::Nothing => w.u8(0),
            Created::Task(id) => {
                w.u8(1);
                w.u64(id.0);
            }
            Created::Asset(id) => {
                w.u8(2);
                w.u32(id.0);
            }
            Created::Loan(id) => {
                w.u8(20);
                w.u64(id.0);
            }
            Created::Case(id) => {
                w.u8(30);
                w.u64(id.0);
            }
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match r.u8()? {
            0 => Created::Nothing,
            1 => Created::Task(TaskId(r.u64()?)),
            2 => Created::Asset(AssetId(r.u32()?)),
            20 => Created::Loan(LoanId(r.u64()?)),
            30 => Created::Case(crate::cases::CaseId(r.u64()?)),
            tag => return Err(DecodeError::UnknownTag { what: "created", tag }),
        })
    }
}

impl Canonical for Receipt {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.height);
        w.u32(self.index);
        w.fixed(&self.tx_id);
        w.u16(self.status.code());
        self.created.encode(w);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let height = r.u64()?;
        let index = r.u32()?;
        let tx_id = r.fixed()?;
        let code = r.u16()?;
        let status = Status::from_code(code).ok_or(DecodeError::Invalid("status code"))?;
        Ok(Receipt { height, index, tx_id, status, code, created: Created::decode(r)? })
    }
}

impl Canonical for ChainTip {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.height);
        w.u64(self.time);
        w.fixed(&self.digest);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(ChainTip { height: r.u64()?, time: r.u64()?, digest: r.fixed()? })
    }
}
