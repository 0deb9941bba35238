//! Reads the JSON of EQDKP-Plus's exchange API (`api.php?function=points`) into roster parts.
//!
//! The document is deserialised straight into typed structs: no `serde_json::Value` of the whole
//! roster is ever built, so a 20,000-character site costs its own size and little more. The
//! types are lenient where EQDKP is inconsistent (numbers as strings in 2.3 and as JSON numbers
//! in 2.2, empty collections as `[]`, `""` or objects) and strict about everything else.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::errors::clip;
use crate::names::decode_entities;
use crate::points::Points;
use crate::roster::{Adjustment, Character, Item, MainRef, Pool, RosterParts, Site, Standing};

/// Why an API answer could not be read as standings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The site answered `{"status":0,"error":"access denied"}`.
    #[error("the api refused access (it needs a read-only api key, or guests may not see points)")]
    AccessDenied,
    /// The site answered `{"status":0,"error":"function not found"}`.
    #[error("the api does not offer the points function (answer: \"function not found\")")]
    FunctionNotFound,
    /// Any other `status: 0` answer.
    #[error("the api answered with an error: {0}")]
    Refused(String),
    /// The body is not JSON at all, typically an HTML page.
    #[error("the api answered with {0} instead of json")]
    NotJson(&'static str),
    /// JSON, but not in the shape of the points function.
    #[error("the api's json is not in the expected shape: {0}")]
    Malformed(String),
}

impl ApiError {
    /// Whether the page source may still work where the API did not.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, ApiError::Malformed(_))
    }
}

/// Parses the body of `api.php?function=points&format=json`.
pub fn parse_points(body: &[u8]) -> Result<RosterParts, ApiError> {
    // A byte-order mark, which some editors leave at the top of a site's PHP files, is printed
    // before the JSON; it is not part of it.
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let trimmed = body.trim_ascii_start();
    if !trimmed.starts_with(b"{") {
        return Err(ApiError::NotJson(describe_non_json(trimmed)));
    }

    let document: Document = serde_json::from_slice(trimmed)
        .map_err(|err| ApiError::Malformed(clip(&err.to_string())))?;
    if let Some(refusal) = document.refusal() {
        return Err(refusal);
    }
    document.into_parts()
}

/// Names what came back instead of JSON, for an error an officer can act on.
fn describe_non_json(body: &[u8]) -> &'static str {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    if body.is_empty() {
        "an empty body"
    } else if head.contains("fatal error") {
        "eqdkp's \"fatal error\" page"
    } else if head.starts_with("<?xml") {
        "xml"
    } else if head.contains("<html") || head.starts_with("<!doctype") {
        "an html page"
    } else {
        "something that is neither json nor html"
    }
}

#[derive(Deserialize)]
struct Document {
    #[serde(default)]
    status: Option<Int>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    eqdkp: Option<EqdkpMeta>,
    #[serde(default)]
    game: Option<GameMeta>,
    #[serde(default)]
    info: Option<Info>,
    #[serde(default)]
    players: Entries<RawPlayer>,
    #[serde(default)]
    multidkp_pools: Entries<RawPool>,
}

#[derive(Deserialize)]
struct EqdkpMeta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<Text>,
}

