//! Fuzzes the reader of the EQDKP API's JSON: any bytes give standings or an error.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mattermost_eqdkp::eqdkp::api::parse_points;

fuzz_target!(|data: &[u8]| {
    let _ = parse_points(data);
});
