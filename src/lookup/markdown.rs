//! Markdown that Mattermost renders as meant: tables that stay tables, and text from users or
//! from the site that can neither break a row nor notify anyone.

use std::fmt::Write;

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Figures, so the decimals line up.
    Right,
}

/// A GitHub-flavoured markdown table. Every cell is made safe as it is added.
#[derive(Clone, Debug)]
pub struct Table {
    header: Vec<String>,
    aligns: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles and alignments.
    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            header: columns.iter().map(|(title, _)| inline(title)).collect(),
            aligns: columns.iter().map(|(_, align)| *align).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are left empty and extra cells dropped, so the column count
    /// never varies.
    pub fn push<S: AsRef<str>>(&mut self, cells: &[S]) {
        let mut row: Vec<String> = cells
            .iter()
            .take(self.header.len())
            .map(|c| inline(c.as_ref()))
            .collect();
        row.resize(self.header.len(), String::new());
        self.rows.push(row);
    }

    /// The number of rows, header excluded.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The header and separator lines, which every part of a split table repeats.
    pub fn head(&self) -> String {
        let mut head = String::new();
        write_row(&mut head, &self.header);
        let separator: Vec<String> = self
            .aligns
            .iter()
            .map(|align| match align {
                Align::Left => ":--".to_owned(),
                Align::Right => "--:".to_owned(),
            })
            .collect();
        write_row(&mut head, &separator);
        head
    }

    /// Each body row as one line, newline included.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.rows.iter().map(|row| {
            let mut line = String::new();
            write_row(&mut line, row);
            line
        })
    }

    /// The whole table.
    pub fn render(&self) -> String {
        let mut text = self.head();
        self.lines().for_each(|line| text.push_str(&line));
        text
    }
}

fn write_row(out: &mut String, cells: &[String]) {
    out.push('|');
    for cell in cells {
        let _ = write!(out, " {cell} |");
    }
    out.push('\n');
}

/// Makes text from a user or from the site safe to show inline or in a table cell:
/// - line breaks and other control characters become spaces, so a row stays one line;
/// - `|` is escaped, so it cannot split a cell;
/// - `<` and `>` become look-alikes, so neither `<!channel>` nor a `<url|label>` link rewrite
///   (which Mattermost applies to webhook replies) can form;
/// - `@` is followed by a zero-width space, which ends the word Mattermost scans for
///   mentions (`@channel`, `@all`, `@here`, `@someone`) and shows nothing;
/// - markdown emphasis, links and code marks are escaped so the text shows as typed.
pub fn inline(text: &str) -> String {
    let mut safe = String::with_capacity(text.len() + 8);
    let mut last_was_space = false;
    for c in text.trim().chars() {
        let c = if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            ' '
        } else {
            c
        };
        if c == ' ' && last_was_space {
            continue;
        }
        last_was_space = c == ' ';
        match c {
            '<' => safe.push('＜'),
            '>' => safe.push('＞'),
            '@' => safe.push_str("@\u{200B}"),
            '|' | '\\' | '*' | '_' | '`' | '~' | '[' | ']' => {
                safe.push('\\');
                safe.push(c);
            }
            other => safe.push(other),
        }
    }
    safe
}

/// Like [`inline`], but cut to at most `max` characters first (with `…`), for echoing back
/// what a user typed.
pub fn quoted(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return inline(text);
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", inline(&cut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_right_aligned_table() {
        let mut table = Table::new(&[("Pool", Align::Left), ("Current", Align::Right)]);
        table.push(&["Planes of Power", "44.00"]);
        assert_eq!(
            table.render(),
            "| Pool | Current |\n| :-- | --: |\n| Planes of Power | 44.00 |\n"
        );
    }

    #[test]
    fn keeps_the_column_count_whatever_is_pushed() {
        let mut table = Table::new(&[("A", Align::Left), ("B", Align::Left)]);
        table.push(&["only one"]);
        table.push(&["1", "2", "3"]);
        for line in table.render().lines() {
            assert_eq!(line.matches(" |").count(), 2, "{line}");
        }
    }

    #[test]
    fn cell_text_cannot_break_a_row() {
        let mut table = Table::new(&[("Name", Align::Left)]);
        table.push(&["a|b\nc\r\nd"]);
        assert_eq!(table.lines().next().unwrap(), "| a\\|b c d |\n");
    }

    #[test]
    fn mentions_are_defused() {
        for text in [
            "@channel",
            "@ALL",
            "hi @here.",
            "@someone",
            "<!channel>",
            "<@U123>",
        ] {
            let safe = inline(text);
            assert!(
                !safe.contains("@c") && !safe.contains("@A") && !safe.contains("@h"),
                "{safe}"
            );
            assert!(!safe.contains("@s") && !safe.contains('<'), "{safe}");
        }
    }

    #[test]
    fn slack_link_syntax_cannot_form() {
        let safe = inline("<https://evil.example|click>");
        assert!(!safe.contains('<') && !safe.contains('>'), "{safe}");
    }

    #[test]
    fn quoting_cuts_long_input() {
        assert_eq!(quoted("abcdef", 3), "abc…");
        assert_eq!(quoted(" Zoë ", 10), "Zoë");
    }
}
