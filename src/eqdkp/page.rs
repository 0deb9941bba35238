//! Reads EQDKP-Plus's public points pages (the overview and one detail page per pool) into
//! standings, finding every column by its caption or pool, never by its position.

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::node::Element;
use scraper::{ElementRef, Html, Node, Selector};

use crate::errors::clip;
use crate::names::{decode_entities, fold_case};
use crate::points::Points;
use crate::roster::{Character, MainRef, Pool, RosterParts, Site, Standing};

/// The overview page (`mdkpid=0`): every character with the current figure of every pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    /// The site's name, from `<meta name="author">`; empty when the page has none.
    pub site_name: String,
    /// The pools, in the site's order.
    pub pools: Vec<Pool>,
    /// One row per character listed, in page order.
    pub rows: Vec<OverviewRow>,
    /// The most decimals any figure was printed with.
    pub decimals: Option<u8>,
}

/// One character's row of the overview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverviewRow {
    /// The character's id, from its link.
    pub id: u32,
    /// The name as shown, entity-decoded.
    pub name: String,
    /// The class name, empty when the row does not show one.
    pub class: String,
    /// False when the row carries the offline icon.
    pub active: bool,
    /// Set for alts: the main named in the Type column's tooltip.
    pub main: Option<MainRef>,
    /// The current figure of each pool, in the order of [`Overview::pools`].
    pub current: Vec<Points>,
}

/// One character's row of a pool's detail page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetailRow {
    /// The character's id, from its link.
    pub id: u32,
    /// The name as shown, entity-decoded.
    pub name: String,
    /// Earned, spent, adjustment and current as the page shows them.
    pub standing: Standing,
}

/// Why a points page could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// The page has no standings table: a login, maintenance or error page, or not EQDKP.
    #[error("not an eqdkp-plus points page ({}): expected a standings table (table.hptt)",
        .title.as_deref().map_or("it has no title".to_owned(), |t| format!("its title is {t:?}")))]
    NotAPointsPage {
        /// The page's `<title>`, if any.
        title: Option<String>,
    },
    /// More than one standings table.
    #[error("expected one standings table (table.hptt) on the points page, found {0}")]
    SeveralTables(usize),
    /// The standings table has no row of `<th>` captions.
    #[error("the standings table has no header row of <th> captions")]
    NoHeader,
    /// Neither a pool selector nor a pool column was found.
    #[error("the overview names no pools: expected a pool selector or columns marked tt_eventN")]
    NoPools,
    /// A pool selector option whose value is not a pool id.
    #[error("the pool selector offers {0:?}, expected a numeric pool id")]
    BadPoolId(String),
    /// A detail page shows another pool than the one asked for.
    #[error("expected the detail page of pool {pool:?} (id {id}), but the page shows {shown}")]
    WrongPool {
        /// The pool asked for.
        pool: String,
        /// Its id.
        id: u32,
        /// What the page's pool selector has selected.
        shown: String,
    },
    /// A column the scraper needs has no caption it knows.
    #[error("cannot find the {column} column on {page}; the captions are {}; the site's \
        language or table layout is not one this scraper knows, so set source = \"api\"",
        .seen.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", "))]
    ColumnNotFound {
        /// The column looked for.
        column: String,
        /// Which page.
        page: String,
        /// Every caption of the header row.
        seen: Vec<String>,
    },
    /// Two columns carry captions for the same thing.
    #[error("two columns on {page} could be the {column} column: {first:?} and {second:?}")]
    AmbiguousColumn {
        /// The column looked for.
        column: String,
        /// Which page.
        page: String,
        /// The first matching caption.
        first: String,
        /// The second matching caption.
        second: String,
    },
    /// A data row without a link to a character.
    #[error("row {0} of the standings table has no character link (a[href*=\"Character/\"])")]
    NoCharacterLink(usize),
    /// A character link without an id.
    #[error("the character link {0:?} has no id: expected it to end in -<id>.html")]
    NoCharacterId(String),
    /// A points cell that is not a plain figure.
    #[error("{character}: the {column:?} cell holds {text:?}, expected a figure such as -12.50")]
    NotAFigure {
        /// Whose row.
        character: String,
        /// The column's caption.
        column: String,
        /// What the cell holds.
        text: String,
    },
    /// The footer's count disagrees with the rows read.
    #[error("the standings footer counts {footer} entries, but {rows} rows were read")]
    RowCountMismatch {
        /// The footer's count.
        footer: usize,
        /// Rows read.
        rows: usize,
    },
    /// `assemble` got a different number of detail pages than pools.
    #[error("expected one detail page per pool ({pools}), got {pages}")]
    DetailCountMismatch {
        /// Pools in the overview.
        pools: usize,
        /// Detail pages given.
        pages: usize,
    },
    /// An overview row without a figure for every pool.
    #[error("{character}: the overview gives {figures} figures for {pools} pools")]
    FigureCountMismatch {
        /// Whose row.
        character: String,
        /// Figures in the row.
        figures: usize,
        /// Pools in the overview.
        pools: usize,
    },
    /// A character of the overview is missing from a pool's detail page.
    #[error("{character} (id {id}) is on the overview but not on the detail page of pool {pool:?}")]
    MissingFromDetail {
        /// The character's name.
        character: String,
        /// Its id.
        id: u32,
        /// The pool's name.
        pool: String,
    },
}

