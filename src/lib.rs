//! mattermost-eqdkp: answers Mattermost slash commands and outgoing webhooks with a
//! character's DKP as an EQDKP-Plus site keeps them.
//!
//! The data flows one way: [`eqdkp`] reads the site into a [`roster::Roster`],
//! [`standings`] caches it, [`lookup`] turns a question into markdown, and the command line ([`cli`]) prints it.

pub mod cli;
pub mod config;
pub mod eqdkp;
pub mod errors;
pub mod lookup;
pub mod names;
pub mod points;
pub mod roster;
pub mod secret;
pub mod standings;
