//! Kind 11, fair-exchange `aggregate`: the `aggregate` statement, plus a ciphertext of its
//! output encrypted to the employer.
//!
//! Statement (public: the 6 `aggregate` inputs, then `employer_key.x, employer_key.y,
//! ephemeral_key.x, ephemeral_key.y, ciphertext_hash`): the `aggregate` statement holds for
//! some records, salts and output `(sum, count)`, and for a private ephemeral scalar `r`
//!
//! * `ephemeral_key = r·G` (not the identity), `S = r·employer_key` (employer key on the curve),
//! * `ciphertext_hash` is the hash of the encryption of `[sum, count, output_salt]` under
//!   `poseidon(KEY_DOMAIN, S.x, S.y)`: exactly the preimage of `output_commitment`, so the
//!   employer recomputes the commitment from the decryption.

use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use crate::Fr;
use crate::aggregate as base;
use crate::babyjubjub::{PublicKey, SecretKey};
use crate::error::FairExchangeError;
use crate::fair_exchange::cipher::Ciphertext;
use crate::fair_exchange::{ENVELOPE_INPUTS, Envelope, FairKind, gadget, open_plaintext, to_u128};

/// Kind number of fair-exchange `aggregate`.
pub const KIND: u16 = 11;
/// Field elements of the ciphertext: `sum, count, output_salt`.
pub const CIPHERTEXT_FIELDS: usize = 3;
/// Number of public inputs: `aggregate`'s 6, then the 5 envelope inputs.
pub const NUM_PUBLIC_INPUTS: usize = base::NUM_PUBLIC_INPUTS + ENVELOPE_INPUTS;
/// R1CS constraints of the circuit (pinned by tests).
pub const CONSTRAINTS: usize = 23_744;

/// The public statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Public {
    /// The `aggregate` statement (public inputs 0–5).
    pub base: base::Public,
    /// The employer key, ephemeral key and ciphertext hash (public inputs 6–10).
    pub envelope: Envelope,
}

impl Public {
    /// Groth16 public inputs: `aggregate`'s `[chain_id, task_id, worker_id, input_commitment,
    /// output_commitment, threshold]`, then `[employer_key.x, employer_key.y, ephemeral_key.x,
    /// ephemeral_key.y, ciphertext_hash]`.
    pub fn to_field_elements(&self) -> Vec<Fr> {
        let mut inputs = self.base.to_field_elements();
        inputs.extend(self.envelope.to_field_elements());
        inputs
    }

    /// The honest statement for `private`, encrypted to `employer_key`, and the ciphertext to
    /// publish with it.
    pub fn from_private(
        chain_id: Fr,
        task_id: Fr,
        worker_id: Fr,
        threshold: u64,
        employer_key: PublicKey,
        private: &Private,
    ) -> Result<(Public, Ciphertext), FairExchangeError> {
        let base = base::Public::from_private(chain_id, task_id, worker_id, threshold, &private.base);
        let output = base::compute_output(&private.base.records, threshold);
        let (envelope, ciphertext) =
            Envelope::seal(employer_key, &private.ephemeral_secret, &plaintext(&output, private.base.output_salt))?;
        Ok((Public { base, envelope }, ciphertext))
    }
}

/// The worker's witness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Private {
    /// The `aggregate` witness.
    pub base: base::Private,
    /// The ephemeral secret `r` (fresh for every completion).
    pub ephemeral_secret: SecretKey,
}

/// What the employer recovers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opening {
    /// The task's output.
    pub output: base::Output,
    /// The output commitment's salt.
    pub output_salt: Fr,
}

/// The plaintext: `[sum, count, output_salt]`, the preimage of `output_commitment`.
pub fn plaintext(output: &base::Output, output_salt: Fr) -> [Fr; CIPHERTEXT_FIELDS] {
    [Fr::from(output.sum), Fr::from(output.count), output_salt]
}

/// Native check of exactly the statement the circuit enforces.
pub fn evaluate(public: &Public, private: &Private) -> Result<(), FairExchangeError> {
    base::evaluate(&public.base, &private.base)?;
    let output = base::compute_output(&private.base.records, public.base.threshold);
    public.envelope.check(&private.ephemeral_secret, &plaintext(&output, private.base.output_salt))
}

/// The employer's side: decrypts the published ciphertext, checks it against the task's
/// `output_commitment` and decodes the output.
pub fn open(
    employer: &SecretKey,
    ephemeral_key: &PublicKey,
    output_commitment: Fr,
    ciphertext: &Ciphertext,
) -> Result<Opening, FairExchangeError> {
    let fields = open_plaintext(FairKind::Aggregate, employer, ephemeral_key, output_commitment, ciphertext)?;
    let [sum, count, output_salt] = <[Fr; CIPHERTEXT_FIELDS]>::try_from(fields)
        .map_err(|f| FairExchangeError::LengthMismatch { len: f.len(), expected: CIPHERTEXT_FIELDS })?;
    let sum = to_u128(sum).ok_or(FairExchangeError::PlaintextOutOfRange { what: "sum" })?;
    let count = to_u128(count)
        .and_then(|c| u64::try_from(c).ok())
        .ok_or(FairExchangeError::PlaintextOutOfRange { what: "count" })?;
    Ok(Opening { output: base::Output { sum, count }, output_salt })
}

