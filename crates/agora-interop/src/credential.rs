//! W3C Verifiable Credentials 2.0 of Agora's facts: a verified task completion and an agent's
//! reputation at a height, each secured with an `eddsa-jcs-2022` Data Integrity proof by an
//! issuer's `did:key`.
//!
//! A completion credential carries the snarkjs-form verifying key, proof and public inputs, so
//! a verifier re-checks the Groth16 proof itself rather than trusting the issuer; the first
//! three public inputs are checked to be the chain, task and worker the credential names.
//!
//! Types: `["VerifiableCredential", "AgoraCompletionCredential"]` and
//! `["VerifiableCredential", "AgoraReputationCredential"]`; `@context` is the VC 2.0 context
//! alone (its `@vocab` covers Agora's terms). Integers are decimal strings, hashes hex.

use agora::zk::snarkjs::{self, ProofJson, VerificationKeyJson};
use agora::{AgentId, Marketplace, TaskId};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data_integrity::{ASSERTION_METHOD, ProofOptions, add_proof, verify_proof};
use crate::did_key::{VerificationMethod, did_of};
use crate::error::CredentialError;
use crate::feedback::{FeedbackEntry, feedback_summary};
use crate::time::datetime_utc;

/// The VC 2.0 base context, always first.
pub const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The base credential type.
pub const VERIFIABLE_CREDENTIAL: &str = "VerifiableCredential";
/// The type of a verified-completion credential.
pub const COMPLETION_CREDENTIAL: &str = "AgoraCompletionCredential";
/// The type of a reputation credential.
pub const REPUTATION_CREDENTIAL: &str = "AgoraReputationCredential";

/// What a completion credential states about its subject (the worker).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CompletionSubject {
    /// The worker's `did:key`.
    pub id: String,
    /// The employer's `did:key`.
    pub employer: String,
    /// The marketplace: its genesis hash, hex.
    pub chain: String,
    /// Task id (decimal).
    pub task_id: String,
    /// Task kind name as the genesis registers it.
    pub task_kind: String,
    /// Task kind number (decimal).
    pub task_kind_code: String,
    /// The price paid (decimal, in the asset's smallest unit).
    pub price: String,
    /// Asset id (decimal).
    pub asset_id: String,
    /// Asset ticker.
    pub asset_symbol: String,
    /// Height of the block holding the completion (decimal).
    pub block_height: String,
    /// The state digest after that block, hex.
    pub state_digest: String,
    /// blake3 of the verifying key's compressed arkworks form (Agora's key id), hex.
    pub vk_hash: String,
    /// The kind's verifying key, snarkjs form.
    pub verification_key: VerificationKeyJson,
    /// The completion proof, snarkjs form.
    pub groth16_proof: ProofJson,
    /// The public inputs, snarkjs `public.json` form, in circuit order.
    pub public_signals: Vec<String>,
}

/// What a reputation credential states about its subject (the agent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReputationSubject {
    /// The agent's `did:key`.
    pub id: String,
    /// The marketplace: its genesis hash, hex.
    pub chain: String,
    /// Height the figures are taken at (decimal).
    pub block_height: String,
    /// The state digest after that block, hex.
    pub state_digest: String,
    /// Score in whole points at that block's time, decay applied (decimal).
    pub score: String,
    /// Standing as an employer, parts per million (decimal).
    pub standing: String,
    /// Completions settled by a verified proof (decimal).
    pub proven_completions: String,
    /// Whether the agent is in the trusted set.
    pub trusted: bool,
    /// ERC-8004-style feedback summary: one entry per task kind.
    pub feedback: Vec<FeedbackEntry>,
}

/// A credential as Agora writes it (the Data Integrity `proof` is kept as JSON: its checks are
/// [`verify_proof`]'s).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Credential<S> {
    /// `[VC_V2_CONTEXT]`.
    #[serde(rename = "@context")]
    pub context: Vec<String>,
    /// A URN naming the fact.
    pub id: String,
    /// `["VerifiableCredential", <Agora type>]`.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// The issuer's `did:key` (absent only in an unsecured credential made without a key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The block time of the fact.
    pub valid_from: String,
    /// The claims.
    pub credential_subject: S,
    /// The Data Integrity proof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Value>,
}

fn hex32(bytes: &[u8; 32]) -> String {
    hex::encode(bytes)
}

fn secure<S: Serialize>(credential: &Credential<S>, issuer: &SigningKey) -> Result<Value, CredentialError> {
    let document = serde_json::to_value(credential).map_err(|e| CredentialError::Form(e.to_string()))?;
    let method = VerificationMethod::of(did_of(issuer)?);
    let options = ProofOptions {
        created: Some(credential.valid_from.clone()),
        verification_method: method.id(),
        proof_purpose: ASSERTION_METHOD.into(),
    };
    Ok(add_proof(&document, issuer, &options)?)
}

