//! The points page (`index.php/Points/`): the leaderboard tables first, then the one
//! `table.hptt` standings table, in the cell markup EQDKP 2.3 (guest or logged in) and 2.2
//! print, and with the site's rules for inactive characters and alts.

use super::super::roster::{
    FakeCharacter, FakeItem, FakePool, FakeRoster, Figures, Groups, SNAPSHOT_TIME,
};
use super::php::{base64, date_dmy, fixed, html, slug};
use super::shell::{self, Frame, Visitor};
use super::{Lang, Markup, PageQuery};

/// Every character shows level 65 in the "Default" rank on the reference site.
const LEVEL: u32 = 65;

/// Leaderboard tables list the top five of each class.
const LEADERBOARD_SIZE: usize = 5;

const DAY: i64 = 86_400;

/// The captions and phrases the page uses in one language.
struct Texts {
    title: &'static str,
    standings: &'static str,
    select_pool: &'static str,
    overview: &'static str,
    show_inactive: &'static str,
    show_hidden: &'static str,
    show_twinks: &'static str,
    leaderboard: &'static str,
    select_leaderboard: &'static str,
    name: &'static str,
    level: &'static str,
    rank: &'static str,
    rank_default: &'static str,
    status: &'static str,
    class: &'static str,
    type_: &'static str,
    earned: &'static str,
    spent: &'static str,
    adjustment: &'static str,
    current: &'static str,
    last_raid: &'static str,
    raids_30: &'static str,
    raids_lifetime: &'static str,
    last_item: &'static str,
    never: &'static str,
    main: &'static str,
    twink: &'static str,
    events: &'static str,
    entries_found: &'static str,
    compare: &'static str,
    edit_table: &'static str,
}

const ENGLISH: Texts = Texts {
    title: "Points",
    standings: "Standings",
    select_pool: "Select Point account",
    overview: "Overview",
    show_inactive: "Show inactive",
    show_hidden: "Show hidden ranks",
    show_twinks: "Show twinks",
    leaderboard: "Leaderboard",
    select_leaderboard: "Select Leaderboard",
    name: "Name",
    level: "Level",
    rank: "Rank",
    rank_default: "Default",
    status: "Status",
    class: "Class",
    type_: "Type",
    earned: "Earned",
    spent: "Spent",
    adjustment: "Adjustment",
    current: "Current",
    last_raid: "Last Raid",
    raids_30: "Raids (30 days)",
    raids_lifetime: "Raids (lifetime)",
    last_item: "Last Item",
    never: "Never",
    main: "Main",
    twink: "Twink",
    events: "Events",
    entries_found: "entries found",
    compare: "Compare characters",
    edit_table: "Edit table",
};

const GERMAN: Texts = Texts {
    title: "Punkte",
    standings: "Punktestand",
    select_pool: "Punktekonto wählen",
    overview: "Übersicht",
    show_inactive: "Inaktive anzeigen",
    show_hidden: "Versteckte Ränge anzeigen",
    show_twinks: "Twinks anzeigen",
    leaderboard: "Bestenliste",
    select_leaderboard: "Bestenliste wählen",
    name: "Name",
    level: "Stufe",
    rank: "Rang",
    rank_default: "Standard",
    status: "Status",
    class: "Klasse",
    type_: "Typ",
    earned: "Erhalten",
    spent: "Ausgegeben",
    adjustment: "Anpassungen",
    current: "Aktuell",
    last_raid: "Letzter Raid",
    raids_30: "Raids (30 Tage)",
    raids_lifetime: "Raids (gesamt)",
    last_item: "Letztes Item",
    never: "Nie",
    main: "Main",
    twink: "Twink",
    events: "Ereignisse",
    entries_found: "Einträge gefunden",
    compare: "Charaktere vergleichen",
    edit_table: "Tabelle bearbeiten",
};

/// Renders the page for `query`.
pub fn render(r: &FakeRoster, query: &PageQuery, markup: Markup, lang: Lang) -> String {
    let view = View::new(r, query, markup, lang);
    let mut content = String::with_capacity(4096 + view.rows.len() * 1200);
    view.push_selectors(&mut content);
    view.push_leaderboard(&mut content);
    view.push_standings(&mut content);

    let visitor = if markup == Markup::V23LoggedIn {
        Visitor::User
    } else {
        Visitor::Guest
    };
    let frame = Frame {
        lang,
        server_path: &query.server_path,
        title: view.t.title,
        guild: &r.guild,
        visitor,
    };
    shell::wrap(&frame, &content)
}

