//! A stand-in EQDKP-Plus site serving a generated roster on 127.0.0.1, for load tests and
//! manual measurements against a site of any size without a real EQDKP install.
//!
//! ```text
//! cargo run --release --example stand_in -- --characters 20000 --pools 2
//! ```
//!
//! Prints on stdout, one per line: `url: …` (the site root for `[eqdkp] url`), `sample: …`
//! (a character name a look-up finds) and `ready`. Then it prints its request counts as
//! `requests: total=N api=N pages=N` on SIGUSR1 and when stopped (SIGINT or SIGTERM), so a
//! script can tell exactly how many times the service read the site.

#[path = "../tests/support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use support::roster::{self, FakeRoster};
use support::site::{ApiBehaviour, PageBehaviour, SiteConfig, StandIn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::signal::unix::{SignalKind, signal};

/// Serves a synthetic EQDKP-Plus roster on 127.0.0.1.
#[derive(Debug, Parser)]
struct Args {
    /// Characters in the roster (15 serves the reference site's roster instead).
    #[arg(long, default_value_t = 3_000)]
    characters: usize,
    /// Multi-DKP pools.
    #[arg(long, default_value_t = 2)]
    pools: usize,
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the synthetic roster; the same seed gives the same roster.
    #[arg(long, default_value_t = 6)]
    seed: u64,
    /// Delay before every answer, in milliseconds, to imitate a slow site (keeps a read in
    /// flight long enough for concurrent requests to pile up behind it).
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let roster = if args.characters == 15 {
        roster::reference()
    } else {
        roster::synthetic(args.characters, args.pools, args.seed)
    };
    let sample = sample_name(&roster);
    let pools: Vec<u32> = roster.pools.iter().map(|pool| pool.id).collect();

    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let site = StandIn::start_at(site_config(roster, args.delay_ms), addr).await?;
    prerender(&site, &pools).await;
    let baseline = Counts::of(&site);

    println!("url: {}", site.url());
    println!("sample: {sample}");
    println!("ready");
    report_until_stopped(&site, baseline).await
}

/// Where the site lives on the stand-in, as on a typical install in a sub-folder.
const BASE_PATH: &str = "/eqdkp/";

fn site_config(roster: FakeRoster, delay_ms: u64) -> SiteConfig {
    let mut config = SiteConfig::new(roster);
    config.base_path = BASE_PATH.to_owned();
    if delay_ms > 0 {
        // `Slow` answers as the well-behaved site does (2.3, English), only later.
        let delay = Duration::from_millis(delay_ms);
        config.api = ApiBehaviour::Slow(delay);
        config.pages = PageBehaviour::Slow(delay);
    }
    config
}

/// An active main with alts, so a look-up of it shows the whole card, and with no apostrophe,
/// so a script finds it verbatim in the markdown of the reply.
fn sample_name(roster: &FakeRoster) -> String {
    let groups = roster.groups();
    roster
        .characters
        .iter()
        .find(|c| c.active && !c.is_alt() && groups.members(c).len() > 1 && !c.name.contains('\''))
        .or_else(|| roster.characters.first())
        .map_or_else(String::new, |c| c.name.clone())
}

/// Asks once for everything the service will ask for, with the service's exact queries, so
/// the stand-in renders (and caches) its answers before any measurement starts: rendering a
/// 20,000-character page takes longer than sending it.
async fn prerender(site: &StandIn, pools: &[u32]) {
    // The stand-in caches by what it reads from the query: `mdkpid` and the mere presence of
    // `show_inactive` and `show_twinks`, both of which the service sends.
    let mut targets = vec![format!("{BASE_PATH}api.php?function=points&format=json")];
    for mdkpid in std::iter::once(0).chain(pools.iter().copied()) {
        let query = format!("mdkpid={mdkpid}&filter=&show_inactive=1&show_twinks=1");
        targets.push(format!("{BASE_PATH}index.php/Points/?{query}"));
    }
    for target in targets {
        if let Err(err) = get(site.addr(), &target).await {
            eprintln!("stand-in: pre-rendering {target} failed: {err}");
        }
    }
}

/// One HTTP/1.1 GET, reading the answer to its end (the stand-in closes every connection).
async fn get(addr: SocketAddr, target: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    let head = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await?;
    let mut sink = Vec::new();
    stream.read_to_end(&mut sink).await?;
    Ok(())
}

/// Requests the stand-in received, by route.
#[derive(Clone, Copy, Debug)]
struct Counts {
    total: usize,
    api: usize,
    pages: usize,
}

impl Counts {
    fn of(site: &StandIn) -> Counts {
        Counts {
            total: site.requests(),
            api: site.requests_to("api.php"),
            pages: site.requests_to("Points/"),
        }
    }

    /// Counts since `baseline`, leaving out the stand-in's own pre-render requests.
    fn since(self, baseline: Counts) -> Counts {
        Counts {
            total: self.total - baseline.total,
            api: self.api - baseline.api,
            pages: self.pages - baseline.pages,
        }
    }
}

async fn report_until_stopped(site: &StandIn, baseline: Counts) -> std::io::Result<()> {
    let mut report = signal(SignalKind::user_defined1())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    loop {
        let stopping = tokio::select! {
            _ = report.recv() => false,
            _ = interrupt.recv() => true,
            _ = terminate.recv() => true,
        };
        let counts = Counts::of(site).since(baseline);
        println!(
            "requests: total={} api={} pages={}",
            counts.total, counts.api, counts.pages
        );
        if stopping {
            return Ok(());
        }
    }
}
