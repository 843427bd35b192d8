//! Fair exchange: variants of the built-in kinds whose proof also shows that a published
//! ciphertext encrypts the task's output to the employer.
//!
//! The worker picks a fresh ephemeral secret `r`, computes the Diffie–Hellman point
//! `S = r·employer_key` on BabyJubJub ([`crate::babyjubjub`]) and encrypts the output's
//! commitment preimage (the output fields and `output_salt`) with a Poseidon stream cipher
//! ([`cipher`]). One Groth16 proof shows the base kind's statement, that the ciphertext (bound
//! by its hash) is that encryption and that the ephemeral key `r·G` is the published one
//! ([`gadget`]). The employer decrypts with its secret and recomputes `output_commitment` from
//! the plaintext ([`open_plaintext`]).
//!
//! A fair-exchange kind's public inputs are its base kind's, unchanged and first (so the
//! binding prefix `chain_id, task_id, worker_id, input_commitment, output_commitment` stays at
//! 0–4 and the base kind's parameter at 5), followed by the [`Envelope`]:
//! `employer_key.x, employer_key.y, ephemeral_key.x, ephemeral_key.y, ciphertext_hash`.
//!
//! Kinds: [`aggregate`] (kind [`aggregate::KIND`] = 11) and [`classify`] (kind
//! [`classify::KIND`] = 12): `10 +` the base kind's number.

pub mod aggregate;
pub mod cipher;
pub mod classify;
pub mod gadget;

use ark_ff::{BigInteger, PrimeField};

use crate::babyjubjub::{PublicKey, SecretKey};
use crate::error::FairExchangeError;
use crate::poseidon::hash;
use crate::{Fr, Kind};
use cipher::{Ciphertext, decrypt, encrypt};

/// Largest ciphertext (and plaintext), in field elements, any fair-exchange function accepts.
/// Each kind encrypts a fixed number of elements at most this large
/// ([`FairKind::ciphertext_fields`]).
pub const MAX_FAIR_EXCHANGE_FIELDS: usize = 16;

/// Number of public inputs a fair-exchange kind adds after its base kind's: the employer key
/// (2), the ephemeral key (2) and the ciphertext hash.
pub const ENVELOPE_INPUTS: usize = 5;

/// The fair-exchange part of a statement: public inputs `base + 0 … base + 4`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The employer's registered encryption key (the state machine supplies it; validated).
    pub employer_key: PublicKey,
    /// The worker's ephemeral key `r·G`, published with the completion.
    pub ephemeral_key: PublicKey,
    /// [`Ciphertext::hash`] of the published ciphertext (the state machine computes it).
    pub ciphertext_hash: Fr,
}

impl Envelope {
    /// `[employer_key.x, employer_key.y, ephemeral_key.x, ephemeral_key.y, ciphertext_hash]`.
    pub fn to_field_elements(&self) -> [Fr; ENVELOPE_INPUTS] {
        [
            self.employer_key.x(),
            self.employer_key.y(),
            self.ephemeral_key.x(),
            self.ephemeral_key.y(),
            self.ciphertext_hash,
        ]
    }

    /// The envelope of `plaintext` encrypted to `employer_key` under `ephemeral`, with the
    /// ciphertext.
    pub fn seal(
        employer_key: PublicKey,
        ephemeral: &SecretKey,
        plaintext: &[Fr],
    ) -> Result<(Envelope, Ciphertext), FairExchangeError> {
        let sealed = encrypt(ephemeral, &employer_key, plaintext)?;
        let envelope =
            Envelope { employer_key, ephemeral_key: sealed.ephemeral_key, ciphertext_hash: sealed.ciphertext.hash() };
        Ok((envelope, sealed.ciphertext))
    }

    /// Native check of the envelope part of a statement: `ephemeral_key = r·G` and the
    /// ciphertext hash is that of `plaintext` encrypted to the employer under `r`.
    pub fn check(&self, ephemeral: &SecretKey, plaintext: &[Fr]) -> Result<(), FairExchangeError> {
        if ephemeral.public_key() != self.ephemeral_key {
            return Err(FairExchangeError::EphemeralKeyMismatch);
        }
        let sealed = encrypt(ephemeral, &self.employer_key, plaintext)?;
        if sealed.ciphertext.hash() != self.ciphertext_hash {
            return Err(FairExchangeError::CiphertextHashMismatch);
        }
        Ok(())
    }
}

