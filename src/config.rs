//! The TOML configuration file: its keys, their defaults, and the checks run once at start-up.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::secret::Secret;

/// Why the configuration could not be used. Every message names the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a key of the wrong type or name.
    #[error("{path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message, which names the key, shows the value and says what was expected.
        message: String,
    },
    /// A key has a value the service cannot use.
    #[error("{key} = {value}: {expected}")]
    Invalid {
        /// The key, such as `eqdkp.url`.
        key: &'static str,
        /// The value as written (never a secret).
        value: String,
        /// What would have been accepted.
        expected: String,
    },
    /// A secret file named by a key could not be read.
    #[error("{key}: cannot read {path}: {source}")]
    SecretFile {
        /// The key naming the file.
        key: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The whole configuration, with files resolved and secrets loaded.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address the service listens on.
    pub listen: SocketAddr,
    /// How to read the EQDKP-Plus site.
    pub eqdkp: EqdkpConfig,
    /// How to talk to Mattermost.
    pub mattermost: MattermostConfig,
    /// HTTPS, when the service terminates TLS itself.
    pub tls: Option<TlsConfig>,
    /// Where the file was read from, for messages.
    pub path: PathBuf,
    /// Things worth a warning at start-up, such as a secret file others can read.
    pub warnings: Vec<String>,
}

/// The `[tls]` table: a certificate chain and its private key, both PEM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsConfig {
    /// The certificate chain.
    pub cert_file: PathBuf,
    /// The private key.
    pub key_file: PathBuf,
}

/// Where the standings come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A live site: its root URL, always ending in `/`.
    Site(Url),
    /// A saved `api.php?function=points&format=json` answer on disk.
    File(PathBuf),
}

/// Which of the site's interfaces to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// The exchange API only.
    Api,
    /// The public points pages only.
    Page,
    /// The API, and the pages when the API refuses.
    #[default]
    Auto,
}

/// The `[eqdkp]` table.
#[derive(Debug, Clone)]
pub struct EqdkpConfig {
    /// The site or the file.
    pub target: Target,
    /// Which interface to read.
    pub source: SourceKind,
    /// The read-only API key, if any.
    pub api_key: Option<Secret>,
    /// How long a read roster is used before the next read.
    pub cache_ttl: Duration,
    /// The bound on one whole read of the site.
    pub timeout: Duration,
    /// The most bytes accepted in one answer from the site.
    pub max_body: usize,
    /// The pool `top` uses when the query names none.
    pub default_pool: Option<String>,
    /// Standings older than this make `/readyz` report the service not ready.
    pub max_age: Duration,
}

/// Whether a slash command's reply is seen by everyone in the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ResponseType {
    /// Only the user who typed the command sees it.
    #[default]
    Ephemeral,
    /// Posted in the channel.
    InChannel,
}

/// Where an outgoing webhook's reply goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WebhookReply {
    /// A new post in the channel.
    #[default]
    Channel,
    /// A reply in the thread of the post that triggered it.
    Thread,
}

/// The `[mattermost]` table.
#[derive(Debug, Clone)]
pub struct MattermostConfig {
    /// Every slash-command and outgoing-webhook token accepted.
    pub tokens: Vec<Secret>,
    /// The default visibility of slash replies.
    pub response_type: ResponseType,
    /// Where webhook replies go.
    pub webhook_reply: WebhookReply,
    /// The display name replies ask for (Mattermost honours it only when overrides are on).
    pub username: Option<String>,
    /// The avatar replies ask for.
    pub icon_url: Option<String>,
    /// Mattermost user names and the characters that are theirs, for `/dkp me`.
    pub users: BTreeMap<String, Vec<String>>,
}

/// The default listen address: loopback, next to a Mattermost on the same host.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8098";

