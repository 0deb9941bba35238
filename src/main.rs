//! The `mattermost-eqdkp` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mattermost_eqdkp::cli::Cli::parse();
    mattermost_eqdkp::cli::init_logging();
    match mattermost_eqdkp::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("mattermost-eqdkp: {err}");
            ExitCode::from(2)
        }
    }
}
