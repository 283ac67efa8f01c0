//! Money: amount limits in major units converted to minor units by the
//! currency's exponent, and limits that bound an amount only in their own
//! currency (`ObjectTy::currency_bounds`).

use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::model::Param;
use crate::{ir, model};

use super::check::check_currency;
use super::context::{Ctx, Origin};

pub(super) fn resolve_limits(
    m: &model::Method,
    o: &Origin,
    diags: &mut Diagnostics,
) -> Vec<ir::Limit> {
    let mut out = Vec::new();
    for (id, l) in &m.limits {
        let lo = o.at(id);
        check_currency(&l.currency, &lo.at("currency"), diags);
        if !m.currencies.is_empty() && !m.currencies.contains(&l.currency) {
            diags.push(
                lo.at("currency")
                    .diag(format!(
                        "a limit in {}, which is not among the method's `currencies`",
                        l.currency
                    ))
                    .hint(format!(
                        "the method takes {}: add {} to `currencies`, or remove the limit",
                        m.currencies.join(", "),
                        l.currency
                    )),
            );
        }
        let exponent = crate::currency::exponent(&l.currency).unwrap_or(2);
        let convert = |key: &str, v: &Option<String>, diags: &mut Diagnostics| -> Option<i64> {
            let v = v.as_ref()?;
            match major_to_minor(v, exponent) {
                Ok(n) => Some(n),
                Err(why) => {
                    // An example in this currency's own precision: "15" for
                    // KRW, "15.00" for EUR, "15.000" for KWD.
                    let example = format!(
                        "15{}{}",
                        if exponent > 0 { "." } else { "" },
                        "0".repeat(exponent.into())
                    );
                    diags.push(lo.at(key).diag(format!("`{v}` is not an amount in {}: {why}", l.currency)).hint(format!(
                        "write the amount in major units as the document does, with at most {exponent} decimals, e.g. \"{example}\""
                    )));
                    None
                }
            }
        };
        let mut min_minor = convert("min", &l.min, diags);
        let mut max_minor = convert("max", &l.max, diags);
        let mut step_minor = convert("step", &l.step, diags);
        if let Some(step) = step_minor
            && step < 1
        {
            step_minor = None;
            diags.push(
                lo.at("step")
                    .diag(format!(
                        "the step `{}` moves no money",
                        l.step.as_deref().unwrap_or("")
                    ))
                    .hint("give the amount every payment is a multiple of, e.g. \"5\""),
            );
        }
        if let (Some(a), Some(b)) = (min_minor, max_minor)
            && a > b
        {
            // Reported here once; the bounds are dropped so no amount that
            // uses the limit echoes it.
            (min_minor, max_minor) = (None, None);
            diags.push(
                lo.at("min")
                    .diag(format!(
                        "the minimum ({}) is above the maximum ({})",
                        l.min.as_deref().unwrap_or(""),
                        l.max.as_deref().unwrap_or("")
                    ))
                    .hint("swap min and max"),
            );
        }
        out.push(ir::Limit {
            id: id.clone(),
            currency: l.currency.clone(),
            min_major: l.min.clone(),
            max_major: l.max.clone(),
            min_minor,
            max_minor,
            step_major: l.step.clone(),
            step_minor,
            description: l.description.clone(),
        });
    }
    out
}

/// Converts a major-unit decimal (`15,000.00`) to minor units with the
/// currency's exponent (`1500000`).
pub fn major_to_minor(text: &str, exponent: u8) -> Result<i64, String> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let groups: Vec<&str> = int.split(',').collect();
    let grouped_ok =
        groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    let digits: String = groups.concat();
    if digits.is_empty()
        || !grouped_ok
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("expected digits, optional thousands commas and a decimal point".into());
    }
    if frac.len() > usize::from(exponent) {
        return Err(format!("more than {exponent} decimals"));
    }
    let padded = format!("{digits}{frac:0<width$}", width = usize::from(exponent));
    padded.parse::<i64>().map_err(|_| "too large".into())
}

/// How messages give a limit: `15.00 to 15,000.00 KGS in minor units`.
pub(super) fn limit_note(l: &ir::Limit) -> String {
    let step = l
        .step_major
        .as_ref()
        .map(|s| format!(", in steps of {s} {}", l.currency))
        .unwrap_or_default();
    format!(
        "{} to {} {} in minor units{step}",
        l.min_major.as_deref().unwrap_or("any"),
        l.max_major.as_deref().unwrap_or("any"),
        l.currency
    )
}

