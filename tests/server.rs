//! The HTTP service, driven through `warp::test` with requests built the way Mattermost
//! builds them (see Mattermost's `DoCommandRequest` and outgoing-webhook code): every header,
//! field order and encoding as it sends them.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::future::BoxFuture;
use mattermost_eqdkp::config::Config;
use mattermost_eqdkp::eqdkp::{FetchError, Source};
use mattermost_eqdkp::lookup::{Lookup, Settings};
use mattermost_eqdkp::roster::Roster;
use mattermost_eqdkp::server::App;
use mattermost_eqdkp::server::routes::routes;
use mattermost_eqdkp::standings::{Reader, Standings};
use serde_json::Value;
use warp::http::{HeaderValue, Response};
use warp::hyper::body::Bytes;

const SLASH_TOKEN: &str = "xr3j5x3p4pfqmx4rsqjd9fwbmo";
const HOOK_TOKEN: &str = "n3ngh3h1ffg8pmb9zr7dtsx5jo";

/// Reads the fixture roster and counts how often the site was asked.
struct CountingReader {
    source: Source,
    reads: AtomicUsize,
}

impl Reader for CountingReader {
    fn read(&self) -> BoxFuture<'_, Result<Roster, FetchError>> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        Box::pin(self.source.read())
    }
}

struct Service {
    app: Arc<App>,
    reader: Arc<CountingReader>,
}

impl Service {
    fn new(extra: &str) -> Service {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api/points-2.3.json");
        Service::over(&file, extra)
    }

    fn over(file: &Path, extra: &str) -> Service {
        let text = format!(
            "[eqdkp]\nfile = {file:?}\n[mattermost]\n\
             tokens = [\"{SLASH_TOKEN}\", \"{HOOK_TOKEN}\"]\nusername = \"dkpbot\"\n\
             icon_url = \"https://guild.example.org/dkp.png\"\n{extra}"
        );
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config.toml");
        let config = Config::parse(&text, &path).expect("the test config is valid");
        let settings = Settings::from(&config);
        let reader = Arc::new(CountingReader {
            source: Source::new(&config.eqdkp).expect("the source builds"),
            reads: AtomicUsize::new(0),
        });
        let standings = Standings::new(reader.clone(), config.eqdkp.cache_ttl);
        let app = Arc::new(App::new(&config, Lookup::new(standings, settings)));
        Service { app, reader }
    }

    async fn send(&self, request: warp::test::RequestBuilder) -> Response<Bytes> {
        request.reply(&routes(self.app.clone())).await
    }

    fn reads(&self) -> usize {
        self.reader.reads.load(Ordering::SeqCst)
    }
}

/// The form body of a slash command, fields sorted and encoded as Go's `url.Values` does.
fn slash_body(token: &str, text: &str) -> String {
    let fields = [
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
        ("text", text),
        ("token", token),
        (
            "trigger_id",
            "dGo0a2JxeDhtMWR6NXJndzN1aDlmcGNuc2U6bTFuOWI0czh6Zjh5Zmd3azd1M2Ro",
        ),
        ("user_id", "m1n9b4s8zf8yfgwk7u3dha5c6r"),
        ("user_name", "alice"),
    ];
    serde_urlencoded::to_string(fields).expect("fields encode")
}

fn slash_post(path: &str, token: &str, text: &str) -> warp::test::RequestBuilder {
    let body = slash_body(token, text);
    warp::test::request()
        .method("POST")
        .path(path)
        .remote_addr("10.0.0.5:41234".parse().unwrap())
        .header("User-Agent", "Mattermost-Bot/1.1")
        .header("Accept", "application/json")
        .header("Authorization", format!("Token {token}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept-Encoding", "gzip")
        .header("Content-Length", body.len().to_string())
        .body(body)
}

fn webhook_fields<'a>(token: &'a str, text: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("channel_id", "ykdcqf5nrfd6tm8r1a7xz5gu3e"),
        ("channel_name", "raids"),
        ("file_ids", ""),
        ("post_id", "9xuqwrwgstrb3mzrxb83nb357a"),
        ("team_domain", "guild"),
        ("team_id", "8ie6kh9r5bgy8c1z3ztk6gojbh"),
        ("text", text),
        ("timestamp", "1718031234"),
        ("token", token),
        ("trigger_word", "getdkp"),
        ("user_id", "m1n9b4s8zf8yfgwk7u3dha5c6r"),
        ("user_name", "bob"),
    ]
}

