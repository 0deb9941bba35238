//! What an operator relies on: `/readyz` and `/metrics`.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use mattermost_eqdkp::config::Config;
use mattermost_eqdkp::eqdkp::Source;
use mattermost_eqdkp::lookup::{Lookup, Settings};
use mattermost_eqdkp::server::App;
use mattermost_eqdkp::server::routes::routes;
use mattermost_eqdkp::standings::Standings;
use serde_json::Value;
use support::roster::reference;
use support::site::{ApiBehaviour, SiteConfig, StandIn};
use warp::http::Response;
use warp::hyper::body::Bytes;

const TOKEN: &str = "xr3j5x3p4pfqmx4rsqjd9fwbmo";

fn app(site: &StandIn, extra: &str) -> Arc<App> {
    let text = format!(
        "[eqdkp]\nurl = \"{}\"\nsource = \"api\"\ntimeout = \"1s\"\n{extra}\n[mattermost]\ntokens = [\"{TOKEN}\"]\n",
        site.url()
    );
    let config = Config::parse(&text, Path::new("/nonexistent/config.toml")).unwrap();
    let source = Source::new(&config.eqdkp).unwrap();
    let standings = Standings::new(Arc::new(source), config.eqdkp.cache_ttl);
    Arc::new(App::new(
        &config,
        Lookup::new(standings, Settings::from(&config)),
    ))
}

async fn get(app: &Arc<App>, path: &str) -> Response<Bytes> {
    warp::test::request()
        .path(path)
        .reply(&routes(app.clone()))
        .await
}

fn json(response: &Response<Bytes>) -> Value {
    serde_json::from_slice(response.body()).unwrap()
}

/// Polls `/readyz` until it answers 200 or a second has passed.
async fn ready_soon(app: &Arc<App>) -> Response<Bytes> {
    for _ in 0..20 {
        let response = get(app, "/readyz").await;
        if response.status() == 200 {
            return response;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    get(app, "/readyz").await
}

#[tokio::test]
async fn readyz_reads_the_standings_and_turns_ready() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let app = app(&site, "");

    let first = get(&app, "/readyz").await;
    assert_eq!(first.status(), 503);
    assert_eq!(json(&first)["status"], "not ready");
    assert_eq!(
        json(&first)["reason"],
        "the standings have not been read yet"
    );

    let ready = ready_soon(&app).await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.headers()["content-type"], "application/json");
    let body = json(&ready);
    assert_eq!(body["status"], "ready");
    assert_eq!(body["characters"], 15);
    assert_eq!(body["age_seconds"], 0);
    assert_eq!(site.requests(), 1);
}

#[tokio::test]
async fn readyz_says_why_a_site_that_fails_is_not_ready() {
    let site = StandIn::start(SiteConfig {
        api: ApiBehaviour::AccessDenied,
        ..SiteConfig::new(reference())
    })
    .await;
    let app = app(&site, "");
    get(&app, "/readyz").await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let response = get(&app, "/readyz").await;
    assert_eq!(response.status(), 503);
    let reason = json(&response)["reason"].as_str().unwrap().to_owned();
    assert!(reason.starts_with("the api refused access"), "{reason}");
}

#[tokio::test]
async fn readyz_fails_when_the_standings_grow_older_than_max_age() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let app = app(&site, "cache_ttl = \"1h\"\nmax_age = \"1s\"");
    assert_eq!(ready_soon(&app).await.status(), 200);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = get(&app, "/readyz").await;
    assert_eq!(response.status(), 503);
    let reason = json(&response)["reason"].as_str().unwrap().to_owned();
    assert!(
        reason.starts_with("the standings are 1s old, more than [eqdkp] max_age (1s)"),
        "{reason}"
    );
}

#[tokio::test]
async fn metrics_count_requests_fetches_and_the_roster() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let app = app(&site, "");
    let slash = |token: &str| {
        let body = format!("command=%2Fdkp&text=Zo%C3%AB&token={token}");
        warp::test::request()
            .method("POST")
            .path("/dkp")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Content-Length", body.len().to_string())
            .body(body)
    };
    let routes = routes(app.clone());
    for request in [slash(TOKEN), slash(TOKEN), slash("wrong"), slash("")] {
        request.reply(&routes).await;
    }
    let webhook = r#"{"token":"wrong","text":"getdkp x","trigger_word":"getdkp"}"#;
    warp::test::request()
        .method("POST")
        .path("/getdkp")
        .header("Content-Type", "application/json")
        .body(webhook)
        .reply(&routes)
        .await;
    warp::test::request()
        .method("POST")
        .path("/dkp")
        .header("Content-Type", "text/plain")
        .body("x")
        .reply(&routes)
        .await;
    get(&app, "/nowhere").await;

    let response = get(&app, "/metrics").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = String::from_utf8(response.body().to_vec()).unwrap();
    for line in [
        "mattermost_eqdkp_requests_total{kind=\"slash\",outcome=\"answered\"} 2",
        "mattermost_eqdkp_requests_total{kind=\"slash\",outcome=\"unauthorized\"} 2",
        "mattermost_eqdkp_requests_total{kind=\"webhook\",outcome=\"unauthorized\"} 1",
        "mattermost_eqdkp_requests_total{kind=\"unknown\",outcome=\"invalid\"} 2",
        "mattermost_eqdkp_rejected_tokens_total 3",
        "mattermost_eqdkp_fetch_duration_seconds_count{outcome=\"ok\"} 1",
        "mattermost_eqdkp_fetch_duration_seconds_count{outcome=\"error\"} 0",
        "mattermost_eqdkp_standings_loaded 1",
        "mattermost_eqdkp_standings_stale 0",
        "mattermost_eqdkp_roster_characters 15",
        "mattermost_eqdkp_roster_pools 2",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
    assert!(
        text.contains("\nmattermost_eqdkp_standings_age_seconds "),
        "{text}"
    );
    for metric in text.lines().filter(|l| !l.starts_with('#')) {
        let value = metric.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{metric}");
    }
}
