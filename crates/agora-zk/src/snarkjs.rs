//! Groth16 keys and proofs in the JSON forms of snarkjs, so that independent tools can check
//! Agora's proofs and Agora can accept proofs made by snarkjs.
//!
//! The forms are those `snarkjs zkey export verificationkey` and `snarkjs groth16 prove` write
//! for the `bn128` curve (BN254):
//!
//! * numbers are decimal strings of canonical values (no sign, no leading zeros, below the
//!   field modulus);
//! * a G1 point is the projective triple `[x, y, "1"]` (affine, z = 1);
//! * a G2 point is `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]` (each Fq2 as `[c0, c1]`);
//! * `verification_key.json`: `protocol`, `curve`, `nPublic`, `vk_alpha_1`, `vk_beta_2`,
//!   `vk_gamma_2`, `vk_delta_2`, optionally `vk_alphabeta_12` (snarkjs writes it; its verifier
//!   does not read it, Agora neither writes nor uses it), and `IC` (the input bases, the
//!   constant's first — arkworks' `gamma_abc_g1`);
//! * `proof.json`: `pi_a`, `pi_b`, `pi_c`, `protocol`, `curve`;
//! * `public.json`: the public inputs as decimal strings of BN254 scalars, in circuit order.
//!
//! Import is strict: a size limit before parsing, unknown fields refused, the protocol and
//! curve named exactly, every array of the exact length, every number canonical, every point
//! affine, not the identity, on the curve and in the prime-order subgroup. Each failure is a
//! [`SnarkjsError`] naming the field.

use agora_core::FieldBytes;
use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ff::{BigInt, PrimeField};
use ark_groth16::{Groth16, Proof, VerifyingKey, prepare_verifying_key};
use serde::{Deserialize, Serialize};

use crate::encoding::{decode_proof, encode_proof, field_to_fr, fr_to_field};
use crate::error::KeyError;
use crate::keys::{MAX_PUBLIC_INPUTS, check_vk_sanity};

/// The `protocol` value of Groth16 files.
pub const PROTOCOL: &str = "groth16";
/// The `curve` value of BN254 files (snarkjs' name for it).
pub const CURVE: &str = "bn128";
/// Largest `verification_key.json` accepted, in bytes: [`MAX_PUBLIC_INPUTS`] + 1 input bases
/// of at most 256 bytes each, plus 8 KiB for the rest.
pub const MAX_VK_JSON_BYTES: usize = 256 * (MAX_PUBLIC_INPUTS + 1) + 8 * 1024;
/// Largest `proof.json` accepted, in bytes (a formatted proof is about 1 KiB).
pub const MAX_PROOF_JSON_BYTES: usize = 8 * 1024;
/// Largest `public.json` accepted, in bytes: [`MAX_PUBLIC_INPUTS`] numbers of at most 96 bytes
/// each with their separators and indentation.
pub const MAX_PUBLIC_JSON_BYTES: usize = 96 * MAX_PUBLIC_INPUTS + 1024;
/// Most decimal digits a canonical BN254 base-field or scalar-field number can have.
pub const MAX_DECIMAL_DIGITS: usize = 77;

