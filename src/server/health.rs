//! `/healthz`, `/readyz` and `/metrics`: what an operator's monitoring asks.

use std::time::Duration;

use serde_json::json;
use warp::http::StatusCode;
use warp::reply::{self, Reply, Response};

use super::App;

/// 200 while the process serves.
pub fn healthz() -> Response {
    reply::json(&json!({ "status": "ok" })).into_response()
}

/// 200 when standings are loaded and younger than `[eqdkp] max_age`, else 503 with the
/// reason. Expired standings are refreshed in the background, so a monitor polling this
/// keeps them current without ever waiting for the site.
pub fn readyz(app: &App) -> Response {
    let standings = app.lookup.standings();
    standings.refresh_in_background();
    let (snapshot, age) = standings.peek();
    let problem = snapshot.problem.as_ref().map(|p| p.to_string());

    let (status, body) = match (snapshot.roster, age) {
        (Some(roster), Some(age)) if age <= app.max_age => (
            StatusCode::OK,
            json!({
                "status": "ready",
                "age_seconds": age.as_secs(),
                "characters": roster.characters.len(),
                "last_read_failed": problem,
            }),
        ),
        (Some(_), Some(age)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({
                "status": "not ready",
                "reason": too_old(age, app.max_age, problem.as_deref()),
            }),
        ),
        _ => {
            let unread = || "the standings have not been read yet".to_owned();
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "status": "not ready", "reason": problem.unwrap_or_else(unread) }),
            )
        }
    };
    reply::with_status(reply::json(&body), status).into_response()
}

fn too_old(age: Duration, max_age: Duration, problem: Option<&str>) -> String {
    let mut reason = format!(
        "the standings are {} old, more than [eqdkp] max_age ({})",
        humantime::format_duration(Duration::from_secs(age.as_secs())),
        humantime::format_duration(max_age)
    );
    if let Some(problem) = problem {
        reason.push_str("; the last read failed: ");
        reason.push_str(problem);
    }
    reason
}

/// The Prometheus text exposition.
pub fn metrics(app: &App) -> Response {
    let standings = app.lookup.standings();
    let text = app.metrics.render(standings.fetches(), standings.gauges());
    reply::with_header(
        text,
        "content-type",
        "text/plain; version=0.0.4; charset=utf-8",
    )
    .into_response()
}
