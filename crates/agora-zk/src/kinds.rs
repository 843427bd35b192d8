//! The marketplace's task kinds (circuits from `agora-circuits`): key setup per kind and the
//! worker-facing [`prove_completion`].
//!
//! Every kind's public inputs are, in order: `chain_id, task_id, worker_id, input_commitment,
//! output_commitment`, then the kind's parameter (aggregate: `threshold`; classify:
//! `model_commitment`; hashchain: `depth`). The verifier's side builds the same vector from
//! its own records; [`statement`] is the one shared way to lay it out.
//!
//! Witnesses are serde types so that a CLI can read them as JSON, e.g.
//! `{"kind":"hashchain","depth":16,"seed":"…hex…","input_salt":"…","output_salt":"…"}`
//! (field elements are 64-hex-digit little-endian strings, as `FieldBytes` serialises).

use agora_circuits::fair_exchange::{self, FairKind};
use agora_circuits::{Kind, aggregate, classify, hashchain};
use agora_core::FieldBytes;
use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, ProvingKey, prepare_verifying_key};
use ark_std::rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::encoding::{encode_proof, field_to_fr, fr_to_field};
use crate::error::{ProveError, SetupError};
use crate::keys::{KeyPair, public_input_count, setup_with_rng};
use crate::prove::prove_raw;
use crate::rng::os_rng;

/// Which circuit a key is made for: the kind, plus the depth for `hashchain` (whose circuit
/// shape depends on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CircuitShape {
    /// Kind 1.
    Aggregate,
    /// Kind 2.
    Classify,
    /// Kind 3 at a fixed chain depth.
    Hashchain {
        /// Number of chain steps (at most `hashchain::MAX_DEPTH`).
        depth: u32,
    },
    /// Kind 11: fair-exchange `aggregate` (the output sealed to the employer).
    FairAggregate,
    /// Kind 12: fair-exchange `classify` (the output sealed to the employer).
    FairClassify,
}

impl CircuitShape {
    /// The plain kind whose statement (and witness) this shape proves: for a fair-exchange
    /// shape, its base kind.
    pub fn kind(self) -> Kind {
        match self {
            CircuitShape::Aggregate | CircuitShape::FairAggregate => Kind::Aggregate,
            CircuitShape::Classify | CircuitShape::FairClassify => Kind::Classify,
            CircuitShape::Hashchain { .. } => Kind::Hashchain,
        }
    }

    /// The fair-exchange kind, for a fair-exchange shape.
    pub fn fair_kind(self) -> Option<FairKind> {
        match self {
            CircuitShape::FairAggregate => Some(FairKind::Aggregate),
            CircuitShape::FairClassify => Some(FairKind::Classify),
            _ => None,
        }
    }

    /// The kind number used on the wire.
    pub fn code(self) -> u16 {
        match self.fair_kind() {
            Some(fair) => fair.code(),
            None => self.kind().code(),
        }
    }

    /// The kind's name in key directories and genesis files.
    pub fn name(self) -> &'static str {
        match self {
            CircuitShape::Aggregate => "aggregate",
            CircuitShape::Classify => "classify",
            CircuitShape::Hashchain { .. } => "hashchain",
            CircuitShape::FairAggregate => "fair_aggregate",
            CircuitShape::FairClassify => "fair_classify",
        }
    }

    /// Number of Groth16 public inputs of the circuit.
    pub fn num_public_inputs(self) -> usize {
        match self.fair_kind() {
            Some(fair) => fair.num_public_inputs(),
            None => self.kind().num_public_inputs(),
        }
    }

    /// Field elements of the ciphertext a completion must publish (0 for a plain kind).
    pub fn sealed_fields(self) -> u8 {
        // At most MAX_FAIR_EXCHANGE_FIELDS = 16.
        self.fair_kind().map_or(0, |fair| fair.ciphertext_fields() as u8)
    }
}