impl PageError {
    /// What a guild officer can do about it, as the end of a sentence.
    pub fn advice(&self) -> &'static str {
        match self {
            PageError::NotAPointsPage { .. } => {
                "let guests see the points page (it may need a login, or the site is in \
                 maintenance), or read the api with source = \"api\""
            }
            PageError::WrongPool { .. } => "check the site's pools, or use source = \"api\"",
            _ => {
                "the points page is laid out in a way this reader does not know; use source = \"api\""
            }
        }
    }
}

/// A column the pages are read by; its value is its place in a [`CAPTIONS`] line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Name = 0,
    Earned = 1,
    Spent = 2,
    Adjustment = 3,
    Current = 4,
}

/// The header captions of each [`Column`], one entry per site language, lowercase, with the
/// spellings a column goes by separated by `|`. Another language is one more entry.
const CAPTIONS: [[&str; 5]; 2] = [
    [
        "name",
        "earned",
        "spent",
        "adjustment|adjustments",
        "current",
    ],
    [
        "name",
        "erhalten|bekommen",
        "ausgegeben",
        "anpassung|anpassungen|korrektur|korrekturen",
        "aktuell|jetzt",
    ],
];

impl Column {
    fn label(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Earned => "earned",
            Column::Spent => "spent",
            Column::Adjustment => "adjustment",
            Column::Current => "current",
        }
    }

    fn matches(self, caption: &str) -> bool {
        let caption = fold_case(caption);
        let mut spellings = CAPTIONS
            .iter()
            .flat_map(|language| language[self as usize].split('|'));
        spellings.any(|spelling| spelling == caption)
    }
}

