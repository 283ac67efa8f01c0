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

/// A hint for a name that is none of `candidates`: the closest one when it
/// is a plausible typo, else the names there are (the first ten), or that
/// there are none.
pub fn one_of<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    if let Some(hint) = did_you_mean(word, candidates.clone()) {
        return hint;
    }
    let all: Vec<&str> = candidates.into_iter().collect();
    match all.len() {
        0 => "none is defined here".to_string(),
        n if n <= 10 => format!("the names here: {}", all.join(", ")),
        n => format!(
            "the names here: {}, and {} more",
            all[..10].join(", "),
            n - 10
        ),
    }
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
        assert_eq!(
            one_of("descripton", ["description"]),
            "did you mean `description`?"
        );
        assert_eq!(one_of("zzz", ["a", "b"]), "the names here: a, b");
        assert_eq!(one_of("zzz", []), "none is defined here");
        let many: Vec<String> = (0..12).map(|i| format!("n{i}")).collect();
        assert!(one_of("zzz", many.iter().map(String::as_str)).ends_with("and 2 more"));
    }
}