/// Keys for one kind, from the caller's RNG. **Test-oriented** like
/// [`setup_with_rng`]: production uses [`setup_kind_with_os_rng`].
pub fn setup_kind<R: RngCore + CryptoRng>(shape: CircuitShape, rng: &mut R) -> Result<KeyPair, SetupError> {
    match shape {
        CircuitShape::Aggregate => setup_with_rng(aggregate::Circuit::blank(), rng),
        CircuitShape::Classify => setup_with_rng(classify::Circuit::blank(), rng),
        CircuitShape::Hashchain { depth } => {
            let circuit = hashchain::Circuit::blank(depth).map_err(|e| SetupError::Shape(e.to_string()))?;
            setup_with_rng(circuit, rng)
        }
        CircuitShape::FairAggregate => setup_with_rng(fair_exchange::aggregate::Circuit::blank(), rng),
        CircuitShape::FairClassify => setup_with_rng(fair_exchange::classify::Circuit::blank(), rng),
    }
}

/// Keys for one kind from operating-system randomness: the production path.
pub fn setup_kind_with_os_rng(shape: CircuitShape) -> Result<KeyPair, SetupError> {
    let mut rng = os_rng()?;
    setup_kind(shape, &mut rng)
}

/// The `aggregate` witness: the task's records and salts, plus the task's threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateWitness {
    /// The task's threshold parameter (public); a decimal string in JSON.
    #[serde(with = "agora_core::json::u64_string")]
    pub threshold: u64,
    /// Exactly `aggregate::N` records; decimal strings in JSON.
    #[serde(with = "agora_core::json::vec_u64_string")]
    pub records: Vec<u64>,
    /// Salt of the input commitment.
    pub input_salt: FieldBytes,
    /// Salt of the output commitment (chosen by the worker, revealed to the employer).
    pub output_salt: FieldBytes,
}

/// The `classify` witness: the committed model, the input features and the salts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifyWitness {
    /// Exactly `classify::D` weights in `[VALUE_MIN, VALUE_MAX]`.
    pub weights: Vec<i32>,
    /// The bias, in `[VALUE_MIN, VALUE_MAX]`.
    pub bias: i32,
    /// Salt of the model commitment.
    pub model_salt: FieldBytes,
    /// Exactly `classify::D` features in `[VALUE_MIN, VALUE_MAX]`.
    pub features: Vec<i32>,
    /// Salt of the input commitment.
    pub input_salt: FieldBytes,
    /// Salt of the output commitment (chosen by the worker, revealed to the employer).
    pub output_salt: FieldBytes,
}

/// The `hashchain` witness: the seed, the salts and the task's depth.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HashchainWitness {
    /// The task's depth parameter (public; must equal the key's depth).
    pub depth: u32,
    /// Start of the chain.
    pub seed: FieldBytes,
    /// Salt of the input commitment.
    pub input_salt: FieldBytes,
    /// Salt of the output commitment (chosen by the worker, revealed to the employer).
    pub output_salt: FieldBytes,
}

/// A worker's witness for one task, tagged with its kind (`"kind": "aggregate" | "classify" |
/// "hashchain"` in JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Witness {
    /// Kind 1.
    Aggregate(AggregateWitness),
    /// Kind 2.
    Classify(ClassifyWitness),
    /// Kind 3.
    Hashchain(HashchainWitness),
}

impl Witness {
    /// The task kind of this witness.
    pub fn kind(&self) -> Kind {
        match self {
            Witness::Aggregate(_) => Kind::Aggregate,
            Witness::Classify(_) => Kind::Classify,
            Witness::Hashchain(_) => Kind::Hashchain,
        }
    }

    /// Parses a JSON witness.
    pub fn from_json(text: &str) -> Result<Witness, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// The task's result in the clear, which the worker reveals off-band to the employer together
/// with the output salt (the chain only sees `output_commitment`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaskResult {
    /// Sum of the records and number of records above the threshold.
    Aggregate {
        /// Sum of all records (a decimal string in JSON).
        #[serde(with = "agora_core::json::u128_string")]
        sum: u128,
        /// Records strictly above the threshold (a decimal string in JSON).
        #[serde(with = "agora_core::json::u64_string")]
        count: u64,
    },
    /// The predicted label (`score ≥ 0`).
    Classify {
        /// The label.
        label: bool,
    },
    /// The chain's head `h_depth`.
    Hashchain {
        /// The head.
        head: FieldBytes,
    },
}

