//! Laying a reply out in posts. Mattermost refuses a post of more than 16383 characters, so a
//! long table is split over several posts, each a complete table with its header, up to a
//! limit beyond which the last post says how many rows were left out.

use super::markdown::Table;

/// A piece of a reply.
#[derive(Clone, Debug)]
pub enum Block {
    /// A paragraph of markdown, already made safe.
    Text(String),
    /// A table, which may be split between posts.
    Table(Table),
}

/// How much one reply may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Characters per post.
    pub post_chars: usize,
    /// Posts per reply.
    pub max_posts: usize,
    /// Table rows per reply, when a short answer is wanted (public webhook replies).
    pub max_rows: Option<usize>,
    /// Paragraphs per reply (such as "no character named …" lines), for the same reason.
    pub max_paragraphs: Option<usize>,
}

/// Mattermost's limit on a post, in characters.
pub const MAX_POST_CHARS: usize = 16_383;

impl Limits {
    /// Slash replies: as many posts as it takes, up to ten.
    pub const SLASH: Limits = Limits {
        post_chars: MAX_POST_CHARS,
        max_posts: 10,
        max_rows: None,
        max_paragraphs: None,
    };

    /// Webhook replies are public, so they stay short: one post, a few rows and paragraphs.
    pub const WEBHOOK: Limits = Limits {
        post_chars: MAX_POST_CHARS,
        max_posts: 1,
        max_rows: Some(10),
        max_paragraphs: Some(6),
    };
}

/// Room kept free in every post for the notes added after packing.
const NOTE_ROOM: usize = 400;

/// Packs `blocks` into posts: `lead` opens the first post, `footer` closes the last, and when
/// rows or paragraphs had to be left out, `overflow(n)` says how many before the footer. Once
/// something is left out, everything after it is too, so "n more" means the last n.
pub fn pack(
    lead: Option<&str>,
    blocks: Vec<Block>,
    footer: &str,
    limits: Limits,
    overflow: impl Fn(usize) -> String,
) -> Vec<String> {
    let budget = limits
        .post_chars
        .saturating_sub(chars(footer) + NOTE_ROOM)
        .max(1);
    let mut packer = Packer {
        posts: Vec::new(),
        current: String::new(),
        current_chars: 0,
        budget,
        limits,
        rows_placed: 0,
        paragraphs_placed: 0,
        left_out: 0,
    };
    if let Some(lead) = lead {
        packer.text(lead);
    }
    for block in blocks {
        match block {
            Block::Text(text) => packer.text(&text),
            Block::Table(table) => packer.table(&table),
        }
    }
    packer.finish(footer, overflow)
}

struct Packer {
    posts: Vec<String>,
    current: String,
    current_chars: usize,
    budget: usize,
    limits: Limits,
    rows_placed: usize,
    paragraphs_placed: usize,
    left_out: usize,
}

impl Packer {
    fn text(&mut self, text: &str) {
        let text = text.trim_end();
        if text.is_empty() {
            return;
        }
        let allowed = self
            .limits
            .max_paragraphs
            .is_none_or(|max| self.paragraphs_placed < max);
        let needed = chars(text) + 2;
        if self.left_out > 0 || !allowed || !self.make_room(needed, needed) {
            self.left_out += 1;
            return;
        }
        self.push(text);
        self.push("\n\n");
        self.paragraphs_placed += 1;
    }

    fn table(&mut self, table: &Table) {
        let head = table.head();
        let head_chars = chars(head);
        let mut open = false;
        for (index, line) in table.lines().enumerate() {
            let allowed = self
                .limits
                .max_rows
                .is_none_or(|max| self.rows_placed < max);
            let posts_before = self.posts.len();
            let in_a_new_post = head_chars + chars(line);
            let here = if open { chars(line) } else { in_a_new_post };
            let placed = self.left_out == 0 && allowed && self.make_room(here, in_a_new_post);
            if !placed {
                self.left_out += table.len() - index;
                break;
            }
            if !open || self.posts.len() > posts_before {
                self.push(head);
                open = true;
            }
            self.push(line);
            self.rows_placed += 1;
        }
        if open {
            self.push("\n");
        }
    }

    /// Makes room for a piece that takes `here` characters in the current post, or `fresh` in
    /// a new one, starting that post when the current one is too full and another is allowed.
    /// False when there is no room: the post limit is reached, or the piece would not fit even
    /// in an empty post.
    fn make_room(&mut self, here: usize, fresh: usize) -> bool {
        if self.current_chars + here <= self.budget {
            return true;
        }
        let another = self.posts.len() + 1 < self.limits.max_posts;
        if self.current_chars == 0 || fresh > self.budget || !another {
            return false;
        }
        self.next_post();
        true
    }

    fn push(&mut self, text: &str) {
        self.current.push_str(text);
        self.current_chars += chars(text);
    }

