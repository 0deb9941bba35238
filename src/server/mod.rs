//! The HTTP service: shared state, the routes, and running until told to stop.

mod health;
mod reject;
pub mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, MattermostConfig, TlsConfig};
use crate::lookup::Lookup;
use crate::metrics::Metrics;

/// What every request handler shares.
pub struct App {
    /// The look-up over the cached standings.
    pub lookup: Lookup,
    /// Tokens and reply settings.
    pub mattermost: MattermostConfig,
    /// Standings older than this make `/readyz` report not ready.
    pub max_age: Duration,
    /// Request counters for `/metrics`.
    pub metrics: Metrics,
}

impl App {
    /// The state for a service run with `config`.
    pub fn new(config: &Config, lookup: Lookup) -> App {
        App {
            lookup,
            mattermost: config.mattermost.clone(),
            max_age: config.eqdkp.max_age,
            metrics: Metrics::default(),
        }
    }
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// No slash-command or webhook token is configured, so every request would be refused.
    #[error(
        "mattermost.tokens: no token configured; add the slash command's and the outgoing \
         webhook's tokens to [mattermost] tokens or token_file"
    )]
    NoTokens,
    /// A TLS file could not be read.
    #[error("{key}: cannot read {}: {source}", .path.display())]
    TlsFile {
        /// The key naming the file.
        key: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The listen address could not be bound, or the TLS files could not be used.
    #[error("cannot listen on {addr}: {reason}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        reason: String,
    },
}

/// The server, running until its shutdown signal and then finishing the requests in flight.
pub type Serving = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Binds `addr` (with TLS when `tls` is set) and returns the bound address and the future
/// that serves until `shutdown` resolves, then finishes the requests in flight.
pub fn bind(
    app: Arc<App>,
    addr: SocketAddr,
    tls: Option<&TlsConfig>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(SocketAddr, Serving), ServeError> {
    if app.mattermost.tokens.is_empty() {
        return Err(ServeError::NoTokens);
    }

    let bind_error = |err: warp::Error| ServeError::Bind {
        addr,
        reason: crate::errors::chain(&err),
    };
    // TODO: warp 0.3 sets no read timeout on headers or bodies, so a client that stalls in
    // the middle of a request keeps its connection open until it gives up (a stop no longer
    // waits for it: see `cli::finish`). Revisit when moving to hyper 1's server, whose builder
    // takes a header read timeout; until then the README's reverse proxy covers exposed hosts.
    let server = warp::serve(routes::routes(app));
    match tls {
        None => {
            let (bound, serving) = server
                .try_bind_with_graceful_shutdown(addr, shutdown)
                .map_err(bind_error)?;
            Ok((bound, Box::pin(serving)))
        }
        Some(tls) => {
            let (bound, serving) = server
                .tls()
                .cert(read_tls_file("tls.cert_file", &tls.cert_file)?)
                .key(read_tls_file("tls.key_file", &tls.key_file)?)
                .try_bind_with_graceful_shutdown(addr, shutdown)
                .map_err(bind_error)?;
            Ok((bound, Box::pin(serving)))
        }
    }
}

/// Reads a PEM file here rather than in warp, so that a missing file is named in the error.
fn read_tls_file(key: &'static str, path: &std::path::Path) -> Result<Vec<u8>, ServeError> {
    std::fs::read(path).map_err(|source| ServeError::TlsFile {
        key,
        path: path.to_owned(),
        source,
    })
}
