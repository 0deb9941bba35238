//! Fixed-point DKP figures: parsed exactly from the site's text and printed back to the cent.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};

/// A DKP figure held in millionths, so that `"1251.25"` and `"-1464.50"` survive a round trip
/// without the drift a float would bring. EQDKP prints at most five decimals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(i64);

/// Millionths per point.
const SCALE: i64 = 1_000_000;

/// The most decimals EQDKP's `round_precision` allows.
pub const MAX_DECIMALS: u8 = 5;

impl Points {
    /// Zero points.
    pub const ZERO: Points = Points(0);

    /// Parses a figure as EQDKP prints it: an optional `-`, digits, and optionally a `.` (or a
    /// `,`, as some localised pages print it) with up to six decimals. No thousands separators,
    /// no exponent, no surrounding text. Returns the value and the number of decimals written.
    pub fn parse(text: &str) -> Option<(Points, u8)> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match unsigned.find(['.', ',']) {
            Some(at) => (&unsigned[..at], &unsigned[at + 1..]),
            None => (unsigned, ""),
        };
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let has_fraction = unsigned.len() > whole.len();
        if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
            return None;
        }
        if (has_fraction && fraction.is_empty()) || fraction.len() > 6 || whole.len() > 12 {
            return None;
        }

        let whole: i64 = whole.parse().ok()?;
        let mut millionths: i64 = 0;
        for (i, digit) in fraction.bytes().enumerate() {
            millionths += i64::from(digit - b'0') * 10_i64.pow(5 - i as u32);
        }
        let magnitude = whole * SCALE + millionths;
        let value = if negative { -magnitude } else { magnitude };
        Some((Points(value), fraction.len() as u8))
    }

    /// Converts a JSON number, as EQDKP 2.2 sent them (`47.5`, `0`), to the nearest millionth.
    pub fn from_f64(value: f64) -> Option<Points> {
        let scaled = (value * SCALE as f64).round();
        let in_range = scaled.is_finite() && scaled.abs() < 1e18;
        in_range.then_some(Points(scaled as i64))
    }

    /// Whole points, for tests and demo data.
    pub const fn from_whole(points: i64) -> Points {
        Points(points * SCALE)
    }

    /// The value with `decimals` places, rounded half away from zero as PHP's `round` does.
    pub fn display(self, decimals: u8) -> Display {
        Display {
            points: self,
            decimals: decimals.min(MAX_DECIMALS),
        }
    }

    /// Whether the figure is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl Add for Points {
    type Output = Points;

    fn add(self, other: Points) -> Points {
        Points(self.0.saturating_add(other.0))
    }
}

impl Sub for Points {
    type Output = Points;

    fn sub(self, other: Points) -> Points {
        Points(self.0.saturating_sub(other.0))
    }
}

impl Neg for Points {
    type Output = Points;

    fn neg(self) -> Points {
        Points(self.0.saturating_neg())
    }
}

impl Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Add::add)
    }
}

/// A [`Points`] value formatted to a fixed number of decimals.
#[derive(Clone, Copy, Debug)]
pub struct Display {
    points: Points,
    decimals: u8,
}

impl fmt::Display for Display {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step = 10_i64.pow(6 - u32::from(self.decimals));
        let magnitude = self.points.0.unsigned_abs() as i64;
        let rounded = (magnitude + step / 2) / step * step;
        let sign = if self.points.0 < 0 && rounded != 0 {
            "-"
        } else {
            ""
        };
        let whole = rounded / SCALE;
        if self.decimals == 0 {
            return write!(f, "{sign}{whole}");
        }

        let fraction = (rounded % SCALE) / step;
        let width = usize::from(self.decimals);
        write!(f, "{sign}{whole}.{fraction:0width$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str, decimals: u8) -> String {
        let (points, _) = Points::parse(text).expect("valid figure");
        points.display(decimals).to_string()
    }

    #[test]
    fn round_trips_the_reference_figures() {
        for text in [
            "1251.25", "-1464.50", "0.00", "38.33", "-2.50", "47.50", "60.50",
        ] {
            assert_eq!(shown(text, 2), text);
        }
    }

    #[test]
    fn reports_the_decimals_it_read() {
        assert_eq!(Points::parse("22.50").map(|p| p.1), Some(2));
        assert_eq!(Points::parse("7").map(|p| p.1), Some(0));
        assert_eq!(Points::parse("1.12345").map(|p| p.1), Some(5));
    }

    #[test]
    fn rounds_half_away_from_zero_like_php() {
        assert_eq!(shown("2.345", 2), "2.35");
        assert_eq!(shown("-2.345", 2), "-2.35");
        assert_eq!(shown("47.5", 0), "48");
        assert_eq!(shown("-0.001", 2), "0.00");
    }

    #[test]
    fn pads_to_the_requested_decimals() {
        assert_eq!(shown("47.5", 2), "47.50");
        assert_eq!(shown("0", 2), "0.00");
        assert_eq!(shown("12", 5), "12.00000");
    }

    #[test]
    fn accepts_a_comma_as_the_decimal_mark() {
        assert_eq!(shown("38,33", 2), "38.33");
    }

    #[test]
    fn rejects_anything_that_is_not_a_plain_figure() {
        for text in [
            "",
            "-",
            ".5",
            "5.",
            "1,251.25",
            "50% (1/2)",
            "1e3",
            "+5",
            " 5",
            "abc",
            "--1",
        ] {
            assert_eq!(Points::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn converts_json_numbers_from_older_sites() {
        assert_eq!(Points::from_f64(47.5), Points::parse("47.50").map(|p| p.0));
        assert_eq!(Points::from_f64(f64::NAN), None);
        assert_eq!(Points::from_f64(1e300), None);
    }

    #[test]
    fn adds_up_exactly() {
        let parts = ["86.00", "-52.00", "10.00"].map(|t| Points::parse(t).unwrap().0);
        let total: Points = parts.into_iter().sum();
        assert_eq!(total.display(2).to_string(), "44.00");
    }
}
