//! Markdown that Mattermost renders as meant: tables that stay tables, and text from users or
//! from the site that can neither break a row nor notify anyone.

use std::fmt::{self, Display, Write};

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Figures, so the decimals line up.
    Right,
}

/// A GitHub-flavoured markdown table. Cells are made safe as they are written, and each row
/// is kept as its finished line: a row costs one allocation, however many cells it has.
#[derive(Clone, Debug)]
pub struct Table {
    columns: usize,
    head: String,
    rows: Vec<String>,
}

impl Table {
    /// A table with these column titles and alignments.
    pub fn new(columns: &[(&str, Align)]) -> Table {
        let mut head = String::new();
        let titles: Vec<&dyn Display> = columns
            .iter()
            .map(|(title, _)| title as &dyn Display)
            .collect();
        write_row(&mut head, &titles, columns.len());
        head.push('|');
        for (_, align) in columns {
            head.push_str(match align {
                Align::Left => " :-- |",
                Align::Right => " --: |",
            });
        }
        head.push('\n');
        Table {
            columns: columns.len(),
            head,
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are left empty and extra cells dropped, so the column count
    /// never varies.
    pub fn push(&mut self, cells: &[&dyn Display]) {
        let mut line = String::with_capacity(16 * self.columns);
        write_row(&mut line, cells, self.columns);
        self.rows.push(line);
    }

    /// The number of rows, header excluded.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The header and alignment lines, which every part of a split table repeats.
    pub fn head(&self) -> &str {
        &self.head
    }

    /// Each body row as one line, newline included.
    pub fn lines(&self) -> impl Iterator<Item = &str> + '_ {
        self.rows.iter().map(String::as_str)
    }

    /// The whole table.
    pub fn render(&self) -> String {
        let mut text = self.head.clone();
        self.lines().for_each(|line| text.push_str(line));
        text
    }
}

/// Writes `| a | b |\n` with exactly `columns` cells.
fn write_row(out: &mut String, cells: &[&dyn Display], columns: usize) {
    out.push('|');
    for index in 0..columns {
        out.push(' ');
        if let Some(cell) = cells.get(index) {
            push_inline_display(out, cell);
        }
        out.push_str(" |");
    }
    out.push('\n');
}

/// Makes text from a user or from the site safe to show inline or in a table cell:
/// - line breaks and other control characters become spaces, so a row stays one line (also
///   `␤`, which Mattermost's web client turns into a line break);
/// - `|` is escaped, so it cannot split a cell;
/// - `<` and `>` become look-alikes, so neither `<!channel>` nor a `<url|label>` link rewrite
///   (which Mattermost applies to webhook replies) can form;
/// - `@` is followed by a zero-width space, which ends the word Mattermost scans for
///   mentions (`@channel`, `@all`, `@here`, `@someone`) and shows nothing;
/// - so is an `&` that could start an entity, since Mattermost decodes `&#64;channel` into a
///   mention before it scans;
/// - markdown emphasis, links and code marks are escaped so the text shows as typed.
pub fn inline(text: &str) -> String {
    let mut safe = String::with_capacity(text.len() + 8);
    push_inline(&mut safe, text);
    safe
}

/// [`inline`], appended to `out`.
pub fn push_inline(out: &mut String, text: &str) {
    push_inline_display(out, &text);
}

/// [`inline`] of whatever `value` displays as, appended to `out` without building it first.
pub fn push_inline_display(out: &mut String, value: &dyn Display) {
    let mut escaper = Escaper {
        out,
        pending_space: false,
        started: false,
        after_ampersand: false,
    };
    // Writing into a String cannot fail, and a Display impl that fails leaves what it wrote.
    let _ = write!(escaper, "{value}");
}

/// A `fmt::Write` that escapes as it goes, trimming leading and trailing whitespace and
/// collapsing runs of it into one space.
struct Escaper<'a> {
    out: &'a mut String,
    pending_space: bool,
    started: bool,
    after_ampersand: bool,
}

