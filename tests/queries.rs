//! Every form of the query language, answered over the demo roster, the fixture roster, the
//! reference roster from a stand-in site, and a synthetic roster of thousands of characters.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use mattermost_eqdkp::config::Config;
use mattermost_eqdkp::eqdkp::Source;
use mattermost_eqdkp::lookup::layout::MAX_POST_CHARS;
use mattermost_eqdkp::lookup::query::Visibility;
use mattermost_eqdkp::lookup::{Answer, Lookup, Question, Settings, Surface};
use mattermost_eqdkp::standings::Standings;
use support::render::{ApiFlavor, Lang, Markup, api_points_json};
use support::roster::{reference, synthetic};
use support::site::{ApiBehaviour, PageBehaviour, SiteConfig, StandIn};

fn manifest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn lookup_over(config_text: &str, config_path: &Path, settings: Settings) -> Lookup {
    let config = Config::parse(config_text, config_path).expect("the test config is valid");
    let source = Source::new(&config.eqdkp).unwrap();
    Lookup::new(
        Standings::new(Arc::new(source), config.eqdkp.cache_ttl),
        settings,
    )
}

/// The bundled demo roster, read through its own config.
fn demo() -> Lookup {
    let path = manifest("demo/demo.toml");
    let config = Config::load(&path).expect("the demo config is valid");
    let source = Source::new(&config.eqdkp).unwrap();
    let standings = Standings::new(Arc::new(source), config.eqdkp.cache_ttl);
    Lookup::new(standings, Settings::from(&config))
}

/// The small fixture roster of `tests/fixtures/api`.
fn fixture() -> Lookup {
    let text = "[eqdkp]\nfile = \"api/points-2.3.json\"\n";
    lookup_over(
        text,
        &manifest("tests/fixtures/config.toml"),
        Settings::default(),
    )
}

async fn ask_as(lookup: &Lookup, text: &str, user: &str, surface: Surface) -> Arc<Answer> {
    let command = if surface == Surface::Webhook {
        "getdkp"
    } else {
        "/dkp"
    };
    let question = Question {
        text,
        command,
        user_name: user,
        surface,
    };
    lookup.answer(&question).await
}

async fn ask(lookup: &Lookup, text: &str) -> String {
    let answer = ask_as(lookup, text, "alice", Surface::Slash).await;
    assert_eq!(answer.posts.len(), 1, "{:?}", answer.posts);
    answer.posts[0].clone()
}

