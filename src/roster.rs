//! The standings of one EQDKP-Plus site as read at one moment, indexed for look-ups by name.

use std::collections::HashMap;
use std::time::SystemTime;

use crate::names::{fold_accents, fold_case, letter_mask};
use crate::points::Points;

/// Where a roster was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `api.php?function=points`.
    Api,
    /// The public points pages.
    Page,
    /// A saved copy of the API's JSON on disk (the demo roster).
    File,
}

impl Origin {
    /// How the origin is named in replies and logs.
    pub fn label(self) -> &'static str {
        match self {
            Origin::Api => "api",
            Origin::Page => "points page",
            Origin::File => "file",
        }
    }
}

/// What the site says about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Site {
    /// The guild or site name.
    pub name: String,
    /// The EQDKP-Plus version, as far as the site reveals it (`2.3` without a key).
    pub version: Option<String>,
    /// The game module, such as `eq`.
    pub game: Option<String>,
}

/// A points pool ("multidkp pool").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    /// The pool's id on the site.
    pub id: u32,
    /// The pool's name, entity-decoded and trimmed.
    pub name: String,
}

/// A character's figures in one pool, on the basis the site's points page shows them
/// (including alts when the site merges them), so that
/// `earned - spent + adjustment == current`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// The figure the points page shows.
    pub current: Points,
    /// Points earned in raids.
    pub earned: Points,
    /// Points spent on items.
    pub spent: Points,
    /// The sum of adjustments.
    pub adjustment: Points,
}

/// The main character an alt belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MainRef {
    /// The main's id, when the site gave it.
    pub id: Option<u32>,
    /// The main's name.
    pub name: String,
}

/// An item a character won.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The item's name.
    pub name: String,
    /// What it cost.
    pub cost: Points,
    /// The index in [`Roster::pools`] of the pool it was paid from, when known.
    pub pool: Option<usize>,
}

/// A points adjustment given to a character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adjustment {
    /// Why it was given.
    pub reason: String,
    /// How much.
    pub value: Points,
    /// The index in [`Roster::pools`] of the pool it counts in, when known.
    pub pool: Option<usize>,
    /// When, in seconds since the Unix epoch.
    pub timestamp: Option<u64>,
}

/// One character of the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Character {
    /// The character's id on the site.
    pub id: u32,
    /// The name as the site shows it, entity-decoded.
    pub name: String,
    /// The class name, empty when the site did not say.
    pub class: String,
    /// False for characters the site marks inactive.
    pub active: bool,
    /// Set for alts ("twinks"): the main they belong to.
    pub main: Option<MainRef>,
    /// One entry per pool, in the order of [`Roster::pools`].
    pub standings: Vec<Standing>,
    /// Items won, when the source reported them.
    pub items: Vec<Item>,
    /// Adjustments received, when the source reported them.
    pub adjustments: Vec<Adjustment>,
}

impl Character {
    /// Whether this character is an alt of another.
    pub fn is_alt(&self) -> bool {
        self.main.is_some()
    }
}

/// Everything a source reads from the site, before indexing.
#[derive(Clone, Debug, Default)]
pub struct RosterParts {
    /// What the site says about itself.
    pub site: Site,
    /// The pools, in the site's order.
    pub pools: Vec<Pool>,
    /// The characters, in the site's order.
    pub characters: Vec<Character>,
    /// The decimals the site prints figures with, when the source revealed them.
    pub decimals: Option<u8>,
    /// Whether the site adds alts' points into their main's figures.
    pub alts_merged: bool,
}

/// The decimals shown when a source gives figures as bare numbers.
pub const DEFAULT_DECIMALS: u8 = 2;

/// A site's standings, ready to answer look-ups.
#[derive(Debug)]
pub struct Roster {
    /// What the site says about itself.
    pub site: Site,
    /// The pools, in the site's order.
    pub pools: Vec<Pool>,
    /// The characters, in the site's order.
    pub characters: Vec<Character>,
    /// The decimals to print figures with.
    pub decimals: u8,
    /// Whether figures include alts.
    pub alts_merged: bool,
    /// Where the roster came from.
    pub origin: Origin,
    /// When it was read.
    pub read_at: SystemTime,
    index: Index,
}

/// Name look-up tables, built once per read so that a look-up is a hash probe.
#[derive(Debug, Default)]
struct Index {
    by_name: HashMap<String, Vec<usize>>,
    by_plain_name: HashMap<String, Vec<usize>>,
    alts_of: HashMap<u32, Vec<usize>>,
    folded: Vec<String>,
    plain: Vec<String>,
    masks: Vec<u64>,
    classes: Vec<String>,
}

impl Roster {
    /// Indexes what a source read.
    pub fn new(parts: RosterParts, origin: Origin, read_at: SystemTime) -> Roster {
        let mut characters = parts.characters;
        resolve_main_ids(&mut characters);
        let index = Index::build(&characters);
        Roster {
            site: parts.site,
            pools: parts.pools,
            characters,
            decimals: parts.decimals.unwrap_or(DEFAULT_DECIMALS),
            alts_merged: parts.alts_merged,
            origin,
            read_at,
            index,
        }
    }

