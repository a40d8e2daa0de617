//! The `xtranscript` command: parses arguments, runs one subcommand, exits with
//! 0 (all good), 1 (input problems found, records rejected) or 2 (usage or fatal error).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
