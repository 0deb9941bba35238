//! Properties that must hold whatever users type and whatever the site stores: nothing
//! panics, every table stays a table, and no reply can notify anyone.

use std::sync::Arc;
use std::time::SystemTime;

use futures_util::future::BoxFuture;
use mattermost_eqdkp::eqdkp::{FetchError, api, page};
use mattermost_eqdkp::lookup::layout::MAX_POST_CHARS;
use mattermost_eqdkp::lookup::markdown::{Align, Table, inline};
use mattermost_eqdkp::lookup::{Lookup, Question, Settings, Surface, query};
use mattermost_eqdkp::mattermost::{Incoming, decode_body, decode_form};
use mattermost_eqdkp::points::Points;
use mattermost_eqdkp::roster::{Character, MainRef, Origin, Pool, Roster, RosterParts, Standing};
use mattermost_eqdkp::standings::{Reader, Standings};
use proptest::prelude::*;

/// Text with the characters that have broken chat bots before: pipes, angle brackets,
/// mentions, newlines, backslashes, markdown marks and non-ASCII letters.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "|",
        "\\|",
        "<",
        ">",
        "<!channel>",
        "<!here>",
        "<@U1>",
        "@channel",
        "@ALL",
        "@here",
        "@someone",
        "@",
        "\n",
        "\r\n",
        "\t",
        "`",
        "*",
        "_",
        "~",
        "[x](y)",
        "<http://x|y>",
        "Zoë",
        "Ærwyn",
        "Ker'ra",
        "\"",
        ",",
        " ",
        "pool:",
        "top",
        "5",
        "class",
        "items",
        "me",
        "public",
        "\u{200b}",
        "\u{2028}",
        "\u{2424}",
        "&",
        "&#64;channel",
        "&#x40;here",
        "&commat;all",
        "#",
        "a",
        "b",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_owned), any::<String>()],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

/// Whether every `@` is followed by the zero-width space that stops Mattermost's mention
/// scanner, no `&` can start an entity (`&#64;` is an `@` to Mattermost), no `<` survives to
/// form `<!channel>` or a Slack-style link, and no `␤` (a line break to the web client) is
/// left.
fn no_live_mention(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let ats_defused = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == '@')
        .all(|(i, _)| chars.get(i + 1) == Some(&'\u{200b}'));
    let no_entity = chars
        .windows(2)
        .all(|pair| pair[0] != '&' || !(pair[1] == '#' || pair[1].is_ascii_alphabetic()));
    ats_defused && no_entity && !text.contains('<') && !text.contains('\u{2424}')
}

