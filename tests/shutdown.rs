//! The binary itself: on SIGTERM or SIGINT it stops accepting, finishes the requests in
//! flight, and exits 0.

#![cfg(unix)]

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::roster::reference;
use support::site::{ApiBehaviour, SiteConfig, StandIn};

const TOKEN: &str = "xr3j5x3p4pfqmx4rsqjd9fwbmo";

/// Starts `mattermost-eqdkp serve` on a free port and returns it with the address it reports.
fn serve(site_url: &str, name: &str) -> (Child, SocketAddr, std::path::PathBuf) {
    serve_with(site_url, name, "")
}

/// `serve` with more `[eqdkp]` settings.
fn serve_with(site_url: &str, name: &str, eqdkp: &str) -> (Child, SocketAddr, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("mmeqdkp-shutdown-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    let text = format!(
        "listen = \"127.0.0.1:0\"\n[eqdkp]\nurl = \"{site_url}\"\nsource = \"api\"\n{eqdkp}\n\
         [mattermost]\ntokens = [\"{TOKEN}\"]\n"
    );
    std::fs::write(&config, text).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_mattermost-eqdkp"))
        .args(["serve", "--config"])
        .arg(&config)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let at = line.find("listening addr=")?;
            line[at + "listening addr=".len()..]
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .expect("the service logs its address");
    // Keep draining the log so the service never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, addr, dir)
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status();
    assert!(status.unwrap().success());
}

async fn in_flight_request_survives(signal_name: &str) {
    let site = StandIn::start(SiteConfig {
        api: ApiBehaviour::Slow(Duration::from_millis(1200)),
        ..SiteConfig::new(reference())
    })
    .await;
    let (mut child, addr, dir) = serve(&site.url(), signal_name);

    // A look-up that waits on the slow site is in flight when the signal arrives.
    let request = tokio::spawn(async move {
        let form = [("command", "/dkp"), ("text", "Zoë"), ("token", TOKEN)];
        let client = reqwest::Client::new();
        let response = client
            .post(format!("http://{addr}/dkp"))
            .form(&form)
            .send()
            .await?;
        Ok::<_, reqwest::Error>((response.status(), response.text().await?))
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    signal(&child, signal_name);

    let (status, body) = request
        .await
        .unwrap()
        .expect("the in-flight request is finished");
    assert_eq!(status, 200);
    assert!(body.contains("44.00"), "{body}");

    let exit = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "exit status {exit:?}");
    let refused = tokio::net::TcpStream::connect(addr).await;
    assert!(refused.is_err(), "nothing listens after the shutdown");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn sigterm_finishes_requests_in_flight_and_exits_0() {
    in_flight_request_survives("TERM").await;
}

#[tokio::test]
async fn sigint_finishes_requests_in_flight_and_exits_0() {
    in_flight_request_survives("INT").await;
}

#[tokio::test]
async fn a_client_that_stalls_mid_request_does_not_hold_the_stop() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let (mut child, addr, dir) = serve_with(&site.url(), "stalled", "timeout = \"1s\"");

    // Ten of the fifty bytes the headers announce, and then nothing.
    let mut stalled = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = "POST /dkp HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 50\r\n\r\ntoken=abcd";
    tokio::io::AsyncWriteExt::write_all(&mut stalled, head.as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    signal(&child, "TERM");

    // The grace period is the site timeout and two seconds; the stall would last for ever.
    let exit = tokio::time::timeout(
        Duration::from_secs(15),
        tokio::task::spawn_blocking(move || child.wait()),
    )
    .await
    .expect("the service stops despite the stalled client")
    .unwrap()
    .unwrap();
    assert!(exit.success(), "exit status {exit:?}");
    drop(stalled);
    let _ = std::fs::remove_dir_all(dir);
}
