//! The type space: which generated types are shared, and what they are
//! called. It is built once per compiled spec set ([`crate::Compiled`])
//! and every emitter and `diff` read that one.
//!
//! Every object nested in a body, and every closed set of strings, becomes
//! one type per brand for each distinct *shape*: its fields, requiredness,
//! types and every constraint, but none of its documentation. So `general`
//! used unchanged by eleven operations is one `General`, a refinement that
//! only rewords a description makes no new type, and a refinement that
//! changes a constraint does. Request and response roots stay per
//! operation (each carries its own endpoint); a callback root that several
//! operations of a brand share unchanged is one type too (`PayoutCallback`),
//! re-exported as each operation's `callback::Callback`.
//!
//! Names are deterministic and short. A shape takes the first free name of
//! a list of candidates derived from where it is first used, in spec order:
//! the field's name (`Sum`), then its parent's (`PaymentSum`), then the
//! method's (`SmpP2pKzPaymentSum`), then the operation's, then a number.
//! The Rust emitter and the schema emitter read the same type space, so a Rust
//! type and its schema definition have the same name.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{BodyRole, Field, Ir, ObjectTy, Ty};

use crate::naming::{RESERVED, camel, rust_safe};

/// The shape of a shared type.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// An object, as first used (its documentation is that use's).
    Object(ObjectTy),
    /// A closed set of strings (a `const` is a set of one).
    Enum(Vec<String>),
    /// The root of a callback that several operations share unchanged
    /// (the platform sends one callback envelope for many methods).
    Callback(ObjectTy),
}

/// A shared type: its name and shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    /// The type's name (`General`, `PaymentSum`).
    pub name: String,
    /// What it is.
    pub shape: Shape,
    /// The methods that use it, in first-use order (a method's cargo
    /// feature needs exactly these types).
    pub users: Vec<String>,
}

/// The shared types of one brand, in first-use order.
#[derive(Debug, Clone, Default)]
pub struct BrandTypes {
    /// Every shared type of the brand.
    pub types: Vec<Shared>,
    by_key: HashMap<String, usize>,
    taken: HashMap<String, usize>,
}

/// The shared types of every brand.
#[derive(Debug, Clone, Default)]
pub struct TypeSpace {
    brands: BTreeMap<String, BrandTypes>,
}

/// Where a type is used: the method, the operation and the field path
/// from the body's root.
struct Use<'a> {
    method: &'a str,
    operation: &'a str,
    path: Vec<String>,
}

impl TypeSpace {
    /// Names every nested object and closed set of every body of `ir`.
    pub fn build(ir: &Ir) -> Self {
        let mut table = TypeSpace::default();
        // How many operations of each brand have each callback shape: a
        // shape that several have becomes one type, one that a single
        // operation has stays its own `Callback`.
        let keys: Vec<Option<String>> = ir
            .operations()
            .map(|(_, op)| match op.callback.as_ref().map(|b| &b.ty) {
                Some(Ty::Object(o)) => Some(callback_key(o)),
                _ => None,
            })
            .collect();
        let mut callbacks: HashMap<(&str, &str), usize> = HashMap::new();
        for ((m, _), key) in ir.operations().zip(&keys) {
            if let Some(key) = key {
                *callbacks.entry((&m.brand, key)).or_default() += 1;
            }
        }
        for ((m, op), key) in ir.operations().zip(&keys) {
            let brand = table.brands.entry(m.brand.clone()).or_default();
            for (role, body) in op.bodies() {
                let at = Use {
                    method: &m.id,
                    operation: &op.id,
                    path: Vec::new(),
                };
                if let (BodyRole::Callback, Ty::Object(o), Some(key)) = (role, &body.ty, key)
                    && callbacks.get(&(m.brand.as_str(), key.as_str())) > Some(&1)
                {
                    brand.register(key.clone(), &at, || Shape::Callback(o.clone()));
                }
                match &body.ty {
                    Ty::Object(o) => brand.visit_fields(o, &at),
                    other => brand.visit(other, &at, "Item"),
                }
            }
        }
        table
    }

    /// The shared types of a brand (empty for a brand without methods).
    pub fn brand(&self, brand: &str) -> Option<&BrandTypes> {
        self.brands.get(brand)
    }
}

impl BrandTypes {
    /// The name of the type of an object nested in a body.
    pub fn object(&self, o: &ObjectTy) -> Option<&str> {
        self.name_of(&object_key(o))
    }

    /// The name of the shared type of a callback's root, when several
    /// operations have this callback.
    pub fn callback(&self, o: &ObjectTy) -> Option<&str> {
        self.name_of(&callback_key(o))
    }

