//! What the stand-in site sends: exchange-API JSON and points pages in the shapes captured
//! from EQDKP-Plus 2.3.39 (and, from the 2.2.15 sources, 2.2.x), plus the non-points pages
//! a misconfigured or broken site answers with.

/// `write!` into a `String`, which cannot fail, without a `Result` to discard at every
/// call; renders of 20,000-character rosters would otherwise allocate per `format!`.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        let _infallible = ::std::fmt::Write::write_fmt($out, format_args!($($arg)*));
    }};
}

mod api;
mod other_pages;
mod page;
mod php;
mod shell;

use super::roster::FakeRoster;

/// Which EQDKP generation's API output to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiFlavor {
    /// 2.3.x: points as strings with `round_precision` decimals, ids as ints.
    V23,
    /// 2.2.x: points as raw JSON numbers, ids as strings, full version in `eqdkp.version`.
    V22,
}

/// Which points-page markup to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Markup {
    /// 2.3.x seen by a guest (what the bot gets).
    V23Anonymous,
    /// 2.3.x seen by a logged-in user: checkbox column, `?s=` links, "Edit table" link.
    V23LoggedIn,
    /// 2.2.x: numbering column, `class="twinktd"` on every cell, no `data-char-*`.
    V22,
}

/// Site language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    English,
    German,
}

/// Everything that shapes one `function=points` answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ApiOptions {
    pub flavor: ApiFlavor,
    /// `memberdata=items,adjustments`: fill `items` and `adjustments`.
    pub memberdata: bool,
    /// `filter=character&filterid=N`: list only that character.
    pub character: Option<u32>,
    /// The request carried a valid key; 2.3 then reports its full version.
    pub keyed: bool,
}

/// The points-page query parameters the stand-in honours, and where the site lives.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageQuery {
    /// EQDKP's `server_path`, the prefix of every link (`/` on the reference site).
    pub server_path: String,
    /// 0 = overview, N = detail view of pool N (an unknown N renders all zeros).
    pub mdkpid: u32,
    /// `show_inactive` was present (its value is ignored, as on the real site).
    pub show_inactive: bool,
    /// `show_twinks` was present.
    pub show_twinks: bool,
}

impl PageQuery {
    /// The query the bot sends: `?mdkpid=N&filter=&show_inactive=1&lbc=0`.
    pub fn bot(mdkpid: u32) -> Self {
        PageQuery {
            server_path: "/".to_string(),
            mdkpid,
            show_inactive: true,
            show_twinks: false,
        }
    }
}

/// `api.php?function=points&format=json` as an anonymous request would get it.
pub fn api_points_json(r: &FakeRoster, flavor: ApiFlavor, memberdata: bool) -> String {
    let options = ApiOptions {
        flavor,
        memberdata,
        character: None,
        keyed: false,
    };
    api::points_json(r, &options)
}

/// `function=points` with every option spelled out (filter, key).
pub fn api_points_json_with(r: &FakeRoster, options: &ApiOptions) -> String {
    api::points_json(r, options)
}

/// An API error body, e.g. `{"status":0,"error":"access denied"}` (sent with HTTP 200).
pub fn api_error(message: &str) -> String {
    api::error(message)
}

/// The points page for the bot's query (`show_inactive` present, no `show_twinks`).
pub fn points_page(r: &FakeRoster, mdkpid: u32, markup: Markup, lang: Lang) -> String {
    page::render(r, &PageQuery::bot(mdkpid), markup, lang)
}

/// The points page for any supported query.
pub fn points_page_with(r: &FakeRoster, query: &PageQuery, markup: Markup, lang: Lang) -> String {
    page::render(r, query, markup, lang)
}

/// EQDKP's "Fatal error" page, sent with HTTP 500 (e.g. `function=character` on PHP 8).
pub fn fatal_error_page() -> String {
    other_pages::fatal_error()
}

/// The login form a guest gets when guests may not see the points.
pub fn login_page() -> String {
    other_pages::login()
}

/// The page every URL answers while the site is in maintenance mode.
pub fn maintenance_page() -> String {
    other_pages::maintenance()
}

/// The 404 page of the stand-in for URLs it does not serve.
pub fn not_found_page(path: &str) -> String {
    other_pages::not_found(path)
}
