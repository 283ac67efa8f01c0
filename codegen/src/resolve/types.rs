//! A parameter's type, and objects: `resolve_ty` and `resolve_object` call
//! each other (an object's fields have types, a type may be an object), so
//! they live together; scalars are in `scalars`. Objects are shared or
//! inline, with `only`, `refine` and `fields` applied, field names checked
//! for Rust collisions, and conditional requirements. An inferred type is
//! read leniently.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::Diagnostics;
use crate::model::{Param, ParamType, Presence};
use crate::naming;
use crate::suggest::{did_you_mean, one_of};
use crate::{ir, model};

use super::check::{check_applicable, check_currencies_taken, check_notes};
use super::context::{Ctx, MAX_DEPTH, Origin};
use super::money::currency_bounds_of;
use super::param::{fill, mark_inferred, without_examples};
use super::refine::refine;
use super::scalars::{integer_ty, string_ty};

pub(super) fn resolve_ty(
    ctx: &Ctx<'_>,
    p: &Param,
    o: &Origin,
    diags: &mut Diagnostics,
    depth: usize,
) -> Option<ir::Ty> {
    if depth > MAX_DEPTH {
        diags.push(
            o.diag(format!("objects nest deeper than {MAX_DEPTH} levels"))
                .hint("a shared object probably refers to itself"),
        );
        return None;
    }
    let ty = match p.ty {
        Some(t) => t,
        None if p.object.is_some() || !p.fields.is_empty() => ParamType::Object,
        None if p.items.is_some() => ParamType::Array,
        None => {
            diags.push(
                o.diag("missing `type`")
                    .on_key()
                    .hint("add `type: string` (or integer, boolean, object, array)"),
            );
            return None;
        }
    };
    check_applicable(p, ty, o, diags);
    match ty {
        ParamType::String => Some(ir::Ty::String(string_ty(ctx, p, o, diags))),
        ParamType::Integer => Some(ir::Ty::Integer(integer_ty(ctx, p, o, diags))),
        ParamType::Boolean => Some(ir::Ty::Boolean),
        ParamType::Array => {
            let Some(items) = &p.items else {
                diags.push(
                    o.diag("an array needs `items`")
                        .on_key()
                        .hint("add `items: {type: ...}`"),
                );
                return None;
            };
            let item = resolve_ty(ctx, items, &o.at("items"), diags, depth + 1)?;
            let constrained = match &item {
                ir::Ty::String(t) => *t != ir::StringTy::default(),
                ir::Ty::Integer(t) => *t != ir::IntegerTy::default(),
                _ => false,
            };
            if constrained {
                diags.push(
                    o.at("items")
                        .diag("constraints on array items of strings or integers are not supported")
                        .on_key()
                        .hint("use an array of objects, or drop the item constraints"),
                );
            }
            Some(ir::Ty::Array(Box::new(item)))
        }
        ParamType::Object => resolve_object(ctx, p, o, diags, depth).map(ir::Ty::Object),
    }
}

/// Marks the optional scalar members of a callback whose text or type is
/// inferred as read leniently (see `ir::Field::lenient`). Members needed to
/// identify the payment are strictly required and stay strict; objects
/// keep their shape, their own scalars are marked in turn.
pub(super) fn lenient_where_inferred(ty: &mut ir::Ty) {
    match ty {
        ir::Ty::Object(o) => {
            for f in &mut o.fields {
                let scalar = matches!(
                    f.ty,
                    ir::Ty::String(_) | ir::Ty::Integer(_) | ir::Ty::Boolean
                );
                if scalar && f.inferred.is_some() && f.presence != ir::Presence::Strict {
                    f.lenient = true;
                }
                lenient_where_inferred(&mut f.ty);
            }
            // The words a shared type is documented with read alike.
            if let Some(base) = o.shared.as_mut().and_then(|s| s.base.as_mut()) {
                let mut ty = ir::Ty::Object(std::mem::take(base.as_mut()));
                lenient_where_inferred(&mut ty);
                if let ir::Ty::Object(done) = ty {
                    **base = done;
                }
            }
        }
        ir::Ty::Array(item) => lenient_where_inferred(item),
        _ => {}
    }
}

