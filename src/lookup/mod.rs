//! The look-up that the slash command, the outgoing webhook and `mattermost-eqdkp lookup` all
//! share: the text a user typed in, the markdown of the reply out.

pub mod clock;
pub mod layout;
pub mod markdown;
pub mod matcher;
mod memo;
pub mod query;
pub mod render;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use std::time::SystemTime;

use crate::eqdkp::FetchError;
use crate::names::fold_case;
use crate::roster::Roster;
use crate::standings::{Snapshot, Standings};
use layout::{Block, Limits};
use markdown::{code, inline, quoted};
use matcher::{Match, Pick};
use memo::Memo;
use query::{Action, Query, Visibility};

/// Where a question came from, which decides how long and how public the answer may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    /// A slash command: private by default, may run over several posts.
    Slash,
    /// An outgoing webhook: always public, so kept short.
    Webhook,
    /// `mattermost-eqdkp lookup`: printed as a slash reply would be.
    Terminal,
}

/// What was asked, and by whom.
#[derive(Clone, Copy, Debug)]
pub struct Question<'a> {
    /// The text after the command or trigger word.
    pub text: &'a str,
    /// How the user invokes the bot (`/dkp`, `getdkp`), for the usage reply.
    pub command: &'a str,
    /// The Mattermost user name of whoever asked, for `me`; empty when unknown.
    pub user_name: &'a str,
    /// Where the question came from.
    pub surface: Surface,
}

/// The reply: one or more posts of markdown, each complete in itself.
#[derive(Debug, Default)]
pub struct Answer {
    /// The posts, in order; never empty.
    pub posts: Vec<String>,
    /// `public` or `private`, when the query asked for it.
    pub visibility: Option<Visibility>,
    /// The answer as the HTTP layer last encoded it. A remembered answer is served again and
    /// again, and encoding it once saves that work on every repeat.
    pub encoded: OnceLock<Bytes>,
}

/// Settings of the look-up that come from the config.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The pool `top` and `class` rank by when the query names none.
    pub default_pool: Option<String>,
    /// Mattermost user names and their characters, for `me`.
    pub users: BTreeMap<String, Vec<String>>,
}

impl From<&crate::config::Config> for Settings {
    fn from(config: &crate::config::Config) -> Settings {
        Settings {
            default_pool: config.eqdkp.default_pool.clone(),
            users: config.mattermost.users.clone(),
        }
    }
}

/// Answers questions from the cached standings.
#[derive(Clone)]
pub struct Lookup {
    standings: Arc<Standings>,
    settings: Arc<Settings>,
    memo: Arc<Memo>,
}

/// The longest piece of typed text echoed back in a reply.
const ECHO_LIMIT: usize = 40;

impl Lookup {
    /// A look-up over these standings.
    pub fn new(standings: Arc<Standings>, settings: Settings) -> Lookup {
        Lookup {
            standings,
            settings: Arc::new(settings),
            memo: Arc::default(),
        }
    }

    /// The standings this look-up reads.
    pub fn standings(&self) -> &Arc<Standings> {
        &self.standings
    }

    /// Answers one question.
    pub async fn answer(&self, question: &Question<'_>) -> Arc<Answer> {
        // A question asked before, of standings still fresh, is answered from memory before
        // anything else is done with it.
        let key = memo::key(question);
        let fresh = self.standings.fresh_generation();
        if let Some(known) = fresh.and_then(|generation| self.memo.get(&key, generation)) {
            return known;
        }

        let query = match query::parse(question.text) {
            Ok(query) => query,
            Err(err) => {
                let help = code(&format!("{} help", question.command));
                return single(format!("{err}. {help} shows what works."));
            }
        };
        if question.surface == Surface::Webhook && query.visibility == Some(Visibility::Private) {
            let text =
                "A trigger word always answers in public; the slash command answers privately.";
            return single(text.to_owned());
        }
        if query.action == Action::Help {
            return Arc::new(Answer {
                posts: vec![usage(question.command)],
                visibility: query.visibility,
                ..Answer::default()
            });
        }

        let snapshot = self.standings.get().await;
        let Some(roster) = snapshot.roster.as_deref() else {
            return single(unavailable(snapshot.problem.as_deref()));
        };
        let posts = match self.blocks(roster, &query, question).await {
            Ok(blocks) => lay_out(&snapshot, roster, blocks, question),
            Err(reply) => vec![reply],
        };
        let answer = Arc::new(Answer {
            posts,
            visibility: query.visibility,
            encoded: OnceLock::new(),
        });

        // A warning's age changes by the minute and items have a cache of their own, so only
        // answers from standings read without trouble are remembered.
        if snapshot.problem.is_none() && !matches!(query.action, Action::Items(_)) {
            self.memo.insert(key, snapshot.generation, &answer);
        }
        answer
    }

