//! The native stream cipher: ECDH on BabyJubJub, then Poseidon in counter mode over `Fr`.
//!
//! * `key = poseidon(KEY_DOMAIN, S.x, S.y)` with `S` the Diffie–Hellman point;
//! * `keystream_i = poseidon(STREAM_DOMAIN, key, i)` for `i = 0, 1, …`;
//! * `c_i = m_i + keystream_i` (field addition), `m_i = c_i − keystream_i`;
//! * `ciphertext_hash = poseidon(CIPHERTEXT_DOMAIN, n, c_0, …, c_{n−1})`.
//!
//! Every hash has a fixed arity and starts with its own domain tag, and the ciphertext hash
//! names the length, so Poseidon's missing length padding cannot be exploited (a truncated
//! ciphertext hashes differently). The circuit computes the same values
//! ([`crate::fair_exchange::gadget`]).

use ark_ff::PrimeField;

use crate::Fr;
use crate::babyjubjub::{PublicKey, SecretKey, SharedPoint};
use crate::error::FairExchangeError;
use crate::fair_exchange::MAX_FAIR_EXCHANGE_FIELDS;
use crate::poseidon::hash;

/// Domain tag of the key derivation (ASCII, read as a big-endian integer; below `2^248`).
pub const KEY_DOMAIN_TAG: &[u8] = b"agora fx key v1";
/// Domain tag of the keystream.
pub const STREAM_DOMAIN_TAG: &[u8] = b"agora fx stream v1";
/// Domain tag of the ciphertext hash.
pub const CIPHERTEXT_DOMAIN_TAG: &[u8] = b"agora fx ciphertext v1";

/// A domain tag as a field element (the tag's bytes as a big-endian integer).
pub fn domain(tag: &[u8]) -> Fr {
    Fr::from_be_bytes_mod_order(tag)
}

/// The stream cipher's key: `poseidon(KEY_DOMAIN, S.x, S.y)`.
pub fn shared_key(point: &SharedPoint) -> Fr {
    hash(&[domain(KEY_DOMAIN_TAG), point.x, point.y])
}

/// Keystream element `i`: `poseidon(STREAM_DOMAIN, key, i)`.
pub fn keystream(key: Fr, i: usize) -> Fr {
    hash(&[domain(STREAM_DOMAIN_TAG), key, Fr::from(i as u64)])
}

/// Checks `1 ≤ len ≤ MAX_FAIR_EXCHANGE_FIELDS`.
pub fn check_length(len: usize) -> Result<(), FairExchangeError> {
    if len == 0 || len > MAX_FAIR_EXCHANGE_FIELDS {
        Err(FairExchangeError::LengthOutOfBounds { len, max: MAX_FAIR_EXCHANGE_FIELDS })
    } else {
        Ok(())
    }
}

/// A ciphertext: 1 to [`MAX_FAIR_EXCHANGE_FIELDS`] field elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ciphertext(Vec<Fr>);

impl Ciphertext {
    /// Wraps `elements`, refusing an empty or over-long ciphertext.
    pub fn new(elements: Vec<Fr>) -> Result<Ciphertext, FairExchangeError> {
        check_length(elements.len())?;
        Ok(Ciphertext(elements))
    }

    /// The elements, in order.
    pub fn elements(&self) -> &[Fr] {
        &self.0
    }

    /// Number of elements (never zero).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a ciphertext has at least one element (for API symmetry with `len`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `poseidon(CIPHERTEXT_DOMAIN, n, c_0, …, c_{n−1})`: the public input that binds the
    /// ciphertext to the proof.
    pub fn hash(&self) -> Fr {
        let mut elems = Vec::with_capacity(self.0.len() + 2);
        elems.push(domain(CIPHERTEXT_DOMAIN_TAG));
        elems.push(Fr::from(self.0.len() as u64));
        elems.extend_from_slice(&self.0);
        hash(&elems)
    }
}

/// What the worker publishes: the ephemeral public key and the ciphertext.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    /// `r·G` for the ephemeral secret `r`.
    pub ephemeral_key: PublicKey,
    /// The encrypted plaintext.
    pub ciphertext: Ciphertext,
}

