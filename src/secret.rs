//! Secrets (Mattermost tokens, the EQDKP API key): kept out of logs, compared in constant time.

use std::fmt;

use subtle::ConstantTimeEq;

/// A secret string. Its `Debug` and `Display` never show the value, so a config or a request
/// can be logged whole without leaking it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that must send it (a request to EQDKP).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Whether `presented` equals any of `accepted`, in time that depends neither on where the
/// first differing byte is nor on which token matched: every token is compared, always.
///
/// The comparison does reveal whether the lengths differ; Mattermost tokens all have 26
/// characters, so a length says nothing an attacker does not already know.
pub fn matches_any(presented: &str, accepted: &[Secret]) -> bool {
    let presented = presented.as_bytes();
    let mut found = subtle::Choice::from(0);
    for token in accepted {
        let candidate = token.0.as_bytes();
        let non_empty = subtle::Choice::from(u8::from(!candidate.is_empty()));
        found |= candidate.ct_eq(presented) & non_empty;
    }
    found.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> Vec<Secret> {
        vec![
            Secret::new("xr3j5x3p4pfqmx4rsqjd9fwbmo"),
            Secret::new("n3ngh3h1ffg8pmb9zr7dtsx5jo"),
        ]
    }

    #[test]
    fn accepts_any_configured_token() {
        assert!(matches_any("xr3j5x3p4pfqmx4rsqjd9fwbmo", &tokens()));
        assert!(matches_any("n3ngh3h1ffg8pmb9zr7dtsx5jo", &tokens()));
    }

    #[test]
    fn refuses_near_misses() {
        for wrong in [
            "",
            "xr3j5x3p4pfqmx4rsqjd9fwbm",
            "xr3j5x3p4pfqmx4rsqjd9fwbmo ",
            "xr3j5x3p4pfqmx4rsqjd9fwbmp",
            "Xr3j5x3p4pfqmx4rsqjd9fwbmo",
        ] {
            assert!(!matches_any(wrong, &tokens()), "{wrong:?}");
        }
    }

    #[test]
    fn an_empty_configured_token_matches_nothing() {
        assert!(!matches_any("", &[Secret::new("")]));
    }

    #[test]
    fn never_prints_the_value() {
        let secret = Secret::new("hunter2-hunter2");
        assert_eq!(
            format!("{secret:?} {secret}"),
            "Secret(<redacted>) <redacted>"
        );
    }
}