    /// The body of the reply, or a one-line reply when the query cannot be answered.
    async fn blocks(
        &self,
        roster: &Roster,
        query: &Query,
        question: &Question<'_>,
    ) -> Result<Vec<Block>, String> {
        let pool = match &query.pool {
            Some(typed) => Some(pool(roster, typed)?),
            None => None,
        };
        match &query.action {
            Action::Help => Ok(vec![Block::Text(usage(question.command))]),
            Action::Names(names) => Ok(names_blocks(roster, names, pool)),
            Action::Me => self.me(roster, question, pool),
            Action::Top { count, class } => self.top(roster, *count, class.as_deref(), pool),
            Action::Class(class) => self.class(roster, class, pool),
            Action::Items(name) => self.items(roster, name).await,
        }
    }

    /// The user's linked characters, else the character named like the user, else the usage.
    fn me(
        &self,
        roster: &Roster,
        question: &Question<'_>,
        pool: Option<usize>,
    ) -> Result<Vec<Block>, String> {
        let user = fold_case(question.user_name);
        let linked = self
            .settings
            .users
            .iter()
            .find(|(name, _)| fold_case(name) == user);
        if let Some((_, names)) = linked.filter(|_| !user.is_empty()) {
            return Ok(names_blocks(roster, names, pool));
        }

        let own = roster.by_name(question.user_name);
        let own = if own.is_empty() {
            roster.by_plain_name(question.user_name)
        } else {
            own
        };
        match own {
            [index] if !user.is_empty() => Ok(render::card(roster, *index, pool)),
            _ => Err(format!(
                "No character is linked to your Mattermost name{} and none has that name; an \
                 officer can link yours under [mattermost.users].\n\n{}",
                if user.is_empty() {
                    String::new()
                } else {
                    format!(" (“{}”)", quoted(question.user_name, ECHO_LIMIT))
                },
                usage(question.command)
            )),
        }
    }

    /// The `count` highest current figures of a pool among active characters.
    fn top(
        &self,
        roster: &Roster,
        count: usize,
        class: Option<&str>,
        pool: Option<usize>,
    ) -> Result<Vec<Block>, String> {
        let class = class.map(|typed| class_name(roster, typed)).transpose()?;
        let (rank_pool, pool_note) = self.rank_pool(roster, pool)?;

        // When alts are merged, an alt's row repeats its main's total; listing both would
        // count the group twice, so, like the site's own standings, only mains are ranked.
        let mut ranked: Vec<usize> = (0..roster.characters.len())
            .filter(|&i| {
                let c = &roster.characters[i];
                c.active
                    && !(roster.alts_merged && c.is_alt())
                    && class.is_none_or(|k| c.class == k)
            })
            .collect();
        sort_by_current(roster, &mut ranked, rank_pool);
        ranked.truncate(count);

        let of_class = class.map_or(String::new(), |k| format!(" {}", inline(k)));
        let mut blocks = vec![Block::Text(format!(
            "**Top {count}**{of_class} by current DKP in **{}**{pool_note} · active characters",
            inline(&roster.pools[rank_pool].name)
        ))];
        if ranked.is_empty() {
            blocks.push(Block::Text(format!("No active{of_class} characters.")));
        } else {
            blocks.push(Block::Table(render::listing(roster, &ranked, pool, true)));
        }
        Ok(blocks)
    }

    /// Every character of a class, highest current first.
    fn class(
        &self,
        roster: &Roster,
        typed: &str,
        pool: Option<usize>,
    ) -> Result<Vec<Block>, String> {
        let class = class_name(roster, typed)?;
        let (rank_pool, pool_note) = self.rank_pool(roster, pool)?;
        let mut members: Vec<usize> = (0..roster.characters.len())
            .filter(|&i| roster.characters[i].class == class)
            .collect();
        sort_by_current(roster, &mut members, rank_pool);

        let intro = format!(
            "Every **{}** ({}), highest current DKP in **{}** first{pool_note}",
            inline(class),
            members.len(),
            inline(&roster.pools[rank_pool].name)
        );
        Ok(vec![
            Block::Text(intro),
            Block::Table(render::listing(roster, &members, pool, true)),
        ])
    }