impl Write for Escaper<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for c in text.chars() {
            let blank = c.is_whitespace() || c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
            if blank || c == '\u{2424}' {
                self.pending_space = self.started;
                self.after_ampersand = false;
                continue;
            }
            if std::mem::take(&mut self.pending_space) {
                self.out.push(' ');
            }
            if std::mem::take(&mut self.after_ampersand) && (c == '#' || c.is_ascii_alphabetic()) {
                self.out.push('\u{200B}');
            }
            self.started = true;
            match c {
                '<' => self.out.push('＜'),
                '>' => self.out.push('＞'),
                '@' => self.out.push_str("@\u{200B}"),
                '&' => {
                    self.out.push('&');
                    self.after_ampersand = true;
                }
                '|' | '\\' | '*' | '_' | '`' | '~' | '[' | ']' => {
                    self.out.push('\\');
                    self.out.push(c);
                }
                other => self.out.push(other),
            }
        }
        Ok(())
    }
}

/// `text` as an inline code span, for commands and their examples: shown as typed, and never
/// a mention (Mattermost skips code spans when it looks for them). What would end the span,
/// split a table cell or form a Slack-style link (a backtick, `|`, `<`, `>`, a line break)
/// becomes a look-alike or a space.
pub fn code(text: &str) -> String {
    let mut span = String::with_capacity(text.len() + 2);
    span.push('`');
    for c in text.trim().chars() {
        match c {
            '`' => span.push('ˋ'),
            '|' => span.push('│'),
            '<' => span.push('＜'),
            '>' => span.push('＞'),
            c if c.is_whitespace() || c.is_control() || c == '\u{2424}' => span.push(' '),
            c => span.push(c),
        }
    }
    span.push('`');
    span
}

/// Like [`inline`], but cut to at most `max` characters first (with `…`), for echoing back
/// what a user typed.
pub fn quoted(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", inline(&text[..cut])),
        None => inline(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_right_aligned_table() {
        let mut table = Table::new(&[("Pool", Align::Left), ("Current", Align::Right)]);
        table.push(&[&"Planes of Power", &"44.00"]);
        assert_eq!(
            table.render(),
            "| Pool | Current |\n| :-- | --: |\n| Planes of Power | 44.00 |\n"
        );
    }

    #[test]
    fn keeps_the_column_count_whatever_is_pushed() {
        let mut table = Table::new(&[("A", Align::Left), ("B", Align::Left)]);
        table.push(&[&"only one"]);
        table.push(&[&1, &2, &3]);
        for line in table.render().lines() {
            assert_eq!(line.matches(" |").count(), 2, "{line}");
        }
    }

    #[test]
    fn cell_text_cannot_break_a_row() {
        let mut table = Table::new(&[("Name", Align::Left)]);
        table.push(&[&"a|b\nc\r\nd"]);
        assert_eq!(table.lines().next().unwrap(), "| a\\|b c d |\n");
    }

    #[test]
    fn whitespace_is_trimmed_and_collapsed() {
        assert_eq!(inline("  a \t\n b  "), "a b");
        assert_eq!(inline("\n"), "");
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
    fn entities_cannot_spell_a_mention() {
        assert_eq!(inline("&#64;channel"), "&\u{200B}#64;channel");
        assert_eq!(inline("&commat;here"), "&\u{200B}commat;here");
        assert_eq!(inline("Luclin & Velious"), "Luclin & Velious");
        let mut split = String::new();
        push_inline_display(&mut split, &format_args!("{}{}", "&", "#x40;all"));
        assert_eq!(split, "&\u{200B}#x40;all", "across two writes");
    }

    #[test]
    fn the_web_clients_line_break_sign_cannot_break_a_row() {
        assert_eq!(inline("Kunark\u{2424}Classics"), "Kunark Classics");
    }

    #[test]
    fn code_spans_show_commands_as_typed() {
        assert_eq!(code("get_dkp help"), "`get_dkp help`");
        assert_eq!(code(" a`b|c<d>\ne "), "`aˋb│c＜d＞ e`");
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
        assert_eq!(quoted("Zoë", 3), "Zoë");
    }
}
