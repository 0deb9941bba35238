//! The query language users type after `/dkp` or the trigger word.
//!
//! ```text
//! [public|private] NAME [NAME…]        several characters in one table
//! [public|private] top [N] [CLASS]     the N highest of a pool, active characters only
//! [public|private] class CLASS         every character of a class, highest first
//! [public|private] items NAME          items won and adjustments received
//! [public|private] me                  the characters linked to the Mattermost user
//! help                                 every form with an example
//! ```
//!
//! `pool:NAME` may stand anywhere to pick one pool (by name, unique beginning or id). Words
//! are case-insensitive; a name that collides with a keyword is looked up when quoted
//! (`/dkp "Top"`).

/// A parsed query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// `public` or `private` asked for this one reply.
    pub visibility: Option<Visibility>,
    /// The pool named with `pool:`, as typed.
    pub pool: Option<String>,
    /// What to show.
    pub action: Action,
}

/// Who should see the reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Posted in the channel.
    Public,
    /// Shown only to the user.
    Private,
}

/// What a query asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The usage reply.
    Help,
    /// The user's own characters (also what empty text means).
    Me,
    /// These characters, as typed.
    Names(Vec<String>),
    /// The `count` highest current figures, optionally of one class.
    Top {
        /// How many.
        count: usize,
        /// The class, as typed.
        class: Option<String>,
    },
    /// Every character of a class, as typed.
    Class(String),
    /// Items and adjustments of one character, as typed.
    Items(String),
}

/// Why a query could not be understood. Shown to the user, followed by a hint to `help`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// `pool:` with nothing after it.
    #[error("`pool:` needs a pool name, like `pool:luclin`")]
    EmptyPool,
    /// `pool:` given twice.
    #[error("only one `pool:` per query")]
    TwoPools,
    /// `top 0` or a count out of range.
    #[error("`top` takes a number from 1 to {MAX_TOP}")]
    BadCount,
    /// `class` without a class.
    #[error("`class` needs a class, like `class cleric`")]
    NoClass,
    /// `items` without a name.
    #[error("`items` needs a character name, like `items Zoë`")]
    NoName,
    /// A quote opened and never closed.
    #[error("a quote (\") was opened and not closed")]
    OpenQuote,
}

/// The largest `top` count; longer lists are what `class` is for.
pub const MAX_TOP: usize = 1000;

/// How many names one query may hold.
pub const MAX_NAMES: usize = 50;

/// `top` without a count.
const DEFAULT_TOP: usize = 10;

/// One word of a query: its text, and whether it was quoted (and so is a name, never a
/// keyword).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Word {
    text: String,
    quoted: bool,
}

impl Word {
    fn is(&self, keyword: &str) -> bool {
        !self.quoted && self.text.eq_ignore_ascii_case(keyword)
    }
}

/// Parses what a user typed.
pub fn parse(text: &str) -> Result<Query, QueryError> {
    let mut words = split(text)?;
    let pool = take_pool(&mut words)?;

    let visibility = match words.first() {
        Some(w) if w.is("public") => Some(Visibility::Public),
        Some(w) if w.is("private") => Some(Visibility::Private),
        _ => None,
    };
    if visibility.is_some() {
        words.remove(0);
    }

    let action = action(words)?;
    Ok(Query {
        visibility,
        pool,
        action,
    })
}

fn action(mut words: Vec<Word>) -> Result<Action, QueryError> {
    let Some(first) = words.first() else {
        return Ok(Action::Me);
    };
    if first.is("help") {
        return Ok(Action::Help);
    }
    if first.is("me") && words.len() == 1 {
        return Ok(Action::Me);
    }
    if first.is("top") {
        words.remove(0);
        return top(words);
    }
    if first.is("class") {
        let class = joined(&words[1..]).ok_or(QueryError::NoClass)?;
        return Ok(Action::Class(class));
    }
    if first.is("items") {
        let name = joined(&words[1..]).ok_or(QueryError::NoName)?;
        return Ok(Action::Items(name));
    }

    words.truncate(MAX_NAMES);
    Ok(Action::Names(words.into_iter().map(|w| w.text).collect()))
}

