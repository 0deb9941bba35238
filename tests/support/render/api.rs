//! `api.php?function=points&format=json` written by hand, key by key in the captured order,
//! so the bytes match what PHP's `json_encode` produces (a serde map would reorder keys).

use super::super::roster::{
    FakeAdjustment, FakeCharacter, FakeItem, FakeRoster, Figures, Groups, SNAPSHOT_TIME,
};
use super::php::{fixed, hundredths, json_number, push_json_str};
use super::{ApiFlavor, ApiOptions};

/// `{"status":0,"error":"…"}`.
pub fn error(message: &str) -> String {
    let mut out = String::from("{\"status\":0,\"error\":");
    push_json_str(&mut out, message);
    out.push('}');
    out
}

/// The whole `function=points` document.
pub fn points_json(r: &FakeRoster, options: &ApiOptions) -> String {
    let mut out = String::with_capacity(1024 + r.characters.len() * 900);
    out.push_str("{\"eqdkp\":");
    push_eqdkp(&mut out, r, options);
    out.push_str(",\"game\":{\"name\":\"eq\",\"version\":\"2.3.3\",\"language\":\"english\",");
    out.push_str("\"server_name\":\"\",\"server_loc\":false},\"info\":");
    push_info(&mut out, r);

    out.push_str(",\"players\":");
    push_players(&mut out, r, options);
    out.push_str(",\"multidkp_pools\":");
    push_pools(&mut out, r, options.flavor);
    out.push_str(",\"itempools\":");
    push_itempools(&mut out, r);
    out.push_str(",\"status\":1}");
    out
}

fn push_eqdkp(out: &mut String, r: &FakeRoster, options: &ApiOptions) {
    let version = match (options.flavor, options.keyed) {
        (ApiFlavor::V22, _) => "2.2.15",
        (ApiFlavor::V23, true) => "2.3.39",
        (ApiFlavor::V23, false) => "2.3",
    };
    out.push_str("{\"name\":");
    push_json_str(out, &r.guild);
    out.push_str(",\"guild\":");
    push_json_str(out, &r.guild);
    out.push_str(",\"dkp_name\":\"DKP\",\"version\":");
    push_json_str(out, version);
    out.push_str(",\"layout\":\"normal\",\"base_layout\":\"normal\"}");
}

fn push_info(out: &mut String, r: &FakeRoster) {
    let items: usize = r.characters.iter().map(|c| c.items.len()).sum();
    put!(
        out,
        "{{\"with_twink\":{},\"date\":\"{}\",\"timestamp\":\"{SNAPSHOT_TIME}\",\
         \"total_players\":{},\"total_items\":{items}}}",
        u8::from(r.alts_merged),
        super::php::date_dmy_hms(SNAPSHOT_TIME),
        r.characters.len(),
    );
}

/// Players in binary name order (`…, Xegony, Zoë, Ærwyn`), or `""` when none is listed.
fn push_players(out: &mut String, r: &FakeRoster, options: &ApiOptions) {
    let mut listed: Vec<&FakeCharacter> = r
        .characters
        .iter()
        .filter(|c| options.character.is_none_or(|id| c.id == id))
        .collect();
    if listed.is_empty() {
        out.push_str("\"\"");
        return;
    }
    listed.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));

    let groups = r.groups();
    out.push('{');
    for (index, c) in listed.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        put!(out, "\"player:{}\":", c.id);
        push_player(out, r, &groups, c, options);
    }
    out.push('}');
}

fn push_player(
    out: &mut String,
    r: &FakeRoster,
    groups: &Groups<'_>,
    c: &FakeCharacter,
    options: &ApiOptions,
) {
    let flavor = options.flavor;
    out.push_str("{\"id\":");
    push_id(out, c.id, flavor);
    out.push_str(",\"name\":");
    push_json_str(out, &c.name);
    out.push_str(if c.active {
        ",\"active\":\"1\""
    } else {
        ",\"active\":\"0\""
    });
    out.push_str(",\"hidden\":0,\"main_id\":");
    push_id(out, c.main_id, flavor);
    out.push_str(",\"main_name\":");
    push_json_str(out, groups.main_name(c));
    out.push_str(",\"class_id\":");
    push_id(out, c.class_id, flavor);
    out.push_str(",\"class_name\":");
    push_json_str(out, &c.class_name);

    out.push_str(",\"points\":");
    push_points(out, r, groups, c, flavor);
    out.push_str(",\"items\":");
    push_items(out, if options.memberdata { &c.items } else { &[] });
    out.push_str(",\"adjustments\":");
    push_adjustments(
        out,
        if options.memberdata {
            &c.adjustments
        } else {
            &[]
        },
        r,
        flavor,
    );
    out.push('}');
}

/// 2.3 casts ids to int; 2.2 passed the database strings through.
fn push_id(out: &mut String, id: u32, flavor: ApiFlavor) {
    match flavor {
        ApiFlavor::V23 => out.push_str(&id.to_string()),
        ApiFlavor::V22 => put!(out, "\"{id}\""),
    }
}

fn push_points(
    out: &mut String,
    r: &FakeRoster,
    groups: &Groups<'_>,
    c: &FakeCharacter,
    flavor: ApiFlavor,
) {
    if r.pools.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('{');
    for (index, pool) in r.pools.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        put!(out, "\"multidkp_points:{}\":{{\"multidkp_id\":", pool.id);
        push_id(out, pool.id, flavor);
        let (own, group) = (r.own(c, index), groups.of(c, index));
        push_point_pair(
            out,
            "current",
            own.current(),
            group.current(),
            r.decimals,
            flavor,
        );
        push_figure_pairs(out, own, group, r.decimals, flavor);
        out.push('}');
    }
    out.push('}');
}