/// One standings column: caption, and whether it hides on smartphones.
struct Column {
    caption: String,
    hidden: bool,
}

impl Column {
    fn new(caption: &str, hidden: bool) -> Self {
        Column {
            caption: caption.to_string(),
            hidden,
        }
    }
}

/// Everything derived once per page.
struct View<'a> {
    r: &'a FakeRoster,
    q: &'a PageQuery,
    markup: Markup,
    t: &'static Texts,
    groups: Groups<'a>,
    /// Highest shown earned value per pool, the yardstick of the attendance model.
    top_earned: Vec<i64>,
    /// `Some(index)` in the detail view of a known pool.
    pool: Option<usize>,
    /// Rows in name order after the inactive and alt rules.
    rows: Vec<&'a FakeCharacter>,
    /// `s=` on logged-in links, as EQDKP appends the session there.
    sid: &'static str,
}

impl<'a> View<'a> {
    fn new(r: &'a FakeRoster, q: &'a PageQuery, markup: Markup, lang: Lang) -> Self {
        let mut view = View {
            r,
            q,
            markup,
            t: if lang == Lang::German {
                &GERMAN
            } else {
                &ENGLISH
            },
            groups: r.groups(),
            top_earned: Vec::new(),
            pool: r.pool_index(q.mdkpid),
            rows: visible_rows(r, q),
            sid: if markup == Markup::V23LoggedIn {
                "s="
            } else {
                ""
            },
        };
        view.top_earned = view.top_earned_per_pool();
        view
    }

    fn top_earned_per_pool(&self) -> Vec<i64> {
        (0..self.r.pools.len())
            .map(|index| {
                self.r
                    .characters
                    .iter()
                    .map(|c| self.shown(c, index).earned)
                    .max()
            })
            .map(|top| top.unwrap_or(0))
            .collect()
    }

    /// The figures a row shows: the group's while the site merges alts (alt rows repeat
    /// their main's total), otherwise the character's own.
    fn shown(&self, c: &FakeCharacter, pool_index: usize) -> Figures {
        if self.r.alts_merged {
            self.groups.of(c, pool_index)
        } else {
            self.r.own(c, pool_index)
        }
    }

    fn is_v22(&self) -> bool {
        self.markup == Markup::V22
    }

    fn td(&self, hidden: bool) -> &'static str {
        match (self.is_v22(), hidden) {
            (false, false) => "<td >",
            (false, true) => "<td class=\"hiddenSmartphone twinktd\">",
            (true, false) => "<td  class=\"twinktd\">",
            (true, true) => "<td class=\"hiddenSmartphone\" class=\"twinktd\">",
        }
    }

    /// Admins get an "Edit table" link inside the leaderboard and standings headings.
    fn edit_link(&self) -> String {
        if self.markup != Markup::V23LoggedIn {
            return String::new();
        }
        format!(
            "<a href=\"{}admin/manage_pagelayouts.php?s=&edit=true&layout=normal\" title=\"{}\">\
             <i class=\"fa fa-pencil floatRight\"></i></a>",
            self.q.server_path, self.t.edit_table
        )
    }

    fn character_href(&self, c: &FakeCharacter) -> String {
        let sp = &self.q.server_path;
        format!(
            "{sp}index.php/Character/{}-{}.html?{}",
            slug(&c.name),
            c.id,
            self.sid
        )
    }

    /// 2.3 added `data-char-*` to member links; 2.2 had none.
    fn data_char(&self, c: &FakeCharacter) -> String {
        if self.is_v22() {
            return String::new();
        }
        format!(
            " data-char-rankid=\"0\" data-char-twink=\"{}\" data-char-classid=\"{}\"",
            u8::from(c.is_alt()),
            c.class_id
        )
    }

    fn class_icon(&self, c: &FakeCharacter) -> String {
        format!(
            "<img src=\"{}games/eq/icons/classes/{id}.png\" alt=\"class {id}\" \
             class=\"eq_classicon classicon gameicon\" title=\"{name}\"/>",
            self.q.server_path,
            id = c.class_id,
            name = html(&c.class_name)
        )
    }
}

