//! Limits of what members send each other.

/// Largest body of an internal Raft request (an append of at most `MAX_ENTRIES_PER_APPEND`
/// blocks, or one snapshot chunk), checked before it is decoded.
pub const MAX_RAFT_RPC_BYTES: usize = 128 * 1024 * 1024;
/// Most entries one append carries.
pub const MAX_ENTRIES_PER_APPEND: u64 = 16;
/// Largest clock difference between two members that a signed request tolerates, in seconds.
pub const MAX_CLOCK_SKEW_SECS: u64 = 30;
/// Most proposals a leader has in flight at once.
pub const MAX_PROPOSALS_IN_FLIGHT: usize = 8;
