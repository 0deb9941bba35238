//! The stand-in EQDKP-Plus site on 127.0.0.1: serves `api.php?function=points` and
//! `index.php/Points/` from a [`FakeRoster`], and on demand misbehaves the ways real sites
//! and networks do (errors, garbage, resets, hangs, endless or huge bodies, slowness).

mod faults;
mod http;

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use self::faults::{Answer, Fault, Reply};
use self::http::{Incoming, Request};
use super::render::{self, ApiFlavor, ApiOptions, Lang, Markup, PageQuery};
use super::roster::FakeRoster;

/// How the stand-in is set up when started.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    /// EQDKP's `server_path`, e.g. `/eqdkp/`; a missing leading or trailing `/` is added.
    pub base_path: String,
    pub roster: FakeRoster,
    pub api: ApiBehaviour,
    pub pages: PageBehaviour,
    /// When set, the API denies every request whose key differs ("key required" sites).
    pub api_key: Option<String>,
}

impl SiteConfig {
    /// A well-behaved 2.3 site under `/eqdkp/` that needs no key.
    pub fn new(roster: FakeRoster) -> Self {
        SiteConfig {
            base_path: "/eqdkp/".to_string(),
            roster,
            api: ApiBehaviour::Serve(ApiFlavor::V23),
            pages: PageBehaviour::Serve(Markup::V23Anonymous, Lang::English),
            api_key: None,
        }
    }
}

/// What `api.php` does. The faults are shared with [`PageBehaviour`]; `Slow`, `Huge` and
/// `EndlessBody` are based on the 2.3 answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiBehaviour {
    /// Answer `function=points&format=json` in the given flavour.
    Serve(ApiFlavor),
    /// `{"status":0,"error":"access denied"}` to every request.
    AccessDenied,
    /// `{"status":0,"error":"function not found"}` to every request.
    FunctionNotFound,
    /// HTTP 500 with EQDKP's fatal-error HTML.
    Status500FatalError,
    /// HTTP 200 with random bytes.
    Garbage,
    /// HTTP 200 with the maintenance page.
    NotPointsPage,
    /// Read the request, then reset the connection without answering.
    Reset,
    /// Read the request and never answer.
    Hang,
    /// HTTP 200, chunked, with a body that never ends.
    EndlessBody,
    /// The normal answer after a delay.
    Slow(Duration),
    /// A valid-looking answer of exactly this many bytes.
    Huge(usize),
}

/// What `index.php/Points/` does; the faults behave as for [`ApiBehaviour`], and
/// `NotPointsPage` answers with the login page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageBehaviour {
    Serve(Markup, Lang),
    Status500FatalError,
    Garbage,
    NotPointsPage,
    Reset,
    Hang,
    EndlessBody,
    Slow(Duration),
    Huge(usize),
}

/// A running stand-in; it stops accepting and drops open connections when dropped.
pub struct StandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    accept_loop: JoinHandle<()>,
}

impl StandIn {
    /// Starts the stand-in on 127.0.0.1 with a free port.
    ///
    /// # Panics
    /// When no loopback port can be bound, which leaves a test nothing to test.
    pub async fn start(config: SiteConfig) -> StandIn {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        match Self::start_at(config, loopback).await {
            Ok(stand_in) => stand_in,
            Err(e) => panic!("the stand-in EQDKP site cannot bind 127.0.0.1:0: {e}"),
        }
    }

    /// Starts the stand-in on `addr` (for an example binary or load test on a fixed port).
    pub async fn start_at(config: SiteConfig, addr: SocketAddr) -> io::Result<StandIn> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let (shutdown, stopped) = watch::channel(false);
        let accept_loop = tokio::spawn(accept_loop(listener, Arc::clone(&shared), stopped));
        Ok(StandIn {
            addr,
            shared,
            shutdown,
            accept_loop,
        })
    }

    /// Base URL of the site, e.g. `http://127.0.0.1:40123/eqdkp/`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.shared.base_path)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `{url}api.php?function=points&format=json`.
    pub fn api_url(&self) -> String {
        format!("{}api.php?function=points&format=json", self.url())
    }

    /// The bot's points-page URL for pool `mdkpid`.
    pub fn points_url(&self, mdkpid: u32) -> String {
        format!(
            "{}index.php/Points/?mdkpid={mdkpid}&filter=&show_inactive=1&lbc=0",
            self.url()
        )
    }

    /// Changes what `api.php` does from the next request on.
    pub fn set_api(&self, behaviour: ApiBehaviour) {
        *lock(&self.shared.api) = behaviour;
    }

    /// Changes what the points page does from the next request on.
    pub fn set_pages(&self, behaviour: PageBehaviour) {
        *lock(&self.shared.pages) = behaviour;
    }

    /// Requests received so far, on every route (malformed ones included).
    pub fn requests(&self) -> usize {
        lock(&self.shared.log).len()
    }

    /// Requests whose request line contains `needle`, e.g. `"api.php"` or `"Points/"`.
    pub fn requests_to(&self, needle: &str) -> usize {
        lock(&self.shared.log)
            .iter()
            .filter(|line| line.contains(needle))
            .count()
    }

    /// The latest request line, e.g. `GET /eqdkp/api.php?function=points&format=json HTTP/1.1`.
    pub fn last_request_line(&self) -> Option<String> {
        lock(&self.shared.log).last().cloned()
    }

    /// Every request line so far, oldest first.
    pub fn request_lines(&self) -> Vec<String> {
        lock(&self.shared.log).clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
        self.accept_loop.abort();
    }
}

