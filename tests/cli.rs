//! The `check` and `lookup` commands of the binary, as an officer runs them.

mod support;

use std::path::PathBuf;
use std::process::Output;

use support::roster::reference;
use support::site::{ApiBehaviour, SiteConfig, StandIn};

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str, config: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("mmeqdkp-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), config).unwrap();
    Scratch(dir)
}

async fn run(dir: &Scratch, args: &[&str]) -> Output {
    let config = dir.0.join("config.toml");
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_mattermost-eqdkp"))
            .args(&args[..1])
            .arg("--config")
            .arg(&config)
            .args(&args[1..])
            .output()
            .expect("the binary runs")
    })
    .await
    .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn check_reports_what_it_found() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let config = format!(
        "[eqdkp]\nurl = \"{}\"\n[mattermost]\ntokens = [\"t\"]\n",
        site.url()
    );
    let dir = scratch("check-ok", &config);

    let output = run(&dir, &["check"]).await;
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("is valid"), "{text}");
    assert!(text.contains("(source: auto)"), "{text}");
    assert!(
        text.contains("found: \"My Guild\", EQDKP-Plus 2.3, via the api"),
        "{text}"
    );
    assert!(
        text.contains("characters: 15 (2 alts, 1 inactive); alts merged into mains: yes"),
        "{text}"
    );
    assert!(
        text.contains("pools: Planes of Power (id 1), Luclin (id 2)"),
        "{text}"
    );
}

#[tokio::test]
async fn check_says_exactly_what_failed_and_what_to_do() {
    let site = StandIn::start(SiteConfig {
        api: ApiBehaviour::AccessDenied,
        ..SiteConfig::new(reference())
    })
    .await;
    let config = format!(
        "[eqdkp]\nurl = \"{}\"\nsource = \"api\"\n[mattermost]\ntokens = [\"t\"]\n",
        site.url()
    );
    let dir = scratch("check-denied", &config);

    let output = run(&dir, &["check"]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("FAILED after "), "{text}");
    assert!(text.contains("the api refused access"), "{text}");
    assert!(
        text.contains("what to do: set [eqdkp] api_key_file"),
        "{text}"
    );
}

#[tokio::test]
async fn a_config_mistake_is_reported_with_key_value_and_expectation() {
    let dir = scratch(
        "bad-config",
        "[eqdkp]\nurl = \"https://x.org/\"\ntimeout = \"forever\"\n",
    );
    let output = run(&dir, &["check"]).await;
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("timeout"), "{message}");
    assert!(message.contains("\"forever\""), "{message}");
    assert!(
        message.contains("expected a number and a unit"),
        "{message}"
    );
}

#[tokio::test]
async fn serve_refuses_to_start_without_a_token() {
    let dir = scratch("no-token", "[eqdkp]\nfile = \"points.json\"\n");
    let output = run(&dir, &["serve"]).await;
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("mattermost.tokens: no token configured"),
        "{message}"
    );
}

#[tokio::test]
async fn lookup_answers_me_for_a_given_user() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let config = format!(
        "[eqdkp]\nurl = \"{}\"\n[mattermost.users]\nalice = [\"Tarnk\", \"Zoë\"]\n",
        site.url()
    );
    let dir = scratch("lookup-me", &config);
    let output = run(&dir, &["lookup", "--as", "alice", "me"]).await;
    let text = stdout(&output);
    assert!(
        text.contains("| Tarnk (alt of Aradune) | Rogue | 47.50 | 48.00 |"),
        "{text}"
    );
    assert!(text.contains("| Zoë | Cleric | 44.00 | 40.00 |"), "{text}");
}