/// `top [N] [CLASS]`; the class may be several words (`shadow knight`).
fn top(mut words: Vec<Word>) -> Result<Action, QueryError> {
    let count = match words.first() {
        Some(word) if !word.quoted && word.text.bytes().all(|b| b.is_ascii_digit()) => {
            let count: usize = word.text.parse().map_err(|_| QueryError::BadCount)?;
            words.remove(0);
            count
        }
        _ => DEFAULT_TOP,
    };
    if count == 0 || count > MAX_TOP {
        return Err(QueryError::BadCount);
    }
    Ok(Action::Top {
        count,
        class: joined(&words),
    })
}

fn joined(words: &[Word]) -> Option<String> {
    let text = words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(text)
}

/// Removes the `pool:NAME` word (its value may be quoted: `pool:"planes of power"`).
fn take_pool(words: &mut Vec<Word>) -> Result<Option<String>, QueryError> {
    let mut pool = None;
    let mut index = 0;
    while index < words.len() {
        let word = &words[index];
        let value = match word.text.get(..5) {
            Some(prefix) if !word.quoted && prefix.eq_ignore_ascii_case("pool:") => {
                word.text[5..].to_owned()
            }
            _ => {
                index += 1;
                continue;
            }
        };
        words.remove(index);

        // `pool: luclin` and `pool:"planes of power"` both arrive split; take the next word.
        let value = if value.is_empty() && index < words.len() {
            words.remove(index).text
        } else {
            value
        };
        if value.trim().is_empty() {
            return Err(QueryError::EmptyPool);
        }
        if pool.replace(value).is_some() {
            return Err(QueryError::TwoPools);
        }
    }
    Ok(pool)
}

