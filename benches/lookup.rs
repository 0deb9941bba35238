//! What one warm look-up costs, on the reference site's 15 characters and on 20,000: asked
//! afresh (matching the typed name against the cached roster and rendering the markdown), and
//! asked again (answered from the look-up's memory of the current roster).
//!
//! The roster is read once through the real cache ([`Standings`]) before measuring, so every
//! iteration takes the path a request takes once the cache is filled.

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use futures_util::future::BoxFuture;
use mattermost_eqdkp::eqdkp::FetchError;
use mattermost_eqdkp::eqdkp::api;
use mattermost_eqdkp::lookup::matcher::{self, Match};
use mattermost_eqdkp::lookup::{Lookup, Question, Settings, Surface};
use mattermost_eqdkp::roster::{Origin, Roster, RosterParts};
use mattermost_eqdkp::standings::{Reader, Standings};
use support::render::{self, ApiFlavor};
use support::roster::{self, FakeRoster};
use tokio::runtime::Runtime;

const SEED: u64 = 6;

/// Long enough that no refresh happens while measuring.
const TTL: Duration = Duration::from_secs(24 * 3600);

/// Hands out copies of a roster parsed once, so the cache is filled without a site.
struct Parsed(RosterParts);

impl Reader for Parsed {
    fn read(&self) -> BoxFuture<'_, Result<Roster, FetchError>> {
        let roster = Roster::new(self.0.clone(), Origin::Api, SystemTime::now());
        Box::pin(std::future::ready(Ok(roster)))
    }
}

/// The one place a question is put together, so a change to [`Question`] is made here only.
/// Answers are remembered per asker, so a new `user_name` makes the look-up match and render
/// afresh, while the same one is answered from memory.
fn question<'a>(text: &'a str, user_name: &'a str) -> Question<'a> {
    Question {
        text,
        command: "/dkp",
        user_name,
        surface: Surface::Slash,
    }
}

/// A site's standings as the API source would read them.
fn parts_of(fake: &FakeRoster) -> RosterParts {
    let json = render::api_points_json(fake, ApiFlavor::V23, false);
    api::parse_points(json.as_bytes()).expect("the stand-in's json parses")
}

/// A look-up whose cache already holds `parts`.
fn warm_lookup(runtime: &Runtime, parts: RosterParts) -> Lookup {
    let standings = Standings::new(Arc::new(Parsed(parts)), TTL);
    runtime.block_on(standings.get());
    Lookup::new(standings, Settings::default())
}

/// The names the benchmark asks for: one a user would type, and one a letter off, which
/// takes the slow path (no exact, accent-free or partial match, so every name's edit
/// distance is computed for the suggestions).
struct Names {
    found: String,
    misspelt: String,
}

impl Names {
    /// A main with alts, so the card shows its alts line, and a misspelling that the matcher
    /// really answers with suggestions (checked, so the benchmark measures what it claims).
    fn pick(fake: &FakeRoster, parts: &RosterParts) -> Names {
        let groups = fake.groups();
        let main = fake
            .characters
            .iter()
            .find(|c| !c.is_alt() && groups.members(c).len() > 1)
            .expect("the roster has a main with alts");

        let roster = Roster::new(parts.clone(), Origin::Api, SystemTime::now());
        let misspelt = misspellings(&main.name)
            .find(
                |typed| matches!(matcher::find(&roster, typed), Match::Nothing(s) if !s.is_empty()),
            )
            .expect("some one-letter misspelling gets suggestions");
        Names {
            found: main.name.clone(),
            misspelt,
        }
    }
}

/// The name with one letter replaced, for each position after the first.
fn misspellings(name: &str) -> impl Iterator<Item = String> + '_ {
    let letters: Vec<char> = name.chars().collect();
    (1..letters.len()).map(move |at| {
        let mut typo = letters.clone();
        typo[at] = if typo[at] == 'q' { 'x' } else { 'q' };
        typo.into_iter().collect()
    })
}

fn warm_lookups(c: &mut Criterion) {
    // A current-thread runtime keeps the measured path free of cross-thread wake-ups; a warm
    // answer never awaits anything that is not ready.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    let mut group = c.benchmark_group("lookup");
    group.measurement_time(Duration::from_secs(4));

    for characters in [15, 20_000] {
        let fake = if characters == 15 {
            roster::reference()
        } else {
            roster::synthetic(characters, 2, SEED)
        };
        let parts = parts_of(&fake);
        let names = Names::pick(&fake, &parts);
        let lookup = warm_lookup(&runtime, parts);

        for (case, typed) in [("name", &names.found), ("misspelt", &names.misspelt)] {
            let id = BenchmarkId::new(format!("{case}/remembered"), characters);
            group.bench_with_input(id, typed.as_str(), |b, typed| {
                b.iter(|| runtime.block_on(lookup.answer(&question(black_box(typed), "bench"))));
            });

            let id = BenchmarkId::new(format!("{case}/afresh"), characters);
            let mut asker = 0_u64;
            group.bench_with_input(id, typed.as_str(), |b, typed| {
                b.iter(|| {
                    asker += 1;
                    let user = asker.to_string();
                    runtime.block_on(lookup.answer(&question(black_box(typed), &user)))
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, warm_lookups);
criterion_main!(benches);
