//! Error messages with their causes, for the errors of libraries that keep the useful part
//! ("connection refused", "address in use") in their sources, and text from elsewhere made
//! short enough to quote in one.

/// The error and each of its causes, joined with `: `, skipping causes the message already
/// contains.
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

/// The innermost cause alone. For an HTTP client's errors that is the part an officer can act
/// on ("connection reset by peer", "invalid peer certificate"); the layers above it name the
/// client's internals. It is lowered to read inside a sentence, unless it opens with an
/// acronym ("DNS …").
pub fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = err;
    while let Some(cause) = innermost.source() {
        innermost = cause;
    }
    let text = innermost.to_string();

    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text,
    }
}

/// Shortens text from the site or a client quoted in an error, so that a hostile or broken
/// answer cannot flood a log line or a chat reply. Both ends are kept: a parser's message
/// quotes the bad value in the middle and says where it was at the end.
pub fn clip(text: &str) -> String {
    const HEAD: usize = 60;
    const TAIL: usize = 30;
    let length = text.chars().count();
    if length <= HEAD + TAIL {
        return text.to_owned();
    }
    let head: String = text.chars().take(HEAD).collect();
    let tail: String = text.chars().skip(length - TAIL).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use std::io;

    #[derive(Debug, thiserror::Error)]
    #[error("error sending request")]
    struct Outer(#[source] io::Error);

    #[test]
    fn joins_the_causes() {
        let err = Outer(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            "connection refused",
        ));
        assert_eq!(
            super::chain(&err),
            "error sending request: connection refused"
        );
    }

    #[test]
    fn finds_the_innermost_cause() {
        let err = Outer(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "Connection reset by peer",
        ));
        assert_eq!(super::root_cause(&err), "connection reset by peer");
        let alone = io::Error::other("DNS lookup failed");
        assert_eq!(super::root_cause(&alone), "DNS lookup failed");
    }

    #[test]
    fn clips_long_text_on_a_character_boundary() {
        assert_eq!(super::clip("short"), "short");
        let exact = "ë".repeat(90);
        assert_eq!(super::clip(&exact), exact);
        let long = format!(
            "{}{}{}",
            "a".repeat(60),
            "ë".repeat(100_000),
            "z".repeat(30)
        );
        assert_eq!(
            super::clip(&long),
            format!("{}…{}", "a".repeat(60), "z".repeat(30))
        );
    }
}