    /// The name of the enum of a closed set of strings.
    pub fn enumeration(&self, values: &[String]) -> Option<&str> {
        self.name_of(&enum_key(values))
    }

    /// Whether the type of this name is used by one method only: it then
    /// lives in that method's module, so a feature that is off does not
    /// compile it.
    pub fn is_local(&self, name: &str) -> bool {
        self.taken
            .get(name)
            .is_some_and(|&i| self.types[i].users.len() == 1)
    }

    /// The types of the brand's `types` module (those several methods
    /// use) that `method` uses, in first-use order: what its cargo feature
    /// enables.
    pub fn shared_by(&self, method: &str) -> impl Iterator<Item = &Shared> {
        self.types
            .iter()
            .filter(move |t| t.users.len() > 1 && t.users.iter().any(|u| u == method))
    }

    /// The names of the shared types a type's items name directly (the
    /// types of its fields), so its feature can enable theirs.
    pub fn dependencies(&self, t: &Shared) -> Vec<&str> {
        let mut out = Vec::new();
        if let Shape::Object(o) | Shape::Callback(o) = &t.shape {
            for f in &o.fields {
                self.named_in(&f.ty, &mut out);
            }
        }
        out
    }

    fn named_in<'s>(&'s self, ty: &Ty, out: &mut Vec<&'s str>) {
        let name = match ty {
            Ty::Object(o) => self.object(o),
            Ty::Array(item) => return self.named_in(item, out),
            Ty::String(t) => closed_values(t).and_then(|v| self.enumeration(&v)),
            Ty::Integer(_) | Ty::Boolean => None,
        };
        if let Some(name) = name
            && !out.contains(&name)
        {
            out.push(name);
        }
    }

    fn name_of(&self, key: &str) -> Option<&str> {
        self.by_key.get(key).map(|&i| self.types[i].name.as_str())
    }

    fn visit_fields(&mut self, o: &ObjectTy, at: &Use<'_>) {
        for f in &o.fields {
            self.visit(&f.ty, at, &f.name);
        }
    }

    /// Registers the types of a value named `name` under `at`, children
    /// after their parent (so a parent takes its name first).
    fn visit(&mut self, ty: &Ty, at: &Use<'_>, name: &str) {
        let mut path = at.path.clone();
        path.push(name.to_string());
        let here = Use {
            method: at.method,
            operation: at.operation,
            path,
        };
        match ty {
            Ty::Object(o) => {
                self.register(object_key(o), &here, || Shape::Object(o.clone()));
                self.visit_fields(o, &here);
            }
            Ty::Array(item) => self.visit(item, at, &format!("{name}Item")),
            Ty::String(t) => {
                if let Some(values) = closed_values(t) {
                    self.register(enum_key(&values), &here, || Shape::Enum(values.clone()));
                }
            }
            Ty::Integer(_) | Ty::Boolean => {}
        }
    }

    fn register(&mut self, key: String, at: &Use<'_>, shape: impl FnOnce() -> Shape) {
        if let Some(&i) = self.by_key.get(&key) {
            let users = &mut self.types[i].users;
            if !users.iter().any(|u| u == at.method) {
                users.push(at.method.to_string());
            }
            return;
        }
        let shape = shape();
        let name = candidates(at, &shape)
            .into_iter()
            .find(|c| !self.taken.contains_key(c) && !RESERVED.contains(&c.as_str()))
            .unwrap_or_else(|| {
                // Every candidate is taken: the last one with a number.
                let last = candidates(at, &shape).pop().unwrap_or_default();
                (2..)
                    .map(|n| format!("{last}{n}"))
                    .find(|c| !self.taken.contains_key(c) && !RESERVED.contains(&c.as_str()))
                    .unwrap_or(last)
            });
        let index = self.types.len();
        self.taken.insert(name.clone(), index);
        self.by_key.insert(key, index);
        self.types.push(Shared {
            name,
            shape,
            users: vec![at.method.to_string()],
        });
    }
}

/// The values of a closed set of strings, if the string type is one.
pub fn closed_values(t: &crate::ir::StringTy) -> Option<Vec<String>> {
    match (&t.const_value, &t.enum_values) {
        (Some(c), _) => Some(vec![c.clone()]),
        (None, Some(e)) => Some(e.clone()),
        (None, None) => None,
    }
}

