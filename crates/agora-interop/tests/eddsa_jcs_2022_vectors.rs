//! The W3C `eddsa-jcs-2022` test vectors (vectors/, see vectors/README.md) reproduced byte for
//! byte — canonical forms, hashes, signature and proofValue from the given key — and the
//! failures a verifier must report: a changed field, a changed proof, a wrong key.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora_interop::data_integrity::{
    ASSERTION_METHOD, ProofOptions, add_proof, decode_proof_value, hash_data, proof_config, verify_proof,
};
use agora_interop::did_key::{VerificationMethod, did_of, signing_key_from_multibase};
use agora_interop::error::DataIntegrityError;
use serde_json::Value;
use std::path::PathBuf;

fn vector(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(name: &str) -> Value {
    serde_json::from_str(&vector(name)).unwrap()
}

fn jcs(name: &str) -> String {
    vector(&format!("eddsa-jcs-2022/{name}")).trim_end_matches('\n').to_string()
}

fn key_pair() -> (ed25519_dalek::SigningKey, String) {
    let pair = json("keyPair.json");
    let key = signing_key_from_multibase(pair["privateKeyMultibase"].as_str().unwrap()).unwrap();
    (key, pair["publicKeyMultibase"].as_str().unwrap().to_string())
}

fn options() -> ProofOptions {
    let config = json("eddsa-jcs-2022/proofConfigJCS.json");
    ProofOptions {
        created: Some(config["created"].as_str().unwrap().into()),
        verification_method: config["verificationMethod"].as_str().unwrap().into(),
        proof_purpose: config["proofPurpose"].as_str().unwrap().into(),
    }
}

#[test]
fn the_key_pair_derives_the_published_public_key() {
    let (key, public) = key_pair();
    assert_eq!(did_of(&key).unwrap().multibase(), public);
    let method = VerificationMethod::parse(options().verification_method.as_str()).unwrap();
    assert_eq!(method.public_key(), key.verifying_key().to_bytes());
}

#[test]
fn proof_configuration_matches_the_vector() {
    let unsigned = json("unsigned.json");
    let config = proof_config(&unsigned, &options()).unwrap();
    assert_eq!(config, json("eddsa-jcs-2022/proofConfigJCS.json"));
}

#[test]
fn canonical_forms_and_hashes_reproduce_byte_for_byte() {
    let unsigned = json("unsigned.json");
    let config = proof_config(&unsigned, &options()).unwrap();
    let hashes = hash_data(&config, &unsigned).unwrap();
    assert_eq!(hashes.canonical_document, jcs("canonDocJCS.txt"));
    assert_eq!(hashes.canonical_proof_config, jcs("proofCanonJCS.txt"));
    assert_eq!(hex::encode(hashes.document_hash), jcs("docHashJCS.txt"));
    assert_eq!(hex::encode(hashes.proof_config_hash), jcs("proofHashJCS.txt"));
    assert_eq!(hex::encode(hashes.bytes()), jcs("combinedHashJCS.txt"));
}

#[test]
fn signature_and_proof_value_reproduce_from_the_given_key() {
    let (key, _) = key_pair();
    let secured = add_proof(&json("unsigned.json"), &key, &options()).unwrap();
    let proof_value = secured["proof"]["proofValue"].as_str().unwrap();
    assert_eq!(proof_value, jcs("sigBTC58JCS.txt"));
    assert_eq!(hex::encode(decode_proof_value(proof_value).unwrap()), jcs("sigHexJCS.txt"));
    assert_eq!(secured, json("eddsa-jcs-2022/signedJCS.json"));
}

#[test]
fn the_published_signed_credential_verifies() {
    let verified = verify_proof(&json("eddsa-jcs-2022/signedJCS.json")).unwrap();
    assert_eq!(verified.method.id(), options().verification_method);
    assert_eq!(verified.proof_purpose, ASSERTION_METHOD);
    assert_eq!(verified.created.as_deref(), Some("2023-02-24T23:36:38Z"));
}

fn bad_signature(value: &Value) -> bool {
    matches!(verify_proof(value), Err(DataIntegrityError::BadSignature { .. }))
}

#[test]
fn a_changed_field_fails_verification() {
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    signed["credentialSubject"]["alumniOf"] = "The School of Forgeries".into();
    assert!(bad_signature(&signed));
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    signed.as_object_mut().unwrap().insert("extra".into(), true.into());
    assert!(bad_signature(&signed));
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    signed.as_object_mut().unwrap().remove("validFrom");
    let err = verify_proof(&signed).unwrap_err();
    assert!(err.to_string().contains("signature does not verify under did:key:z6Mkr"), "{err}");
}

#[test]
fn a_changed_proof_fails_verification() {
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    signed["proof"]["created"] = "2023-02-24T23:36:39Z".into();
    assert!(bad_signature(&signed));
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    signed["proof"]["proofPurpose"] = "authentication".into();
    assert!(bad_signature(&signed));
    // One flipped signature byte.
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    let mut sig = decode_proof_value(signed["proof"]["proofValue"].as_str().unwrap()).unwrap();
    sig[10] ^= 1;
    signed["proof"]["proofValue"] = agora_interop::data_integrity::encode_proof_value(&sig).into();
    assert!(bad_signature(&signed));
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    signed["proof"]["cryptosuite"] = "eddsa-rdfc-2022".into();
    assert!(matches!(verify_proof(&signed), Err(DataIntegrityError::WrongCryptosuite(_))));
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    signed["proof"]["proofValue"] = "u2HnFSSPP".into();
    assert!(matches!(verify_proof(&signed), Err(DataIntegrityError::ProofValue(_))));
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    signed["proof"]["@context"] = serde_json::json!(["https://example.org/other"]);
    assert!(matches!(verify_proof(&signed), Err(DataIntegrityError::ContextMismatch)));
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    signed.as_object_mut().unwrap().remove("proof");
    assert!(matches!(verify_proof(&signed), Err(DataIntegrityError::MissingProof)));
}

#[test]
fn a_wrong_key_fails_verification() {
    // Signed by another key, but naming the vector's key.
    let other = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let other_method = VerificationMethod::of(did_of(&other).unwrap()).id();
    let mut signed = add_proof(
        &json("unsigned.json"),
        &other,
        &ProofOptions { verification_method: other_method.clone(), ..options() },
    )
    .unwrap();
    assert!(verify_proof(&signed).is_ok());
    signed["proof"]["verificationMethod"] = options().verification_method.into();
    assert!(bad_signature(&signed));
    // The vector's signature presented as another key's.
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    signed["proof"]["verificationMethod"] = other_method.into();
    assert!(bad_signature(&signed));
    // A fragment naming another key than the DID is refused before any signature check.
    let mut signed = json("eddsa-jcs-2022/signedJCS.json");
    let did = options().verification_method.split('#').next().unwrap().to_string();
    signed["proof"]["verificationMethod"] = format!("{did}#{}", did_of(&other).unwrap().multibase()).into();
    assert!(matches!(verify_proof(&signed), Err(DataIntegrityError::VerificationMethod(_))));
    // Signing refuses to name a key other than the signer's.
    assert!(matches!(add_proof(&json("unsigned.json"), &other, &options()), Err(DataIntegrityError::KeyMismatch)));
}
