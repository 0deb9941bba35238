//! The stand-in site's data: characters, pools, items and adjustments, with money kept as
//! exact hundredths, plus the main-plus-alts group sums EQDKP shows by default.

mod reference;
mod synthetic;

use std::collections::HashMap;
use std::ops::{Add, AddAssign};

/// The moment every rendered output claims to be produced at (the capture time of the
/// reference site, 2026-12-03 17:48:27 UTC). A frozen clock keeps renders reproducible.
pub const SNAPSHOT_TIME: i64 = 1_796_320_107;

/// Everything the stand-in site knows.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeRoster {
    /// Guild name, shown as `eqdkp.name`/`eqdkp.guild` and in the page title.
    pub guild: String,
    /// Multi-DKP pools in the site's sort order.
    pub pools: Vec<FakePool>,
    /// Every character, mains and alts, active or not, in insertion order.
    pub characters: Vec<FakeCharacter>,
    /// `round_precision`: decimals of every rendered point value (EQDKP allows 0 to 5).
    pub decimals: u8,
    /// `info.with_twink`: true when the site merges alts into their main (the site setting
    /// "show twinks" is off, the installer default).
    pub alts_merged: bool,
}

/// One multi-DKP pool.
#[derive(Clone, Debug, PartialEq)]
pub struct FakePool {
    /// `multidkp_id`, which is also `mdkpid` on the points page.
    pub id: u32,
    /// Pool name as stored; EQDKP prints it without HTML escaping.
    pub name: String,
    /// Events feeding the pool: (event id, name, default value).
    pub events: Vec<(u32, String, f64)>,
    /// Item pools whose items are charged to this pool.
    pub itempools: Vec<u32>,
}

/// One character.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeCharacter {
    /// `member_id`.
    pub id: u32,
    /// Name as the player typed it (decoded: `Ker'ra`, not `Ker&#39;ra`).
    pub name: String,
    /// Game class id (`eq` game module numbering).
    pub class_id: u32,
    /// Class name as the game module spells it.
    pub class_name: String,
    /// False when an admin set the character inactive.
    pub active: bool,
    /// Id of the main; equal to `id` for mains.
    pub main_id: u32,
    /// Own figures, one entry per pool in `FakeRoster::pools` order.
    pub own: Vec<Figures>,
    /// Items the character bought.
    pub items: Vec<FakeItem>,
    /// Adjustments given to the character.
    pub adjustments: Vec<FakeAdjustment>,
}

impl FakeCharacter {
    /// True when the character is an alt (twink) of another character.
    pub fn is_alt(&self) -> bool {
        self.main_id != self.id
    }
}

/// Earned, spent and adjustment of one character (or group) in one pool, in hundredths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub earned: i64,
    pub spent: i64,
    pub adjustment: i64,
}

impl Figures {
    /// Builds figures from hundredths.
    pub const fn new(earned: i64, spent: i64, adjustment: i64) -> Self {
        Figures {
            earned,
            spent,
            adjustment,
        }
    }

    /// EQDKP's `current`: earned - spent + adjustment.
    pub fn current(&self) -> i64 {
        self.earned - self.spent + self.adjustment
    }
}

impl Add for Figures {
    type Output = Figures;

    fn add(self, other: Figures) -> Figures {
        Figures {
            earned: self.earned + other.earned,
            spent: self.spent + other.spent,
            adjustment: self.adjustment + other.adjustment,
        }
    }
}

impl AddAssign for Figures {
    fn add_assign(&mut self, other: Figures) {
        *self = *self + other;
    }
}

/// An item bought by a character.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeItem {
    /// `item_id`.
    pub id: u32,
    /// Game item id (0 when the game module has no item database).
    pub game_id: u32,
    pub name: String,
    /// Price in hundredths.
    pub value: i64,
    /// Item pool the item was charged to; decides which DKP pool it counts in.
    pub itempool_id: u32,
    /// Unix time of the purchase.
    pub date: i64,
}

/// A points adjustment given to a character.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeAdjustment {
    /// `adjustment_id`.
    pub id: u32,
    pub reason: String,
    /// Value in hundredths.
    pub value: i64,
    /// Unix time of the adjustment.
    pub timestamp: i64,
    /// Event the adjustment is booked on; decides which DKP pool it counts in.
    pub event_id: u32,
}

/// The 15-character site the reference captures came from (README section 2).
pub fn reference() -> FakeRoster {
    reference::roster()
}

/// A deterministic roster of `characters` characters over `pools` pools, for benchmarks and
/// load tests. The same arguments always give the same roster.
pub fn synthetic(characters: usize, pools: usize, seed: u64) -> FakeRoster {
    synthetic::roster(characters, pools, seed)
}

