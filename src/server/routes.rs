//! The warp filters: which requests reach the look-up, and in what order they are checked.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use warp::http::HeaderValue;
use warp::http::header::{AUTHORIZATION, CONTENT_TYPE};
use warp::hyper::body::Bytes;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::App;
use super::{health, reject};
use crate::config::ResponseType;
use crate::lookup::query::Visibility;
use crate::lookup::{Answer, Question, Surface};
use crate::mattermost::{self, DecodeError, Fields, Incoming, Kind, SlashReply, WebhookResponse};
use crate::metrics::{Outcome, RequestKind};
use crate::secret::matches_any;

/// Mattermost's own requests are a few hundred bytes; anything this big is not from it.
pub const MAX_BODY: u64 = 64 * 1024;

/// Every route of the service, with rejections turned into JSON errors. Each route matches
/// its path before its method, so an unknown path is a 404 rather than a 405; Mattermost's
/// route comes first, as it carries nearly all the traffic.
pub fn routes(app: Arc<App>) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    let counting = app.clone();
    post(app.clone())
        .or(get(app.clone()))
        .unify()
        .or(monitoring(app))
        .unify()
        .recover(move |rejection| {
            let app = counting.clone();
            async move { reject::recover(&app, rejection) }
        })
        .unify()
}

/// `GET /healthz`, `/readyz` and `/metrics`.
fn monitoring(app: Arc<App>) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let healthz = warp::path!("healthz").map(health::healthz);
    let readyz = warp::path!("readyz")
        .and(with_app(app.clone()))
        .map(|app: Arc<App>| health::readyz(&app));
    let metrics = warp::path!("metrics")
        .and(with_app(app))
        .map(|app: Arc<App>| health::metrics(&app));
    healthz
        .or(readyz)
        .unify()
        .or(metrics)
        .unify()
        .and(warp::get())
}

/// `POST /dkp` and `POST /getdkp` (the old bot's URL): slash commands and webhooks, form or
/// JSON. The size is checked from the header before any of the body is read.
fn post(app: Arc<App>) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    warp::path!("dkp")
        .or(warp::path!("getdkp"))
        .unify()
        .and(warp::post())
        .and(warp::body::content_length_limit(MAX_BODY))
        .and(warp::header::optional::<String>("content-type"))
        .and(authorization())
        .and(warp::addr::remote())
        .and(warp::body::bytes())
        .and(with_app(app))
        .and_then(
            |content_type: Option<String>, authorization, peer, body: Bytes, app| async move {
                let fields = mattermost::decode_body(content_type.as_deref(), &body);
                handle(app, fields, authorization, peer).await
            },
        )
}

/// `GET /dkp`: slash commands configured with method GET send their fields in the query.
fn get(app: Arc<App>) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    warp::path!("dkp")
        .and(warp::get())
        .and(query)
        .and(authorization())
        .and(warp::addr::remote())
        .and(with_app(app))
        .and_then(|query: String, authorization, peer, app| async move {
            let fields = mattermost::decode_form(query.as_bytes());
            handle(app, fields, authorization, peer).await
        })
}

/// The `Authorization` header, if any. One that is not valid text counts as missing instead
/// of refusing a request whose body carries a good token.
fn authorization() -> impl Filter<Extract = (Option<String>,), Error = Infallible> + Clone {
    warp::header::optional(AUTHORIZATION.as_str())
        .or(warp::any().map(|| None))
        .unify()
}

fn with_app(app: Arc<App>) -> impl Filter<Extract = (Arc<App>,), Error = Infallible> + Clone {
    warp::any().map(move || app.clone())
}

