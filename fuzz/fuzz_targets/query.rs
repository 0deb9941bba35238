//! Fuzzes the query language and the markdown it can echo: parsing never panics, and text made
//! safe stays on one line with every mention defused.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mattermost_eqdkp::lookup::markdown::inline;
use mattermost_eqdkp::lookup::query::parse;

fuzz_target!(|text: &str| {
    let _ = parse(text);
    let safe = inline(text);
    assert!(!safe.contains('\n') && !safe.contains('<'));
    let chars: Vec<char> = safe.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == '@' {
            assert_eq!(chars.get(i + 1), Some(&'\u{200b}'));
        }
    }
});