/// The fair-exchange kinds this crate has circuits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FairKind {
    /// [`aggregate`], over the plain `aggregate` kind.
    Aggregate,
    /// [`classify`], over the plain `classify` kind.
    Classify,
}

impl FairKind {
    /// All fair-exchange kinds, in kind-number order.
    pub const ALL: [FairKind; 2] = [FairKind::Aggregate, FairKind::Classify];

    /// The kind number used on the wire.
    pub const fn code(self) -> u16 {
        match self {
            FairKind::Aggregate => aggregate::KIND,
            FairKind::Classify => classify::KIND,
        }
    }

    /// The fair-exchange kind with the given number, if any.
    pub const fn from_code(code: u16) -> Option<FairKind> {
        match code {
            aggregate::KIND => Some(FairKind::Aggregate),
            classify::KIND => Some(FairKind::Classify),
            _ => None,
        }
    }

    /// The plain kind whose statement this kind extends.
    pub const fn base(self) -> Kind {
        match self {
            FairKind::Aggregate => Kind::Aggregate,
            FairKind::Classify => Kind::Classify,
        }
    }

    /// Number of Groth16 public inputs: the base kind's plus [`ENVELOPE_INPUTS`].
    pub const fn num_public_inputs(self) -> usize {
        match self {
            FairKind::Aggregate => aggregate::NUM_PUBLIC_INPUTS,
            FairKind::Classify => classify::NUM_PUBLIC_INPUTS,
        }
    }

    /// Number of field elements of this kind's ciphertext (the output fields and the salt).
    pub const fn ciphertext_fields(self) -> usize {
        match self {
            FairKind::Aggregate => aggregate::CIPHERTEXT_FIELDS,
            FairKind::Classify => classify::CIPHERTEXT_FIELDS,
        }
    }
}

/// Checks that a published ciphertext has the kind's length (what the state machine checks
/// before hashing it into the public inputs).
pub fn check_ciphertext_length(kind: FairKind, ciphertext: &Ciphertext) -> Result<(), FairExchangeError> {
    let expected = kind.ciphertext_fields();
    if ciphertext.len() == expected {
        Ok(())
    } else {
        Err(FairExchangeError::LengthMismatch { len: ciphertext.len(), expected })
    }
}

/// The employer's side: decrypts `ciphertext` (of `kind`) with the employer's secret and the
/// published ephemeral key, and checks that the plaintext opens `output_commitment`
/// (`poseidon(plaintext) = output_commitment`). Returns the plaintext: the output fields, then
/// `output_salt`.
pub fn open_plaintext(
    kind: FairKind,
    employer: &SecretKey,
    ephemeral_key: &PublicKey,
    output_commitment: Fr,
    ciphertext: &Ciphertext,
) -> Result<Vec<Fr>, FairExchangeError> {
    check_ciphertext_length(kind, ciphertext)?;
    let plaintext = decrypt(employer, ephemeral_key, ciphertext);
    if hash(&plaintext) != output_commitment {
        return Err(FairExchangeError::OutputCommitmentMismatch);
    }
    Ok(plaintext)
}

/// `x` as a `u128`, if it is below `2^128`.
pub(crate) fn to_u128(x: Fr) -> Option<u128> {
    let bytes = x.into_bigint().to_bytes_le();
    if bytes[16..].iter().any(|&b| b != 0) {
        return None;
    }
    let mut low = [0u8; 16];
    low.copy_from_slice(&bytes[..16]);
    Some(u128::from_le_bytes(low))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn kind_codes_round_trip_and_do_not_collide_with_plain_kinds() {
        for kind in FairKind::ALL {
            assert_eq!(FairKind::from_code(kind.code()), Some(kind));
            assert_eq!(Kind::from_code(kind.code()), None);
            assert_eq!(kind.code(), 10 + kind.base().code());
            assert_eq!(kind.num_public_inputs(), kind.base().num_public_inputs() + ENVELOPE_INPUTS);
            assert!(kind.ciphertext_fields() <= MAX_FAIR_EXCHANGE_FIELDS);
        }
        assert_eq!(FairKind::ALL.map(FairKind::code), [11, 12]);
        assert_eq!(FairKind::from_code(1), None);
    }

    #[test]
    fn u128_conversion() {
        assert_eq!(to_u128(Fr::from(u128::MAX)), Some(u128::MAX));
        assert_eq!(to_u128(Fr::from(0u64)), Some(0));
        assert_eq!(to_u128(Fr::from(u128::MAX) + Fr::from(1u64)), None);
        assert_eq!(to_u128(-Fr::from(1u64)), None);
    }
}