    fn next_post(&mut self) {
        let post = std::mem::take(&mut self.current);
        self.posts.push(post.trim_end().to_owned());
        self.current_chars = 0;
    }

    fn finish(mut self, footer: &str, overflow: impl Fn(usize) -> String) -> Vec<String> {
        if self.left_out > 0 {
            let note = overflow(self.left_out);
            self.push(&note);
            self.push("\n\n");
        }
        self.push(footer);
        self.next_post();
        self.posts
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lookup::markdown::Align;

    fn table(rows: usize) -> Table {
        let mut table = Table::new(&[("Character", Align::Left), ("DKP", Align::Right)]);
        for i in 0..rows {
            table.push(&[
                &format_args!("Character number {i:05}"),
                &format_args!("{i}.00"),
            ]);
        }
        table
    }

    fn rows_in(post: &str) -> usize {
        post.lines()
            .filter(|line| line.starts_with("| Character number"))
            .count()
    }

    #[test]
    fn a_short_reply_is_one_post() {
        let posts = pack(
            None,
            vec![Block::Text("intro".into()), Block::Table(table(3))],
            "_footer_",
            Limits::SLASH,
            |n| format!("{n} left"),
        );
        assert_eq!(posts.len(), 1);
        assert!(posts[0].starts_with("intro\n\n| Character | DKP |\n| :-- | --: |\n"));
        assert!(posts[0].ends_with("\n\n_footer_"));
    }

    #[test]
    fn a_long_table_is_split_into_complete_tables() {
        let posts = pack(
            None,
            vec![Block::Table(table(2000))],
            "_footer_",
            Limits::SLASH,
            |n| format!("{n} left"),
        );
        assert!(posts.len() > 1);
        let mut total = 0;
        for post in &posts {
            assert!(post.chars().count() <= MAX_POST_CHARS);
            let first_table_line = post.lines().find(|l| l.starts_with('|')).unwrap();
            assert_eq!(
                first_table_line, "| Character | DKP |",
                "every post repeats the header"
            );
            total += rows_in(post);
        }
        assert_eq!(total, 2000);
        assert!(posts.last().unwrap().ends_with("_footer_"));
    }

    #[test]
    fn beyond_the_post_limit_the_last_post_counts_what_was_left_out() {
        let posts = pack(
            None,
            vec![Block::Table(table(20_000))],
            "_footer_",
            Limits::SLASH,
            |n| format!("{n} rows left out"),
        );
        assert_eq!(posts.len(), Limits::SLASH.max_posts);
        let shown: usize = posts.iter().map(|p| rows_in(p)).sum();
        let last = posts.last().unwrap();
        assert!(
            last.contains(&format!("{} rows left out", 20_000 - shown)),
            "{last}"
        );
        assert!(posts.iter().all(|p| p.chars().count() <= MAX_POST_CHARS));
    }

    #[test]
    fn webhook_replies_keep_a_few_rows_and_say_so() {
        let posts = pack(
            None,
            vec![Block::Table(table(25))],
            "_footer_",
            Limits::WEBHOOK,
            |n| format!("{n} more"),
        );
        assert_eq!(posts.len(), 1);
        assert_eq!(rows_in(&posts[0]), 10);
        assert!(posts[0].contains("15 more"));
    }

    #[test]
    fn the_lead_opens_the_first_post() {
        let posts = pack(
            Some("⚠️ stale"),
            vec![Block::Table(table(1))],
            "_f_",
            Limits::SLASH,
            |n| n.to_string(),
        );
        assert!(posts[0].starts_with("⚠️ stale\n\n| Character"));
    }

    #[test]
    fn a_webhook_reply_never_spills_into_a_second_post() {
        let problems: Vec<Block> = (0..400)
            .map(|i| Block::Text(format!("No character named “{}”.", "x".repeat(40 + i % 7))))
            .chain([Block::Table(table(3))])
            .collect();
        let posts = pack(None, problems, "_footer_", Limits::WEBHOOK, |n| {
            format!("{n} more")
        });
        assert_eq!(posts.len(), 1);
        assert_eq!(posts[0].matches("No character named").count(), 6);
        assert!(posts[0].contains("397 more"), "394 lines and 3 rows");
        assert!(posts[0].ends_with("_footer_"));
    }

    #[test]
    fn a_piece_too_big_for_any_post_is_left_out_not_sent() {
        let huge = "y".repeat(MAX_POST_CHARS);
        let posts = pack(
            None,
            vec![
                Block::Text("intro".into()),
                Block::Text(huge),
                Block::Table(table(2)),
            ],
            "_footer_",
            Limits::SLASH,
            |n| format!("{n} left out"),
        );
        assert!(posts.iter().all(|p| p.chars().count() <= MAX_POST_CHARS));
        assert!(posts.last().unwrap().contains("3 left out"), "{posts:?}");
    }
}