#[derive(Deserialize)]
struct GameMeta {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Info {
    #[serde(default)]
    with_twink: Option<Int>,
}

#[derive(Deserialize)]
struct RawPool {
    id: Int,
    #[serde(default)]
    name: String,
    #[serde(default)]
    events: Entries<RawEvent>,
    #[serde(default)]
    mdkp_itempools: Entries<Int>,
}

#[derive(Deserialize)]
struct RawEvent {
    id: Int,
}

#[derive(Deserialize)]
struct RawPlayer {
    id: Int,
    name: String,
    #[serde(default)]
    active: Option<Flag>,
    #[serde(default)]
    main_id: Option<Int>,
    #[serde(default)]
    main_name: Option<String>,
    #[serde(default)]
    class_name: Option<String>,
    #[serde(default)]
    points: Entries<RawPoints>,
    #[serde(default)]
    items: Entries<RawItem>,
    #[serde(default)]
    adjustments: Entries<RawAdjustment>,
}

#[derive(Deserialize)]
struct RawPoints {
    multidkp_id: Int,
    points_current: Figure,
    points_earned: Figure,
    points_spent: Figure,
    points_adjustment: Figure,
    #[serde(default)]
    points_current_with_twink: Option<Figure>,
    #[serde(default)]
    points_earned_with_twink: Option<Figure>,
    #[serde(default)]
    points_spent_with_twink: Option<Figure>,
    #[serde(default)]
    points_adjustment_with_twink: Option<Figure>,
}

#[derive(Deserialize)]
struct RawItem {
    #[serde(default)]
    name: String,
    value: Figure,
    #[serde(default)]
    itempool_id: Option<Int>,
}

#[derive(Deserialize)]
struct RawAdjustment {
    #[serde(default)]
    reason: String,
    value: Figure,
    #[serde(default)]
    timestamp: Option<Int>,
    #[serde(default)]
    event_id: Option<Int>,
}

impl Document {
    fn refusal(&self) -> Option<ApiError> {
        let status = self.status.as_ref().map(|s| s.0);
        if status != Some(0) && self.error.is_none() {
            return None;
        }

        let message = self.error.clone().unwrap_or_default();
        Some(match message.trim() {
            "access denied" => ApiError::AccessDenied,
            "function not found" => ApiError::FunctionNotFound,
            "" => ApiError::Refused("status 0 without a reason".to_owned()),
            other => ApiError::Refused(clip(other)),
        })
    }

