//! Circuit-specific Groth16 setup, key ids, key files and import of externally generated keys.
//!
//! A [`KeyId`] is blake3 of the verifying key's canonical compressed arkworks serialisation.
//!
//! Key file layout (both kinds):
//!
//! | bytes | field |
//! | --- | --- |
//! | 8 | magic: [`VK_FILE_MAGIC`] or [`PK_FILE_MAGIC`] |
//! | 2 | format version, little-endian ([`KEY_FILE_VERSION`]) |
//! | 32 | key id of the verifying key (for a proving key: of its embedded verifying key) |
//! | 8 | body length, little-endian |
//! | n | body: the key, arkworks compressed |
//!
//! Loading checks the size limits before decoding anything, decodes with `Validate::Yes`
//! (every point on the curve and in the subgroup), rejects trailing bytes, recomputes the key
//! id and fails on a mismatch with the header.

use std::io::Read;
use std::path::Path;

use agora_core::KeyId;
use ark_bn254::{Bn254, Fr};
use ark_ec::AffineRepr;
use ark_groth16::{Groth16, ProvingKey, VerifyingKey};
use ark_relations::gr1cs::ConstraintSynthesizer;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use ark_snark::SNARK;
use ark_std::rand::{CryptoRng, RngCore};

use crate::error::{KeyError, SetupError};
use crate::rng::os_rng;

/// Largest number of public inputs a verifying key may declare.
pub const MAX_PUBLIC_INPUTS: usize = 1024;
/// Largest accepted compressed verifying key: fixed part (32 + 3·64 + 8) plus one 32-byte base
/// per public input and one for the constant.
pub const MAX_VK_BYTES: usize = 32 + 3 * 64 + 8 + 32 * (MAX_PUBLIC_INPUTS + 1);
/// Largest accepted compressed proving key (512 MiB).
pub const MAX_PK_BYTES: usize = 512 * 1024 * 1024;
/// Magic bytes opening a verifying key file.
pub const VK_FILE_MAGIC: [u8; 8] = *b"AGORAVK\0";
/// Magic bytes opening a proving key file.
pub const PK_FILE_MAGIC: [u8; 8] = *b"AGORAPK\0";
/// Current key file format version.
pub const KEY_FILE_VERSION: u16 = 1;
/// Bytes of the key file header (magic, version, key id, body length).
pub const KEY_FILE_HEADER_BYTES: usize = 8 + 2 + 32 + 8;

/// The output of a setup: both keys and the verifying key's id.
#[derive(Clone, Debug)]
pub struct KeyPair {
    /// The proving key (for workers).
    pub pk: ProvingKey<Bn254>,
    /// The verifying key (for every replica).
    pub vk: VerifyingKey<Bn254>,
    /// blake3 of `vk`'s canonical compressed bytes.
    pub key_id: KeyId,
}

/// The canonical compressed serialisation of a verifying key.
pub fn vk_to_bytes(vk: &VerifyingKey<Bn254>) -> Result<Vec<u8>, KeyError> {
    let mut out = Vec::with_capacity(vk.serialized_size(Compress::Yes));
    vk.serialize_with_mode(&mut out, Compress::Yes)?;
    Ok(out)
}

/// The canonical compressed serialisation of a proving key.
pub fn pk_to_bytes(pk: &ProvingKey<Bn254>) -> Result<Vec<u8>, KeyError> {
    let mut out = Vec::with_capacity(pk.serialized_size(Compress::Yes));
    pk.serialize_with_mode(&mut out, Compress::Yes)?;
    Ok(out)
}

/// The id of a verifying key: blake3 of its canonical compressed serialisation.
pub fn key_id(vk: &VerifyingKey<Bn254>) -> Result<KeyId, KeyError> {
    Ok(key_id_of_bytes(&vk_to_bytes(vk)?))
}

fn key_id_of_bytes(canonical_vk: &[u8]) -> KeyId {
    KeyId(*blake3::hash(canonical_vk).as_bytes())
}

/// Rejects verifying keys that decode but must never be trusted: identity elements among
/// α, β, γ, δ (any of which makes forgery trivial), γ = δ (the IC and C terms fold together,
/// which permits forgeries), no constant base, or more than [`MAX_PUBLIC_INPUTS`] inputs.
pub fn check_vk_sanity(vk: &VerifyingKey<Bn254>) -> Result<(), KeyError> {
    if vk.alpha_g1.is_zero() || vk.beta_g2.is_zero() || vk.gamma_g2.is_zero() || vk.delta_g2.is_zero() {
        return Err(KeyError::Degenerate("identity element among alpha, beta, gamma, delta"));
    }
    if vk.gamma_g2 == vk.delta_g2 {
        return Err(KeyError::Degenerate("gamma equals delta"));
    }
    if vk.gamma_abc_g1.is_empty() {
        return Err(KeyError::Degenerate("no input bases"));
    }
    if vk.gamma_abc_g1.len() > MAX_PUBLIC_INPUTS + 1 {
        return Err(KeyError::Degenerate("too many public inputs"));
    }
    // An identity input base leaves that public input out of the verification equation (any
    // value verifies); two equal (or opposite) bases let a prover move value between the two
    // inputs.
    if vk.gamma_abc_g1.iter().any(|base| base.is_zero()) {
        return Err(KeyError::Degenerate("identity input base: a public input would be unbound"));
    }
    let distinct: std::collections::BTreeSet<Vec<u8>> =
        vk.gamma_abc_g1.iter().map(|base| base.x().map(|x| x.to_string()).unwrap_or_default().into_bytes()).collect();
    if distinct.len() != vk.gamma_abc_g1.len() {
        return Err(KeyError::Degenerate(
            "repeated or opposite input base: public inputs would not be bound separately",
        ));
    }
    Ok(())
}

