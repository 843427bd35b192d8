//! `agora key`.

use crate::args::{KeyArgs, KeyCommand};
use crate::output::print_pretty;
use agora::identity::{AgentId, AgentKey, did_document};
use serde_json::json;

pub fn run(args: KeyArgs) -> anyhow::Result<()> {
    match args.command {
        KeyCommand::New => {
            let key = AgentKey::generate()?;
            print_pretty(&json!({ "did": key.id().did(), "secret": key.secret_hex() }))
        }
        KeyCommand::Document { did } => print_pretty(&did_document(&AgentId::parse_did(&did)?)),
        KeyCommand::Encryption { out } => crate::encryption_key::generate(&out),
    }
}