/// Why a snarkjs file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnarkjsError {
    /// The file is larger than its limit; nothing was parsed.
    #[error("{what} is {actual} bytes, limit is {limit}")]
    TooLarge {
        /// Which file.
        what: &'static str,
        /// Its size.
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON of the expected shape (including unknown fields and wrong types).
    #[error("{what}: {message}")]
    Json {
        /// Which file.
        what: &'static str,
        /// The parser's message (names the field).
        message: String,
    },
    /// `protocol` is not `groth16`.
    #[error("protocol is {0:?}, only \"groth16\" is supported")]
    WrongProtocol(String),
    /// `curve` is not `bn128`.
    #[error("curve is {0:?}, only \"bn128\" (BN254) is supported")]
    WrongCurve(String),
    /// An array has the wrong number of elements.
    #[error("{field}: expected {expected} elements, got {actual}")]
    WrongLength {
        /// The field.
        field: String,
        /// Elements required.
        expected: usize,
        /// Elements found.
        actual: usize,
    },
    /// A number is not a plain decimal string (empty, a sign, a non-digit, a leading zero,
    /// too many digits).
    #[error("{field}: {value:?} is not a canonical decimal number")]
    BadNumber {
        /// The field.
        field: String,
        /// The text found (cut to 100 characters).
        value: String,
    },
    /// A number is at least the field modulus (non-canonical).
    #[error("{field}: value is not below the {modulus} modulus")]
    NotCanonical {
        /// The field.
        field: String,
        /// Which modulus ("base field" or "scalar field").
        modulus: &'static str,
    },
    /// A point's z coordinate is not 1 (G1: `"1"`; G2: `["1", "0"]`).
    #[error("{field}: not an affine point (z must be 1)")]
    NotAffine {
        /// The field.
        field: String,
    },
    /// A point is not on the curve.
    #[error("{field}: point is not on the curve")]
    NotOnCurve {
        /// The field.
        field: String,
    },
    /// A point is on the curve but not in the prime-order subgroup.
    #[error("{field}: point is not in the prime-order subgroup")]
    NotInSubgroup {
        /// The field.
        field: String,
    },
    /// A point is the identity, which no key or proof may contain.
    #[error("{field}: point at infinity is not allowed")]
    Infinity {
        /// The field.
        field: String,
    },
    /// `nPublic` disagrees with the number of input bases.
    #[error("nPublic is {n_public} but IC has {ic} bases (nPublic + 1 expected)")]
    InputCountMismatch {
        /// Declared.
        n_public: usize,
        /// Bases found.
        ic: usize,
    },
    /// The public inputs do not match the key's input count.
    #[error("the key expects {expected} public inputs, got {actual}")]
    PublicCountMismatch {
        /// Inputs the key expects.
        expected: usize,
        /// Inputs given.
        actual: usize,
    },
    /// The key decodes but is unsafe to use (see [`check_vk_sanity`]).
    #[error("verifying key: {0}")]
    Key(String),
    /// Agora proof bytes did not decode.
    #[error("proof bytes: {0}")]
    ProofBytes(#[from] crate::error::ProofDecodeError),
}

/// `verification_key.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationKeyJson {
    /// `"groth16"`.
    pub protocol: String,
    /// `"bn128"`.
    pub curve: String,
    /// Number of public inputs.
    #[serde(rename = "nPublic")]
    pub n_public: usize,
    /// α in G1.
    pub vk_alpha_1: Vec<String>,
    /// β in G2.
    pub vk_beta_2: Vec<Vec<String>>,
    /// γ in G2.
    pub vk_gamma_2: Vec<Vec<String>>,
    /// δ in G2.
    pub vk_delta_2: Vec<Vec<String>>,
    /// e(α, β) as snarkjs precomputes it; accepted on import (its shape is checked), never
    /// written and never used for verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vk_alphabeta_12: Option<Vec<Vec<Vec<String>>>>,
    /// The input bases, the constant's first.
    #[serde(rename = "IC")]
    pub ic: Vec<Vec<String>>,
}

/// `proof.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofJson {
    /// A in G1.
    pub pi_a: Vec<String>,
    /// B in G2.
    pub pi_b: Vec<Vec<String>>,
    /// C in G1.
    pub pi_c: Vec<String>,
    /// `"groth16"`.
    pub protocol: String,
    /// `"bn128"`.
    pub curve: String,
}

fn decimal<F: PrimeField>(value: F) -> String {
    value.into_bigint().to_string()
}

fn g1_json(point: &G1Affine) -> Vec<String> {
    vec![decimal(point.x), decimal(point.y), "1".to_string()]
}

fn fq2_json(value: &Fq2) -> Vec<String> {
    vec![decimal(value.c0), decimal(value.c1)]
}

fn g2_json(point: &G2Affine) -> Vec<Vec<String>> {
    vec![fq2_json(&point.x), fq2_json(&point.y), vec!["1".to_string(), "0".to_string()]]
}

/// The snarkjs form of a verifying key.
pub fn vk_to_json(vk: &VerifyingKey<Bn254>) -> VerificationKeyJson {
    VerificationKeyJson {
        protocol: PROTOCOL.to_string(),
        curve: CURVE.to_string(),
        n_public: vk.gamma_abc_g1.len().saturating_sub(1),
        vk_alpha_1: g1_json(&vk.alpha_g1),
        vk_beta_2: g2_json(&vk.beta_g2),
        vk_gamma_2: g2_json(&vk.gamma_g2),
        vk_delta_2: g2_json(&vk.delta_g2),
        vk_alphabeta_12: None,
        ic: vk.gamma_abc_g1.iter().map(g1_json).collect(),
    }
}