/// Rejects proving keys whose vectors are inconsistent with each other (which would make the
/// prover index out of bounds or silently produce garbage): `a_query`, `b_g1_query` and
/// `b_g2_query` have one entry per variable, which is `gamma_abc_g1.len() + l_query.len()`.
/// Also applies [`check_vk_sanity`] to the embedded verifying key.
pub fn check_pk_shape(pk: &ProvingKey<Bn254>) -> Result<(), KeyError> {
    check_vk_sanity(&pk.vk)?;
    let variables = pk.vk.gamma_abc_g1.len() + pk.l_query.len();
    if pk.a_query.len() != variables || pk.b_g1_query.len() != variables || pk.b_g2_query.len() != variables {
        return Err(KeyError::Degenerate("proving key query lengths are inconsistent"));
    }
    if pk.h_query.is_empty() {
        return Err(KeyError::Degenerate("proving key has no h query"));
    }
    Ok(())
}

/// Number of public inputs a verifying key expects (`gamma_abc_g1.len() - 1`).
pub fn public_input_count(vk: &VerifyingKey<Bn254>) -> usize {
    vk.gamma_abc_g1.len().saturating_sub(1)
}

/// Circuit-specific setup with the caller's randomness. **Test-oriented**: pass a seeded RNG
/// only in tests; production keys must come from [`setup_with_os_rng`] (or a ceremony, see
/// [`import_vk`] / [`import_pk`]). Whoever knows the RNG state can forge proofs.
pub fn setup_with_rng<C, R>(circuit: C, rng: &mut R) -> Result<KeyPair, SetupError>
where
    C: ConstraintSynthesizer<Fr>,
    R: RngCore + CryptoRng,
{
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(circuit, rng)?;
    check_pk_shape(&pk)?;
    let key_id = key_id(&vk)?;
    Ok(KeyPair { pk, vk, key_id })
}

/// Circuit-specific setup with operating-system randomness: the production path. The toxic
/// waste lives only in this call's memory.
pub fn setup_with_os_rng<C>(circuit: C) -> Result<KeyPair, SetupError>
where
    C: ConstraintSynthesizer<Fr>,
{
    let mut rng = os_rng()?;
    setup_with_rng(circuit, &mut rng)
}

fn check_limit(what: &'static str, actual: usize, limit: usize) -> Result<(), KeyError> {
    if actual > limit {
        return Err(KeyError::TooLarge { what, actual: actual as u64, limit: limit as u64 });
    }
    Ok(())
}

fn decode_exact<T: CanonicalDeserialize>(bytes: &[u8]) -> Result<T, KeyError> {
    let mut reader = bytes;
    let value = T::deserialize_with_mode(&mut reader, Compress::Yes, Validate::Yes)?;
    if !reader.is_empty() {
        return Err(KeyError::TrailingBytes(reader.len()));
    }
    Ok(value)
}

/// Imports a verifying key from raw arkworks-compressed bytes (e.g. a ceremony's output):
/// size-checked, fully validated, canonical, sane; returns the key and its computed id.
pub fn import_vk(bytes: &[u8]) -> Result<(VerifyingKey<Bn254>, KeyId), KeyError> {
    check_limit("verifying key", bytes.len(), MAX_VK_BYTES)?;
    let vk: VerifyingKey<Bn254> = decode_exact(bytes)?;
    check_vk_sanity(&vk)?;
    let canonical = vk_to_bytes(&vk)?;
    if canonical != bytes {
        return Err(KeyError::NonCanonical);
    }
    Ok((vk, key_id_of_bytes(&canonical)))
}

/// Imports a proving key from raw arkworks-compressed bytes (e.g. a ceremony's output):
/// size-checked, fully validated, embedded verifying key sane; returns the key and the id of
/// its verifying key.
pub fn import_pk(bytes: &[u8]) -> Result<(ProvingKey<Bn254>, KeyId), KeyError> {
    check_limit("proving key", bytes.len(), MAX_PK_BYTES)?;
    let pk: ProvingKey<Bn254> = decode_exact(bytes)?;
    check_pk_shape(&pk)?;
    let id = key_id(&pk.vk)?;
    Ok((pk, id))
}