/// Mattermost gives up on an integration after 30 s; a read must end well before that.
const MAX_TIMEOUT: Duration = Duration::from_secs(25);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_listen", deserialize_with = "listen_addr")]
    listen: SocketAddr,
    eqdkp: RawEqdkp,
    #[serde(default)]
    mattermost: RawMattermost,
    tls: Option<RawTls>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    cert_file: PathBuf,
    key_file: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEqdkp {
    url: Option<String>,
    file: Option<PathBuf>,
    #[serde(default)]
    source: SourceKind,
    api_key: Option<String>,
    api_key_file: Option<PathBuf>,
    #[serde(default = "default_ttl", deserialize_with = "duration")]
    cache_ttl: Duration,
    #[serde(default = "default_timeout", deserialize_with = "duration")]
    timeout: Duration,
    #[serde(default = "default_max_body", deserialize_with = "size")]
    max_body: usize,
    default_pool: Option<String>,
    #[serde(default = "default_max_age", deserialize_with = "duration")]
    max_age: Duration,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMattermost {
    #[serde(default)]
    tokens: Vec<String>,
    token_file: Option<PathBuf>,
    #[serde(default)]
    response_type: ResponseType,
    #[serde(default)]
    webhook_reply: WebhookReply,
    username: Option<String>,
    icon_url: Option<String>,
    #[serde(default)]
    users: BTreeMap<String, Vec<String>>,
}

fn default_listen() -> SocketAddr {
    DEFAULT_LISTEN
        .parse()
        .expect("the default listen address is valid")
}

fn default_ttl() -> Duration {
    Duration::from_secs(60)
}

fn default_timeout() -> Duration {
    Duration::from_secs(5)
}

fn default_max_age() -> Duration {
    Duration::from_secs(15 * 60)
}

fn default_max_body() -> usize {
    32 << 20
}

impl Config {
    /// Reads and checks the file at `path`. Relative paths inside it are taken from the file's
    /// own folder, so a config works from any working directory.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Checks the text of a config file that lives at `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|err| ConfigError::Syntax {
            path: path.to_owned(),
            message: syntax_message(text, &err),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut warnings = Vec::new();

        Ok(Config {
            listen: raw.listen,
            eqdkp: raw.eqdkp.resolve(base, &mut warnings)?,
            mattermost: raw.mattermost.resolve(base, &mut warnings)?,
            tls: raw.tls.map(|tls| TlsConfig {
                cert_file: base.join(tls.cert_file),
                key_file: base.join(tls.key_file),
            }),
            path: path.to_owned(),
            warnings,
        })
    }
}

/// The parser's message, which shows the line and the value. When the value is a secret (a
/// token or an API key, or a key whose misspelt name suggests one), the message names the key
/// and the line and says what was expected, without the value.
fn syntax_message(text: &str, err: &toml::de::Error) -> String {
    let start = err.span().map(|span| span.start);
    let start = start.filter(|&start| text.is_char_boundary(start));
    let secret = start.and_then(|start| Some((start, key_at(text, start)?)));
    let Some((start, key)) = secret.filter(|(_, key)| looks_secret(key)) else {
        return err.to_string().trim_end().to_owned();
    };

    let line = text[..start].matches('\n').count() + 1;
    format!(
        "TOML parse error at line {line}, in the value of `{key}` (not shown: it is a secret): {}",
        hide_quoted(err.message())
    )
}

/// The key whose value holds byte `at`: the nearest `key = ` on its line or above it, within
/// its table. Values that span lines (a list of tokens) belong to the key that opened them.
fn key_at(text: &str, at: usize) -> Option<&str> {
    let line_end = text[at..].find('\n').map_or(text.len(), |end| at + end);
    for line in text[..line_end].lines().rev() {
        let line = line.trim_start();
        if line.starts_with("[[") || (line.starts_with('[') && line.trim_end().ends_with(']')) {
            return None;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let bare = |c: char| c.is_ascii_alphanumeric() || "_-.".contains(c);
        if !key.is_empty() && key.chars().all(bare) {
            return key.rsplit('.').next();
        }
    }
    None
}

fn looks_secret(key: &str) -> bool {
    (key.contains("token") || key.contains("key")) && !key.ends_with("_file")
}

/// `message` with the values it quotes replaced by `…`: every "string", and every `number` (a
/// key written without quotes), while `names` of keys stay.
fn hide_quoted(message: &str) -> String {
    let mut shown = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = &rest[open..open + 1];
        shown.push_str(&rest[..open + 1]);
        let inside = &rest[open + 1..];
        let Some(close) = inside.find(quote) else {
            shown.push('…');
            return shown;
        };
        let value = &inside[..close];
        let is_name =
            quote == "`" && !value.starts_with(|c: char| c.is_ascii_digit() || "+-".contains(c));
        shown.push_str(if is_name { value } else { "…" });
        shown.push_str(quote);
        rest = &inside[close + 1..];
    }
    shown.push_str(rest);
    shown
}

