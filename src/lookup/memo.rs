//! Answers already given from the current roster. Between two reads of the site the same
//! question has the same answer, and in a raid the same few questions come again and again,
//! so a repeated question costs a hash probe instead of matching and rendering.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use super::{Answer, Question, Surface};

/// The most answers remembered; past it the memory starts over, which bounds it whatever
/// users type.
const MAX_REMEMBERED: usize = 1024;

/// The remembered answers of one roster generation and one UTC day.
#[derive(Default)]
pub struct Memo {
    replies: RwLock<Replies>,
}

#[derive(Default)]
struct Replies {
    generation: u64,
    day: u64,
    answers: HashMap<String, Arc<Answer>, BuildHasherDefault<Fnv>>,
}

impl Memo {
    /// The answer given to `key` from the roster of this generation, if there was one today.
    pub fn get(&self, key: &str, generation: u64) -> Option<Arc<Answer>> {
        let replies = self
            .replies
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let current = replies.generation == generation && replies.day == utc_day(SystemTime::now());
        current.then(|| replies.answers.get(key).cloned()).flatten()
    }

    /// Remembers `answer` for `key`, forgetting everything from an older roster or day.
    pub fn insert(&self, key: String, generation: u64, answer: &Arc<Answer>) {
        let mut replies = self
            .replies
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());

        // The "as of" line shows the date once the day has changed, so a new day starts over.
        let day = utc_day(SystemTime::now());
        if replies.generation != generation
            || replies.day != day
            || replies.answers.len() >= MAX_REMEMBERED
        {
            replies.answers.clear();
            replies.generation = generation;
            replies.day = day;
        }
        replies.answers.insert(key, Arc::clone(answer));
    }
}

/// Everything an answer depends on besides the roster: where, how and by whom it was asked.
pub fn key(question: &Question<'_>) -> String {
    let surface = match question.surface {
        Surface::Slash => "s",
        Surface::Webhook => "w",
        Surface::Terminal => "t",
    };
    let parts = [surface, question.command, question.user_name, question.text];
    let mut key = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts {
        key.push_str(part);
        key.push('\0');
    }
    key
}

fn utc_day(now: SystemTime) -> u64 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400)
}

/// FNV-1a: a few cycles per byte where the standard hasher, built to resist crafted
/// collisions, costs several times more on every look-up. Only requests that carried a valid
/// Mattermost token reach this map, and it holds at most [`MAX_REMEMBERED`] entries, so a
/// crafted collision could slow down nobody but its author.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = hash;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(text: &str) -> Arc<Answer> {
        Arc::new(Answer {
            posts: vec![text.to_owned()],
            ..Answer::default()
        })
    }

    fn question<'a>(text: &'a str, user_name: &'a str, surface: Surface) -> Question<'a> {
        Question {
            text,
            command: "/dkp",
            user_name,
            surface,
        }
    }

    #[test]
    fn an_answer_is_remembered_for_its_generation_only() {
        let memo = Memo::default();
        memo.insert("zoe".to_owned(), 1, &answer("Zoë"));
        assert_eq!(memo.get("zoe", 1).unwrap().posts, ["Zoë"]);
        assert!(memo.get("zoe", 2).is_none(), "a newer roster");

        memo.insert("tarnk".to_owned(), 2, &answer("Tarnk"));
        assert!(
            memo.get("zoe", 2).is_none(),
            "the old roster's answers are gone"
        );
        assert!(memo.get("tarnk", 2).is_some());
    }

    #[test]
    fn the_memory_is_bounded() {
        let memo = Memo::default();
        for i in 0..=MAX_REMEMBERED {
            memo.insert(format!("q{i}"), 1, &answer("a"));
        }
        let replies = memo.replies.read().unwrap();
        assert!(replies.answers.len() <= MAX_REMEMBERED);
    }

    #[test]
    fn the_key_tells_apart_everything_an_answer_depends_on() {
        let base = key(&question("me", "alice", Surface::Slash));
        assert_ne!(base, key(&question("me", "bob", Surface::Slash)));
        assert_ne!(base, key(&question("me", "alice", Surface::Webhook)));
        assert_ne!(base, key(&question("me ", "alice", Surface::Slash)));
        // A separator no one can type keeps "a"+"lice" and "al"+"ice" apart.
        assert_ne!(
            key(&question("lice", "a", Surface::Slash)),
            key(&question("ice", "al", Surface::Slash))
        );
    }
}