/// Rows in binary name order: inactive characters only with `show_inactive`, alts only
/// with `show_twinks` or when the site does not merge them.
fn visible_rows<'a>(r: &'a FakeRoster, q: &PageQuery) -> Vec<&'a FakeCharacter> {
    let list_alts = q.show_twinks || !r.alts_merged;
    let mut rows: Vec<&FakeCharacter> = r
        .characters
        .iter()
        .filter(|c| q.show_inactive || c.active)
        .filter(|c| list_alts || !c.is_alt())
        .collect();
    rows.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    rows
}

/// The form head: pool selector, filter selector and the three checkboxes.
impl View<'_> {
    fn push_selectors(&self, out: &mut String) {
        let t = self.t;
        put!(
            out,
            "\t\t<form method=\"get\" action=\"{}index.php/Points/?{}\" id=\"form_listcharacters\">\n\
             <div class=\"contentHeader\">\n\t<h1 class=\"contentTitle\">{}</h1>\n</div>\n\n\
             <div class=\"tableHeader\">\n{}: <select name=\"mdkpid\" class=\"input\" onchange=\"form.submit();\" >\n",
            self.q.server_path,
            self.sid,
            t.standings,
            t.select_pool
        );
        push_option(out, 0, t.overview, self.q.mdkpid == 0);
        for pool in &self.r.pools {
            push_option(out, pool.id, &pool.name, pool.id == self.q.mdkpid);
        }
        out.push_str("\t\t\t\t</select>\n<br />\n");
        self.push_class_filter(out);
        push_checkbox(out, "show_inactive", t.show_inactive, self.q.show_inactive);
        push_checkbox(out, "show_hidden", t.show_hidden, false);
        // With the site setting "show twinks" on there is nothing to toggle.
        if self.r.alts_merged {
            push_checkbox(out, "show_twinks", t.show_twinks, self.q.show_twinks);
        }
        out.push_str("</div>\n\n");
    }

    /// The filter selector; the stand-in lists the classes but does not filter by them.
    fn push_class_filter(&self, out: &mut String) {
        out.push_str(
            "Filter: <select name=\"filter\" class=\"input\" onchange=\"form.submit();\" >\n\
             \t\t\t\t\t<option value=\"\" selected=\"selected\">-----------</option>\n",
        );
        for (class_id, class_name) in self.classes() {
            let name = html(class_name);
            put!(
                out,
                "\t\t\t\t\t<option value=\"class:{class_id}\">{name}</option>\n"
            );
        }
        out.push_str("\t\t\t\t</select>\n");
    }

    /// Distinct classes of the roster in class-name order, as the filter and the
    /// leaderboard list them.
    fn classes(&self) -> Vec<(u32, &str)> {
        let mut classes: Vec<(u32, &str)> = self
            .r
            .characters
            .iter()
            .map(|c| (c.class_id, c.class_name.as_str()))
            .collect();
        classes.sort_by(|a, b| a.1.as_bytes().cmp(b.1.as_bytes()).then(a.0.cmp(&b.0)));
        classes.dedup_by_key(|class| class.0);
        classes
    }
}

fn push_option(out: &mut String, value: u32, label: &str, selected: bool) {
    let selected = if selected {
        " selected=\"selected\""
    } else {
        ""
    };
    put!(
        out,
        "\t\t\t\t\t\n\t\t\t\t\t<option value=\"{value}\"{selected}>{label}</option>\n"
    );
}

fn push_checkbox(out: &mut String, name: &str, label: &str, checked: bool) {
    let checked = if checked { "checked=\"checked\"" } else { "" };
    put!(
        out,
        "\t\t\t\t<label><input type=\"checkbox\" name=\"{name}\" value=\"1\" \
         onchange=\"form.submit();\" {checked} /> {label}</label>\n"
    );
}

