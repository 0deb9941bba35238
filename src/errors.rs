//! Error messages with their causes, for the errors of libraries that keep the useful part
//! ("connection refused", "address in use") in their sources.

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
}
