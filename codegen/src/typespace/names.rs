//! Naming: the names the specs give each type, and the names the lock
//! keeps. A type's candidates depend only on its owner and where its owner
//! uses it; the lock settles what order would otherwise decide (two
//! methods whose qualified names meet, two shapes of one shared object).

use std::collections::{BTreeMap, HashSet};

use crate::ir::Ir;
use crate::naming::{PRELUDE, camel, rust_safe, singular, snake};

use super::build::{BrandFound, Found, Kind};
use super::lock::{Entry, Lock, Rename};
use super::space::{BrandTypes, Named, Namespace, Shape, TypeSpace};

impl Found {
    /// What the type is, independent of other methods: a brand's type by a
    /// digest of its shape (which use came first does not matter; two
    /// shapes of one shared object are two types), a method's by where it
    /// first uses it.
    fn identity(&self, method: &str) -> String {
        let digest = || crate::format::digest(self.key.as_bytes())[..12].to_string();
        match &self.kind {
            Kind::Object(_) | Kind::Enum(_) => format!("shared#{}", digest()),
            Kind::Root(_) => format!("root#{}", digest()),
            Kind::Local => format!(
                "{method}:{}.{}:{}",
                self.operation,
                self.role.as_str(),
                self.path
            ),
        }
    }

    /// The names the type may take in its module, best first.
    fn candidates(&self, top_level: &HashSet<String>) -> Vec<String> {
        let mut out = Vec::new();
        let small_enum = |own: &str, out: &mut Vec<String>| {
            if let Shape::Enum(values) = &self.shape {
                let joined: String = values.iter().map(|v| camel(v)).collect();
                if values.len() <= 3 && !joined.is_empty() && joined.len() <= 24 {
                    out.push(format!("{own}{joined}"));
                }
            }
        };
        match &self.kind {
            Kind::Root(path) => {
                let name = camel(&shared_names(path).join("_"));
                out.push(if name.ends_with("Callback") {
                    name
                } else {
                    format!("{name}Callback")
                });
            }
            Kind::Object(path) | Kind::Enum(path) => {
                let parts: Vec<String> = shared_names(path).iter().map(|p| camel(p)).collect();
                let own = parts.last().cloned().unwrap_or_else(|| "Item".into());
                small_enum(&own, &mut out);
                // A shared object as a callback reads it (its inferred
                // members leniently) is not the object a request sends.
                if let Shape::Object(o) = &self.shape
                    && lenient(o)
                {
                    out.push(format!("Callback{own}"));
                }
                // A shared object is named after itself; what is written
                // inside one never takes a shared object's name.
                if parts.len() == 1 || !top_level.contains(&own) {
                    out.push(own.clone());
                }
                if parts.len() > 2 {
                    out.push(format!("{}{own}", parts[parts.len() - 2]));
                }
                out.push(parts.concat());
            }
            Kind::Local => {
                let parts: Vec<String> = self.names.iter().map(|p| camel(p)).collect();
                let own = parts.last().cloned().unwrap_or_else(|| "Item".into());
                let operation = camel(&self.operation);
                small_enum(&own, &mut out);
                out.push(own.clone());
                if parts.len() > 1 && parts[parts.len() - 2] != own {
                    out.push(format!("{}{own}", parts[parts.len() - 2]));
                }
                out.push(format!("{operation}{own}"));
                out.push(format!(
                    "{operation}{}{}",
                    camel(self.role.as_str()),
                    parts.concat()
                ));
            }
        }
        out.into_iter().map(|n| rust_safe(&n)).collect()
    }
}

/// Whether an object has a member read leniently (a callback's reading).
fn lenient(o: &crate::ir::ObjectTy) -> bool {
    o.fields.iter().any(|f| f.lenient)
}

/// The segments of a shared path, an array's items by their singular name.
fn shared_names(path: &str) -> Vec<String> {
    path.split('.')
        .map(|p| match p.strip_suffix("[]") {
            Some(list) => singular(list),
            None => p.to_string(),
        })
        .collect()
}

/// The first candidate not taken, else the last one numbered.
fn pick(candidates: &[String], taken: &HashSet<String>) -> String {
    let free = |c: &String| !taken.contains(c) && !PRELUDE.contains(&c.as_str());
    if let Some(c) = candidates.iter().find(|c| free(c)) {
        return c.clone();
    }
    let last = candidates.last().cloned().unwrap_or_else(|| "Item".into());
    (2..)
        .map(|n| format!("{last}{n}"))
        .find(free)
        .unwrap_or(last)
}

/// Names every type: the lock's names first, then the specs' for the
/// rest; and the names the specs alone would give, to report where the
/// lock differs.
pub(super) fn assign(ir: &Ir, found: BTreeMap<String, BrandFound>, lock: &Lock) -> TypeSpace {
    let top_level: HashSet<String> = ir.shared_objects.iter().map(|s| camel(s)).collect();
    let mut space = TypeSpace::default();
    let unlocked = Lock::default();
    for (brand, mut f) in found {
        // The brand's types take names in an order no method decides:
        // shared objects first, then what is written inside them, by path.
        f.shared
            .sort_by(|a, b| (a.kind.sort_key(), &a.key).cmp(&(b.kind.sort_key(), &b.key)));
        let held = name_brand(&brand, &f, lock, &top_level);
        // Without locked names for the brand, the specs' names are the
        // held ones: nothing to compare.
        if lock.brands.get(&brand).is_none_or(|e| e.is_empty()) {
            space.brands.insert(brand, held);
            continue;
        }
        let derived = name_brand(&brand, &f, &unlocked, &top_level);
        for (d, h) in all_types(&derived).zip(all_types(&held)) {
            if d.name != h.name || d.schema_name != h.schema_name {
                space.renames.push(Rename {
                    brand: brand.clone(),
                    identity: h.identity.clone(),
                    kept: h.name.clone(),
                    derived: d.name.clone(),
                    kept_schema: h.schema_name.clone(),
                    derived_schema: d.schema_name.clone(),
                });
            }
        }
        space.brands.insert(brand, held);
    }
    space
}

