//! Key directories: generated keys load back with their ids checked, a tampered key file is
//! refused, and a ceremony's raw keys can be imported.

use agora::{CircuitShape, ProofKeys};
use ark_std::rand::SeedableRng;
use ark_std::rand::rngs::StdRng;

const SMALL: CircuitShape = CircuitShape::Hashchain { depth: 1 };

#[test]
fn generated_keys_load_with_matching_ids() {
    let dir = tempfile::tempdir().unwrap();
    let keys = ProofKeys::generate_with_rng(dir.path(), &[SMALL], &mut StdRng::seed_from_u64(1), |_| {}).unwrap();
    let reloaded = ProofKeys::load(dir.path()).unwrap();
    assert_eq!(keys.kind_specs(), reloaded.kind_specs());
    assert!(reloaded.has_key(&keys.kind_specs()[0].key_id));
    assert!(reloaded.proving_key(3).is_ok());
    assert!(reloaded.proving_key(1).is_err(), "no aggregate key in this directory");
}

#[test]
fn a_tampered_verifying_key_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    ProofKeys::generate_with_rng(dir.path(), &[SMALL], &mut StdRng::seed_from_u64(2), |_| {}).unwrap();
    let path = dir.path().join("hashchain.vk");
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    assert!(ProofKeys::load(dir.path()).is_err());
}

#[test]
fn ceremony_keys_import_and_mismatched_pairs_are_refused() {
    let pair = agora::zk::setup_kind(SMALL, &mut StdRng::seed_from_u64(3)).unwrap();
    let other = agora::zk::setup_kind(SMALL, &mut StdRng::seed_from_u64(4)).unwrap();
    let vk = agora::zk::keys::vk_to_bytes(&pair.vk).unwrap();
    let pk = agora::zk::keys::pk_to_bytes(&pair.pk).unwrap();
    let other_pk = agora::zk::keys::pk_to_bytes(&other.pk).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = ProofKeys::import(dir.path(), SMALL, &vk, &other_pk).err().unwrap();
    assert!(err.to_string().contains("does not belong"), "{err}");
    let keys = ProofKeys::import(dir.path(), SMALL, &vk, &pk).unwrap();
    assert_eq!(keys.kind_specs()[0].key_id, pair.key_id);
    assert!(ProofKeys::import(dir.path(), SMALL, &vk[..vk.len() - 1], &pk).is_err());
}