/// The cell separators of a table line: pipes not escaped by a backslash.
fn separators(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

/// Every run of table lines in `post` has one column count, and its second line is the
/// alignment row.
fn tables_well_formed(post: &str) -> bool {
    let lines: Vec<&str> = post.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with('|') {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && lines[i].starts_with('|') {
            i += 1;
        }
        let table = &lines[start..i];
        let columns = separators(table[0]);
        let aligned = table
            .get(1)
            .is_some_and(|l| l.starts_with("| :--") || l.starts_with("| --:"));
        if !aligned || table.iter().any(|line| separators(line) != columns) {
            return false;
        }
    }
    true
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn inline_text_is_one_line_without_live_mentions(text in hostile_text()) {
        let safe = inline(&text);
        prop_assert!(!safe.contains('\n') && !safe.contains('\r'));
        prop_assert!(no_live_mention(&safe), "{safe:?}");
        prop_assert_eq!(separators(&safe), 0, "{:?}", safe);
    }

    #[test]
    fn tables_keep_their_column_count(
        header in prop::collection::vec(hostile_text(), 1..5),
        rows in prop::collection::vec(prop::collection::vec(hostile_text(), 0..7), 0..8),
    ) {
        let columns: Vec<(&str, Align)> = header.iter().map(|h| (h.as_str(), Align::Left)).collect();
        let mut table = Table::new(&columns);
        for row in &rows {
            let cells: Vec<&dyn std::fmt::Display> = row.iter().map(|c| c as &dyn std::fmt::Display).collect();
            table.push(&cells);
        }
        let text = table.render();
        prop_assert!(tables_well_formed(&text), "{text}");
        prop_assert_eq!(text.lines().count(), rows.len() + 2);
        prop_assert!(no_live_mention(&text));
    }

    #[test]
    fn the_query_parser_never_panics(text in hostile_text()) {
        let _ = query::parse(&text);
    }

    #[test]
    fn request_decoding_never_panics(
        body in prop::collection::vec(any::<u8>(), 0..512),
        content_type in prop::sample::select(vec![
            "application/x-www-form-urlencoded", "application/json", "application/json; charset=utf-8",
            "text/plain", "", "APPLICATION/JSON",
        ]),
    ) {
        if let Ok(fields) = decode_body(Some(content_type), &body) {
            let _ = Incoming::classify(fields);
        }
        if let Ok(fields) = decode_form(&body) {
            let _ = Incoming::classify(fields);
        }
    }

    #[test]
    fn the_site_parsers_never_panic(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = api::parse_points(&body);
        let html = String::from_utf8_lossy(&body);
        let _ = page::parse_overview(&html);
    }

    #[test]
    fn pages_with_hostile_names_never_panic(name in hostile_text()) {
        let html = format!(
            "<table class=\"hptt\"><tr><th>Name</th><th><span class=\"tt_event1\">P</span></th></tr>\
             <tr><td><a href=\"/index.php/Character/{name}-3.html\">{name}</a></td><td>1.00</td></tr></table>"
        );
        let _ = page::parse_overview(&html);
    }
}

/// A roster of characters with the given names, in two pools.
fn roster(names: &[String], classes: &[String]) -> RosterParts {
    let pool = |id: u32, name: &str| Pool {
        id,
        name: name.to_owned(),
    };
    let characters = names
        .iter()
        .enumerate()
        .map(|(i, name)| Character {
            id: i as u32 + 1,
            name: name.clone(),
            class: classes
                .get(i % classes.len().max(1))
                .cloned()
                .unwrap_or_default(),
            active: i % 5 != 4,
            main: (i % 4 == 3).then(|| MainRef {
                id: Some(1),
                name: names[0].clone(),
            }),
            standings: vec![
                Standing {
                    current: Points::from_whole(i as i64 - 3),
                    ..Standing::default()
                },
                Standing::default(),
            ],
            items: Vec::new(),
            adjustments: Vec::new(),
        })
        .collect();
    RosterParts {
        pools: vec![pool(1, "Pool | <one> @all"), pool(2, "Two\nLines")],
        characters,
        alts_merged: true,
        ..RosterParts::default()
    }
}

struct Fixed(RosterParts);

impl Reader for Fixed {
    fn read(&self) -> BoxFuture<'_, Result<Roster, FetchError>> {
        let roster = Roster::new(self.0.clone(), Origin::Api, SystemTime::now());
        Box::pin(std::future::ready(Ok(roster)))
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn replies_stay_well_formed_and_mention_nobody(
        names in prop::collection::vec(hostile_text().prop_filter("a name", |n| !n.trim().is_empty()), 1..12),
        classes in prop::collection::vec(hostile_text(), 1..4),
        typed in hostile_text(),
        user in hostile_text(),
        webhook in any::<bool>(),
    ) {
        let standings = Standings::new(Arc::new(Fixed(roster(&names, &classes))), std::time::Duration::from_secs(60));
        let lookup = Lookup::new(standings, Settings::default());
        let surface = if webhook { Surface::Webhook } else { Surface::Slash };
        for text in [typed.as_str(), &names[0], &format!("top 3 {}", classes[0]), &format!("class {}", classes[0])] {
            let question = Question { text, command: "/dkp", user_name: &user, surface };
            let answer = runtime().block_on(lookup.answer(&question));
            prop_assert!(!answer.posts.is_empty());
            for post in &answer.posts {
                prop_assert!(post.chars().count() <= MAX_POST_CHARS);
                prop_assert!(tables_well_formed(post), "{post}");
                prop_assert!(no_live_mention(post), "{post}");
            }
        }
    }
}

#[test]
fn the_checks_themselves_catch_broken_output() {
    assert!(!no_live_mention("hi @channel"));
    assert!(!no_live_mention("<!here>"));
    assert!(!no_live_mention("&#64;channel"));
    assert!(no_live_mention("hi @\u{200b}channel"));
    assert!(!tables_well_formed(
        "| a | b |\n| :-- | :-- |\n| x | y | z |\n"
    ));
    assert!(!tables_well_formed("| a | b |\n| x | y |\n"));
    assert!(tables_well_formed(
        "| a | b |\n| :-- | --: |\n| x\\|y | z |\n"
    ));
}
