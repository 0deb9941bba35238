//! Tests of the stand-in EQDKP site in `tests/support/` itself: its data against the
//! reference truth table, its renders against the captured shapes, and its server and
//! faults over real sockets. None of this touches the crate under test.

mod support;

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use support::render::{
    self, ApiFlavor, ApiOptions, Lang, Markup, PageQuery, api_error, api_points_json, points_page,
    points_page_with,
};
use support::roster::{self, FakeRoster, Figures};
use support::site::{ApiBehaviour, PageBehaviour, SiteConfig, StandIn};

// ---------------------------------------------------------------------------------------
// Roster
// ---------------------------------------------------------------------------------------

/// README section 2, in hundredths: (name, pool, current, earned, spent, adjustment,
/// current incl. alts).
const TRUTH: [(&str, u32, i64, i64, i64, i64, i64); 30] = [
    ("Aradune", 1, 2250, 3500, 1250, 0, 4750),
    ("Aradune", 2, 4000, 3500, 0, 500, 4800),
    ("Zoë", 1, 4050, 6050, 3000, 1000, 4400),
    ("Zoë", 2, 2000, 1500, 0, 500, 4000),
    ("Ærwyn", 1, 6050, 6050, 0, 0, 6050),
    ("Ærwyn", 2, 0, 3500, 4000, 500, 0),
    ("Bristlebane", 1, 3550, 3550, 0, 0, 3550),
    ("Bristlebane", 2, 1500, 1500, 0, 0, 1500),
    ("Firiona", 1, 6050, 6050, 0, 0, 6050),
    ("Firiona", 2, 1750, 2000, 0, -250, 1750),
    ("Lanys", 1, 3500, 3500, 0, 0, 3500),
    ("Lanys", 2, 3833, 3500, 0, 333, 3833),
    ("Tunare", 1, 3500, 3500, 0, 0, 3500),
    ("Tunare", 2, 2000, 2000, 0, 0, 2000),
    ("Cazic", 1, -146_450, 3550, 0, -150_000, -146_450),
    ("Cazic", 2, 1700, 3500, 1800, 0, 1700),
    ("Xegony", 1, 125_125, 6050, 6000, 125_075, 125_125),
    ("Xegony", 2, 3500, 3500, 0, 0, 3500),
    ("Rallos", 1, 2000, 2000, 0, 0, 2000),
    ("Rallos", 2, 0, 0, 0, 0, 0),
    ("Solusek", 1, 5050, 5050, 0, 0, 5050),
    ("Solusek", 2, 2000, 2000, 0, 0, 2000),
    ("Ker'ra", 1, 5050, 5050, 0, 0, 5050),
    ("Ker'ra", 2, 3500, 3500, 0, 0, 3500),
    ("Quellious", 1, -1500, 3500, 4500, -500, -1500),
    ("Quellious", 2, 2000, 2000, 0, 0, 2000),
    ("Tarnk", 1, 2500, 2500, 0, 0, 4750),
    ("Tarnk", 2, 800, 1500, 700, 0, 4800),
    ("Mîriel", 1, 350, 2550, 2200, 0, 4400),
    ("Mîriel", 2, 2000, 2000, 0, 0, 4000),
];

#[test]
fn reference_figures_match_the_truth_table() {
    let r = roster::reference();
    let groups = r.groups();
    for (name, pool, current, earned, spent, adjustment, with_alts) in TRUTH {
        let c = r.by_name(name).unwrap_or_else(|| panic!("{name} missing"));
        let index = r.pool_index(pool).expect("pool exists");
        let own = r.own(c, index);
        assert_eq!(
            own,
            Figures::new(earned, spent, adjustment),
            "{name} pool {pool}"
        );
        assert_eq!(own.current(), current, "{name} pool {pool} current");
        assert_eq!(
            r.with_alts(c, index).current(),
            with_alts,
            "{name} pool {pool} incl. alts"
        );
        assert_eq!(
            groups.of(c, index).current(),
            with_alts,
            "{name} pool {pool} grouped"
        );
    }
}

#[test]
fn reference_has_the_captured_characters() {
    let r = roster::reference();
    assert_eq!(r.characters.len(), 15);
    assert_eq!(r.pools.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 2]);
    let inactive: Vec<&str> = r
        .characters
        .iter()
        .filter(|c| !c.active)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(inactive, ["Rallos"]);

    let main_of = |name: &str| r.by_name(name).map(|c| r.main_name(c).to_string());
    assert_eq!(main_of("Tarnk").as_deref(), Some("Aradune"));
    assert_eq!(main_of("Mîriel").as_deref(), Some("Zoë"));
    let alts = r.characters.iter().filter(|c| c.is_alt()).count();
    assert_eq!(alts, 2);

    let kerra = r.by_name("Ker'ra").expect("stored decoded");
    assert_eq!(
        (kerra.id, kerra.class_id, kerra.class_name.as_str()),
        (12, 12, "Shaman")
    );
    let items: usize = r.characters.iter().map(|c| c.items.len()).sum();
    let adjustments: usize = r.characters.iter().map(|c| c.adjustments.len()).sum();
    assert_eq!((items, adjustments), (8, 9));
}