/// Splits on whitespace and commas; `"…"` keeps spaces together and marks a name.
fn split(text: &str) -> Result<Vec<Word>, QueryError> {
    let mut words = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (word, after) = match rest.strip_prefix(is_quote) {
            Some(quoted) => {
                let end = quoted.find(is_quote).ok_or(QueryError::OpenQuote)?;
                let closing = quoted[end..].chars().next().map_or(1, char::len_utf8);
                let word = Word {
                    text: quoted[..end].trim().to_owned(),
                    quoted: true,
                };
                (word, &quoted[end + closing..])
            }
            None => {
                // A quote ends a word too, so `pool:"planes of power"` splits before it.
                let end = rest
                    .find(|c| is_separator(c) || is_quote(c))
                    .unwrap_or(rest.len());
                let word = Word {
                    text: rest[..end].to_owned(),
                    quoted: false,
                };
                (word, &rest[end..])
            }
        };
        if !word.text.is_empty() {
            words.push(word);
        }
        rest = after.trim_start_matches(is_separator);
    }
    Ok(words)
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”')
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == ','
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(text: &str) -> Action {
        parse(text).expect("the query parses").action
    }

    fn names(list: &[&str]) -> Action {
        Action::Names(list.iter().map(|n| (*n).to_owned()).collect())
    }

    #[test]
    fn names_are_split_on_spaces_and_commas() {
        assert_eq!(action("Zoë"), names(&["Zoë"]));
        assert_eq!(
            action("  Zoë  tarnk,Ker'ra "),
            names(&["Zoë", "tarnk", "Ker'ra"])
        );
        assert_eq!(
            action("Zoë\ttarnk\nrallos"),
            names(&["Zoë", "tarnk", "rallos"])
        );
    }

    #[test]
    fn quotes_keep_spaces_and_make_keywords_names() {
        assert_eq!(action("\"Two Words\" Zoë"), names(&["Two Words", "Zoë"]));
        assert_eq!(action("\"top\""), names(&["top"]));
        assert_eq!(action("“Help”"), names(&["Help"]));
        assert_eq!(parse("\"open"), Err(QueryError::OpenQuote));
    }

    #[test]
    fn empty_text_and_me_mean_the_users_characters() {
        assert_eq!(action(""), Action::Me);
        assert_eq!(action("   "), Action::Me);
        assert_eq!(action("ME"), Action::Me);
        assert_eq!(action("me tarnk"), names(&["me", "tarnk"]));
    }

    #[test]
    fn help_wins_whatever_follows() {
        assert_eq!(action("help"), Action::Help);
        assert_eq!(action("HELP top"), Action::Help);
    }

    #[test]
    fn top_takes_an_optional_count_and_class() {
        assert_eq!(
            action("top"),
            Action::Top {
                count: 10,
                class: None
            }
        );
        assert_eq!(
            action("TOP 5"),
            Action::Top {
                count: 5,
                class: None
            }
        );
        let class = Some("shadow knight".to_owned());
        assert_eq!(
            action("top 3 shadow knight"),
            Action::Top {
                count: 3,
                class: class.clone()
            }
        );
        assert_eq!(
            action("top shadow knight"),
            Action::Top { count: 10, class }
        );
    }

    #[test]
    fn top_counts_are_bounded() {
        assert_eq!(parse("top 0"), Err(QueryError::BadCount));
        assert_eq!(parse("top 1001"), Err(QueryError::BadCount));
        assert_eq!(
            parse("top 99999999999999999999999"),
            Err(QueryError::BadCount)
        );
        assert!(parse("top 1000").is_ok());
    }

    #[test]
    fn class_and_items_need_their_argument() {
        assert_eq!(action("class ench"), Action::Class("ench".into()));
        assert_eq!(
            action("Class Shadow Knight"),
            Action::Class("Shadow Knight".into())
        );
        assert_eq!(parse("class"), Err(QueryError::NoClass));
        assert_eq!(action("items Zoë"), Action::Items("Zoë".into()));
        assert_eq!(parse("items"), Err(QueryError::NoName));
    }

    #[test]
    fn pool_may_stand_anywhere() {
        for text in [
            "pool:luclin top 5",
            "top pool:luclin 5",
            "top 5 pool:luclin",
            "top 5 POOL:luclin",
        ] {
            let query = parse(text).unwrap();
            assert_eq!(query.pool.as_deref(), Some("luclin"), "{text}");
            assert_eq!(
                query.action,
                Action::Top {
                    count: 5,
                    class: None
                },
                "{text}"
            );
        }
        let spaced = parse("Zoë pool:\"planes of power\"").unwrap();
        assert_eq!(spaced.pool.as_deref(), Some("planes of power"));
        assert_eq!(spaced.action, names(&["Zoë"]));
        assert_eq!(parse("zoë pool: 2").unwrap().pool.as_deref(), Some("2"));
    }

    #[test]
    fn pool_errors_are_explained() {
        assert_eq!(parse("top pool:"), Err(QueryError::EmptyPool));
        assert_eq!(parse("pool:a pool:b zoë"), Err(QueryError::TwoPools));
    }

    #[test]
    fn visibility_comes_first() {
        let public = parse("public top 3").unwrap();
        assert_eq!(public.visibility, Some(Visibility::Public));
        assert_eq!(
            public.action,
            Action::Top {
                count: 3,
                class: None
            }
        );
        assert_eq!(
            parse("PRIVATE zoë").unwrap().visibility,
            Some(Visibility::Private)
        );
        assert_eq!(
            parse("zoë public").unwrap().action,
            names(&["zoë", "public"])
        );
        assert_eq!(parse("public").unwrap().action, Action::Me);
    }

    #[test]
    fn unknown_words_are_names() {
        assert_eq!(action("topp 5"), names(&["topp", "5"]));
        assert_eq!(action("@channel <!here>"), names(&["@channel", "<!here>"]));
    }

    #[test]
    fn very_long_lists_are_cut() {
        let many = vec!["x"; 500].join(" ");
        let Action::Names(names) = action(&many) else {
            panic!("names")
        };
        assert_eq!(names.len(), MAX_NAMES);
    }
}
