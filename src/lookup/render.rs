//! Turns matched characters into the markdown of a reply.

use std::time::SystemTime;

use super::clock;
use super::markdown::{Align, Table, inline};
use crate::roster::{Character, Roster};

/// The card for one character: who they are, then one row per pool with every figure.
pub fn card(roster: &Roster, index: usize) -> String {
    let character = &roster.characters[index];
    let mut text = format!("{}\n\n", describe(roster, character));

    let mut table = Table::new(&[
        ("Pool", Align::Left),
        ("Current", Align::Right),
        ("Earned", Align::Right),
        ("Spent", Align::Right),
        ("Adjustment", Align::Right),
    ]);
    for (pool, standing) in roster.pools.iter().zip(&character.standings) {
        let shown = |points: crate::points::Points| points.display(roster.decimals).to_string();
        table.push(&[
            pool.name.clone(),
            shown(standing.current),
            shown(standing.earned),
            shown(standing.spent),
            shown(standing.adjustment),
        ]);
    }
    if table.is_empty() {
        text.push_str("The site has no points pools.\n");
    } else {
        text.push_str(&table.render());
    }
    text
}

/// One line saying who a character is: class, main or alt, whether inactive, and on what
/// basis the figures are shown.
fn describe(roster: &Roster, character: &Character) -> String {
    let mut parts = vec![format!("**{}**", inline(&character.name))];
    if !character.class.is_empty() {
        parts.push(inline(&character.class));
    }
    if !character.active {
        parts.push("inactive".to_owned());
    }

    match &character.main {
        Some(main) if roster.alts_merged => parts.push(format!(
            "alt of **{}** (the figures are {}'s, alts included)",
            inline(&main.name),
            inline(&main.name)
        )),
        Some(main) => parts.push(format!("alt of **{}**", inline(&main.name))),
        None => {
            let alts: Vec<String> = roster
                .alts_of(character.id)
                .map(|alt| inline(&alt.name))
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

/// A table of several characters with their current figure in every pool.
pub fn overview(roster: &Roster, indices: &[usize]) -> Table {
    let mut columns: Vec<(&str, Align)> = vec![("Character", Align::Left), ("Class", Align::Left)];
    columns.extend(
        roster
            .pools
            .iter()
            .map(|pool| (pool.name.as_str(), Align::Right)),
    );

    let mut table = Table::new(&columns);
    for &index in indices {
        let character = &roster.characters[index];
        let mut row = vec![label(character), character.class.clone()];
        row.extend(
            character
                .standings
                .iter()
                .map(|s| s.current.display(roster.decimals).to_string()),
        );
        table.push(&row);
    }
    table
}

/// A character's name with what sets it apart: `Tarnk (alt of Aradune)`, `Rallos (inactive)`.
pub fn label(character: &Character) -> String {
    let mut notes = Vec::new();
    if let Some(main) = &character.main {
        notes.push(format!("alt of {}", main.name));
    }
    if !character.active {
        notes.push("inactive".to_owned());
    }
    if notes.is_empty() {
        character.name.clone()
    } else {
        format!("{} ({})", character.name, notes.join(", "))
    }
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