fn webhook_form(token: &str, text: &str) -> warp::test::RequestBuilder {
    let body = serde_urlencoded::to_string(webhook_fields(token, text)).unwrap();
    webhook_request("application/x-www-form-urlencoded", body)
}

/// The JSON body of an outgoing webhook, in Go's field order, with its escapes, and with the
/// timestamp in milliseconds as a number.
fn webhook_json(token: &str, text: &str) -> warp::test::RequestBuilder {
    let text = serde_json::to_string(text)
        .unwrap()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e");
    let body = format!(
        "{{\"token\":\"{token}\",\"team_id\":\"8ie6kh9r5bgy8c1z3ztk6gojbh\",\"team_domain\":\"guild\",\
         \"channel_id\":\"ykdcqf5nrfd6tm8r1a7xz5gu3e\",\"channel_name\":\"raids\",\
         \"timestamp\":1718031234567,\"user_id\":\"m1n9b4s8zf8yfgwk7u3dha5c6r\",\"user_name\":\"bob\",\
         \"post_id\":\"9xuqwrwgstrb3mzrxb83nb357a\",\"text\":{text},\"trigger_word\":\"getdkp\",\
         \"file_ids\":\"\"}}"
    );
    webhook_request("application/json", body)
}

fn webhook_request(content_type: &str, body: String) -> warp::test::RequestBuilder {
    warp::test::request()
        .method("POST")
        .path("/getdkp")
        .remote_addr("10.0.0.5:41235".parse().unwrap())
        .header("User-Agent", "Mattermost-Bot/1.1")
        .header("Accept", "application/json")
        .header("Content-Type", content_type)
        .header("Content-Length", body.len().to_string())
        .body(body)
}

fn json(response: &Response<Bytes>) -> Value {
    serde_json::from_slice(response.body()).expect("the body is json")
}

