//! [`Groth16Verifier`]: the registry of verifying keys that implements the core's
//! [`ProofVerifier`].

use std::collections::BTreeMap;

use std::sync::{Arc, RwLock};

use agora_core::{
    CurvePoint, FieldBytes, KeyFacts, KeyId, KeyPossession, KeyRejection, ProofClaim, ProofVerdict, ProofVerifier,
    SealingRejection,
};
use ark_bn254::Bn254;
use ark_ec::pairing::Pairing;
use ark_groth16::{Groth16, PreparedVerifyingKey, VerifyingKey, prepare_verifying_key};
use ark_snark::SNARK;

use crate::cost::{CostCounter, VerifyCost};
use crate::encoding::{decode_proof, fields_to_frs};
use crate::error::KeyError;
use crate::keys::{check_vk_sanity, import_vk, key_id, public_input_count};

/// A registered key, prepared for verification.
#[derive(Clone, Debug)]
pub(crate) struct RegisteredKey {
    /// The prepared key (contains the plain key as `pvk.vk`).
    pub(crate) pvk: PreparedVerifyingKey<Bn254>,
    /// `β` in G2, prepared once for the batch equation's `e(−(Σ r_i)·α, β)` pair.
    pub(crate) beta_prepared: <Bn254 as Pairing>::G2Prepared,
    /// Number of public inputs the key expects.
    pub(crate) inputs: usize,
}

/// Verifies Groth16 (BN254) proofs against a set of registered verifying keys.
///
/// Claims are grouped by key and each group is checked with one randomised batch equation
/// (see [`crate::batch`]); a failing group is bisected so that exactly the bad proofs are
/// rejected. Verdicts are deterministic: the batch weights are derived from the claims
/// themselves.
///
/// Keys come from two places: [`Groth16Verifier::register`] (the genesis kinds' keys from a key
/// directory) and the claims themselves (keys the kind registry holds in state, registered or
/// rotated by transaction). A key that arrives in a claim is decoded, checked and prepared once
/// and cached by id; the cache (shared by clones) only saves work, it never changes a verdict.
#[derive(Clone, Debug, Default)]
pub struct Groth16Verifier {
    keys: BTreeMap<KeyId, Arc<RegisteredKey>>,
    /// Prepared keys that arrived in claims or registrations, by id.
    runtime: Arc<RwLock<BTreeMap<KeyId, Arc<RegisteredKey>>>>,
    /// Pairing work done so far (a clone starts from the original's total).
    cost: CostCounter,
}

/// Most runtime keys kept prepared at once (the registry's own limit is far below); beyond it
/// the cache is cleared and refilled on demand.
pub const MAX_CACHED_RUNTIME_KEYS: usize = 4_096;

impl RegisteredKey {
    fn prepare(vk: VerifyingKey<Bn254>) -> Self {
        let inputs = public_input_count(&vk);
        let beta_prepared = vk.beta_g2.into();
        let pvk = prepare_verifying_key(&vk);
        RegisteredKey { pvk, beta_prepared, inputs }
    }
}

impl Groth16Verifier {
    /// A verifier with no keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a verifying key after sanity checks (see [`check_vk_sanity`]); returns its id.
    /// Registering the same key twice is harmless.
    pub fn register(&mut self, vk: VerifyingKey<Bn254>) -> Result<KeyId, KeyError> {
        check_vk_sanity(&vk)?;
        let id = key_id(&vk)?;
        self.keys.insert(id, Arc::new(RegisteredKey::prepare(vk)));
        Ok(id)
    }

    /// The prepared key a claim names: a registered one, else one cached from an earlier claim,
    /// else the key the claim carries (imported with every check, and only if it hashes to the
    /// claimed id), prepared and cached. `None` when the claim names a key this verifier cannot
    /// get.
    pub(crate) fn resolve(&self, claim: &ProofClaim) -> Option<Arc<RegisteredKey>> {
        if let Some(key) = self.keys.get(&claim.key_id) {
            return Some(key.clone());
        }
        if let Some(key) = self.runtime.read().ok()?.get(&claim.key_id) {
            return Some(key.clone());
        }
        let (vk, id) = import_vk(claim.key.as_deref()?).ok()?;
        (id == claim.key_id).then(|| self.cache(id, vk))
    }

