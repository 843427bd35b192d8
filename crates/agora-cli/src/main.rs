//! `agora`: the command-line front end of the Agora marketplace.

// Floats appear only in wall-clock timings printed for people, never in marketplace state.
#![allow(clippy::float_arithmetic)]

mod args;
mod audit;
mod bench;
mod bench_cluster;
mod bench_http;
mod cluster;
mod credential;
mod credential_node;
mod demo;
mod demo_fair_exchange;
mod demo_proofs;
mod demo_runtime_kind;
mod encryption_key;
mod export;
mod import;
mod init;
mod input;
mod interop_args;
mod key;
mod keys;
mod kind_args;
mod kind_tx;
mod mcp;
mod output;
mod query;
mod remote;
mod serve;
mod submit;
mod tx;

use args::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(a) => init::run(&cli.db, cli.keys.as_deref(), a),
        Command::Setup(a) => keys::setup(&cli.db, cli.keys.as_deref(), a),
        Command::Prove(a) => keys::prove(&cli.db, cli.keys.as_deref(), a),
        Command::ImportKeys(a) => keys::import(&cli.db, cli.keys.as_deref(), a),
        Command::Key(a) => key::run(a),
        Command::Tx(a) => match &cli.node {
            Some(url) => remote::tx(url, a),
            None => tx::run(&cli.db, a),
        },
        Command::Kind(a) => kind_tx::run(&cli.db, cli.node.as_deref(), a),
        Command::Submit(a) => match &cli.node {
            Some(url) => remote::submit(url, a),
            None => submit::run(&cli.db, cli.keys.as_deref(), a),
        },
        Command::Query(a) => match &cli.node {
            Some(url) => remote::query(url, a),
            None => query::run(&cli.db, cli.keys.as_deref(), a),
        },
        Command::Decrypt(a) => encryption_key::decrypt(&cli.db, cli.node.as_deref(), a),
        Command::Replay(a) => query::replay(&cli.db, cli.keys.as_deref(), a),
        Command::Audit(a) => audit::run(&cli.db, cli.keys.as_deref(), a),
        Command::Demo(a) => demo::run(cli.db_given.then_some(&cli.db), a),
        Command::Bench(a) if a.http => bench_http::run(a),
        Command::Bench(a) if a.cluster => bench_cluster::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Serve(a) => serve::run(&cli.db, cli.keys.as_deref(), a),
        Command::Cluster(a) => cluster::run(a),
        Command::Mcp(a) => mcp::run(cli.node.as_deref(), cli.keys.as_deref(), a),
        Command::Export(a) => export::run(&cli.db, cli.keys.as_deref(), a),
        Command::Import(a) => import::run(&cli.db, a),
        Command::Credential(a) => credential::run(&cli.db, cli.keys.as_deref(), cli.node.as_deref(), a),
    };
    if let Err(error) = result {
        // Some errors already quote their source; print each distinct message once.
        let mut parts: Vec<String> = Vec::new();
        for message in error.chain().map(|e| e.to_string()) {
            if !parts.last().is_some_and(|last| last.ends_with(&message)) {
                parts.push(message);
            }
        }
        eprintln!("error: {}", parts.join(": "));
        std::process::exit(1);
    }
}