pub(super) fn resolve_object(
    ctx: &Ctx<'_>,
    p: &Param,
    o: &Origin,
    diags: &mut Diagnostics,
    depth: usize,
) -> Option<ir::ObjectTy> {
    // (name, param, where it was written)
    let mut members: Vec<(String, Param, Origin)> = Vec::new();
    let mut dependent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(id) = &p.object {
        match ctx.globals.objects.get(id) {
            Some(shared) => {
                for (name, fp) in &shared.def.fields {
                    let mut fp = without_examples(fp);
                    if let Some(why) = &shared.def.inferred {
                        mark_inferred(&mut fp, why);
                    }
                    members.push((name.clone(), fp, shared.origin.at("fields").at(name)));
                }
                for (k, v) in &shared.def.dependent_required {
                    dependent.insert(k.clone(), v.clone());
                }
                if let Some(only) = &p.only {
                    for (i, name) in only.iter().enumerate() {
                        if !shared.def.fields.contains_key(name) {
                            diags.push(
                                o.at("only")
                                    .at(&i.to_string())
                                    .diag(format!("object `{id}` has no field `{name}`"))
                                    .hint(one_of(
                                        name,
                                        shared.def.fields.keys().map(String::as_str),
                                    )),
                            );
                        }
                    }
                    members.retain(|(n, _, _)| only.contains(n));
                    dependent.retain(|k, _| only.contains(k));
                }
            }
            None => diags.push(
                o.at("object")
                    .diag(format!("unknown object `{id}`"))
                    .maybe_hint(
                        did_you_mean(id, ctx.globals.objects.keys().map(String::as_str)).or_else(
                            || {
                                Some(
                                    "shared objects are declared under `objects:` in shared.yaml"
                                        .into(),
                                )
                            },
                        ),
                    ),
            ),
        }
    } else if p.only.is_some() || !p.refine.is_empty() {
        diags.push(
            o.diag("`only` and `refine` need `object`")
                .on_key()
                .hint("name the shared object to take fields from"),
        );
    }
    for (name, r) in &p.refine {
        let ro = o.at("refine").at(name);
        match members.iter_mut().find(|(n, _, _)| n == name) {
            Some((_, base, at)) => {
                let merged = refine(base, r, &ro, diags);
                // What the refinement itself gives, where it is written
                // (the merged field is checked only in its own file).
                if at.file != ctx.origin.file {
                    let own = Param {
                        format: merged.format,
                        ..r.clone()
                    };
                    check_currencies_taken(&ctx.method.currencies, &own, &ro, diags);
                }
                *base = merged;
            }
            None => diags.push(
                ro.diag(format!(
                    "`refine` names `{name}`, which the object does not have"
                ))
                .on_key()
                .maybe_hint(
                    did_you_mean(name, members.iter().map(|(n, _, _)| n.as_str()))
                        .or_else(|| Some("add new fields under `fields`".into())),
                ),
            ),
        }
    }
    for (name, fp) in &p.fields {
        let fo = o.at("fields").at(name);
        if members.iter().any(|(n, _, _)| n == name) {
            diags.push(
                fo.diag(format!(
                    "field `{name}` is already defined by object `{}`",
                    p.object.as_deref().unwrap_or("")
                ))
                .on_key()
                .hint("use `refine` to narrow an inherited field"),
            );
            continue;
        }
        members.push((name.clone(), fp.clone(), fo));
    }
    for (k, v) in &p.dependent_required {
        dependent.insert(k.clone(), v.clone());
    }
    // What is inferred about an object is inferred about what it holds.
    if let Some(why) = &p.inferred {
        for (_, member, _) in &mut members {
            mark_inferred(member, why);
        }
    }
    let mut fields = Vec::new();
    let mut currency_bounds = Vec::new();
    let mut rust_names: HashMap<String, String> = HashMap::new();
    for (name, fp, fo) in &members {
        // A limit in one currency bounds an amount whose currency may be
        // another only when the currency is the limit's: the field gets its
        // own rules, and the limit becomes a rule of the object.
        let (conditional, outright) = currency_bounds_of(ctx, name, fp, &members, fo, diags);
        let amount_limit = match outright.len() {
            0 => None,
            1 => Some(model::LimitRef::One(outright[0].clone())),
            _ => Some(model::LimitRef::PerCurrency(outright)),
        };
        // Most members keep their limits as written (none): copied only
        // when the limit changes, since this runs for every member of
        // every object of every method.
        let adjusted;
        let fp = if amount_limit == fp.amount_limit {
            fp
        } else {
            adjusted = Param {
                amount_limit,
                ..fp.clone()
            };
            &adjusted
        };
        currency_bounds.extend(conditional);
        let snake = naming::snake(name);
        if let Some(other) = rust_names.insert(snake.clone(), name.clone()) {
            diags.push(
                fo.diag(format!(
                    "fields `{other}` and `{name}` both become `{snake}` in Rust"
                ))
                .on_key()
                .hint("rename one of them"),
            );
        }
        let Some(ty) = resolve_ty(ctx, fp, fo, diags, depth + 1) else {
            continue;
        };
        let presence = fp.required.unwrap_or(Presence::Optional);
        if presence == Presence::Conditional && fp.condition.is_none() {
            diags.push(
                fo.diag("a conditional field needs a `condition`")
                    .on_key()
                    .hint("quote the document, e.g. \"required when performing a partial refund\""),
            );
        }
        if fp.required.is_none() {
            diags.push(
                fo.diag("missing `required`").on_key().hint(
                    "say `required: strict`, `optional` or `conditional` as the document does",
                ),
            );
        }
        check_notes(&fp.notes, &fo.at("notes"), diags);
        fields.push(ir::Field {
            name: name.clone(),
            presence,
            condition: fp.condition.clone(),
            description: fill(ctx, fp.description.as_deref().unwrap_or_default()),
            notes: fp.notes.iter().map(|n| fill(ctx, n)).collect(),
            example: fp.example.clone(),
            example_note: fp.example_note.as_ref().map(|n| fill(ctx, n)),
            inferred: fp.inferred.clone(),
            lenient: false,
            ty,
        });
        if fp.description.is_none() {
            diags.push(
                fo.diag("missing `description`")
                    .on_key()
                    .hint("copy the document's description of the parameter"),
            );
        }
    }
    for (k, deps) in &dependent {
        let dp = o.at("dependent_required").at(k);
        for name in std::iter::once(k).chain(deps) {
            if !fields.iter().any(|f| &f.name == name) {
                diags.push(
                    dp.diag(format!(
                        "`dependent_required` names `{name}`, which is not a field here"
                    ))
                    .on_key()
                    .hint(one_of(name, fields.iter().map(|f| f.name.as_str()))),
                );
            }
        }
    }
    let mut out = ir::ObjectTy {
        fields,
        dependent_required: dependent.into_iter().collect(),
        dependent_required_inferred: p.dependent_required_inferred.clone(),
        currency_bounds,
        shared: None,
        key: String::new(),
    };
    if let Some(id) = &p.object
        && ctx.globals.objects.contains_key(id)
    {
        tag_shared(ctx, p, id, &mut out, o, depth);
    }
    Some(out)
}