/// The leaderboard: one small table per class with its top five in one pool (the viewed
/// pool, or the first pool on the overview).
impl View<'_> {
    fn push_leaderboard(&self, out: &mut String) {
        let Some(lb_index) = self.pool.or(if self.r.pools.is_empty() {
            None
        } else {
            Some(0)
        }) else {
            return;
        };
        let t = self.t;
        put!(
            out,
            "\t<div id=\"toggleLeaderboard\"><div class=\"tableHeader\"><h2>{}{}<span class=\"toggle_button\">\
             </span></h2></div><div class=\"toggle_container\">{}: <select size=\"1\" name=\"lb_mdkpid\" \
             id=\"lb_mdkpid\" class=\"input\"  onchange=\"$('#lbc').val(1); form.submit();\">",
            t.leaderboard,
            self.edit_link(),
            t.select_leaderboard
        );
        for (index, pool) in self.r.pools.iter().enumerate() {
            let selected = if index == lb_index {
                "selected=\"selected\""
            } else {
                ""
            };
            put!(
                out,
                "<option value=\"{}\" {selected} data-form-change=\"\">{}</option>",
                pool.id,
                pool.name
            );
        }
        out.push_str("</select><div class=\"leaderboard\">");
        for (class_id, class_name) in self.classes() {
            self.push_leaderboard_class(out, lb_index, class_id, class_name);
        }
        out.push_str("</div><div class=\"clear\"></div></div></div>\n\t\n");
    }

    fn push_leaderboard_class(&self, out: &mut String, lb_index: usize, class_id: u32, name: &str) {
        let mut members: Vec<(&FakeCharacter, i64)> = self
            .rows
            .iter()
            .filter(|c| c.class_id == class_id)
            .map(|c| (*c, self.shown(c, lb_index).current()))
            .collect();
        if members.is_empty() {
            return;
        }
        members.sort_by_key(|member| std::cmp::Reverse(member.1));

        put!(
            out,
            "<div class=\"floatLeft leaderboard_class_{class_id}\" style=\"width:20%\"><div>\
             <table class=\"table fullwidth borderless nowrap colorswitch\"><tr><th colspan=\"2\">{} \
             <span class=\"class_{class_id}\">{}</span></th></tr>",
            self.class_icon(members[0].0),
            html(name)
        );
        for (c, value) in members.into_iter().take(LEADERBOARD_SIZE) {
            put!(
                out,
                "<tr><td class=\"left\"><a href=\"{}\" class=\"chartooltip\" title=\"{}\"{}>\
                 <span class=\"class_{}\">{}</span></a></td><td class=\"right\">{}</td></tr>",
                self.character_href(c),
                c.id,
                self.data_char(c),
                c.class_id,
                html(&c.name),
                self.money(value, sign_class(value)),
            );
        }
        out.push_str("</table></div></div>");
    }

    fn money(&self, hundredths: i64, class: &str) -> String {
        format!(
            "<span class=\"{class}\">{}</span>",
            fixed(hundredths, self.r.decimals)
        )
    }
}

fn sign_class(hundredths: i64) -> &'static str {
    match hundredths {
        h if h > 0 => "positive",
        h if h < 0 => "negative",
        _ => "neutral",
    }
}