static STANDINGS: LazyLock<Selector> = LazyLock::new(|| css("table.hptt"));
static TITLE: LazyLock<Selector> = LazyLock::new(|| css("title"));
static AUTHOR: LazyLock<Selector> = LazyLock::new(|| css(r#"meta[name="author"]"#));
static POOL_OPTION: LazyLock<Selector> = LazyLock::new(|| css(r#"select[name="mdkpid"] option"#));
static CHARACTER_LINK: LazyLock<Selector> = LazyLock::new(|| css(r#"a[href*="Character/"]"#));
static CLASS_SPAN: LazyLock<Selector> = LazyLock::new(|| css(r#"span[class^="class_"]"#));
static OFFLINE: LazyLock<Selector> = LazyLock::new(|| css("i.eqdkp-icon-offline"));
static CLASS_ICON: LazyLock<Selector> = LazyLock::new(|| css("img.classicon"));
static CORETIP: LazyLock<Selector> = LazyLock::new(|| css("span.coretip[data-coretip]"));

fn css(selector: &str) -> Selector {
    Selector::parse(selector).expect("the scraper's selectors are valid css")
}

/// Reads the overview page: the pools, and every character's current figure in each.
pub fn parse_overview(html: &str) -> Result<Overview, PageError> {
    let doc = Html::parse_document(html);
    let table = read_table(&doc)?;
    let pools = pools(&doc, &table.header)?;
    let columns = pool_columns(&table.header, &pools)?;

    let mut reader = RowReader::new(&table.header);
    let mut rows = Vec::with_capacity(table.rows.len());
    for (index, cells) in table.rows.iter().enumerate() {
        rows.push(reader.overview_row(cells, index + 1, &columns)?);
    }
    Ok(Overview {
        site_name: site_name(&doc),
        pools,
        rows,
        decimals: reader.decimals,
    })
}

/// Reads the detail page of `pool`: every character's earned, spent, adjustment and current.
pub fn parse_detail(html: &str, pool: &Pool) -> Result<Vec<DetailRow>, PageError> {
    let doc = Html::parse_document(html);
    let table = read_table(&doc)?;
    check_pool_shown(&doc, pool)?;
    let page = format!("the detail page of pool {:?} (id {})", pool.name, pool.id);
    let columns = DetailColumns::find(&table.header, &page)?;

    let mut reader = RowReader::new(&table.header);
    let mut rows = Vec::with_capacity(table.rows.len());
    for (index, cells) in table.rows.iter().enumerate() {
        rows.push(reader.detail_row(cells, index + 1, &columns)?);
    }
    Ok(rows)
}

/// Joins the overview with the detail pages: `details[i]` is the detail page of
/// `overview.pools[i]`. Current comes from the overview, the rest from the detail pages.
pub fn assemble(
    overview: Overview,
    details: Vec<Vec<DetailRow>>,
) -> Result<RosterParts, PageError> {
    let Overview {
        site_name,
        pools,
        rows,
        decimals,
    } = overview;
    if details.len() != pools.len() {
        let (pools, pages) = (pools.len(), details.len());
        return Err(PageError::DetailCountMismatch { pools, pages });
    }

    let details: Vec<HashMap<u32, Standing>> = details
        .into_iter()
        .map(|rows| rows.into_iter().map(|row| (row.id, row.standing)).collect())
        .collect();
    let mut characters = rows
        .into_iter()
        .map(|row| character(row, &pools, &details))
        .collect::<Result<Vec<_>, _>>()?;
    link_mains(&mut characters);

    Ok(RosterParts {
        site: Site {
            name: site_name,
            ..Site::default()
        },
        alts_merged: alts_merged(&characters),
        pools,
        characters,
        decimals,
    })
}

/// The standings table, split into captions and data rows.
struct Table<'a> {
    header: Vec<Heading>,
    rows: Vec<Vec<ElementRef<'a>>>,
}

/// One header cell: its visible caption, and the pool its `tt_eventN` tooltip names.
struct Heading {
    caption: String,
    pool_id: Option<u32>,
}

/// Walks the table's rows once: the first row of `<th>` is the header, rows holding a `<td>`
/// are data, and a `th.footer` row gives the count to check them against.
fn read_table(doc: &Html) -> Result<Table<'_>, PageError> {
    let mut header = None;
    let mut rows = Vec::new();
    let mut footer = None;
    for row in table_rows(standings_table(doc)?) {
        let cells: Vec<_> = row.child_elements().filter(is_cell).collect();
        if cells.iter().any(|cell| cell.value().name() == "td") {
            rows.push(cells);
        } else if header.is_none() && !cells.is_empty() {
            header = Some(cells.iter().map(|cell| heading(*cell)).collect());
        } else if let Some(count) = footer_count(&cells) {
            footer = Some(count);
        }
    }

    if let Some(footer) = footer.filter(|&count| count != rows.len()) {
        return Err(PageError::RowCountMismatch {
            footer,
            rows: rows.len(),
        });
    }
    let header = header.ok_or(PageError::NoHeader)?;
    Ok(Table { header, rows })
}

fn standings_table(doc: &Html) -> Result<ElementRef<'_>, PageError> {
    let tables: Vec<_> = doc.select(&STANDINGS).collect();
    match tables.as_slice() {
        [table] => Ok(*table),
        [] => Err(PageError::NotAPointsPage {
            title: page_title(doc),
        }),
        more => Err(PageError::SeveralTables(more.len())),
    }
}

/// The table's own rows, whether or not the parser wrapped them in `<tbody>`; rows of tables
/// nested in a cell are not the table's.
fn table_rows<'a>(table: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    table
        .child_elements()
        .flat_map(|child| match child.value().name() {
            "tr" => vec![child],
            "thead" | "tbody" | "tfoot" => child
                .child_elements()
                .filter(|row| row.value().name() == "tr")
                .collect(),
            _ => Vec::new(),
        })
}

fn is_cell(element: &ElementRef<'_>) -> bool {
    matches!(element.value().name(), "td" | "th")
}

fn heading(cell: ElementRef<'_>) -> Heading {
    let pool_id = cell
        .descendent_elements()
        .find_map(|element| element.value().classes().find_map(tooltip_pool));
    Heading {
        caption: decode_entities(&visible_text(cell)),
        pool_id,
    }
}

/// The pool id of a `tt_eventN` class (the hidden `tt_eventN_c` does not count).
fn tooltip_pool(class: &str) -> Option<u32> {
    let digits = class.strip_prefix("tt_event")?;
    all_digits(digits).then(|| digits.parse().ok()).flatten()
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The count in a footer row like `... 13 entries found` (`13 Einträge gefunden` in German).
fn footer_count(cells: &[ElementRef<'_>]) -> Option<usize> {
    let [cell] = cells else { return None };
    if !cell
        .value()
        .has_class("footer", scraper::CaseSensitivity::CaseSensitive)
    {
        return None;
    }
    first_number(&visible_text(*cell))
}

/// The first number in `text`, read across the group separators a translation might print
/// (`1.234`, `1,234`, `1 234`).
fn first_number(text: &str) -> Option<usize> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let mut digits = String::new();
    let mut chars = text[start..].chars().peekable();
    while let Some(c) = chars.next() {
        let next_is_digit = chars.peek().is_some_and(char::is_ascii_digit);
        match c {
            '0'..='9' => digits.push(c),
            '.' | ',' | '\'' | ' ' | '\u{a0}' | '\u{202f}' if next_is_digit => {}
            _ => break,
        }
    }
    digits.parse().ok()
}

/// The text a visitor sees: tooltips held in `tt_eventN_c` spans and anything styled
/// `display:none` are left out, and runs of whitespace become one space.
///
/// One walk from the top skips a hidden element with everything in it, so the cost stays
/// linear however deeply a broken or hostile page nests its tags; the walk keeps its own
/// stack for the same reason.
fn visible_text(element: ElementRef<'_>) -> String {
    let mut text = String::new();
    let mut pending: Vec<_> = element.children().rev().collect();
    while let Some(node) = pending.pop() {
        match node.value() {
            Node::Text(part) => text.push_str(part),
            Node::Element(inner) if !is_hidden(inner) => pending.extend(node.children().rev()),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_hidden(element: &Element) -> bool {
    let tooltip = element.classes().any(|class| {
        let body = class
            .strip_prefix("tt_event")
            .and_then(|rest| rest.strip_suffix("_c"));
        body.is_some_and(all_digits)
    });
    let style = element.attr("style").unwrap_or_default();
    let style: String = style.chars().filter(|c| !c.is_whitespace()).collect();
    let invisible = matches!(element.name(), "script" | "style" | "template");
    tooltip || invisible || style.to_ascii_lowercase().contains("display:none")
}

fn page_title(doc: &Html) -> Option<String> {
    let title = visible_text(doc.select(&TITLE).next()?);
    (!title.is_empty()).then(|| clip(&title))
}

fn site_name(doc: &Html) -> String {
    let author = doc.select(&AUTHOR).find_map(|meta| meta.attr("content"));
    decode_entities(author.unwrap_or_default().trim())
}

/// The pools of the overview's selector, or of its column tooltips when it has no selector.
fn pools(doc: &Html, header: &[Heading]) -> Result<Vec<Pool>, PageError> {
    let mut pools = selector_pools(doc)?;
    if pools.is_empty() {
        let from_header = |h: &Heading| {
            Some(Pool {
                id: h.pool_id?,
                name: h.caption.clone(),
            })
        };
        pools = header.iter().filter_map(from_header).collect();
    }

    if pools.is_empty() {
        return Err(PageError::NoPools);
    }
    Ok(pools)
}

/// The pools offered by `select[name=mdkpid]`, without the overview (`0`). EQDKP does not
/// escape pool names, so `Luclin & Velious ` arrives raw, with its trailing space.
fn selector_pools(doc: &Html) -> Result<Vec<Pool>, PageError> {
    let mut pools = Vec::new();
    for option in doc.select(&POOL_OPTION) {
        let value = option.attr("value").unwrap_or_default().trim();
        if value == "0" {
            continue;
        }
        let id = value
            .parse()
            .map_err(|_| PageError::BadPoolId(clip(value)))?;
        let name: String = option.text().collect();
        pools.push(Pool {
            id,
            name: decode_entities(&name).trim().to_owned(),
        });
    }
    Ok(pools)
}

/// The overview column of each pool: the one whose tooltip names the pool, else the one
/// captioned with the pool's name.
fn pool_columns(header: &[Heading], pools: &[Pool]) -> Result<Vec<usize>, PageError> {
    pools.iter().map(|pool| pool_column(header, pool)).collect()
}

fn pool_column(header: &[Heading], pool: &Pool) -> Result<usize, PageError> {
    let name = fold_case(&pool.name);
    let by_id = header.iter().position(|h| h.pool_id == Some(pool.id));
    let by_name = || header.iter().position(|h| fold_case(&h.caption) == name);
    by_id
        .or_else(by_name)
        .ok_or_else(|| PageError::ColumnNotFound {
            column: format!("pool {:?} (id {})", pool.name, pool.id),
            page: "the overview".to_owned(),
            seen: captions(header),
        })
}

/// The captions of a header, for an error; a header of hundreds of columns is not a real one,
/// so only the first few are kept.
fn captions(header: &[Heading]) -> Vec<String> {
    const SHOWN: usize = 20;
    header
        .iter()
        .take(SHOWN)
        .map(|h| clip(&h.caption))
        .collect()
}

/// The detail page must show the pool asked for: a site that ignores `mdkpid`, or does not
/// know the pool, shows the overview or zeros instead.
fn check_pool_shown(doc: &Html, pool: &Pool) -> Result<(), PageError> {
    let mut options = doc.select(&POOL_OPTION).peekable();
    if options.peek().is_none() {
        return Ok(());
    }

    let selected = options.find(|option| option.attr("selected").is_some());
    let value = selected
        .and_then(|option| option.attr("value"))
        .map(str::trim);
    if value.and_then(|v| v.parse::<u32>().ok()) == Some(pool.id) {
        return Ok(());
    }
    let shown = match value {
        Some("0") => "the overview".to_owned(),
        Some(other) => format!("pool id {}", clip(other)),
        None => "no pool".to_owned(),
    };
    Err(PageError::WrongPool {
        pool: pool.name.clone(),
        id: pool.id,
        shown,
    })
}

/// Where the figures of a detail page are.
struct DetailColumns {
    earned: usize,
    spent: usize,
    adjustment: usize,
    current: usize,
}

impl DetailColumns {
    fn find(header: &[Heading], page: &str) -> Result<DetailColumns, PageError> {
        Ok(DetailColumns {
            earned: find_column(header, Column::Earned, page)?,
            spent: find_column(header, Column::Spent, page)?,
            adjustment: find_column(header, Column::Adjustment, page)?,
            current: find_column(header, Column::Current, page)?,
        })
    }
}

fn find_column(header: &[Heading], column: Column, page: &str) -> Result<usize, PageError> {
    let mut found = header
        .iter()
        .enumerate()
        .filter(|(_, h)| column.matches(&h.caption));
    let Some((index, first)) = found.next() else {
        let (column, page) = (column.label().to_owned(), page.to_owned());
        return Err(PageError::ColumnNotFound {
            column,
            page,
            seen: captions(header),
        });
    };
    match found.next() {
        None => Ok(index),
        Some((_, second)) => Err(PageError::AmbiguousColumn {
            column: column.label().to_owned(),
            page: page.to_owned(),
            first: first.caption.clone(),
            second: second.caption.clone(),
        }),
    }
}

/// Reads data rows against one header, remembering the most decimals seen.
struct RowReader<'t> {
    header: &'t [Heading],
    name_column: Option<usize>,
    decimals: Option<u8>,
}

/// The character a row is about.
struct Named<'a> {
    id: u32,
    name: String,
    cell: usize,
    link: ElementRef<'a>,
}

impl<'t> RowReader<'t> {
    fn new(header: &'t [Heading]) -> RowReader<'t> {
        let name_column = header.iter().position(|h| Column::Name.matches(&h.caption));
        RowReader {
            header,
            name_column,
            decimals: None,
        }
    }

    fn overview_row(
        &mut self,
        cells: &[ElementRef<'_>],
        row: usize,
        columns: &[usize],
    ) -> Result<OverviewRow, PageError> {
        let named = self.identify(cells, row)?;
        let current = columns
            .iter()
            .map(|&column| self.figure(cells, column, &named.name))
            .collect::<Result<_, _>>()?;
        Ok(OverviewRow {
            id: named.id,
            class: class_of(cells, named.cell),
            active: !is_offline(cells),
            main: main_of(cells, &named),
            name: named.name,
            current,
        })
    }

    fn detail_row(
        &mut self,
        cells: &[ElementRef<'_>],
        row: usize,
        columns: &DetailColumns,
    ) -> Result<DetailRow, PageError> {
        let Named { id, name, .. } = self.identify(cells, row)?;
        let standing = Standing {
            current: self.figure(cells, columns.current, &name)?,
            earned: self.figure(cells, columns.earned, &name)?,
            spent: self.figure(cells, columns.spent, &name)?,
            adjustment: self.figure(cells, columns.adjustment, &name)?,
        };
        Ok(DetailRow { id, name, standing })
    }

    fn identify<'a>(&self, cells: &[ElementRef<'a>], row: usize) -> Result<Named<'a>, PageError> {
        let (cell, link) = self
            .name_link(cells)
            .ok_or(PageError::NoCharacterLink(row))?;
        let href = link.attr("href").unwrap_or_default();
        // The query may carry a session id (`?s=`), which has no place in an error.
        let path = href.split('?').next().unwrap_or_default();
        let id = character_id(path).ok_or_else(|| PageError::NoCharacterId(clip(path)))?;

        let shown = link.select(&CLASS_SPAN).next().unwrap_or(link);
        let name = decode_entities(&visible_text(shown)).trim().to_owned();
        Ok(Named {
            id,
            name,
            cell,
            link,
        })
    }

    /// The character link of the Name column, or of the first cell holding one when the
    /// Name caption is in a language not known here.
    fn name_link<'a>(&self, cells: &[ElementRef<'a>]) -> Option<(usize, ElementRef<'a>)> {
        let link_in = |i: usize| Some((i, cells.get(i)?.select(&CHARACTER_LINK).next()?));
        self.name_column
            .and_then(link_in)
            .or_else(|| (0..cells.len()).find_map(link_in))
    }

    fn figure(
        &mut self,
        cells: &[ElementRef<'_>],
        column: usize,
        character: &str,
    ) -> Result<Points, PageError> {
        let text = cells.get(column).copied().map(visible_text);
        let text = text.unwrap_or_default();
        let Some((points, decimals)) = Points::parse(&text) else {
            let caption = self.header.get(column).map(|h| h.caption.clone());
            return Err(PageError::NotAFigure {
                character: character.to_owned(),
                column: caption.unwrap_or_default(),
                text: clip(&text),
            });
        };
        self.decimals = self.decimals.max(Some(decimals));
        Ok(points)
    }
}

/// The offline icon of the Status column is the only mark an inactive character gets.
fn is_offline(cells: &[ElementRef<'_>]) -> bool {
    cells
        .iter()
        .any(|cell| cell.select(&OFFLINE).next().is_some())
}

/// The id in a character link's path, `…/Character/{slug}-{id}.html`; the slug may be raw
/// UTF-8 and may itself hold dashes.
fn character_id(path: &str) -> Option<u32> {
    let (_, page) = path.rsplit_once("Character/")?;
    let stem = &page[..page.find(".html")?];
    let (_, digits) = stem.rsplit_once('-')?;
    all_digits(digits).then(|| digits.parse().ok()).flatten()
}

/// The class from the class icon's title, else from a class-coloured span outside the name
/// cell (the name link is coloured by class too, with the character's name in it).
fn class_of(cells: &[ElementRef<'_>], name_cell: usize) -> String {
    let icon = cells
        .iter()
        .find_map(|cell| cell.select(&CLASS_ICON).find_map(|i| i.attr("title")));
    let span = || {
        let mut others = cells.iter().enumerate().filter(|(i, _)| *i != name_cell);
        others
            .find_map(|(_, cell)| cell.select(&CLASS_SPAN).next())
            .map(visible_text)
    };
    let class = icon.map(str::to_owned).or_else(span).unwrap_or_default();
    decode_entities(class.trim())
}

/// The main of an alt. The Type column's tooltip lists the group, main first, in every
/// version; 2.3 also flags alts on the link (`data-char-twink`), which wins when present.
fn main_of(cells: &[ElementRef<'_>], named: &Named<'_>) -> Option<MainRef> {
    let tip = cells
        .iter()
        .find_map(|cell| cell.select(&CORETIP).next()?.attr("data-coretip"));
    // An alt flagged without a tooltip keeps no main: its main's name is nowhere on the page.
    let main = tip.and_then(coretip_main)?;
    if fold_case(&main) == fold_case(&named.name) {
        return None;
    }

    match named.link.attr("data-char-twink").map(str::trim) {
        Some("0") => None,
        _ => Some(MainRef {
            id: None,
            name: main,
        }),
    }
}

/// The main's name in a tooltip like `Main: Aradune<br />Tarnk<br />`; the label before
/// `: ` is translated, the names are not.
fn coretip_main(tip: &str) -> Option<String> {
    let first = tip.split("<br").next().unwrap_or_default();
    let name = first.split_once(": ").map_or(first, |(_, name)| name);
    let name = decode_entities(name.trim());
    (!name.is_empty()).then_some(name)
}

fn character(
    row: OverviewRow,
    pools: &[Pool],
    details: &[HashMap<u32, Standing>],
) -> Result<Character, PageError> {
    let standings = standings(&row, pools, details)?;
    Ok(Character {
        id: row.id,
        name: row.name,
        class: row.class,
        active: row.active,
        main: row.main,
        standings,
        items: Vec::new(),
        adjustments: Vec::new(),
    })
}

/// A row's standing in each pool: current from the overview, the rest from the pool's detail
/// page, matched by character id.
fn standings(
    row: &OverviewRow,
    pools: &[Pool],
    details: &[HashMap<u32, Standing>],
) -> Result<Vec<Standing>, PageError> {
    if row.current.len() != pools.len() {
        let (figures, pools) = (row.current.len(), pools.len());
        let character = row.name.clone();
        return Err(PageError::FigureCountMismatch {
            character,
            figures,
            pools,
        });
    }

    let missing = |pool: &Pool| PageError::MissingFromDetail {
        character: row.name.clone(),
        id: row.id,
        pool: pool.name.clone(),
    };
    let figures = pools.iter().zip(details).zip(&row.current);
    figures
        .map(|((pool, detail), &current)| {
            let found = detail.get(&row.id).ok_or_else(|| missing(pool))?;
            Ok(Standing { current, ..*found })
        })
        .collect()
}

/// Fills in each alt's main id from the mains listed on the same page.
fn link_mains(characters: &mut [Character]) {
    let mains: HashMap<String, u32> = characters
        .iter()
        .filter(|c| !c.is_alt())
        .map(|c| (fold_case(&c.name), c.id))
        .collect();
    for main in characters.iter_mut().filter_map(|c| c.main.as_mut()) {
        main.id = mains.get(&fold_case(&main.name)).copied();
    }
}

/// Whether the site adds alts into their mains: then every alt repeats its main's figures.
/// Alts whose main is not listed prove nothing either way and are passed over.
fn alts_merged(characters: &[Character]) -> bool {
    let by_id: HashMap<u32, &Character> = characters.iter().map(|c| (c.id, c)).collect();
    let mut pairs = characters
        .iter()
        .filter_map(|alt| Some((alt, *by_id.get(&alt.main.as_ref()?.id?)?)))
        .peekable();
    let same_current = |(alt, main): (&Character, &Character)| {
        alt.standings
            .iter()
            .map(|s| s.current)
            .eq(main.standings.iter().map(|s| s.current))
    };
    pairs.peek().is_some() && pairs.all(same_current)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OVERVIEW: &str = include_str!("../../tests/fixtures/page/overview-2.3-anon.html");
    const OVERVIEW_LOGGED_IN: &str =
        include_str!("../../tests/fixtures/page/overview-2.3-loggedin.html");
    const OVERVIEW_22: &str = include_str!("../../tests/fixtures/page/overview-2.2.html");
    const OVERVIEW_OWN_FIGURES: &str =
        include_str!("../../tests/fixtures/page/overview-show-twinks-setting.html");
    const DETAIL_1: &str = include_str!("../../tests/fixtures/page/detail-2.3-anon-pool1.html");
    const DETAIL_4: &str = include_str!("../../tests/fixtures/page/detail-2.3-anon-pool4.html");
    const DETAIL_22: &str = include_str!("../../tests/fixtures/page/detail-2.2-pool1.html");
    const DETAIL_DE: &str = include_str!("../../tests/fixtures/page/detail-de-pool1.html");
    const DETAIL_FR: &str = include_str!("../../tests/fixtures/page/detail-fr-pool1.html");
    const LOGIN: &str = include_str!("../../tests/fixtures/page/login.html");

    fn pool(id: u32, name: &str) -> Pool {
        Pool {
            id,
            name: name.to_owned(),
        }
    }

    fn old_world() -> Pool {
        pool(1, "Old World")
    }

    fn kunark() -> Pool {
        pool(4, "Kunark & Velious")
    }

    fn shown(points: &[Points]) -> Vec<String> {
        points.iter().map(|p| p.display(2).to_string()).collect()
    }

    fn standing(row: &DetailRow) -> [String; 4] {
        let s = row.standing;
        [s.earned, s.spent, s.adjustment, s.current].map(|p| p.display(2).to_string())
    }

    fn row<'a>(overview: &'a Overview, name: &str) -> &'a OverviewRow {
        overview
            .rows
            .iter()
            .find(|r| r.name == name)
            .expect("the fixture lists the character")
    }

    fn details() -> Vec<Vec<DetailRow>> {
        let first = parse_detail(DETAIL_1, &old_world()).expect("pool 1 reads");
        vec![
            first,
            parse_detail(DETAIL_4, &kunark()).expect("pool 4 reads"),
        ]
    }

    #[test]
    fn reads_the_overview_past_the_leaderboard() {
        let overview = parse_overview(OVERVIEW).expect("the overview reads");

        assert_eq!(overview.site_name, "Frostfang Vanguard");
        assert_eq!(overview.pools, [old_world(), kunark()]);
        assert_eq!(overview.decimals, Some(2));
        let ids: Vec<u32> = overview.rows.iter().map(|r| r.id).collect();
        assert_eq!(ids, [3, 7, 12, 15, 20, 11]);
        assert_eq!(
            shown(&row(&overview, "Grimtooth").current),
            ["-312.75", "-5.00"]
        );
        assert_eq!(
            shown(&row(&overview, "Brannoc").current),
            ["104.50", "70.00"]
        );
        assert_eq!(row(&overview, "Þórin").class, "Cleric");
    }

    #[test]
    fn decodes_names_and_marks_inactive_characters() {
        let overview = parse_overview(OVERVIEW).expect("the overview reads");

        assert_eq!(row(&overview, "Dal'vara").id, 7);
        assert_eq!(row(&overview, "Þórin").id, 11);
        let inactive: Vec<&str> = overview
            .rows
            .iter()
            .filter(|r| !r.active)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(inactive, ["Oldmar"]);
    }

    #[test]
    fn an_alt_names_its_main_and_repeats_its_figures() {
        let overview = parse_overview(OVERVIEW).expect("the overview reads");

        let vessa = row(&overview, "Vessa");
        let main = vessa.main.as_ref().map(|m| m.name.as_str());
        assert_eq!(main, Some("Brannoc"));
        assert_eq!(shown(&vessa.current), ["104.50", "70.00"]);
        let alts = overview.rows.iter().filter(|r| r.main.is_some()).count();
        assert_eq!(alts, 1, "a main listing its group in the tooltip is no alt");
    }

    #[test]
    fn logged_in_markup_reads_the_same() {
        let logged_in = parse_overview(OVERVIEW_LOGGED_IN).expect("the logged-in page reads");
        assert_eq!(
            logged_in,
            parse_overview(OVERVIEW).expect("the guest page reads")
        );
    }

    #[test]
    fn version_2_2_markup_reads_the_same() {
        let old = parse_overview(OVERVIEW_22).expect("the 2.2 overview reads");
        assert_eq!(
            old,
            parse_overview(OVERVIEW).expect("the 2.3 overview reads")
        );

        let old = parse_detail(DETAIL_22, &old_world()).expect("the 2.2 detail page reads");
        assert_eq!(
            old,
            parse_detail(DETAIL_1, &old_world()).expect("the 2.3 detail reads")
        );
    }

    #[test]
    fn reads_a_detail_page_by_its_captions() {
        let rows = parse_detail(DETAIL_1, &old_world()).expect("the detail page reads");

        assert_eq!(rows.len(), 6);
        let by_name = |name: &str| rows.iter().find(|r| r.name == name).map(standing);
        assert_eq!(
            by_name("Brannoc").unwrap(),
            ["150.00", "45.50", "0.00", "104.50"]
        );
        assert_eq!(
            by_name("Grimtooth").unwrap(),
            ["35.25", "0.00", "-348.00", "-312.75"]
        );
        assert_eq!(by_name("Vessa"), by_name("Brannoc"));
    }

    #[test]
    fn german_captions_read_like_english() {
        let german = parse_detail(DETAIL_DE, &old_world()).expect("the German page reads");
        assert_eq!(
            german,
            parse_detail(DETAIL_1, &old_world()).expect("the English one too")
        );
    }

    #[test]
    fn unknown_captions_fail_and_say_what_to_do() {
        let err = parse_detail(DETAIL_FR, &old_world()).unwrap_err();

        let PageError::ColumnNotFound { column, seen, .. } = &err else {
            panic!("expected a missing column, got {err:?}");
        };
        assert_eq!(column, "earned");
        assert!(seen.iter().any(|caption| caption == "Gagné"), "{seen:?}");
        let message = err.to_string();
        assert!(message.contains("earned column"), "{message}");
        assert!(message.contains(r#"source = "api""#), "{message}");
    }

    #[test]
    fn a_login_page_is_not_a_points_page() {
        let title = Some("Login - Frostfang Vanguard".to_owned());
        let expected = PageError::NotAPointsPage { title };
        assert_eq!(parse_overview(LOGIN), Err(expected.clone()));
        assert_eq!(parse_detail(LOGIN, &old_world()), Err(expected));

        let garbage = parse_overview("\u{0}\u{fffd}PK\u{3}\u{4}<<x");
        assert_eq!(garbage, Err(PageError::NotAPointsPage { title: None }));
    }

    #[test]
    fn assembles_standings_and_sees_merged_alts() {
        let overview = parse_overview(OVERVIEW).expect("the overview reads");
        let parts = assemble(overview, details()).expect("the pages fit together");

        assert!(parts.alts_merged);
        assert_eq!(
            (parts.site.name.as_str(), parts.decimals),
            ("Frostfang Vanguard", Some(2))
        );
        let vessa = parts.characters.iter().find(|c| c.name == "Vessa").unwrap();
        assert_eq!(
            vessa.main,
            Some(MainRef {
                id: Some(3),
                name: "Brannoc".to_owned()
            })
        );
        let brannoc = parts
            .characters
            .iter()
            .find(|c| c.name == "Brannoc")
            .unwrap();
        let kunark = brannoc.standings[1];
        assert_eq!(
            shown(&[kunark.earned, kunark.spent, kunark.adjustment]),
            ["75.00", "10.00", "5.00"]
        );
        for character in &parts.characters {
            for s in &character.standings {
                assert_eq!(
                    s.earned - s.spent + s.adjustment,
                    s.current,
                    "{}",
                    character.name
                );
            }
        }
    }

    #[test]
    fn own_figures_per_alt_are_not_merged() {
        let overview = parse_overview(OVERVIEW_OWN_FIGURES).expect("the overview reads");
        assert_eq!(
            overview.pools,
            [old_world(), kunark()],
            "pools come from the header"
        );
        assert_eq!(shown(&row(&overview, "Vessa").current), ["24.50", "15.00"]);

        let parts = assemble(overview, details()).expect("the pages fit together");
        assert!(!parts.alts_merged);
    }

    #[test]
    fn a_character_missing_from_a_detail_page_is_an_error() {
        let overview = parse_overview(OVERVIEW).expect("the overview reads");
        let mut details = details();
        details[1].retain(|r| r.name != "Oldmar");

        let err = assemble(overview.clone(), details).unwrap_err();
        let pool = "Kunark & Velious".to_owned();
        assert_eq!(
            err,
            PageError::MissingFromDetail {
                character: "Oldmar".into(),
                id: 15,
                pool
            }
        );
        let one_page = assemble(overview, vec![Vec::new()]).unwrap_err();
        assert_eq!(
            one_page,
            PageError::DetailCountMismatch { pools: 2, pages: 1 }
        );
    }

    #[test]
    fn a_points_cell_that_is_not_a_figure_is_an_error() {
        let html = OVERVIEW.replace(">-312.75<", ">n/a<");

        let err = parse_overview(&html).unwrap_err();
        let (character, column, text) = ("Grimtooth".into(), "Old World".into(), "n/a".into());
        assert_eq!(
            err,
            PageError::NotAFigure {
                character,
                column,
                text
            }
        );
    }

    #[test]
    fn the_footer_count_must_match_the_rows() {
        let html = OVERVIEW.replace("6 entries found", "7 entries found");
        let err = parse_overview(&html).unwrap_err();
        assert_eq!(err, PageError::RowCountMismatch { footer: 7, rows: 6 });

        let html = DETAIL_DE.replace("6 Einträge gefunden", "5 Einträge gefunden");
        let err = parse_detail(&html, &old_world()).unwrap_err();
        assert_eq!(err, PageError::RowCountMismatch { footer: 5, rows: 6 });
    }

    #[test]
    fn pool_columns_are_found_by_their_tooltip_id_first() {
        // The selector keeps the name's double spaces; the visible caption does not.
        let spaced = r#"<option value="4">Kunark  &amp;  Velious </option>"#;
        let html = OVERVIEW.replace(r#"<option value="4">Kunark & Velious </option>"#, spaced);

        let overview = parse_overview(&html).expect("the overview reads");
        assert_eq!(overview.pools[1], pool(4, "Kunark  &  Velious"));
        assert_eq!(
            shown(&row(&overview, "Grimtooth").current),
            ["-312.75", "-5.00"]
        );
    }

    #[test]
    fn pool_columns_fall_back_to_the_pool_name() {
        // Without the tt_event4 class the column is found by its visible caption, which
        // must leave out the hidden event list.
        let html = OVERVIEW.replace("tt_event4", "tooltip4");
        let overview = parse_overview(&html).expect("the overview reads");
        assert_eq!(
            shown(&row(&overview, "Grimtooth").current),
            ["-312.75", "-5.00"]
        );

        let renamed = r#"<option value="5">Planes of Power</option>"#;
        let html = html.replace(r#"<option value="4">Kunark & Velious </option>"#, renamed);
        let err = parse_overview(&html).unwrap_err();
        assert!(
            err.to_string().contains(r#"pool "Planes of Power" (id 5)"#),
            "{err}"
        );
    }

    #[test]
    fn a_detail_page_of_another_pool_is_refused() {
        let err = parse_detail(DETAIL_1, &kunark()).unwrap_err();
        let (pool, shown) = ("Kunark & Velious".to_owned(), "pool id 1".to_owned());
        assert_eq!(err, PageError::WrongPool { pool, id: 4, shown });
    }

    #[test]
    fn reads_the_id_from_a_character_link() {
        assert_eq!(character_id("/index.php/Character/Þórin-11.html"), Some(11));
        assert_eq!(character_id("/Character/Ash-and-Ember-205.html"), Some(205));
        for path in [
            "/Character/Brannoc.html",
            "/Character/Brannoc-.html",
            "/Character/x-+1.html",
        ] {
            assert_eq!(character_id(path), None, "{path}");
        }
    }

    #[test]
    fn reads_the_main_from_a_tooltip_in_any_language() {
        assert_eq!(
            coretip_main("Main: Brannoc<br />Vessa<br />").as_deref(),
            Some("Brannoc")
        );
        assert_eq!(
            coretip_main("Hauptcharakter: Dal&#39;vara<br />").as_deref(),
            Some("Dal'vara")
        );
        assert_eq!(coretip_main(""), None);
    }

    #[test]
    fn reads_footer_counts_with_group_separators() {
        assert_eq!(first_number("... 13 entries found"), Some(13));
        assert_eq!(first_number("... 5.000 Einträge gefunden"), Some(5000));
        assert_eq!(first_number("no count"), None);
    }

    #[test]
    fn a_long_table_is_read_row_by_row() {
        let start = OVERVIEW
            .find("<tr>\n\t<td >")
            .expect("the fixture has data rows");
        let end = OVERVIEW
            .find("<tr>\n\t<th colspan")
            .expect("the fixture has a footer");
        let (copies, count) = (100, 6 * 100);
        let body = OVERVIEW[start..end].repeat(copies);
        let html = format!("{}{body}{}", &OVERVIEW[..start], &OVERVIEW[end..])
            .replace("6 entries found", &format!("{count} entries found"));

        let overview = parse_overview(&html).expect("the long overview reads");
        assert_eq!(overview.rows.len(), count);
        assert_eq!(overview.rows[count - 1], overview.rows[5]);
    }

    #[test]
    fn visible_text_skips_tooltips_at_any_depth() {
        let depth = 20_000;
        let html = format!(
            "<table><tr><td>{}<span class=\"tt_event1_c\" style=\"display:none\">Events: \
             Plane of Fear</span>Planes of Power{}</td></tr></table>",
            "<span>".repeat(depth),
            "</span>".repeat(depth)
        );
        let doc = Html::parse_fragment(&html);
        let cell = doc.select(&Selector::parse("td").unwrap()).next().unwrap();
        assert_eq!(visible_text(cell), "Planes of Power");
    }
}
