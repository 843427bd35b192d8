//! Kind 12, fair-exchange `classify`: the `classify` statement, plus a ciphertext of its label
//! encrypted to the employer.
//!
//! Statement (public: the 6 `classify` inputs, then `employer_key.x, employer_key.y,
//! ephemeral_key.x, ephemeral_key.y, ciphertext_hash`): the `classify` statement holds for some
//! model, features, salts and `label`, and for a private ephemeral scalar `r`
//!
//! * `ephemeral_key = r·G` (not the identity), `S = r·employer_key` (employer key on the curve),
//! * `ciphertext_hash` is the hash of the encryption of `[label, output_salt]` under
//!   `poseidon(KEY_DOMAIN, S.x, S.y)`: exactly the preimage of `output_commitment`.

use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use crate::Fr;
use crate::babyjubjub::{PublicKey, SecretKey};
use crate::classify as base;
use crate::error::FairExchangeError;
use crate::fair_exchange::cipher::Ciphertext;
use crate::fair_exchange::{ENVELOPE_INPUTS, Envelope, FairKind, gadget, open_plaintext};

/// Kind number of fair-exchange `classify`.
pub const KIND: u16 = 12;
/// Field elements of the ciphertext: `label, output_salt`.
pub const CIPHERTEXT_FIELDS: usize = 2;
/// Number of public inputs: `classify`'s 6, then the 5 envelope inputs.
pub const NUM_PUBLIC_INPUTS: usize = base::NUM_PUBLIC_INPUTS + ENVELOPE_INPUTS;
/// R1CS constraints of the circuit (pinned by tests).
pub const CONSTRAINTS: usize = 11_391;

/// The public statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Public {
    /// The `classify` statement (public inputs 0–5).
    pub base: base::Public,
    /// The employer key, ephemeral key and ciphertext hash (public inputs 6–10).
    pub envelope: Envelope,
}

impl Public {
    /// Groth16 public inputs: `classify`'s `[chain_id, task_id, worker_id, input_commitment,
    /// output_commitment, model_commitment]`, then `[employer_key.x, employer_key.y,
    /// ephemeral_key.x, ephemeral_key.y, ciphertext_hash]`.
    pub fn to_field_elements(&self) -> Vec<Fr> {
        let mut inputs = self.base.to_field_elements();
        inputs.extend(self.envelope.to_field_elements());
        inputs
    }

    /// The honest statement for `private`, encrypted to `employer_key`, and the ciphertext to
    /// publish with it; fails if a value is out of range.
    pub fn from_private(
        chain_id: Fr,
        task_id: Fr,
        worker_id: Fr,
        employer_key: PublicKey,
        private: &Private,
    ) -> Result<(Public, Ciphertext), FairExchangeError> {
        let base = base::Public::from_private(chain_id, task_id, worker_id, &private.base)?;
        let label = base::classify(&private.base.model, &private.base.features)?;
        let (envelope, ciphertext) =
            Envelope::seal(employer_key, &private.ephemeral_secret, &plaintext(label, private.base.output_salt))?;
        Ok((Public { base, envelope }, ciphertext))
    }
}

/// The worker's witness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Private {
    /// The `classify` witness.
    pub base: base::Private,
    /// The ephemeral secret `r` (fresh for every completion).
    pub ephemeral_secret: SecretKey,
}

/// What the employer recovers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opening {
    /// The label (`score ≥ 0`).
    pub label: bool,
    /// The output commitment's salt.
    pub output_salt: Fr,
}

/// The plaintext: `[label, output_salt]`, the preimage of `output_commitment`.
pub fn plaintext(label: bool, output_salt: Fr) -> [Fr; CIPHERTEXT_FIELDS] {
    [Fr::from(label), output_salt]
}

/// Native check of exactly the statement the circuit enforces.
pub fn evaluate(public: &Public, private: &Private) -> Result<(), FairExchangeError> {
    base::evaluate(&public.base, &private.base)?;
    let label = base::classify(&private.base.model, &private.base.features)?;
    public.envelope.check(&private.ephemeral_secret, &plaintext(label, private.base.output_salt))
}

/// The employer's side: decrypts the published ciphertext, checks it against the task's
/// `output_commitment` and decodes the label.
pub fn open(
    employer: &SecretKey,
    ephemeral_key: &PublicKey,
    output_commitment: Fr,
    ciphertext: &Ciphertext,
) -> Result<Opening, FairExchangeError> {
    let fields = open_plaintext(FairKind::Classify, employer, ephemeral_key, output_commitment, ciphertext)?;
    let [label, output_salt] = <[Fr; CIPHERTEXT_FIELDS]>::try_from(fields)
        .map_err(|f| FairExchangeError::LengthMismatch { len: f.len(), expected: CIPHERTEXT_FIELDS })?;
    let label = if label == Fr::from(true) {
        true
    } else if label == Fr::from(false) {
        false
    } else {
        return Err(FairExchangeError::PlaintextOutOfRange { what: "label" });
    };
    Ok(Opening { label, output_salt })
}

/// The fair-exchange `classify` circuit. Its shape is fixed, so one key serves every task of
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
        let opening: Vec<FpVar<Fr>> =
            base::synthesize(cs.clone(), public.as_ref().map(|p| &p.base), private.as_ref().map(|p| &p.base))?;
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

    fn honest(bias: i32, seed: u64) -> (Public, Private, Ciphertext) {
        let mut weights = [0i32; base::D];
        let mut features = [0i32; base::D];
        for i in 0..base::D {
            weights[i] = i as i32 - 8;
            features[i] = 100 - (i as i32) * 13;
        }
        let private = Private {
            base: base::Private {
                model: base::Model { weights, bias },
                model_salt: fr(seed),
                features,
                input_salt: fr(seed + 1),
                output_salt: fr(seed + 2),
            },
            ephemeral_secret: key(seed as u8 + 1),
        };
        let (public, ct) =
            Public::from_private(fr(seed + 3), fr(seed + 4), fr(seed + 5), key(210).public_key(), &private).unwrap();
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
        assert_eq!(CONSTRAINTS, base::CONSTRAINTS + 6_200);
    }

    #[test]
    fn both_labels_are_encrypted_and_opened() {
        // Σ w·x = −4,440: the bias decides the label.
        for (bias, label) in [(base::VALUE_MAX, true), (base::VALUE_MIN, false)] {
            let (public, private, ct) = honest(bias, 20);
            assert_eq!(base::classify(&private.base.model, &private.base.features).unwrap(), label);
            evaluate(&public, &private).unwrap();
            assert_instance_layout(&public, &private);
            assert!(is_satisfied(Circuit::new(public, private.clone())).unwrap());
            let opening = open(&key(210), &public.envelope.ephemeral_key, public.base.output_commitment, &ct).unwrap();
            assert_eq!(opening, Opening { label, output_salt: private.base.output_salt });
        }
    }

    #[test]
    fn a_ciphertext_of_the_other_label_is_rejected_by_both() {
        let (mut public, private, _) = honest(0, 30);
        let label = base::classify(&private.base.model, &private.base.features).unwrap();
        let (envelope, _) = Envelope::seal(
            key(210).public_key(),
            &private.ephemeral_secret,
            &plaintext(!label, private.base.output_salt),
        )
        .unwrap();
        public.envelope = envelope;
        assert_eq!(evaluate(&public, &private), Err(FairExchangeError::CiphertextHashMismatch));
        assert!(!is_satisfied(Circuit::new(public, private)).unwrap());
    }
}
