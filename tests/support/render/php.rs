//! Byte-exact imitations of the PHP/EQDKP primitives the site's output is made of:
//! `json_encode` strings, `number_format`, EQDKP's input encoding, URL slugs and dates.

/// Appends `s` as a JSON string the way PHP's `json_encode` writes it with default flags:
/// `/` escaped, every non-ASCII character as a lowercase `\uXXXX` (surrogate pairs above
/// the BMP).
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || !c.is_ascii() => push_utf16_escapes(out, c),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_utf16_escapes(out: &mut String, c: char) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        out.push_str(&format!("\\u{unit:04x}"));
    }
}

/// `number_format($hundredths / 100, $decimals, '.', '')`: rounded half away from zero, no
/// thousands separator, and no minus sign on a value that rounds to zero.
pub fn fixed(hundredths: i64, decimals: u8) -> String {
    let sign = if rounded_is_negative(hundredths, decimals) {
        "-"
    } else {
        ""
    };
    let magnitude = hundredths.unsigned_abs();
    match decimals {
        0 => format!("{sign}{}", (magnitude + 50) / 100),
        1 => {
            let tenths = (magnitude + 5) / 10;
            format!("{sign}{}.{}", tenths / 10, tenths % 10)
        }
        _ => {
            let zeros = "0".repeat(usize::from(decimals) - 2);
            format!("{sign}{}.{:02}{zeros}", magnitude / 100, magnitude % 100)
        }
    }
}

fn rounded_is_negative(hundredths: i64, decimals: u8) -> bool {
    match decimals {
        0 => hundredths <= -50,
        1 => hundredths <= -5,
        _ => hundredths < 0,
    }
}

/// A PHP float as `json_encode` prints a whole or two-decimal value: `30`, `12.5`, `-1464.5`.
pub fn json_number(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let magnitude = hundredths.unsigned_abs();
    let (whole, cents) = (magnitude / 100, magnitude % 100);
    match cents {
        0 => format!("{sign}{whole}"),
        c if c % 10 == 0 => format!("{sign}{whole}.{}", c / 10),
        c => format!("{sign}{whole}.{c:02}"),
    }
}

/// An event value (stored as a float in the roster) in hundredths.
pub fn hundredths(value: f64) -> i64 {
    (value * 100.0).round() as i64
}

/// EQDKP HTML-encodes input before storing it, so names reach pages encoded like this
/// (`Ker&#39;ra`); non-ASCII stays raw UTF-8.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The name part of a character URL: punctuation such as `'` dropped, letters (including
/// non-ASCII ones, left raw) and digits kept.
pub fn slug(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// `date('d.m.y', $t)` in UTC.
pub fn date_dmy(unix: i64) -> String {
    let (year, month, day) = civil_date(unix.div_euclid(86_400));
    format!("{day:02}.{month:02}.{:02}", year.rem_euclid(100))
}

/// `date('d.m.y H:i:s', $t)` in UTC, as the API's `info.date`.
pub fn date_dmy_hms(unix: i64) -> String {
    let seconds = unix.rem_euclid(86_400);
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("{} {h:02}:{m:02}:{s:02}", date_dmy(unix))
}

/// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's `civil_from_days`.
fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Standard base64 with padding, for the opaque infotooltip `title` payloads.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            let symbol = ALPHABET[(n >> shift & 63) as usize] as char;
            out.push(if i <= chunk.len() { symbol } else { '=' });
        }
    }
    out
}