/// Runs a stand-in until the process is stopped, printing its URL first (for an example
/// binary that load tests or manual checks point at).
pub async fn serve_forever(config: SiteConfig) {
    let stand_in = StandIn::start(config).await;
    println!("stand-in EQDKP site listening on {}", stand_in.url());
    println!("  API:    {}", stand_in.api_url());
    println!("  points: {}", stand_in.points_url(0));
    std::future::pending::<()>().await;
}

/// A poisoned lock only means another connection task panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Rendered bodies are cached: a 20,000-character page takes far longer to render than
/// to send, and load tests should measure the client, not the stand-in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum CacheKey {
    Api(ApiOptions),
    Page(PageQuery, Markup, Lang),
}

/// Bounds the cache when clients vary `mdkpid` or `filterid` freely.
const CACHE_LIMIT: usize = 64;

/// State shared by the accept loop, connection tasks and the [`StandIn`] handle.
struct Shared {
    base_path: String,
    roster: FakeRoster,
    api_key: Option<String>,
    api: Mutex<ApiBehaviour>,
    pages: Mutex<PageBehaviour>,
    log: Mutex<Vec<String>>,
    cache: Mutex<HashMap<CacheKey, Arc<String>>>,
    /// Seeds garbage bodies so each differs.
    garbage_seed: AtomicU64,
}

impl Shared {
    fn new(config: SiteConfig) -> Self {
        let trimmed = config.base_path.trim_matches('/');
        let base_path = if trimmed.is_empty() {
            "/".to_string()
        } else {
            format!("/{trimmed}/")
        };
        Shared {
            base_path,
            roster: config.roster,
            api_key: config.api_key,
            api: Mutex::new(config.api),
            pages: Mutex::new(config.pages),
            log: Mutex::new(Vec::new()),
            cache: Mutex::new(HashMap::new()),
            garbage_seed: AtomicU64::new(0x5EED),
        }
    }

    fn rendered(&self, key: CacheKey) -> Arc<String> {
        if let Some(body) = lock(&self.cache).get(&key) {
            return Arc::clone(body);
        }
        // Rendered outside the lock; two racing requests at worst render twice.
        let body = Arc::new(match &key {
            CacheKey::Api(options) => render::api_points_json_with(&self.roster, options),
            CacheKey::Page(query, markup, lang) => {
                render::points_page_with(&self.roster, query, *markup, *lang)
            }
        });
        let mut cache = lock(&self.cache);
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&body));
        body
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stopped: watch::Receiver<bool>) {
    let mut shutdown = stopped.clone();
    loop {
        let accepted = tokio::select! {
            _ = shutdown.changed() => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, Arc::clone(&shared), stopped.clone()));
            }
            // Out of descriptors under load: back off instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// One connection: read the head, log it, answer (or misbehave), close.
async fn connection(
    mut stream: TcpStream,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let incoming = tokio::select! {
        () = faults::until_stopped(&mut stopped) => return,
        incoming = http::read_request(&mut stream) => incoming,
    };
    let request = match incoming {
        Incoming::Closed => return,
        Incoming::Malformed(line) => {
            lock(&shared.log).push(line);
            let body = render::not_found_page("malformed requests");
            http::write_full(&mut stream, 400, HTML, body.as_bytes(), false).await;
            return;
        }
        Incoming::Request(request) => request,
    };
    lock(&shared.log).push(request.line.clone());

    let answer = route(&shared, &request);
    faults::deliver(answer, &mut stream, &mut stopped).await;
}

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

fn ok(content_type: &'static str, body: Arc<String>, api: bool) -> Reply {
    Reply {
        status: 200,
        content_type,
        body,
        api,
    }
}

fn route(shared: &Shared, request: &Request) -> Answer {
    let Some(rest) = request.path.strip_prefix(shared.base_path.as_str()) else {
        return Answer::Reply(not_found(request));
    };
    match rest {
        "api.php" => api_answer(shared, request),
        "index.php/Points/" | "index.php/Points.html" if request.method == "GET" => {
            page_answer(shared, request)
        }
        _ => Answer::Reply(not_found(request)),
    }
}

fn not_found(request: &Request) -> Reply {
    let body = Arc::new(render::not_found_page(&request.path));
    Reply {
        status: 404,
        content_type: HTML,
        body,
        api: false,
    }
}