/// The snarkjs form of a proof.
pub fn proof_to_json(proof: &Proof<Bn254>) -> ProofJson {
    ProofJson {
        pi_a: g1_json(&proof.a),
        pi_b: g2_json(&proof.b),
        pi_c: g1_json(&proof.c),
        protocol: PROTOCOL.to_string(),
        curve: CURVE.to_string(),
    }
}

/// The snarkjs form of Agora proof bytes (strictly decoded first).
pub fn proof_bytes_to_json(bytes: &[u8]) -> Result<ProofJson, SnarkjsError> {
    Ok(proof_to_json(&decode_proof(bytes)?))
}

/// `public.json`: the public inputs as decimal strings, in the given (circuit) order.
pub fn public_to_json(inputs: &[FieldBytes]) -> Vec<String> {
    inputs.iter().map(|x| decimal(field_to_fr(x))).collect()
}

/// Parses a canonical decimal string into 4 little-endian limbs (no reduction; `None` when it
/// does not fit in 256 bits).
fn parse_limbs(text: &str) -> Option<[u64; 4]> {
    let mut limbs = [0u64; 4];
    for digit in text.bytes() {
        let mut carry = u128::from(digit - b'0');
        for limb in limbs.iter_mut() {
            let wide = u128::from(*limb) * 10 + carry;
            *limb = wide as u64;
            carry = wide >> 64;
        }
        if carry != 0 {
            return None;
        }
    }
    Some(limbs)
}

fn check_decimal_text(field: &str, text: &str) -> Result<(), SnarkjsError> {
    let plain = !text.is_empty()
        && text.len() <= MAX_DECIMAL_DIGITS
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if plain {
        Ok(())
    } else {
        Err(SnarkjsError::BadNumber { field: field.to_string(), value: text.chars().take(100).collect() })
    }
}

fn parse_field<F: PrimeField<BigInt = BigInt<4>>>(
    field: &str,
    text: &str,
    modulus: &'static str,
) -> Result<F, SnarkjsError> {
    check_decimal_text(field, text)?;
    let not_canonical = || SnarkjsError::NotCanonical { field: field.to_string(), modulus };
    let limbs = parse_limbs(text).ok_or_else(not_canonical)?;
    F::from_bigint(BigInt::new(limbs)).ok_or_else(not_canonical)
}

fn parse_fq(field: &str, text: &str) -> Result<Fq, SnarkjsError> {
    parse_field::<Fq>(field, text, "base field")
}

/// Parses one public input (a BN254 scalar as a canonical decimal string).
pub fn parse_public_input(field: &str, text: &str) -> Result<FieldBytes, SnarkjsError> {
    Ok(fr_to_field(parse_field::<Fr>(field, text, "scalar field")?))
}

fn exact<'a, T>(field: &str, values: &'a [T], expected: usize) -> Result<&'a [T], SnarkjsError> {
    if values.len() == expected {
        Ok(values)
    } else {
        Err(SnarkjsError::WrongLength { field: field.to_string(), expected, actual: values.len() })
    }
}

fn parse_fq2(field: &str, values: &[String]) -> Result<Fq2, SnarkjsError> {
    let values = exact(field, values, 2)?;
    Ok(Fq2::new(parse_fq(&format!("{field}[0]"), &values[0])?, parse_fq(&format!("{field}[1]"), &values[1])?))
}

/// Parses a G1 point `[x, y, "1"]`: canonical, affine, not the identity, on the curve (G1 has
/// cofactor 1, so that is the subgroup too; it is checked all the same).
pub fn parse_g1(field: &str, values: &[String]) -> Result<G1Affine, SnarkjsError> {
    let values = exact(field, values, 3)?;
    let x = parse_fq(&format!("{field}[0]"), &values[0])?;
    let y = parse_fq(&format!("{field}[1]"), &values[1])?;
    let z = parse_fq(&format!("{field}[2]"), &values[2])?;
    if z == Fq::from(0u64) {
        return Err(SnarkjsError::Infinity { field: field.to_string() });
    }
    if z != Fq::from(1u64) {
        return Err(SnarkjsError::NotAffine { field: field.to_string() });
    }
    let point = G1Affine::new_unchecked(x, y);
    check_point(field, point.is_on_curve(), point.is_in_correct_subgroup_assuming_on_curve())?;
    Ok(point)
}