/// The names a type may take, best first.
fn candidates(at: &Use<'_>, shape: &Shape) -> Vec<String> {
    let parts: Vec<String> = at.path.iter().map(|p| camel(p)).collect();
    let own = parts.last().cloned().unwrap_or_else(|| "Item".into());
    let parent = parts
        .len()
        .checked_sub(2)
        .map(|i| format!("{}{own}", parts[i]))
        .unwrap_or_else(|| own.clone());
    let method = camel(at.method);
    let operation = camel(at.operation);
    let mut out = Vec::new();
    // A shared callback is named by the operation it reports on
    // (`PayoutCallback`), then qualified by the method.
    if let Shape::Callback(_) = shape {
        out.push(format!("{operation}Callback"));
        out.push(format!("{method}{operation}Callback"));
        return out.into_iter().map(|n| rust_safe(&n)).collect();
    }
    // A small closed set is named by its values (`CurrencyKgs`): that says
    // what it is, and does not depend on which method came first.
    if let Shape::Enum(values) = shape {
        let joined: String = values.iter().map(|v| camel(v)).collect();
        if values.len() <= 3 && !joined.is_empty() && joined.len() <= 24 {
            out.push(format!("{own}{joined}"));
        }
    }
    out.push(own.clone());
    out.push(parent.clone());
    out.push(format!("{method}{parent}"));
    out.push(format!("{method}{operation}{}", parts.concat()));
    out.into_iter().map(|n| rust_safe(&n)).collect()
}

/// The shape of an object without its documentation: what decides the
/// generated code and the validation.
fn object_key(o: &ObjectTy) -> String {
    format!("object {:?}", undocumented_object(o))
}

fn callback_key(o: &ObjectTy) -> String {
    format!("callback {:?}", undocumented_object(o))
}

fn enum_key(values: &[String]) -> String {
    format!("enum {values:?}")
}

fn undocumented_object(o: &ObjectTy) -> ObjectTy {
    ObjectTy {
        fields: o.fields.iter().map(undocumented_field).collect(),
        dependent_required: o.dependent_required.clone(),
        dependent_required_inferred: o.dependent_required_inferred.clone(),
        currency_bounds: o.currency_bounds.clone(),
    }
}

fn undocumented_field(f: &Field) -> Field {
    Field {
        name: f.name.clone(),
        presence: f.presence,
        condition: None,
        description: String::new(),
        notes: Vec::new(),
        example: None,
        example_note: None,
        inferred: None,
        lenient: f.lenient,
        ty: undocumented_ty(&f.ty),
    }
}

fn undocumented_ty(ty: &Ty) -> Ty {
    match ty {
        Ty::Object(o) => Ty::Object(undocumented_object(o)),
        Ty::Array(item) => Ty::Array(Box::new(undocumented_ty(item))),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Presence, StringTy};

    fn field(name: &str, description: &str, ty: Ty) -> Field {
        Field {
            name: name.into(),
            presence: Presence::Strict,
            condition: None,
            description: description.into(),
            notes: Vec::new(),
            example: None,
            example_note: None,
            inferred: None,
            lenient: false,
            ty,
        }
    }

    #[test]
    fn documentation_does_not_make_a_new_shape_but_constraints_do() {
        let a = ObjectTy {
            fields: vec![field("id", "The id.", Ty::String(StringTy::default()))],
            ..ObjectTy::default()
        };
        let mut reworded = a.clone();
        reworded.fields[0].description = "Another wording.".into();
        let mut narrowed = a.clone();
        narrowed.fields[0].ty = Ty::String(StringTy {
            max_length: Some(4),
            ..StringTy::default()
        });
        assert_eq!(object_key(&a), object_key(&reworded));
        assert_ne!(object_key(&a), object_key(&narrowed));
    }

    #[test]
    fn a_name_in_use_falls_back_to_a_qualified_one() {
        let mut brand = BrandTypes::default();
        let at = |path: &[&str]| Use {
            method: "smp-p2p-kz",
            operation: "payout",
            path: path.iter().map(|p| p.to_string()).collect(),
        };
        let one = ObjectTy::default();
        let two = ObjectTy {
            fields: vec![field("x", "", Ty::Boolean)],
            ..ObjectTy::default()
        };
        let three = ObjectTy {
            fields: vec![field("y", "", Ty::Boolean)],
            ..ObjectTy::default()
        };
        for o in [&one, &two, &three] {
            brand.register(object_key(o), &at(&["payment", "sum"]), || {
                Shape::Object(o.clone())
            });
        }
        let names: Vec<&str> = brand.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Sum", "PaymentSum", "SmpP2pKzPaymentSum"]);
        assert_eq!(brand.object(&two), Some("PaymentSum"));
    }
}
