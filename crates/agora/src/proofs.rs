//! Proof keys of a marketplace and the worker's side of the proof gate.
//!
//! A key directory holds, per proof-gated task kind, a proving key (`<name>.pk`, for workers),
//! a verifying key (`<name>.vk`, for every replica) and a manifest (`kinds.json`) naming the
//! kind, its circuit shape and its key id. The genesis registers the same key ids, so a replica
//! only ever verifies under keys the marketplace agreed on.

use crate::error::Error;
use agora_circuits::{aggregate, classify, hashchain};
use agora_core::{
    AgentId, CurvePoint, FieldBytes, KeyId, KindSpec, PostTask, TaskId, chain_field, offer_public_inputs, task_field,
    worker_field,
};
use agora_zk::keys::{read_pk_file, read_vk_file, write_pk_file, write_vk_file};
use agora_zk::{CircuitShape, Completion, Groth16Verifier, KeyPair, Witness, field_to_fr, fr_to_field, setup_kind};
use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest key manifest `ProofKeys::load` reads: a few hundred bytes per kind, far above any
/// real directory, checked before the file is parsed.
pub const MAX_MANIFEST_BYTES: usize = 256 * 1024;

/// The manifest file in a key directory.
pub const MANIFEST_FILE: &str = "kinds.json";
/// Depth of the `hashchain` kind registered by default (≈ 4,300 constraints).
pub const DEFAULT_HASHCHAIN_DEPTH: u32 = 16;
/// Kind parameters each proof-gated kind carries (threshold, model commitment, depth).
pub const KIND_PARAM_COUNT: u8 = 1;

/// The circuit shapes a marketplace registers by default: one key per kind, the plain kinds
/// and their fair-exchange variants.
pub fn default_shapes() -> Vec<CircuitShape> {
    vec![
        CircuitShape::Aggregate,
        CircuitShape::Classify,
        CircuitShape::Hashchain { depth: DEFAULT_HASHCHAIN_DEPTH },
        CircuitShape::FairAggregate,
        CircuitShape::FairClassify,
    ]
}

/// A kind's entry in the manifest.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindKey {
    /// The kind as registered in the genesis.
    pub spec: KindSpec,
    /// The circuit the keys were made for.
    pub shape: CircuitShape,
}

fn kind_name(shape: CircuitShape) -> &'static str {
    shape.name()
}

/// The verifying side (and, on demand, the proving side) of a key directory.
#[derive(Clone)]
pub struct ProofKeys {
    dir: PathBuf,
    kinds: Vec<KindKey>,
    verifier: Arc<Groth16Verifier>,
}

impl ProofKeys {
    /// Runs the circuit-specific setup for every shape with operating-system randomness, writes
    /// the keys and the manifest to `dir`, and reports progress through `on_kind`.
    pub fn generate(dir: impl AsRef<Path>, shapes: &[CircuitShape], on_kind: impl FnMut(&str)) -> Result<Self, Error> {
        let mut rng = agora_zk::os_rng().map_err(|e| Error::Proof(e.to_string()))?;
        Self::generate_with_rng(dir, shapes, &mut rng, on_kind)
    }

    /// [`ProofKeys::generate`] with the caller's RNG. **Tests only**: production keys must come
    /// from OS randomness, because whoever knows the setup randomness can forge proofs.
    pub fn generate_with_rng<R: ark_std::rand::RngCore + ark_std::rand::CryptoRng>(
        dir: impl AsRef<Path>,
        shapes: &[CircuitShape],
        rng: &mut R,
        mut on_kind: impl FnMut(&str),
    ) -> Result<Self, Error> {
        let dir = dir.as_ref().to_path_buf();
        let mut kinds = Vec::new();
        for shape in shapes {
            on_kind(kind_name(*shape));
            let KeyPair { pk, vk, key_id } = setup_kind(*shape, rng).map_err(|e| Error::Proof(e.to_string()))?;
            kinds.push(install(&dir, *shape, &pk, &vk, key_id)?);
        }
        write_manifest(&dir, &kinds)?;
        Self::load(dir)
    }

