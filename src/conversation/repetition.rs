//! "The customer says nearly the same thing again": similarity of normalised utterances.

/// Lower-cased words of letters and digits, single-spaced.
pub fn normalise(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `current` nearly repeats one of `previous` (all normalised). Very short utterances
/// ("yes", "no") never count.
pub fn repeats<'a>(
    current: &str,
    mut previous: impl Iterator<Item = &'a str>,
    threshold: f64,
) -> bool {
    const MIN_CHARS: usize = 12;
    current.len() >= MIN_CHARS
        && previous.any(|earlier| {
            earlier.len() >= MIN_CHARS && strsim::sorensen_dice(current, earlier) >= threshold
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_repeats_count_and_different_or_short_texts_do_not() {
        let earlier = [normalise("I need to reset my password!"), normalise("ok")];
        let earlier = || earlier.iter().map(String::as_str);
        assert!(repeats(
            &normalise("i need to reset my password"),
            earlier(),
            0.8
        ));
        assert!(repeats(
            &normalise("I NEED to reset my password..."),
            earlier(),
            0.8
        ));
        assert!(!repeats(
            &normalise("where is my parcel going today"),
            earlier(),
            0.8
        ));
        assert!(!repeats(&normalise("ok"), earlier(), 0.8));
    }
}