/// The fair-exchange `aggregate` circuit. Its shape is fixed, so one key serves every task of
/// this kind.
#[derive(Clone, Debug, Default)]
pub struct Circuit {
    public: Option<Public>,
    private: Option<Private>,
}

impl Circuit {
    /// A circuit with no assignment, for key generation and constraint counting.
    pub fn blank() -> Self {
        Circuit::default()
    }

    /// A circuit carrying a full assignment, for proving.
    pub fn new(public: Public, private: Private) -> Self {
        Circuit { public: Some(public), private: Some(private) }
    }
}

impl ConstraintSynthesizer<Fr> for Circuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let public = self.public;
        let private = self.private;
        let threshold = public.map(|p| Fr::from(p.base.threshold));
        let opening: Vec<FpVar<Fr>> = base::synthesize(
            cs.clone(),
            public.as_ref().map(|p| &p.base),
            private.as_ref().map(|p| &p.base),
            threshold,
        )?;
        gadget::enforce_envelope(
            cs,
            &opening,
            public.as_ref().map(|p| &p.envelope),
            private.map(|p| p.ephemeral_secret.scalar()),
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::{constraint_count, is_satisfied};
    use ark_ff::UniformRand;
    use ark_relations::gr1cs::{ConstraintSystem, OptimizationGoal};
    use ark_std::rand::{SeedableRng, rngs::StdRng};

    fn fr(seed: u64) -> Fr {
        Fr::rand(&mut StdRng::seed_from_u64(seed))
    }

    fn key(seed: u8) -> SecretKey {
        SecretKey::from_bytes(&[seed; 32]).unwrap()
    }

    fn honest(seed: u64) -> (Public, Private, Ciphertext) {
        let mut records = [0u64; base::N];
        for (i, r) in records.iter_mut().enumerate() {
            *r = (i as u64) * 977 + seed;
        }
        let private = Private {
            base: base::Private { records, input_salt: fr(seed), output_salt: fr(seed + 1) },
            ephemeral_secret: key(seed as u8 + 1),
        };
        let (public, ct) =
            Public::from_private(fr(seed + 2), fr(seed + 3), fr(seed + 4), 30_000, key(200).public_key(), &private)
                .unwrap();
        (public, private, ct)
    }

    /// The instance is exactly `Public::to_field_elements`, in order, with the base kind's first.
    fn assert_instance_layout(public: &Public, private: &Private) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        Circuit::new(*public, private.clone()).generate_constraints(cs.clone()).unwrap();
        cs.finalize();
        assert_eq!(cs.num_constraints(), CONSTRAINTS);
        assert_eq!(cs.num_instance_variables(), 1 + NUM_PUBLIC_INPUTS);
        let inputs = public.to_field_elements();
        assert_eq!(cs.instance_assignment().unwrap()[1..], inputs[..]);
        assert_eq!(inputs[..base::NUM_PUBLIC_INPUTS], public.base.to_field_elements()[..]);
    }

    #[test]
    fn constraint_count_is_pinned() {
        assert_eq!(constraint_count(Circuit::blank()).unwrap(), CONSTRAINTS);
        // The plain kind's constraints plus the envelope's (see `gadget`).
        assert_eq!(CONSTRAINTS, base::CONSTRAINTS + 6_923);
    }

    #[test]
    fn honest_witness_satisfies_and_opens() {
        let (public, private, ct) = honest(5);
        evaluate(&public, &private).unwrap();
        assert_instance_layout(&public, &private);
        assert!(is_satisfied(Circuit::new(public, private.clone())).unwrap());
        let opening = open(&key(200), &public.envelope.ephemeral_key, public.base.output_commitment, &ct).unwrap();
        assert_eq!(opening.output, base::compute_output(&private.base.records, 30_000));
        assert_eq!(opening.output_salt, private.base.output_salt);
    }

    #[test]
    fn tampered_envelopes_are_rejected_by_both() {
        let (public, private, _) = honest(9);
        let mut other_hash = public;
        other_hash.envelope.ciphertext_hash += Fr::from(1u64);
        let mut other_ephemeral = public;
        other_ephemeral.envelope.ephemeral_key = key(77).public_key();
        let mut other_employer = public;
        other_employer.envelope.employer_key = key(78).public_key();
        for (tampered, error) in [
            (other_hash, FairExchangeError::CiphertextHashMismatch),
            (other_ephemeral, FairExchangeError::EphemeralKeyMismatch),
            (other_employer, FairExchangeError::CiphertextHashMismatch),
        ] {
            assert_eq!(evaluate(&tampered, &private), Err(error));
            assert!(!is_satisfied(Circuit::new(tampered, private.clone())).unwrap());
        }
    }

    #[test]
    fn a_wrong_plaintext_does_not_open() {
        let (public, private, ct) = honest(11);
        // Decrypting with another key yields fields that do not open the commitment.
        assert_eq!(
            open(&key(201), &public.envelope.ephemeral_key, public.base.output_commitment, &ct),
            Err(FairExchangeError::OutputCommitmentMismatch)
        );
        let truncated = Ciphertext::new(ct.elements()[..2].to_vec()).unwrap();
        assert!(matches!(
            open(&key(200), &public.envelope.ephemeral_key, public.base.output_commitment, &truncated),
            Err(FairExchangeError::LengthMismatch { len: 2, expected: 3 })
        ));
        assert!(evaluate(&public, &private).is_ok());
    }
}