    /// Imports keys made elsewhere — a multi-party ceremony's output, as raw arkworks-compressed
    /// verifying and proving keys — for `shape`, replacing that kind's entry in the manifest of
    /// `dir`. Both keys are fully validated (points on curve and in subgroup), must belong
    /// together (same key id) and must have the kind's number of public inputs.
    pub fn import(dir: impl AsRef<Path>, shape: CircuitShape, vk_bytes: &[u8], pk_bytes: &[u8]) -> Result<Self, Error> {
        let dir = dir.as_ref().to_path_buf();
        let (vk, key_id) =
            agora_zk::keys::import_vk(vk_bytes).map_err(|e| Error::Proof(format!("verifying key: {e}")))?;
        let (pk, pk_id) = agora_zk::keys::import_pk(pk_bytes).map_err(|e| Error::Proof(format!("proving key: {e}")))?;
        if pk_id != key_id {
            return Err(Error::Proof("the proving key does not belong to the verifying key".into()));
        }
        let inputs = agora_zk::keys::public_input_count(&vk);
        if inputs != shape.num_public_inputs() {
            return Err(Error::Proof(format!(
                "key has {inputs} public inputs, kind {} needs {}",
                kind_name(shape),
                shape.num_public_inputs()
            )));
        }
        let mut kinds: Vec<KindKey> = match Self::load(&dir) {
            Ok(existing) => existing.kinds,
            Err(_) => Vec::new(),
        };
        kinds.retain(|k| k.spec.kind != shape.code());
        kinds.push(install(&dir, shape, &pk, &vk, key_id)?);
        kinds.sort_by_key(|k| k.spec.kind);
        write_manifest(&dir, &kinds)?;
        Self::load(dir)
    }

    /// Loads the manifest and every verifying key, checking each file's key id against the
    /// manifest (a swapped or tampered key file is refused).
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, Error> {
        let dir = dir.as_ref().to_path_buf();
        let path = dir.join(MANIFEST_FILE);
        let bytes = agora_zk::keys::read_limited(&path, MAX_MANIFEST_BYTES)
            .map_err(|e| Error::Proof(format!("reading {}: {e}", path.display())))?;
        let kinds: Vec<KindKey> = agora_core::json::from_slice_bounded(&bytes, "key manifest", MAX_MANIFEST_BYTES)
            .map_err(|e| Error::Proof(format!("{}: {e}", path.display())))?;
        let mut verifier = Groth16Verifier::new();
        for kind in &kinds {
            let path = dir.join(format!("{}.vk", kind.spec.name));
            let (vk, id) = read_vk_file(&path).map_err(|e| Error::Proof(format!("{}: {e}", path.display())))?;
            if id != kind.spec.key_id {
                return Err(Error::Proof(format!("{}: key id does not match the manifest", path.display())));
            }
            verifier.register(vk).map_err(|e| Error::Proof(e.to_string()))?;
        }
        Ok(ProofKeys { dir, kinds, verifier: Arc::new(verifier) })
    }

    /// The kinds to register in a genesis.
    pub fn kind_specs(&self) -> Vec<KindSpec> {
        self.kinds.iter().map(|k| k.spec.clone()).collect()
    }

    /// The manifest entries.
    pub fn kinds(&self) -> &[KindKey] {
        &self.kinds
    }

    /// The verifier holding every verifying key.
    pub fn verifier(&self) -> Arc<Groth16Verifier> {
        self.verifier.clone()
    }

    /// True when the verifier holds this key id.
    pub fn has_key(&self, id: &KeyId) -> bool {
        self.verifier.contains(id)
    }

    /// Fails unless these keys hold the key of every kind in `kinds` (a genesis's registered
    /// kinds) with the number of public inputs the kind declares.
    pub fn check_kinds(&self, kinds: &[KindSpec]) -> Result<(), Error> {
        for spec in kinds {
            if !self.has_key(&spec.key_id) {
                return Err(Error::Proof(format!("no verifying key for kind {} ({})", spec.kind, spec.name)));
            }
            let expected = self.verifier.expected_inputs(&spec.key_id);
            let declared = spec.public_inputs();
            if expected != Some(declared) {
                return Err(Error::Proof(format!(
                    "kind {} ({}) declares {} parameters but its key expects {:?} public inputs",
                    spec.kind, spec.name, spec.param_count, expected
                )));
            }
        }
        Ok(())
    }

    /// The manifest entry of `kind`.
    pub fn entry(&self, kind: u16) -> Result<&KindKey, Error> {
        self.kinds
            .iter()
            .find(|k| k.spec.kind == kind)
            .ok_or_else(|| Error::Proof(format!("the key directory holds no keys for kind {kind}")))
    }

