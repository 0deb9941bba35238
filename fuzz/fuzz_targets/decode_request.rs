//! Fuzzes the decoding of Mattermost requests: any body, under each content type the service
//! accepts or refuses, must decode or fail cleanly, never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mattermost_eqdkp::mattermost::{Incoming, decode_body, decode_form};

const CONTENT_TYPES: [&str; 4] = [
    "application/x-www-form-urlencoded",
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let content_type = CONTENT_TYPES[usize::from(selector) % CONTENT_TYPES.len()];
    if let Ok(fields) = decode_body(Some(content_type), body) {
        let _ = Incoming::classify(fields);
    }
    if let Ok(fields) = decode_form(body) {
        let _ = Incoming::classify(fields);
    }
});