fn push_figure_pairs(out: &mut String, own: Figures, group: Figures, decimals: u8, f: ApiFlavor) {
    push_point_pair(out, "earned", own.earned, group.earned, decimals, f);
    push_point_pair(out, "spent", own.spent, group.spent, decimals, f);
    push_point_pair(
        out,
        "adjustment",
        own.adjustment,
        group.adjustment,
        decimals,
        f,
    );
}

/// `"points_X":…,"points_X_with_twink":…`; both are always present, whatever the setting.
fn push_point_pair(out: &mut String, name: &str, own: i64, group: i64, decimals: u8, f: ApiFlavor) {
    put!(out, ",\"points_{name}\":");
    push_money(out, own, decimals, f);
    put!(out, ",\"points_{name}_with_twink\":");
    push_money(out, group, decimals, f);
}

/// 2.3 formats money as a string with `round_precision` decimals; 2.2 sent the raw float.
fn push_money(out: &mut String, hundredths: i64, decimals: u8, flavor: ApiFlavor) {
    match flavor {
        ApiFlavor::V23 => put!(out, "\"{}\"", fixed(hundredths, decimals)),
        ApiFlavor::V22 => out.push_str(&json_number(hundredths)),
    }
}

/// An empty PHP array encodes as `[]`, a filled one as an object keyed `item:<id>`.
fn push_items(out: &mut String, items: &[FakeItem]) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('{');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        put!(
            out,
            "\"item:{}\":{{\"game_id\":{},\"name\":",
            item.id,
            item.game_id
        );
        push_json_str(out, &item.name);
        put!(
            out,
            ",\"value\":{},\"itempool_id\":\"{}\"}}",
            json_number(item.value),
            item.itempool_id
        );
    }
    out.push('}');
}

fn push_adjustments(out: &mut String, list: &[FakeAdjustment], r: &FakeRoster, f: ApiFlavor) {
    if list.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('{');
    for (index, adjustment) in list.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        put!(out, "\"adjustment:{}\":{{\"reason\":", adjustment.id);
        push_json_str(out, &adjustment.reason);
        out.push_str(",\"value\":");
        push_money(out, adjustment.value, r.decimals, f);
        put!(
            out,
            ",\"timestamp\":\"{}\",\"event_id\":\"{}\"}}",
            adjustment.timestamp,
            adjustment.event_id
        );
    }
    out.push('}');
}

/// Pools with their events; `mdkp_itempools` of a pool also lists the item pools of every
/// earlier pool, reproducing the EQDKP bug the captures show.
fn push_pools(out: &mut String, r: &FakeRoster, flavor: ApiFlavor) {
    if r.pools.is_empty() {
        out.push_str("[]");
        return;
    }
    let mut itempools_so_far: Vec<u32> = Vec::new();
    out.push('{');
    for (index, pool) in r.pools.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        put!(
            out,
            "\"multidkp_pool:{}\":{{\"id\":{},\"name\":",
            pool.id,
            pool.id
        );
        push_json_str(out, &pool.name);
        out.push_str(",\"desc\":\"\",\"events\":");
        push_events(out, &pool.events, r.decimals, flavor);

        for id in &pool.itempools {
            if !itempools_so_far.contains(id) {
                itempools_so_far.push(*id);
            }
        }
        itempools_so_far.sort_unstable();
        out.push_str(",\"mdkp_itempools\":");
        push_itempool_ids(out, &itempools_so_far);
        out.push('}');
    }
    out.push('}');
}

fn push_events(out: &mut String, events: &[(u32, String, f64)], decimals: u8, f: ApiFlavor) {
    if events.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('{');
    for (index, (id, name, value)) in events.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        put!(out, "\"event:{id}\":{{\"id\":\"{id}\",\"name\":");
        push_json_str(out, name);
        out.push_str(",\"value\":");
        push_money(out, hundredths(*value), decimals, f);
        out.push('}');
    }
    out.push('}');
}

fn push_itempool_ids(out: &mut String, ids: &[u32]) {
    if ids.is_empty() {
        out.push_str("[]");
        return;
    }
    let entries: Vec<String> = ids
        .iter()
        .map(|id| format!("\"itempool_id:{id}\":\"{id}\""))
        .collect();
    put!(out, "{{{}}}", entries.join(","));
}

/// Item pool 1 is EQDKP's built-in "default"; any other one is taken to be the pool easy
/// mode auto-created for the first DKP pool that lists it, named after that pool.
fn push_itempools(out: &mut String, r: &FakeRoster) {
    let mut ids: Vec<u32> = r
        .pools
        .iter()
        .flat_map(|p| p.itempools.iter().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        out.push_str("[]");
        return;
    }

    let entries: Vec<String> = ids.iter().map(|&id| itempool_entry(r, id)).collect();
    put!(out, "{{{}}}", entries.join(","));
}

fn itempool_entry(r: &FakeRoster, id: u32) -> String {
    let owner = r.pool_of_itempool(id).and_then(|index| r.pools.get(index));
    let (name, desc) = match owner {
        Some(pool) if id != 1 => (
            pool.name.clone(),
            format!("Auto generated for {}", pool.name),
        ),
        _ => ("default".to_string(), "Default itempool".to_string()),
    };
    let mut entry = format!("\"itempool:{id}\":{{\"id\":{id},\"name\":");
    push_json_str(&mut entry, &name);
    entry.push_str(",\"desc\":");
    push_json_str(&mut entry, &desc);
    entry.push('}');
    entry
}