    /// Adds keys for a kind registered at runtime (by transaction) to the directory: `spec`
    /// names the kind as the registry will (number, name, parameters), `shape` the circuit the
    /// keys were made for. The keys are written, the manifest entry of that kind number is
    /// replaced, and the directory is reloaded.
    pub fn add_kind(dir: impl AsRef<Path>, spec: KindSpec, shape: CircuitShape, pair: &KeyPair) -> Result<Self, Error> {
        let dir = dir.as_ref().to_path_buf();
        if spec.key_id != pair.key_id {
            return Err(Error::Proof("the kind spec names another key than the key pair's".into()));
        }
        let declared = spec.public_inputs();
        if shape.num_public_inputs() != declared || shape.sealed_fields() != spec.sealed_fields {
            return Err(Error::Proof(format!(
                "the {} circuit has {} public inputs and {} sealed fields, the kind declares {declared} and {}",
                shape.name(),
                shape.num_public_inputs(),
                shape.sealed_fields(),
                spec.sealed_fields
            )));
        }
        let mut kinds = Self::load(&dir)?.kinds;
        kinds.retain(|k| k.spec.kind != spec.kind && k.spec.name != spec.name);
        std::fs::create_dir_all(&dir).map_err(|e| Error::Proof(format!("creating {}: {e}", dir.display())))?;
        write_pk_file(&dir.join(format!("{}.pk", spec.name)), &pair.pk).map_err(|e| Error::Proof(e.to_string()))?;
        write_vk_file(&dir.join(format!("{}.vk", spec.name)), &pair.vk).map_err(|e| Error::Proof(e.to_string()))?;
        kinds.push(KindKey { spec, shape });
        kinds.sort_by_key(|k| k.spec.kind);
        write_manifest(&dir, &kinds)?;
        Self::load(dir)
    }

    /// Reads the proving key of `kind` from disk (checked against the manifest's key id).
    pub fn proving_key(&self, kind: u16) -> Result<ProvingKey<Bn254>, Error> {
        let entry = self.entry(kind)?;
        let path = self.dir.join(format!("{}.pk", entry.spec.name));
        let (pk, id) = read_pk_file(&path).map_err(|e| Error::Proof(format!("{}: {e}", path.display())))?;
        if id != entry.spec.key_id {
            return Err(Error::Proof(format!("{}: key id does not match the manifest", path.display())));
        }
        Ok(pk)
    }
}

fn install(
    dir: &Path,
    shape: CircuitShape,
    pk: &ProvingKey<Bn254>,
    vk: &ark_groth16::VerifyingKey<Bn254>,
    key_id: KeyId,
) -> Result<KindKey, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Proof(format!("creating {}: {e}", dir.display())))?;
    let name = kind_name(shape);
    write_pk_file(&dir.join(format!("{name}.pk")), pk).map_err(|e| Error::Proof(e.to_string()))?;
    write_vk_file(&dir.join(format!("{name}.vk")), vk).map_err(|e| Error::Proof(e.to_string()))?;
    let spec = KindSpec {
        kind: shape.code(),
        name: name.to_string(),
        key_id,
        param_count: KIND_PARAM_COUNT,
        sealed_fields: shape.sealed_fields(),
        base_kind: shape.fair_kind().map(|fair| fair.base().code()),
    };
    Ok(KindKey { spec, shape })
}

fn write_manifest(dir: &Path, kinds: &[KindKey]) -> Result<(), Error> {
    let manifest = serde_json::to_string_pretty(kinds).map_err(|e| Error::Proof(e.to_string()))?;
    std::fs::write(dir.join(MANIFEST_FILE), manifest).map_err(|e| Error::Proof(format!("writing manifest: {e}")))
}

/// The fair-exchange variant of the built-in kind `base` (aggregate 1 → 11, classify 2 → 12),
/// if it has one: what an employer posts instead of `base` to be paid only against the output
/// sealed to its encryption key.
pub fn fair_exchange_kind(base: u16) -> Option<u16> {
    agora_circuits::fair_exchange::FairKind::ALL.iter().find(|fair| fair.base().code() == base).map(|fair| fair.code())
}

