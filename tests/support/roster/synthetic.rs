//! Deterministic large rosters for benchmarks and load tests, generated with a tiny
//! SplitMix64 so no `rand` dependency (and no version drift in its output) is needed.

use std::collections::HashSet;

use super::{
    FakeAdjustment, FakeCharacter, FakeItem, FakePool, FakeRoster, Figures, SNAPSHOT_TIME,
};

/// Syllables mixing plain ASCII with the non-ASCII letters real EverQuest-era names carry.
const SYLLABLES: [&str; 40] = [
    "ar", "a", "dune", "zo", "ë", "ær", "wyn", "bris", "tle", "bane", "fi", "ri", "o", "na", "la",
    "nys", "tu", "ca", "zic", "xe", "go", "ny", "ral", "los", "so", "lu", "sek", "ker", "ra",
    "quel", "mî", "el", "thal", "dor", "vin", "ø", "ka", "mor", "gan", "ñe",
];

/// The `eq` game module's classes: (class id, class name).
const CLASSES: [(u32, &str); 16] = [
    (1, "Bard"),
    (2, "Beastlord"),
    (3, "Berserker"),
    (4, "Enchanter"),
    (5, "Magician"),
    (6, "Monk"),
    (7, "Necromancer"),
    (8, "Paladin"),
    (9, "Ranger"),
    (10, "Rogue"),
    (11, "Shadow Knight"),
    (12, "Shaman"),
    (13, "Warrior"),
    (14, "Wizard"),
    (15, "Cleric"),
    (16, "Druid"),
];

const POOL_NAMES: [&str; 8] = [
    "Planes of Power",
    "Luclin",
    "Velious",
    "Kunark",
    "Gates of Discord",
    "Omens of War",
    "Depths of Darkness",
    "Dragons of Norrath",
];

const ITEM_WORDS: [&str; 10] = [
    "Shiny", "Brass", "Idol", "Blade", "Mask", "Boots", "Crystal", "Serpent", "Tempest", "Bow",
];

const DAY: i64 = 86_400;

/// SplitMix64: tiny, fast, and good enough to make fake guilds look varied.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0); the modulo bias is irrelevant for fake data.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = hi.abs_diff(lo) + 1;
        lo + self.below(span) as i64
    }

    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Generates the roster; see [`super::synthetic`].
pub(super) fn roster(characters: usize, pools: usize, seed: u64) -> FakeRoster {
    let mut rng = SplitMix(seed);
    let pools: Vec<FakePool> = (0..pools).map(|index| pool(&mut rng, index)).collect();
    let mut generator = Generator {
        rng,
        pools: &pools,
        names: HashSet::new(),
        ids: (0, 0),
    };

    let mut mains: Vec<u32> = Vec::new();
    let mut list = Vec::with_capacity(characters);
    for index in 0..characters {
        let c = generator.character(index as u32 + 1, &mains);
        if !c.is_alt() {
            mains.push(c.id);
        }
        list.push(c);
    }

    FakeRoster {
        guild: "Synthetic Guild".to_string(),
        pools,
        characters: list,
        decimals: 2,
        alts_merged: true,
    }
}

/// Pool `index`; names repeat with a numeral once the list runs out. Events get ids in
/// blocks of ten per pool so they never collide.
fn pool(rng: &mut SplitMix, index: usize) -> FakePool {
    let base = POOL_NAMES[index % POOL_NAMES.len()];
    let round = index / POOL_NAMES.len();
    let name = if round == 0 {
        base.to_string()
    } else {
        format!("{base} {}", round + 1)
    };

    let event_count = 2 + rng.below(3) as u32;
    let events = (0..event_count)
        .map(|e| {
            let id = index as u32 * 10 + e + 1;
            let value = 5.0 * rng.between(1, 10) as f64;
            (id, format!("{name} raid {}", e + 1), value)
        })
        .collect();

    // Pool 0 uses EQDKP's built-in "default" item pool 1; the others get their own.
    FakePool {
        id: index as u32 + 1,
        name,
        events,
        itempools: vec![index as u32 + 1],
    }
}

