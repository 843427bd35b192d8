//! W3C DID document for a `did:key` (the document a resolver derives from the identifier alone).

use crate::did::AgentId;
use serde_json::{Value, json};

/// The DID document of `id`, as JSON-LD: one `Ed25519VerificationKey2020` verification method
/// usable for authentication, assertion and capabilities.
pub fn did_document(id: &AgentId) -> Value {
    let did = id.did();
    let method = format!("{did}#{}", id.multibase());
    json!({
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/suites/ed25519-2020/v1"
        ],
        "id": did,
        "verificationMethod": [{
            "id": method,
            "type": "Ed25519VerificationKey2020",
            "controller": did,
            "publicKeyMultibase": id.multibase()
        }],
        "authentication": [method],
        "assertionMethod": [method],
        "capabilityInvocation": [method],
        "capabilityDelegation": [method]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AgentKey;

    #[test]
    fn document_names_the_key_it_was_made_from() {
        let id = AgentKey::from_seed([0u8; 32]).id();
        let doc = did_document(&id);
        assert_eq!(doc["id"], "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
        assert_eq!(
            doc["verificationMethod"][0]["publicKeyMultibase"],
            "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
        );
        let parsed = AgentId::parse_did(doc["authentication"][0].as_str().unwrap()).unwrap();
        assert_eq!(parsed, id);
    }
}