/// What an employer publishes in `PostTask` for this data: the kind, the input commitment and
/// the kind parameters. The employer computes it from the data it will hand the worker.
pub fn task_terms(witness: &Witness) -> Result<(u16, FieldBytes, Vec<FieldBytes>), Error> {
    let bad = |e: &dyn std::fmt::Display| Error::Proof(format!("witness: {e}"));
    Ok(match witness {
        Witness::Aggregate(w) => {
            let records: [u64; aggregate::N] =
                w.records.as_slice().try_into().map_err(|_| bad(&format!("need {} records", aggregate::N)))?;
            let commitment = aggregate::input_commitment(&records, field_to_fr(&w.input_salt));
            (aggregate::KIND, fr_to_field(commitment), vec![FieldBytes::from_u64(w.threshold)])
        }
        Witness::Classify(w) => {
            let weights: [i32; classify::D] =
                w.weights.as_slice().try_into().map_err(|_| bad(&format!("need {} weights", classify::D)))?;
            let features: [i32; classify::D] =
                w.features.as_slice().try_into().map_err(|_| bad(&format!("need {} features", classify::D)))?;
            let model = classify::Model { weights, bias: w.bias };
            classify::check_ranges(&model, &features).map_err(|e| bad(&e))?;
            let model_commitment = classify::model_commitment(&model, field_to_fr(&w.model_salt));
            let input = classify::input_commitment(&features, field_to_fr(&w.input_salt));
            (classify::KIND, fr_to_field(input), vec![fr_to_field(model_commitment)])
        }
        Witness::Hashchain(w) => {
            let input = hashchain::input_commitment(field_to_fr(&w.seed), field_to_fr(&w.input_salt));
            (hashchain::KIND, fr_to_field(input), vec![FieldBytes::from_u64(u64::from(w.depth))])
        }
    })
}

/// The worker's proof for `task`, whose offer is `offer`, on the chain with `genesis_hash`, as
/// `worker`: checks the witness matches what the employer published (input commitment,
/// parameters; for a fair-exchange kind the witness is its base kind's), proves with
/// operating-system randomness, and checks the statement equals the one the state machine will
/// build. A fair-exchange task needs `employer_key`, the key the task records (its output is
/// sealed to it, and the completion's `sealed` carries the ciphertext); a plain task takes
/// `None`. [`crate::Marketplace::prove_completion`] calls it with the stored task; a wallet
/// working through a node calls it with the task the node returned.
pub fn prove_offer(
    keys: &ProofKeys,
    genesis_hash: &[u8; 32],
    task: TaskId,
    offer: &PostTask,
    worker: &AgentId,
    witness: &Witness,
    employer_key: Option<&CurvePoint>,
) -> Result<Completion, Error> {
    let entry = keys.entry(offer.kind)?;
    if entry.shape.kind() != witness.kind() {
        return Err(Error::Proof(format!(
            "witness is for the {:?} circuit; task {task}'s kind {} ({}) is proven with the {:?} circuit",
            witness.kind(),
            offer.kind,
            entry.spec.name,
            entry.shape.kind()
        )));
    }
    let (_, input_commitment, params) = task_terms(witness)?;
    if input_commitment != offer.input_commitment || params != offer.params {
        return Err(Error::Proof(format!("witness does not match task {task} (input commitment or parameters)")));
    }
    let pk = keys.proving_key(offer.kind)?;
    let mut rng = agora_zk::os_rng().map_err(|e| Error::Proof(e.to_string()))?;
    let chain = chain_field(genesis_hash);
    let (task_id, worker_id) = (task_field(task), worker_field(worker));
    let completion = match (entry.shape.fair_kind(), employer_key) {
        (None, None) => agora_zk::prove_completion(witness, chain, task_id, worker_id, &pk, &mut rng),
        (Some(_), Some(key)) => agora_zk::prove_fair_completion(witness, chain, task_id, worker_id, key, &pk, &mut rng),
        (Some(_), None) => return Err(Error::Proof(format!("task {task} is fair-exchange but has no employer key"))),
        (None, Some(_)) => return Err(Error::Proof(format!("task {task} is not fair-exchange"))),
    }
    .map_err(|e| Error::Proof(e.to_string()))?;
    let mut expected = offer_public_inputs(chain, task, offer, worker, &completion.output_commitment);
    if let (Some(key), Some(sealed)) = (employer_key, &completion.sealed) {
        let envelope = agora_zk::sealing::envelope_inputs(key, &sealed.ephemeral_key, &sealed.ciphertext)
            .map_err(|e| Error::Proof(format!("sealed output: {e}")))?;
        expected.extend(envelope);
    }
    if expected != completion.public_inputs {
        return Err(Error::Proof("proof statement differs from the one the state machine will build".into()));
    }
    Ok(completion)
}
