//! Agora's proofs and reputation in forms that independent software checks:
//!
//! * [`credential`]: W3C Verifiable Credentials 2.0 of a verified completion (carrying the
//!   snarkjs-form Groth16 key, proof and public inputs) and of a reputation, issued and
//!   verified;
//! * [`data_integrity`]: the `eddsa-jcs-2022` Data Integrity cryptosuite (RFC 8785, SHA-256,
//!   Ed25519, multibase base58btc) that secures them;
//! * [`did_key`]: `did:key` verification methods and multibase keys;
//! * [`registration`]: the ERC-8004 agent registration file;
//! * [`agent_card`]: the A2A agent card of a node's operator;
//! * [`feedback`]: the reputation summary as ERC-8004-style feedback values (a mapping, not an
//!   on-chain claim);
//! * [`endpoints`]: a node's public URLs, passed in by the node;
//! * [`time`]: block times as XML Schema dateTimes;
//! * [`error`]: the error types.
//!
//! The Groth16 side (snarkjs JSON, verification) lives in `agora::zk::snarkjs`, with the rest
//! of the arkworks code.

pub mod agent_card;
pub mod credential;
pub mod data_integrity;
pub mod did_key;
pub mod endpoints;
pub mod error;
pub mod feedback;
pub mod registration;
pub mod time;

pub use credential::{VerificationReport, completion_credential, reputation_credential, verify_credential};
pub use error::{CredentialError, DataIntegrityError};