impl FakeRoster {
    /// A roster with no characters and no pools, as a freshly installed site has.
    pub fn empty(guild: &str) -> Self {
        FakeRoster {
            guild: guild.to_string(),
            pools: Vec::new(),
            characters: Vec::new(),
            decimals: 2,
            alts_merged: true,
        }
    }

    /// Position of pool `pool_id` in `pools`.
    pub fn pool_index(&self, pool_id: u32) -> Option<usize> {
        self.pools.iter().position(|p| p.id == pool_id)
    }

    /// The character with member id `id`.
    pub fn character(&self, id: u32) -> Option<&FakeCharacter> {
        self.characters.iter().find(|c| c.id == id)
    }

    /// The first character whose name equals `name` exactly.
    pub fn by_name(&self, name: &str) -> Option<&FakeCharacter> {
        self.characters.iter().find(|c| c.name == name)
    }

    /// Own figures of `c` in the pool at `pool_index` (zero when the character has none).
    pub fn own(&self, c: &FakeCharacter, pool_index: usize) -> Figures {
        c.own.get(pool_index).copied().unwrap_or_default()
    }

    /// Figures of the group `c` belongs to (its main plus all of the main's alts) in the
    /// pool at `pool_index`: what EQDKP calls `_with_twink`. Linear in the roster size; use
    /// [`FakeRoster::groups`] when rendering many characters.
    pub fn with_alts(&self, c: &FakeCharacter, pool_index: usize) -> Figures {
        self.characters
            .iter()
            .filter(|other| other.main_id == c.main_id)
            .fold(Figures::default(), |sum, other| {
                sum + self.own(other, pool_index)
            })
    }

    /// Group sums, members and mains of every group, indexed in one pass.
    pub fn groups(&self) -> Groups<'_> {
        let mut groups = Groups {
            sums: HashMap::new(),
            members: HashMap::new(),
            by_id: HashMap::with_capacity(self.characters.len()),
        };
        for c in &self.characters {
            groups.by_id.insert(c.id, c);
            groups.members.entry(c.main_id).or_default().push(c);
            let sums = groups
                .sums
                .entry(c.main_id)
                .or_insert_with(|| vec![Figures::default(); self.pools.len()]);
            for (index, sum) in sums.iter_mut().enumerate() {
                *sum += self.own(c, index);
            }
        }
        for members in groups.members.values_mut() {
            members.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        }
        groups
    }

    /// Name of the main of `c` (its own name when the main is missing from the roster).
    pub fn main_name<'a>(&'a self, c: &'a FakeCharacter) -> &'a str {
        self.character(c.main_id)
            .map_or(c.name.as_str(), |m| m.name.as_str())
    }

    /// Alts of the main with id `main_id`, in name order.
    pub fn alts_of(&self, main_id: u32) -> Vec<&FakeCharacter> {
        let mut alts: Vec<&FakeCharacter> = self
            .characters
            .iter()
            .filter(|c| c.main_id == main_id && c.is_alt())
            .collect();
        alts.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        alts
    }

    /// The pool an item counts in: the first pool listing its item pool.
    pub fn pool_of_itempool(&self, itempool_id: u32) -> Option<usize> {
        self.pools
            .iter()
            .position(|p| p.itempools.contains(&itempool_id))
    }

    /// The pool an adjustment counts in: the pool owning its event.
    pub fn pool_of_event(&self, event_id: u32) -> Option<usize> {
        self.pools
            .iter()
            .position(|p| p.events.iter().any(|(id, _, _)| *id == event_id))
    }
}

/// Every group (a main and its alts) of a roster, indexed for renders that visit every
/// character: the linear helpers on [`FakeRoster`] would make those quadratic.
#[derive(Clone, Debug)]
pub struct Groups<'a> {
    /// Main-plus-alts figures per pool, keyed by main id.
    sums: HashMap<u32, Vec<Figures>>,
    /// Group members in name order, keyed by main id.
    members: HashMap<u32, Vec<&'a FakeCharacter>>,
    by_id: HashMap<u32, &'a FakeCharacter>,
}

impl<'a> Groups<'a> {
    /// Group figures of `c` in the pool at `pool_index`.
    pub fn of(&self, c: &FakeCharacter, pool_index: usize) -> Figures {
        self.sums
            .get(&c.main_id)
            .and_then(|pools| pools.get(pool_index))
            .copied()
            .unwrap_or_default()
    }

    /// Everyone in the group of `c`, main included, in name order.
    pub fn members(&self, c: &FakeCharacter) -> &[&'a FakeCharacter] {
        self.members.get(&c.main_id).map_or(&[], Vec::as_slice)
    }

    /// Name of the main of `c` (its own name when the main is missing from the roster).
    pub fn main_name<'b>(&self, c: &'b FakeCharacter) -> &'b str
    where
        'a: 'b,
    {
        self.by_id
            .get(&c.main_id)
            .map_or(c.name.as_str(), |m| m.name.as_str())
    }
}