/// The standings table: `<h2>`, header row, one row per character, footer row.
impl View<'_> {
    fn push_standings(&self, out: &mut String) {
        let heading = match self.pool.and_then(|index| self.r.pools.get(index)) {
            Some(pool) if self.q.mdkpid != 0 => pool.name.as_str(),
            _ => self.t.overview,
        };
        let edit = self.edit_link();
        put!(
            out,
            "\t<br />\n\t<h2>{heading}{edit}</h2>\n\t<table class=\"table fullwidth trcheckboxclick \
             hptt colorswitch scrollable-x\">\n"
        );

        let columns = self.columns();
        self.push_header(out, &columns);
        for (index, c) in self.rows.iter().enumerate() {
            self.push_row(out, index + 1, c);
        }
        self.push_footer(out, &columns);
    }

    fn columns(&self) -> Vec<Column> {
        if self.q.mdkpid == 0 {
            self.overview_columns()
        } else {
            self.detail_columns()
        }
    }

    /// Name, the hidden-on-phones character columns, then one current column per pool.
    fn overview_columns(&self) -> Vec<Column> {
        let t = self.t;
        let mut columns = vec![Column::new(t.name, false)];
        for caption in [t.level, t.rank, t.status, t.class, t.type_] {
            columns.push(Column::new(caption, true));
        }
        for pool in &self.r.pools {
            let caption = self.pool_caption(pool.id, &pool.events, &pool.name);
            columns.push(Column::new(&caption, false));
        }
        columns
    }

    fn detail_columns(&self) -> Vec<Column> {
        let t = self.t;
        let current = self.pool_caption(self.q.mdkpid, self.pool_events(), t.current);
        [
            (t.name, false),
            (t.type_, false),
            (t.earned, false),
            (t.spent, false),
            (t.adjustment, false),
            (current.as_str(), false),
            (t.last_raid, true),
            (t.raids_30, false),
            (t.raids_lifetime, false),
            (t.last_item, true),
            (t.last_item, true),
        ]
        .into_iter()
        .map(|(caption, hidden)| Column::new(caption, hidden))
        .collect()
    }

    fn pool_events(&self) -> &[(u32, String, f64)] {
        self.pool
            .and_then(|index| self.r.pools.get(index))
            .map_or(&[], |pool: &FakePool| pool.events.as_slice())
    }

    /// A points caption carries the pool's events in a hidden tooltip span, so the cell's
    /// plain text is "Events: …" followed by the caption.
    fn pool_caption(&self, pool_id: u32, events: &[(u32, String, f64)], caption: &str) -> String {
        let names: String = events
            .iter()
            .map(|(_, name, _)| format!("{name}<br />"))
            .collect();
        format!(
            "<span class=\"tt_event{pool_id} \" id=\"{:013x}\"><span class=\"tt_event{pool_id}_c\" \
             style=\"display:none;\">{}: <br />{names}</span>{caption}</span>",
            0x6b1_1ab6_a800_u64 + u64::from(pool_id),
            self.t.events
        )
    }

    fn sort_link(&self, column: usize, direction: &str) -> String {
        let bar = if self.is_v22() { "|" } else { "%7c" };
        let mut link = format!(
            "{}index.php/Points/?{}&amp;sort={column}{bar}{direction}&amp;mdkpid={}&amp;filter=",
            self.q.server_path, self.sid, self.q.mdkpid
        );
        if self.q.show_inactive {
            link.push_str("&amp;show_inactive=1");
        }
        if self.q.show_twinks || !self.r.alts_merged {
            link.push_str("&amp;show_twinks=1");
        }
        link
    }

    /// Each header cell: two sort arrows, then the caption link (which flips the order of
    /// the Name column, the column the page is sorted by).
    fn push_header(&self, out: &mut String, columns: &[Column]) {
        out.push_str("\t\t<tr>\n");
        if self.markup == Markup::V23LoggedIn {
            out.push_str("\t<th style='width:13px'>&nbsp;</th>\n");
        }
        if self.is_v22() {
            out.push_str("\t<th>#</th>\n");
        }
        for (index, column) in columns.iter().enumerate() {
            let th = if column.hidden {
                "<th class=\"hiddenSmartphone\">"
            } else {
                "<th >"
            };
            let (arrow, toggle) = if index == 0 {
                ("red", "desc")
            } else {
                ("green", "asc")
            };
            put!(
                out,
                "\t{th}<a href=\"{}\" class=\"down_arrow_{arrow}\"></a><a href=\"{}\" \
                 class=\"up_arrow_green\"></a> <a href=\"{}\" >{}</a></th>\n",
                self.sort_link(index, "asc"),
                self.sort_link(index, "desc"),
                self.sort_link(index, toggle),
                column.caption
            );
        }
        out.push_str("</tr>\n");
    }

    /// The colspan counts one column more than is visible: EQDKP reserves the checkbox
    /// column even for guests.
    fn push_footer(&self, out: &mut String, columns: &[Column]) {
        let span = columns.len() + 1 + usize::from(self.is_v22());
        put!(
            out,
            "<tr>\n\t<th colspan=\"{span}\" class=\"footer\">... {} {}</th>\n</tr>\n\n\t</table>\n\n",
            self.rows.len(),
            self.t.entries_found
        );
        put!(
            out,
            "\t<button type=\"submit\" name=\"compare_b\" value=\"{0}\"><i class=\"bi_compare\"></i>{0}</button>\n\
             \t<input type=\"hidden\" name=\"lbc\" value=\"0\" id=\"lbc\" />\n</form><br />\n",
            self.t.compare
        );
    }
}

