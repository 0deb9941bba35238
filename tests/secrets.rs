//! No token and no API key ever reaches a log line, whatever the log level: the whole log of a
//! busy session (right and wrong tokens, both integrations, an API key in every site request,
//! a failing site) is captured at debug level for every crate and searched.

mod support;

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use mattermost_eqdkp::config::Config;
use mattermost_eqdkp::eqdkp::Source;
use mattermost_eqdkp::lookup::{Lookup, Settings};
use mattermost_eqdkp::server::{self, App};
use mattermost_eqdkp::standings::Standings;
use support::roster::reference;
use support::site::{ApiBehaviour, SiteConfig, StandIn};
use tracing_subscriber::fmt::MakeWriter;

const SLASH_TOKEN: &str = "slashtokenslashtokenslash1";
const HOOK_TOKEN: &str = "hooktokenhooktokenhooktok2";
const API_KEY: &str = "roapikeyapikeyapikeyapikeyapikeyapikeyapikey3";
const WRONG_TOKEN: &str = "wrongtokenwrongtokenwrong4";

/// Everything logged, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn no_secret_reaches_the_log_at_debug_level() {
    let log = Captured::default();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "trace,hyper=debug,h2=debug,rustls=debug",
        ))
        .with_writer(log.clone())
        .with_ansi(false)
        .init();

    let site = StandIn::start(SiteConfig {
        api_key: Some(API_KEY.to_owned()),
        ..SiteConfig::new(reference())
    })
    .await;
    let text = format!(
        "listen = \"127.0.0.1:0\"\n[eqdkp]\nurl = \"{}\"\nsource = \"api\"\napi_key = \"{API_KEY}\"\n\
         cache_ttl = \"0s\"\ntimeout = \"1s\"\n[mattermost]\ntokens = [\"{SLASH_TOKEN}\", \"{HOOK_TOKEN}\"]\n",
        site.url()
    );
    let config = Config::parse(&text, Path::new("/nonexistent/config.toml")).unwrap();
    tracing::debug!(?config, "the config as a debug log line");
    let source = Source::new(&config.eqdkp).unwrap();
    let standings = Standings::new(Arc::new(source), config.eqdkp.cache_ttl);
    let app = Arc::new(App::new(
        &config,
        Lookup::new(standings, Settings::from(&config)),
    ));
    let (addr, serving) = server::bind(app, config.listen, None, std::future::pending()).unwrap();
    tokio::spawn(serving);

    let client = reqwest::Client::new();
    let base = format!("http://{addr}");
    for token in [SLASH_TOKEN, WRONG_TOKEN, ""] {
        for text in ["Zoë", "items zoë", "top 3"] {
            let form = [
                ("command", "/dkp"),
                ("text", text),
                ("token", token),
                ("user_name", "alice"),
            ];
            let response = client
                .post(format!("{base}/dkp"))
                .header("Authorization", format!("Token {token}"))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert!(response.status() == 200 || response.status() == 401);
        }
        let query = format!("{base}/dkp?command=%2Fdkp&text=Cazic&token={token}");
        client.get(query).send().await.unwrap();
    }
    for token in [HOOK_TOKEN, WRONG_TOKEN] {
        let body = format!(
            "{{\"token\":\"{token}\",\"text\":\"getdkp Zoë\",\"trigger_word\":\"getdkp\"}}"
        );
        client
            .post(format!("{base}/getdkp"))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
    }
    site.set_api(ApiBehaviour::AccessDenied);
    client
        .post(format!("{base}/dkp"))
        .form(&[("command", "/dkp"), ("text", "Zoë"), ("token", SLASH_TOKEN)])
        .send()
        .await
        .unwrap();

    assert!(
        site.requests_to("atoken=") >= 4,
        "the api key went out with the roster and items reads"
    );

    let logged = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(
        logged.contains("refused a request with a missing or wrong token"),
        "the log was captured"
    );
    assert!(
        logged.contains("reading the standings failed"),
        "the failure was logged"
    );
    assert!(logged.contains("DEBUG"), "debug lines were captured");
    for secret in [SLASH_TOKEN, HOOK_TOKEN, API_KEY, WRONG_TOKEN] {
        assert!(
            !logged.contains(secret),
            "{secret} appears in the log:\n{logged}"
        );
    }
}
