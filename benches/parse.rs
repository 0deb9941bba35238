//! What one refresh of the standings costs in parsing: the exchange API's JSON and the points
//! pages, from the reference site's 15 characters up to 20,000.
//!
//! The documents come from the stand-in site's renderer, generated here rather than committed,
//! in the exact shapes the service fetches (the page query includes `show_twinks`, as
//! `eqdkp::Source` asks for it).

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mattermost_eqdkp::eqdkp::{api, page};
use mattermost_eqdkp::roster::Pool;
use support::render::{self, ApiFlavor, Lang, Markup, PageQuery};
use support::roster::{self, FakeRoster};

/// Any fixed seed will do; fixing it keeps every run on the same roster.
const SEED: u64 = 6;

/// The reference site for 15 characters (its quirks are the real ones), synthetic beyond.
fn roster_of(characters: usize) -> FakeRoster {
    if characters == 15 {
        roster::reference()
    } else {
        roster::synthetic(characters, 2, SEED)
    }
}

/// The page the service asks for: everyone listed, alts included.
fn service_page(roster: &FakeRoster, mdkpid: u32) -> String {
    let query = PageQuery {
        server_path: "/".to_owned(),
        mdkpid,
        show_inactive: true,
        show_twinks: true,
    };
    render::points_page_with(roster, &query, Markup::V23Anonymous, Lang::English)
}

fn api_json(c: &mut Criterion) {
    let mut group = c.benchmark_group("api_parse");
    // A 20,000-character parse takes tens of milliseconds; ten samples over a few seconds
    // keep `cargo bench` within minutes on two cores and still give a stable median.
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));

    for characters in [15, 3_000, 20_000] {
        let json = render::api_points_json(&roster_of(characters), ApiFlavor::V23, false);
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(characters),
            json.as_bytes(),
            |b, bytes| b.iter(|| api::parse_points(black_box(bytes))),
        );
    }
    group.finish();
}

fn pages(c: &mut Criterion) {
    let mut group = c.benchmark_group("page_parse");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));

    for characters in [15, 5_000] {
        let roster = roster_of(characters);
        let overview_html = service_page(&roster, 0);
        let pool = first_pool(&overview_html);
        let detail_html = service_page(&roster, pool.id);

        group.throughput(Throughput::Bytes(overview_html.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("overview", characters),
            overview_html.as_str(),
            |b, html| b.iter(|| page::parse_overview(black_box(html))),
        );
        group.throughput(Throughput::Bytes(detail_html.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("detail", characters),
            detail_html.as_str(),
            |b, html| b.iter(|| page::parse_detail(black_box(html), &pool)),
        );
    }
    group.finish();
}

/// The pool a detail page is checked against, as the service gets it: from the overview.
fn first_pool(overview_html: &str) -> Pool {
    let overview = page::parse_overview(overview_html).expect("the stand-in's overview parses");
    overview
        .pools
        .into_iter()
        .next()
        .expect("the stand-in's overview names a pool")
}

criterion_group!(benches, api_json, pages);
criterion_main!(benches);