/// Spent must be the items charged to the pool and adjustment the adjustments booked on its
/// events, or the API's member data would contradict its points.
fn assert_member_data_adds_up(r: &FakeRoster) {
    for c in &r.characters {
        for (index, pool) in r.pools.iter().enumerate() {
            let spent: i64 = c
                .items
                .iter()
                .filter(|i| r.pool_of_itempool(i.itempool_id) == Some(index))
                .map(|i| i.value)
                .sum();
            let adjusted: i64 = c
                .adjustments
                .iter()
                .filter(|a| r.pool_of_event(a.event_id) == Some(index))
                .map(|a| a.value)
                .sum();
            let own = r.own(c, index);
            assert_eq!(own.spent, spent, "{} spent in {}", c.name, pool.name);
            assert_eq!(
                own.adjustment, adjusted,
                "{} adjustment in {}",
                c.name, pool.name
            );
        }
    }
}

#[test]
fn reference_member_data_adds_up() {
    assert_member_data_adds_up(&roster::reference());
}

#[test]
fn synthetic_roster_is_deterministic_and_plausible() {
    let r = roster::synthetic(3000, 3, 42);
    assert_eq!(r, roster::synthetic(3000, 3, 42));
    assert_ne!(r, roster::synthetic(3000, 3, 43));
    assert_eq!((r.characters.len(), r.pools.len()), (3000, 3));
    assert_member_data_adds_up(&r);

    let share = |count: usize| count * 100 / r.characters.len();
    let alts = r.characters.iter().filter(|c| c.is_alt());
    assert!(
        (5..=15).contains(&share(alts.clone().count())),
        "about 10% alts"
    );
    assert!(
        alts.clone()
            .all(|alt| r.character(alt.main_id).is_some_and(|m| !m.is_alt()))
    );
    let inactive = r.characters.iter().filter(|c| !c.active).count();
    assert!((2..=8).contains(&share(inactive)), "about 5% inactive");

    assert!(r.characters.iter().any(|c| !c.name.is_ascii()));
    assert!(r.characters.iter().any(|c| c.name.contains('\'')));
    assert!(
        r.characters
            .iter()
            .any(|c| c.own.iter().any(|f| f.current() < 0))
    );
    let mut names: Vec<&str> = r.characters.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 3000, "names are unique");
}

// ---------------------------------------------------------------------------------------
// API JSON
// ---------------------------------------------------------------------------------------

fn parse(json: &str) -> Value {
    serde_json::from_str(json).expect("valid JSON")
}

#[test]
fn api_v23_has_the_captured_shape() {
    let json = api_points_json(&roster::reference(), ApiFlavor::V23, false);
    let doc = parse(&json);
    let keys: Vec<&str> = [
        "eqdkp",
        "game",
        "info",
        "players",
        "multidkp_pools",
        "itempools",
    ]
    .into();
    for key in keys {
        assert!(doc[key].is_object(), "{key} is an object");
    }
    assert_eq!(doc["status"], 1);
    assert_eq!(doc["eqdkp"]["version"], "2.3");
    assert_eq!(doc["info"]["with_twink"], 1);
    assert_eq!(doc["info"]["total_players"], 15);
    assert_eq!(doc["info"]["total_items"], 8);
    assert_eq!(doc["players"].as_object().map(|p| p.len()), Some(15));

    let tarnk = &doc["players"]["player:14"];
    assert_eq!(tarnk["id"], 14);
    assert_eq!(tarnk["main_id"], 1);
    assert_eq!(tarnk["active"], "1");
    assert_eq!(tarnk["items"], Value::Array(vec![]));
    let pool1 = &tarnk["points"]["multidkp_points:1"];
    assert_eq!(pool1["multidkp_id"], 1);
    assert_eq!(pool1["points_current"], "25.00");
    assert_eq!(pool1["points_current_with_twink"], "47.50");
    assert_eq!(doc["players"]["player:10"]["active"], "0");
    assert_eq!(
        doc["players"]["player:8"]["points"]["multidkp_points:1"]["points_current"],
        "-1464.50"
    );
    assert_eq!(doc["players"]["player:12"]["name"], "Ker'ra");
    let itempools = &doc["multidkp_pools"]["multidkp_pool:2"]["mdkp_itempools"];
    assert_eq!(
        itempools,
        &serde_json::json!({"itempool_id:1": "1", "itempool_id:3": "3"})
    );
}

