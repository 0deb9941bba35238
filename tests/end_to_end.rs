//! The real thing over real sockets: the service bound on 127.0.0.1:0, a stand-in EQDKP site
//! on another port, and reqwest sending what Mattermost sends.

mod support;

use std::path::Path;
use std::sync::Arc;

use mattermost_eqdkp::config::Config;
use mattermost_eqdkp::eqdkp::Source;
use mattermost_eqdkp::lookup::{Lookup, Settings};
use mattermost_eqdkp::server::{self, App};
use mattermost_eqdkp::standings::Standings;
use serde_json::Value;
use support::roster::reference;
use support::site::{SiteConfig, StandIn};
use tokio::sync::oneshot;

const SLASH_TOKEN: &str = "xr3j5x3p4pfqmx4rsqjd9fwbmo";
const HOOK_TOKEN: &str = "n3ngh3h1ffg8pmb9zr7dtsx5jo";

/// A running service; dropping it shuts the service down.
struct Running {
    base: String,
    stop: Option<oneshot::Sender<()>>,
    served: tokio::task::JoinHandle<()>,
}

async fn start(site_url: &str) -> Running {
    let text = format!(
        "listen = \"127.0.0.1:0\"\n[eqdkp]\nurl = \"{site_url}\"\nsource = \"auto\"\n\
         [mattermost]\ntokens = [\"{SLASH_TOKEN}\", \"{HOOK_TOKEN}\"]\nusername = \"dkpbot\"\n\
         icon_url = \"https://guild.example.org/dkp.png\"\n"
    );
    let config = Config::parse(&text, Path::new("/nonexistent/config.toml")).unwrap();
    let source = Source::new(&config.eqdkp).unwrap();
    let standings = Standings::new(Arc::new(source), config.eqdkp.cache_ttl);
    let app = Arc::new(App::new(
        &config,
        Lookup::new(standings, Settings::from(&config)),
    ));

    let (stop, stopped) = oneshot::channel::<()>();
    let (addr, serving) = server::bind(app, config.listen, None, async {
        let _ = stopped.await;
    })
    .expect("the service binds a loopback port");
    assert!(addr.ip().is_loopback());
    Running {
        base: format!("http://{addr}"),
        stop: Some(stop),
        served: tokio::spawn(serving),
    }
}

impl Running {
    async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.served).await.expect("the service stops cleanly");
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent("Mattermost-Bot/1.1")
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_slash_command_over_a_real_socket() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let service = start(&site.url()).await;

    let form = [
        ("channel_id", "ykdcqf5nrfd6tm8r1a7xz5gu3e"),
        ("channel_name", "town-square"),
        ("command", "/dkp"),
        (
            "response_url",
            "https://mm.example.com/hooks/commands/w5dk9rhz1jbxf3ncg8e7qmyto4",
        ),
        ("root_id", ""),
        ("team_domain", "guild"),
        ("team_id", "8ie6kh9r5bgy8c1z3ztk6gojbh"),
        ("text", "zoë"),
        ("token", SLASH_TOKEN),
        ("trigger_id", "dGo0a2JxeDht"),
        ("user_id", "m1n9b4s8zf8yfgwk7u3dha5c6r"),
        ("user_name", "alice"),
    ];
    let response = client()
        .post(format!("{}/dkp", service.base))
        .header("Accept", "application/json")
        .header("Authorization", format!("Token {SLASH_TOKEN}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .expect("the service answers");

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let reply: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    let object = reply.as_object().unwrap();
    let mut keys: Vec<_> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "icon_url",
            "response_type",
            "skip_slack_parsing",
            "text",
            "username"
        ]
    );
    assert_eq!(reply["response_type"], "ephemeral");
    assert_eq!(reply["username"], "dkpbot");
    assert_eq!(reply["icon_url"], "https://guild.example.org/dkp.png");
    assert_eq!(reply["skip_slack_parsing"], true);
    let text = reply["text"].as_str().unwrap();
    assert!(
        text.contains("| Planes of Power | 44.00 | 86.00 | 52.00 | 10.00 |"),
        "{text}"
    );
    assert!(text.contains("_As of "), "{text}");
    assert_eq!(site.requests_to("api.php"), 1);

    service.shut_down().await;
}

#[tokio::test]
async fn an_outgoing_webhook_over_a_real_socket() {
    let site = StandIn::start(SiteConfig::new(reference())).await;
    let service = start(&site.url()).await;

    let body = serde_json::json!({
        "token": HOOK_TOKEN, "team_id": "8ie6kh9r5bgy8c1z3ztk6gojbh", "team_domain": "guild",
        "channel_id": "ykdcqf5nrfd6tm8r1a7xz5gu3e", "channel_name": "raids",
        "timestamp": 1_718_031_234_567_u64, "user_id": "m1n9b4s8zf8yfgwk7u3dha5c6r",
        "user_name": "bob", "post_id": "9xuqwrwgstrb3mzrxb83nb357a", "text": "getdkp Cazic",
        "trigger_word": "getdkp", "file_ids": ""
    });
    let response = client()
        .post(format!("{}/getdkp", service.base))
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let reply: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    let mut keys: Vec<_> = reply.as_object().unwrap().keys().cloned().collect();
    keys.sort_unstable();
    assert_eq!(keys, ["icon_url", "text", "username"]);
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .contains("| Planes of Power | -1464.50 |")
    );

    let refused = client()
        .post(format!("{}/getdkp", service.base))
        .header("Content-Type", "application/json")
        .body(r#"{"token":"nope","text":"getdkp Cazic","trigger_word":"getdkp"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        site.requests(),
        1,
        "the refused request reached no eqdkp page"
    );

    service.shut_down().await;
}
