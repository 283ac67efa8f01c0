//! Walking the bodies: every type's owner, shape, users and the place it
//! is first used, before any name is given.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{BodyRole, Ir, ObjectTy, Ty};
use crate::naming::singular;

use super::keys::{closed_values, enum_key, object_key, root_key};
use super::space::Shape;

/// What owns a type, and where inside it.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    /// An object of the brand, by its shared path (`callback.payment`).
    Object(String),
    /// A shared object that is a callback's root.
    Root(String),
    /// A closed set inside a shared object, by its path.
    Enum(String),
    /// A method's own object or closed set.
    Local,
}

impl Kind {
    /// Where a brand's type is named from: shared objects first, then what
    /// is written inside them, by path.
    pub(super) fn sort_key(&self) -> (usize, &str) {
        match self {
            Kind::Object(p) | Kind::Root(p) | Kind::Enum(p) => (p.matches('.').count(), p),
            Kind::Local => (0, ""),
        }
    }
}

/// A type found in the bodies, before naming.
pub(super) struct Found {
    pub(super) key: String,
    pub(super) kind: Kind,
    /// The field names from the body's root (items by singular name): a
    /// method's type is named from them (a brand's from `kind`'s path).
    pub(super) names: Vec<String>,
    pub(super) operation: String,
    pub(super) role: BodyRole,
    /// The field path from the body's root (`account`, `banks[]`).
    pub(super) path: String,
    pub(super) shape: Shape,
    pub(super) users: Vec<String>,
}

/// The types found in one brand, before naming.
#[derive(Default)]
pub(super) struct BrandFound {
    pub(super) shared: Vec<Found>,
    shared_at: HashMap<String, usize>,
    /// Each method's types, in first-use order, by method id (methods in
    /// the IR's order).
    pub(super) methods: Vec<(String, Vec<Found>, HashMap<String, usize>)>,
}

/// Where a value is used: the method, the operation, the body, the field
/// names from the root (an array's items by their singular name) and,
/// inside a shared object, its path.
#[derive(Clone)]
struct At<'a> {
    method: &'a str,
    operation: &'a str,
    role: BodyRole,
    names: Vec<String>,
    path: Vec<String>,
    shared: Option<String>,
}

impl At<'_> {
    fn child(&self, name: &str, item: bool) -> Self {
        let mut next = self.clone();
        if item {
            next.names.push(singular(name));
            next.path.push(format!("{name}[]"));
        } else {
            next.names.push(name.to_string());
            next.path.push(name.to_string());
        }
        next.shared = self.shared.as_ref().map(|p| {
            if item {
                format!("{p}.{name}[]")
            } else {
                format!("{p}.{name}")
            }
        });
        next
    }
}

/// Every type of every brand's bodies, before naming.
pub(super) fn collect(ir: &Ir) -> BTreeMap<String, BrandFound> {
    let mut found: BTreeMap<String, BrandFound> = BTreeMap::new();
    for m in &ir.methods {
        let brand = found.entry(m.brand.clone()).or_default();
        brand
            .methods
            .push((m.id.clone(), Vec::new(), HashMap::new()));
        for op in &m.operations {
            for (role, body) in op.bodies() {
                let at = At {
                    method: &m.id,
                    operation: &op.id,
                    role,
                    names: Vec::new(),
                    path: Vec::new(),
                    shared: None,
                };
                match &body.ty {
                    Ty::Object(o) => {
                        let mut at = at;
                        if let Some(s) = &o.shared {
                            at.shared = Some(s.path.clone());
                            if role == BodyRole::Callback {
                                brand.add_shared(
                                    root_key(o),
                                    Kind::Root(s.path.clone()),
                                    &at,
                                    || Shape::Callback(documented(o)),
                                );
                            }
                        }
                        brand.fields(o, &at);
                    }
                    other => {
                        // An answer that is a list: its items are named
                        // after what the operation lists (`banks-list`
                        // lists a `Bank`).
                        let listed = op.id.strip_suffix("-list").unwrap_or(&op.id);
                        brand.visit(other, &at, listed, true);
                    }
                }
            }
        }
    }
    found
}

