//! Finding what a user meant: the character (exact name first, then without accents, then a
//! unique beginning or part of a name, and otherwise the closest names to suggest), the pool
//! and the class.

use crate::names::{distance_within, fold_accents, fold_case, letter_mask};
use crate::roster::Roster;

/// What a typed name matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    /// Exactly one character (an index into [`Roster::characters`]).
    One(usize),
    /// Several characters fit equally well; the user must choose.
    Several(Vec<usize>),
    /// Nothing fits; these are the closest names, best first.
    Nothing(Vec<usize>),
}

/// How many candidates or suggestions are worth listing in a chat reply.
const MAX_LISTED: usize = 8;

/// Finds `typed` in `roster`.
pub fn find(roster: &Roster, typed: &str) -> Match {
    let typed = typed.trim();
    if typed.is_empty() {
        return Match::Nothing(Vec::new());
    }

    let exact = roster.by_name(typed);
    if !exact.is_empty() {
        return one_or_several(exact.to_vec());
    }
    let plain = roster.by_plain_name(typed);
    if !plain.is_empty() {
        return one_or_several(plain.to_vec());
    }
    partial(roster, typed).unwrap_or_else(|| Match::Nothing(closest(roster, typed)))
}

fn one_or_several(mut found: Vec<usize>) -> Match {
    if found.len() == 1 {
        Match::One(found[0])
    } else {
        found.truncate(MAX_LISTED);
        Match::Several(found)
    }
}

/// Names that begin with what was typed, else names that contain it, compared without case or
/// accents. Too short an input matches too much to be useful, so it needs two characters.
fn partial(roster: &Roster, typed: &str) -> Option<Match> {
    let typed = fold_accents(typed);
    if typed.chars().count() < 2 {
        return None;
    }

    let (mut starting, mut containing) = (Vec::new(), Vec::new());
    for (i, name) in roster.plain_names().iter().enumerate() {
        if name.len() < typed.len() {
            continue;
        }
        if name.starts_with(&typed) {
            starting.push(i);
        } else if starting.is_empty() && name.contains(&typed) {
            containing.push(i);
        }
    }
    let found = if starting.is_empty() {
        containing
    } else {
        starting
    };
    (!found.is_empty()).then(|| one_or_several(found))
}

/// The names nearest by edit distance, within a distance that grows with the input's length
/// so that a one-letter slip in a short name still counts but an unrelated name does not.
fn closest(roster: &Roster, typed: &str) -> Vec<usize> {
    let folded_typed = fold_case(typed);
    let mask = letter_mask(&folded_typed);
    let typed: Vec<char> = folded_typed.chars().collect();
    let limit = (typed.len() / 3).max(2);
    let mut row = Vec::with_capacity(typed.len() + 1);
    let mut near: Vec<(usize, usize)> = Vec::new();
    let names = roster.folded_names().iter().zip(roster.letter_masks());
    for (i, (folded, name_mask)) in names.enumerate() {
        // A name has at least as many bytes as characters, so this skips, without decoding,
        // names far too short to be within the limit; the masks skip most of the others.
        let differing = (mask ^ name_mask).count_ones() as usize;
        if folded.len() + limit < typed.len() || differing.div_ceil(2) > limit {
            continue;
        }
        if let Some(distance) = distance_within(&typed, folded.chars(), limit, &mut row) {
            near.push((distance, i));
        }
    }
    near.sort_unstable();
    near.into_iter().take(3).map(|(_, i)| i).collect()
}

/// What a typed pool or class picked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    /// This one (an index into the list searched).
    One(usize),
    /// Several fit; the user must say which.
    Several(Vec<usize>),
    /// None fits.
    Nothing,
}

/// Finds a pool by name, unique beginning or part of its name, or id.
pub fn find_pool(roster: &Roster, typed: &str) -> Pick {
    let typed = typed.trim();
    if let Some(index) = typed.parse().ok().and_then(|id| roster.pool_index(id)) {
        return Pick::One(index);
    }
    pick(roster.pools.iter().map(|pool| pool.name.as_str()), typed)
}

/// Finds a class among the roster's classes (see [`Roster::classes`]); a plural (`clerics`)
/// is read as its singular.
pub fn find_class(roster: &Roster, typed: &str) -> Pick {
    let classes = || roster.classes().iter().map(String::as_str);
    match pick(classes(), typed) {
        Pick::Nothing => match typed.trim().strip_suffix(['s', 'S']) {
            Some(singular) if !singular.is_empty() => pick(classes(), singular),
            _ => Pick::Nothing,
        },
        found => found,
    }
}

