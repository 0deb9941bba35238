//! Mattermost's side of the wire: decoding slash-command and outgoing-webhook requests, and
//! the JSON replies it reads back.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::{MattermostConfig, ResponseType, WebhookReply};

/// Which integration sent a request. Told apart by the fields, not by the URL, so one callback
/// URL can serve both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A custom slash command (`/dkp Zoë`): it has a `command` field.
    Slash,
    /// An outgoing webhook (`getdkp Zoë`): it has a `trigger_word` field.
    Webhook,
}

impl Kind {
    /// How the kind is named in logs.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Slash => "slash command",
            Kind::Webhook => "outgoing webhook",
        }
    }
}

/// Why a request body could not be read as a Mattermost request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Neither form-encoded nor JSON.
    #[error(
        "unsupported content type {0:?}: expected application/x-www-form-urlencoded or application/json"
    )]
    UnsupportedType(String),
    /// The form or query string could not be decoded.
    #[error("malformed form body: {0}")]
    Form(String),
    /// The JSON could not be decoded.
    #[error("malformed json body: {0}")]
    Json(String),
    /// Decoded, but with neither `command` nor `trigger_word`.
    #[error(
        "not a mattermost request: expected a `command` (slash command) or `trigger_word` (outgoing webhook) field"
    )]
    UnknownKind,
}

/// The fields of a request that the service uses; everything else Mattermost sends is
/// ignored. Values borrow from the request body where no decoding was needed. Its `Debug`
/// never shows the token.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Fields<'a> {
    /// The integration's token.
    #[serde(borrow)]
    pub token: Option<Cow<'a, str>>,
    /// Slash commands: `/` and the trigger, lowercased.
    #[serde(borrow)]
    pub command: Option<Cow<'a, str>>,
    /// Slash commands: the text after the trigger. Webhooks: the whole message.
    #[serde(borrow)]
    pub text: Option<Cow<'a, str>>,
    /// Webhooks: the trigger word that matched (empty for channel-wide hooks).
    #[serde(borrow)]
    pub trigger_word: Option<Cow<'a, str>>,
    /// The Mattermost user name of whoever typed it.
    #[serde(borrow)]
    pub user_name: Option<Cow<'a, str>>,
}

/// A request from Mattermost, decoded, classified and already authenticated (it keeps no
/// token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming<'a> {
    /// Slash command or webhook.
    pub kind: Kind,
    /// How the user invokes the bot: `/dkp` or the trigger word.
    pub command: Cow<'a, str>,
    /// The user's Mattermost name.
    pub user_name: Cow<'a, str>,
    text: Cow<'a, str>,
}

impl fmt::Debug for Fields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.token.as_ref().map(|_| "[redacted]");
        f.debug_struct("Fields")
            .field("token", &token)
            .field("command", &self.command)
            .field("text", &self.text)
            .field("trigger_word", &self.trigger_word)
            .field("user_name", &self.user_name)
            .finish()
    }
}

/// Reads a POST body by its content type.
pub fn decode_body<'a>(
    content_type: Option<&str>,
    body: &'a [u8],
) -> Result<Fields<'a>, DecodeError> {
    let essence = content_type
        .and_then(|value| value.split(';').next())
        .map(str::trim)
        .unwrap_or("");
    if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        decode_form(body)
    } else if essence.eq_ignore_ascii_case("application/json") {
        serde_json::from_slice(body).map_err(|err| DecodeError::Json(err.to_string()))
    } else {
        Err(DecodeError::UnsupportedType(
            content_type.unwrap_or("(none)").to_owned(),
        ))
    }
}

/// Reads form-encoded fields, from a body or a GET query string. A key sent twice keeps its
/// last value: a GET slash command puts Mattermost's fields after any query the admin wrote
/// into the command's URL, and Mattermost's are the ones that count. Invalid
/// UTF-8 in a value is replaced, as browsers do, rather than refused. Only the values used are
/// decoded; the rest of what Mattermost sends is skipped unread.
pub fn decode_form(form: &[u8]) -> Result<Fields<'_>, DecodeError> {
    let mut fields = Fields::default();
    for pair in form.split(|&b| b == b'&') {
        let (key, value) = match pair.iter().position(|&b| b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        let slot = match key {
            b"token" => &mut fields.token,
            b"command" => &mut fields.command,
            b"text" => &mut fields.text,
            b"trigger_word" => &mut fields.trigger_word,
            b"user_name" => &mut fields.user_name,
            _ => continue,
        };
        *slot = Some(form_value(value));
    }
    Ok(fields)
}