fn assert_json_200(response: &Response<Bytes>) {
    assert_eq!(response.status(), 200, "{:?}", response.body());
    assert_eq!(response.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn a_slash_command_gets_an_ephemeral_table() {
    let service = Service::new("");
    let response = service
        .send(slash_post("/dkp", SLASH_TOKEN, "Élodie"))
        .await;
    assert_json_200(&response);

    let reply = json(&response);
    assert_eq!(reply["response_type"], "ephemeral");
    assert_eq!(reply["username"], "dkpbot");
    assert_eq!(reply["icon_url"], "https://guild.example.org/dkp.png");
    assert_eq!(reply["skip_slack_parsing"], true);
    let text = reply["text"].as_str().unwrap();
    assert!(text.starts_with("**Élodie** · Cleric"), "{text}");
    assert!(
        text.contains("| Raid Nights | 40.50 | 60.50 | 30.00 | 10.00 |"),
        "{text}"
    );
    assert!(reply.get("extra_responses").is_none());
}

#[tokio::test]
async fn the_old_bots_path_answers_slash_commands_too() {
    let service = Service::new("");
    let response = service
        .send(slash_post("/getdkp", SLASH_TOKEN, "vel'ka"))
        .await;
    assert_json_200(&response);
    assert!(
        json(&response)["text"]
            .as_str()
            .unwrap()
            .contains("-1464.50")
    );
}

#[tokio::test]
async fn in_channel_replies_follow_the_config() {
    let service = Service::new("response_type = \"in_channel\"\n");
    let response = service
        .send(slash_post("/dkp", SLASH_TOKEN, "Brynja"))
        .await;
    assert_eq!(json(&response)["response_type"], "in_channel");
}

#[tokio::test]
async fn a_get_slash_command_reads_the_query_after_the_admins_own() {
    let service = Service::new("");
    let query = format!("/dkp?src=mm&{}", slash_body(SLASH_TOKEN, "Quillan"));
    let request = warp::test::request()
        .method("GET")
        .path(&query)
        .header("Accept", "application/json")
        .header("Authorization", format!("Token {SLASH_TOKEN}"));
    let response = service.send(request).await;
    assert_json_200(&response);
    let text = json(&response)["text"].as_str().unwrap().to_owned();
    assert!(text.contains("alt of **Brynja**"), "{text}");
}

#[tokio::test]
async fn mattermosts_fields_win_over_the_same_keys_in_the_admins_query() {
    let service = Service::new("");
    let query = format!(
        "/dkp?text=Brynja&user_name=admin&{}",
        slash_body(SLASH_TOKEN, "Quillan")
    );
    let request = warp::test::request()
        .method("GET")
        .path(&query)
        .header("Authorization", format!("Token {SLASH_TOKEN}"));
    let response = service.send(request).await;
    assert_json_200(&response);
    let text = json(&response)["text"].as_str().unwrap().to_owned();
    assert!(text.starts_with("**Quillan**"), "{text}");
}

#[tokio::test]
async fn a_webhook_form_post_gets_a_public_reply_without_the_trigger_word() {
    let service = Service::new("");
    let response = service
        .send(webhook_form(HOOK_TOKEN, "getdkp Élodie"))
        .await;
    assert_json_200(&response);

    let reply = json(&response);
    assert!(reply["text"].as_str().unwrap().starts_with("**Élodie**"));
    assert_eq!(reply["username"], "dkpbot");
    assert_eq!(reply["icon_url"], "https://guild.example.org/dkp.png");
    assert!(
        reply.get("response_type").is_none(),
        "webhooks cannot be ephemeral"
    );
    assert!(reply.get("skip_slack_parsing").is_none());
}

#[tokio::test]
async fn a_webhook_json_post_is_answered_like_a_form_post() {
    let service = Service::new("");
    let response = service
        .send(webhook_json(HOOK_TOKEN, "getdkp brynja quillan"))
        .await;
    assert_json_200(&response);
    let text = json(&response)["text"].as_str().unwrap().to_owned();
    assert!(
        text.contains("| Quillan (alt of Brynja) | Rogue | 54.50 | 43.00 |"),
        "{text}"
    );
}

#[tokio::test]
async fn a_webhook_can_answer_in_the_thread() {
    let service = Service::new("webhook_reply = \"thread\"\n");
    let response = service
        .send(webhook_form(HOOK_TOKEN, "getdkp Brynja"))
        .await;
    assert_eq!(json(&response)["response_type"], "comment");
}

#[tokio::test]
async fn help_gets_the_usage_reply_without_reading_the_site() {
    let service = Service::new("");
    for text in ["help", "  HELP "] {
        let response = service.send(slash_post("/dkp", SLASH_TOKEN, text)).await;
        assert_json_200(&response);
        let usage = json(&response)["text"].as_str().unwrap().to_owned();
        assert!(usage.contains("`/dkp NAME`"), "{usage}");
    }
    let response = service.send(webhook_form(HOOK_TOKEN, "getdkp help")).await;
    let usage = json(&response)["text"].as_str().unwrap().to_owned();
    assert!(usage.contains("`getdkp NAME`"), "{usage}");
    assert_eq!(service.reads(), 0, "help needs no standings");
}

#[tokio::test]
async fn empty_text_from_a_user_with_no_character_gets_the_usage_reply() {
    let service = Service::new("");
    let response = service.send(slash_post("/dkp", SLASH_TOKEN, "")).await;
    assert_json_200(&response);
    let text = json(&response)["text"].as_str().unwrap().to_owned();
    assert!(
        text.starts_with("No character is linked to your Mattermost name (“alice”)"),
        "{text}"
    );
    assert!(text.contains("`/dkp NAME`"), "{text}");

    let response = service.send(webhook_form(HOOK_TOKEN, "getdkp")).await;
    let text = json(&response)["text"].as_str().unwrap().to_owned();
    assert!(text.contains("`getdkp NAME`"), "{text}");
}

#[tokio::test]
async fn empty_text_shows_the_users_linked_characters() {
    let service = Service::new("[mattermost.users]\nalice = [\"Brynja\", \"Vel'ka\"]\n");
    let response = service.send(slash_post("/dkp", SLASH_TOKEN, "")).await;
    let text = json(&response)["text"].as_str().unwrap().to_owned();
    assert!(
        text.contains("| Brynja | Warrior | 54.50 | 43.00 |"),
        "{text}"
    );
    assert!(
        text.contains("| Vel'ka | Shadow Knight | -1464.50 | 17.00 |"),
        "{text}"
    );
}

#[tokio::test]
async fn an_unknown_name_is_still_a_200_the_user_can_read() {
    let service = Service::new("");
    let response = service
        .send(slash_post("/dkp", SLASH_TOKEN, "Brynjaa"))
        .await;
    assert_json_200(&response);
    let text = json(&response)["text"].as_str().unwrap().to_owned();
    assert!(
        text.contains("No character named “Brynjaa”. Did you mean **Brynja**?"),
        "{text}"
    );
}

/// Tokens that must all be refused: wrong, missing, empty, a prefix of a real token, one
/// character off, and a real token with extra characters.
fn bad_tokens() -> Vec<String> {
    let mut one_off = SLASH_TOKEN.to_owned();
    one_off.replace_range(25..26, "p");
    vec![
        "wrongtokenwrongtokenwrongt".to_owned(),
        String::new(),
        SLASH_TOKEN[..25].to_owned(),
        SLASH_TOKEN[..1].to_owned(),
        one_off,
        format!("{SLASH_TOKEN}x"),
        SLASH_TOKEN.to_uppercase(),
    ]
}

async fn assert_refused(service: &Service, request: warp::test::RequestBuilder) {
    let response = service.send(request).await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(json(&response)["error"], "missing or invalid token");
}

#[tokio::test]
async fn bad_slash_tokens_are_refused_before_any_eqdkp_request() {
    let service = Service::new("");
    for token in bad_tokens() {
        assert_refused(&service, slash_post("/dkp", &token, "Brynja")).await;
    }
    let no_token = warp::test::request()
        .method("POST")
        .path("/dkp")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("command=%2Fdkp&text=Brynja");
    assert_refused(&service, no_token).await;
    assert_eq!(service.reads(), 0);
}

#[tokio::test]
async fn bad_webhook_tokens_are_refused_before_any_eqdkp_request() {
    let service = Service::new("");
    for token in bad_tokens() {
        assert_refused(&service, webhook_form(&token, "getdkp Brynja")).await;
        assert_refused(&service, webhook_json(&token, "getdkp Brynja")).await;
    }
    let no_token = webhook_request(
        "application/json",
        r#"{"text":"getdkp x","trigger_word":"getdkp"}"#.into(),
    );
    assert_refused(&service, no_token).await;
    assert_eq!(service.reads(), 0);
}

#[tokio::test]
async fn a_webhook_cannot_authenticate_with_a_header() {
    let service = Service::new("");
    let body = serde_urlencoded::to_string(webhook_fields("", "getdkp Brynja")).unwrap();
    let request = webhook_request("application/x-www-form-urlencoded", body)
        .header("Authorization", format!("Token {HOOK_TOKEN}"));
    assert_refused(&service, request).await;
    assert_eq!(service.reads(), 0);
}

#[tokio::test]
async fn an_authorization_header_that_is_not_text_does_not_hide_the_body_token() {
    let service = Service::new("");
    let query = format!("/dkp?{}", slash_body(SLASH_TOKEN, "Brynja"));
    let request = warp::test::request().method("GET").path(&query).header(
        "Authorization",
        HeaderValue::from_bytes(b"Token \xe9").unwrap(),
    );
    assert_json_200(&service.send(request).await);
}

#[tokio::test]
async fn a_slash_command_may_carry_its_token_only_in_the_header() {
    let service = Service::new("");
    let body = "command=%2Fdkp&text=Brynja&token=";
    let request = warp::test::request()
        .method("POST")
        .path("/dkp")
        .header("Authorization", format!("Token {SLASH_TOKEN}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Content-Length", body.len().to_string())
        .body(body);
    assert_json_200(&service.send(request).await);
}

#[tokio::test]
async fn health_answers_while_the_process_serves() {
    let service = Service::new("");
    let response = service.send(warp::test::request().path("/healthz")).await;
    assert_json_200(&response);
    assert_eq!(json(&response)["status"], "ok");
}

#[tokio::test]
async fn requests_that_are_not_from_mattermost_get_4xx_json() {
    let service = Service::new("");
    let cases = [
        (
            warp::test::request()
                .method("POST")
                .path("/dkp")
                .header("Content-Type", "text/plain")
                .body("hi"),
            415,
        ),
        (
            warp::test::request()
                .method("POST")
                .path("/dkp")
                .header("Content-Type", "application/json")
                .body("{"),
            400,
        ),
        (
            warp::test::request()
                .method("POST")
                .path("/dkp")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(format!("token={SLASH_TOKEN}&text=x")),
            400,
        ),
        (warp::test::request().method("GET").path("/nope"), 404),
        (
            warp::test::request().method("PUT").path("/dkp").body("x"),
            405,
        ),
        (
            warp::test::request()
                .method("POST")
                .path("/dkp")
                .header("Content-Type", "application/json")
                .body(vec![b' '; 70 * 1024]),
            413,
        ),
        (
            warp::test::request()
                .method("POST")
                .path("/dkp")
                .header(
                    "Content-Type",
                    HeaderValue::from_bytes(b"application/json\xff").unwrap(),
                )
                .body("{}"),
            400,
        ),
    ];
    for (request, status) in cases {
        let response = service.send(request).await;
        assert_eq!(response.status(), status, "{:?}", response.body());
        assert_eq!(response.headers()["content-type"], "application/json");
        assert!(json(&response)["error"].is_string());
    }
    assert_eq!(service.reads(), 0);
}

#[tokio::test]
async fn public_and_private_override_the_configured_visibility() {
    let service = Service::new("");
    let response = service
        .send(slash_post("/dkp", SLASH_TOKEN, "public Brynja"))
        .await;
    assert_eq!(json(&response)["response_type"], "in_channel");

    let service = Service::new("response_type = \"in_channel\"\n");
    let response = service
        .send(slash_post("/dkp", SLASH_TOKEN, "private Brynja"))
        .await;
    assert_eq!(json(&response)["response_type"], "ephemeral");
}

#[tokio::test]
async fn a_long_slash_answer_continues_in_extra_responses() {
    let dir = std::env::temp_dir().join(format!("mmeqdkp-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("points.json");
    let roster = support::roster::synthetic(3000, 2, 11);
    let json_text =
        support::render::api_points_json(&roster, support::render::ApiFlavor::V23, false);
    std::fs::write(&file, json_text).unwrap();

    let service = Service::over(&file, "");
    let response = service
        .send(slash_post("/dkp", SLASH_TOKEN, "public top 600"))
        .await;
    assert_json_200(&response);
    let reply = json(&response);
    let extra = reply["extra_responses"]
        .as_array()
        .expect("extra responses");
    assert!(!extra.is_empty());
    for post in std::iter::once(&reply).chain(extra) {
        assert_eq!(
            post["response_type"], "in_channel",
            "every post follows the reply's visibility"
        );
        assert_eq!(post["skip_slack_parsing"], true);
        assert_eq!(post["username"], "dkpbot");
        let text = post["text"].as_str().unwrap();
        assert!(text.chars().count() <= 16_383);
        assert!(
            text.contains("| # | Character | Class |"),
            "every post is a complete table"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}