/// What a worker submits (and keeps) after proving a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    /// Kind number.
    pub kind: u16,
    /// The full public-input vector the verifier will rebuild and check.
    pub public_inputs: Vec<FieldBytes>,
    /// The input commitment computed from the witness (must equal the task's).
    pub input_commitment: FieldBytes,
    /// The output commitment to put in the completion transaction.
    pub output_commitment: FieldBytes,
    /// The compressed Groth16 proof.
    #[serde(with = "hex_bytes")]
    pub proof: Vec<u8>,
    /// The result in the clear, for the employer.
    pub result: TaskResult,
    /// For a fair-exchange kind: the ephemeral key and ciphertext to publish with the proof
    /// (the output sealed to the employer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<agora_core::SealedOutput>,
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        if text.len() % 2 != 0 {
            return Err(serde::de::Error::custom("odd number of hex digits"));
        }
        (0..text.len())
            .step_by(2)
            .map(|i| {
                text.get(i..i + 2)
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                    .ok_or_else(|| serde::de::Error::custom("invalid hex"))
            })
            .collect()
    }
}

/// The public-input vector of a task completion, in circuit order: the five binding inputs,
/// then the kind parameter (aggregate: `FieldBytes::from_u64(threshold)`; classify: the model
/// commitment; hashchain: `FieldBytes::from_u64(depth)`).
pub fn statement(
    chain_id: FieldBytes,
    task_id: FieldBytes,
    worker_id: FieldBytes,
    input_commitment: FieldBytes,
    output_commitment: FieldBytes,
    kind_param: FieldBytes,
) -> Vec<FieldBytes> {
    vec![chain_id, task_id, worker_id, input_commitment, output_commitment, kind_param]
}

pub(crate) fn witness_error(e: impl std::fmt::Display) -> ProveError {
    ProveError::Witness(e.to_string())
}

fn fixed<T: Copy, const N: usize>(what: &str, values: &[T]) -> Result<[T; N], ProveError> {
    <[T; N]>::try_from(values).map_err(|_| witness_error(format!("{what}: expected {N} values, got {}", values.len())))
}

impl AggregateWitness {
    /// The circuit's private input for this witness (exactly `aggregate::N` records).
    pub fn private(&self) -> Result<aggregate::Private, ProveError> {
        Ok(aggregate::Private {
            records: fixed("records", &self.records)?,
            input_salt: field_to_fr(&self.input_salt),
            output_salt: field_to_fr(&self.output_salt),
        })
    }
}

impl ClassifyWitness {
    /// The circuit's private input for this witness (exactly `classify::D` weights and
    /// features).
    pub fn private(&self) -> Result<classify::Private, ProveError> {
        Ok(classify::Private {
            model: classify::Model { weights: fixed("weights", &self.weights)?, bias: self.bias },
            model_salt: field_to_fr(&self.model_salt),
            features: fixed("features", &self.features)?,
            input_salt: field_to_fr(&self.input_salt),
            output_salt: field_to_fr(&self.output_salt),
        })
    }
}

impl HashchainWitness {
    /// The circuit's private input for this witness.
    pub fn private(&self) -> hashchain::Private {
        hashchain::Private {
            seed: field_to_fr(&self.seed),
            input_salt: field_to_fr(&self.input_salt),
            output_salt: field_to_fr(&self.output_salt),
        }
    }
}

/// Builds the public statement, the circuit and the clear result for a witness.
fn build(
    witness: &Witness,
    chain_id: Fr,
    task_id: Fr,
    worker_id: Fr,
) -> Result<(Vec<Fr>, Circuit, TaskResult), ProveError> {
    match witness {
        Witness::Aggregate(w) => {
            let private = w.private()?;
            let public = aggregate::Public::from_private(chain_id, task_id, worker_id, w.threshold, &private);
            aggregate::evaluate(&public, &private).map_err(witness_error)?;
            let out = aggregate::compute_output(&private.records, w.threshold);
            let result = TaskResult::Aggregate { sum: out.sum, count: out.count };
            Ok((public.to_field_elements(), Circuit::Aggregate(aggregate::Circuit::new(public, private)), result))
        }
        Witness::Classify(w) => {
            let private = w.private()?;
            let public =
                classify::Public::from_private(chain_id, task_id, worker_id, &private).map_err(witness_error)?;
            classify::evaluate(&public, &private).map_err(witness_error)?;
            let label = classify::classify(&private.model, &private.features).map_err(witness_error)?;
            Ok((
                public.to_field_elements(),
                Circuit::Classify(classify::Circuit::new(public, private)),
                TaskResult::Classify { label },
            ))
        }
        Witness::Hashchain(w) => {
            let private = w.private();
            let public = hashchain::Public::from_private(chain_id, task_id, worker_id, w.depth, &private)
                .map_err(witness_error)?;
            hashchain::evaluate(&public, &private).map_err(witness_error)?;
            let head = hashchain::chain(private.seed, w.depth).map_err(witness_error)?;
            let circuit = hashchain::Circuit::new(public, private).map_err(witness_error)?;
            Ok((
                public.to_field_elements(),
                Circuit::Hashchain(circuit),
                TaskResult::Hashchain { head: fr_to_field(head) },
            ))
        }
    }
}

