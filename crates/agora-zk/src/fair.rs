//! The worker's and the employer's sides of a fair-exchange task: proving a completion whose
//! output is sealed to the employer's key ([`prove_fair_completion`]), and opening the sealed
//! output the chain stores ([`open_sealed`]).

use agora_circuits::babyjubjub::{SECRET_KEY_BYTES, SecretKey};
use agora_circuits::fair_exchange::{self, FairKind};
use agora_circuits::{aggregate, classify};
use agora_core::{CurvePoint, FieldBytes, SealedOutput};
use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use ark_std::rand::{CryptoRng, RngCore};

use crate::encoding::{field_to_fr, fr_to_field};
use crate::error::ProveError;
use crate::keys::public_input_count;
use crate::kinds::{Circuit, Completion, TaskResult, Witness, finish, witness_error};
use crate::sealing::{ciphertext_of, curve_point, public_key};

/// Why a sealed output could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// The kind has no fair-exchange variant.
    #[error("kind {0} is not a fair-exchange kind")]
    NotFairExchange(u16),
    /// A published point is not a valid key.
    #[error("the published ephemeral key is not a point of the prime-order subgroup")]
    BadEphemeralKey,
    /// The decryption failed its checks (length, or it does not open the output commitment:
    /// the wrong secret key, or a ciphertext other than the one the chain stores).
    #[error("decryption failed: {0}")]
    Decryption(#[from] agora_circuits::FairExchangeError),
}

/// What the employer recovers from a sealed output.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opened {
    /// The task's result.
    pub result: TaskResult,
    /// The output commitment's salt (with the result, the commitment's preimage).
    pub output_salt: FieldBytes,
}

/// A fresh ephemeral secret from `rng` (a draw reducing to zero is drawn again).
fn ephemeral_secret<R: RngCore + CryptoRng>(rng: &mut R) -> SecretKey {
    loop {
        let mut bytes = [0u8; SECRET_KEY_BYTES];
        rng.fill_bytes(&mut bytes);
        if let Ok(secret) = SecretKey::from_bytes(&bytes) {
            return secret;
        }
    }
}

/// Proves a completion of a fair-exchange task with the base kind's witness (an `aggregate`
/// witness proves kind 11, a `classify` one kind 12), sealing the output to `employer_key` (the
/// key the task records) under a fresh ephemeral key drawn from `rng`. The completion's `sealed`
/// holds what the transaction must publish; its public inputs are the base statement followed
/// by the envelope. As with [`crate::prove_completion`], the witness is checked natively and
/// the proof is verified under the key's own verifying key before it is returned. Use
/// [`crate::os_rng`] in production.
pub fn prove_fair_completion<R: RngCore + CryptoRng>(
    witness: &Witness,
    chain_id: FieldBytes,
    task_id: FieldBytes,
    worker_id: FieldBytes,
    employer_key: &CurvePoint,
    pk: &ProvingKey<Bn254>,
    rng: &mut R,
) -> Result<Completion, ProveError> {
    let fair = FairKind::ALL
        .into_iter()
        .find(|fair| fair.base() == witness.kind())
        .ok_or_else(|| witness_error(format!("the {:?} kind has no fair-exchange variant", witness.kind())))?;
    let key_inputs = public_input_count(&pk.vk);
    if key_inputs != fair.num_public_inputs() {
        return Err(ProveError::KeyMismatch { expected: key_inputs, actual: fair.num_public_inputs() });
    }
    let employer = public_key(employer_key).map_err(|e| witness_error(format!("employer key: {e}")))?;
    let ephemeral = ephemeral_secret(rng);
    let ephemeral_key = curve_point(&ephemeral.public_key());
    let (chain, task, worker) = (field_to_fr(&chain_id), field_to_fr(&task_id), field_to_fr(&worker_id));
    let (inputs, circuit, result, ciphertext) = match witness {
        Witness::Aggregate(w) => {
            let private = fair_exchange::aggregate::Private { base: w.private()?, ephemeral_secret: ephemeral };
            let (public, ciphertext) =
                fair_exchange::aggregate::Public::from_private(chain, task, worker, w.threshold, employer, &private)
                    .map_err(witness_error)?;
            fair_exchange::aggregate::evaluate(&public, &private).map_err(witness_error)?;
            let out = aggregate::compute_output(&private.base.records, w.threshold);
            (
                public.to_field_elements(),
                Circuit::FairAggregate(fair_exchange::aggregate::Circuit::new(public, private)),
                TaskResult::Aggregate { sum: out.sum, count: out.count },
                ciphertext,
            )
        }
        Witness::Classify(w) => {
            let private = fair_exchange::classify::Private { base: w.private()?, ephemeral_secret: ephemeral };
            let (public, ciphertext) =
                fair_exchange::classify::Public::from_private(chain, task, worker, employer, &private)
                    .map_err(witness_error)?;
            fair_exchange::classify::evaluate(&public, &private).map_err(witness_error)?;
            let label = classify::classify(&private.base.model, &private.base.features).map_err(witness_error)?;
            (
                public.to_field_elements(),
                Circuit::FairClassify(fair_exchange::classify::Circuit::new(public, private)),
                TaskResult::Classify { label },
                ciphertext,
            )
        }
        Witness::Hashchain(_) => return Err(witness_error("hashchain has no fair-exchange variant")),
    };
    let sealed =
        SealedOutput { ephemeral_key, ciphertext: ciphertext.elements().iter().copied().map(fr_to_field).collect() };
    let mut completion = finish(fair.code(), inputs, circuit, result, pk, rng)?;
    completion.sealed = Some(sealed);
    Ok(completion)
}

/// The employer's side: decrypts the sealed output of a task of fair-exchange kind `kind` with
/// the employer's secret and checks the plaintext against the task's `output_commitment`.
pub fn open_sealed(
    kind: u16,
    employer: &SecretKey,
    sealed: &SealedOutput,
    output_commitment: &FieldBytes,
) -> Result<Opened, OpenError> {
    let fair = FairKind::from_code(kind).ok_or(OpenError::NotFairExchange(kind))?;
    let ephemeral = public_key(&sealed.ephemeral_key).map_err(|_| OpenError::BadEphemeralKey)?;
    let ciphertext = ciphertext_of(&sealed.ciphertext).map_err(|_| {
        OpenError::Decryption(agora_circuits::FairExchangeError::LengthMismatch {
            len: sealed.ciphertext.len(),
            expected: fair.ciphertext_fields(),
        })
    })?;
    let commitment = field_to_fr(output_commitment);
    Ok(match fair {
        FairKind::Aggregate => {
            let opening = fair_exchange::aggregate::open(employer, &ephemeral, commitment, &ciphertext)?;
            Opened {
                result: TaskResult::Aggregate { sum: opening.output.sum, count: opening.output.count },
                output_salt: fr_to_field(opening.output_salt),
            }
        }
        FairKind::Classify => {
            let opening = fair_exchange::classify::open(employer, &ephemeral, commitment, &ciphertext)?;
            Opened {
                result: TaskResult::Classify { label: opening.label },
                output_salt: fr_to_field(opening.output_salt),
            }
        }
    })
}
