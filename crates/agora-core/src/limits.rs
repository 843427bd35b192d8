//! Named limits on every collection and every loop the state machine runs.

/// Maximum encoded size of one signed transaction.
pub const MAX_TX_BYTES: usize = 16 * 1024;
/// Maximum transactions in one block.
pub const MAX_TXS_PER_BLOCK: usize = 20_000;
/// Maximum bytes of a task title.
pub const MAX_TITLE_BYTES: usize = 200;
/// Maximum bytes of a task's requirements text.
pub const MAX_REQUIREMENTS_BYTES: usize = 4_096;
/// Maximum bytes of an asset symbol.
pub const MAX_SYMBOL_BYTES: usize = 16;
/// Maximum bytes of a chain id or a kind name.
pub const MAX_NAME_BYTES: usize = 64;
/// Maximum public parameters of a task kind.
pub const MAX_KIND_PARAMS: usize = 16;
/// Maximum payout splits on a task.
pub const MAX_SPLITS: usize = 16;
/// Basis points in a whole.
pub const BPS_DENOMINATOR: u16 = 10_000;
/// Maximum open bids on one task.
pub const MAX_BIDS_PER_TASK: u32 = 64;
/// Maximum open bids one agent may hold at once.
pub const MAX_OPEN_BIDS_PER_AGENT: u32 = 32;
/// Furthest ahead a delivery deadline may be set (one year).
pub const MAX_TASK_DURATION_SECS: u64 = 365 * 24 * 3600;
/// Maximum operators, assets, kinds and initial balances in a genesis.
pub const MAX_GENESIS_ITEMS: usize = 10_000;
/// Structural bound on any one variable-length field when decoding canonical bytes. Policy
/// limits (titles, params, proofs…) are enforced by the stateless check with `LimitExceeded`,
/// not by the decoder, so a stored block holding a rejected over-limit transaction still
/// decodes and replays.
pub const MAX_DECODE_FIELD_BYTES: usize = 1 << 24;
/// Evidence edges read when standing is recomputed: the window of the highest-evidence edges
/// (table `trust_rank`). Bounds the recompute, the one piece of work a block does besides its
/// transactions, to `MAX_TRUST_EDGES × TRUST_ITERATIONS` edge updates (docs/BENCHMARKS.md).
pub const MAX_TRUST_EDGES: usize = 1_000_000;
/// Highest interest a loan may carry, in basis points (100 %).
pub const MAX_LOAN_INTEREST_BPS: u16 = 10_000;
/// Furthest ahead a loan's due time may be set (one year).
pub const MAX_LOAN_DURATION_SECS: u64 = 365 * 24 * 3600;
/// Maximum sub-tasks one task may have.
pub const MAX_SUBTASKS_PER_TASK: usize = 16;
/// How long after a task's delivery deadline either party may still open a dispute on an
/// awarded task (seven days).
pub const DISPUTE_WINDOW_SECS: u64 = 7 * 24 * 3600;
/// Time a panel has to reach its quorum, counted from the moment it is drawn (three days).
pub const RULING_PERIOD_SECS: u64 = 3 * 24 * 3600;
/// Time the losing party has to appeal a first-round ruling (two days).
pub const APPEAL_WINDOW_SECS: u64 = 2 * 24 * 3600;
/// Longest a freeze lasts unless the operators renew it (thirty days).
pub const MAX_FREEZE_SECS: u64 = 30 * 24 * 3600;
/// Operator approvals of a freeze proposal must gather within this time (one day).
pub const FREEZE_PROPOSAL_TTL_SECS: u64 = 24 * 3600;
/// Capacity of the arbitrator sum tree: registered arbitrators at any one time (2^20). A draw
/// reads `log2` of it (20) tree nodes per attempt, however many arbitrators there are.
pub const MAX_ARBITRATORS: u32 = 1 << 20;
/// Draw attempts per panel seat: a panel of `n` is abandoned (`NotEnoughArbitrators`) after
/// `n × DRAW_ATTEMPTS_PER_SEAT` picks that landed on an ineligible or already chosen member.
pub const DRAW_ATTEMPTS_PER_SEAT: usize = 8;
/// Pending panel draws carried out at the start of one block (the rest wait for the next).
pub const MAX_DRAWS_PER_BLOCK: usize = 64;
/// Largest seed delay (`panel_seed_delay_blocks`) a genesis may configure.
pub const MAX_PANEL_SEED_DELAY_BLOCKS: u64 = 1_000;
/// Most agents the trusted set may hold (genesis list and later additions alike).
pub const MAX_TRUSTED: usize = MAX_GENESIS_ITEMS;
/// Operator approvals of a trusted-set change must gather within this time (one day, as freezes).
pub const TRUST_PROPOSAL_TTL_SECS: u64 = FREEZE_PROPOSAL_TTL_SECS;
/// Largest conferral share a genesis may set (parts per million, 80 %): a ring's total stays
/// within `1 / (1 − share)` = 5 × what honest employers conferred on it.
pub const MAX_CONFERRAL_SHARE_PPM: u64 = 800_000;
/// Largest first-round panel a genesis may configure (the appeal panel has `2 × quorum + 1`).
pub const MAX_PANEL_SIZE: u8 = 15;
/// Share of its score the losing party of a decided dispute loses (basis points).
pub const DISPUTE_REPUTATION_PENALTY_BPS: u16 = 2_000;
/// Standing of a newly registered arbitrator.
pub const ARBITRATOR_INITIAL_STANDING: u32 = 100;
/// Standing an arbitrator loses for each final ruling it voted against (or did not vote on).
pub const ARBITRATOR_STANDING_PENALTY: u32 = 10;
/// Standing an arbitrator gains for each final ruling it voted with.
pub const ARBITRATOR_STANDING_REWARD: u32 = 1;
/// Worker share (basis points) of the default ruling when a first-round panel misses its
/// deadline: an even split.
pub const DEFAULT_RULING_BPS: u16 = 5_000;
/// Ruling of a freeze case that lifts the freeze (any other accepted ruling, 0, upholds it).
pub const LIFT_FREEZE_BPS: u16 = 10_000;
/// Maximum bytes of an audit entry's data.
pub const MAX_AUDIT_DATA_BYTES: usize = 256;
/// Latest block time the chain accepts (2^62 s). With every duration the protocol adds to a
/// block time bounded by [`MAX_CONFIGURED_DURATION_SECS`], a sum of a block time and up to three
/// durations still fits a u64, so no deadline arithmetic can overflow or saturate.
pub const MAX_BLOCK_TIME: u64 = 1 << 62;
/// Largest duration a genesis may configure (bond cool-down, block-time step, half-life, epoch).
pub const MAX_CONFIGURED_DURATION_SECS: u64 = 1 << 62;
/// The development default of `Genesis::max_block_time_step_secs`: one hour.
pub const DEFAULT_MAX_BLOCK_TIME_STEP_SECS: u64 = 3_600;

/// Longest verifying key a kind registration or rotation may carry (a BN254 key with
/// `MAX_KIND_PARAMS` parameters is under 1,000 compressed bytes).
pub const MAX_KIND_VK_BYTES: usize = 2_048;
/// Longest description of a task kind.
pub const MAX_KIND_DESCRIPTION_BYTES: usize = 1_024;
/// Most task kinds a marketplace ever registers (genesis included).
pub const MAX_KINDS: u64 = 1_024;
/// Most verifying-key versions one kind ever has.
pub const MAX_KIND_VERSIONS: u16 = 1_024;
/// Seconds a kind change collects operator approvals before it lapses.
pub const KIND_PROPOSAL_TTL_SECS: u64 = FREEZE_PROPOSAL_TTL_SECS;
