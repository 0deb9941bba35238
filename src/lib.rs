//! mattermost-eqdkp: answers Mattermost slash commands and outgoing webhooks with a
//! character's DKP as an EQDKP-Plus site keeps them.
//!
//! The data flows one way: [`eqdkp`] reads the site into a [`roster::Roster`],
//! [`standings`] caches it, [`lookup`] turns a question into markdown, [`server`] answers
//! Mattermost with it through the wire types of [`mattermost`], and the command line ([`cli`])
//! runs it all.

pub mod cli;
pub mod config;
pub mod eqdkp;
pub mod errors;
pub mod lookup;
pub mod mattermost;
pub mod metrics;
pub mod names;
pub mod points;
pub mod roster;
pub mod secret;
pub mod server;
pub mod standings;