/// Parses a G2 point `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`: canonical, affine, not the
/// identity, on the curve and in the prime-order subgroup.
pub fn parse_g2(field: &str, values: &[Vec<String>]) -> Result<G2Affine, SnarkjsError> {
    let values = exact(field, values, 3)?;
    let x = parse_fq2(&format!("{field}[0]"), &values[0])?;
    let y = parse_fq2(&format!("{field}[1]"), &values[1])?;
    let z = parse_fq2(&format!("{field}[2]"), &values[2])?;
    if z == Fq2::new(Fq::from(0u64), Fq::from(0u64)) {
        return Err(SnarkjsError::Infinity { field: field.to_string() });
    }
    if z != Fq2::new(Fq::from(1u64), Fq::from(0u64)) {
        return Err(SnarkjsError::NotAffine { field: field.to_string() });
    }
    let point = G2Affine::new_unchecked(x, y);
    check_point(field, point.is_on_curve(), point.is_on_curve() && point.is_in_correct_subgroup_assuming_on_curve())?;
    Ok(point)
}

fn check_point(field: &str, on_curve: bool, in_subgroup: bool) -> Result<(), SnarkjsError> {
    if !on_curve {
        return Err(SnarkjsError::NotOnCurve { field: field.to_string() });
    }
    if !in_subgroup {
        return Err(SnarkjsError::NotInSubgroup { field: field.to_string() });
    }
    Ok(())
}

fn check_protocol_and_curve(protocol: &str, curve: &str) -> Result<(), SnarkjsError> {
    if protocol != PROTOCOL {
        return Err(SnarkjsError::WrongProtocol(protocol.chars().take(100).collect()));
    }
    if curve != CURVE {
        return Err(SnarkjsError::WrongCurve(curve.chars().take(100).collect()));
    }
    Ok(())
}

fn check_alphabeta(values: &[Vec<Vec<String>>]) -> Result<(), SnarkjsError> {
    let halves = exact("vk_alphabeta_12", values, 2)?;
    for (i, half) in halves.iter().enumerate() {
        let coefficients = exact(&format!("vk_alphabeta_12[{i}]"), half, 3)?;
        for (j, pair) in coefficients.iter().enumerate() {
            parse_fq2(&format!("vk_alphabeta_12[{i}][{j}]"), pair)?;
        }
    }
    Ok(())
}

fn parse_json<T: serde::de::DeserializeOwned>(what: &'static str, text: &str, limit: usize) -> Result<T, SnarkjsError> {
    if text.len() > limit {
        return Err(SnarkjsError::TooLarge { what, actual: text.len(), limit });
    }
    serde_json::from_str(text).map_err(|e| SnarkjsError::Json { what, message: e.to_string() })
}

impl VerificationKeyJson {
    /// Parses `verification_key.json` text (size-checked first, unknown fields refused).
    pub fn parse(text: &str) -> Result<Self, SnarkjsError> {
        parse_json("verification key", text, MAX_VK_JSON_BYTES)
    }

    /// The arkworks key, fully validated (see the module documentation) and sane
    /// ([`check_vk_sanity`]).
    pub fn to_vk(&self) -> Result<VerifyingKey<Bn254>, SnarkjsError> {
        check_protocol_and_curve(&self.protocol, &self.curve)?;
        if self.ic.len() > MAX_PUBLIC_INPUTS + 1 {
            return Err(SnarkjsError::WrongLength {
                field: "IC".into(),
                expected: MAX_PUBLIC_INPUTS + 1,
                actual: self.ic.len(),
            });
        }
        if self.ic.len() != self.n_public.saturating_add(1) {
            return Err(SnarkjsError::InputCountMismatch { n_public: self.n_public, ic: self.ic.len() });
        }
        if let Some(alphabeta) = &self.vk_alphabeta_12 {
            check_alphabeta(alphabeta)?;
        }
        let gamma_abc_g1 = self
            .ic
            .iter()
            .enumerate()
            .map(|(i, point)| parse_g1(&format!("IC[{i}]"), point))
            .collect::<Result<Vec<_>, _>>()?;
        let vk = VerifyingKey {
            alpha_g1: parse_g1("vk_alpha_1", &self.vk_alpha_1)?,
            beta_g2: parse_g2("vk_beta_2", &self.vk_beta_2)?,
            gamma_g2: parse_g2("vk_gamma_2", &self.vk_gamma_2)?,
            delta_g2: parse_g2("vk_delta_2", &self.vk_delta_2)?,
            gamma_abc_g1,
        };
        check_vk_sanity(&vk).map_err(|e: KeyError| SnarkjsError::Key(e.to_string()))?;
        Ok(vk)
    }
}

