//! Every transaction kind survives JSON and canonical-bytes round trips unchanged, and
//! truncated or extended canonical bytes are refused.

use agora_core::{Canonical, SignedTx, TxBody};
use agora_tests::key;

#[test]
fn every_action_round_trips_through_json_and_canonical_bytes() {
    let signer = key(1);
    for (nonce, action) in agora_tests::one_of_every_action().into_iter().enumerate() {
        let tx = TxBody { sender: signer.id(), nonce: nonce as u64, action }.sign(&signer, &[0; 32]);
        let text = serde_json::to_string(&tx).unwrap();
        let back: SignedTx = serde_json::from_str(&text).unwrap();
        assert_eq!(back, tx, "json: {text}");
        let bytes = tx.to_canonical_bytes();
        assert_eq!(SignedTx::from_canonical_bytes(&bytes).unwrap(), tx);
        assert!(SignedTx::from_canonical_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(SignedTx::from_canonical_bytes(&longer).is_err());
    }
}

#[test]
fn malformed_json_gives_an_error_not_a_panic() {
    for text in ["", "{}", "[1,2]", "{\"sender\":\"did:key:zzz\"}", "{\"type\":\"register\"}"] {
        assert!(serde_json::from_str::<SignedTx>(text).is_err(), "{text}");
    }
}
