//! The HTTP service: shared state, the routes, and running until told to stop.

mod reject;
pub mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::config::MattermostConfig;
use crate::lookup::Lookup;

/// What every request handler shares.
pub struct App {
    /// The look-up over the cached standings.
    pub lookup: Lookup,
    /// Tokens and reply settings.
    pub mattermost: MattermostConfig,
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
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {reason}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        reason: String,
    },
}

/// Binds `addr` and returns the bound address and the future that serves until `shutdown`
/// resolves, then finishes the requests in flight.
pub fn bind(
    app: Arc<App>,
    addr: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(SocketAddr, impl Future<Output = ()>), ServeError> {
    if app.mattermost.tokens.is_empty() {
        return Err(ServeError::NoTokens);
    }

    warp::serve(routes::routes(app))
        .try_bind_with_graceful_shutdown(addr, shutdown)
        .map_err(|err| ServeError::Bind {
            addr,
            reason: crate::errors::chain(&err),
        })
}
