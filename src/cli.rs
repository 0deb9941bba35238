//! The command line: `serve`, `lookup` and `check`, each reading the same TOML config.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use tokio::sync::oneshot;

use crate::config::{Config, ConfigError};
use crate::eqdkp::{FetchError, Source};
use crate::lookup::{Lookup, Question, Settings, Surface};
use crate::roster::Roster;
use crate::server::{self, App, ServeError, Serving};
use crate::standings::Standings;

/// Answers Mattermost `/dkp` slash commands and outgoing webhooks with DKP from an
/// EQDKP-Plus site.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP service Mattermost calls.
    Serve {
        /// The config file.
        #[arg(long, short)]
        config: PathBuf,
    },
    /// Print the reply a chat look-up would get, e.g. `lookup --config c.toml Zoë`.
    Lookup {
        /// The config file.
        #[arg(long, short)]
        config: PathBuf,
        /// Ask as this Mattermost user (for `me`).
        #[arg(long = "as", value_name = "USER", default_value = "")]
        user: String,
        /// What a user would type after `/dkp`.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
    },
    /// Check the config, read the site once, and say what was found or what to fix.
    Check {
        /// The config file.
        #[arg(long, short)]
        config: PathBuf,
    },
}

/// Why a command could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The config file is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not be set up.
    #[error("cannot set up the eqdkp client: {0}")]
    Client(#[from] FetchError),
    /// The service could not start.
    #[error(transparent)]
    Serve(#[from] ServeError),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Sends log lines to stderr at the level `RUST_LOG` asks for (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
}

/// Runs the command and returns the process's exit code.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = match cli.command {
        Command::Serve { config } => runtime.block_on(serve(config)),
        Command::Lookup {
            config,
            user,
            query,
        } => runtime.block_on(lookup(config, user, query)),
        Command::Check { config } => runtime.block_on(check(config)),
    };

    // A read of the site still parsing on a blocking thread must not hold up the exit.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

/// The parts every command builds from a config.
fn standings(config: &Config) -> Result<(Arc<Standings>, String), CliError> {
    let source = Source::new(&config.eqdkp)?;
    let described = source.describe();
    Ok((
        Standings::new(Arc::new(source), config.eqdkp.cache_ttl),
        described,
    ))
}

async fn serve(path: PathBuf) -> Result<ExitCode, CliError> {
    let config = Config::load(&path)?;
    warn_about(&config);
    let (standings, described) = standings(&config)?;
    let lookup = Lookup::new(Arc::clone(&standings), Settings::from(&config));
    let app = Arc::new(App::new(&config, lookup));

    let (stop_tx, stop_rx) = oneshot::channel();
    let stop = async move {
        shutdown_signal().await;
        let _ = stop_tx.send(());
    };
    let (addr, running) = server::bind(app, config.listen, config.tls.as_ref(), stop)?;
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    tracing::info!(%addr, scheme, "listening");
    tracing::info!(site = %described, cache_ttl = ?config.eqdkp.cache_ttl, "reading standings");
    tracing::info!(
        tokens = config.mattermost.tokens.len(),
        "accepting mattermost tokens"
    );

    // Read the site once now, so the first user does not wait for it.
    standings.refresh_in_background();
    // A look-up in flight waits at most for one read of the site; a client that stalls in the
    // middle of its request would otherwise hold the stop until systemd kills the service.
    let grace = config.eqdkp.timeout + Duration::from_secs(2);
    finish(running, stop_rx, grace).await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Serves until a stop is asked for, then lets the requests in flight finish for at most
/// `grace`.
async fn finish(mut running: Serving, stop: oneshot::Receiver<()>, grace: Duration) {
    tokio::select! {
        () = &mut running => return,
        _ = stop => {}
    }
    if tokio::time::timeout(grace, running).await.is_err() {
        tracing::warn!(
            ?grace,
            "stopping with requests still unfinished after the grace period"
        );
    }
}

fn warn_about(config: &Config) {
    for warning in &config.warnings {
        tracing::warn!("{warning}");
    }
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what systemd sends).
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for sigterm");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn lookup(path: PathBuf, user: String, query: Vec<String>) -> Result<ExitCode, CliError> {
    let config = Config::load(&path)?;
    let (standings, _) = standings(&config)?;
    let lookup = Lookup::new(standings, Settings::from(&config));

    let text = query.join(" ");
    let question = Question {
        text: &text,
        command: "/dkp",
        user_name: &user,
        surface: Surface::Terminal,
    };
    let answer = lookup.answer(&question).await;
    println!("{}", answer.posts.join("\n\n"));
    Ok(ExitCode::SUCCESS)
}

async fn check(path: PathBuf) -> Result<ExitCode, CliError> {
    let config = Config::load(&path)?;
    println!("config: {} is valid", path.display());
    for warning in &config.warnings {
        println!("warning: {warning}");
    }
    if let Some(tls) = &config.tls {
        println!(
            "tls: {} and {}",
            tls.cert_file.display(),
            tls.key_file.display()
        );
    }
    let source = Source::new(&config.eqdkp)?;
    println!("site: {}", source.describe());
    let tokens = config.mattermost.tokens.len();
    println!(
        "tokens: {tokens} configured{}",
        if tokens == 0 {
            " (serve needs at least one)"
        } else {
            ""
        }
    );

    let started = Instant::now();
    match source.read().await {
        Ok(roster) => {
            println!("read in {:.2} s", started.elapsed().as_secs_f64());
            print_roster(&roster);
            Ok(if tokens == 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Err(err) => {
            println!(
                "FAILED after {:.2} s: {err}",
                started.elapsed().as_secs_f64()
            );
            println!("what to do: {}", err.advice());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn print_roster(roster: &Roster) {
    let site = &roster.site;
    let name = if site.name.is_empty() {
        "(unnamed)"
    } else {
        &site.name
    };
    let version = site.version.as_deref().unwrap_or("unknown");
    println!(
        "found: {name:?}, EQDKP-Plus {version}, via the {}",
        roster.origin.label()
    );

    let alts = roster.characters.iter().filter(|c| c.is_alt()).count();
    let inactive = roster.characters.iter().filter(|c| !c.active).count();
    println!(
        "characters: {} ({alts} alts, {inactive} inactive); alts merged into mains: {}",
        roster.characters.len(),
        if roster.alts_merged { "yes" } else { "no" }
    );
    let pools: Vec<String> = roster
        .pools
        .iter()
        .map(|p| format!("{} (id {})", p.name, p.id))
        .collect();
    println!("pools: {}", pools.join(", "));
}