/// Decodes one form value: `+` is a space and `%XX` a byte. A value with neither, like most
/// tokens, is borrowed as it is.
fn form_value(raw: &[u8]) -> Cow<'_, str> {
    if !raw.iter().any(|&b| b == b'+' || b == b'%') {
        return String::from_utf8_lossy(raw);
    }

    let mut bytes = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        match b {
            b'+' => bytes.push(b' '),
            b'%' => match rest.get(..2).and_then(hex_pair) {
                Some(decoded) => {
                    bytes.push(decoded);
                    rest = &rest[2..];
                }
                None => bytes.push(b'%'),
            },
            other => bytes.push(other),
        }
    }
    Cow::Owned(
        String::from_utf8(bytes)
            .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()),
    )
}

fn hex_pair(pair: &[u8]) -> Option<u8> {
    let digit = |b: u8| char::from(b).to_digit(16);
    Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
}

impl<'a> Incoming<'a> {
    /// Classifies decoded fields as a slash command or a webhook.
    pub fn classify(fields: Fields<'a>) -> Result<Incoming<'a>, DecodeError> {
        let (kind, command) = match (fields.command, fields.trigger_word) {
            (Some(command), _) => (Kind::Slash, command),
            (None, Some(trigger)) => (Kind::Webhook, trigger),
            (None, None) => return Err(DecodeError::UnknownKind),
        };
        Ok(Incoming {
            kind,
            command,
            user_name: fields.user_name.unwrap_or_default(),
            text: fields.text.unwrap_or_default(),
        })
    }

    /// What the user asked: a webhook's text without its trigger word, trimmed.
    pub fn query(&self) -> &str {
        let text = self.text.trim_start();
        let rest = match self.kind {
            Kind::Webhook if !self.command.is_empty() => {
                text.strip_prefix(self.command.as_ref()).unwrap_or(text)
            }
            _ => text,
        };
        rest.trim()
    }

    /// The command as the usage reply shows it.
    pub fn command(&self) -> &str {
        self.command.trim()
    }
}

/// The JSON a slash command answers with. It borrows the reply's text and the settings, so
/// writing it copies nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlashReply<'a> {
    /// `ephemeral` or `in_channel`.
    pub response_type: &'static str,
    /// The markdown of the post.
    pub text: &'a str,
    /// A display-name override, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<&'a str>,
    /// An avatar override, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<&'a str>,
    /// Always true: the replies are markdown tables, which Slack-style rewriting could break.
    pub skip_slack_parsing: bool,
    /// Further posts, for answers too long for one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_responses: Vec<SlashReply<'a>>,
}

/// The JSON an outgoing webhook answers with. Webhook replies are always public.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WebhookResponse<'a> {
    /// The markdown of the post.
    pub text: &'a str,
    /// A display-name override, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<&'a str>,
    /// An avatar override, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<&'a str>,
    /// `comment` to answer in the thread of the triggering post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_type: Option<&'static str>,
}

impl<'a> SlashReply<'a> {
    /// A reply carrying `posts`, the first as the reply and the rest as extra responses.
    pub fn new(
        config: &'a MattermostConfig,
        visibility: ResponseType,
        posts: &'a [String],
    ) -> SlashReply<'a> {
        let response_type = match visibility {
            ResponseType::Ephemeral => "ephemeral",
            ResponseType::InChannel => "in_channel",
        };
        let post = |text: &'a str| SlashReply {
            response_type,
            text,
            username: config.username.as_deref(),
            icon_url: config.icon_url.as_deref(),
            skip_slack_parsing: true,
            extra_responses: Vec::new(),
        };
        let mut reply = post(posts.first().map_or("", String::as_str));
        reply.extra_responses = posts.iter().skip(1).map(|text| post(text)).collect();
        reply
    }
}