impl RawEqdkp {
    fn resolve(self, base: &Path, warnings: &mut Vec<String>) -> Result<EqdkpConfig, ConfigError> {
        let target = match (self.url, self.file) {
            (Some(url), None) => Target::Site(site_url(&url)?),
            (None, Some(file)) => Target::File(base.join(file)),
            (url, file) => {
                return Err(ConfigError::Invalid {
                    key: "eqdkp.url",
                    value: url.unwrap_or_else(|| "(not set)".into()),
                    expected: format!(
                        "exactly one of `url` (the site) and `file` (a saved api answer); file is {}",
                        file.map_or("not set".into(), |f| format!(
                            "{:?}",
                            f.display().to_string()
                        ))
                    ),
                });
            }
        };
        check_timeout(self.timeout)?;

        let api_key_file = self.api_key_file.map(|file| base.join(file));
        if let Some(file) = &api_key_file {
            warnings.extend(exposed_secret("eqdkp.api_key_file", file));
        }
        let api_key = secret_value("eqdkp.api_key", self.api_key, api_key_file)?;
        Ok(EqdkpConfig {
            target,
            source: self.source,
            api_key: api_key.into_iter().next(),
            cache_ttl: self.cache_ttl,
            timeout: self.timeout,
            max_body: self.max_body,
            default_pool: self.default_pool.filter(|pool| !pool.trim().is_empty()),
            max_age: self.max_age,
        })
    }
}

impl RawMattermost {
    fn resolve(
        self,
        base: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<MattermostConfig, ConfigError> {
        // A token pasted with a stray space would never match; the file's lines are trimmed too.
        let inline = self
            .tokens
            .into_iter()
            .map(|t| Secret::new(t.trim().to_owned()));
        let mut tokens: Vec<Secret> = inline.collect();
        if let Some(file) = self.token_file {
            let file = base.join(file);
            tokens.extend(read_secret_lines("mattermost.token_file", &file)?);
            warnings.extend(exposed_secret("mattermost.token_file", &file));
        }
        if tokens.iter().any(Secret::is_empty) {
            return Err(ConfigError::Invalid {
                key: "mattermost.tokens",
                value: "\"\"".into(),
                expected: "non-empty tokens, as Mattermost shows them (26 characters)".into(),
            });
        }

        let icon_url = self.icon_url.filter(|url| !url.trim().is_empty());
        if let Some(icon) = &icon_url {
            check_http_url("mattermost.icon_url", icon)?;
        }
        Ok(MattermostConfig {
            tokens,
            response_type: self.response_type,
            webhook_reply: self.webhook_reply,
            username: self.username.filter(|name| !name.trim().is_empty()),
            icon_url,
            users: self.users,
        })
    }
}

/// The site root as a base URL that `api.php` and `index.php/Points/` can be joined to.
fn site_url(text: &str) -> Result<Url, ConfigError> {
    let mut url = check_http_url("eqdkp.url", text)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid_url(
            "eqdkp.url",
            text,
            "the site root without ?query or #fragment",
        ));
    }
    // An officer may paste the address of a page rather than of the folder that holds it.
    let path = url.path().trim_end_matches('/');
    let folder = ["/index.php", "/api.php"]
        .iter()
        .find_map(|page| path.strip_suffix(page))
        .unwrap_or(path);
    let folder = format!("{folder}/");
    url.set_path(&folder);
    Ok(url)
}