/// The body rows of the tables in a post, as cells.
fn rows(post: &str) -> Vec<Vec<String>> {
    post.lines()
        .filter(|line| {
            line.starts_with("| ") && !line.starts_with("| :--") && !line.starts_with("| --:")
        })
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn one_name_gets_a_card_with_every_pool() {
    let reply = ask(&demo(), "BÉATRICE").await;
    assert!(reply.starts_with("**Béatrice** · Cleric · alts: Lioba (figures include them)"));
    assert!(reply.contains("| Velious Raids | 32.50 |"), "{reply}");
    assert!(reply.contains("| Kunark Classics | 101.33 |"), "{reply}");
    assert!(reply.ends_with("· Silver Flame (demo)_"), "{reply}");
}

#[tokio::test]
async fn several_names_share_one_table() {
    let reply = ask(&fixture(), "vel'ka, quillan élodie").await;
    let table = rows(&reply);
    assert_eq!(
        table[0],
        ["Character", "Class", "Raid Nights", "Legacy & Old"]
    );
    assert_eq!(table[1], ["Vel'ka", "Shadow Knight", "-1464.50", "17.00"]);
    assert_eq!(
        table[2],
        ["Quillan (alt of Brynja)", "Rogue", "54.50", "43.00"]
    );
    assert_eq!(table[3], ["Élodie", "Cleric", "40.50", "15.00"]);
}

#[tokio::test]
async fn unknown_and_ambiguous_names_are_explained_beside_the_others() {
    let reply = ask(&demo(), "Aldrik Isolde").await;
    assert!(
        reply.starts_with("No character named “Aldrik”. Did you mean **Aldric**?\n\n**Isolde**")
    );
    let several = ask(&demo(), "ar isol").await;
    assert!(
        several.starts_with("“ar” could be **Hrothgar** or **Jarek**: which one?\n\n**Isolde**"),
        "{several}"
    );
}

#[tokio::test]
async fn top_ranks_active_mains_of_the_default_pool_and_says_which() {
    let reply = ask(&demo(), "top 3").await;
    assert!(reply.starts_with("**Top 3** by current DKP in **Velious Raids** (the default pool"));
    let table = rows(&reply);
    assert_eq!(table.len(), 4);
    assert_eq!(table[1][..3], ["1", "Kaelen", "Ranger"]);
    assert_eq!(table[2][..3], ["2", "Jarek", "Shadow Knight"]);
    assert_eq!(table[3][..3], ["3", "Gráinne", "Druid"]);
}

#[tokio::test]
async fn top_leaves_out_inactive_characters_and_alts_counted_in_their_main() {
    let reply = ask(&demo(), "top 50").await;
    assert!(!reply.contains("Hrothgar"), "inactive");
    assert!(
        !reply.contains("Eskil") && !reply.contains("Lioba"),
        "alts are in their main"
    );
    assert_eq!(
        rows(&reply).len() - 1,
        10,
        "13 characters, one inactive, two alts"
    );
}

#[tokio::test]
async fn top_follows_the_configured_default_pool_and_a_class() {
    let settings = Settings {
        default_pool: Some("kunark".into()),
        ..Settings::default()
    };
    let config = manifest("demo/demo.toml");
    let lookup = lookup_over("[eqdkp]\nfile = \"points.json\"\n", &config, settings);
    let reply = ask(&lookup, "top 2 clerics").await;
    assert!(
        reply.starts_with("**Top 2** Cleric by current DKP in **Kunark Classics**"),
        "{reply}"
    );
    assert_eq!(rows(&reply)[1][..2], ["1", "Béatrice"]);
    assert_eq!(rows(&reply).len(), 2, "one active main cleric");
}

#[tokio::test]
async fn a_pool_narrows_any_form_to_its_figures() {
    let lookup = demo();
    let card = ask(&lookup, "dagny pool:kun").await;
    assert!(
        card.contains("| Kunark Classics | 107.00 | 155.50 | 48.50 | 0.00 |"),
        "{card}"
    );
    assert!(!card.contains("Velious Raids"), "{card}");

    let top = ask(&lookup, "pool:2 top 1").await;
    assert_eq!(
        rows(&top)[0],
        [
            "#",
            "Character",
            "Class",
            "Current",
            "Earned",
            "Spent",
            "Adjustment"
        ]
    );
    assert_eq!(
        rows(&top)[1],
        ["1", "Kaelen", "Ranger", "123.00", "135.50", "12.50", "0.00"]
    );

    let unknown = ask(&lookup, "top pool:luclin").await;
    assert_eq!(
        unknown,
        "No pool named “luclin”. The pools are **Velious Raids** and **Kunark Classics**."
    );
}

#[tokio::test]
async fn class_lists_everyone_of_the_class_highest_first() {
    let lookup = lookup_over(
        "[eqdkp]\nfile = \"points.json\"\n",
        &manifest("demo/demo.toml"),
        Settings::default(),
    );
    let reply = ask(&lookup, "class berserk").await;
    assert!(reply.starts_with("Every **Berserker** (1)"), "{reply}");
    assert_eq!(rows(&reply)[1][..2], ["1", "Hrothgar (inactive)"]);

    let unknown = ask(&lookup, "class necro").await;
    assert!(unknown.starts_with("No class “necro” on this site. Its classes: **Bard**, "));
}

#[tokio::test]
async fn me_shows_the_linked_characters_or_the_one_named_like_the_user() {
    let lookup = demo();
    let linked = ask_as(&lookup, "me", "Demo", Surface::Slash)
        .await
        .posts
        .join("");
    assert_eq!(rows(&linked).len(), 3, "Dagny and Eskil: {linked}");

    let named = ask_as(&lookup, "", "corvin", Surface::Slash)
        .await
        .posts
        .join("");
    assert!(named.starts_with("**Corvin** · Wizard"), "{named}");

    let stranger = ask_as(&lookup, "", "@channel", Surface::Slash)
        .await
        .posts
        .join("");
    assert!(
        stranger.starts_with("No character is linked to your Mattermost name (“@\u{200b}channel”)")
    );
    assert!(stranger.contains("**DKP look-up**"), "the usage follows");
}

#[tokio::test]
async fn items_come_from_the_saved_roster_or_the_api() {
    let reply = ask(&demo(), "items dagny").await;
    assert!(
        reply.contains("| Runed Bolster Belt | 30.00 | Velious Raids |"),
        "{reply}"
    );

    let site = StandIn::start(SiteConfig::new(reference())).await;
    let text = format!("[eqdkp]\nurl = \"{}\"\nsource = \"api\"\n", site.url());
    let lookup = lookup_over(&text, Path::new("/nonexistent/c.toml"), Settings::default());
    let zoe = ask(&lookup, "items zoe").await;
    assert!(
        zoe.contains("| Serpent of Vindication | 30.00 | Planes of Power |"),
        "{zoe}"
    );
    assert!(
        zoe.contains("| Raid leading | 10.00 | Planes of Power |"),
        "{zoe}"
    );
    assert!(zoe.contains("| Server first | 5.00 | Luclin |"), "{zoe}");
    assert!(
        site.last_request_line()
            .unwrap()
            .contains("filter=character&filterid=2")
    );

    ask(&lookup, "items zoe").await;
    assert_eq!(
        site.requests_to("memberdata"),
        1,
        "items are cached like the standings"
    );
}

#[tokio::test]
async fn items_with_only_the_points_pages_say_they_need_the_api() {
    let pages = PageBehaviour::Serve(Markup::V23Anonymous, Lang::English);
    let site = StandIn::start(SiteConfig {
        api: ApiBehaviour::Hang,
        pages,
        ..SiteConfig::new(reference())
    })
    .await;
    let text = format!("[eqdkp]\nurl = \"{}\"\nsource = \"page\"\n", site.url());
    let lookup = lookup_over(&text, Path::new("/nonexistent/c.toml"), Settings::default());
    let reply = ask(&lookup, "items Zoë").await;
    assert!(
        reply.starts_with(
            "The items of **Zoë** cannot be read: items and adjustments are only in the eqdkp api"
        ),
        "{reply}"
    );
    assert_eq!(site.requests_to("api.php"), 0);
}

#[tokio::test]
async fn visibility_words_travel_with_the_answer() {
    let lookup = demo();
    let public = ask_as(&lookup, "public dagny", "alice", Surface::Slash).await;
    assert_eq!(public.visibility, Some(Visibility::Public));
    let private = ask_as(&lookup, "private top", "alice", Surface::Slash).await;
    assert_eq!(private.visibility, Some(Visibility::Private));
    let webhook = ask_as(&lookup, "private dagny", "alice", Surface::Webhook).await;
    assert!(webhook.posts[0].starts_with("A trigger word always answers in public"));
}

#[tokio::test]
async fn help_lists_every_form_with_an_example() {
    let help = ask(&demo(), "help").await;
    for form in [
        "NAME NAME…",
        "top [N] [CLASS]",
        "class CLASS",
        "items NAME",
        "me",
        "pool:NAME",
        "public",
    ] {
        assert!(help.contains(form), "{form}");
    }
    let webhook = ask_as(&demo(), "help", "bob", Surface::Webhook).await;
    assert!(webhook.posts[0].contains("`getdkp top [N] [CLASS]`"));
}

/// A guild of thousands: long answers are split into complete tables, with every row shown
/// until the reply limit and the rest counted.
async fn big_guild() -> (Lookup, tempdir::Dir) {
    let dir = tempdir::Dir::new("big-guild");
    let json = api_points_json(&synthetic(6000, 2, 7), ApiFlavor::V23, false);
    std::fs::write(dir.path().join("points.json"), json).unwrap();
    let config = dir.path().join("config.toml");
    (
        lookup_over(
            "[eqdkp]\nfile = \"points.json\"\n",
            &config,
            Settings::default(),
        ),
        dir,
    )
}

#[tokio::test]
async fn a_long_slash_answer_is_split_into_complete_tables() {
    let (lookup, _dir) = big_guild().await;
    let answer = ask_as(&lookup, "top 1000", "alice", Surface::Slash).await;
    assert!(answer.posts.len() > 1);

    let mut places = Vec::new();
    for post in &answer.posts {
        assert!(post.chars().count() <= MAX_POST_CHARS);
        let table = rows(post);
        assert_eq!(
            table[0],
            ["#", "Character", "Class", "Planes of Power", "Luclin"],
            "every post has the header"
        );
        for row in &table[1..] {
            assert_eq!(row.len(), 5);
            places.push(row[0].parse::<usize>().unwrap());
        }
    }
    assert_eq!(
        places,
        (1..=1000).collect::<Vec<_>>(),
        "every row once, in order"
    );
    assert!(answer.posts.last().unwrap().contains("_As of "));
}

#[tokio::test]
async fn too_long_an_answer_says_how_many_rows_were_left_out() {
    let (lookup, _dir) = big_guild().await;
    let answer = ask_as(&lookup, "class war", "alice", Surface::Slash).await;
    let shown: usize = answer
        .posts
        .iter()
        .map(|p| rows(p).len().saturating_sub(1))
        .sum();
    let total: usize = answer.posts[0]
        .split(['(', ')'])
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("the intro counts the class");
    if shown < total {
        let last = answer.posts.last().unwrap();
        assert!(
            last.contains(&format!("…and {} more lines left out", total - shown)),
            "{last}"
        );
    }
    assert!(answer.posts.len() <= 10);
}

#[tokio::test]
async fn a_webhook_answer_stays_short_and_points_to_the_slash_command() {
    let (lookup, _dir) = big_guild().await;
    let answer = ask_as(&lookup, "top 50", "bob", Surface::Webhook).await;
    assert_eq!(answer.posts.len(), 1);
    assert_eq!(rows(&answer.posts[0]).len() - 1, 10);
    assert!(
        answer.posts[0]
            .contains("…and 40 more not shown here; the slash command shows every row privately.")
    );
}

#[tokio::test]
async fn help_keeps_the_visibility_asked_for_but_a_webhook_stays_public() {
    let lookup = demo();
    let public = ask_as(&lookup, "public help", "alice", Surface::Slash).await;
    assert_eq!(public.visibility, Some(Visibility::Public));
    assert!(public.posts[0].contains("**DKP look-up**"));

    let webhook = ask_as(&lookup, "private help", "alice", Surface::Webhook).await;
    assert!(
        webhook.posts[0].starts_with("A trigger word always answers in public"),
        "{:?}",
        webhook.posts
    );
}

#[tokio::test]
async fn a_webhooks_unusual_trigger_word_shows_as_typed_in_help() {
    let lookup = demo();
    let question = Question {
        text: "help",
        command: "get_dkp",
        user_name: "alice",
        surface: Surface::Webhook,
    };
    let answer = lookup.answer(&question).await;
    assert!(
        answer.posts[0].contains("| `get_dkp NAME` |"),
        "{}",
        answer.posts[0]
    );
}

#[tokio::test]
async fn bad_queries_get_a_line_and_a_pointer_to_help() {
    let lookup = demo();
    assert_eq!(
        ask(&lookup, "top 0").await,
        "`top` takes a number from 1 to 1000. `/dkp help` shows what works."
    );
    assert!(
        ask(&lookup, "class")
            .await
            .starts_with("`class` needs a class")
    );
    assert!(
        ask(&lookup, "\"open")
            .await
            .starts_with("a quote (\") was opened")
    );
}

/// A scratch directory removed on drop, so tests leave nothing behind.
mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new(name: &str) -> Dir {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::SeqCst);
            let path =
                std::env::temp_dir().join(format!("mmeqdkp-{name}-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&path).unwrap();
            Dir(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn settings_come_from_the_config() {
    let text = "[eqdkp]\nfile = \"x.json\"\ndefault_pool = \"Luclin\"\n[mattermost.users]\nalice = [\"Zoë\"]\n";
    let config = Config::parse(text, Path::new("/x/c.toml")).unwrap();
    let settings = Settings::from(&config);
    assert_eq!(settings.default_pool.as_deref(), Some("Luclin"));
    assert_eq!(
        settings.users,
        BTreeMap::from([("alice".to_owned(), vec!["Zoë".to_owned()])])
    );
}

/// Hands out a roster whose one character gains a point at every read.
struct Growing(std::sync::atomic::AtomicI64);

impl mattermost_eqdkp::standings::Reader for Growing {
    fn read(
        &self,
    ) -> futures_util::future::BoxFuture<
        '_,
        Result<mattermost_eqdkp::roster::Roster, mattermost_eqdkp::eqdkp::FetchError>,
    > {
        use mattermost_eqdkp::points::Points;
        use mattermost_eqdkp::roster::{Character, Origin, Pool, Roster, RosterParts, Standing};

        let points = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let character = |id: u32, name: &str| Character {
            id,
            name: name.to_owned(),
            class: "Cleric".to_owned(),
            active: true,
            main: None,
            standings: vec![Standing {
                current: Points::from_whole(points),
                ..Standing::default()
            }],
            items: Vec::new(),
            adjustments: Vec::new(),
        };
        let parts = RosterParts {
            pools: vec![Pool {
                id: 1,
                name: "Raids".to_owned(),
            }],
            characters: vec![character(1, "Anna"), character(2, "Bert")],
            ..RosterParts::default()
        };
        let roster = Roster::new(parts, Origin::Api, std::time::SystemTime::now());
        Box::pin(std::future::ready(Ok(roster)))
    }
}

#[tokio::test]
async fn a_repeated_question_is_answered_from_memory_until_the_next_read() {
    let reader = Arc::new(Growing(std::sync::atomic::AtomicI64::new(10)));
    let standings = Standings::new(reader, std::time::Duration::from_secs(60));
    let lookup = Lookup::new(standings, Settings::default());

    let first = ask_as(&lookup, "anna", "alice", Surface::Slash).await;
    let again = ask_as(&lookup, "anna", "alice", Surface::Slash).await;
    assert!(
        Arc::ptr_eq(&first, &again),
        "the same question, the same roster: remembered"
    );
    let other_user = ask_as(&lookup, "anna", "bob", Surface::Slash).await;
    assert!(
        !Arc::ptr_eq(&first, &other_user),
        "`me` differs by user, so users do not share"
    );
    let webhook = ask_as(&lookup, "anna", "alice", Surface::Webhook).await;
    assert!(!Arc::ptr_eq(&first, &webhook));
}

#[tokio::test]
async fn a_new_read_of_the_site_is_never_hidden_by_a_remembered_answer() {
    let reader = Arc::new(Growing(std::sync::atomic::AtomicI64::new(10)));
    let standings = Standings::new(reader, std::time::Duration::ZERO);
    let lookup = Lookup::new(standings, Settings::default());

    let first = ask(&lookup, "anna").await;
    let second = ask(&lookup, "anna").await;
    assert!(first.contains("| Raids | 10.00 |"), "{first}");
    assert!(second.contains("| Raids | 11.00 |"), "{second}");
}
