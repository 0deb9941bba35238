//! The reference site of `eqdkp-reference/README.md` section 2: 15 characters, 2 pools,
//! 8 items and 9 adjustments, exactly as the captured EQDKP-Plus 2.3.39 holds them.

use super::{FakeAdjustment, FakeCharacter, FakeItem, FakePool, FakeRoster, Figures};

/// (id, name, class id, class name, main id, active, own figures per pool as
/// (earned, spent, adjustment) in hundredths).
type CharacterRow = (
    u32,
    &'static str,
    u32,
    &'static str,
    u32,
    bool,
    [(i64, i64, i64); 2],
);

const CHARACTERS: [CharacterRow; 15] = [
    (
        1,
        "Aradune",
        13,
        "Warrior",
        1,
        true,
        [(3500, 1250, 0), (3500, 0, 500)],
    ),
    (
        2,
        "Zoë",
        15,
        "Cleric",
        2,
        true,
        [(6050, 3000, 1000), (1500, 0, 500)],
    ),
    (
        3,
        "Ærwyn",
        4,
        "Enchanter",
        3,
        true,
        [(6050, 0, 0), (3500, 4000, 500)],
    ),
    (
        4,
        "Bristlebane",
        1,
        "Bard",
        4,
        true,
        [(3550, 0, 0), (1500, 0, 0)],
    ),
    (
        5,
        "Firiona",
        8,
        "Paladin",
        5,
        true,
        [(6050, 0, 0), (2000, 0, -250)],
    ),
    (
        6,
        "Lanys",
        7,
        "Necromancer",
        6,
        true,
        [(3500, 0, 0), (3500, 0, 333)],
    ),
    (
        7,
        "Tunare",
        16,
        "Druid",
        7,
        true,
        [(3500, 0, 0), (2000, 0, 0)],
    ),
    (
        8,
        "Cazic",
        11,
        "Shadow Knight",
        8,
        true,
        [(3550, 0, -150_000), (3500, 1800, 0)],
    ),
    (
        9,
        "Xegony",
        14,
        "Wizard",
        9,
        true,
        [(6050, 6000, 125_075), (3500, 0, 0)],
    ),
    (
        10,
        "Rallos",
        3,
        "Berserker",
        10,
        false,
        [(2000, 0, 0), (0, 0, 0)],
    ),
    (
        11,
        "Solusek",
        5,
        "Magician",
        11,
        true,
        [(5050, 0, 0), (2000, 0, 0)],
    ),
    (
        12,
        "Ker'ra",
        12,
        "Shaman",
        12,
        true,
        [(5050, 0, 0), (3500, 0, 0)],
    ),
    (
        13,
        "Quellious",
        6,
        "Monk",
        13,
        true,
        [(3500, 4500, -500), (2000, 0, 0)],
    ),
    (
        14,
        "Tarnk",
        10,
        "Rogue",
        1,
        true,
        [(2500, 0, 0), (1500, 700, 0)],
    ),
    (
        15,
        "Mîriel",
        9,
        "Ranger",
        2,
        true,
        [(2550, 2200, 0), (2000, 0, 0)],
    ),
];

/// Purchase days at 20:00 UTC, read off the "Last Item" column of the captured pages.
const NOV_02: i64 = 1_793_649_600;
const NOV_09: i64 = 1_794_254_400;
const NOV_16: i64 = 1_794_859_200;
const NOV_20: i64 = 1_795_204_800;
const NOV_27: i64 = 1_795_809_600;

/// (buyer id, item id, name, value in hundredths, item pool, date).
const ITEMS: [(u32, u32, &str, i64, u32, i64); 8] = [
    (13, 1, "Shiny Brass Idol", 4500, 1, NOV_02),
    (1, 2, "Fear Touched Boots", 1250, 1, NOV_02),
    (9, 3, "Earthen Crystal Breastplate", 6000, 1, NOV_09),
    (2, 4, "Serpent of Vindication", 3000, 1, NOV_16),
    // No capture shows this alt's purchase date; any day before Zoë's item keeps her
    // "Last Item" cell as captured.
    (15, 5, "Bow of the Tempest", 2200, 1, NOV_09),
    (3, 6, "Blade of Vesagran", 4000, 3, NOV_20),
    (8, 7, "Dark Reaver", 1800, 3, NOV_27),
    (14, 8, "Shissar Ceremonial Mask", 700, 3, NOV_27),
];

/// (receiver id, adjustment id, reason, value in hundredths, unix time, event id).
const ADJUSTMENTS: [(u32, u32, &str, i64, i64, u32); 9] = [
    (9, 1, "Guild bank donation bonus", 125_075, 1_794_312_000, 1),
    (13, 2, "Late to raid", -500, 1_793_707_200, 1),
    (6, 3, "On time bonus", 333, 1_795_262_400, 3),
    (5, 4, "AFK", -250, 1_795_867_200, 4),
    (2, 5, "Raid leading", 1000, 1_794_916_800, 2),
    (1, 6, "Server first", 500, 1_795_266_000, 3),
    (2, 7, "Server first", 500, 1_795_266_000, 3),
    (3, 8, "Server first", 500, 1_795_266_000, 3),
    (8, 9, "DKP penalty (loot ninja)", -150_000, 1_795_003_200, 2),
];

/// Builds the reference roster.
pub(super) fn roster() -> FakeRoster {
    let mut characters: Vec<FakeCharacter> = CHARACTERS.iter().map(character).collect();

    for &(buyer, id, name, value, itempool_id, date) in &ITEMS {
        if let Some(c) = characters.iter_mut().find(|c| c.id == buyer) {
            let name = name.to_string();
            c.items.push(FakeItem {
                id,
                game_id: 0,
                name,
                value,
                itempool_id,
                date,
            });
        }
    }

    for &(receiver, id, reason, value, timestamp, event_id) in &ADJUSTMENTS {
        if let Some(c) = characters.iter_mut().find(|c| c.id == receiver) {
            let reason = reason.to_string();
            c.adjustments.push(FakeAdjustment {
                id,
                reason,
                value,
                timestamp,
                event_id,
            });
        }
    }

    FakeRoster {
        guild: "My Guild".to_string(),
        pools: pools(),
        characters,
        decimals: 2,
        alts_merged: true,
    }
}

fn character(row: &CharacterRow) -> FakeCharacter {
    let &(id, name, class_id, class_name, main_id, active, own) = row;
    FakeCharacter {
        id,
        name: name.to_string(),
        class_id,
        class_name: class_name.to_string(),
        active,
        main_id,
        own: own.iter().map(|&(e, s, a)| Figures::new(e, s, a)).collect(),
        items: Vec::new(),
        adjustments: Vec::new(),
    }
}

/// Item pool 2 ("Luclin Loot") of the real site is attached to no pool, so a roster, which
/// only knows item pools through pools, cannot hold it.
fn pools() -> Vec<FakePool> {
    let event = |id: u32, name: &str, value: f64| (id, name.to_string(), value);
    vec![
        FakePool {
            id: 1,
            name: "Planes of Power".to_string(),
            events: vec![
                event(1, "Plane of Fear", 10.0),
                event(2, "Plane of Time", 25.0),
            ],
            itempools: vec![1],
        },
        FakePool {
            id: 2,
            name: "Luclin".to_string(),
            events: vec![
                event(3, "Vex Thal", 20.0),
                event(4, "Ssraeshza Temple", 15.0),
            ],
            itempools: vec![3],
        },
    ]
}