/// The candidate equal to `typed` (without case or accents), else those beginning with it,
/// else those containing it.
fn pick<'a>(candidates: impl Iterator<Item = &'a str>, typed: &str) -> Pick {
    let typed = fold_accents(typed);
    if typed.is_empty() {
        return Pick::Nothing;
    }

    let plain: Vec<String> = candidates.map(fold_accents).collect();
    let tests: [&dyn Fn(&str) -> bool; 3] = [
        &|name| name == typed,
        &|name| name.starts_with(&typed),
        &|name| name.contains(&typed),
    ];
    for test in tests {
        let found: Vec<usize> = (0..plain.len()).filter(|&i| test(&plain[i])).collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Pick::One(*one),
            _ => return Pick::Several(found),
        }
    }
    Pick::Nothing
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;
    use crate::roster::{Character, Origin, Pool, RosterParts};

    const CLASSES: [&str; 4] = ["Shadow Knight", "Shaman", "Enchanter", "Cleric"];

    fn roster(names: &[&str]) -> Roster {
        let characters = names
            .iter()
            .enumerate()
            .map(|(i, name)| Character {
                id: i as u32 + 1,
                name: (*name).to_owned(),
                class: CLASSES[i % CLASSES.len()].to_owned(),
                active: true,
                main: None,
                standings: Vec::new(),
                items: Vec::new(),
                adjustments: Vec::new(),
            })
            .collect();
        let pool = |id: u32, name: &str| Pool {
            id,
            name: name.to_owned(),
        };
        let parts = RosterParts {
            characters,
            pools: vec![
                pool(1, "Planes of Power"),
                pool(2, "Luclin"),
                pool(7, "Luclin Loot"),
            ],
            ..RosterParts::default()
        };
        Roster::new(parts, Origin::File, SystemTime::UNIX_EPOCH)
    }

    fn names() -> Roster {
        roster(&[
            "Aradune", "Zoë", "Ærwyn", "Ker'ra", "Xegony", "Xegonius", "Tarnk",
        ])
    }

    #[test]
    fn exact_names_match_in_any_case() {
        let roster = names();
        for typed in ["Zoë", "zoë", "ZOË", " zoë "] {
            assert_eq!(find(&roster, typed), Match::One(1), "{typed}");
        }
        assert_eq!(find(&roster, "KER'RA"), Match::One(3));
    }

    #[test]
    fn names_match_without_their_accents() {
        let roster = names();
        assert_eq!(find(&roster, "zoe"), Match::One(1));
        assert_eq!(find(&roster, "aerwyn"), Match::One(2));
    }

    #[test]
    fn a_unique_beginning_is_enough() {
        assert_eq!(find(&names(), "arad"), Match::One(0));
        assert_eq!(find(&names(), "tar"), Match::One(6));
    }

    #[test]
    fn an_ambiguous_beginning_lists_the_candidates() {
        assert_eq!(find(&names(), "xego"), Match::Several(vec![4, 5]));
    }

    #[test]
    fn a_part_of_a_name_matches_when_nothing_begins_with_it() {
        assert_eq!(find(&names(), "dune"), Match::One(0));
    }

    #[test]
    fn a_misspelt_name_gets_suggestions() {
        assert_eq!(find(&names(), "Aradume"), Match::Nothing(vec![0]));
        assert_eq!(find(&names(), "Qwertyuiop"), Match::Nothing(Vec::new()));
    }

    #[test]
    fn one_letter_is_too_little_to_guess_from() {
        assert_eq!(find(&names(), "a"), Match::Nothing(Vec::new()));
    }

    #[test]
    fn pools_are_found_by_name_beginning_or_id() {
        let roster = names();
        assert_eq!(find_pool(&roster, "planes of power"), Pick::One(0));
        assert_eq!(find_pool(&roster, "PLANES"), Pick::One(0));
        assert_eq!(
            find_pool(&roster, "luclin"),
            Pick::One(1),
            "an exact name beats a beginning"
        );
        assert_eq!(find_pool(&roster, "luc"), Pick::Several(vec![1, 2]));
        assert_eq!(find_pool(&roster, "7"), Pick::One(2));
        assert_eq!(find_pool(&roster, "loot"), Pick::One(2));
        assert_eq!(find_pool(&roster, "kunark"), Pick::Nothing);
    }

    #[test]
    fn classes_are_found_by_unambiguous_beginning() {
        let roster = names();
        let class = |typed: &str| match find_class(&roster, typed) {
            Pick::One(i) => roster.classes()[i].clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(class("ench"), "Enchanter");
        assert_eq!(class("CLERIC"), "Cleric");
        assert_eq!(class("clerics"), "Cleric");
        assert_eq!(class("shadow knight"), "Shadow Knight");
        assert_eq!(class("sha"), "Several([2, 3])");
        assert_eq!(class("bard"), "Nothing");
    }
}