impl<'a> WebhookResponse<'a> {
    /// A reply posting `text`.
    pub fn new(config: &'a MattermostConfig, text: &'a str) -> WebhookResponse<'a> {
        WebhookResponse {
            text,
            username: config.username.as_deref(),
            icon_url: config.icon_url.as_deref(),
            response_type: (config.webhook_reply == WebhookReply::Thread).then_some("comment"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLASH: &str = "channel_id=ykdcqf5nrfd6tm8r1a7xz5gu3e&channel_name=town-square&command=%2Fdkp\
        &response_url=https%3A%2F%2Fmm.example.com%2Fhooks%2Fcommands%2Fw5dk9rhz1jbxf3ncg8e7qmyto4\
        &root_id=&team_domain=guild&team_id=8ie6kh9r5bgy8c1z3ztk6gojbh&text=Zo%C3%AB+&token=xr3j5x3p4pfqmx4rsqjd9fwbmo\
        &trigger_id=dGo0&user_id=m1n9b4s8zf8yfgwk7u3dha5c6r&user_mentions=bob&user_mentions=eve&user_name=alice";

    #[test]
    fn decodes_a_slash_command_form() {
        let fields =
            decode_body(Some("application/x-www-form-urlencoded"), SLASH.as_bytes()).unwrap();
        let incoming = Incoming::classify(fields).unwrap();
        assert_eq!(incoming.kind, Kind::Slash);
        assert_eq!(incoming.query(), "Zoë");
        assert_eq!(incoming.command(), "/dkp");
        assert_eq!(incoming.user_name, "alice");
    }

    #[test]
    fn decodes_a_webhook_form_and_strips_the_trigger_word() {
        let body = "channel_id=c&channel_name=raids&file_ids=&post_id=p&team_domain=g&team_id=t\
            &text=getdkp+Zo%C3%AB+tarnk&timestamp=1718031234&token=n3ngh3h1ffg8pmb9zr7dtsx5jo\
            &trigger_word=getdkp&user_id=u&user_name=bob";
        let fields = decode_body(
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            body.as_bytes(),
        );
        let incoming = Incoming::classify(fields.unwrap()).unwrap();
        assert_eq!(incoming.kind, Kind::Webhook);
        assert_eq!(incoming.query(), "Zoë tarnk");
        assert_eq!(incoming.command(), "getdkp");
    }

    #[test]
    fn decodes_a_webhook_json_body_as_go_encodes_it() {
        let body = r#"{"token":"n3ngh3h1ffg8pmb9zr7dtsx5jo","team_id":"t","team_domain":"g","channel_id":"c","channel_name":"raids","timestamp":1718031234567,"user_id":"u","user_name":"bob","post_id":"p","text":"getdkp \u003cZo\u00eb\u003e \u0026","trigger_word":"getdkp","file_ids":""}"#;
        let fields = decode_body(Some("application/json"), body.as_bytes()).unwrap();
        let incoming = Incoming::classify(fields).unwrap();
        assert_eq!(incoming.kind, Kind::Webhook);
        assert_eq!(incoming.query(), "<Zoë> &");
    }

    #[test]
    fn a_channel_wide_hook_has_an_empty_trigger_word() {
        let fields = decode_form(b"token=t&text=+Zo%C3%AB&trigger_word=").unwrap();
        assert_eq!(Incoming::classify(fields).unwrap().query(), "Zoë");
    }

    #[test]
    fn refuses_other_content_types() {
        let err = decode_body(Some("text/plain"), b"token=x").unwrap_err();
        assert_eq!(err, DecodeError::UnsupportedType("text/plain".into()));
        assert!(matches!(
            decode_body(None, b"x"),
            Err(DecodeError::UnsupportedType(_))
        ));
    }

    #[test]
    fn refuses_malformed_json_and_wrong_types() {
        assert!(matches!(
            decode_body(Some("application/json"), b"{"),
            Err(DecodeError::Json(_))
        ));
        let wrong = decode_body(
            Some("application/json"),
            br#"{"text":5,"trigger_word":"x"}"#,
        );
        assert!(matches!(wrong, Err(DecodeError::Json(_))));
    }

    #[test]
    fn refuses_requests_that_are_neither_kind() {
        let fields = decode_form(b"token=x&text=Zoe").unwrap();
        assert_eq!(Incoming::classify(fields), Err(DecodeError::UnknownKind));
    }

    #[test]
    fn decodes_plus_and_percent_escapes_in_values() {
        let fields = decode_form(b"text=Zo%C3%AB+tarnk%2C+rallos&command=%2Fdkp&token=").unwrap();
        assert_eq!(fields.text.as_deref(), Some("Zoë tarnk, rallos"));
        assert_eq!(fields.command.as_deref(), Some("/dkp"));
        assert_eq!(fields.token.as_deref(), Some(""));
        let bare = decode_form(b"text&token=%FF%FEx").unwrap();
        assert_eq!(bare.text.as_deref(), Some(""));
        assert_eq!(bare.token.as_deref(), Some("\u{fffd}\u{fffd}x"));
        let broken = decode_form(b"text=100%25+%zz%4").unwrap();
        assert_eq!(broken.text.as_deref(), Some("100% %zz%4"));
        assert!(matches!(
            decode_form(b"token=abc").unwrap().token,
            Some(Cow::Borrowed("abc"))
        ));
    }

    #[test]
    fn keeps_the_last_of_repeated_keys() {
        let fields = decode_form(b"text=admin&token=a&text=Zo%C3%AB&command=%2Fdkp").unwrap();
        assert_eq!(fields.text.as_deref(), Some("Zoë"));
    }

    #[test]
    fn the_debug_output_of_fields_hides_the_token() {
        let fields = decode_form(b"token=xr3j5x3p4pfqmx4rsqjd9fwbmo&command=%2Fdkp").unwrap();
        let debug = format!("{fields:?}");
        assert!(!debug.contains("xr3j5x3p4pfqmx4rsqjd9fwbmo"), "{debug}");
        assert!(debug.contains("/dkp"), "{debug}");
    }
}