/// Data rows.
impl View<'_> {
    fn push_row(&self, out: &mut String, number: usize, c: &FakeCharacter) {
        out.push_str("<tr>\n");
        if self.markup == Markup::V23LoggedIn {
            put!(
                out,
                "\t<td class=\"nowrap\" align=\"center\"><input type=\"checkbox\" name=\"selected_ids[]\" \
                 value=\"{}\" id=\"cbrow{number}\" /></td>\n",
                c.id
            );
        }
        if self.is_v22() {
            put!(
                out,
                "\t<td><div style=\"float:right;\">{number}</div></td>\n"
            );
        }
        put!(
            out,
            "\t{}<a href=\"{}\"{}><span class=\"class_{}\">{}</span></a></td>\n",
            self.td(false),
            self.character_href(c),
            self.data_char(c),
            c.class_id,
            html(&c.name)
        );
        if self.q.mdkpid == 0 {
            self.push_overview_cells(out, c);
        } else {
            self.push_detail_cells(out, c);
        }
        out.push_str("</tr>\n");
    }

    fn push_overview_cells(&self, out: &mut String, c: &FakeCharacter) {
        let hidden = self.td(true);
        let status = if c.active { "online" } else { "offline" };
        put!(
            out,
            "\t{hidden}{LEVEL}</td>\n\t{hidden}{}</td>\n",
            self.t.rank_default
        );
        put!(
            out,
            "\t{hidden}<i class=\"eqdkp-icon-{status}\"></i></td>\n"
        );
        put!(
            out,
            "\t{hidden}{} <span class='class_{}'>{}</span></td>\n",
            self.class_icon(c),
            c.class_id,
            html(&c.class_name)
        );
        put!(out, "\t{hidden}{}</td>\n", self.type_tip(c));
        for index in 0..self.r.pools.len() {
            let current = self.shown(c, index).current();
            let cell = self.money(current, sign_class(current));
            put!(out, "\t{}{cell}</td>\n", self.td(false));
        }
    }

    /// `Main: {main}<br />{alt}<br />…` in a coretip, then "Main" or "Twink".
    fn type_tip(&self, c: &FakeCharacter) -> String {
        let alts: String = self
            .groups
            .members(c)
            .iter()
            .filter(|member| member.is_alt())
            .map(|alt| format!("{}<br />", html(&alt.name)))
            .collect();
        let label = if c.is_alt() {
            self.t.twink
        } else {
            self.t.main
        };
        format!(
            "<span class=\"coretip\" data-coretip=\"{}: {}<br />{alts}\">{label}</span>",
            self.t.main,
            html(self.groups.main_name(c))
        )
    }

    fn push_detail_cells(&self, out: &mut String, c: &FakeCharacter) {
        let plain = self.td(false);
        let figures = self
            .pool
            .map(|index| self.shown(c, index))
            .unwrap_or_default();
        put!(out, "\t{plain}{}</td>\n", self.type_tip(c));
        // Earned is always "positive" and spent always "negative", even for 0.00.
        let cells = [
            self.money(figures.earned, "positive"),
            self.money(figures.spent, "negative"),
            self.money(figures.adjustment, sign_class(figures.adjustment)),
            self.money(figures.current(), sign_class(figures.current())),
        ];
        for cell in cells {
            put!(out, "\t{plain}{cell}</td>\n");
        }
        self.push_activity_cells(out, c, figures);
    }
}

/// TODO: the roster keeps no raid log, so the Last Raid and attendance cells come from a
/// modelled calendar (one raid per pool event in the last 30 days, held weekly, plus one
/// older raid), with a character attending a share of the recent raids equal to its
/// share of the pool's top earned value. The cells have the real shape and vary
/// plausibly; revisit if a consumer ever needs to read attendance.
struct Attendance {
    recent: (u64, u64),
    lifetime: (u64, u64),
    last_raid: Option<i64>,
}