fn all_types(b: &BrandTypes) -> impl Iterator<Item = &Named> {
    b.shared
        .types
        .iter()
        .chain(b.methods.values().flat_map(|n| n.types.iter()))
}

fn name_brand(brand: &str, f: &BrandFound, lock: &Lock, top_level: &HashSet<String>) -> BrandTypes {
    let mut out = BrandTypes::default();
    let shared_ids: Vec<String> = f.shared.iter().map(|t| t.identity("")).collect();
    let names = name_namespace(brand, &f.shared, &shared_ids, lock, top_level);
    for ((t, id), name) in f.shared.iter().zip(shared_ids).zip(names) {
        out.shared
            .by_key
            .insert(t.key.clone(), out.shared.types.len());
        out.shared.types.push(Named {
            schema_name: String::new(),
            name,
            identity: id,
            shape: t.shape.clone(),
            users: t.users.clone(),
        });
    }
    for (method, types, _) in &f.methods {
        let ids: Vec<String> = types.iter().map(|t| t.identity(method)).collect();
        let names = name_namespace(brand, types, &ids, lock, &HashSet::new());
        let mut ns = Namespace::default();
        for ((t, id), name) in types.iter().zip(ids).zip(names) {
            ns.by_key.insert(t.key.clone(), ns.types.len());
            ns.types.push(Named {
                name,
                schema_name: String::new(),
                identity: id,
                shape: t.shape.clone(),
                users: t.users.clone(),
            });
        }
        out.methods.insert(method.clone(), ns);
    }
    schema_names(brand, &mut out, f, lock, top_level);
    out
}

/// The brand-wide names of other languages: the lock's first, then the
/// brand's types by their Rust names, then each method's qualified by the
/// method (`SmpP2pKzAccount`), never a shared object's name.
fn schema_names(
    brand: &str,
    out: &mut BrandTypes,
    f: &BrandFound,
    lock: &Lock,
    top_level: &HashSet<String>,
) {
    let mut taken: HashSet<String> = HashSet::new();
    let all = out
        .shared
        .types
        .iter_mut()
        .chain(out.methods.values_mut().flat_map(|n| n.types.iter_mut()));
    for t in all {
        if let Some(held) = lock.schema_name(brand, &t.identity)
            && taken.insert(held.to_string())
        {
            t.schema_name = held.to_string();
        }
    }
    for t in &mut out.shared.types {
        if t.schema_name.is_empty() {
            t.schema_name = pick(std::slice::from_ref(&t.name), &taken);
            taken.insert(t.schema_name.clone());
        }
    }
    taken.extend(top_level.iter().cloned());
    for (method, found, _) in &f.methods {
        let Some(ns) = out.methods.get_mut(method) else {
            continue;
        };
        let prefix = camel(method);
        for (t, found) in ns.types.iter_mut().zip(found) {
            if !t.schema_name.is_empty() {
                continue;
            }
            let candidates = [
                format!("{prefix}{}", t.name),
                format!("{prefix}{}{}", camel(&found.operation), t.name),
            ];
            t.schema_name = pick(&candidates, &taken);
            taken.insert(t.schema_name.clone());
        }
    }
}

/// Names the types of one module: the lock's names, then the first free
/// candidate of each, in order.
fn name_namespace(
    brand: &str,
    types: &[Found],
    ids: &[String],
    lock: &Lock,
    top_level: &HashSet<String>,
) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut names: Vec<Option<String>> = ids
        .iter()
        .map(|id| {
            let held = lock.rust_name(brand, id)?;
            taken.insert(held.to_string()).then(|| held.to_string())
        })
        .collect();
    for (i, t) in types.iter().enumerate() {
        if names[i].is_none() {
            let name = pick(&t.candidates(top_level), &taken);
            taken.insert(name.clone());
            names[i] = Some(name);
        }
    }
    names.into_iter().map(Option::unwrap_or_default).collect()
}

/// The lock that holds every name of `space`.
pub(super) fn lock_of(space: &TypeSpace) -> Lock {
    let mut brands = BTreeMap::new();
    for (brand, types) in space.brands() {
        let mut entries = BTreeMap::new();
        let b = snake(brand);
        for t in &types.shared.types {
            entries.insert(
                t.identity.clone(),
                Entry {
                    rust: format!("{b}::types::{}", t.name),
                    schema: t.schema_name.clone(),
                },
            );
        }
        for (method, ns) in types.methods() {
            let m = snake(method);
            for t in &ns.types {
                entries.insert(
                    t.identity.clone(),
                    Entry {
                        rust: format!("{b}::{m}::types::{}", t.name),
                        schema: t.schema_name.clone(),
                    },
                );
            }
        }
        brands.insert(brand.to_string(), entries);
    }
    Lock { brands }
}
