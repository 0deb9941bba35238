//! Fuzzes the points-page scraper: any text gives standings or an error, for the overview and
//! for a pool's detail page.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mattermost_eqdkp::eqdkp::page::{parse_detail, parse_overview};
use mattermost_eqdkp::roster::Pool;

fuzz_target!(|html: &str| {
    let _ = parse_overview(html);
    let pool = Pool {
        id: 1,
        name: "Planes of Power".to_owned(),
    };
    let _ = parse_detail(html, &pool);
});
