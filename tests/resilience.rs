//! A failing EQDKP site: every way a PHP site goes wrong, against a stand-in site. Whatever
//! happens, Mattermost gets a 200 it can show within `[eqdkp] timeout` and a little, with the
//! last good standings and their age, or one sentence saying what failed.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mattermost_eqdkp::config::Config;
use mattermost_eqdkp::eqdkp::Source;
use mattermost_eqdkp::lookup::{Lookup, Settings};
use mattermost_eqdkp::server::App;
use mattermost_eqdkp::server::routes::routes;
use mattermost_eqdkp::standings::Standings;
use serde_json::Value;
use support::render::{Lang, Markup};
use support::roster::reference;
use support::site::{ApiBehaviour, PageBehaviour, SiteConfig, StandIn};

const TOKEN: &str = "xr3j5x3p4pfqmx4rsqjd9fwbmo";

/// The bound on one read of the site in these tests.
const TIMEOUT: Duration = Duration::from_secs(1);

/// What "a little" over the timeout may be: scheduling, parsing, rendering.
const SLACK: Duration = Duration::from_millis(1500);

fn app(site: &StandIn, source: &str, cache_ttl: &str) -> Arc<App> {
    let text = format!(
        "[eqdkp]\nurl = \"{}\"\nsource = \"{source}\"\ntimeout = \"1s\"\ncache_ttl = \"{cache_ttl}\"\n\
         max_body = \"1MiB\"\n[mattermost]\ntokens = [\"{TOKEN}\"]\n",
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

/// Sends `/dkp text` and returns the reply's text and how long it took.
async fn ask(app: &Arc<App>, text: &str) -> (String, Duration) {
    let body = serde_urlencoded::to_string([("command", "/dkp"), ("text", text), ("token", TOKEN)])
        .unwrap();
    let started = Instant::now();
    let response = warp::test::request()
        .method("POST")
        .path("/dkp")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Content-Length", body.len().to_string())
        .body(body)
        .reply(&routes(app.clone()))
        .await;
    let took = started.elapsed();

    assert_eq!(response.status(), 200, "{:?}", response.body());
    assert_eq!(response.headers()["content-type"], "application/json");
    let reply: Value = serde_json::from_slice(response.body()).unwrap();
    (reply["text"].as_str().unwrap().to_owned(), took)
}

fn api_faults() -> Vec<ApiBehaviour> {
    vec![
        ApiBehaviour::Status500FatalError,
        ApiBehaviour::Garbage,
        ApiBehaviour::NotPointsPage,
        ApiBehaviour::AccessDenied,
        ApiBehaviour::Reset,
        ApiBehaviour::Hang,
        ApiBehaviour::EndlessBody,
        ApiBehaviour::Slow(Duration::from_secs(5)),
        ApiBehaviour::Huge(4 << 20),
    ]
}

fn page_faults() -> Vec<PageBehaviour> {
    vec![
        PageBehaviour::Status500FatalError,
        PageBehaviour::Garbage,
        PageBehaviour::NotPointsPage,
        PageBehaviour::Reset,
        PageBehaviour::Hang,
        PageBehaviour::EndlessBody,
        PageBehaviour::Slow(Duration::from_secs(5)),
        PageBehaviour::Huge(4 << 20),
    ]
}

/// With nothing cached, a failure is one sentence that says what failed and what to do.
fn assert_one_sentence(text: &str, took: Duration, fault: &str) {
    assert!(took < TIMEOUT + SLACK, "{fault}: answered after {took:?}");
    assert!(
        text.starts_with("⚠️ The DKP standings cannot be read: "),
        "{fault}: {text}"
    );
    assert!(
        !text.contains('\n') && text.ends_with('.'),
        "{fault}: {text}"
    );
    assert_eq!(
        text.matches(". ").count(),
        0,
        "{fault}: one sentence: {text}"
    );
    for internal in [
        "error sending request",
        "SendRequest",
        "127.0.0.1",
        "api.php?",
    ] {
        assert!(
            !text.contains(internal),
            "{fault}: the client's internals or the url leaked: {text}"
        );
    }
}

#[tokio::test]
async fn with_nothing_cached_every_api_failure_is_one_clear_sentence() {
    for fault in api_faults() {
        let site = StandIn::start(SiteConfig {
            api: fault.clone(),
            ..SiteConfig::new(reference())
        })
        .await;
        let (text, took) = ask(&app(&site, "api", "60s"), "Zoë").await;
        assert_one_sentence(&text, took, &format!("{fault:?}"));
    }
}

#[tokio::test]
async fn with_nothing_cached_every_page_failure_is_one_clear_sentence() {
    for fault in page_faults() {
        let site = StandIn::start(SiteConfig {
            pages: fault.clone(),
            ..SiteConfig::new(reference())
        })
        .await;
        let (text, took) = ask(&app(&site, "page", "60s"), "Zoë").await;
        assert_one_sentence(&text, took, &format!("{fault:?}"));
    }
}

#[tokio::test]
async fn the_sentence_names_the_cause_and_the_remedy() {
    let cases = [
        (
            ApiBehaviour::Hang,
            "the site did not answer within 1s; check that the site is up",
        ),
        (ApiBehaviour::AccessDenied, "the api refused access"),
        (
            ApiBehaviour::Status500FatalError,
            "the site answered http 500 to api.php; the site itself is failing",
        ),
        (
            ApiBehaviour::Huge(4 << 20),
            "larger than the 1048576-byte limit; raise [eqdkp] max_body",
        ),
        (
            ApiBehaviour::Reset,
            "the connection to the site failed (connection reset by peer",
        ),
    ];
    for (fault, expected) in cases {
        let site = StandIn::start(SiteConfig {
            api: fault.clone(),
            ..SiteConfig::new(reference())
        })
        .await;
        let (text, _) = ask(&app(&site, "api", "60s"), "Zoë").await;
        assert!(text.contains(expected), "{fault:?}: {text}");
    }
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_last_good_standings_with_their_age() {
    for fault in api_faults() {
        let site = StandIn::start(SiteConfig::new(reference())).await;
        let app = app(&site, "api", "0s");
        let (good, _) = ask(&app, "Zoë").await;
        assert!(good.contains("| Planes of Power | 44.00 |"), "{good}");

        site.set_api(fault.clone());
        let (stale, took) = ask(&app, "Zoë").await;
        assert!(took < TIMEOUT + SLACK, "{fault:?}: answered after {took:?}");
        assert!(
            stale.starts_with("⚠️ The DKP site could not be read just now ("),
            "{fault:?}: {stale}"
        );
        assert!(
            stale.contains("so these standings are from "),
            "{fault:?}: {stale}"
        );
        assert!(
            stale.contains("| Planes of Power | 44.00 |"),
            "{fault:?}: the old figures: {stale}"
        );
    }
}

#[tokio::test]
async fn a_slow_site_never_holds_up_what_the_cache_can_answer() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let app = app(&site, "api", "60s");
    ask(&app, "Zoë").await;
    site.set_api(ApiBehaviour::Hang);

    let started = Instant::now();
    for name in ["Cazic", "Xegony", "Tarnk", "zoe", "Rallos"] {
        let (text, _) = ask(&app, name).await;
        assert!(!text.starts_with("⚠️"), "{text}");
    }
    assert!(
        started.elapsed() < TIMEOUT,
        "fresh standings answer without the site"
    );
    assert_eq!(site.requests(), 1);
}

#[tokio::test]
async fn expired_standings_answer_while_a_hanging_site_is_asked_again() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let app = app(&site, "api", "1s");
    ask(&app, "Zoë").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    site.set_api(ApiBehaviour::Hang);

    let (text, took) = ask(&app, "Zoë").await;
    assert!(
        took < TIMEOUT,
        "expired standings answered at once, not after the timeout: {took:?}"
    );
    assert!(text.contains("| Planes of Power | 44.00 |"), "{text}");

    tokio::time::sleep(TIMEOUT + Duration::from_millis(300)).await;
    let (text, _) = ask(&app, "Zoë").await;
    assert!(
        text.starts_with(
            "⚠️ The DKP site could not be read just now (the site did not answer within 1s)"
        ),
        "{text}"
    );
    assert_eq!(
        site.requests_to("api.php"),
        2,
        "one read failed; the next waits for a rest"
    );
}

#[tokio::test]
async fn auto_survives_an_api_outage_through_the_pages() {
    let pages = PageBehaviour::Serve(Markup::V23Anonymous, Lang::English);
    let site = StandIn::start(SiteConfig {
        api: ApiBehaviour::Status500FatalError,
        pages,
        ..SiteConfig::new(reference())
    })
    .await;
    let (text, _) = ask(&app(&site, "auto", "60s"), "Zoë").await;
    assert!(
        text.contains("| Planes of Power | 44.00 | 86.00 | 52.00 | 10.00 |"),
        "{text}"
    );
}
