//! Job offers as JSON-LD, so any agent framework can read them without Agora's code.

use crate::records::TaskRecord;
use serde_json::{Value, json};

/// The JSON-LD form of a task's job offer (schema.org `Demand` with Agora's terms).
pub fn job_offer_jsonld(task: &TaskRecord) -> Value {
    let offer = &task.offer;
    json!({
        "@context": {
            "@vocab": "https://schema.org/",
            "agora": "https://agora.market/ns/v1#",
            "did": "https://www.w3.org/ns/did#"
        },
        "@type": ["Demand", "agora:JobOffer"],
        "@id": format!("agora:task/{}", task.id.0),
        "name": offer.title,
        "description": offer.requirements,
        "seller": { "@id": task.employer.did() },
        "priceSpecification": {
            "@type": "PriceSpecification",
            "maxPrice": offer.budget.to_string(),
            "agora:asset": offer.asset.0,
        },
        "availabilityEnds": offer.bid_deadline,
        "agora:deliveryDeadline": offer.delivery_deadline,
        "agora:taskKind": offer.kind,
        "agora:kindParams": offer.params.iter().map(|p| hex::encode(p.as_bytes())).collect::<Vec<_>>(),
        "agora:inputCommitment": hex::encode(offer.input_commitment.as_bytes()),
        "agora:minReputation": offer.min_reputation,
        "agora:payoutSplits": offer.splits.iter().map(|s| json!({"agora:to": s.to.did(), "agora:bps": s.bps})).collect::<Vec<_>>(),
        "agora:status": task.status,
    })
}