    fn into_parts(self) -> Result<RosterParts, ApiError> {
        let alts_merged = self
            .info
            .as_ref()
            .and_then(|i| i.with_twink.as_ref())
            .is_none_or(|w| w.0 != 0);
        let pools: Vec<Pool> = self
            .multidkp_pools
            .0
            .iter()
            .map(RawPool::to_pool)
            .collect::<Result<_, _>>()?;
        let links = PoolLinks::new(&pools, &self.multidkp_pools.0);
        let mut decimals = Decimals::default();
        let characters = self
            .players
            .0
            .into_iter()
            .map(|player| player.into_character(&pools, &links, alts_merged, &mut decimals))
            .collect::<Result<_, _>>()?;

        Ok(RosterParts {
            site: Site {
                name: self
                    .eqdkp
                    .as_ref()
                    .and_then(|e| e.name.clone())
                    .unwrap_or_default(),
                version: self.eqdkp.and_then(|e| e.version).map(|v| v.0),
                game: self.game.and_then(|g| g.name),
            },
            pools,
            characters,
            decimals: decimals.seen,
            alts_merged,
        })
    }
}

impl RawPool {
    fn to_pool(&self) -> Result<Pool, ApiError> {
        Ok(Pool {
            id: self.id.to_u32("multidkp_pool id")?,
            name: decode_entities(self.name.trim()).trim().to_owned(),
        })
    }
}

/// Which pool an item or an adjustment counts in, by the item pools and events a pool lists.
struct PoolLinks {
    by_itempool: HashMap<i64, usize>,
    by_event: HashMap<i64, usize>,
}

impl PoolLinks {
    fn new(pools: &[Pool], raw: &[RawPool]) -> PoolLinks {
        let mut links = PoolLinks {
            by_itempool: HashMap::new(),
            by_event: HashMap::new(),
        };
        // EQDKP repeats earlier pools' item pools under later pools, so the first listing wins.
        for (index, raw_pool) in raw.iter().enumerate().take(pools.len()) {
            for itempool in &raw_pool.mdkp_itempools.0 {
                links.by_itempool.entry(itempool.0).or_insert(index);
            }
            for event in &raw_pool.events.0 {
                links.by_event.entry(event.id.0).or_insert(index);
            }
        }
        links
    }
}

/// The most decimals any figure was written with, which is the site's `round_precision`.
#[derive(Default)]
struct Decimals {
    seen: Option<u8>,
}

impl Decimals {
    fn read(&mut self, figure: &Figure) -> Points {
        if let Some(decimals) = figure.decimals {
            self.seen = Some(self.seen.map_or(decimals, |seen| seen.max(decimals)));
        }
        figure.value
    }
}

impl RawPlayer {
    fn into_character(
        self,
        pools: &[Pool],
        links: &PoolLinks,
        alts_merged: bool,
        decimals: &mut Decimals,
    ) -> Result<Character, ApiError> {
        let id = self.id.to_u32("player id")?;
        let main_id = self
            .main_id
            .as_ref()
            .map(|m| m.to_u32("main_id"))
            .transpose()?;
        let main = main_id
            .filter(|&main_id| main_id != id && main_id != 0)
            .map(|main_id| MainRef {
                id: Some(main_id),
                name: decode_entities(self.main_name.as_deref().unwrap_or_default()),
            });

        Ok(Character {
            id,
            name: decode_entities(&self.name),
            class: self
                .class_name
                .as_deref()
                .map(decode_entities)
                .unwrap_or_default(),
            active: self.active.is_none_or(|flag| flag.0),
            main,
            standings: standings(&self.points.0, pools, alts_merged, decimals),
            items: self
                .items
                .0
                .iter()
                .map(|item| item.to_item(links, decimals))
                .collect(),
            adjustments: self
                .adjustments
                .0
                .iter()
                .map(|a| a.to_adjustment(links, decimals))
                .collect(),
        })
    }
}

/// One standing per pool, in pool order. A pool the player has no entry for shows zero, as
/// the site's own pages do.
fn standings(
    raw: &[RawPoints],
    pools: &[Pool],
    merged: bool,
    decimals: &mut Decimals,
) -> Vec<Standing> {
    pools
        .iter()
        .map(|pool| {
            raw.iter()
                .find(|points| points.multidkp_id.0 == i64::from(pool.id))
                .map(|points| points.standing(merged, decimals))
                .unwrap_or_default()
        })
        .collect()
}

impl RawPoints {
    fn standing(&self, merged: bool, decimals: &mut Decimals) -> Standing {
        let pick = |own: &Figure, with_alts: &Option<Figure>| match with_alts {
            Some(with_alts) if merged => with_alts.clone(),
            _ => own.clone(),
        };
        Standing {
            current: decimals.read(&pick(&self.points_current, &self.points_current_with_twink)),
            earned: decimals.read(&pick(&self.points_earned, &self.points_earned_with_twink)),
            spent: decimals.read(&pick(&self.points_spent, &self.points_spent_with_twink)),
            adjustment: decimals.read(&pick(
                &self.points_adjustment,
                &self.points_adjustment_with_twink,
            )),
        }
    }
}

impl RawItem {
    fn to_item(&self, links: &PoolLinks, decimals: &mut Decimals) -> Item {
        Item {
            name: decode_entities(&self.name),
            cost: decimals.read(&self.value),
            pool: self
                .itempool_id
                .as_ref()
                .and_then(|id| links.by_itempool.get(&id.0).copied()),
        }
    }
}

impl RawAdjustment {
    fn to_adjustment(&self, links: &PoolLinks, decimals: &mut Decimals) -> Adjustment {
        Adjustment {
            reason: decode_entities(&self.reason),
            value: decimals.read(&self.value),
            pool: self
                .event_id
                .as_ref()
                .and_then(|id| links.by_event.get(&id.0).copied()),
            timestamp: self
                .timestamp
                .as_ref()
                .and_then(|t| u64::try_from(t.0).ok()),
        }
    }
}

/// An integer sent as a JSON number or as a string of digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Int(i64);

impl Int {
    fn to_u32(self, what: &str) -> Result<u32, ApiError> {
        u32::try_from(self.0)
            .map_err(|_| ApiError::Malformed(format!("{what} {} is not a valid id", self.0)))
    }
}

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Int, D::Error> {
        deserializer.deserialize_any(IntVisitor)
    }
}

struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = Int;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a string of digits")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
        Ok(Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
        i64::try_from(v)
            .map(Int)
            .map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
        let integral = v.fract() == 0.0 && v.abs() < 9e15;
        integral
            .then_some(Int(v as i64))
            .ok_or_else(|| E::custom(format!("{v} is not an integer")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
        v.trim()
            .parse()
            .map(Int)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// A version number, which 2.3 sends as a string and a hand-edited site might send as a number.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(s) => Ok(Text(s)),
            other => Ok(Text(other.to_string())),
        }
    }
}

/// `"1"`/`"0"` in 2.3, numbers or booleans elsewhere.
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Flag, D::Error> {
        deserializer.deserialize_any(FlagVisitor)
    }
}

struct FlagVisitor;

impl Visitor<'_> for FlagVisitor {
    type Value = Flag;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"1\", \"0\", a number or a boolean")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
        Ok(Flag(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
        Ok(Flag(v != 0))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
        Ok(Flag(v != 0))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
        match v.trim() {
            "1" | "true" => Ok(Flag(true)),
            "0" | "false" | "" => Ok(Flag(false)),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

/// A points figure: a string with the site's decimals (2.3) or a JSON number (2.2).
#[derive(Clone)]
struct Figure {
    value: Points,
    decimals: Option<u8>,
}

impl<'de> Deserialize<'de> for Figure {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Figure, D::Error> {
        deserializer.deserialize_any(FigureVisitor)
    }
}

struct FigureVisitor;

impl Visitor<'_> for FigureVisitor {
    type Value = Figure;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a points figure such as \"-1464.50\" or 47.5")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Figure, E> {
        let (value, decimals) = Points::parse(v.trim())
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))?;
        Ok(Figure {
            value,
            decimals: Some(decimals),
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Figure, E> {
        let value =
            Points::from_f64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))?;
        Ok(Figure {
            value,
            decimals: None,
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Figure, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Figure, E> {
        self.visit_f64(v as f64)
    }
}

/// A collection EQDKP sends as an object keyed `kind:<id>`, as an array, or as `""`, `null` or
/// `false` when empty. The keys repeat the id each entry carries, so only the values are kept,
/// in document order.
struct Entries<T>(Vec<T>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Entries<T>, D::Error> {
        deserializer.deserialize_any(EntriesVisitor(PhantomData))
    }
}

struct EntriesVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for EntriesVisitor<T> {
    type Value = Entries<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object, an array or an empty string")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some((_, value)) = map.next_entry::<IgnoredAny, T>()? {
            entries.push(value);
        }
        Ok(Entries(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entries<T>, A::Error> {
        let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(value) = seq.next_element()? {
            entries.push(value);
        }
        Ok(Entries(entries))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Entries<T>, E> {
        if v.is_empty() {
            Ok(Entries::default())
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Entries<T>, E> {
        if v {
            Err(E::invalid_value(de::Unexpected::Bool(v), &self))
        } else {
            Ok(Entries::default())
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Entries<T>, E> {
        Ok(Entries::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> &'static [u8] {
        match name {
            "2.3" => include_bytes!("../../tests/fixtures/api/points-2.3.json"),
            "2.2" => include_bytes!("../../tests/fixtures/api/points-2.2.json"),
            "own" => include_bytes!("../../tests/fixtures/api/points-own-figures.json"),
            "memberdata" => include_bytes!("../../tests/fixtures/api/points-memberdata.json"),
            "empty" => include_bytes!("../../tests/fixtures/api/points-no-players.json"),
            "denied" => include_bytes!("../../tests/fixtures/api/error-access-denied.json"),
            "no function" => {
                include_bytes!("../../tests/fixtures/api/error-function-not-found.json")
            }
            "fatal" => include_bytes!("../../tests/fixtures/api/fatal-error.html"),
            _ => panic!("no fixture {name}"),
        }
    }

    fn parts(name: &str) -> RosterParts {
        parse_points(fixture(name)).expect("the fixture parses")
    }

    fn character<'a>(parts: &'a RosterParts, name: &str) -> &'a Character {
        parts
            .characters
            .iter()
            .find(|c| c.name == name)
            .expect("the character is listed")
    }

    fn currents(parts: &RosterParts, name: &str) -> Vec<String> {
        let decimals = parts.decimals.unwrap_or(2);
        let c = character(parts, name);
        c.standings
            .iter()
            .map(|s| s.current.display(decimals).to_string())
            .collect()
    }

    #[test]
    fn reads_a_2_3_answer_with_alts_merged() {
        let parts = parts("2.3");
        assert_eq!(parts.site.name, "Halls of Valor");
        assert_eq!(parts.site.version.as_deref(), Some("2.3"));
        assert_eq!(parts.decimals, Some(2));
        assert!(parts.alts_merged);
        assert_eq!(currents(&parts, "Brynja"), ["54.50", "43.00"]);
        assert_eq!(currents(&parts, "Quillan"), ["54.50", "43.00"]);
        assert_eq!(currents(&parts, "Vel'ka"), ["-1464.50", "17.00"]);
    }

    #[test]
    fn merged_figures_add_up_to_current() {
        for c in &parts("2.3").characters {
            for s in &c.standings {
                assert_eq!(s.earned - s.spent + s.adjustment, s.current, "{}", c.name);
            }
        }
    }

    #[test]
    fn reads_pools_in_order_with_decoded_trimmed_names() {
        let pools = parts("2.3").pools;
        let names: Vec<_> = pools.iter().map(|p| (p.id, p.name.as_str())).collect();
        assert_eq!(names, [(1, "Raid Nights"), (2, "Legacy & Old")]);
    }

    #[test]
    fn reads_alts_inactive_characters_and_non_ascii_names() {
        let parts = parts("2.3");
        let alt = character(&parts, "Quillan");
        assert_eq!(
            alt.main,
            Some(MainRef {
                id: Some(1),
                name: "Brynja".into()
            })
        );
        assert!(!character(&parts, "Mordecai").active);
        assert_eq!(character(&parts, "Élodie").class, "Cleric");
        assert!(character(&parts, "Brynja").main.is_none());
    }

    #[test]
    fn reads_a_2_2_answer_with_numbers_and_string_ids() {
        let parts = parts("2.2");
        assert_eq!(
            parts.decimals, None,
            "bare numbers do not reveal the site's decimals"
        );
        assert_eq!(parts.site.version.as_deref(), Some("2.2.15"));
        assert_eq!(currents(&parts, "Brynja"), ["54.50", "43.00"]);
        assert_eq!(currents(&parts, "Vel'ka"), ["-1464.50", "17.00"]);
        assert_eq!(
            character(&parts, "Quillan")
                .main
                .as_ref()
                .and_then(|m| m.id),
            Some(1)
        );
    }

    #[test]
    fn uses_own_figures_when_the_site_lists_alts_separately() {
        let parts = parts("own");
        assert!(!parts.alts_merged);
        assert_eq!(currents(&parts, "Brynja"), ["29.50", "35.00"]);
        assert_eq!(currents(&parts, "Quillan"), ["25.00", "8.00"]);
    }

    #[test]
    fn reads_items_and_adjustments_with_their_pools() {
        let parts = parts("memberdata");
        let brynja = character(&parts, "Brynja");
        assert_eq!(brynja.items.len(), 1);
        assert_eq!(brynja.items[0].name, "Helm of the <Ancients> | II");
        assert_eq!(brynja.items[0].cost.display(2).to_string(), "12.50");
        assert_eq!(
            brynja.items[0].pool,
            Some(0),
            "the first pool listing an item pool wins"
        );
        assert_eq!(brynja.adjustments[0].pool, Some(1));
        assert_eq!(brynja.adjustments[0].timestamp, Some(1_795_266_000));
        assert_eq!(
            character(&parts, "Vel'ka").adjustments[0].reason,
            "Loot @channel ninja"
        );
    }

    #[test]
    fn an_empty_roster_comes_as_an_empty_string() {
        let parts = parts("empty");
        assert!(parts.characters.is_empty());
        assert_eq!(parts.pools.len(), 2);
    }

    #[test]
    fn errors_sent_with_status_200_are_recognised() {
        assert_eq!(
            parse_points(fixture("denied")).unwrap_err(),
            ApiError::AccessDenied
        );
        assert_eq!(
            parse_points(fixture("no function")).unwrap_err(),
            ApiError::FunctionNotFound
        );
        let other = parse_points(br#"{"status":"0","error":"required data missing"}"#);
        assert_eq!(
            other.unwrap_err(),
            ApiError::Refused("required data missing".into())
        );
    }

    #[test]
    fn an_html_fatal_error_is_not_json() {
        let err = parse_points(fixture("fatal")).unwrap_err();
        assert_eq!(err, ApiError::NotJson("eqdkp's \"fatal error\" page"));
        assert!(err.is_refusal());
    }

    #[test]
    fn other_non_json_answers_say_what_they_were() {
        assert_eq!(
            parse_points(b"").unwrap_err(),
            ApiError::NotJson("an empty body")
        );
        let xml = parse_points(b"<?xml version=\"1.0\"?><response/>").unwrap_err();
        assert_eq!(xml, ApiError::NotJson("xml"));
        let junk = parse_points(&[0xff, 0xfe, 0x00]).unwrap_err();
        assert_eq!(
            junk,
            ApiError::NotJson("something that is neither json nor html")
        );
    }

    #[test]
    fn a_wrong_shape_is_malformed_and_says_where() {
        let err = parse_points(br#"{"players":{"player:1":{"id":1,"name":"X","points":{"multidkp_points:1":{"multidkp_id":1,"points_current":"a lot","points_earned":"1","points_spent":"1","points_adjustment":"1"}}}}}"#)
            .unwrap_err();
        let ApiError::Malformed(message) = &err else {
            panic!("{err:?}")
        };
        assert!(
            message.contains("a lot") && message.contains("points figure"),
            "{message}"
        );
        assert!(!err.is_refusal());
    }

    #[test]
    fn a_byte_order_mark_before_the_json_is_skipped() {
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), fixture("2.3")].concat();
        let parts = parse_points(&with_bom).expect("the json after the mark reads");
        assert_eq!(parts.characters.len(), 5);
    }

    #[test]
    fn site_text_quoted_in_an_error_is_clipped() {
        let flood = "x".repeat(100_000);
        let refused = format!(r#"{{"status":0,"error":"{flood}"}}"#);
        let malformed = format!(r#"{{"players":{{"player:1":{{"id":"{flood}"}}}}}}"#);
        for body in [refused, malformed] {
            let message = parse_points(body.as_bytes()).unwrap_err().to_string();
            assert!(message.len() < 300, "{} bytes", message.len());
        }
    }

    #[test]
    fn truncated_json_is_malformed_not_a_panic() {
        let whole = fixture("2.3");
        for cut in [1, whole.len() / 3, whole.len() / 2, whole.len() - 1] {
            assert!(matches!(
                parse_points(&whole[..cut]),
                Err(ApiError::Malformed(_))
            ));
        }
    }
}