fn check_http_url(key: &'static str, text: &str) -> Result<Url, ConfigError> {
    let expected = "an http:// or https:// url such as \"https://guild.example.org/eqdkp/\"";
    let url = Url::parse(text.trim()).map_err(|_| invalid_url(key, text, expected))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid_url(key, text, expected));
    }
    Ok(url)
}

fn invalid_url(key: &'static str, text: &str, expected: &str) -> ConfigError {
    ConfigError::Invalid {
        key,
        value: format!("{text:?}"),
        expected: format!("expected {expected}"),
    }
}

fn check_timeout(timeout: Duration) -> Result<(), ConfigError> {
    if timeout.is_zero() || timeout > MAX_TIMEOUT {
        return Err(ConfigError::Invalid {
            key: "eqdkp.timeout",
            value: format!("{:?}", humantime::format_duration(timeout).to_string()),
            expected: "a duration above 0s and at most 25s (Mattermost gives up after 30s)".into(),
        });
    }
    Ok(())
}

/// A secret given inline or in a file, never both.
fn secret_value(
    key: &'static str,
    inline: Option<String>,
    file: Option<PathBuf>,
) -> Result<Option<Secret>, ConfigError> {
    match (inline, file) {
        (Some(_), Some(_)) => Err(ConfigError::Invalid {
            key,
            value: "(set twice)".into(),
            expected: format!("either `{}` or `{}_file`, not both", short(key), short(key)),
        }),
        (Some(value), None) => Ok(Some(Secret::new(value.trim())).filter(|s| !s.is_empty())),
        (None, Some(file)) => {
            let lines = read_secret_lines("eqdkp.api_key_file", &file)?;
            Ok(lines.into_iter().next())
        }
        (None, None) => Ok(None),
    }
}

fn short(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// A warning when users other than the file's owner and group may read a secret file.
#[cfg(unix)]
fn exposed_secret(key: &str, path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;

    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o004 != 0).then(|| {
        format!(
            "{key}: {} is readable by every user (mode {:o}); make it private with chmod 600",
            path.display(),
            mode & 0o777
        )
    })
}

#[cfg(not(unix))]
fn exposed_secret(_key: &str, _path: &Path) -> Option<String> {
    None
}

/// The non-empty lines of a secret file, ignoring `#` comments.
fn read_secret_lines(key: &'static str, path: &Path) -> Result<Vec<Secret>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::SecretFile {
        key,
        path: path.to_owned(),
        source,
    })?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(Secret::new)
        .collect())
}

fn duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(deserializer)?;
    humantime::parse_duration(text.trim()).map_err(|err| {
        de::Error::custom(format!(
            "invalid duration {text:?} ({err}); expected a number and a unit, like \"60s\" or \"5m\""
        ))
    })
}

fn listen_addr<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SocketAddr, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.trim().parse().map_err(|_| {
        de::Error::custom(format!(
            "invalid address {text:?}; expected an ip address and a port, like \"127.0.0.1:8098\" \
             or \"0.0.0.0:8098\" (not a host name)"
        ))
    })
}

fn size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<usize, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Size {
        Bytes(i64),
        Text(String),
        Other(de::IgnoredAny),
    }

    let parsed = match Size::deserialize(deserializer)? {
        Size::Bytes(bytes) => usize::try_from(bytes).ok(),
        Size::Text(text) => parse_size(&text),
        Size::Other(_) => None,
    };
    parsed.filter(|&bytes| bytes >= 1024).ok_or_else(|| {
        de::Error::custom(
            "expected a size of at least 1KiB, like \"32MiB\", \"500KiB\" or a byte count",
        )
    })
}

