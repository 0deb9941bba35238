//! Reading an EQDKP-Plus site: which interface to use, and what went wrong when none worked.

pub mod api;
mod client;
pub mod page;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use reqwest::Url;
use tokio::io::AsyncReadExt;

use crate::config::{EqdkpConfig, SourceKind, Target};
use crate::roster::{Character, Origin, Roster, RosterParts};
use crate::secret::Secret;
use api::ApiError;
use client::{Answer, Http};
use page::PageError;

/// Why the standings could not be read. Each message is one clause a guild officer can read;
/// [`FetchError::advice`] says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The site took longer than `[eqdkp] timeout`.
    #[error("the site did not answer within {}", humantime::format_duration(*.0))]
    Timeout(Duration),
    /// No connection could be made.
    #[error("cannot connect to the site ({0})")]
    Connect(String),
    /// The connection broke, or the answer was not valid HTTP.
    #[error("the connection to the site failed ({0})")]
    Transport(String),
    /// An HTTP status other than success.
    #[error("the site answered http {status} to {resource}")]
    Status {
        /// The status code.
        status: u16,
        /// What was asked for, such as `api.php`.
        resource: &'static str,
    },
    /// The answer was bigger than `[eqdkp] max_body`.
    #[error("the site's answer is larger than the {limit}-byte limit")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The API answered, but not with standings.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The points page answered, but could not be read.
    #[error(transparent)]
    Page(#[from] PageError),
    /// With `source = "auto"`: the API refused and the pages failed too.
    #[error("{api}, and the points page could not be read either: {page}")]
    Both {
        /// Why the API was not used.
        api: Box<FetchError>,
        /// Why the pages failed.
        page: Box<FetchError>,
    },
    /// Items and adjustments come only from the API, and this service reads the pages.
    #[error(
        "items and adjustments are only in the eqdkp api, and this service reads the points pages"
    )]
    ItemsNeedApi,
    /// The site does not know the character asked about.
    #[error("the site has no character with id {0}")]
    NoSuchCharacter(u32),
    /// The code reading the site stopped with a panic: a bug of this service, not the site.
    #[error("the reader of the standings stopped unexpectedly")]
    Crashed,
    /// The saved roster file could not be read.
    #[error("cannot read {}: {reason}", .path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl FetchError {
    /// What a guild officer can do about it, as the end of a sentence.
    pub fn advice(&self) -> &'static str {
        match self {
            FetchError::Timeout(_) => {
                "check that the site is up, or raise [eqdkp] timeout if it is only slow"
            }
            FetchError::Connect(_) => "check [eqdkp] url and that this host can reach the site",
            FetchError::Status { status: 404, .. } => {
                "check [eqdkp] url: it must be the folder that holds index.php and api.php"
            }
            FetchError::Status {
                status: 401 | 403, ..
            } => "let guests see the points page, or configure a read-only api key",
            FetchError::Status { .. } => "the site itself is failing; its error log will say why",
            FetchError::Transport(_) => {
                "check that the site is up and that no proxy or firewall cuts the connection"
            }
            FetchError::TooLarge { .. } => {
                "raise [eqdkp] max_body if the roster really is that big"
            }
            FetchError::Api(ApiError::AccessDenied) => {
                "set [eqdkp] api_key_file to the site's read-only api key, or use source = \"auto\""
            }
            FetchError::Api(_) => "try [eqdkp] source = \"page\"",
            FetchError::Page(err) => err.advice(),
            FetchError::Both { page, .. } => page.advice(),
            FetchError::File { .. } => "check [eqdkp] file",
            FetchError::ItemsNeedApi => {
                "set [eqdkp] source = \"api\" or \"auto\", with a read-only key if the site needs one"
            }
            FetchError::NoSuchCharacter(_) => "the roster changed; try again in a minute",
            FetchError::Crashed => {
                "this is a bug in mattermost-eqdkp; its log has the details, please report them"
            }
        }
    }

    /// Whether `source = "auto"` should try the points pages after this API failure: yes when
    /// the API refused or is broken, no when the site as a whole is unreachable.
    fn api_refused(&self) -> bool {
        match self {
            FetchError::Api(err) => err.is_refusal(),
            FetchError::Status { .. } | FetchError::Page(_) => true,
            _ => false,
        }
    }
}

