//! The data side end to end: a stand-in EQDKP-Plus site on 127.0.0.1:0 serves the reference
//! roster (the 15 characters captured from a real EQDKP-Plus 2.3.39) in every shape the
//! service reads, and every source must give the figures the site's own points page shows.

mod support;

use std::path::Path;

use mattermost_eqdkp::config::Config;
use mattermost_eqdkp::eqdkp::{FetchError, Source};
use mattermost_eqdkp::roster::{Origin, Roster};
use support::render::{ApiFlavor, Lang, Markup};
use support::roster::reference;
use support::site::{ApiBehaviour, PageBehaviour, SiteConfig, StandIn};

/// A character as the reference site's points page shows it.
struct Shown {
    name: &'static str,
    class: &'static str,
    main: Option<&'static str>,
    active: bool,
    /// "Current incl. alts" in Planes of Power and in Luclin.
    current: [&'static str; 2],
}

/// The reference site's points page, for every character.
const SHOWN: [Shown; 15] = [
    Shown {
        name: "Aradune",
        class: "Warrior",
        main: None,
        active: true,
        current: ["47.50", "48.00"],
    },
    Shown {
        name: "Zoë",
        class: "Cleric",
        main: None,
        active: true,
        current: ["44.00", "40.00"],
    },
    Shown {
        name: "Ærwyn",
        class: "Enchanter",
        main: None,
        active: true,
        current: ["60.50", "0.00"],
    },
    Shown {
        name: "Bristlebane",
        class: "Bard",
        main: None,
        active: true,
        current: ["35.50", "15.00"],
    },
    Shown {
        name: "Firiona",
        class: "Paladin",
        main: None,
        active: true,
        current: ["60.50", "17.50"],
    },
    Shown {
        name: "Lanys",
        class: "Necromancer",
        main: None,
        active: true,
        current: ["35.00", "38.33"],
    },
    Shown {
        name: "Tunare",
        class: "Druid",
        main: None,
        active: true,
        current: ["35.00", "20.00"],
    },
    Shown {
        name: "Cazic",
        class: "Shadow Knight",
        main: None,
        active: true,
        current: ["-1464.50", "17.00"],
    },
    Shown {
        name: "Xegony",
        class: "Wizard",
        main: None,
        active: true,
        current: ["1251.25", "35.00"],
    },
    Shown {
        name: "Rallos",
        class: "Berserker",
        main: None,
        active: false,
        current: ["20.00", "0.00"],
    },
    Shown {
        name: "Solusek",
        class: "Magician",
        main: None,
        active: true,
        current: ["50.50", "20.00"],
    },
    Shown {
        name: "Ker'ra",
        class: "Shaman",
        main: None,
        active: true,
        current: ["50.50", "35.00"],
    },
    Shown {
        name: "Quellious",
        class: "Monk",
        main: None,
        active: true,
        current: ["-15.00", "20.00"],
    },
    Shown {
        name: "Tarnk",
        class: "Rogue",
        main: Some("Aradune"),
        active: true,
        current: ["47.50", "48.00"],
    },
    Shown {
        name: "Mîriel",
        class: "Ranger",
        main: Some("Zoë"),
        active: true,
        current: ["44.00", "40.00"],
    },
];

fn config(url: &str, source: &str, extra: &str) -> Config {
    let text = format!("[eqdkp]\nurl = \"{url}\"\nsource = \"{source}\"\n{extra}");
    Config::parse(&text, Path::new("/nonexistent/config.toml")).expect("the test config is valid")
}

async fn read(url: &str, source: &str) -> Result<Roster, FetchError> {
    Source::new(&config(url, source, "").eqdkp)
        .unwrap()
        .read()
        .await
}

async fn stand_in(api: ApiBehaviour, pages: PageBehaviour) -> StandIn {
    StandIn::start(SiteConfig {
        api,
        pages,
        ..SiteConfig::new(reference())
    })
    .await
}

/// Checks every character against the reference site's points page.
fn assert_reference_figures(roster: &Roster) {
    assert_eq!(roster.characters.len(), 15);
    let pools: Vec<_> = roster
        .pools
        .iter()
        .map(|p| (p.id, p.name.as_str()))
        .collect();
    assert_eq!(pools, [(1, "Planes of Power"), (2, "Luclin")]);
    assert!(roster.alts_merged);

    for Shown {
        name,
        class,
        main,
        active,
        current,
    } in SHOWN
    {
        let found = roster.by_name(name);
        assert_eq!(found.len(), 1, "{name} is found once");
        let character = &roster.characters[found[0]];
        let shown: Vec<String> = character
            .standings
            .iter()
            .map(|s| s.current.display(roster.decimals).to_string())
            .collect();
        assert_eq!(shown, current, "{name}");
        assert_eq!(character.class, class, "{name}");
        assert_eq!(
            character.main.as_ref().map(|m| m.name.as_str()),
            main,
            "{name}"
        );
        assert_eq!(character.active, active, "{name}");
        for standing in &character.standings {
            let sum = standing.earned - standing.spent + standing.adjustment;
            assert_eq!(sum, standing.current, "{name}: earned - spent + adjustment");
        }
    }
}

#[tokio::test]
async fn the_api_gives_the_reference_figures() {
    let site = stand_in(ApiBehaviour::Serve(ApiFlavor::V23), PageBehaviour::Hang).await;
    let roster = read(&site.url(), "api").await.expect("the api reads");
    assert_eq!(roster.origin, Origin::Api);
    assert_reference_figures(&roster);
    assert_eq!(site.requests(), 1);
}

#[tokio::test]
async fn a_2_2_api_gives_the_reference_figures() {
    let site = stand_in(ApiBehaviour::Serve(ApiFlavor::V22), PageBehaviour::Hang).await;
    let roster = read(&site.url(), "api").await.expect("the 2.2 api reads");
    assert_eq!(roster.decimals, 2);
    assert_reference_figures(&roster);
}

#[tokio::test]
async fn every_page_markup_gives_the_reference_figures() {
    let markups = [
        (Markup::V23Anonymous, Lang::English),
        (Markup::V23LoggedIn, Lang::English),
        (Markup::V22, Lang::English),
        (Markup::V23Anonymous, Lang::German),
    ];
    for (markup, lang) in markups {
        let site = stand_in(ApiBehaviour::Hang, PageBehaviour::Serve(markup, lang)).await;
        let roster = read(&site.url(), "page").await;
        let roster = roster.unwrap_or_else(|err| panic!("{markup:?} {lang:?}: {err}"));
        assert_eq!(roster.origin, Origin::Page);
        assert_reference_figures(&roster);
        assert_eq!(
            site.requests_to("index.php/Points/"),
            3,
            "the overview and two pools"
        );
        assert_eq!(site.requests_to("api.php"), 0);
    }
}

#[tokio::test]
async fn auto_reads_the_api_when_it_answers() {
    let site = stand_in(ApiBehaviour::Serve(ApiFlavor::V23), PageBehaviour::Hang).await;
    let roster = read(&site.url(), "auto").await.expect("auto reads");
    assert_eq!(roster.origin, Origin::Api);
    assert_eq!(site.requests_to("index.php"), 0);
}

#[tokio::test]
async fn auto_falls_back_to_the_pages_when_the_api_refuses() {
    let refusals = [
        ApiBehaviour::AccessDenied,
        ApiBehaviour::FunctionNotFound,
        ApiBehaviour::Status500FatalError,
        ApiBehaviour::NotPointsPage,
    ];
    for refusal in refusals {
        let pages = PageBehaviour::Serve(Markup::V23Anonymous, Lang::English);
        let site = stand_in(refusal.clone(), pages).await;
        let roster = read(&site.url(), "auto").await;
        let roster = roster.unwrap_or_else(|err| panic!("{refusal:?}: {err}"));
        assert_eq!(roster.origin, Origin::Page, "{refusal:?}");
        assert_reference_figures(&roster);
    }
}

#[tokio::test]
async fn auto_reports_both_failures_when_nothing_works() {
    let site = stand_in(ApiBehaviour::AccessDenied, PageBehaviour::NotPointsPage).await;
    let err = read(&site.url(), "auto")
        .await
        .expect_err("nothing can be read");
    let message = err.to_string();
    assert!(
        message.contains("access") && message.contains("points page"),
        "{message}"
    );
    assert!(matches!(err, FetchError::Both { .. }));
}

#[tokio::test]
async fn a_configured_key_is_sent_and_never_shown() {
    let site = StandIn::start(SiteConfig {
        api_key: Some("ro0123456789secret".into()),
        ..SiteConfig::new(reference())
    })
    .await;
    let keyed = config(&site.url(), "api", "api_key = \"ro0123456789secret\"\n");
    let roster = Source::new(&keyed.eqdkp)
        .unwrap()
        .read()
        .await
        .expect("the key is accepted");
    assert_reference_figures(&roster);
    assert!(
        site.last_request_line()
            .unwrap()
            .contains("atoken=ro0123456789secret")
    );

    let wrong = config(&site.url(), "api", "api_key = \"ro-wrong-key\"\n");
    let err = Source::new(&wrong.eqdkp).unwrap().read().await.unwrap_err();
    assert!(
        !format!("{err} {err:?}").contains("ro-wrong-key"),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_site_root_works_without_a_trailing_slash_and_under_a_sub_path() {
    let site = stand_in(ApiBehaviour::Serve(ApiFlavor::V23), PageBehaviour::Hang).await;
    let url = site.url();
    let without_slash = url.trim_end_matches('/');
    assert!(without_slash.ends_with("/eqdkp"));
    let roster = read(without_slash, "api")
        .await
        .expect("reads without the slash");
    assert_reference_figures(&roster);
    assert!(
        site.last_request_line()
            .unwrap()
            .contains("GET /eqdkp/api.php?")
    );
}

#[tokio::test]
async fn a_site_that_lists_alts_separately_shows_own_figures_through_both_sources() {
    let mut roster = reference();
    roster.alts_merged = false;
    let site = StandIn::start(SiteConfig::new(roster)).await;
    for source in ["api", "page"] {
        let read = read(&site.url(), source).await.expect("reads");
        assert!(!read.alts_merged, "{source}");
        for (name, expected) in [("Aradune", "22.50"), ("Tarnk", "25.00"), ("Mîriel", "3.50")] {
            let character = &read.characters[read.by_name(name)[0]];
            assert_eq!(
                character.standings[0].current.display(2).to_string(),
                expected,
                "{source}"
            );
        }
    }
}

/// `mattermost-eqdkp lookup`, the binary itself, against the stand-in site.
#[tokio::test]
async fn the_lookup_command_prints_the_reference_card_through_both_sources() {
    let site = stand_in(
        ApiBehaviour::Serve(ApiFlavor::V23),
        PageBehaviour::Serve(Markup::V23Anonymous, Lang::English),
    )
    .await;
    for source in ["api", "page"] {
        let dir =
            std::env::temp_dir().join(format!("mmeqdkp-lookup-{source}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(
            &path,
            format!("[eqdkp]\nurl = \"{}\"\nsource = \"{source}\"\n", site.url()),
        )
        .unwrap();

        let output = tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_mattermost-eqdkp"))
                .args(["lookup", "--config"])
                .arg(&path)
                .arg("zoë")
                .output()
                .expect("the binary runs")
        })
        .await
        .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(output.status.success(), "{source}: {stdout}");
        assert!(
            stdout.starts_with("**Zoë** · Cleric · alts: Mîriel"),
            "{source}: {stdout}"
        );
        assert!(
            stdout.contains("| Planes of Power | 44.00 | 86.00 | 52.00 | 10.00 |"),
            "{source}"
        );
        assert!(
            stdout.contains("| Luclin | 40.00 | 35.00 | 0.00 | 5.00 |"),
            "{source}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[tokio::test]
async fn an_answer_over_max_body_is_an_error_not_a_memory_spike() {
    let cases = [ApiBehaviour::Huge(3 << 20), ApiBehaviour::EndlessBody];
    for behaviour in cases {
        let site = stand_in(behaviour.clone(), PageBehaviour::Hang).await;
        let capped = config(&site.url(), "api", "max_body = \"1MiB\"\n");
        let err = Source::new(&capped.eqdkp)
            .unwrap()
            .read()
            .await
            .unwrap_err();
        assert!(
            matches!(err, FetchError::TooLarge { limit } if limit == 1 << 20),
            "{behaviour:?}: {err}"
        );
    }
}
