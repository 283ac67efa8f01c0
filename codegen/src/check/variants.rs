//! Brand variants: a method written once for every brand that offers it.
//!
//! A method file may name several brands (`brands: [monetix, flashpay]`)
//! instead of one (`brand:`); it then lives in `methods/<method>.yaml`.
//! Each brand gets its own copy of the method, so ids, modules, schemas and
//! docs stay per brand. What differs for a brand is a short override under
//! `variants.<brand>`: a JSON merge patch (RFC 7396) over the method, so it
//! can change any fact (a name in a text, a limit, an endpoint, an example)
//! and `null` removes one. In every copy, single-brand methods included,
//! `{brand}` in any string becomes the brand's display name.
//!
//! This runs on the files' values, before they become the model, so every
//! copy goes through the same structural check as a hand-written file; a
//! problem in a copy is reported where its text is: in the variant when the
//! patch wrote it, in the method otherwise.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{LoadedFile, escape};

/// The placeholder for the brand's display name.
pub const BRAND_PLACEHOLDER: &str = "{brand}";

/// One copy of a method file for one brand, with what is needed to report
/// a problem in it where its text is.
pub struct Copy<'a> {
    /// The file with `method` replaced by this brand's copy: the file
    /// itself, borrowed, when the copy would be the same (a single-brand
    /// method without the placeholder), so a catalogue is not copied whole.
    pub file: Cow<'a, LoadedFile>,
    /// Which brand's copy it is, and what its variant wrote.
    pub placement: Placement,
}

/// Which copy of a file a spec is, so that a problem found in it, by any
/// phase, is reported where its text is.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// The brand, when the file names several (`None` for a single-brand
    /// file, whose copy is the file itself).
    pub brand: Option<String>,
    /// The variant's patch (`null` when it has none).
    pub patch: Value,
}

/// The display names of the brands the files define, by brand id.
pub fn brand_names(files: &[LoadedFile]) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for f in files {
        if let Some(Value::Object(brands)) = f.value.get("brands") {
            for (id, b) in brands {
                if let Some(name) = b.get("name").and_then(Value::as_str) {
                    names.entry(id.clone()).or_insert_with(|| name.to_string());
                }
            }
        }
    }
    names
}

/// The per-brand copies of a file that passed the structural check: one
/// per brand its method names, or the file itself (placeholders filled).
pub fn expand<'a>(
    file: &'a LoadedFile,
    names: &HashMap<String, String>,
    diags: &mut Diagnostics,
) -> Vec<Copy<'a>> {
    let Some(Value::Object(method)) = file.value.get("method") else {
        return vec![Copy {
            file: Cow::Borrowed(file),
            placement: Placement::default(),
        }];
    };
    let brands: Vec<String> = method
        .get("brands")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let no_variants = serde_json::Map::new();
    let variants = method
        .get("variants")
        .and_then(Value::as_object)
        .unwrap_or(&no_variants);
    let diag =
        |pointer: String, message: String| Diagnostic::new(file.name.clone(), pointer, message);
    let single = method.get("brand").and_then(Value::as_str).unwrap_or("");
    if brands.is_empty() {
        if !variants.is_empty() {
            diags.push(
                diag("/method/variants".into(), "variants without `brands`".into())
                    .on_key()
                    .hint("a method offered by several brands lists them in `brands: [...]` (and has no `brand:`)"),
            );
        }
        let copy = match names.get(single) {
            Some(name) if has_placeholder(&file.value["method"]) => {
                let mut copy = file.clone();
                fill(&mut copy.value["method"], name);
                Cow::Owned(copy)
            }
            _ => Cow::Borrowed(file),
        };
        return vec![Copy {
            file: copy,
            placement: Placement::default(),
        }];
    }
    if !single.is_empty() {
        diags.push(
            diag(
                "/method/brand".into(),
                "a method names either `brand` or `brands`, not both".into(),
            )
            .on_key()
            .hint("keep `brands: [...]` and move the file to `methods/<method>.yaml`"),
        );
        return Vec::new();
    }
    for (i, b) in brands.iter().enumerate() {
        if brands[..i].contains(b) {
            diags.push(
                diag(
                    format!("/method/brands/{i}"),
                    format!("brand `{b}` is listed twice"),
                )
                .hint("list each brand once"),
            );
            return Vec::new();
        }
    }
    for key in variants.keys() {
        if !brands.contains(key) {
            diags.push(
                diag(
                    format!("/method/variants/{}", escape(key)),
                    format!("a variant for `{key}`, which `brands` does not list"),
                )
                .on_key()
                .hint(format!(
                    "add `{key}` to `brands`, or remove the variant (brands: {})",
                    brands.join(", ")
                )),
            );
        }
    }
    brands
        .iter()
        .map(|b| {
            let patch = variants.get(b).cloned().unwrap_or(Value::Null);
            let mut m = Value::Object(method.clone());
            if let Value::Object(_) = patch {
                json_patch::merge(&mut m, &patch);
            }
            // The patch may not rename the copy or change its brands.
            if let Value::Object(o) = &mut m {
                o.insert("brand".into(), Value::String(b.clone()));
                o.insert("brands".into(), Value::from(brands.clone()));
                o.remove("variants");
            }
            if let Some(name) = names.get(b) {
                fill(&mut m, name);
            }
            let mut copy = file.clone();
            copy.value["method"] = m;
            Copy {
                file: Cow::Owned(copy),
                placement: Placement {
                    brand: Some(b.clone()),
                    patch,
                },
            }
        })
        .collect()
}

/// Moves the diagnostics a copy raised (in the structural check or in
/// resolution) to where their text is: into the variant when its patch
/// wrote the node, and names the brand.
pub fn locate(placement: &Placement, diags: &mut [Diagnostic]) {
    let Some(brand) = &placement.brand else {
        return;
    };
    for d in diags {
        if let Some(rest) = d.pointer.strip_prefix("/method")
            && !rest.is_empty()
            && placement.patch.pointer(rest).is_some()
        {
            d.pointer = format!("/method/variants/{}{rest}", escape(brand));
        }
        d.message = format!("{} (in the {brand} copy)", d.message);
    }
}

/// Whether any string under `value` holds the brand placeholder.
fn has_placeholder(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains(BRAND_PLACEHOLDER),
        Value::Array(a) => a.iter().any(has_placeholder),
        Value::Object(o) => o.values().any(has_placeholder),
        _ => false,
    }
}

/// Replaces the brand placeholder in every string under `value`.
fn fill(value: &mut Value, name: &str) {
    match value {
        Value::String(s) if s.contains(BRAND_PLACEHOLDER) => {
            *s = s.replace(BRAND_PLACEHOLDER, name);
        }
        Value::Array(a) => a.iter_mut().for_each(|v| fill(v, name)),
        Value::Object(o) => o.values_mut().for_each(|v| fill(v, name)),
        _ => {}
    }
}
