//! Every refusal the service makes, turned into a status code and a short JSON body in one
//! place. Nothing here ever echoes a token.

use std::convert::Infallible;

use serde::Serialize;
use warp::http::StatusCode;
use warp::reject::{self, Reject, Rejection};
use warp::reply::{self, Reply, Response};

use super::App;
use crate::metrics::{Outcome, RequestKind};

/// A refusal with a status and a message for the client.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    message: String,
}

impl Reject for Refusal {}

/// 400: the request is not something the service can read.
pub fn bad_request(message: impl ToString) -> Rejection {
    refuse(StatusCode::BAD_REQUEST, message.to_string())
}

/// 415: neither form-encoded nor JSON.
pub fn unsupported(message: impl ToString) -> Rejection {
    refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, message.to_string())
}

/// 401: no token, or not one the service accepts.
pub fn unauthorized() -> Rejection {
    refuse(
        StatusCode::UNAUTHORIZED,
        "missing or invalid token".to_owned(),
    )
}

fn refuse(status: StatusCode, message: String) -> Rejection {
    reject::custom(Refusal { status, message })
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
}

/// The JSON reply `{"error": "..."}` with a status.
pub fn error_reply(status: StatusCode, message: &str) -> Response {
    reply::with_status(reply::json(&ErrorBody { error: message }), status).into_response()
}

/// The one place a rejection becomes a response. Refusals made after the body was read were
/// counted where they were made; the rest (wrong route, method or size) are counted here.
pub fn recover(app: &App, rejection: Rejection) -> Result<Response, Infallible> {
    let (status, message) = classify(&rejection);
    if rejection.find::<Refusal>().is_none() {
        app.metrics.request(RequestKind::Unknown, Outcome::Invalid);
    }
    if status.is_server_error() {
        tracing::error!(?rejection, "request failed");
    }
    Ok(error_reply(status, &message))
}

fn classify(rejection: &Rejection) -> (StatusCode, String) {
    if let Some(refusal) = rejection.find::<Refusal>() {
        return (refusal.status, refusal.message.clone());
    }
    if rejection.is_not_found() {
        return (StatusCode::NOT_FOUND, "no such route".to_owned());
    }
    if rejection.find::<reject::PayloadTooLarge>().is_some() {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body over the 64 KiB limit".to_owned(),
        );
    }
    if rejection.find::<reject::LengthRequired>().is_some() {
        return (
            StatusCode::LENGTH_REQUIRED,
            "a content-length header is required".to_owned(),
        );
    }
    // A path served by several methods collects a "method not allowed" from each route the
    // request did not take, so that is the answer only when nothing more specific went wrong.
    if rejection.find::<reject::InvalidHeader>().is_some() {
        return (
            StatusCode::BAD_REQUEST,
            "a header could not be read".to_owned(),
        );
    }
    if rejection.find::<reject::MethodNotAllowed>().is_some() {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed on this route".to_owned(),
        );
    }
    (
        StatusCode::BAD_REQUEST,
        "the request could not be read".to_owned(),
    )
}