/// The object as its owner documents it: a shared object's words as
/// `shared.yaml` writes them, whichever method rewords it.
fn documented(o: &ObjectTy) -> ObjectTy {
    let mut out = o.clone();
    if let Some(base) = o.shared.as_ref().and_then(|s| s.base.as_deref()) {
        reword(&mut out, base);
    }
    out
}

/// Takes the words of `base`'s fields (and of the objects they hold).
fn reword(o: &mut ObjectTy, base: &ObjectTy) {
    for f in &mut o.fields {
        let Some(b) = base.fields.iter().find(|b| b.name == f.name) else {
            continue;
        };
        f.description.clone_from(&b.description);
        f.notes.clone_from(&b.notes);
        f.example.clone_from(&b.example);
        f.example_note.clone_from(&b.example_note);
        f.condition.clone_from(&b.condition);
        if let (Ty::Object(inner), Ty::Object(b)) = (&mut f.ty, &b.ty) {
            reword(inner, b);
        }
    }
}

impl BrandFound {
    fn fields(&mut self, o: &ObjectTy, at: &At<'_>) {
        for f in &o.fields {
            self.visit(&f.ty, at, &f.name, false);
        }
    }

    fn visit(&mut self, ty: &Ty, at: &At<'_>, name: &str, item: bool) {
        let here = at.child(name, item);
        match ty {
            Ty::Object(o) => {
                let mut here = here;
                match &o.shared {
                    Some(s) => {
                        here.shared = Some(s.path.clone());
                        self.add_shared(object_key(o), Kind::Object(s.path.clone()), &here, || {
                            Shape::Object(documented(o))
                        });
                    }
                    None => {
                        here.shared = None;
                        self.add_local(object_key(o), &here, || Shape::Object(o.clone()));
                    }
                }
                self.fields(o, &here);
            }
            Ty::Array(inner) => self.visit(inner, at, name, true),
            Ty::String(t) => {
                if let Some(values) = closed_values(t) {
                    let key = enum_key(&values);
                    let shape = || Shape::Enum(values.clone());
                    match &at.shared {
                        Some(parent) => {
                            let path = format!("{parent}.{name}");
                            self.add_shared(key, Kind::Enum(path), &here, shape);
                        }
                        None => self.add_local(key, &here, shape),
                    }
                }
            }
            Ty::Integer(_) | Ty::Boolean => {}
        }
    }

    fn add_shared(&mut self, key: String, kind: Kind, at: &At<'_>, shape: impl FnOnce() -> Shape) {
        if let Some(&i) = self.shared_at.get(&key) {
            let t = &mut self.shared[i];
            if !t.users.iter().any(|u| u == at.method) {
                t.users.push(at.method.to_string());
            }
            // Named from its first place in an order no method decides.
            if kind.sort_key() < t.kind.sort_key() {
                t.kind = kind;
            }
            return;
        }
        self.shared_at.insert(key.clone(), self.shared.len());
        self.shared.push(Found::first(key, kind, at, shape()));
    }

    fn add_local(&mut self, key: String, at: &At<'_>, shape: impl FnOnce() -> Shape) {
        let Some((_, types, index)) = self.methods.last_mut() else {
            return;
        };
        if index.contains_key(&key) {
            return;
        }
        index.insert(key.clone(), types.len());
        types.push(Found::first(key, Kind::Local, at, shape()));
    }
}

impl Found {
    /// A type at its first use.
    fn first(key: String, kind: Kind, at: &At<'_>, shape: Shape) -> Self {
        Found {
            key,
            kind,
            names: at.names.clone(),
            operation: at.operation.to_string(),
            role: at.role,
            path: at.path.join("."),
            shape,
            users: vec![at.method.to_string()],
        }
    }
}