fn api_answer(shared: &Shared, request: &Request) -> Answer {
    let behaviour = lock(&shared.api).clone();
    let fault = match behaviour {
        ApiBehaviour::Serve(flavor) => return Answer::Reply(serve_api(shared, request, flavor)),
        ApiBehaviour::AccessDenied => return Answer::Reply(api_error("access denied")),
        ApiBehaviour::FunctionNotFound => return Answer::Reply(api_error("function not found")),
        ApiBehaviour::Status500FatalError => Fault::Status500FatalError,
        ApiBehaviour::Garbage => {
            Fault::Garbage(shared.garbage_seed.fetch_add(1, Ordering::Relaxed))
        }
        ApiBehaviour::NotPointsPage => Fault::NotPointsPage(Arc::new(render::maintenance_page())),
        ApiBehaviour::Reset => Fault::Reset,
        ApiBehaviour::Hang => Fault::Hang,
        ApiBehaviour::EndlessBody => Fault::EndlessBody,
        ApiBehaviour::Slow(delay) => Fault::Slow(delay),
        ApiBehaviour::Huge(size) => Fault::Huge(size),
    };
    Answer::Fault(fault, serve_api(shared, request, ApiFlavor::V23))
}

fn api_error(message: &str) -> Reply {
    ok(JSON, Arc::new(render::api_error(message)), true)
}

/// The real dispatch order: method and function first (a POST to `points` is "function
/// not found"), then the key, then the points options.
fn serve_api(shared: &Shared, request: &Request, flavor: ApiFlavor) -> Reply {
    if request.method != "GET" || request.param("function") != Some("points") {
        return api_error("function not found");
    }
    // TODO: XML and Lua output are not modelled; revisit if the bot ever asks for them.
    if request.param("format") != Some("json") {
        return not_found(request);
    }
    let keyed = match (&shared.api_key, presented_key(request)) {
        (Some(key), Some(given)) if given == key.as_str() => true,
        (Some(_), _) => return api_error("access denied"),
        (None, _) => false,
    };

    // A junk filterid lists nobody, as PHP's intval turns it into 0.
    // TODO: `filter=user` is ignored (the roster has no users, so the full list is served);
    // revisit if the bot starts filtering by user.
    let character = match request.param("filter") {
        Some("character") => {
            let id = request.param("filterid").and_then(|id| id.parse().ok());
            Some(id.unwrap_or(0))
        }
        _ => None,
    };
    let memberdata = request.param("memberdata").is_some_and(|v| !v.is_empty());
    let options = ApiOptions {
        flavor,
        memberdata,
        character,
        keyed,
    };
    ok(JSON, shared.rendered(CacheKey::Api(options)), true)
}

/// The key as EQDKP accepts it: `atoken` in the query, or `Authorization: token=K`,
/// `Authorization: K`, `X-Custom-Authorization: K`.
fn presented_key(request: &Request) -> Option<&str> {
    let header = request
        .header("authorization")
        .or_else(|| request.header("x-custom-authorization"));
    let header = header.map(|value| value.strip_prefix("token=").unwrap_or(value));
    request.param("atoken").or(header)
}

fn page_answer(shared: &Shared, request: &Request) -> Answer {
    let behaviour = lock(&shared.pages).clone();
    let fault = match behaviour {
        PageBehaviour::Serve(markup, lang) => {
            return Answer::Reply(serve_page(shared, request, markup, lang));
        }
        PageBehaviour::Status500FatalError => Fault::Status500FatalError,
        PageBehaviour::Garbage => {
            Fault::Garbage(shared.garbage_seed.fetch_add(1, Ordering::Relaxed))
        }
        PageBehaviour::NotPointsPage => Fault::NotPointsPage(Arc::new(render::login_page())),
        PageBehaviour::Reset => Fault::Reset,
        PageBehaviour::Hang => Fault::Hang,
        PageBehaviour::EndlessBody => Fault::EndlessBody,
        PageBehaviour::Slow(delay) => Fault::Slow(delay),
        PageBehaviour::Huge(size) => Fault::Huge(size),
    };
    Answer::Fault(
        fault,
        serve_page(shared, request, Markup::V23Anonymous, Lang::English),
    )
}

/// `mdkpid` is read like PHP's `intval` (junk is 0); `show_inactive` and `show_twinks`
/// count when present at all, whatever their value.
fn serve_page(shared: &Shared, request: &Request, markup: Markup, lang: Lang) -> Reply {
    let query = PageQuery {
        server_path: shared.base_path.clone(),
        mdkpid: request
            .param("mdkpid")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        show_inactive: request.param("show_inactive").is_some(),
        show_twinks: request.param("show_twinks").is_some(),
    };
    ok(
        HTML,
        shared.rendered(CacheKey::Page(query, markup, lang)),
        false,
    )
}
