//! Native TLS for deployments where the token crosses the internet, end to end with a
//! certificate made for the test.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mattermost_eqdkp::config::Config;
use mattermost_eqdkp::eqdkp::Source;
use mattermost_eqdkp::lookup::{Lookup, Settings};
use mattermost_eqdkp::server::{self, App, ServeError};
use mattermost_eqdkp::standings::Standings;
use support::roster::reference;
use support::site::{SiteConfig, StandIn};

const TOKEN: &str = "xr3j5x3p4pfqmx4rsqjd9fwbmo";

struct Files {
    dir: PathBuf,
    cert_pem: String,
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A self-signed certificate for `localhost` and 127.0.0.1, written as PEM files.
fn certificate(name: &str) -> Files {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let certified = rcgen::generate_simple_self_signed(names).expect("a certificate is made");
    let dir = std::env::temp_dir().join(format!("mmeqdkp-tls-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert_pem = certified.cert.pem();
    std::fs::write(dir.join("cert.pem"), &cert_pem).unwrap();
    std::fs::write(dir.join("key.pem"), certified.signing_key.serialize_pem()).unwrap();
    Files { dir, cert_pem }
}

fn config(site_url: &str, dir: &Path) -> Config {
    let text = format!(
        "listen = \"127.0.0.1:0\"\n[eqdkp]\nurl = \"{site_url}\"\n[mattermost]\ntokens = [\"{TOKEN}\"]\n\
         [tls]\ncert_file = \"cert.pem\"\nkey_file = \"key.pem\"\n"
    );
    Config::parse(&text, &dir.join("config.toml")).unwrap()
}

fn app(config: &Config) -> Arc<App> {
    let source = Source::new(&config.eqdkp).unwrap();
    let standings = Standings::new(Arc::new(source), config.eqdkp.cache_ttl);
    Arc::new(App::new(
        config,
        Lookup::new(standings, Settings::from(config)),
    ))
}

#[tokio::test]
async fn slash_commands_are_answered_over_https() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let files = certificate("ok");
    let config = config(&site.url(), &files.dir);
    let tls = config.tls.clone().expect("the config has [tls]");
    let (addr, serving) = server::bind(
        app(&config),
        config.listen,
        Some(&tls),
        std::future::pending(),
    )
    .expect("the tls service binds");
    tokio::spawn(serving);

    let trusted = reqwest::Certificate::from_pem(files.cert_pem.as_bytes()).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(trusted)
        .resolve("localhost", addr)
        .build()
        .unwrap();
    let base = format!("https://localhost:{}", addr.port());

    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("tls handshake");
    assert_eq!(health.status(), 200);

    let form = [("command", "/dkp"), ("text", "Zoë"), ("token", TOKEN)];
    let response = client
        .post(format!("{base}/dkp"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.text().await.unwrap();
    assert!(
        body.contains("| Planes of Power | 44.00 | 86.00 | 52.00 | 10.00 |"),
        "{body}"
    );

    let plain = reqwest::get(format!("http://127.0.0.1:{}/healthz", addr.port())).await;
    assert!(
        plain.is_err() || !plain.unwrap().status().is_success(),
        "plain http gets nothing"
    );
}

#[tokio::test]
async fn unusable_certificate_files_stop_the_start_with_a_reason() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let files = certificate("bad");
    std::fs::write(files.dir.join("key.pem"), "not a key").unwrap();
    let config = config(&site.url(), &files.dir);

    let tls = config.tls.clone().unwrap();
    let result = server::bind(
        app(&config),
        config.listen,
        Some(&tls),
        std::future::pending(),
    );
    let Err(err) = result else {
        panic!("a bad key must not bind")
    };
    assert!(matches!(err, ServeError::Bind { .. }));
    assert!(err.to_string().contains("private key"), "{err}");
    assert!(
        err.to_string()
            .starts_with("cannot listen on 127.0.0.1:0: "),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_certificate_file_is_named() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let files = certificate("missing");
    std::fs::remove_file(files.dir.join("cert.pem")).unwrap();
    let config = config(&site.url(), &files.dir);

    let tls = config.tls.clone().unwrap();
    let result = server::bind(
        app(&config),
        config.listen,
        Some(&tls),
        std::future::pending(),
    );
    let Err(err) = result else {
        panic!("a missing certificate must not bind")
    };
    let message = err.to_string();
    assert!(
        message.starts_with("tls.cert_file: cannot read "),
        "{message}"
    );
    assert!(message.contains("cert.pem"), "{message}");
}
