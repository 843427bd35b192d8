//! Decompressed public keys, kept so that a repeat signer costs no point decompression.
//!
//! Decompressing an Ed25519 key (a square root in the base field) is a tenth of a signature
//! check. Agents sign many transactions, so their keys are decompressed once and kept here:
//! bounded by [`MAX_CACHED_KEYS`], evicted first-in first-out (the oldest insertion goes first,
//! so the cache's contents are a function of the order keys were seen, never of a clock or a
//! random seed). The cache only saves work: every answer it gives is the one decompression
//! would give, so no verdict depends on what it holds.

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{OnceLock, RwLock};

/// Most keys the cache holds (each entry is about 400 bytes, so 26 MiB at the limit).
pub const MAX_CACHED_KEYS: usize = 65_536;

/// One public key, decompressed for both verification paths.
#[derive(Clone, Copy)]
pub(crate) struct DecodedKey {
    /// The key for single verification (ed25519-zebra, ZIP-215).
    pub(crate) single: ed25519_zebra::VerificationKey,
    /// The point `A`, for the batch equation.
    pub(crate) point: EdwardsPoint,
    /// True when the bytes may name an agent: canonical and not of small order (§1).
    pub(crate) agent_ok: bool,
}

impl DecodedKey {
    /// Decompresses `bytes` by the ZIP-215 rule (non-canonical encodings of points accepted);
    /// `None` when they are not a curve point.
    fn decode(bytes: &[u8; 32]) -> Option<DecodedKey> {
        let point = CompressedEdwardsY(*bytes).decompress()?;
        let single = ed25519_zebra::VerificationKey::try_from(*bytes).ok()?;
        let agent_ok = is_canonical_y(bytes) && !point.is_small_order();
        Some(DecodedKey { single, point, agent_ok })
    }
}

/// True when the 255-bit y coordinate encoded in `bytes` is below p = 2^255 − 19 (the sign bit
/// is ignored). The only non-canonical encodings are y + p for y < 19.
fn is_canonical_y(bytes: &[u8; 32]) -> bool {
    let top = bytes[31] & 0x7f;
    !(top == 0x7f && bytes[1..31].iter().all(|&b| b == 0xff) && bytes[0] >= 0xed)
}

/// A bounded map from public-key bytes to their decompressed form.
pub struct KeyCache {
    inner: RwLock<Entries>,
    decompressions: AtomicU64,
}

#[derive(Default)]
struct Entries {
    keys: BTreeMap<[u8; 32], Option<DecodedKey>>,
    order: VecDeque<[u8; 32]>,
}

impl KeyCache {
    /// An empty cache.
    pub fn new() -> KeyCache {
        KeyCache { inner: RwLock::new(Entries::default()), decompressions: AtomicU64::new(0) }
    }

    /// The process-wide cache every signature check uses.
    pub fn global() -> &'static KeyCache {
        static GLOBAL: OnceLock<KeyCache> = OnceLock::new();
        GLOBAL.get_or_init(KeyCache::new)
    }

    /// How many decompressions this cache has performed (misses), for tests and benchmarks.
    pub fn decompressions(&self) -> u64 {
        self.decompressions.load(Ordering::Relaxed)
    }

    /// How many keys it holds now.
    pub fn len(&self) -> usize {
        self.inner.read().map(|entries| entries.keys.len()).unwrap_or(0)
    }

    /// True when it holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The decompressed key for `bytes` (`None`: not a curve point), from the cache or freshly
    /// decompressed and remembered.
    pub(crate) fn get(&self, bytes: &[u8; 32]) -> Option<DecodedKey> {
        if let Ok(entries) = self.inner.read()
            && let Some(found) = entries.keys.get(bytes)
        {
            return *found;
        }
        let decoded = DecodedKey::decode(bytes);
        self.decompressions.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut entries) = self.inner.write()
            && !entries.keys.contains_key(bytes)
        {
            if entries.order.len() >= MAX_CACHED_KEYS
                && let Some(oldest) = entries.order.pop_front()
            {
                entries.keys.remove(&oldest);
            }
            entries.order.push_back(*bytes);
            entries.keys.insert(*bytes, decoded);
        }
        decoded
    }
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::new()
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache").field("len", &self.len()).field("decompressions", &self.decompressions()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_key_is_decompressed_once() {
        let cache = KeyCache::new();
        let key = crate::AgentKey::from_seed([5; 32]).id();
        for _ in 0..10 {
            assert!(cache.get(key.as_bytes()).is_some_and(|k| k.agent_ok));
        }
        assert_eq!(cache.decompressions(), 1);
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn the_oldest_key_is_evicted_first_when_the_cache_is_full() {
        let cache = KeyCache::new();
        let first = crate::AgentKey::from_seed([0; 32]).id();
        cache.get(first.as_bytes());
        {
            // Fill the rest with placeholders rather than decompressing 65,535 keys.
            let Ok(mut entries) = cache.inner.write() else { panic!("lock") };
            for i in 1..MAX_CACHED_KEYS as u64 {
                let mut bytes = [0u8; 32];
                bytes[..8].copy_from_slice(&i.to_le_bytes());
                bytes[31] = 0x40;
                entries.order.push_back(bytes);
                entries.keys.insert(bytes, None);
            }
        }
        assert_eq!(cache.len(), MAX_CACHED_KEYS);
        let newcomer = crate::AgentKey::from_seed([1; 32]).id();
        cache.get(newcomer.as_bytes());
        assert_eq!(cache.len(), MAX_CACHED_KEYS);
        let before = cache.decompressions();
        cache.get(newcomer.as_bytes());
        assert_eq!(cache.decompressions(), before, "the newcomer stays");
        cache.get(first.as_bytes());
        assert_eq!(cache.decompressions(), before + 1, "the first key was the one evicted");
    }

    #[test]
    fn non_canonical_and_small_order_keys_cannot_name_agents() {
        let cache = KeyCache::new();
        // y = 1 (the identity, order 1) and its non-canonical twin y = 1 + p.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut twin = [0xffu8; 32];
        twin[0] = 0xee;
        twin[31] = 0x7f;
        for bytes in [identity, twin] {
            let decoded = cache.get(&bytes);
            assert!(decoded.is_some_and(|k| !k.agent_ok), "{}", hex::encode(bytes));
        }
        let mut highest = [0xffu8; 32];
        highest[0] = 0xec;
        highest[31] = 0x7f;
        assert!(is_canonical_y(&highest), "p − 1 is canonical");
        highest[0] = 0xed;
        assert!(!is_canonical_y(&highest), "p is not");
    }
}