#[test]
fn api_players_come_in_binary_name_order_with_php_escapes() {
    let json = api_points_json(&roster::reference(), ApiFlavor::V23, false);
    assert!(json.is_ascii(), "PHP escapes every non-ASCII character");
    assert!(json.contains(r#""name":"Zo\u00eb""#));
    assert!(json.contains(r#""name":"\u00c6rwyn""#));

    let order = [1, 4, 8, 5, 12, 6, 15, 13, 10, 11, 14, 7, 9, 2, 3];
    let positions: Vec<usize> = order
        .iter()
        .map(|id| {
            json.find(&format!("\"player:{id}\":"))
                .expect("player present")
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "Aradune … Xegony, Zoë, Ærwyn"
    );
}

#[test]
fn api_member_data_fills_items_and_adjustments() {
    let doc = parse(&api_points_json(&roster::reference(), ApiFlavor::V23, true));
    let aradune = &doc["players"]["player:1"];
    let item = &aradune["items"]["item:2"];
    assert_eq!(item["name"], "Fear Touched Boots");
    assert!(item["value"].is_number());
    assert_eq!(item["value"].as_f64(), Some(12.5));
    assert_eq!(item["itempool_id"], "1");
    let adjustment = &aradune["adjustments"]["adjustment:6"];
    assert_eq!(adjustment["value"], "5.00");
    assert_eq!(adjustment["event_id"], "3");
    assert_eq!(doc["players"]["player:4"]["items"], Value::Array(vec![]));
}

#[test]
fn api_v22_sends_raw_numbers_and_string_ids() {
    let doc = parse(&api_points_json(
        &roster::reference(),
        ApiFlavor::V22,
        false,
    ));
    assert_eq!(doc["eqdkp"]["version"], "2.2.15");
    let aradune = &doc["players"]["player:1"];
    assert_eq!(aradune["id"], "1");
    assert_eq!(aradune["class_id"], "13");
    let pool2 = &aradune["points"]["multidkp_points:2"];
    assert_eq!(pool2["points_spent"], 0);
    assert_eq!(pool2["points_current_with_twink"], 48);
    let pool1 = &aradune["points"]["multidkp_points:1"];
    assert_eq!(pool1["points_current_with_twink"].as_f64(), Some(47.5));
}

#[test]
fn api_empty_roster_has_players_as_empty_string() {
    let doc = parse(&api_points_json(
        &FakeRoster::empty("Nobody"),
        ApiFlavor::V23,
        false,
    ));
    assert_eq!(doc["players"], "");
    assert_eq!(doc["info"]["total_players"], 0);
    assert_eq!(doc["status"], 1);
}

#[test]
fn api_filter_lists_one_character_but_counts_all() {
    let options = ApiOptions {
        flavor: ApiFlavor::V23,
        memberdata: false,
        character: Some(2),
        keyed: true,
    };
    let doc = parse(&render::api_points_json_with(
        &roster::reference(),
        &options,
    ));
    let players = doc["players"].as_object().expect("players object");
    assert_eq!(players.keys().collect::<Vec<_>>(), ["player:2"]);
    assert_eq!(doc["info"]["total_players"], 15);
    assert_eq!(doc["eqdkp"]["version"], "2.3.39");
}

#[test]
fn api_honours_round_precision_and_escapes_slashes() {
    let mut r = roster::reference();
    r.decimals = 0;
    r.pools[1].name = "Luclin / Velious".to_string();
    let json = api_points_json(&r, ApiFlavor::V23, false);
    assert!(json.contains(r#""name":"Luclin \/ Velious""#));
    let doc = parse(&json);
    assert_eq!(
        doc["players"]["player:1"]["points"]["multidkp_points:1"]["points_current"],
        "23"
    );

    r.decimals = 3;
    let doc = parse(&api_points_json(&r, ApiFlavor::V23, false));
    assert_eq!(
        doc["players"]["player:8"]["points"]["multidkp_points:1"]["points_current"],
        "-1464.500"
    );
}

#[test]
fn api_error_has_the_captured_shape() {
    assert_eq!(
        api_error("access denied"),
        r#"{"status":0,"error":"access denied"}"#
    );
    assert_eq!(
        api_error("function not found"),
        r#"{"status":0,"error":"function not found"}"#
    );
}

// ---------------------------------------------------------------------------------------
// Points pages
// ---------------------------------------------------------------------------------------

fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).expect("valid selector");
    html.select(&selector).collect()
}

/// The standings table as header captions (tooltip spans skipped) and data rows of cell
/// texts.
fn standings(page: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let html = Html::parse_document(page);
    let tables = select(&html, "table.hptt");
    assert_eq!(tables.len(), 1, "exactly one standings table");
    let row_selector = Selector::parse("tr").expect("valid selector");
    let (th, td) = (
        Selector::parse("th").expect("th"),
        Selector::parse("td").expect("td"),
    );

    let rows: Vec<ElementRef> = tables[0].select(&row_selector).collect();
    let captions = rows[0]
        .select(&th)
        .map(|cell| cell.text().last().unwrap_or_default().trim().to_string())
        .collect();
    let data = rows
        .iter()
        .skip(1)
        .filter(|row| row.select(&td).next().is_some())
        .map(|row| {
            row.select(&td)
                .map(|cell| cell.text().collect::<String>())
                .collect()
        })
        .collect();
    (captions, data)
}

fn row<'a>(rows: &'a [Vec<String>], name: &str) -> &'a [String] {
    let found = rows
        .iter()
        .find(|cells| cells.iter().any(|cell| cell == name));
    found.unwrap_or_else(|| panic!("no row for {name}"))
}

fn column(captions: &[String], caption: &str) -> usize {
    captions
        .iter()
        .position(|c| c == caption)
        .unwrap_or_else(|| panic!("no {caption} column"))
}

#[test]
fn page_has_leaderboard_first_then_one_standings_table() {
    let page = points_page(&roster::reference(), 0, Markup::V23Anonymous, Lang::English);
    let html = Html::parse_document(&page);
    let leaderboard = select(
        &html,
        "div#toggleLeaderboard table.table.fullwidth.borderless.nowrap.colorswitch",
    );
    assert_eq!(
        leaderboard.len(),
        13,
        "one table per class of a listed character"
    );
    assert_eq!(select(&html, "table.hptt").len(), 1);
    let (board, standings_at) = (page.find("toggleLeaderboard"), page.find("hptt"));
    assert!(board < standings_at, "leaderboard comes first");
    assert!(
        page[..standings_at.unwrap_or(0)]
            .ends_with("<h2>Overview</h2>\n\t<table class=\"table fullwidth trcheckboxclick ")
    );
    assert!(
        page.contains("<h2></h2>"),
        "the banner's empty heading is kept as a trap"
    );
}

#[test]
fn page_overview_shows_group_totals_with_captured_markup() {
    let page = points_page(&roster::reference(), 0, Markup::V23Anonymous, Lang::English);
    let (captions, rows) = standings(&page);
    assert_eq!(
        captions,
        [
            "Name",
            "Level",
            "Rank",
            "Status",
            "Class",
            "Type",
            "Planes of Power",
            "Luclin"
        ]
    );
    assert_eq!(rows.len(), 13, "inactive Rallos listed, alts merged away");
    assert!(!rows.iter().any(|cells| cells[0] == "Tarnk"));
    let aradune = row(&rows, "Aradune");
    assert_eq!(
        (aradune[6].as_str(), aradune[7].as_str()),
        ("47.50", "48.00")
    );
    assert_eq!(row(&rows, "Zoë")[6], "44.00");
    assert_eq!(row(&rows, "Cazic")[6], "-1464.50");
    assert_eq!(row(&rows, "Ker'ra")[7], "35.00");

    assert!(page.contains(r#"<span class="tt_event1 " id="#));
    assert!(page.contains(r#"<span class="tt_event1_c" style="display:none;">Events: <br />Plane of Fear<br />Plane of Time<br /></span>Planes of Power</span>"#));
    assert!(page.contains(r#"<td ><a href="/index.php/Character/Kerra-12.html?" data-char-rankid="0" data-char-twink="0" data-char-classid="12"><span class="class_12">Ker&#39;ra</span></a></td>"#));
    assert!(page.contains(r#"href="/index.php/Character/Zoë-2.html?""#));
    assert!(page.contains(r#"data-coretip="Main: Aradune<br />Tarnk<br />">Main</span>"#));
    assert!(page.contains(
        r#"<td class="hiddenSmartphone twinktd"><i class="eqdkp-icon-offline"></i></td>"#
    ));
    assert!(page.contains(r#"title="Shaman"/> <span class='class_12'>Shaman</span>"#));
    assert!(page.contains(r#"<td ><span class="negative">-1464.50</span></td>"#));
    assert!(page.contains("sort=0%7cdesc&amp;mdkpid=0&amp;filter=&amp;show_inactive=1"));
    assert!(page.contains(r#"<th colspan="9" class="footer">... 13 entries found</th>"#));
}

#[test]
fn page_show_inactive_is_a_presence_flag() {
    let r = roster::reference();
    let query = PageQuery {
        show_inactive: false,
        ..PageQuery::bot(0)
    };
    let (_, rows) = standings(&points_page_with(
        &r,
        &query,
        Markup::V23Anonymous,
        Lang::English,
    ));
    assert_eq!(rows.len(), 12);
    assert!(!rows.iter().any(|cells| cells[0] == "Rallos"));
}

#[test]
fn page_show_twinks_lists_alts_repeating_the_group_total() {
    let r = roster::reference();
    let query = PageQuery {
        show_twinks: true,
        ..PageQuery::bot(0)
    };
    let page = points_page_with(&r, &query, Markup::V23Anonymous, Lang::English);
    let (_, rows) = standings(&page);
    assert_eq!(rows.len(), 15);
    let tarnk = row(&rows, "Tarnk");
    assert_eq!(
        (tarnk[5].as_str(), tarnk[6].as_str(), tarnk[7].as_str()),
        ("Twink", "47.50", "48.00")
    );
    assert_eq!(row(&rows, "Mîriel")[6], "44.00");
    assert!(page.contains(r#"data-char-twink="1" data-char-classid="10""#));
}

#[test]
fn page_with_site_setting_shows_own_figures() {
    let mut r = roster::reference();
    r.alts_merged = false;
    let page = points_page(&r, 0, Markup::V23Anonymous, Lang::English);
    let (_, rows) = standings(&page);
    assert_eq!(rows.len(), 15);
    assert_eq!(row(&rows, "Aradune")[6], "22.50");
    assert_eq!(row(&rows, "Tarnk")[6], "25.00");
    assert!(
        page.contains("&amp;show_twinks=1"),
        "links carry the implied flag"
    );
    assert!(
        !page.contains("name=\"show_twinks\""),
        "no checkbox to toggle"
    );

    let (_, detail) = standings(&points_page(&r, 1, Markup::V23Anonymous, Lang::English));
    assert_eq!(
        row(&detail, "Tarnk")[2..6],
        ["25.00", "0.00", "0.00", "25.00"]
    );
}

#[test]
fn page_detail_view_shows_earned_spent_adjustment_current() {
    let r = roster::reference();
    let page = points_page(&r, 1, Markup::V23Anonymous, Lang::English);
    let (captions, rows) = standings(&page);
    let wanted = [
        "Name",
        "Type",
        "Earned",
        "Spent",
        "Adjustment",
        "Current",
        "Last Raid",
    ];
    assert_eq!(captions[..7], wanted);
    assert_eq!(
        captions[7..],
        [
            "Raids (30 days)",
            "Raids (lifetime)",
            "Last Item",
            "Last Item"
        ]
    );
    assert!(page.contains("<h2>Planes of Power</h2>"));

    let current = column(&captions, "Current");
    let aradune = row(&rows, "Aradune");
    assert_eq!(aradune[2..=current], ["60.00", "12.50", "0.00", "47.50"]);
    assert_eq!(aradune[9], "Fear Touched Boots");
    assert_eq!(
        row(&rows, "Zoë")[2..=current],
        ["86.00", "52.00", "10.00", "44.00"]
    );
    assert!(
        page.contains(r#"<td ><span class="negative">0.00</span></td>"#),
        "spent 0 is negative"
    );
    for cells in &rows {
        for cell in &cells[7..9] {
            let (percent, counts) = cell.split_once("% (").expect("attendance shape");
            assert!(
                percent.parse::<u32>().is_ok() && counts.ends_with(')'),
                "{cell}"
            );
        }
    }
    assert!(page.contains(r#"<th colspan="12" class="footer">... 13 entries found</th>"#));

    let (_, luclin) = standings(&points_page(&r, 2, Markup::V23Anonymous, Lang::English));
    assert_eq!(
        row(&luclin, "Aradune")[9],
        "Shissar Ceremonial Mask",
        "a main shows its alt's item"
    );
}

#[test]
fn page_unknown_pool_renders_zeros_under_overview() {
    let page = points_page(
        &roster::reference(),
        99,
        Markup::V23Anonymous,
        Lang::English,
    );
    assert!(page.contains("<h2>Overview</h2>"));
    let (_, rows) = standings(&page);
    assert!(
        rows.iter()
            .all(|cells| cells[2..6] == ["0.00", "0.00", "0.00", "0.00"])
    );
}

#[test]
fn page_logged_in_adds_checkbox_column_and_session_links() {
    let page = points_page(&roster::reference(), 0, Markup::V23LoggedIn, Lang::English);
    let (captions, rows) = standings(&page);
    assert_eq!(captions.len(), 9);
    assert!(page.contains("<th style='width:13px'>&nbsp;</th>"));
    assert!(
        page.contains(r#"<input type="checkbox" name="selected_ids[]" value="1" id="cbrow1" />"#)
    );
    assert!(page.contains("Aradune-1.html?s=\""));
    assert!(page.contains("manage_pagelayouts.php"));
    assert_eq!(row(&rows, "Aradune")[7], "47.50");
    assert!(
        !page.contains("name=\"password\""),
        "no login dialog for users"
    );
}

#[test]
fn page_v22_markup_differs_as_documented() {
    let page = points_page(&roster::reference(), 0, Markup::V22, Lang::English);
    let html = Html::parse_document(&page);
    let cells = select(&html, "table.hptt td");
    let numbered = cells
        .iter()
        .filter(|td| td.value().attr("class").is_none())
        .count();
    assert_eq!(numbered, 13, "only the numbering cells lack twinktd");
    assert!(
        cells
            .iter()
            .filter(|td| td.value().attr("class").is_some())
            .all(|td| {
                td.value().attr("class").is_some_and(|c| {
                    c.split(' ')
                        .any(|c| c == "twinktd" || c == "hiddenSmartphone")
                })
            })
    );
    assert!(
        page.contains("<td  class=\"twinktd\"><a href=\"/index.php/Character/Aradune-1.html?\">")
    );
    assert!(page.contains("<td class=\"hiddenSmartphone\" class=\"twinktd\">65</td>"));
    assert!(page.contains("<th>#</th>"));
    assert!(page.contains("<td><div style=\"float:right;\">1</div></td>"));
    assert!(page.contains("sort=0|asc"));
    assert!(!page.contains("data-char-"));
    let (_, rows) = standings(&page);
    assert_eq!(row(&rows, "Aradune")[7], "47.50");
}

#[test]
fn page_german_uses_german_captions() {
    let r = roster::reference();
    let overview = points_page(&r, 0, Markup::V23Anonymous, Lang::German);
    assert!(overview.contains("<html lang=\"de\">"));
    assert!(overview.contains("<h2>Übersicht</h2>"));
    assert!(overview.contains("... 13 Einträge gefunden</th>"));

    let (captions, _) = standings(&points_page(&r, 2, Markup::V23Anonymous, Lang::German));
    assert_eq!(
        captions[..6],
        [
            "Name",
            "Typ",
            "Erhalten",
            "Ausgegeben",
            "Anpassungen",
            "Aktuell"
        ]
    );
}

#[test]
fn pool_names_are_printed_raw() {
    let mut r = roster::reference();
    r.pools[1].name = "Luclin & Velious ".to_string();
    let page = points_page(&r, 0, Markup::V23Anonymous, Lang::English);
    assert!(page.contains("</span>Luclin & Velious </span></a></th>"));
}

#[test]
fn other_pages_are_not_points_pages() {
    let fatal = render::fatal_error_page();
    assert!(fatal.contains("<title>EQdkp Plus - Fatal error</title>"));
    assert!(fatal.contains("charset=iso-8859-1"));
    for page in [render::login_page(), render::maintenance_page(), fatal] {
        assert!(!page.contains("hptt"));
        assert!(serde_json::from_str::<Value>(&page).is_err());
    }
    assert!(render::login_page().contains("name=\"password\""));
}

#[test]
fn synthetic_roster_renders_in_both_shapes() {
    let r = roster::synthetic(500, 2, 7);
    let doc = parse(&api_points_json(&r, ApiFlavor::V23, true));
    assert_eq!(doc["players"].as_object().map(|p| p.len()), Some(500));
    let (_, rows) = standings(&points_page(&r, 0, Markup::V23Anonymous, Lang::English));
    let mains = r.characters.iter().filter(|c| !c.is_alt()).count();
    assert_eq!(rows.len(), mains);
}

// ---------------------------------------------------------------------------------------
// The stand-in over real sockets
// ---------------------------------------------------------------------------------------

/// A parsed answer from the raw client.
struct Raw {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Raw {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

async fn send(addr: SocketAddr, method: &str, target: &str, headers: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("stand-in accepts");
    let request =
        format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("request sent");
    stream
}

async fn read_to_end(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut bytes))
        .await
        .map_err(|_| std::io::Error::new(ErrorKind::TimedOut, "no end within 10 s"))??;
    Ok(bytes)
}

fn split_response(bytes: &[u8]) -> Raw {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("complete head")
        + 4;
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    Raw {
        status,
        head,
        body: bytes[end..].to_vec(),
    }
}

async fn get(stand_in: &StandIn, target: &str) -> Raw {
    request(stand_in, "GET", target, "").await
}

async fn request(stand_in: &StandIn, method: &str, target: &str, headers: &str) -> Raw {
    let mut stream = send(stand_in.addr(), method, target, headers).await;
    split_response(&read_to_end(&mut stream).await.expect("complete answer"))
}

const API: &str = "/eqdkp/api.php?function=points&format=json";
const PAGE: &str = "/eqdkp/index.php/Points/?mdkpid=0&filter=&show_inactive=1&lbc=0";

async fn reference_site() -> StandIn {
    StandIn::start(SiteConfig::new(roster::reference())).await
}

#[tokio::test]
async fn stand_in_serves_the_api_and_pages() {
    let stand_in = reference_site().await;
    assert!(stand_in.url().starts_with("http://127.0.0.1:"));
    assert!(stand_in.url().ends_with("/eqdkp/"));

    let api = get(&stand_in, API).await;
    assert_eq!(api.status, 200);
    assert_eq!(
        api.header("content-type").as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        api.header("content-length"),
        Some(api.body.len().to_string())
    );
    assert_eq!(
        api.text(),
        api_points_json(&roster::reference(), ApiFlavor::V23, false)
    );

    let page = get(&stand_in, PAGE).await;
    assert_eq!(page.status, 200);
    let (_, rows) = standings(&page.text());
    assert_eq!(rows.len(), 13);
    assert!(
        page.text()
            .contains("href=\"/eqdkp/index.php/Character/Aradune-1.html?\"")
    );

    assert_eq!(stand_in.requests(), 2);
    assert_eq!(stand_in.requests_to("api.php"), 1);
    assert_eq!(
        stand_in.last_request_line(),
        Some(format!("GET {PAGE} HTTP/1.1"))
    );
}

#[tokio::test]
async fn stand_in_honours_page_query_flags() {
    let stand_in = reference_site().await;
    let twinks = get(
        &stand_in,
        "/eqdkp/index.php/Points/?mdkpid=0&show_inactive=0&show_twinks=",
    )
    .await;
    let (_, rows) = standings(&twinks.text());
    assert_eq!(rows.len(), 15, "presence counts, values do not");

    let detail = get(&stand_in, "/eqdkp/index.php/Points/?mdkpid=2").await;
    let (_, rows) = standings(&detail.text());
    assert_eq!(rows.len(), 12);
    assert_eq!(row(&rows, "Aradune")[5], "48.00");
}

#[tokio::test]
async fn stand_in_answers_404_to_everything_else() {
    let stand_in = reference_site().await;
    for target in [
        "/",
        "/index.php/Points/",
        "/eqdkp/index.php/Roster/",
        "/eqdkp/api.php?function=points&format=xml",
    ] {
        let answer = get(&stand_in, target).await;
        assert_eq!(answer.status, 404, "{target}");
        assert!(answer.text().contains("<html>"));
    }
    assert_eq!(stand_in.requests(), 4);
}

#[tokio::test]
async fn stand_in_dispatches_like_the_real_api() {
    let stand_in = reference_site().await;
    let not_found = r#"{"status":0,"error":"function not found"}"#;
    assert_eq!(
        get(&stand_in, "/eqdkp/api.php?function=nope&format=json")
            .await
            .text(),
        not_found
    );
    assert_eq!(
        get(&stand_in, "/eqdkp/api.php?format=json").await.text(),
        not_found
    );
    let post = request(&stand_in, "POST", API, "Content-Length: 2\r\n\r\n{}").await;
    assert_eq!((post.status, post.text().as_str()), (200, not_found));

    let filtered = get(
        &stand_in,
        &format!("{API}&filter=character&filterid=2&memberdata=items%2Cadjustments"),
    )
    .await;
    let doc = parse(&filtered.text());
    assert_eq!(doc["players"].as_object().map(|p| p.len()), Some(1));
    assert_eq!(
        doc["players"]["player:2"]["items"]["item:4"]["name"],
        "Serpent of Vindication"
    );

    stand_in.set_api(ApiBehaviour::AccessDenied);
    assert_eq!(
        get(&stand_in, API).await.text(),
        r#"{"status":0,"error":"access denied"}"#
    );
    stand_in.set_api(ApiBehaviour::FunctionNotFound);
    assert_eq!(get(&stand_in, API).await.text(), not_found);
    stand_in.set_api(ApiBehaviour::Serve(ApiFlavor::V22));
    assert_eq!(
        parse(&get(&stand_in, API).await.text())["eqdkp"]["version"],
        "2.2.15"
    );
}

#[tokio::test]
async fn stand_in_denies_requests_without_the_required_key() {
    let config = SiteConfig {
        api_key: Some("k3y".to_string()),
        ..SiteConfig::new(roster::reference())
    };
    let stand_in = StandIn::start(config).await;
    let denied = r#"{"status":0,"error":"access denied"}"#;
    assert_eq!(get(&stand_in, API).await.text(), denied);
    assert_eq!(
        get(&stand_in, &format!("{API}&atoken=wrong")).await.text(),
        denied
    );

    let keyed = parse(&get(&stand_in, &format!("{API}&atoken=k3y")).await.text());
    assert_eq!(keyed["eqdkp"]["version"], "2.3.39");
    let header = request(&stand_in, "GET", API, "Authorization: token=k3y\r\n").await;
    assert_eq!(parse(&header.text())["status"], 1);
    assert!(
        stand_in
            .last_request_line()
            .is_some_and(|line| line.contains("api.php"))
    );
}

#[tokio::test]
async fn fault_status_500_sends_the_fatal_error_page() {
    let stand_in = reference_site().await;
    stand_in.set_api(ApiBehaviour::Status500FatalError);
    stand_in.set_pages(PageBehaviour::Status500FatalError);
    for target in [API, PAGE] {
        let answer = get(&stand_in, target).await;
        assert_eq!(answer.status, 500);
        assert!(answer.text().contains("Fatal error"));
    }
}

#[tokio::test]
async fn fault_garbage_and_wrong_pages_do_not_parse() {
    let stand_in = reference_site().await;
    stand_in.set_api(ApiBehaviour::Garbage);
    stand_in.set_pages(PageBehaviour::Garbage);
    let (api, page) = (get(&stand_in, API).await, get(&stand_in, PAGE).await);
    assert_eq!((api.status, page.status), (200, 200));
    assert!(serde_json::from_slice::<Value>(&api.body).is_err());
    assert!(String::from_utf8(page.body.clone()).is_err() || !page.text().contains("hptt"));
    assert_ne!(api.body, page.body, "each garbage body differs");

    stand_in.set_api(ApiBehaviour::NotPointsPage);
    stand_in.set_pages(PageBehaviour::NotPointsPage);
    let (api, page) = (get(&stand_in, API).await, get(&stand_in, PAGE).await);
    assert_eq!((api.status, page.status), (200, 200));
    assert!(
        api.text().contains("maintenance") && serde_json::from_slice::<Value>(&api.body).is_err()
    );
    assert!(page.text().contains("name=\"password\"") && !page.text().contains("hptt"));
}

#[tokio::test]
async fn fault_reset_is_a_connection_error() {
    let stand_in = reference_site().await;
    stand_in.set_api(ApiBehaviour::Reset);
    let mut stream = send(stand_in.addr(), "GET", API, "").await;
    let error = read_to_end(&mut stream)
        .await
        .expect_err("no answer, just a reset");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset);
    assert_eq!(
        stand_in.requests(),
        1,
        "the request was read before the reset"
    );
}

#[tokio::test]
async fn fault_hang_never_answers() {
    let stand_in = reference_site().await;
    stand_in.set_pages(PageBehaviour::Hang);
    let mut stream = send(stand_in.addr(), "GET", PAGE, "").await;
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(Duration::from_millis(300), stream.read(&mut byte)).await;
    assert!(read.is_err(), "read timed out without a byte");
    assert_eq!(stand_in.requests(), 1);
}

#[tokio::test]
async fn fault_endless_body_keeps_sending() {
    let stand_in = reference_site().await;
    stand_in.set_api(ApiBehaviour::EndlessBody);
    let mut stream = send(stand_in.addr(), "GET", API, "").await;
    let mut received = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    while received.len() < 4 * 1024 * 1024 {
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await;
        let n = read.expect("keeps sending").expect("no error");
        assert!(n > 0, "the body never ends");
        received.extend_from_slice(&buffer[..n]);
    }
    let raw = split_response(&received);
    assert_eq!(raw.header("transfer-encoding").as_deref(), Some("chunked"));
    assert!(
        raw.text().contains("{\"eqdkp\":{"),
        "starts like the real document"
    );
    assert!(!raw.text().contains("\r\n0\r\n\r\n"), "no last chunk");
}

#[tokio::test]
async fn fault_slow_answers_after_the_delay() {
    let stand_in = reference_site().await;
    stand_in.set_pages(PageBehaviour::Slow(Duration::from_millis(250)));
    let started = Instant::now();
    let page = get(&stand_in, PAGE).await;
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(page.status, 200);
    assert_eq!(standings(&page.text()).1.len(), 13);
}

#[tokio::test]
async fn fault_huge_sends_exactly_the_requested_size() {
    let stand_in = reference_site().await;
    let size = 3 * 1024 * 1024 + 17;
    stand_in.set_api(ApiBehaviour::Huge(size));
    let api = get(&stand_in, API).await;
    assert_eq!(api.header("content-length"), Some(size.to_string()));
    assert_eq!(api.body.len(), size);
    assert_eq!(
        parse(&api.text())["info"]["total_players"],
        15,
        "padding keeps it valid"
    );

    stand_in.set_pages(PageBehaviour::Huge(1000));
    let page = get(&stand_in, PAGE).await;
    assert_eq!(
        page.body.len(),
        1000,
        "cut short when smaller than the page"
    );
    assert!(page.text().starts_with("<!DOCTYPE html>"));
}

#[tokio::test]
async fn dropping_the_stand_in_stops_it() {
    let stand_in = reference_site().await;
    let addr = stand_in.addr();
    stand_in.set_pages(PageBehaviour::Hang);
    let mut hanging = send(addr, "GET", PAGE, "").await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    drop(stand_in);
    tokio::time::sleep(Duration::from_millis(50)).await;

    assert!(
        TcpStream::connect(addr).await.is_err(),
        "nothing listens any more"
    );
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(2), hanging.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the hanging connection was closed");
}
