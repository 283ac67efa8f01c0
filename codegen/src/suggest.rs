//! "Did you mean ...?" hints.

/// The closest candidate to `word`, phrased as a hint, when one is close
/// enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("descripton", ["description", "fields"]).as_deref(),
            Some("did you mean `description`?")
        );
        assert_eq!(did_you_mean("zzz", ["description", "fields"]), None);
    }
}
