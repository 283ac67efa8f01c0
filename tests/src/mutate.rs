//! Mutations of seed documents, shared by the differential test (Rust
//! validators against the jsonschema crate) and the cross-language corpus
//! (`examples/differential_corpus.rs`, checked by Ajv and
//! python-jsonschema in CI): members dropped, values retyped or replaced
//! by edge values (bounds, huge and fractional numbers, unicode, near-miss
//! formats, a final line feed), members inserted, values nested deeply.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value, json};

/// One edit of a document.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Removes the member or element at a pointer.
    Drop(Index),
    /// Replaces the value at a pointer.
    Replace(Index, Value),
    /// Inserts a member into the object at a pointer.
    Insert(Index, String, Value),
    /// Wraps the value at a pointer in alternating arrays and objects.
    Nest(Index, u8),
    /// Changes one string or number a little, by one of [`TWEAKS`] kinds:
    /// the near misses where validators in different languages part ways
    /// (a final line feed, a non-ASCII digit, one past a bound, 2^53).
    Tweak(Index, u8),
}

/// How many kinds of [`Mutation::Tweak`] there are.
pub const TWEAKS: u8 = 16;

/// A string changed a little, by kind `k`.
fn tweak_string(s: &str, k: u8) -> Value {
    let chars: Vec<char> = s.chars().collect();
    let swap_digit = |to: char| -> String {
        let mut done = false;
        chars
            .iter()
            .map(|&c| {
                if !done && c.is_ascii_digit() {
                    done = true;
                    to
                } else {
                    c
                }
            })
            .collect()
    };
    let t: String = match k % TWEAKS {
        0 => format!("{s}\n"),
        1 => format!("\n{s}"),
        2 => format!("{s} "),
        3 => s.to_lowercase(),
        4 => s.to_uppercase(),
        5 => chars[..chars.len().saturating_sub(1)].iter().collect(),
        6 => format!("{s}{}", chars.last().copied().unwrap_or('a')),
        7 => swap_digit('\u{663}'),
        8 => swap_digit('\u{ff13}'),
        9 => format!("{s}{s}"),
        10 => format!("{s}\r\n"),
        11 => s.replacen('.', "..", 1),
        12 => s.replacen('@', "@@", 1),
        13 => format!("{s}\u{0}"),
        14 => s.replace('K', "\u{212a}"),
        _ => String::new(),
    };
    Value::String(t)
}

/// A number changed a little, by kind `k`.
fn tweak_number(n: &serde_json::Number, k: u8) -> Value {
    const SAFE: i64 = (1 << 53) - 1;
    let i = n.as_i64().unwrap_or(0);
    let f = n.as_f64().unwrap_or(0.0);
    match k % TWEAKS {
        0 => json!(i.saturating_add(1)),
        1 => json!(i.saturating_sub(1)),
        2 => json!(i.saturating_neg()),
        3 => json!(i.saturating_mul(10)),
        4 => json!(f + 0.5),
        5 => json!(f),
        6 => json!(SAFE),
        7 => json!(SAFE + 1),
        8 => json!(SAFE + 2),
        9 => json!(-SAFE),
        10 => json!(-SAFE - 1),
        11 => json!(0),
        12 => json!(i / 10),
        13 => json!(f * 1e300),
        14 => json!((i as f64) + 1e-9),
        _ => json!(i.to_string()),
    }
}

/// Strings near every rule's edge.
pub fn edge_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "KZT",
            "KGS",
            "USD",
            "kzt",
            "KZTT",
            "mobile",
            "TELE2",
            "88822",
            "bakai",
            "johndoe@example.com",
            "a@b",
            "a..b@example.com",
            "a@xn--80ak6aa92e.com",
            "\"q\"@example.com",
            "a@[127.0.0.1]",
            "198.51.100.47",
            "192.0.2.01",
            "::1",
            "1.2.3",
            "::g",
            "79876543210",
            "+79876543210",
            "7987654321012345",
            "2024-12-07T19:08:45+0000",
            "2024-12-07T19:08:45Z",
            "é",
            "\u{0}",
            "💸",
            "1e3",
            "KZT\n",
            "79876543210\n",
            "johndoe@example.com\n",
            "198.51.100.47\n",
            "2001:db8::1\n",
            "2024-12-07T19:08:45+0000\n",
            "\nKZT",
            "\u{661}\u{662}\u{663}\u{664}\u{665}\u{666}\u{667}",
            "ＫＺＴ",
            "2001:db8::1",
            "::ffff:198.51.100.47",
            "fe80::1%eth0",
            "1:2:3:4:5:6:7::",
            "01.2.3.4",
            "256.1.1.1",
            "kzt",
            "K\u{212a}T",
        ])
        .prop_map(str::to_string),
        "\\PC{0,12}",
        "[0-9]{0,18}",
        "[a-z]{1,70}@example\\.com",
    ]
}