    fn cache(&self, id: KeyId, vk: VerifyingKey<Bn254>) -> Arc<RegisteredKey> {
        let key = Arc::new(RegisteredKey::prepare(vk));
        if let Ok(mut runtime) = self.runtime.write() {
            if runtime.len() >= MAX_CACHED_RUNTIME_KEYS {
                runtime.clear();
            }
            runtime.insert(id, key.clone());
        }
        key
    }

    /// The number of keys prepared from claims or registrations so far (cached).
    pub fn cached_runtime_keys(&self) -> usize {
        self.runtime.read().map(|r| r.len()).unwrap_or(0)
    }

    /// True when a key with this id is registered.
    pub fn contains(&self, id: &KeyId) -> bool {
        self.keys.contains_key(id)
    }

    /// The ids of all registered keys, in order.
    pub fn key_ids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys.keys()
    }

    /// The number of public inputs the key expects, if registered.
    pub fn expected_inputs(&self, id: &KeyId) -> Option<usize> {
        self.keys.get(id).map(|k| k.inputs)
    }

    /// The registered verifying key with this id.
    pub fn verifying_key(&self, id: &KeyId) -> Option<&VerifyingKey<Bn254>> {
        self.keys.get(id).map(|k| &k.pvk.vk)
    }

    /// Checks one claim on its own (no batching), with
    /// `Groth16::<Bn254>::verify_with_processed_vk`.
    pub fn verify_single(&self, claim: &ProofClaim) -> ProofVerdict {
        let Some(key) = self.resolve(claim) else {
            return ProofVerdict::UnknownKey;
        };
        if claim.public_inputs.len() != key.inputs {
            return ProofVerdict::WrongInputCount;
        }
        let Ok(proof) = decode_proof(&claim.proof) else {
            return ProofVerdict::Malformed;
        };
        let inputs = fields_to_frs(&claim.public_inputs);
        self.cost.add(VerifyCost::SINGLE);
        match Groth16::<Bn254>::verify_with_processed_vk(&key.pvk, &inputs, &proof) {
            Ok(true) => ProofVerdict::Valid,
            _ => ProofVerdict::Invalid,
        }
    }

    /// The pairing work this verifier has done since it was made or last [`reset_cost`]
    /// (every single and batch check counted; see [`crate::cost`]).
    ///
    /// [`reset_cost`]: Groth16Verifier::reset_cost
    pub fn cost(&self) -> VerifyCost {
        self.cost.get()
    }

    /// Sets the work counter back to zero.
    pub fn reset_cost(&self) {
        self.cost.reset()
    }

    pub(crate) fn cost_counter(&self) -> &CostCounter {
        &self.cost
    }
}

impl ProofVerifier for Groth16Verifier {
    fn verify_batch(&self, claims: &[ProofClaim]) -> Vec<ProofVerdict> {
        crate::batch::verify_claims(self, claims)
    }

    /// Imports the key with every check of [`import_vk`] (size, canonical, on curve, in
    /// subgroup, not degenerate), prepares and caches it.
    fn inspect_key(&self, vk: &[u8]) -> Result<KeyFacts, KeyRejection> {
        let (key, id) = import_vk(vk).map_err(|e| match e {
            KeyError::Degenerate(why) => KeyRejection::Degenerate(why.to_string()),
            other => KeyRejection::Malformed(other.to_string()),
        })?;
        let public_inputs = public_input_count(&key);
        self.cache(id, key);
        Ok(KeyFacts { public_inputs })
    }

    /// Schnorr on BabyJubJub ([`crate::sealing::check_possession`]).
    fn check_possession(
        &self,
        key: &CurvePoint,
        possession: &KeyPossession,
        message: &[u8],
    ) -> Result<(), SealingRejection> {
        crate::sealing::check_possession(key, possession, message)
    }

    /// The ephemeral key validated, the ciphertext hashed with Poseidon
    /// ([`crate::sealing::envelope_inputs`]).
    fn envelope_inputs(
        &self,
        employer_key: &CurvePoint,
        ephemeral_key: &CurvePoint,
        ciphertext: &[FieldBytes],
    ) -> Result<Vec<FieldBytes>, SealingRejection> {
        crate::sealing::envelope_inputs(employer_key, ephemeral_key, ciphertext)
    }
}