struct Generator<'a> {
    rng: SplitMix,
    pools: &'a [FakePool],
    names: HashSet<String>,
    /// Last item id and last adjustment id handed out.
    ids: (u32, u32),
}

impl Generator<'_> {
    /// About 10% alts (of an earlier main) and 5% inactive characters.
    fn character(&mut self, id: u32, mains: &[u32]) -> FakeCharacter {
        let (class_id, class_name) = *self.rng.pick(&CLASSES);
        let main_id = if !mains.is_empty() && self.rng.percent(10) {
            *self.rng.pick(mains)
        } else {
            id
        };

        let mut c = FakeCharacter {
            id,
            name: self.unique_name(),
            class_id,
            class_name: class_name.to_string(),
            active: !self.rng.percent(5),
            main_id,
            own: Vec::with_capacity(self.pools.len()),
            items: Vec::new(),
            adjustments: Vec::new(),
        };
        for pool_index in 0..self.pools.len() {
            let figures = self.pool_activity(&mut c, pool_index);
            c.own.push(figures);
        }
        c
    }

    /// Buys items and books adjustments in one pool; spent and adjustment are their sums so
    /// the API's member data always adds up to the figures.
    fn pool_activity(&mut self, c: &mut FakeCharacter, pool_index: usize) -> Figures {
        let pool = &self.pools[pool_index];
        let earned = self.rng.between(0, 500_000);

        let mut spent = 0;
        for _ in 0..self.rng.below(3) {
            let item = self.item(pool.itempools.first().copied().unwrap_or(1));
            spent += item.value;
            c.items.push(item);
        }

        let mut adjustment = 0;
        if let Some(&(event_id, _, _)) = pool.events.first()
            && self.rng.percent(12)
        {
            let adj = self.adjustment(event_id);
            adjustment += adj.value;
            c.adjustments.push(adj);
        }
        Figures::new(earned, spent, adjustment)
    }

    fn item(&mut self, itempool_id: u32) -> FakeItem {
        self.ids.0 += 1;
        let (first, second) = (*self.rng.pick(&ITEM_WORDS), *self.rng.pick(&ITEM_WORDS));
        let name = format!("{first} {second}");
        FakeItem {
            id: self.ids.0,
            game_id: 0,
            name,
            value: self.rng.between(100, 300_000),
            itempool_id,
            date: SNAPSHOT_TIME - self.rng.between(DAY, 365 * DAY),
        }
    }

    /// Mostly small bonuses and penalties, with the odd four-figure penalty so large
    /// negative totals show up.
    fn adjustment(&mut self, event_id: u32) -> FakeAdjustment {
        self.ids.1 += 1;
        let (reason, value) = if self.rng.percent(10) {
            ("DKP penalty", -self.rng.between(100_000, 500_000))
        } else {
            ("Raid bonus", self.rng.between(-5_000, 10_000))
        };
        FakeAdjustment {
            id: self.ids.1,
            reason: reason.to_string(),
            value,
            timestamp: SNAPSHOT_TIME - self.rng.between(DAY, 365 * DAY),
            event_id,
        }
    }

    /// Two or three syllables, about 3% with an apostrophe; syllables are added until the
    /// name is unused, since EQDKP names are unique per site.
    fn unique_name(&mut self) -> String {
        let mut name = String::new();
        for index in 0..2 + self.rng.below(2) {
            if index > 0 && self.rng.percent(3) && !name.contains('\'') {
                name.push('\'');
            }
            name.push_str(self.rng.pick::<&str>(&SYLLABLES));
        }
        while self.names.contains(&name) {
            name.push_str(self.rng.pick::<&str>(&SYLLABLES));
        }
        self.names.insert(name.clone());
        capitalised(&name)
    }
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