/// Numbers near every bound, in and out of the exact-integer range.
pub fn edge_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            json!(0),
            json!(1),
            json!(-1),
            json!(1499),
            json!(1500),
            json!(1_500_000),
            json!(1_500_001),
            json!(i64::MAX),
            json!(i64::MIN),
            json!(u64::MAX),
            json!(1.0),
            json!(1.5),
            json!(-0.0),
            json!(1e19),
            json!(-1e19),
            json!(9.2e18),
            json!(100000.0),
            json!(9_007_199_254_740_991_i64),
            json!(9_007_199_254_740_992_i64),
            json!(-9_007_199_254_740_991_i64),
            json!(-9_007_199_254_740_992_i64),
            json!(9_223_372_036_854_775_807_u64),
            json!(9_223_372_036_854_775_808_u64),
            json!(1e300),
        ]),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
    ]
}

/// A scalar, or an empty container.
pub fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        edge_number(),
        edge_string().prop_map(Value::String),
        Just(json!([])),
        Just(json!({})),
    ]
}

/// Any JSON value, a few levels deep.
pub fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One edit, weighted toward replacing a value.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::Drop),
        6 => (any::<Index>(), value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => (any::<Index>(), prop_oneof!["[a-z_]{1,12}", Just("currency".to_string()), Just("amount".to_string()), Just("signature".to_string()), Just("a:b".to_string()), Just("x;y".to_string())], value())
            .prop_map(|(i, k, v)| Mutation::Insert(i, k, v)),
        1 => (any::<Index>(), 1u8..40).prop_map(|(i, d)| Mutation::Nest(i, d)),
        6 => (any::<Index>(), 0..TWEAKS).prop_map(|(i, k)| Mutation::Tweak(i, k)),
    ]
}

/// Every pointer in `v`, the root included.
pub fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                pointers(
                    child,
                    format!("{at}/{}", gatespec_runtime::pointer::token(k)),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// `v` with `m` applied (unchanged when the pointer no longer fits).
pub fn apply(mut v: Value, m: &Mutation) -> Value {
    let mut all = Vec::new();
    pointers(&v, String::new(), &mut all);
    let pick = |i: &Index| all[i.index(all.len())].clone();
    match m {
        Mutation::Drop(i) => {
            let p = pick(i);
            if let Some((parent, key)) = p.rsplit_once('/') {
                let key = gatespec_runtime::pointer::key(key);
                match v.pointer_mut(parent) {
                    Some(Value::Object(o)) => {
                        o.remove(key.as_ref());
                    }
                    Some(Value::Array(a)) => {
                        if let Ok(n) = key.parse::<usize>() {
                            a.remove(n);
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::Replace(i, new) => {
            if let Some(slot) = v.pointer_mut(&pick(i)) {
                *slot = new.clone();
            }
        }
        Mutation::Insert(i, key, new) => {
            if let Some(Value::Object(o)) = v.pointer_mut(&pick(i)) {
                o.insert(key.clone(), new.clone());
            }
        }
        Mutation::Tweak(i, k) => {
            let leaves: Vec<&String> = all
                .iter()
                .filter(|p| matches!(v.pointer(p), Some(Value::String(_) | Value::Number(_))))
                .collect();
            if !leaves.is_empty() {
                let at = leaves[i.index(leaves.len())].clone();
                if let Some(slot) = v.pointer_mut(&at) {
                    let tweaked = match &*slot {
                        Value::String(s) => tweak_string(s, *k),
                        Value::Number(n) => tweak_number(n, *k),
                        other => other.clone(),
                    };
                    *slot = tweaked;
                }
            }
        }
        Mutation::Nest(i, depth) => {
            if let Some(slot) = v.pointer_mut(&pick(i)) {
                let mut nested = slot.take();
                for d in 0..*depth {
                    nested = if d % 2 == 0 {
                        Value::Array(vec![nested])
                    } else {
                        Value::Object(Map::from_iter([("n".to_string(), nested)]))
                    };
                }
                *slot = nested;
            }
        }
    }
    v
}