/// The completion credential of `task` (settled by a verified proof), signed by `issuer`.
/// The verifying key is `vk_json` (the kind's key in snarkjs form, e.g. from
/// `ProofKeys::verifying_key`).
pub fn completion_credential(
    market: &Marketplace,
    task: TaskId,
    vk_json: VerificationKeyJson,
    issuer: &SigningKey,
) -> Result<Value, CredentialError> {
    let completion = market.verified_completion(task)?.ok_or_else(|| {
        CredentialError::NotFound(format!("task {task} was not settled by a verified completion proof"))
    })?;
    let asset = market.asset(completion.task.offer.asset)?;
    let chain = hex32(&market.genesis_hash());
    let subject = CompletionSubject {
        id: completion.worker.did(),
        employer: completion.task.employer.did(),
        chain: chain.clone(),
        task_id: task.0.to_string(),
        task_kind: completion.kind.name.clone(),
        task_kind_code: completion.kind.kind.to_string(),
        price: completion.task.price.to_string(),
        asset_id: completion.task.offer.asset.0.to_string(),
        asset_symbol: asset.map(|a| a.symbol).unwrap_or_default(),
        block_height: completion.height.to_string(),
        state_digest: hex32(&completion.digest),
        vk_hash: String::from(completion.kind.key_id),
        verification_key: vk_json,
        groth16_proof: snarkjs::proof_bytes_to_json(&completion.proof)?,
        public_signals: snarkjs::public_to_json(&completion.public_inputs),
    };
    let credential = Credential {
        context: vec![VC_V2_CONTEXT.into()],
        id: format!("urn:agora:{chain}:completion:{}", task.0),
        types: vec![VERIFIABLE_CREDENTIAL.into(), COMPLETION_CREDENTIAL.into()],
        issuer: Some(did_of(issuer)?.did()),
        valid_from: datetime_utc(completion.time),
        credential_subject: subject,
        proof: None,
    };
    secure(&credential, issuer)
}

/// The reputation credential of `agent` at the tip: score, standing, proven completions, the
/// per-kind feedback summary and the state digest. Signed by `issuer` when given; without it
/// the credential is returned unsecured (no `proof`).
pub fn reputation_credential(
    market: &Marketplace,
    agent: &AgentId,
    issuer: Option<&SigningKey>,
) -> Result<Value, CredentialError> {
    let report = market.reputation(agent)?;
    let tip = market.tip();
    let chain = hex32(&market.genesis_hash());
    let subject = ReputationSubject {
        id: agent.did(),
        chain: chain.clone(),
        block_height: tip.height.to_string(),
        state_digest: hex32(&tip.digest),
        score: report.score.to_string(),
        standing: report.standing.to_string(),
        proven_completions: report.proven_completions.to_string(),
        trusted: report.trusted,
        feedback: feedback_summary(market, agent)?,
    };
    let issuer_did = match issuer {
        Some(key) => Some(did_of(key)?.did()),
        None => None,
    };
    let credential = Credential {
        context: vec![VC_V2_CONTEXT.into()],
        id: format!("urn:agora:{chain}:reputation:{}:{}", agent.multibase(), tip.height),
        types: vec![VERIFIABLE_CREDENTIAL.into(), REPUTATION_CREDENTIAL.into()],
        issuer: issuer_did,
        valid_from: datetime_utc(tip.time),
        credential_subject: subject,
        proof: None,
    };
    match issuer {
        Some(key) => secure(&credential, key),
        None => serde_json::to_value(&credential).map_err(|e| CredentialError::Form(e.to_string())),
    }
}

/// Which credential a file held and what verifying it established.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationReport {
    /// `AgoraCompletionCredential` or `AgoraReputationCredential`.
    pub credential_type: String,
    /// The issuer (the DID whose key signed).
    pub issuer: String,
    /// The subject's DID.
    pub subject: String,
    /// The marketplace's genesis hash, hex.
    pub chain: String,
    /// The height the credential speaks of (decimal).
    pub block_height: String,
    /// The state digest it states, hex (compare it with a replica's digest at that height).
    pub state_digest: String,
    /// The checks that passed, in order.
    pub checks: Vec<String>,
}

fn form(e: impl std::fmt::Display) -> CredentialError {
    CredentialError::Form(e.to_string())
}

fn check_envelope<S>(credential: &Credential<S>, expected_type: &str) -> Result<(), CredentialError> {
    if credential.context.first().map(String::as_str) != Some(VC_V2_CONTEXT) {
        return Err(form(format!("@context must start with {VC_V2_CONTEXT}")));
    }
    if !credential.types.iter().any(|t| t == VERIFIABLE_CREDENTIAL)
        || !credential.types.iter().any(|t| t == expected_type)
    {
        return Err(form(format!("type must include {VERIFIABLE_CREDENTIAL} and {expected_type}")));
    }
    crate::time::check_datetime("validFrom", &credential.valid_from)?;
    Ok(())
}

