//! `rapport hash-token`: the SHA-256 hex of a token read from stdin, for `[[auth.tokens]] sha256`.
//! One trailing newline is dropped, so `echo "$TOKEN" | rapport hash-token` works.

use std::io::Read;

pub fn run() -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("stdin: {e}"))?;
    println!("{}", hash(&input)?);
    Ok(())
}

fn hash(input: &str) -> Result<String, String> {
    let token = input
        .strip_suffix('\n')
        .map_or(input, |t| t.strip_suffix('\r').unwrap_or(t));
    if token.trim().is_empty() {
        return Err("no token on stdin".into());
    }
    if token.chars().any(char::is_whitespace) {
        return Err("the token contains whitespace; a bearer token cannot".into());
    }
    Ok(rapport::auth::to_hex(&rapport::auth::hash_token(token)))
}

#[cfg(test)]
mod tests {
    use super::hash;

    #[test]
    fn drops_one_trailing_newline_only() {
        let expected = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";
        assert_eq!(hash("secret").unwrap(), expected);
        assert_eq!(hash("secret\n").unwrap(), expected);
        assert_eq!(hash("secret\r\n").unwrap(), expected);
        assert!(hash("secret\n\n").is_err());
        assert!(hash("\n").is_err());
        assert!(hash("two words").is_err());
    }
}
