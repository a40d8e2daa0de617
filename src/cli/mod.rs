//! Command-line arguments and the subcommands behind them.

mod bake;
mod build;
mod check;
mod graph;
mod keys;
mod merge;
mod out_files;
mod publish;
mod report;
mod revoke;
mod status_store;
mod synthetic;
mod verify;
mod verify_online;
mod verify_status;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit status: everything went well.
pub const EXIT_OK: u8 = 0;
/// Exit status: input problems were found (records rejected, verification failed).
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit status: usage error or fatal error (nothing useful was done).
pub const EXIT_FATAL: u8 = 2;
/// Exit status: interrupted (Ctrl-C, SIGTERM); a `build` resumes when run again (128 + SIGINT, as shells do).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Signed, standards-conformant extended transcripts from registrar exports.
///
/// Exit status: 0 all good; 1 input problems found or records rejected; 2 usage or fatal error;
/// 130 interrupted.
#[derive(Debug, Parser)]
#[command(name = "xtranscript", version, about, long_about = None, after_help = "Exit status: 0 all good, 1 input problems found / records rejected, 2 usage or fatal error, 130 interrupted (build resumes when run again).")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load inputs, print a summary and every problem found.
    Check(check::CheckArgs),
    /// Build every learner's transcript (CLR 2.0 JSON) and a manifest.
    Build(build::BuildArgs),
    /// Join the manifests of the shards of a run (build --shard K/N) into one manifest.json.
    MergeManifests(merge::MergeArgs),
    /// Write a synthetic input directory (for benchmarks and scale tests).
    Gen(synthetic::GenArgs),
    /// Revoke a learner's credentials (or one): set their status list bits and sign the lists again.
    Revoke(revoke::StatusChangeArgs),
    /// Suspend a learner's credentials (or one), issued with [status] suspension = true.
    Suspend(revoke::StatusChangeArgs),
    /// Lift a suspension.
    Reinstate(revoke::StatusChangeArgs),
    /// Verify credentials offline: every proof (nested too), issuer, dates, schema; JSON, JWT, PDF or baked badge.
    Verify(verify::VerifyArgs),
    /// Write the static site to upload: a verification page per transcript, the status lists, did.json.
    Publish(publish::PublishArgs),
    /// Bake a credential into a badge image (PNG or SVG, Open Badges 3.0 §5.3).
    Bake(bake::BakeArgs),
    /// Write a new Ed25519 issuer key (mode 0600) and print its did:key.
    Keygen(keys::KeygenArgs),
    /// Print the did:web DID document to publish at /.well-known/did.json.
    DidDocument(keys::DidDocumentArgs),
    /// Print the competency graph as Graphviz DOT or JSON.
    Graph(graph::GraphArgs),
    /// Explain why a learner has (or has not) attained a competency.
    Explain(graph::ExplainArgs),
}

/// Loads inputs and builds the competency graph; diagnostics sorted by place.
pub fn load_linked(
    paths: &[std::path::PathBuf],
) -> (xtranscript::ingest::Input, xtranscript::graph::CompetencyGraph, xtranscript::diag::Diagnostics) {
    load_linked_subset(paths, &xtranscript::model::LearnerSubset::ALL)
}

/// [`load_linked`] for the learners of `subset` only.
pub fn load_linked_subset(
    paths: &[std::path::PathBuf],
    subset: &xtranscript::model::LearnerSubset,
) -> (xtranscript::ingest::Input, xtranscript::graph::CompetencyGraph, xtranscript::diag::Diagnostics) {
    let mut diags = xtranscript::diag::Diagnostics::new();
    let input = xtranscript::ingest::load_subset(paths, subset, &mut diags);
    let mastery = input.config.as_ref().map(|c| c.mastery.clone()).unwrap_or_default();
    let graph = xtranscript::graph::CompetencyGraph::build(&input.records, &input.frameworks, &mastery, &mut diags);
    diags.sort();
    (input, graph, diags)
}

/// Parses the arguments and runs the subcommand.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_FATAL } else { EXIT_OK });
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::MergeManifests(args) => merge::run(&args),
        Command::Gen(args) => synthetic::run(&args),
        Command::Revoke(args) => revoke::run(&args, xtranscript::status::registry::Change::Revoked),
        Command::Suspend(args) => revoke::run(&args, xtranscript::status::registry::Change::Suspended),
        Command::Reinstate(args) => revoke::run(&args, xtranscript::status::registry::Change::Reinstated),
        Command::Verify(args) => verify::run(&args),
        Command::Publish(args) => publish::run(&args),
        Command::Bake(args) => bake::run(&args),
        Command::Keygen(args) => keys::run_keygen(&args),
        Command::DidDocument(args) => keys::run_did_document(&args),
        Command::Graph(args) => graph::run_graph(&args),
        Command::Explain(args) => graph::run_explain(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("xtranscript: error: {e:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}
