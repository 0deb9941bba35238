//! The look-up that the slash command, the outgoing webhook and `mattermost-eqdkp lookup` all
//! share: the text a user typed in, the markdown of the reply out.

pub mod clock;
pub mod markdown;
pub mod matcher;
pub mod render;

use std::sync::Arc;
use std::time::SystemTime;

use crate::eqdkp::FetchError;
use crate::roster::Roster;
use crate::standings::{Snapshot, Standings};
use markdown::quoted;
use matcher::Match;

/// What was asked, and by whom.
#[derive(Clone, Copy, Debug)]
pub struct Question<'a> {
    /// The text after the command or trigger word.
    pub text: &'a str,
    /// How the user invokes the bot (`/dkp`, `getdkp`), for the usage reply.
    pub command: &'a str,
}

/// The reply: one or more posts of markdown, each complete in itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The posts, in order; never empty.
    pub posts: Vec<String>,
}

impl Answer {
    fn single(text: String) -> Answer {
        Answer { posts: vec![text] }
    }
}

/// Answers questions from the cached standings.
#[derive(Clone)]
pub struct Lookup {
    standings: Arc<Standings>,
}

/// The longest piece of typed text echoed back in a reply.
const ECHO_LIMIT: usize = 40;

impl Lookup {
    /// A look-up over these standings.
    pub fn new(standings: Arc<Standings>) -> Lookup {
        Lookup { standings }
    }

    /// The standings this look-up reads.
    pub fn standings(&self) -> &Arc<Standings> {
        &self.standings
    }

    /// Answers one question.
    pub async fn answer(&self, question: &Question<'_>) -> Answer {
        let names = split_names(question.text);
        if names.is_empty() || (names.len() == 1 && names[0].eq_ignore_ascii_case("help")) {
            return Answer::single(usage(question.command));
        }

        let snapshot = self.standings.get().await;
        let Some(roster) = snapshot.roster.as_deref() else {
            return Answer::single(unavailable(snapshot.problem.as_deref()));
        };
        let now = SystemTime::now();
        let body = names_reply(roster, &names);
        Answer::single(with_frame(&snapshot, roster, body, now))
    }
}

/// Names as typed: separated by spaces or commas, or quoted when a name has a space in it.
fn split_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            names.push(quoted[..end].trim().to_owned());
            rest = quoted.get(end + 1..).unwrap_or("");
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == ',')
                .unwrap_or(rest.len());
            names.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
    }
    names.retain(|name| !name.is_empty());
    names
}

/// The reply to a list of names: a card for a single character, a table for several, and a
/// line for each name that matched nothing or more than one character.
fn names_reply(roster: &Roster, names: &[String]) -> String {
    let mut found = Vec::new();
    let mut notes = Vec::new();
    for name in names {
        match matcher::find(roster, name) {
            Match::One(index) if !found.contains(&index) => found.push(index),
            Match::One(_) => {}
            Match::Several(candidates) => notes.push(several(roster, name, &candidates)),
            Match::Nothing(suggestions) => notes.push(nothing(roster, name, &suggestions)),
        }
    }

    let mut text = notes.join("\n");
    let table = match found.as_slice() {
        [] => return text,
        [single] => render::card(roster, *single),
        many => render::overview(roster, many).render(),
    };
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&table);
    text
}

fn several(roster: &Roster, typed: &str, candidates: &[usize]) -> String {
    format!(
        "“{}” could be {}: which one?",
        quoted(typed, ECHO_LIMIT),
        name_list(roster, candidates, "or")
    )
}

fn nothing(roster: &Roster, typed: &str, suggestions: &[usize]) -> String {
    let mut line = format!("No character named “{}”.", quoted(typed, ECHO_LIMIT));
    if !suggestions.is_empty() {
        line.push_str(&format!(
            " Did you mean {}?",
            name_list(roster, suggestions, "or")
        ));
    }
    line
}

fn name_list(roster: &Roster, indices: &[usize], last_joiner: &str) -> String {
    let names: Vec<String> = indices
        .iter()
        .map(|&i| format!("**{}**", markdown::inline(&roster.characters[i].name)))
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("{} {last_joiner} {last}", rest.join(", "))
        }
        _ => names.concat(),
    }
}

/// Adds the warning about stale standings before the body and the "as of" line after it.
fn with_frame(snapshot: &Snapshot, roster: &Roster, body: String, now: SystemTime) -> String {
    let mut text = String::new();
    if let Some(problem) = &snapshot.problem {
        let age = now.duration_since(roster.read_at).unwrap_or_default();
        text.push_str(&format!(
            "⚠️ The DKP site could not be read just now ({}), so these standings are from {}, {}.\n\n",
            markdown::inline(&problem.to_string()),
            clock::utc(roster.read_at, now),
            clock::age(age)
        ));
    }
    text.push_str(body.trim_end());
    text.push_str("\n\n");
    text.push_str(&render::footer(roster, now));
    text
}

/// The reply when there are no standings at all: what failed and what to do, in one sentence.
fn unavailable(problem: Option<&FetchError>) -> String {
    match problem {
        Some(problem) => format!(
            "⚠️ The DKP standings cannot be read: {}; {}.",
            markdown::inline(&problem.to_string()),
            problem.advice()
        ),
        None => "⚠️ The DKP standings have not been read yet; try again in a moment.".to_owned(),
    }
}

/// What can be typed, with examples.
pub fn usage(command: &str) -> String {
    let c = command;
    format!(
        "**DKP look-up**: shows a character's DKP as the guild's EQDKP-Plus site has it.\n\n\
         | Type | To see |\n\
         | :-- | :-- |\n\
         | `{c} NAME` | one character, every pool (case and accents do not matter) |\n\
         | `{c} NAME NAME…` | several characters in one table |\n\
         | `{c} help` | this help |\n\n\
         Examples: `{c} Zoë`, `{c} zoe tarnk`, `{c} \"Two Words\"`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names_on_spaces_commas_and_quotes() {
        assert_eq!(
            split_names("  Zoë  tarnk,Ker'ra "),
            ["Zoë", "tarnk", "Ker'ra"]
        );
        assert_eq!(split_names("\"Two Words\" Zoë"), ["Two Words", "Zoë"]);
        assert_eq!(split_names("\"unclosed quote"), ["unclosed quote"]);
        assert!(split_names(" , \"\" ").is_empty());
    }
}