    /// The pool to rank by: the one asked for, the configured default, or the first. The
    /// note says which when the user did not choose.
    fn rank_pool(&self, roster: &Roster, asked: Option<usize>) -> Result<(usize, String), String> {
        if let Some(index) = asked {
            return Ok((index, String::new()));
        }
        if roster.pools.is_empty() {
            return Err("The site has no points pools.".to_owned());
        }
        let default = self.settings.default_pool.as_deref();
        let index = match default.map(|typed| matcher::find_pool(roster, typed)) {
            Some(Pick::One(index)) => index,
            _ => 0,
        };
        Ok((
            index,
            " (the default pool; add `pool:NAME` for another)".to_owned(),
        ))
    }

    /// A character's items and adjustments, read from the API.
    async fn items(&self, roster: &Roster, typed: &str) -> Result<Vec<Block>, String> {
        let index = match matcher::find(roster, typed) {
            Match::One(index) => index,
            Match::Several(candidates) => return Err(several(roster, typed, &candidates)),
            Match::Nothing(suggestions) => return Err(nothing(roster, typed, &suggestions)),
        };
        let character = &roster.characters[index];
        match self.standings.items(character.id).await {
            Ok(with_items) => Ok(render::items(roster, &with_items)),
            Err(err) => Err(format!(
                "The items of **{}** cannot be read: {}; {}.",
                inline(&character.name),
                inline(&err.to_string()),
                err.advice()
            )),
        }
    }
}

fn single(text: String) -> Arc<Answer> {
    Arc::new(Answer {
        posts: vec![text],
        ..Answer::default()
    })
}

/// Names as typed: a card for a single character, a table for several, and a line for each
/// name that matched nothing or more than one character.
fn names_blocks(roster: &Roster, names: &[String], pool: Option<usize>) -> Vec<Block> {
    let mut found = Vec::new();
    let mut blocks = Vec::new();
    for name in names {
        match matcher::find(roster, name) {
            Match::One(index) if !found.contains(&index) => found.push(index),
            Match::One(_) => {}
            Match::Several(candidates) => {
                blocks.push(Block::Text(several(roster, name, &candidates)))
            }
            Match::Nothing(suggestions) => {
                blocks.push(Block::Text(nothing(roster, name, &suggestions)))
            }
        }
    }

    match found.as_slice() {
        [] => {}
        [single] => blocks.extend(render::card(roster, *single, pool)),
        many => blocks.push(Block::Table(render::listing(roster, many, pool, false))),
    }
    blocks
}

/// The pool a `pool:` names, or a reply saying why not.
fn pool(roster: &Roster, typed: &str) -> Result<usize, String> {
    let names: Vec<String> = roster
        .pools
        .iter()
        .map(|p| format!("**{}**", inline(&p.name)))
        .collect();
    match matcher::find_pool(roster, typed) {
        Pick::One(index) => Ok(index),
        Pick::Several(candidates) => {
            let some: Vec<String> = candidates.iter().map(|&i| names[i].clone()).collect();
            Err(format!(
                "“{}” could be the pool {}: which one?",
                quoted(typed, ECHO_LIMIT),
                or_list(&some)
            ))
        }
        Pick::Nothing if names.is_empty() => Err("The site has no points pools.".to_owned()),
        Pick::Nothing => Err(format!(
            "No pool named “{}”. The pools are {}.",
            quoted(typed, ECHO_LIMIT),
            or_list(&names).replace(" or ", " and ")
        )),
    }
}

/// The class a user typed, as the roster spells it, or a reply saying why not.
fn class_name<'r>(roster: &'r Roster, typed: &str) -> Result<&'r str, String> {
    let classes = roster.classes();
    let bold = |i: &usize| format!("**{}**", inline(&classes[*i]));
    match matcher::find_class(roster, typed) {
        Pick::One(index) => Ok(&classes[index]),
        Pick::Several(candidates) => {
            let some: Vec<String> = candidates.iter().map(bold).collect();
            Err(format!(
                "“{}” could be {}: which one?",
                quoted(typed, ECHO_LIMIT),
                or_list(&some)
            ))
        }
        Pick::Nothing => {
            let all: Vec<String> = (0..classes.len()).map(|i| bold(&i)).collect();
            Err(format!(
                "No class “{}” on this site. Its classes: {}.",
                quoted(typed, ECHO_LIMIT),
                all.join(", ")
            ))
        }
    }
}