/// Verifies an Agora credential: the Data Integrity proof (signature by the `did:key` it
/// names), that the issuer is that DID, the credential's form, and for a completion the
/// Groth16 proof against the embedded key, with the key's hash and the chain, task and worker
/// bindings of the public inputs.
pub fn verify_credential(secured: &Value) -> Result<VerificationReport, CredentialError> {
    let proof = verify_proof(secured)?;
    let signer = proof.method.did().did();
    let types: Vec<String> = secured
        .get("type")
        .and_then(|t| serde_json::from_value(t.clone()).ok())
        .ok_or_else(|| form("type must be an array of strings"))?;
    let mut checks = vec![format!("eddsa-jcs-2022 signature by {}", proof.method.id())];
    if types.iter().any(|t| t == COMPLETION_CREDENTIAL) {
        let credential: Credential<CompletionSubject> = serde_json::from_value(secured.clone()).map_err(form)?;
        check_envelope(&credential, COMPLETION_CREDENTIAL)?;
        let issuer = check_issuer(&credential.issuer, &signer)?;
        checks.push("issuer is the signing did:key".into());
        let s = &credential.credential_subject;
        check_completion_proof(s, &mut checks)?;
        Ok(VerificationReport {
            credential_type: COMPLETION_CREDENTIAL.into(),
            issuer,
            subject: s.id.clone(),
            chain: s.chain.clone(),
            block_height: s.block_height.clone(),
            state_digest: s.state_digest.clone(),
            checks,
        })
    } else if types.iter().any(|t| t == REPUTATION_CREDENTIAL) {
        let credential: Credential<ReputationSubject> = serde_json::from_value(secured.clone()).map_err(form)?;
        check_envelope(&credential, REPUTATION_CREDENTIAL)?;
        let issuer = check_issuer(&credential.issuer, &signer)?;
        checks.push("issuer is the signing did:key".into());
        let s = &credential.credential_subject;
        AgentId::parse_did(&s.id).map_err(|e| form(format!("credentialSubject.id: {e}")))?;
        Ok(VerificationReport {
            credential_type: REPUTATION_CREDENTIAL.into(),
            issuer,
            subject: s.id.clone(),
            chain: s.chain.clone(),
            block_height: s.block_height.clone(),
            state_digest: s.state_digest.clone(),
            checks,
        })
    } else {
        Err(form(format!("type names neither {COMPLETION_CREDENTIAL} nor {REPUTATION_CREDENTIAL}")))
    }
}

fn check_issuer(issuer: &Option<String>, signer: &str) -> Result<String, CredentialError> {
    let issuer = issuer.as_deref().ok_or_else(|| form("the credential has no issuer"))?;
    if issuer != signer {
        return Err(CredentialError::IssuerMismatch {
            issuer: issuer.chars().take(120).collect(),
            signer: signer.into(),
        });
    }
    Ok(issuer.to_string())
}

fn parse_hex32(field: &str, text: &str) -> Result<[u8; 32], CredentialError> {
    let raw = hex::decode(text).map_err(|_| form(format!("{field} is not hex")))?;
    raw.try_into().map_err(|_| form(format!("{field} must be 32 bytes")))
}

fn check_completion_proof(s: &CompletionSubject, checks: &mut Vec<String>) -> Result<(), CredentialError> {
    let vk = s.verification_key.to_vk()?;
    let computed = String::from(agora::zk::key_id(&vk).map_err(|e| form(format!("verifying key: {e}")))?);
    if computed != s.vk_hash {
        return Err(CredentialError::VkHashMismatch { stated: s.vk_hash.chars().take(80).collect(), computed });
    }
    checks.push("vkHash is the blake3 hash of the embedded verifying key".into());
    let inputs = snarkjs::parse_public_inputs(&s.public_signals)?;
    let genesis = parse_hex32("chain", &s.chain)?;
    let task: u64 = s.task_id.parse().map_err(|_| form("taskId is not a decimal u64"))?;
    let worker = AgentId::parse_did(&s.id).map_err(|e| form(format!("credentialSubject.id: {e}")))?;
    let expected = [
        ("chain", agora::core::chain_field(&genesis)),
        ("taskId", agora::core::task_field(TaskId(task))),
        ("worker", agora::core::worker_field(&worker)),
    ];
    for (index, (name, value)) in expected.iter().enumerate() {
        if inputs.get(index) != Some(value) {
            return Err(CredentialError::BindingMismatch { index, name });
        }
    }
    checks.push("public inputs 0-2 bind the chain, the task and the worker".into());
    if !snarkjs::verify(&s.verification_key, &s.groth16_proof, &s.public_signals)? {
        return Err(CredentialError::Groth16Invalid);
    }
    checks.push("Groth16 proof verifies against the verifying key and public inputs".into());
    Ok(())
}