impl View<'_> {
    fn attendance(&self, figures: Figures) -> Attendance {
        let Some(index) = self.pool else {
            return Attendance {
                recent: (0, 0),
                lifetime: (0, 0),
                last_raid: None,
            };
        };
        let total = self.pool_events().len() as u64;
        let top = self.top_earned.get(index).copied().unwrap_or(0).max(1) as u64;
        let earned = figures.earned.max(0) as u64;
        let attended = ((earned * total * 2 + top) / (top * 2)).min(total);

        // The older raid lies outside the 30-day window; only characters who earned
        // anything were there.
        let (lifetime, last_raid) = match (earned > 0, attended) {
            (false, _) => ((0, 0), None),
            (true, 0) => ((1, total + 1), Some(SNAPSHOT_TIME - 35 * DAY)),
            (true, _) => ((attended + 1, total + 1), Some(SNAPSHOT_TIME - 7 * DAY)),
        };
        Attendance {
            recent: (attended, total),
            lifetime,
            last_raid,
        }
    }

    fn push_activity_cells(&self, out: &mut String, c: &FakeCharacter, figures: Figures) {
        let (plain, hidden) = (self.td(false), self.td(true));
        let attendance = self.attendance(figures);
        // A merged alt's row repeats the group's attendance but not its raid or item dates.
        let merged_alt = self.r.alts_merged && c.is_alt();

        let last_raid = match attendance.last_raid {
            Some(date) if !merged_alt => date_dmy(date),
            _ => String::new(),
        };
        put!(out, "\t{hidden}{last_raid}</td>\n");
        put!(out, "\t{plain}{}</td>\n", percent_cell(attendance.recent));
        put!(out, "\t{plain}{}</td>\n", percent_cell(attendance.lifetime));

        match self.last_item(c).filter(|_| !merged_alt) {
            Some(item) => {
                put!(out, "\t{hidden}{}</td>\n", item_tooltip(item, c.id));
                put!(out, "\t{hidden}{}</td>\n", date_dmy(item.date));
            }
            None => put!(out, "\t{hidden}</td>\n\t{hidden}{}</td>\n", self.t.never),
        }
    }

    /// The newest item charged to the viewed pool, of the whole group while alts are
    /// merged (a main shows its alt's purchase).
    fn last_item<'c>(&'c self, c: &'c FakeCharacter) -> Option<&'c FakeItem> {
        let pool = self.r.pools.get(self.pool?)?;
        let in_pool = |item: &&FakeItem| pool.itempools.contains(&item.itempool_id);
        let newest = |item: &&FakeItem| (item.date, item.id);
        if self.r.alts_merged {
            let members = self.groups.members(c).iter();
            members
                .flat_map(|m| m.items.iter())
                .filter(in_pool)
                .max_by_key(newest)
        } else {
            c.items.iter().filter(in_pool).max_by_key(newest)
        }
    }
}

/// `67% (2/3)`, coloured like EQDKP colours attendance.
fn percent_cell((attended, total): (u64, u64)) -> String {
    let percent = if total == 0 {
        0
    } else {
        (attended * 200 + total) / (total * 2)
    };
    let class = match percent {
        p if p < 34 => "negative",
        p if p < 67 => "neutral",
        _ => "positive",
    };
    format!("<span class=\"{class}\">{percent}% ({attended}/{total})</span>")
}

/// The item cell: an infotooltip span whose `title` is an opaque, URL-encoded base64 blob
/// (a serialized PHP array on the real site).
fn item_tooltip(item: &FakeItem, owner: u32) -> String {
    let (name, game_id) = (&item.name, item.game_id.to_string());
    let payload = format!(
        "a:2:{{s:4:\"name\";s:{}:\"{name}\";s:7:\"game_id\";s:{}:\"{game_id}\";}}",
        name.len(),
        game_id.len()
    );
    format!(
        "<span class=\"infotooltip infotooltip-tt \" id=\"span_{:013x}\" title=\"0{}\">{}</span>",
        0x6b1_1ab6_a900_u64 + u64::from(owner),
        base64(payload.as_bytes()).replace('=', "%3D"),
        html(name)
    )
}