impl ProofJson {
    /// Parses `proof.json` text (size-checked first, unknown fields refused).
    pub fn parse(text: &str) -> Result<Self, SnarkjsError> {
        parse_json("proof", text, MAX_PROOF_JSON_BYTES)
    }

    /// The arkworks proof, fully validated.
    pub fn to_proof(&self) -> Result<Proof<Bn254>, SnarkjsError> {
        check_protocol_and_curve(&self.protocol, &self.curve)?;
        Ok(Proof {
            a: parse_g1("pi_a", &self.pi_a)?,
            b: parse_g2("pi_b", &self.pi_b)?,
            c: parse_g1("pi_c", &self.pi_c)?,
        })
    }

    /// Agora's proof bytes (the [`crate::PROOF_BYTES`]-byte compressed form a
    /// `submit_completion` transaction carries).
    pub fn to_proof_bytes(&self) -> Result<Vec<u8>, SnarkjsError> {
        let proof = self.to_proof()?;
        encode_proof(&proof).map_err(|e| SnarkjsError::Json { what: "proof", message: e.to_string() })
    }
}

/// Parses `public.json` text: a JSON array of canonical decimal scalars (size-checked first).
pub fn parse_public_json(text: &str) -> Result<Vec<FieldBytes>, SnarkjsError> {
    let values: Vec<String> = parse_json("public inputs", text, MAX_PUBLIC_JSON_BYTES)?;
    parse_public_inputs(&values)
}

/// Parses public inputs already split into strings (at most [`MAX_PUBLIC_INPUTS`]).
pub fn parse_public_inputs(values: &[String]) -> Result<Vec<FieldBytes>, SnarkjsError> {
    if values.len() > MAX_PUBLIC_INPUTS {
        return Err(SnarkjsError::WrongLength {
            field: "public inputs".into(),
            expected: MAX_PUBLIC_INPUTS,
            actual: values.len(),
        });
    }
    values.iter().enumerate().map(|(i, v)| parse_public_input(&format!("public[{i}]"), v)).collect()
}

