//! `xtranscript graph` and `xtranscript explain`: the competency graph, whole or for one learner.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, ValueEnum};
use xtranscript::graph::{self, CompetencyGraph, LearnerEvidence};
use xtranscript::ingest::Input;

use super::report::print_diagnostics;
use super::{EXIT_OK, EXIT_PROBLEMS, load_linked};

/// Graph output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// JSON: {"nodes": [...], "edges": [...]} (see the README).
    Json,
}

/// Arguments of `graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The input directory.
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    format: GraphFormat,
    /// Mark the competencies this learner has attained.
    #[arg(long, value_name = "ID")]
    learner: Option<String>,
}

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The input directory.
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// The learner id.
    #[arg(long, value_name = "ID")]
    learner: String,
    /// The competency: CFItem identifier, URI or human coding scheme.
    #[arg(long, value_name = "ID")]
    competency: String,
}

fn evidence_of<'a>(input: &'a Input, learner: &'a str) -> anyhow::Result<LearnerEvidence<'a>> {
    if !input.records.learners.contains_key(learner) {
        bail!("no learner {learner:?} in the input");
    }
    Ok(LearnerEvidence::of(&input.records, learner, input.config.as_ref().map(|c| &c.grading)))
}

fn status(has_errors: bool) -> u8 {
    if has_errors { EXIT_PROBLEMS } else { EXIT_OK }
}

/// Runs `graph`.
pub fn run_graph(args: &GraphArgs) -> anyhow::Result<u8> {
    let (input, graph, diags) = load_linked(std::slice::from_ref(&args.input));
    print_diagnostics(&diags)?;
    let result = match &args.learner {
        Some(l) => Some(graph.evaluate(&evidence_of(&input, l)?)),
        None => None,
    };
    let text = match args.format {
        GraphFormat::Dot => graph::to_dot(&graph, result.as_ref()),
        GraphFormat::Json => graph::to_json(&graph, result.as_ref()),
    };
    io::stdout().lock().write_all(text.as_bytes())?;
    Ok(status(diags.has_errors()))
}

/// Runs `explain`.
pub fn run_explain(args: &ExplainArgs) -> anyhow::Result<u8> {
    let (input, graph, diags) = load_linked(std::slice::from_ref(&args.input));
    print_diagnostics(&diags)?;
    let evidence = evidence_of(&input, &args.learner)?;
    let item = find(&graph, &args.competency)?;
    let result = graph.evaluate(&evidence);
    let text = graph::explain(&graph, &evidence, &result, item);
    io::stdout().lock().write_all(text.as_bytes())?;
    Ok(status(diags.has_errors()))
}

fn find(graph: &CompetencyGraph, reference: &str) -> anyhow::Result<graph::NodeId> {
    match graph.find_competency(reference) {
        Ok(id) => Ok(id),
        Err(graph::Lookup::Ambiguous(_)) => {
            bail!("{reference:?} names several competencies; use a CFItem identifier or URI")
        }
        Err(graph::Lookup::Unknown) => bail!("no competency {reference:?} in the loaded frameworks"),
    }
}
