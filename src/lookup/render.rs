//! Turns characters into the blocks of a reply: a card for one, a table for several, the
//! items and adjustments of one, and the closing "as of" line.

use std::fmt::{self, Display};
use std::time::SystemTime;

use super::clock;
use super::layout::Block;
use super::markdown::{Align, Table, inline};
use crate::roster::{Character, Roster};

/// One character: who they are, then one row per pool (or only `pool`) with every figure.
pub fn card(roster: &Roster, index: usize, pool: Option<usize>) -> Vec<Block> {
    let character = &roster.characters[index];
    let mut table = Table::new(&[
        ("Pool", Align::Left),
        ("Current", Align::Right),
        ("Earned", Align::Right),
        ("Spent", Align::Right),
        ("Adjustment", Align::Right),
    ]);
    let d = roster.decimals;
    for (i, (pool_info, s)) in roster.pools.iter().zip(&character.standings).enumerate() {
        if pool.is_none_or(|only| only == i) {
            let (current, earned) = (s.current.display(d), s.earned.display(d));
            let (spent, adjustment) = (s.spent.display(d), s.adjustment.display(d));
            table.push(&[&pool_info.name, &current, &earned, &spent, &adjustment]);
        }
    }

    let mut blocks = vec![Block::Text(describe(roster, character))];
    if table.is_empty() {
        blocks.push(Block::Text("The site has no points pools.".to_owned()));
    } else {
        blocks.push(Block::Table(table));
    }
    blocks
}

/// One line saying who a character is: class, main or alt, whether inactive, and on what
/// basis the figures are shown.
pub fn describe(roster: &Roster, character: &Character) -> String {
    let mut parts = vec![format!("**{}**", inline(&character.name))];
    if !character.class.is_empty() {
        parts.push(inline(&character.class));
    }
    if !character.active {
        parts.push("inactive".to_owned());
    }

    match &character.main {
        Some(main) if roster.alts_merged => {
            let main = inline(&main.name);
            parts.push(format!(
                "alt of **{main}** (the figures are {main}'s, alts included)"
            ));
        }
        Some(main) => parts.push(format!("alt of **{}**", inline(&main.name))),
        None => {
            let alts: Vec<String> = roster
                .alts_of(character.id)
                .map(|a| inline(&a.name))
                .collect();
            if !alts.is_empty() {
                let basis = if roster.alts_merged {
                    " (figures include them)"
                } else {
                    ""
                };
                parts.push(format!("alts: {}{basis}", alts.join(", ")));
            }
        }
    }
    parts.join(" · ")
}

/// Several characters in one table: their current figure in every pool, or every figure in
/// `pool`. `ranked` adds a place column.
pub fn listing(roster: &Roster, indices: &[usize], pool: Option<usize>, ranked: bool) -> Table {
    let mut columns: Vec<(&str, Align)> = Vec::new();
    if ranked {
        columns.push(("#", Align::Right));
    }
    columns.extend([("Character", Align::Left), ("Class", Align::Left)]);
    match pool {
        Some(_) => columns.extend(
            ["Current", "Earned", "Spent", "Adjustment"].map(|title| (title, Align::Right)),
        ),
        None => columns.extend(roster.pools.iter().map(|p| (p.name.as_str(), Align::Right))),
    }

    let mut table = Table::new(&columns);
    let d = roster.decimals;
    for (place, &index) in indices.iter().enumerate() {
        let character = &roster.characters[index];
        let place = place + 1;
        let label = Label(character);
        let figures: Vec<_> = match pool.and_then(|i| character.standings.get(i)) {
            Some(s) => vec![
                s.current.display(d),
                s.earned.display(d),
                s.spent.display(d),
                s.adjustment.display(d),
            ],
            None => character
                .standings
                .iter()
                .map(|s| s.current.display(d))
                .collect(),
        };

        let mut cells: Vec<&dyn Display> = Vec::with_capacity(columns.len());
        if ranked {
            cells.push(&place);
        }
        cells.extend([&label as &dyn Display, &character.class]);
        cells.extend(figures.iter().map(|f| f as &dyn Display));
        table.push(&cells);
    }
    table
}

/// A character's name with what sets it apart: `Tarnk (alt of Aradune)`, `Rallos (inactive)`.
pub struct Label<'a>(pub &'a Character);

impl Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let character = self.0;
        f.write_str(&character.name)?;
        match (&character.main, character.active) {
            (None, true) => Ok(()),
            (None, false) => f.write_str(" (inactive)"),
            (Some(main), true) => write!(f, " (alt of {})", main.name),
            (Some(main), false) => write!(f, " (alt of {}, inactive)", main.name),
        }
    }
}

/// The items a character won and the adjustments it received, each in a table.
pub fn items(roster: &Roster, character: &Character) -> Vec<Block> {
    let pool_name = |pool: Option<usize>| {
        pool.and_then(|i| roster.pools.get(i))
            .map_or("", |p| p.name.as_str())
    };
    let d = roster.decimals;
    let mut blocks = vec![Block::Text(format!(
        "{} · items won and adjustments (its own, without alts)",
        describe(roster, character)
    ))];

    if character.items.is_empty() {
        blocks.push(Block::Text("No items won.".to_owned()));
    } else {
        let mut table = Table::new(&[
            ("Item", Align::Left),
            ("Cost", Align::Right),
            ("Pool", Align::Left),
        ]);
        for item in &character.items {
            table.push(&[&item.name, &item.cost.display(d), &pool_name(item.pool)]);
        }
        blocks.push(Block::Table(table));
    }

    if character.adjustments.is_empty() {
        blocks.push(Block::Text("No adjustments.".to_owned()));
    } else {
        let mut table = Table::new(&[
            ("Adjustment", Align::Left),
            ("Value", Align::Right),
            ("Pool", Align::Left),
            ("Date", Align::Left),
        ]);
        for a in &character.adjustments {
            let date = a.timestamp.map(clock::date).unwrap_or_default();
            table.push(&[&a.reason, &a.value.display(d), &pool_name(a.pool), &date]);
        }
        blocks.push(Block::Table(table));
    }
    blocks
}

/// The closing line of every reply with standings: when they were read and from where.
pub fn footer(roster: &Roster, now: SystemTime) -> String {
    let mut footer = format!("_As of {}", clock::utc(roster.read_at, now));
    if !roster.site.name.is_empty() {
        footer.push_str(&format!(" · {}", inline(&roster.site.name)));
    }
    footer.push('_');
    footer
}