/// Reads the standings from wherever the configuration says.
#[derive(Debug, Clone)]
pub struct Source {
    target: Target,
    kind: SourceKind,
    api_key: Option<Secret>,
    timeout: Duration,
    max_body: usize,
    http: Http,
}

/// The query every points page is fetched with. The site checks only whether these parameters
/// are present, so `=1` is a convention; `show_twinks` lists alts and `show_hidden` characters
/// of hidden ranks, so the pages list everyone the API does.
const PAGE_QUERY: [(&str, &str); 4] = [
    ("filter", ""),
    ("show_inactive", "1"),
    ("show_twinks", "1"),
    ("show_hidden", "1"),
];

impl Source {
    /// A source for the `[eqdkp]` table.
    pub fn new(config: &EqdkpConfig) -> Result<Source, FetchError> {
        Ok(Source {
            target: config.target.clone(),
            kind: config.source,
            api_key: config.api_key.clone(),
            timeout: config.timeout,
            max_body: config.max_body,
            http: Http::new(config.timeout, config.max_body)?,
        })
    }

    /// Reads the whole roster once, within `[eqdkp] timeout` whatever happens.
    pub async fn read(&self) -> Result<Roster, FetchError> {
        let read = tokio::time::timeout(self.timeout, self.read_unbounded()).await;
        let (parts, origin) = read.map_err(|_| FetchError::Timeout(self.timeout))??;
        Ok(Roster::new(parts, origin, SystemTime::now()))
    }

    async fn read_unbounded(&self) -> Result<(RosterParts, Origin), FetchError> {
        let base = match &self.target {
            Target::File(path) => return Ok((self.read_file(path).await?, Origin::File)),
            Target::Site(base) => base,
        };

        match self.kind {
            SourceKind::Api => Ok((self.read_api(base).await?, Origin::Api)),
            SourceKind::Page => Ok((self.read_pages(base).await?, Origin::Page)),
            SourceKind::Auto => match self.read_api(base).await {
                Ok(parts) => Ok((parts, Origin::Api)),
                Err(api) if api.api_refused() => {
                    tracing::info!(reason = %api, "the api was not usable; reading the pages");
                    let pages = self.read_pages(base).await;
                    let parts = pages.map_err(|page| FetchError::Both {
                        api: Box::new(api),
                        page: Box::new(page),
                    })?;
                    Ok((parts, Origin::Page))
                }
                Err(err) => Err(err),
            },
        }
    }

    async fn read_api(&self, base: &Url) -> Result<RosterParts, FetchError> {
        let url = join(base, "api.php")?;
        let mut query = vec![("function", "points"), ("format", "json")];
        if let Some(key) = &self.api_key {
            query.push(("atoken", key.expose()));
        }

        let answer = self.http.get(&url, &query).await?;
        let body = success(answer, "api.php")?;
        parse_off_thread(move || api::parse_points(&body).map_err(FetchError::from)).await
    }

    /// Reads one character's items and adjustments (`memberdata`), which the roster read
    /// leaves out: a guild's whole loot history can dwarf its standings.
    pub async fn read_items(&self, character: u32) -> Result<Character, FetchError> {
        let read = tokio::time::timeout(self.timeout, self.read_items_unbounded(character)).await;
        read.map_err(|_| FetchError::Timeout(self.timeout))?
    }

    async fn read_items_unbounded(&self, character: u32) -> Result<Character, FetchError> {
        let parts = match (&self.target, self.kind) {
            (Target::File(path), _) => self.read_file(path).await?,
            (Target::Site(_), SourceKind::Page) => return Err(FetchError::ItemsNeedApi),
            (Target::Site(base), _) => self.read_member_data(base, character).await?,
        };
        let found = parts.characters.into_iter().find(|c| c.id == character);
        found.ok_or(FetchError::NoSuchCharacter(character))
    }

    async fn read_member_data(
        &self,
        base: &Url,
        character: u32,
    ) -> Result<RosterParts, FetchError> {
        let url = join(base, "api.php")?;
        let id = character.to_string();
        let mut query = vec![
            ("function", "points"),
            ("format", "json"),
            ("filter", "character"),
            ("filterid", id.as_str()),
            ("memberdata", "items,adjustments"),
        ];
        if let Some(key) = &self.api_key {
            query.push(("atoken", key.expose()));
        }

        let answer = self.http.get(&url, &query).await?;
        let body = success(answer, "api.php")?;
        let parsed =
            parse_off_thread(move || api::parse_points(&body).map_err(FetchError::from)).await;
        parsed.map_err(|err| match err {
            FetchError::Api(refusal) if refusal.is_refusal() => FetchError::ItemsNeedApi,
            other => other,
        })
    }

