//! Mattermost's side of the wire: decoding slash-command and outgoing-webhook requests, and
//! the JSON replies it reads back.

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

/// The fields of a request that the service uses. Everything else Mattermost sends is ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Fields {
    /// The integration's token.
    pub token: Option<String>,
    /// Slash commands: `/` and the trigger, lowercased.
    pub command: Option<String>,
    /// Slash commands: the text after the trigger. Webhooks: the whole message.
    pub text: Option<String>,
    /// Webhooks: the trigger word that matched (empty for channel-wide hooks).
    pub trigger_word: Option<String>,
    /// The Mattermost user name of whoever typed it.
    pub user_name: Option<String>,
    /// The Mattermost user id of whoever typed it.
    pub user_id: Option<String>,
    /// The channel's name.
    pub channel_name: Option<String>,
}

/// A request from Mattermost, decoded and classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// Slash command or webhook.
    pub kind: Kind,
    /// The token the body carried (empty when missing).
    pub token: String,
    /// What the user asked, with the trigger word removed and surrounding space trimmed.
    pub query: String,
    /// How the user invokes the bot: `/dkp` or the trigger word.
    pub command: String,
    /// The user's Mattermost name.
    pub user_name: String,
}

/// Reads a POST body by its content type.
pub fn decode_body(content_type: Option<&str>, body: &[u8]) -> Result<Fields, DecodeError> {
    let essence = content_type
        .and_then(|value| value.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match essence.as_str() {
        "application/x-www-form-urlencoded" => decode_form(body),
        "application/json" => {
            serde_json::from_slice(body).map_err(|err| DecodeError::Json(err.to_string()))
        }
        _ => Err(DecodeError::UnsupportedType(
            content_type.unwrap_or("(none)").to_owned(),
        )),
    }
}

/// Reads form-encoded fields, from a body or a GET query string. A key sent twice keeps its
/// first value (Mattermost repeats keys only for mention lists, which are not used).
pub fn decode_form(form: &[u8]) -> Result<Fields, DecodeError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(form).map_err(|err| DecodeError::Form(err.to_string()))?;
    let mut fields = Fields::default();
    for (key, value) in pairs {
        let slot = match key.as_str() {
            "token" => &mut fields.token,
            "command" => &mut fields.command,
            "text" => &mut fields.text,
            "trigger_word" => &mut fields.trigger_word,
            "user_name" => &mut fields.user_name,
            "user_id" => &mut fields.user_id,
            "channel_name" => &mut fields.channel_name,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    Ok(fields)
}

impl Incoming {
    /// Classifies decoded fields as a slash command or a webhook.
    pub fn classify(fields: Fields) -> Result<Incoming, DecodeError> {
        let token = fields.token.unwrap_or_default();
        let text = fields.text.unwrap_or_default();
        let user_name = fields.user_name.unwrap_or_default();
        if let Some(command) = fields.command {
            return Ok(Incoming {
                kind: Kind::Slash,
                token,
                query: text.trim().to_owned(),
                command: command.trim().to_owned(),
                user_name,
            });
        }

        let trigger = fields.trigger_word.ok_or(DecodeError::UnknownKind)?;
        let query = strip_trigger(&text, &trigger);
        Ok(Incoming {
            kind: Kind::Webhook,
            token,
            query,
            command: trigger,
            user_name,
        })
    }
}

/// A webhook's text is the whole message, trigger word first; the look-up wants the rest.
fn strip_trigger(text: &str, trigger: &str) -> String {
    let text = text.trim_start();
    let rest = if trigger.is_empty() {
        text
    } else {
        text.strip_prefix(trigger).unwrap_or(text)
    };
    rest.trim().to_owned()
}

/// The JSON a slash command answers with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlashReply {
    /// `ephemeral` or `in_channel`.
    pub response_type: &'static str,
    /// The markdown of the post.
    pub text: String,
    /// A display-name override, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// An avatar override, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// Always true: the replies are markdown tables, which Slack-style rewriting could break.
    pub skip_slack_parsing: bool,
    /// Further posts, for answers too long for one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_responses: Vec<SlashReply>,
}

/// The JSON an outgoing webhook answers with. Webhook replies are always public.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WebhookResponse {
    /// The markdown of the post.
    pub text: String,
    /// A display-name override, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// An avatar override, when configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// `comment` to answer in the thread of the triggering post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_type: Option<&'static str>,
}

impl SlashReply {
    /// A reply carrying `posts`, the first as the reply and the rest as extra responses.
    pub fn new(
        config: &MattermostConfig,
        visibility: ResponseType,
        posts: &[String],
    ) -> SlashReply {
        let response_type = match visibility {
            ResponseType::Ephemeral => "ephemeral",
            ResponseType::InChannel => "in_channel",
        };
        let post = |text: &String| SlashReply {
            response_type,
            text: text.clone(),
            username: config.username.clone(),
            icon_url: config.icon_url.clone(),
            skip_slack_parsing: true,
            extra_responses: Vec::new(),
        };
        let mut reply = posts
            .first()
            .map(post)
            .unwrap_or_else(|| post(&String::new()));
        reply.extra_responses = posts.iter().skip(1).map(post).collect();
        reply
    }
}

impl WebhookResponse {
    /// A reply posting `text`.
    pub fn new(config: &MattermostConfig, text: String) -> WebhookResponse {
        WebhookResponse {
            text,
            username: config.username.clone(),
            icon_url: config.icon_url.clone(),
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
        assert_eq!(incoming.query, "Zoë");
        assert_eq!(incoming.command, "/dkp");
        assert_eq!(incoming.token, "xr3j5x3p4pfqmx4rsqjd9fwbmo");
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
        assert_eq!(incoming.query, "Zoë tarnk");
        assert_eq!(incoming.command, "getdkp");
    }

    #[test]
    fn decodes_a_webhook_json_body_as_go_encodes_it() {
        let body = r#"{"token":"n3ngh3h1ffg8pmb9zr7dtsx5jo","team_id":"t","team_domain":"g","channel_id":"c","channel_name":"raids","timestamp":1718031234567,"user_id":"u","user_name":"bob","post_id":"p","text":"getdkp \u003cZo\u00eb\u003e \u0026","trigger_word":"getdkp","file_ids":""}"#;
        let fields = decode_body(Some("application/json"), body.as_bytes()).unwrap();
        let incoming = Incoming::classify(fields).unwrap();
        assert_eq!(incoming.kind, Kind::Webhook);
        assert_eq!(incoming.query, "<Zoë> &");
    }

    #[test]
    fn a_channel_wide_hook_has_an_empty_trigger_word() {
        let fields = decode_form(b"token=t&text=+Zo%C3%AB&trigger_word=").unwrap();
        assert_eq!(Incoming::classify(fields).unwrap().query, "Zoë");
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
    fn keeps_the_first_of_repeated_keys() {
        let fields = decode_form(b"token=a&token=b&command=%2Fdkp").unwrap();
        assert_eq!(fields.token.as_deref(), Some("a"));
    }
}