/// `"32MiB"`, `"500 KiB"`, `"1GB"` or a plain byte count.
fn parse_size(text: &str) -> Option<usize> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number: u64 = text[..split].parse().ok()?;
    let factor: u64 = match text[split..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" | "k" => 1 << 10,
        "mib" | "m" => 1 << 20,
        "gib" | "g" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => return None,
    };
    usize::try_from(number.checked_mul(factor)?).ok()
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Api => "api",
            SourceKind::Page => "page",
            SourceKind::Auto => "auto",
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Site(url) => write!(f, "{url}"),
            Target::File(path) => write!(f, "{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/mattermost-eqdkp/config.toml"))
    }

    fn error(text: &str) -> String {
        parse(text)
            .expect_err("the config should be refused")
            .to_string()
    }

    #[test]
    fn fills_in_defaults() {
        let config = parse("[eqdkp]\nurl = \"https://guild.example.org/eqdkp\"\n").unwrap();
        assert_eq!(config.listen, DEFAULT_LISTEN.parse().unwrap());
        assert_eq!(config.eqdkp.source, SourceKind::Auto);
        assert_eq!(config.eqdkp.cache_ttl, Duration::from_secs(60));
        assert_eq!(config.eqdkp.timeout, Duration::from_secs(5));
        assert_eq!(config.eqdkp.max_body, 32 << 20);
        assert_eq!(config.mattermost.response_type, ResponseType::Ephemeral);
        assert!(config.mattermost.tokens.is_empty());
        assert_eq!(config.eqdkp.max_age, Duration::from_secs(900));
        assert!(config.tls.is_none());
    }

    #[test]
    fn site_url_gets_a_trailing_slash_and_keeps_its_sub_path() {
        for written in [
            "https://guild.example.org/eqdkp",
            "https://guild.example.org/eqdkp/",
        ] {
            let config = parse(&format!("[eqdkp]\nurl = \"{written}\"\n")).unwrap();
            let Target::Site(url) = config.eqdkp.target else {
                panic!("expected a site")
            };
            assert_eq!(url.as_str(), "https://guild.example.org/eqdkp/");
            assert_eq!(url.join("api.php").unwrap().path(), "/eqdkp/api.php");
        }
    }

    #[test]
    fn file_paths_are_relative_to_the_config() {
        let config = parse("[eqdkp]\nfile = \"demo/points.json\"\n").unwrap();
        let expected = PathBuf::from("/etc/mattermost-eqdkp/demo/points.json");
        assert_eq!(config.eqdkp.target, Target::File(expected));
    }

    #[test]
    fn reads_every_documented_key() {
        let config = parse(
            r#"
            listen = "0.0.0.0:9000"
            [eqdkp]
            url = "http://127.0.0.1:8080/"
            source = "page"
            api_key = "ro0123"
            cache_ttl = "2m"
            timeout = "3s"
            max_body = "1MiB"
            default_pool = "Luclin"
            [mattermost]
            tokens = ["abc", "def"]
            response_type = "in_channel"
            webhook_reply = "thread"
            username = "dkpbot"
            icon_url = "https://example.org/dkp.png"
            [mattermost.users]
            alice = ["Aradune", "Tarnk"]
            "#,
        )
        .unwrap();
        assert_eq!(config.eqdkp.source, SourceKind::Page);
        assert_eq!(
            config.eqdkp.api_key.as_ref().map(Secret::expose),
            Some("ro0123")
        );
        assert_eq!(config.eqdkp.cache_ttl, Duration::from_secs(120));
        assert_eq!(config.eqdkp.max_body, 1 << 20);
        assert_eq!(config.mattermost.tokens.len(), 2);
        assert_eq!(config.mattermost.response_type, ResponseType::InChannel);
        assert_eq!(config.mattermost.webhook_reply, WebhookReply::Thread);
        assert_eq!(config.mattermost.users["alice"], ["Aradune", "Tarnk"]);
    }

    #[test]
    fn a_bad_duration_names_key_value_and_expectation() {
        let message = error("[eqdkp]\nurl = \"https://x.org/\"\ncache_ttl = \"soon\"\n");
        assert!(message.contains("cache_ttl"), "{message}");
        assert!(message.contains("\"soon\""), "{message}");
        assert!(message.contains("like \"60s\""), "{message}");
    }

    #[test]
    fn an_unknown_key_is_refused_by_name() {
        let message = error("[eqdkp]\nurl = \"https://x.org/\"\ncache_tll = \"5s\"\n");
        assert!(message.contains("cache_tll"), "{message}");
    }

    #[test]
    fn refuses_urls_that_are_not_a_site_root() {
        for url in [
            "guild.example.org",
            "ftp://guild.example.org/",
            "https://x.org/?a=1",
        ] {
            let message = error(&format!("[eqdkp]\nurl = \"{url}\"\n"));
            assert!(message.starts_with("eqdkp.url = "), "{message}");
        }
    }

    #[test]
    fn needs_exactly_one_of_url_and_file() {
        assert!(error("[eqdkp]\n").contains("exactly one of `url`"));
        assert!(
            error("[eqdkp]\nurl = \"https://x.org/\"\nfile = \"a.json\"\n").contains("exactly one")
        );
    }

    #[test]
    fn refuses_a_timeout_mattermost_would_not_wait_for() {
        let message = error("[eqdkp]\nurl = \"https://x.org/\"\ntimeout = \"40s\"\n");
        assert!(message.starts_with("eqdkp.timeout = \"40s\""), "{message}");
    }

    #[test]
    fn refuses_a_secret_given_twice_without_showing_it() {
        let message = error(
            "[eqdkp]\nurl = \"https://x.org/\"\napi_key = \"ro-secret\"\napi_key_file = \"k\"\n",
        );
        assert!(message.contains("not both"), "{message}");
        assert!(!message.contains("ro-secret"), "{message}");
    }

    #[test]
    fn reads_tokens_and_keys_from_files() {
        let dir = std::env::temp_dir().join(format!("mmeqdkp-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("tokens"), "# slash\naaa\n\n  bbb  \n").unwrap();
        std::fs::write(dir.join("key"), "ro-key\n").unwrap();
        let text = "[eqdkp]\nurl = \"https://x.org/\"\napi_key_file = \"key\"\n\
                    [mattermost]\ntokens = [\"ccc\"]\ntoken_file = \"tokens\"\n";
        let config = Config::parse(text, &dir.join("config.toml")).unwrap();
        let tokens: Vec<_> = config
            .mattermost
            .tokens
            .iter()
            .map(Secret::expose)
            .collect();
        assert_eq!(tokens, ["ccc", "aaa", "bbb"]);
        assert_eq!(config.eqdkp.api_key.unwrap().expose(), "ro-key");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn warns_about_secret_files_others_can_read() {
        use std::os::unix::fs::PermissionsExt;

        let dir = std::env::temp_dir().join(format!("mmeqdkp-perms-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let tokens = dir.join("tokens");
        std::fs::write(&tokens, "abc\n").unwrap();
        let text = "[eqdkp]\nurl = \"https://x.org/\"\n[mattermost]\ntoken_file = \"tokens\"\n";

        std::fs::set_permissions(&tokens, std::fs::Permissions::from_mode(0o644)).unwrap();
        let config = Config::parse(text, &dir.join("config.toml")).unwrap();
        assert_eq!(config.warnings.len(), 1);
        assert!(
            config.warnings[0].starts_with("mattermost.token_file: "),
            "{:?}",
            config.warnings
        );
        assert!(config.warnings[0].contains("mode 644"));

        std::fs::set_permissions(&tokens, std::fs::Permissions::from_mode(0o600)).unwrap();
        let config = Config::parse(text, &dir.join("config.toml")).unwrap();
        assert!(config.warnings.is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn reads_the_tls_table_relative_to_the_config() {
        let text = "[eqdkp]\nurl = \"https://x.org/\"\n[tls]\ncert_file = \"c.pem\"\nkey_file = \"/k.pem\"\n";
        let tls = parse(text).unwrap().tls.unwrap();
        assert_eq!(tls.cert_file, PathBuf::from("/etc/mattermost-eqdkp/c.pem"));
        assert_eq!(tls.key_file, PathBuf::from("/k.pem"));
    }

    #[test]
    fn the_config_debug_output_shows_no_secret() {
        let config = parse(
            "[eqdkp]\nurl = \"https://x.org/\"\napi_key = \"ro-very-secret\"\n\
             [mattermost]\ntokens = [\"tok-very-secret\"]\n",
        )
        .unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
    }

    #[test]
    fn a_missing_secret_file_names_its_key() {
        let message =
            error("[eqdkp]\nurl = \"https://x.org/\"\n[mattermost]\ntoken_file = \"nope\"\n");
        assert!(
            message.starts_with("mattermost.token_file: cannot read"),
            "{message}"
        );
    }

    #[test]
    fn parses_sizes() {
        assert_eq!(parse_size("32MiB"), Some(32 << 20));
        assert_eq!(parse_size("500 KiB"), Some(500 << 10));
        assert_eq!(parse_size("2048"), Some(2048));
        assert_eq!(parse_size("lots"), None);
    }

    #[test]
    fn a_mistake_in_a_secret_names_the_key_but_never_shows_the_value() {
        let cases = [
            (
                "[mattermost]\ntokens = \"tok-very-secret\"\n",
                "tokens",
                "expected a sequence",
            ),
            (
                "[mattermost]\ntokens = [\n  \"tok-very-secret\",\n  5,\n]\n",
                "tokens",
                "integer",
            ),
            (
                "[mattermost]\ntoken = \"tok-very-secret\"\n",
                "token",
                "unknown field `token`",
            ),
            (
                "[eqdkp]\napi_key = \"ro-very-secret\n",
                "api_key",
                "invalid basic string",
            ),
            (
                "[eqdkp]\napi_key = 123456789\n",
                "api_key",
                "expected a string",
            ),
        ];
        for (tail, key, expected) in cases {
            let message = error(&format!("listen = \"127.0.0.1:8098\"\n{tail}"));
            assert!(!message.contains("very-secret"), "{message}");
            assert!(!message.contains("123456789"), "{message}");
            assert!(message.contains(&format!("`{key}`")), "{message}");
            assert!(message.contains(expected), "{message}");
        }
    }

    #[test]
    fn a_mistake_elsewhere_still_shows_the_line() {
        let message = error("[eqdkp]\nurl = \"https://x.org/\"\ntimeuot = \"5s\"\n");
        assert!(message.contains("timeuot = \"5s\""), "{message}");
    }

    #[test]
    fn inline_tokens_are_trimmed() {
        let config =
            parse("[eqdkp]\nurl = \"https://x.org/\"\n[mattermost]\ntokens = [\" abc \"]\n")
                .unwrap();
        assert_eq!(config.mattermost.tokens[0].expose(), "abc");
    }

    #[test]
    fn a_bad_listen_address_or_size_says_what_was_expected() {
        let message = error("listen = \"localhost:80\"\n[eqdkp]\nurl = \"https://x.org/\"\n");
        assert!(
            message.contains("expected an ip address and a port"),
            "{message}"
        );
        for size in ["-5", "1.5", "\"lots\"", "[1]"] {
            let message = error(&format!(
                "[eqdkp]\nurl = \"https://x.org/\"\nmax_body = {size}\n"
            ));
            assert!(
                message.contains("expected a size of at least 1KiB"),
                "{size}: {message}"
            );
        }
    }

    #[test]
    fn a_pasted_page_address_becomes_its_folder() {
        for url in [
            "https://x.org/eqdkp/index.php",
            "https://x.org/eqdkp/index.php/",
            "https://x.org/eqdkp/api.php",
            "https://x.org/eqdkp",
            "https://x.org/eqdkp/",
        ] {
            let config = parse(&format!("[eqdkp]\nurl = \"{url}\"\n")).unwrap();
            let Target::Site(site) = config.eqdkp.target else {
                panic!("a site")
            };
            assert_eq!(site.as_str(), "https://x.org/eqdkp/", "{url}");
        }
    }
}
