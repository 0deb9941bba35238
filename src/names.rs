//! How names are compared: case folding, accent folding, HTML entity decoding and edit distance.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The form two names share when they differ only in case or Unicode composition:
/// `Zoë`, `zoë`, `ZOË` and `Zoe\u{308}` all fold to `zoë`.
pub fn fold_case(name: &str) -> String {
    name.trim().nfc().flat_map(char::to_lowercase).collect()
}

/// The form two names share when they differ in accents too: `Zoë` and `zoe` fold to `zoe`,
/// `Ærwyn` to `aerwyn`. Letters with no decomposition are spelled the way a player without the
/// key would type them.
pub fn fold_accents(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for c in name.trim().nfd().filter(|c| !is_combining_mark(*c)) {
        for lower in c.to_lowercase() {
            match lower {
                'æ' => folded.push_str("ae"),
                'œ' => folded.push_str("oe"),
                'ß' => folded.push_str("ss"),
                'þ' => folded.push_str("th"),
                'ø' => folded.push('o'),
                'ð' | 'đ' => folded.push('d'),
                'ł' => folded.push('l'),
                'ı' => folded.push('i'),
                other => folded.push(other),
            }
        }
    }
    folded
}

/// Decodes the HTML entities EQDKP leaves in stored names (`Ker&#39;ra`), numeric or one of the
/// five XML names. Anything else is kept as written.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }

    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        rest = &rest[at..];
        match entity(rest) {
            Some((c, len)) => {
                decoded.push(c);
                rest = &rest[len..];
            }
            None => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

/// The character an entity at the start of `text` stands for, and the entity's length.
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.bytes().take(12).position(|b| b == b';')?;
    let body = &text[1..end];
    let c = match body {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let code = match body.strip_prefix('#')? {
                hex if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16).ok()?,
                dec => dec.parse().ok()?,
            };
            // A control character (a NUL, a line break) is no part of a name; the entity stays
            // as written rather than smuggling one in.
            char::from_u32(code).filter(|c| !c.is_control())?
        }
    };
    Some((c, end + 1))
}

/// Which characters occur in `name`, as bits (characters share bits modulo 64). An edit adds
/// or removes at most two characters, so two names whose masks differ in `n` bits are at
/// least `n / 2` edits apart: a cheap test that rules out most of a roster before
/// [`distance_within`] looks at a name.
pub fn letter_mask(name: &str) -> u64 {
    name.chars()
        .fold(0, |mask, c| mask | 1 << (u32::from(c) % 64))
}

/// The Levenshtein distance between `typed` and `name` when it is at most `limit`, else
/// `None`. It reads `name` one character at a time, never collecting it, and gives up as soon
/// as the limit cannot be met, so comparing a name against a whole roster costs little beyond
/// the names of about the right length; `row` is scratch space that callers reuse.
pub fn distance_within(
    typed: &[char],
    name: impl Iterator<Item = char>,
    limit: usize,
    row: &mut Vec<usize>,
) -> Option<usize> {
    row.clear();
    row.extend(0..=typed.len());
    for (i, c) in name.enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut best = row[0];
        for (j, t) in typed.iter().enumerate() {
            let substitution = diagonal + usize::from(c != *t);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
            best = best.min(row[j + 1]);
        }
        if best > limit {
            return None;
        }
    }
    Some(row[typed.len()]).filter(|&distance| distance <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_folding_is_unicode_aware() {
        for spelling in ["Zoë", "zoë", "ZOË", " Zoë ", "Zoe\u{308}"] {
            assert_eq!(fold_case(spelling), "zoë", "{spelling:?}");
        }
        assert_ne!(fold_case("Zoe"), fold_case("Zoë"));
    }

    #[test]
    fn accent_folding_reaches_plain_letters() {
        assert_eq!(fold_accents("Zoë"), "zoe");
        assert_eq!(fold_accents("Ærwyn"), "aerwyn");
        assert_eq!(fold_accents("Mîriel"), "miriel");
        assert_eq!(fold_accents("Ker'ra"), "ker'ra");
    }

    #[test]
    fn decodes_the_entities_eqdkp_stores() {
        assert_eq!(decode_entities("Ker&#39;ra"), "Ker'ra");
        assert_eq!(decode_entities("Luclin &amp; Velious"), "Luclin & Velious");
        assert_eq!(decode_entities("&#x00C6;rwyn"), "Ærwyn");
        assert_eq!(decode_entities("Tom & Jerry"), "Tom & Jerry");
        assert_eq!(decode_entities("a &bogus; b &"), "a &bogus; b &");
        assert_eq!(decode_entities("&#1114112;"), "&#1114112;");
        assert_eq!(decode_entities("a&#0;b&#x0A;c"), "a&#0;b&#x0A;c");
    }

    fn distance(a: &str, b: &str, limit: usize) -> Option<usize> {
        let a: Vec<char> = a.chars().collect();
        distance_within(&a, b.chars(), limit, &mut Vec::new())
    }

    #[test]
    fn counts_edits_between_names() {
        assert_eq!(distance("aradune", "aradune", 3), Some(0));
        assert_eq!(distance("aradun", "aradune", 3), Some(1));
        assert_eq!(distance("xegonie", "xegony", 3), Some(2));
        assert_eq!(distance("", "abc", 3), Some(3));
        assert_eq!(distance("zoë", "zoe", 3), Some(1));
    }

    #[test]
    fn letter_masks_bound_the_distance_from_below() {
        for (a, b) in [
            ("aradune", "aradume"),
            ("zoë", "zoe"),
            ("kitten", "sitting"),
            ("ab", "ba"),
        ] {
            let bits = (letter_mask(a) ^ letter_mask(b)).count_ones() as usize;
            let exact = distance(a, b, 10).unwrap();
            assert!(
                bits.div_ceil(2) <= exact,
                "{a} {b}: {bits} bits, {exact} edits"
            );
        }
    }

    #[test]
    fn gives_up_beyond_the_limit() {
        assert_eq!(distance("aradune", "xegony", 2), None);
        assert_eq!(distance("a", "abcdef", 2), None);
        assert_eq!(distance("kitten", "sitting", 3), Some(3));
        assert_eq!(distance("kitten", "sitting", 2), None);
    }
}