/// Highest current figure in `pool` first; equal figures by name, so the order is stable.
fn sort_by_current(roster: &Roster, indices: &mut [usize], pool: usize) {
    let current = |i: usize| roster.characters[i].standings.get(pool).map(|s| s.current);
    indices.sort_by(|&a, &b| {
        current(b)
            .cmp(&current(a))
            .then_with(|| roster.folded_names()[a].cmp(&roster.folded_names()[b]))
    });
}

fn several(roster: &Roster, typed: &str, candidates: &[usize]) -> String {
    let names: Vec<String> = candidates.iter().map(|&i| bold_name(roster, i)).collect();
    format!(
        "“{}” could be {}: which one?",
        quoted(typed, ECHO_LIMIT),
        or_list(&names)
    )
}

fn nothing(roster: &Roster, typed: &str, suggestions: &[usize]) -> String {
    let mut line = format!("No character named “{}”.", quoted(typed, ECHO_LIMIT));
    if !suggestions.is_empty() {
        let names: Vec<String> = suggestions.iter().map(|&i| bold_name(roster, i)).collect();
        line.push_str(&format!(" Did you mean {}?", or_list(&names)));
    }
    line
}

fn bold_name(roster: &Roster, index: usize) -> String {
    format!("**{}**", inline(&roster.characters[index].name))
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

/// Splits the blocks into posts for the surface, with the stale-standings warning first and
/// the "as of" line last.
fn lay_out(
    snapshot: &Snapshot,
    roster: &Roster,
    blocks: Vec<Block>,
    question: &Question<'_>,
) -> Vec<String> {
    let now = SystemTime::now();
    let warning = snapshot.problem.as_ref().map(|problem| {
        let age = now.duration_since(roster.read_at).unwrap_or_default();
        format!(
            "⚠️ The DKP site could not be read just now ({}), so these standings are from {}, {}.",
            inline(&problem.to_string()),
            clock::utc(roster.read_at, now),
            clock::age(age)
        )
    });
    let limits = match question.surface {
        Surface::Webhook => Limits::WEBHOOK,
        Surface::Slash | Surface::Terminal => Limits::SLASH,
    };
    let overflow = |left: usize| match question.surface {
        Surface::Webhook => {
            format!("…and {left} more not shown here; the slash command shows every row privately.")
        }
        _ => format!(
            "…and {left} more lines left out; narrow the query with `top N`, `class` or `pool:`."
        ),
    };
    layout::pack(
        warning.as_deref(),
        blocks,
        &render::footer(roster, now),
        limits,
        overflow,
    )
}

/// The reply when there are no standings at all: what failed and what to do, in one sentence.
fn unavailable(problem: Option<&FetchError>) -> String {
    match problem {
        Some(problem) => format!(
            "⚠️ The DKP standings cannot be read: {}; {}.",
            inline(&problem.to_string()),
            problem.advice()
        ),
        None => "⚠️ The DKP standings have not been read yet; try again in a moment.".to_owned(),
    }
}

/// Every form of the query language, with an example.
pub fn usage(command: &str) -> String {
    let typed = |rest: &str| code(&format!("{command} {rest}"));
    let forms = [
        (typed("NAME"), "one character, every pool", typed("zoë")),
        (
            typed("NAME NAME…"),
            "several characters in one table",
            typed("zoe tarnk rallos"),
        ),
        (
            typed("top [N] [CLASS]"),
            "the N (10) highest, active characters",
            typed("top 5 cleric"),
        ),
        (
            typed("class CLASS"),
            "every character of a class",
            typed("class ench"),
        ),
        (
            typed("items NAME"),
            "items won and adjustments",
            typed("items zoë"),
        ),
        (
            format!("{} (or nothing)", typed("me")),
            "your own characters",
            typed("me"),
        ),
        (
            format!("{} anywhere", code("pool:NAME")),
            "only that pool",
            typed("top pool:luclin"),
        ),
        (
            format!("{} / {} first", code("public"), code("private")),
            "show this reply to the channel / only to you",
            typed("public top 3"),
        ),
        (typed("help"), "this help", String::new()),
    ];

    let mut text = "**DKP look-up**: shows DKP as the guild's EQDKP-Plus site has them.\n\n\
                    | Type | To see | Example |\n| :-- | :-- | :-- |\n"
        .to_owned();
    for (form, meaning, example) in forms {
        text.push_str(&format!("| {form} | {meaning} | {example} |\n"));
    }
    text.push_str(&format!(
        "\nNames ignore case and accents, and a unique beginning is enough. Quote a name that has \
         a space or is one of the words above: {}.",
        typed("\"Top\"")
    ));
    text
}