    /// Characters whose name equals `name` up to case and Unicode composition.
    pub fn by_name(&self, name: &str) -> &[usize] {
        self.index
            .by_name
            .get(&fold_case(name))
            .map_or(&[], Vec::as_slice)
    }

    /// Characters whose name equals `name` up to case and accents.
    pub fn by_plain_name(&self, name: &str) -> &[usize] {
        let plain = fold_accents(name);
        self.index
            .by_plain_name
            .get(&plain)
            .map_or(&[], Vec::as_slice)
    }

    /// The case-folded name of every character, in roster order, for partial matching.
    pub fn folded_names(&self) -> &[String] {
        &self.index.folded
    }

    /// The [`letter_mask`] of every case-folded name, in roster order.
    pub fn letter_masks(&self) -> &[u64] {
        &self.index.masks
    }

    /// Every character's name folded for case and accents, in roster order.
    pub fn plain_names(&self) -> &[String] {
        &self.index.plain
    }

    /// The distinct class names of the roster, sorted.
    pub fn classes(&self) -> &[String] {
        &self.index.classes
    }

    /// The alts of the character with id `main_id`, in roster order.
    pub fn alts_of(&self, main_id: u32) -> impl Iterator<Item = &Character> {
        let alts = self
            .index
            .alts_of
            .get(&main_id)
            .map_or(&[][..], Vec::as_slice);
        alts.iter().map(|&i| &self.characters[i])
    }

    /// The position of the pool with this id.
    pub fn pool_index(&self, id: u32) -> Option<usize> {
        self.pools.iter().position(|pool| pool.id == id)
    }
}

impl Index {
    fn build(characters: &[Character]) -> Index {
        let mut index = Index {
            folded: Vec::with_capacity(characters.len()),
            plain: Vec::with_capacity(characters.len()),
            masks: Vec::with_capacity(characters.len()),
            ..Index::default()
        };
        for (i, character) in characters.iter().enumerate() {
            let folded = fold_case(&character.name);
            let plain = fold_accents(&character.name);
            index.by_name.entry(folded.clone()).or_default().push(i);
            index
                .by_plain_name
                .entry(plain.clone())
                .or_default()
                .push(i);
            index.masks.push(letter_mask(&folded));
            index.folded.push(folded);
            index.plain.push(plain);
            if let Some(main_id) = character.main.as_ref().and_then(|main| main.id) {
                index.alts_of.entry(main_id).or_default().push(i);
            }
        }

        let mut classes: Vec<String> = characters.iter().map(|c| c.class.clone()).collect();
        classes.retain(|class| !class.is_empty());
        classes.sort_unstable();
        classes.dedup();
        index.classes = classes;
        index
    }
}

/// Fills in the main's id for alts whose source only named the main (the points page).
fn resolve_main_ids(characters: &mut [Character]) {
    let ids: HashMap<String, u32> = characters
        .iter()
        .filter(|c| !c.is_alt())
        .map(|c| (fold_case(&c.name), c.id))
        .collect();
    for character in characters.iter_mut() {
        if let Some(main) = character.main.as_mut().filter(|main| main.id.is_none()) {
            main.id = ids.get(&fold_case(&main.name)).copied();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn character(id: u32, name: &str, main: Option<&str>) -> Character {
        Character {
            id,
            name: name.to_owned(),
            class: String::new(),
            active: true,
            main: main.map(|name| MainRef {
                id: None,
                name: name.to_owned(),
            }),
            standings: Vec::new(),
            items: Vec::new(),
            adjustments: Vec::new(),
        }
    }

    fn roster(characters: Vec<Character>) -> Roster {
        let parts = RosterParts {
            characters,
            ..RosterParts::default()
        };
        Roster::new(parts, Origin::File, SystemTime::UNIX_EPOCH)
    }

    #[test]
    fn finds_names_whatever_their_case() {
        let roster = roster(vec![character(2, "Zoë", None), character(3, "Ærwyn", None)]);
        for spelling in ["zoë", "ZOË", "Zoë"] {
            assert_eq!(roster.by_name(spelling), &[0], "{spelling}");
        }
        assert_eq!(roster.by_name("ærwyn"), &[1]);
        assert!(roster.by_name("zoe").is_empty());
        assert_eq!(roster.by_plain_name("zoe"), &[0]);
        assert_eq!(roster.by_plain_name("AERWYN"), &[1]);
    }

    #[test]
    fn links_alts_named_by_their_main() {
        let roster = roster(vec![
            character(1, "Aradune", None),
            character(14, "Tarnk", Some("aradune")),
        ]);
        assert_eq!(roster.characters[1].main.as_ref().unwrap().id, Some(1));
        let alts: Vec<_> = roster.alts_of(1).map(|c| c.name.as_str()).collect();
        assert_eq!(alts, ["Tarnk"]);
    }
}
