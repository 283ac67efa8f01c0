//! The type space's data: every brand's and method's named types, and how
//! a method's bodies look them up.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{ObjectTy, Ty};

use super::keys::{closed_values, enum_key, object_key, root_key};
use super::lock::Rename;

/// The shape of a type.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// An object (its documentation is its owner's).
    Object(ObjectTy),
    /// A closed set of strings (a `const` is a set of one).
    Enum(Vec<String>),
    /// A shared object that is a callback's root: the envelope the
    /// platform sends for many operations.
    Callback(ObjectTy),
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// The Rust name, in its owner's `types` module (`General`, `Account`).
    pub name: String,
    /// The name in the brand's schema bundle and OpenAPI components:
    /// the Rust name, qualified by the method for a method's own type.
    pub schema_name: String,
    /// What the type is, independent of other methods: the lock's key.
    pub identity: String,
    /// What it is.
    pub shape: Shape,
    /// The methods that use it, in first-use order (a method's cargo
    /// feature needs the brand's types among these).
    pub users: Vec<String>,
}

/// The types of one owner: the brand, or one method.
#[derive(Debug, Clone, Default)]
pub struct Namespace {
    /// Every type, in the order its names were given.
    pub types: Vec<Named>,
    pub(super) by_key: HashMap<String, usize>,
}

impl Namespace {
    fn get(&self, key: &str) -> Option<&Named> {
        self.by_key.get(key).map(|&i| &self.types[i])
    }
}

/// The types of one brand: its own and each method's.
#[derive(Debug, Clone, Default)]
pub struct BrandTypes {
    /// The brand's types (shared objects and what they hold).
    pub shared: Namespace,
    pub(super) methods: BTreeMap<String, Namespace>,
}

/// The types of every brand, and what the lock made of their names.
#[derive(Debug, Clone, Default)]
pub struct TypeSpace {
    pub(super) brands: BTreeMap<String, BrandTypes>,
    /// Names the specs alone would now give differently than the lock
    /// does: each is kept, and `check` says how to rename it on purpose.
    pub renames: Vec<Rename>,
}

/// A type as a body names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeRef<'a> {
    /// The Rust name in its owner's `types` module.
    pub name: &'a str,
    /// The brand-wide name of other languages.
    pub schema_name: &'a str,
    /// Whether the method owns it (it is in the method's `types` module),
    /// or the brand does.
    pub local: bool,
}

impl TypeSpace {
    /// The types of a brand (none for a brand without methods).
    pub fn brand(&self, brand: &str) -> Option<&BrandTypes> {
        self.brands.get(brand)
    }

    /// Every brand's types, by brand id.
    pub fn brands(&self) -> impl Iterator<Item = (&str, &BrandTypes)> {
        self.brands.iter().map(|(b, t)| (b.as_str(), t))
    }
}

impl BrandTypes {
    /// The view of one method: how its bodies name their types.
    pub fn of<'a>(&'a self, method: &'a str) -> MethodTypes<'a> {
        MethodTypes {
            brand: self,
            method,
        }
    }

    /// The types a method owns (its `types` module), in first-use order.
    pub fn local(&self, method: &str) -> &[Named] {
        self.methods
            .get(method)
            .map(|n| n.types.as_slice())
            .unwrap_or_default()
    }

    /// Every method's own types, by method id.
    pub fn methods(&self) -> impl Iterator<Item = (&str, &Namespace)> {
        self.methods.iter().map(|(m, n)| (m.as_str(), n))
    }

    /// The brand's types `method` uses: what its cargo feature enables.
    pub fn shared_by(&self, method: &str) -> impl Iterator<Item = &Named> {
        self.shared
            .types
            .iter()
            .filter(move |t| t.users.iter().any(|u| u == method))
    }

    /// The brand's types a brand type's fields name, so its feature can
    /// enable theirs.
    pub fn dependencies(&self, t: &Named) -> Vec<&str> {
        let mut out = Vec::new();
        if let Shape::Object(o) | Shape::Callback(o) = &t.shape {
            let view = self.of("");
            for f in &o.fields {
                view.named_in(&f.ty, true, &mut out);
            }
        }
        out
    }
}

/// How one method's bodies name their types.
#[derive(Debug, Clone, Copy)]
pub struct MethodTypes<'a> {
    brand: &'a BrandTypes,
    method: &'a str,
}

impl<'a> MethodTypes<'a> {
    /// The brand's types and every method's.
    pub fn brand(&self) -> &'a BrandTypes {
        self.brand
    }

    /// The type of an object nested in a body.
    pub fn object(&self, o: &ObjectTy) -> Option<TypeRef<'a>> {
        match &o.shared {
            Some(_) => self.shared(&object_key(o)),
            None => self.local(&object_key(o)),
        }
    }

    /// The brand's type of a callback's root, when the root is a shared
    /// object as written.
    pub fn callback(&self, o: &ObjectTy) -> Option<TypeRef<'a>> {
        o.shared.as_ref()?;
        self.shared(&root_key(o))
    }

    /// The enum of a closed set of strings, held by an object the brand
    /// owns (`within_shared`) or by one of the method's.
    pub fn enumeration(&self, values: &[String], within_shared: bool) -> Option<TypeRef<'a>> {
        let key = enum_key(values);
        if within_shared {
            self.shared(&key)
        } else {
            self.local(&key)
        }
    }

    /// Whether a type of this name exists where a body of this method can
    /// name it (the method's `types`, or the brand's).
    pub fn has_rust_name(&self, name: &str, local: bool) -> bool {
        if local {
            self.brand
                .methods
                .get(self.method)
                .is_some_and(|n| n.types.iter().any(|t| t.name == name))
        } else {
            self.brand.shared.types.iter().any(|t| t.name == name)
        }
    }

    /// Whether the brand's namespace of other languages has this name.
    pub fn has_schema_name(&self, name: &str) -> bool {
        self.brand
            .shared
            .types
            .iter()
            .chain(self.brand.methods.values().flat_map(|n| n.types.iter()))
            .any(|t| t.schema_name == name)
    }

    fn shared(&self, key: &str) -> Option<TypeRef<'a>> {
        self.brand.shared.get(key).map(|t| TypeRef {
            name: &t.name,
            schema_name: &t.schema_name,
            local: false,
        })
    }

    fn local(&self, key: &str) -> Option<TypeRef<'a>> {
        self.brand
            .methods
            .get(self.method)?
            .get(key)
            .map(|t| TypeRef {
                name: &t.name,
                schema_name: &t.schema_name,
                local: true,
            })
    }

    fn named_in(&self, ty: &Ty, within_shared: bool, out: &mut Vec<&'a str>) {
        let found = match ty {
            Ty::Object(o) => self.object(o),
            Ty::Array(item) => return self.named_in(item, within_shared, out),
            Ty::String(t) => closed_values(t).and_then(|v| self.enumeration(&v, within_shared)),
            Ty::Integer(_) | Ty::Boolean => None,
        };
        if let Some(t) = found
            && !t.local
            && !out.contains(&t.name)
        {
            out.push(t.name);
        }
    }
}