/// Checks a snarkjs-form proof against a snarkjs-form key and public inputs with arkworks'
/// Groth16 verifier: `Ok(true)` when the proof verifies, `Ok(false)` when it is well formed but
/// does not, an error when any part is malformed.
pub fn verify(vk: &VerificationKeyJson, proof: &ProofJson, public: &[String]) -> Result<bool, SnarkjsError> {
    let vk = vk.to_vk()?;
    let proof = proof.to_proof()?;
    let inputs = parse_public_inputs(public)?;
    let expected = vk.gamma_abc_g1.len() - 1;
    if inputs.len() != expected {
        return Err(SnarkjsError::PublicCountMismatch { expected, actual: inputs.len() });
    }
    let frs: Vec<Fr> = inputs.iter().map(field_to_fr).collect();
    let pvk = prepare_verifying_key(&vk);
    Ok(Groth16::<Bn254>::verify_proof(&pvk, &proof, &frs).unwrap_or(false))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::keys::setup_with_rng;
    use crate::prove::prove_raw;
    use crate::toy::ToyCircuit;
    use ark_ec::{AffineRepr, CurveGroup};
    use ark_ff::{Field, UniformRand};
    use ark_std::rand::{SeedableRng, rngs::StdRng};

    struct Fixture {
        vk: VerificationKeyJson,
        proof: ProofJson,
        public: Vec<String>,
    }

    fn fixture() -> Fixture {
        let mut rng = StdRng::seed_from_u64(11);
        let keys = setup_with_rng(ToyCircuit::shape(2), &mut rng).unwrap();
        let (x, y) = (Fr::from(3u64), Fr::from(5u64));
        let inputs = ToyCircuit::public_inputs(x, y, 2);
        let proof = prove_raw(&keys.pk, ToyCircuit::with_witness(x, y, 2), &mut rng).unwrap();
        Fixture {
            vk: vk_to_json(&keys.vk),
            proof: proof_to_json(&proof),
            public: inputs.iter().map(|x| decimal(*x)).collect(),
        }
    }

    fn proof_text(f: &Fixture) -> serde_json::Value {
        serde_json::to_value(&f.proof).unwrap()
    }

    fn import(value: serde_json::Value) -> Result<Vec<u8>, SnarkjsError> {
        ProofJson::parse(&value.to_string())?.to_proof_bytes()
    }

    #[test]
    fn exported_proof_and_key_verify_and_round_trip() {
        let f = fixture();
        assert!(verify(&f.vk, &f.proof, &f.public).unwrap());
        let bytes = f.proof.to_proof_bytes().unwrap();
        assert_eq!(proof_bytes_to_json(&bytes).unwrap(), f.proof);
        let vk_again = VerificationKeyJson::parse(&serde_json::to_string(&f.vk).unwrap()).unwrap();
        assert_eq!(vk_to_json(&vk_again.to_vk().unwrap()), f.vk);
    }

    #[test]
    fn a_changed_public_input_fails_verification() {
        let f = fixture();
        let mut public = f.public.clone();
        public[0] = "7".into();
        assert!(!verify(&f.vk, &f.proof, &public).unwrap());
    }

    #[test]
    fn wrong_curve_and_protocol_are_named() {
        let f = fixture();
        let mut v = proof_text(&f);
        v["curve"] = "bls12381".into();
        assert!(matches!(import(v), Err(SnarkjsError::WrongCurve(c)) if c == "bls12381"));
        let mut v = proof_text(&f);
        v["protocol"] = "plonk".into();
        assert!(matches!(import(v), Err(SnarkjsError::WrongProtocol(p)) if p == "plonk"));
    }

    #[test]
    fn extra_fields_are_refused() {
        let f = fixture();
        let mut v = proof_text(&f);
        v["extra"] = 1.into();
        let err = import(v).unwrap_err();
        assert!(
            matches!(&err, SnarkjsError::Json { message, .. } if message.contains("unknown field `extra`")),
            "{err}"
        );
        let mut vk = serde_json::to_value(&f.vk).unwrap();
        vk["vk_gamma_abc"] = serde_json::json!([]);
        assert!(matches!(VerificationKeyJson::parse(&vk.to_string()), Err(SnarkjsError::Json { .. })));
    }

    #[test]
    fn wrong_lengths_are_refused() {
        let f = fixture();
        let mut v = proof_text(&f);
        v["pi_a"].as_array_mut().unwrap().pop();
        assert!(
            matches!(import(v), Err(SnarkjsError::WrongLength { field, expected: 3, actual: 2 }) if field == "pi_a")
        );
        let mut v = proof_text(&f);
        v["pi_b"][1].as_array_mut().unwrap().push("0".into());
        assert!(
            matches!(import(v), Err(SnarkjsError::WrongLength { field, expected: 2, actual: 3 }) if field == "pi_b[1]")
        );
        let mut vk = f.vk.clone();
        vk.n_public += 1;
        assert!(matches!(vk.to_vk(), Err(SnarkjsError::InputCountMismatch { .. })));
        let mut public = f.public.clone();
        public.push("1".into());
        assert!(matches!(verify(&f.vk, &f.proof, &public), Err(SnarkjsError::PublicCountMismatch { .. })));
    }

    #[test]
    fn non_canonical_numbers_are_refused() {
        let f = fixture();
        // x + p: the same residue, but not the canonical encoding.
        let x: Fq = parse_fq("x", &f.proof.pi_a[0]).unwrap();
        let p = Fq::MODULUS;
        let mut limbs = x.into_bigint();
        let carry = ark_ff::BigInteger::add_with_carry(&mut limbs, &p);
        assert!(!carry);
        let mut v = proof_text(&f);
        v["pi_a"][0] = limbs.to_string().into();
        assert!(matches!(import(v), Err(SnarkjsError::NotCanonical { field, .. }) if field == "pi_a[0]"));
        for bad in ["", "-1", "+1", "01", "1.0", "1e3", " 1", "0x10", &"9".repeat(78)] {
            let mut v = proof_text(&f);
            v["pi_c"][1] = bad.into();
            assert!(matches!(import(v), Err(SnarkjsError::BadNumber { .. })), "{bad:?}");
        }
        let mut v = proof_text(&f);
        v["pi_c"][1] = 5.into();
        assert!(matches!(import(v), Err(SnarkjsError::Json { .. })));
        let r = Fr::MODULUS.to_string();
        assert!(matches!(parse_public_inputs(&[r]), Err(SnarkjsError::NotCanonical { .. })));
    }

    #[test]
    fn points_off_the_curve_are_refused() {
        let f = fixture();
        let mut v = proof_text(&f);
        let y: Fq = parse_fq("y", &f.proof.pi_a[1]).unwrap();
        v["pi_a"][1] = decimal(y + Fq::ONE).into();
        assert!(matches!(import(v), Err(SnarkjsError::NotOnCurve { field }) if field == "pi_a"));
        let mut v = proof_text(&f);
        v["pi_b"][0][0] = "1".into();
        assert!(matches!(import(v), Err(SnarkjsError::NotOnCurve { field }) if field == "pi_b"));
    }

    #[test]
    fn g2_points_off_the_subgroup_are_refused() {
        // A point of the twist that is on the curve but outside the order-r subgroup: hash to
        // an x with a square right-hand side; a random such point lies in the subgroup with
        // probability 1/cofactor.
        let mut rng = StdRng::seed_from_u64(5);
        let point = loop {
            let x = Fq2::rand(&mut rng);
            if let Some(p) = G2Affine::get_point_from_x_unchecked(x, false)
                && !p.is_in_correct_subgroup_assuming_on_curve()
            {
                break p;
            }
        };
        assert!(point.is_on_curve());
        let f = fixture();
        let mut v = proof_text(&f);
        v["pi_b"] = serde_json::to_value(g2_json(&point)).unwrap();
        assert!(matches!(import(v), Err(SnarkjsError::NotInSubgroup { field }) if field == "pi_b"));
        // The same point cleared of its cofactor is accepted (the check is not over-strict).
        let cleared = point.clear_cofactor().into_group().into_affine();
        let mut v = proof_text(&f);
        v["pi_b"] = serde_json::to_value(g2_json(&cleared)).unwrap();
        assert!(import(v).is_ok());
    }

    #[test]
    fn projective_and_infinity_points_are_refused() {
        let f = fixture();
        let mut v = proof_text(&f);
        v["pi_a"][2] = "2".into();
        assert!(matches!(import(v), Err(SnarkjsError::NotAffine { .. })));
        let mut v = proof_text(&f);
        v["pi_c"] = serde_json::json!(["0", "1", "0"]);
        assert!(matches!(import(v), Err(SnarkjsError::Infinity { .. })));
        let mut v = proof_text(&f);
        v["pi_b"][2] = serde_json::json!(["1", "1"]);
        assert!(matches!(import(v), Err(SnarkjsError::NotAffine { .. })));
    }

    #[test]
    fn oversized_files_are_refused_before_parsing() {
        let text = " ".repeat(MAX_PROOF_JSON_BYTES + 1);
        assert!(matches!(ProofJson::parse(&text), Err(SnarkjsError::TooLarge { .. })));
        let text = " ".repeat(MAX_VK_JSON_BYTES + 1);
        assert!(matches!(VerificationKeyJson::parse(&text), Err(SnarkjsError::TooLarge { .. })));
        let text = " ".repeat(MAX_PUBLIC_JSON_BYTES + 1);
        assert!(matches!(parse_public_json(&text), Err(SnarkjsError::TooLarge { .. })));
    }

    #[test]
    fn degenerate_keys_are_refused() {
        let f = fixture();
        let mut vk = f.vk.clone();
        vk.vk_delta_2 = vk.vk_gamma_2.clone();
        assert!(matches!(vk.to_vk(), Err(SnarkjsError::Key(_))));
    }

    #[test]
    fn decimal_parser_agrees_with_arkworks_display() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..200 {
            let x = Fq::rand(&mut rng);
            assert_eq!(parse_fq("x", &decimal(x)).unwrap(), x);
        }
        assert_eq!(decimal(Fq::from(0u64)), "0");
        assert!(G1Affine::generator().is_on_curve());
    }
}
