//! OpenAI's Chat Completions wire format: building requests, decoding streamed
//! replies, and classifying what went wrong.

pub mod error;
pub mod request;
pub mod response;
pub mod retry;
pub mod stream;
pub mod turn;

/// The URL of the Chat Completions endpoint under a base URL such as
/// `https://api.openai.com/v1` (a trailing slash is allowed).
pub fn completions_url(base_url: &str) -> String {
    format!("{}/chat/completions", base_url.trim().trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn completions_url_joins_without_double_slashes() {
        assert_eq!(
            super::completions_url("https://api.openai.com/v1/"),
            "https://api.openai.com/v1/chat/completions"
        );
        assert_eq!(
            super::completions_url(" http://127.0.0.1:8787/v1 "),
            "http://127.0.0.1:8787/v1/chat/completions"
        );
    }
}