/// Checks the token before anything else is done with the request, then answers it.
async fn handle(
    app: Arc<App>,
    fields: Result<Fields<'_>, DecodeError>,
    authorization: Option<String>,
    peer: Option<SocketAddr>,
) -> Result<Response, Rejection> {
    let invalid = |app: &App| app.metrics.request(RequestKind::Unknown, Outcome::Invalid);
    let fields = fields.map_err(|err| {
        invalid(&app);
        match err {
            DecodeError::UnsupportedType(_) => reject::unsupported(err),
            other => reject::bad_request(other),
        }
    })?;
    if !authenticated(&app, &fields, authorization.as_deref()) {
        let kind = guess_kind(&fields);
        app.metrics.request(kind, Outcome::Unauthorized);
        let peer = peer.map_or_else(|| "unknown".to_owned(), |addr| addr.to_string());
        let kind = kind_label(kind);
        tracing::warn!(%peer, kind, "refused a request with a missing or wrong token");
        return Err(reject::unauthorized());
    }

    let incoming = Incoming::classify(fields).map_err(|err| {
        invalid(&app);
        reject::bad_request(err)
    })?;
    Ok(answer(&app, incoming).await)
}

/// Whether the request carries an accepted token: the body's `token`, or for slash commands
/// also `Authorization: Token …`. Every configured token is compared in constant time.
fn authenticated(app: &App, fields: &Fields, authorization: Option<&str>) -> bool {
    let tokens = &app.mattermost.tokens;
    let in_body = fields
        .token
        .as_deref()
        .is_some_and(|token| matches_any(token, tokens));
    let in_header = fields.command.is_some()
        && authorization
            .and_then(|value| value.strip_prefix("Token "))
            .is_some_and(|token| matches_any(token.trim(), tokens));
    in_body | in_header
}

fn guess_kind(fields: &Fields) -> RequestKind {
    match (&fields.command, &fields.trigger_word) {
        (Some(_), _) => RequestKind::Slash,
        (None, Some(_)) => RequestKind::Webhook,
        (None, None) => RequestKind::Unknown,
    }
}

fn kind_label(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Slash => Kind::Slash.label(),
        RequestKind::Webhook => Kind::Webhook.label(),
        RequestKind::Unknown => "unknown",
    }
}

/// Runs the look-up and wraps its answer the way this kind of integration reads it. Anything
/// the user should see, failures included, goes out as 200 with JSON: Mattermost shows only
/// "command failed" for any other status.
async fn answer(app: &App, incoming: Incoming<'_>) -> Response {
    let surface = match incoming.kind {
        Kind::Slash => Surface::Slash,
        Kind::Webhook => Surface::Webhook,
    };
    let question = Question {
        text: incoming.query(),
        command: incoming.command(),
        user_name: &incoming.user_name,
        surface,
    };
    let answer = app.lookup.answer(&question).await;
    let kind = match incoming.kind {
        Kind::Slash => RequestKind::Slash,
        Kind::Webhook => RequestKind::Webhook,
    };
    app.metrics.request(kind, Outcome::Answered);
    tracing::debug!(
        kind = incoming.kind.label(),
        posts = answer.posts.len(),
        "answered"
    );

    let body = answer
        .encoded
        .get_or_init(|| encode(app, incoming.kind, &answer));
    let mut response = Response::new(body.clone().into());
    let json = HeaderValue::from_static("application/json");
    response.headers_mut().insert(CONTENT_TYPE, json);
    response
}

/// The JSON this kind of integration reads, for `answer`.
fn encode(app: &App, kind: Kind, answer: &Answer) -> Bytes {
    let config = &app.mattermost;
    let json = match kind {
        Kind::Slash => {
            let visibility = match answer.visibility {
                Some(Visibility::Public) => ResponseType::InChannel,
                Some(Visibility::Private) => ResponseType::Ephemeral,
                None => config.response_type,
            };
            serde_json::to_vec(&SlashReply::new(config, visibility, &answer.posts))
        }
        Kind::Webhook => {
            let text = answer.posts.first().map_or("", String::as_str);
            serde_json::to_vec(&WebhookResponse::new(config, text))
        }
    };
    // Serialising plain strings and flags cannot fail; an empty object would post nothing.
    Bytes::from(json.unwrap_or_else(|_| b"{}".to_vec()))
}
