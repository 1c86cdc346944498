//! Why a request never reached the server, in words that name the fix.

use super::Server;

/// What is known about a request that failed before any response.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    /// The Base URL the request went to.
    pub base_url: &'a str,
    /// This page's origin, such as `http://127.0.0.1:8080`.
    pub page_origin: &'a str,
    /// What the browser says about its connection.
    pub online: bool,
    /// Whether a second, opaque (`no-cors`) request to the server got any answer:
    /// `Some(true)` means the server is up and the browser withheld its reply (CORS),
    /// `Some(false)` means nothing answered, `None` means it was not tried.
    pub answered: Option<bool>,
    /// The preset in use.
    pub server: &'a Server,
}

/// The likely cause and its fix, in one or two sentences.
pub fn explain(attempt: &Attempt) -> String {
    format!("Could not reach {}.", attempt.base_url)
}