fn encode_file(magic: [u8; 8], id: KeyId, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(KEY_FILE_HEADER_BYTES + body.len());
    out.extend_from_slice(&magic);
    out.extend_from_slice(&KEY_FILE_VERSION.to_le_bytes());
    out.extend_from_slice(&id.0);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// Splits a key file into (header key id, body) after checking magic, version and length.
fn parse_file<'a>(
    bytes: &'a [u8],
    magic: [u8; 8],
    kind: &'static str,
    limit: usize,
) -> Result<(KeyId, &'a [u8]), KeyError> {
    let header = bytes.get(..KEY_FILE_HEADER_BYTES).ok_or(KeyError::Truncated)?;
    let body = &bytes[KEY_FILE_HEADER_BYTES..];
    if header[..8] != magic {
        return Err(KeyError::BadMagic { expected: kind });
    }
    let version = u16::from_le_bytes([header[8], header[9]]);
    if version != KEY_FILE_VERSION {
        return Err(KeyError::UnsupportedVersion(version));
    }
    let mut id = [0u8; 32];
    id.copy_from_slice(&header[10..42]);
    let mut len = [0u8; 8];
    len.copy_from_slice(&header[42..50]);
    let len = u64::from_le_bytes(len);
    if len > limit as u64 {
        return Err(KeyError::TooLarge { what: kind, actual: len, limit: limit as u64 });
    }
    if len != body.len() as u64 {
        return Err(KeyError::Truncated);
    }
    Ok((KeyId(id), body))
}

fn check_id(header: KeyId, computed: KeyId) -> Result<(), KeyError> {
    if header != computed {
        return Err(KeyError::KeyIdMismatch { header: String::from(header), computed: String::from(computed) });
    }
    Ok(())
}

/// Encodes a verifying key as a key file (header + compressed key).
pub fn encode_vk_file(vk: &VerifyingKey<Bn254>) -> Result<Vec<u8>, KeyError> {
    let body = vk_to_bytes(vk)?;
    Ok(encode_file(VK_FILE_MAGIC, key_id_of_bytes(&body), &body))
}

/// Decodes a verifying key file; the recomputed key id must equal the header's.
pub fn decode_vk_file(bytes: &[u8]) -> Result<(VerifyingKey<Bn254>, KeyId), KeyError> {
    check_limit("verifying key file", bytes.len(), KEY_FILE_HEADER_BYTES + MAX_VK_BYTES)?;
    let (header_id, body) = parse_file(bytes, VK_FILE_MAGIC, "verifying", MAX_VK_BYTES)?;
    let (vk, id) = import_vk(body)?;
    check_id(header_id, id)?;
    Ok((vk, id))
}

/// Encodes a proving key as a key file (header with its verifying key's id + compressed key).
pub fn encode_pk_file(pk: &ProvingKey<Bn254>) -> Result<Vec<u8>, KeyError> {
    let body = pk_to_bytes(pk)?;
    Ok(encode_file(PK_FILE_MAGIC, key_id(&pk.vk)?, &body))
}

/// Decodes a proving key file; the id recomputed from the embedded verifying key must equal
/// the header's.
pub fn decode_pk_file(bytes: &[u8]) -> Result<(ProvingKey<Bn254>, KeyId), KeyError> {
    check_limit("proving key file", bytes.len(), KEY_FILE_HEADER_BYTES + MAX_PK_BYTES)?;
    let (header_id, body) = parse_file(bytes, PK_FILE_MAGIC, "proving", MAX_PK_BYTES)?;
    let (pk, id) = import_pk(body)?;
    check_id(header_id, id)?;
    Ok((pk, id))
}

/// Reads at most `limit` bytes of a file, failing (before reading it all) if it is larger.
pub fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>, KeyError> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit as u64 {
        return Err(KeyError::TooLarge { what: "key file", actual: size, limit: limit as u64 });
    }
    let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit as u64 + 1).read_to_end(&mut out)?;
    check_limit("key file", out.len(), limit)?;
    Ok(out)
}

/// Writes a verifying key file; returns its key id.
pub fn write_vk_file(path: &Path, vk: &VerifyingKey<Bn254>) -> Result<KeyId, KeyError> {
    let bytes = encode_vk_file(vk)?;
    std::fs::write(path, &bytes)?;
    key_id(vk)
}

/// Reads and checks a verifying key file.
pub fn read_vk_file(path: &Path) -> Result<(VerifyingKey<Bn254>, KeyId), KeyError> {
    decode_vk_file(&read_limited(path, KEY_FILE_HEADER_BYTES + MAX_VK_BYTES)?)
}

/// Writes a proving key file; returns the id of its verifying key.
pub fn write_pk_file(path: &Path, pk: &ProvingKey<Bn254>) -> Result<KeyId, KeyError> {
    let bytes = encode_pk_file(pk)?;
    std::fs::write(path, &bytes)?;
    key_id(&pk.vk)
}

/// Reads and checks a proving key file.
pub fn read_pk_file(path: &Path) -> Result<(ProvingKey<Bn254>, KeyId), KeyError> {
    decode_pk_file(&read_limited(path, KEY_FILE_HEADER_BYTES + MAX_PK_BYTES)?)
}