/// Marks what of an object taken from shared object `id` is that object
/// as written, and so the brand's: the whole object when the use only
/// rewords it; else each member object the use left as written (a
/// callback that adds a field keeps the platform's `payment`, `operation`
/// ... as the brand's). What the use changes is the method's own.
fn tag_shared(
    ctx: &Ctx<'_>,
    p: &Param,
    id: &str,
    out: &mut ir::ObjectTy,
    o: &Origin,
    depth: usize,
) {
    let added = p.only.is_some() || !p.fields.is_empty();
    if !added && p.refine.is_empty() && p.dependent_required.is_empty() {
        out.shared = Some(ir::SharedOrigin {
            path: id.to_string(),
            base: None,
        });
        tag_nested(out, id);
        return;
    }
    // The object as written, resolved here with the same brand and method
    // (its problems are reported where it is used as written, if anywhere).
    let plain = Param {
        object: Some(id.to_string()),
        ..Param::default()
    };
    let Some(base) = resolve_object(ctx, &plain, o, &mut Diagnostics::default(), depth) else {
        return;
    };
    if !added && base.shape_key() == out.shape_key() {
        out.shared = Some(ir::SharedOrigin {
            path: id.to_string(),
            base: Some(Box::new(base)),
        });
        tag_nested(out, id);
        return;
    }
    for f in &mut out.fields {
        let Some(ir::Ty::Object(written)) =
            base.fields.iter().find(|b| b.name == f.name).map(|b| &b.ty)
        else {
            continue;
        };
        if let ir::Ty::Object(member) = &mut f.ty
            && member.shared.is_none()
            && member.shape_key() == written.shape_key()
        {
            let path = format!("{id}.{}", f.name);
            member.shared = Some(ir::SharedOrigin {
                path: path.clone(),
                base: Some(Box::new(written.clone())),
            });
            tag_nested(member, &path);
        }
    }
}

/// Marks the objects written inside a shared object as the brand's too,
/// each with its path (`callback.payment`).
fn tag_nested(o: &mut ir::ObjectTy, path: &str) {
    for f in &mut o.fields {
        tag_in(&mut f.ty, &format!("{path}.{}", f.name));
    }
}

fn tag_in(ty: &mut ir::Ty, path: &str) {
    match ty {
        ir::Ty::Object(inner) if inner.shared.is_none() => {
            inner.shared = Some(ir::SharedOrigin {
                path: path.to_string(),
                base: None,
            });
            tag_nested(inner, path);
        }
        ir::Ty::Array(item) => tag_in(item, &format!("{path}[]")),
        _ => {}
    }
}