    async fn read_pages(&self, base: &Url) -> Result<RosterParts, FetchError> {
        let url = join(base, "index.php/Points/")?;
        let html = self.points_page(&url, 0).await?;
        let overview = parse_off_thread(move || Ok(page::parse_overview(&html)?)).await?;

        // One pool at a time: a parsed page takes about eight times its size, so parsing the
        // detail pages side by side would multiply the peak memory by the number of pools.
        let mut details = Vec::with_capacity(overview.pools.len());
        for pool in &overview.pools {
            let html = self.points_page(&url, pool.id).await?;
            let pool = pool.clone();
            details.push(parse_off_thread(move || Ok(page::parse_detail(&html, &pool)?)).await?);
        }
        Ok(page::assemble(overview, details)?)
    }

    async fn points_page(&self, url: &Url, pool: u32) -> Result<String, FetchError> {
        let pool = pool.to_string();
        let mut query = vec![("mdkpid", pool.as_str())];
        query.extend_from_slice(&PAGE_QUERY);

        let answer = self.http.get(url, &query).await?;
        let body = success(answer, "the points page")?;
        // Valid UTF-8, the usual case, becomes the page without a copy.
        Ok(String::from_utf8(body)
            .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()))
    }

    async fn read_file(&self, path: &Path) -> Result<RosterParts, FetchError> {
        let owned = path.to_owned();
        let file_error = move |reason: String| FetchError::File {
            path: owned.clone(),
            reason,
        };
        // One byte past the cap is enough to know the file is too big, and all that is read.
        let mut bytes = Vec::new();
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|err| file_error(err.to_string()))?;
        file.take(self.max_body as u64 + 1)
            .read_to_end(&mut bytes)
            .await
            .map_err(|err| file_error(err.to_string()))?;
        if bytes.len() > self.max_body {
            return Err(FetchError::TooLarge {
                limit: self.max_body,
            });
        }
        parse_off_thread(move || {
            api::parse_points(&bytes).map_err(|err| file_error(err.to_string()))
        })
        .await
    }

    /// What the service reads, for start-up logs: the site or file and the interface. A
    /// password in the url (for a site behind basic authentication) is not shown.
    pub fn describe(&self) -> String {
        match &self.target {
            Target::Site(url) => {
                let mut shown = url.clone();
                if shown.password().is_some() {
                    let _ = shown.set_password(Some("redacted"));
                }
                format!("{shown} (source: {})", self.kind)
            }
            Target::File(path) => format!("{} (saved api answer)", path.display()),
        }
    }
}

/// The body of a successful answer, or the status as an error.
fn success(answer: Answer, resource: &'static str) -> Result<Vec<u8>, FetchError> {
    if !answer.status.is_success() {
        return Err(FetchError::Status {
            status: answer.status.as_u16(),
            resource,
        });
    }
    Ok(answer.body)
}

fn join(base: &Url, path: &str) -> Result<Url, FetchError> {
    base.join(path)
        .map_err(|err| FetchError::Transport(format!("cannot build the url for {path}: {err}")))
}

/// Runs a parser on the blocking pool: a large roster takes long enough to parse that it would
/// otherwise hold up requests the cache can answer.
async fn parse_off_thread<T, F>(parse: F) -> Result<T, FetchError>
where
    F: FnOnce() -> Result<T, FetchError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(parse)
        .await
        .map_err(|_| FetchError::Crashed)?
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Source;
    use crate::config::Config;

    #[test]
    fn the_description_hides_a_password_in_the_url() {
        let text = "[eqdkp]\nurl = \"https://officer:hunter2@x.org/eqdkp/\"\n";
        let config = Config::parse(text, Path::new("/etc/c.toml")).unwrap();
        let described = Source::new(&config.eqdkp).unwrap().describe();
        assert!(!described.contains("hunter2"), "{described}");
        assert!(described.contains("officer"), "{described}");
    }
}