/// The conditional forms of a member's amount limits: a limit holds only
/// when the object's `currency` is the limit's, unless that currency is
/// fixed to it (then it bounds the amount outright). Returns the
/// conditional bounds and the ids of the limits that stay outright.
pub(super) fn currency_bounds_of(
    ctx: &Ctx<'_>,
    name: &str,
    fp: &Param,
    members: &[(String, Param, Origin)],
    fo: &Origin,
    diags: &mut Diagnostics,
) -> (Vec<ir::CurrencyBound>, Vec<String>) {
    let ids = fp
        .amount_limit
        .as_ref()
        .map(model::LimitRef::ids)
        .unwrap_or_default();
    let limits: Vec<&ir::Limit> = ids
        .iter()
        .filter_map(|id| ctx.limits.iter().find(|l| &l.id == id))
        .collect();
    let currency = members.iter().find(|(n, _, _)| n == "currency");
    let Some((currency_field, currency)) = currency.map(|(n, p, _)| (n, p)) else {
        if limits.len() > 1 {
            diags.push(
                fo.at("amount_limit")
                    .diag("several amount limits on an amount with no `currency` beside it")
                    .hint("limits per currency need a `currency` field in the same object to choose between them"),
            );
        }
        return (Vec::new(), ids);
    };
    let fixed = currency.const_value.as_ref().and_then(Value::as_str);
    let allowed: Option<Vec<&str>> = currency
        .enum_values
        .as_ref()
        .map(|vs| vs.iter().filter_map(Value::as_str).collect());
    let mut bounds = Vec::new();
    let mut outright = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, limit) in limits.iter().enumerate() {
        let at = if ids.len() > 1 {
            fo.at("amount_limit").at(&i.to_string())
        } else {
            fo.at("amount_limit")
        };
        if !seen.insert(limit.currency.as_str()) {
            diags.push(
                at.diag(format!("a second limit in {}", limit.currency))
                    .hint("give one limit per currency"),
            );
            continue;
        }
        let dead = match (fixed, &allowed) {
            (Some(f), _) => f != limit.currency,
            (None, Some(a)) => !a.contains(&limit.currency.as_str()),
            (None, None) => false,
        };
        if dead {
            // Reported at the limit (the amount may be a shared field, whose
            // place is in another file), unless ISO 4217 does not know the
            // currency, which is reported where it is given.
            if crate::currency::exponent(&limit.currency).is_ok() {
                let at = ctx.origin.at("limits").at(&limit.id).at("currency");
                diags.push(
                    at.diag(format!(
                        "a limit in {} on an amount whose currency can never be {}",
                        limit.currency, limit.currency
                    ))
                    .hint("remove the limit, or allow its currency in the `currency` field"),
                );
            }
            continue;
        }
        if fixed == Some(limit.currency.as_str()) {
            outright.push(limit.id.clone());
            continue;
        }
        bounds.push(ir::CurrencyBound {
            amount: name.to_owned(),
            currency_field: currency_field.clone(),
            currency: limit.currency.clone(),
            minimum: limit.min_minor,
            maximum: limit.max_minor,
            multiple_of: limit.step_minor,
            note: limit_note(limit),
        });
    }
    // Unknown ids stay with the field, whose check reports them.
    outright.extend(
        ids.iter()
            .filter(|id| !ctx.limits.iter().any(|l| &l.id == *id))
            .cloned(),
    );
    (bounds, outright)
}

#[cfg(test)]
mod tests {
    use super::major_to_minor;

    #[test]
    fn converts_major_to_minor_units() {
        assert_eq!(major_to_minor("15.00", 2), Ok(1500));
        assert_eq!(major_to_minor("15,000.00", 2), Ok(1_500_000));
        assert_eq!(major_to_minor("15000", 2), Ok(1_500_000));
        assert_eq!(major_to_minor("7", 0), Ok(7));
        assert!(major_to_minor("1.234", 2).is_err());
        assert!(major_to_minor("1,00.00", 2).is_err());
        assert!(major_to_minor("", 2).is_err());
        assert!(major_to_minor("-5", 2).is_err());
    }
}