/// Encrypts `plaintext` to `recipient` under the ephemeral secret `ephemeral`.
///
/// The ephemeral secret must be fresh for every encryption: two plaintexts encrypted with the
/// same ephemeral secret to the same recipient share a keystream (their difference leaks).
pub fn encrypt(ephemeral: &SecretKey, recipient: &PublicKey, plaintext: &[Fr]) -> Result<Sealed, FairExchangeError> {
    check_length(plaintext.len())?;
    let key = shared_key(&ephemeral.diffie_hellman(recipient));
    let elements = plaintext.iter().enumerate().map(|(i, m)| *m + keystream(key, i)).collect();
    Ok(Sealed { ephemeral_key: ephemeral.public_key(), ciphertext: Ciphertext(elements) })
}

/// Decrypts `ciphertext` with the recipient's secret and the published ephemeral key.
///
/// There is no authentication tag: the proof that accompanies a fair-exchange ciphertext is
/// what shows it encrypts the committed output; [`crate::fair_exchange::open_plaintext`]
/// checks the decryption against the output commitment.
pub fn decrypt(recipient: &SecretKey, ephemeral_key: &PublicKey, ciphertext: &Ciphertext) -> Vec<Fr> {
    let key = shared_key(&recipient.diffie_hellman(ephemeral_key));
    ciphertext.0.iter().enumerate().map(|(i, c)| *c - keystream(key, i)).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use proptest::prelude::*;

    fn key(seed: u8) -> SecretKey {
        SecretKey::from_bytes(&[seed; 32]).unwrap()
    }

    #[test]
    fn domain_tags_fit_below_2_pow_248() {
        for tag in [KEY_DOMAIN_TAG, STREAM_DOMAIN_TAG, CIPHERTEXT_DOMAIN_TAG] {
            assert!(tag.len() <= 31);
        }
        assert_ne!(domain(KEY_DOMAIN_TAG), domain(STREAM_DOMAIN_TAG));
        assert_ne!(domain(STREAM_DOMAIN_TAG), domain(CIPHERTEXT_DOMAIN_TAG));
    }

    #[test]
    fn lengths_are_bounded() {
        let (eph, employer) = (key(1), key(2).public_key());
        assert!(matches!(encrypt(&eph, &employer, &[]), Err(FairExchangeError::LengthOutOfBounds { len: 0, .. })));
        let long = vec![Fr::from(1u64); MAX_FAIR_EXCHANGE_FIELDS + 1];
        assert!(encrypt(&eph, &employer, &long).is_err());
        assert!(Ciphertext::new(long.clone()).is_err());
        assert!(Ciphertext::new(Vec::new()).is_err());
        assert!(encrypt(&eph, &employer, &long[..MAX_FAIR_EXCHANGE_FIELDS]).is_ok());
    }

    #[test]
    fn truncation_changes_the_hash() {
        // Even when the dropped element is zero (Poseidon has no length padding).
        let full = Ciphertext::new(vec![Fr::from(3u64), Fr::from(0u64)]).unwrap();
        let cut = Ciphertext::new(vec![Fr::from(3u64)]).unwrap();
        assert_ne!(full.hash(), cut.hash());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn decrypt_inverts_encrypt(raw in prop::collection::vec(any::<u64>(), 1..=MAX_FAIR_EXCHANGE_FIELDS), a in 1u8.., b in 1u8..) {
            let plaintext: Vec<Fr> = raw.iter().map(|&v| Fr::from(v)).collect();
            let (eph, employer) = (key(a), key(b));
            let sealed = encrypt(&eph, &employer.public_key(), &plaintext).unwrap();
            prop_assert_eq!(sealed.ephemeral_key, eph.public_key());
            prop_assert_eq!(decrypt(&employer, &sealed.ephemeral_key, &sealed.ciphertext), plaintext.clone());
            // Another recipient key gets garbage.
            let other = key(b.wrapping_add(1).max(1));
            if other != employer {
                prop_assert_ne!(decrypt(&other, &sealed.ephemeral_key, &sealed.ciphertext), plaintext);
            }
        }
    }
}