/// One of the kinds' circuits (short-lived, so its size does not matter).
#[allow(clippy::large_enum_variant)]
pub(crate) enum Circuit {
    Aggregate(aggregate::Circuit),
    Classify(classify::Circuit),
    Hashchain(hashchain::Circuit),
    FairAggregate(fair_exchange::aggregate::Circuit),
    FairClassify(fair_exchange::classify::Circuit),
}

/// Proves that the worker `worker_id` completed task `task_id` of the chain `chain_id` with
/// this witness, under the kind's proving key (the three ids are the field elements the state
/// machine binds: `agora_core::chain_field`, `task_field`, `worker_field`). The witness is checked natively first (clear error instead of a bad
/// proof), and the finished proof is verified against the key's own verifying key before it
/// is returned (so a key for another kind or depth is reported, not submitted). Use
/// [`os_rng`] in production.
pub fn prove_completion<R: RngCore + CryptoRng>(
    witness: &Witness,
    chain_id: FieldBytes,
    task_id: FieldBytes,
    worker_id: FieldBytes,
    pk: &ProvingKey<Bn254>,
    rng: &mut R,
) -> Result<Completion, ProveError> {
    let kind = witness.kind();
    let key_inputs = public_input_count(&pk.vk);
    let circuit_inputs = kind.num_public_inputs();
    if key_inputs != circuit_inputs {
        return Err(ProveError::KeyMismatch { expected: key_inputs, actual: circuit_inputs });
    }
    let (inputs, circuit, result) =
        build(witness, field_to_fr(&chain_id), field_to_fr(&task_id), field_to_fr(&worker_id))?;
    finish(kind.code(), inputs, circuit, result, pk, rng)
}

/// Proves `circuit`, checks the proof under the key's own verifying key and lays out the
/// completion.
pub(crate) fn finish<R: RngCore + CryptoRng>(
    kind: u16,
    inputs: Vec<Fr>,
    circuit: Circuit,
    result: TaskResult,
    pk: &ProvingKey<Bn254>,
    rng: &mut R,
) -> Result<Completion, ProveError> {
    let proof = match circuit {
        Circuit::Aggregate(c) => prove_raw(pk, c, rng)?,
        Circuit::Classify(c) => prove_raw(pk, c, rng)?,
        Circuit::Hashchain(c) => prove_raw(pk, c, rng)?,
        Circuit::FairAggregate(c) => prove_raw(pk, c, rng)?,
        Circuit::FairClassify(c) => prove_raw(pk, c, rng)?,
    };
    let pvk = prepare_verifying_key(&pk.vk);
    if !Groth16::<Bn254>::verify_proof(&pvk, &proof, &inputs).unwrap_or(false) {
        return Err(ProveError::SelfCheckFailed);
    }
    let public_inputs: Vec<FieldBytes> = inputs.into_iter().map(fr_to_field).collect();
    let (input_commitment, output_commitment) = match public_inputs.as_slice() {
        [_, _, _, input, output, ..] => (*input, *output),
        _ => {
            return Err(ProveError::KeyMismatch { expected: public_input_count(&pk.vk), actual: public_inputs.len() });
        }
    };
    Ok(Completion {
        kind,
        input_commitment,
        output_commitment,
        proof: encode_proof(&proof)?,
        public_inputs,
        result,
        sealed: None,
    })
}
