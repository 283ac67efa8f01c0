//! ISO 4217 currencies, built in: no spec defines one. The table is the
//! `iso_currency` crate's, so a new method in any currency needs no edit
//! of a shared file.

/// The number of minor-unit digits of a currency (2 for KZT, 0 for VND),
/// or why the code cannot be used for amounts.
pub fn exponent(code: &str) -> Result<u8, String> {
    let currency = iso_currency::Currency::from_code(code)
        .ok_or_else(|| format!("unknown currency `{code}`: not an ISO 4217 alpha-3 code"))?;
    match currency.exponent() {
        // ISO 4217 exponents are 0 to 4.
        Some(e) => u8::try_from(e).map_err(|_| format!("`{code}` has an exponent of {e}")),
        None => Err(format!(
            "`{code}` ({}) has no minor unit in ISO 4217, so its amounts cannot be written in minor units",
            currency.name()
        )),
    }
}

/// The closest ISO 4217 code to a mistyped one, as a hint.
pub fn suggest(code: &str) -> Option<String> {
    let upper = code.to_ascii_uppercase();
    if upper != code && iso_currency::Currency::from_code(&upper).is_some() {
        return Some(format!("currency codes are upper case: `{upper}`"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_come_from_iso_4217() {
        assert_eq!(exponent("KZT"), Ok(2));
        assert_eq!(exponent("VND"), Ok(0));
        assert_eq!(exponent("KWD"), Ok(3));
        assert!(exponent("XAU").unwrap_err().contains("no minor unit"));
        assert!(exponent("ZZZ").unwrap_err().contains("unknown currency"));
        assert_eq!(
            suggest("kzt").as_deref(),
            Some("currency codes are upper case: `KZT`")
        );
    }
}
