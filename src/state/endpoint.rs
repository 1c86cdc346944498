//! The server behind the Base URL: what it refused (remembered with the settings), its
//! own model list, and why a request never reached it.

use futures::future::{select, Either};
use leptos::prelude::*;

use super::ChatState;
use crate::core::models::ModelInfo;
use crate::core::openai::error::{ApiError, ErrorKind};
use crate::core::servers::learned::{self, Endpoint};
use crate::core::servers::listing::parse_models;
use crate::core::servers::reach::{explain, Attempt};
use crate::core::servers::Server;
use crate::core::settings::Settings;
use crate::platform::clock::sleep;
use crate::platform::http::{answers, get_text};

/// How long the check of whether a server answers may take.
const PROBE_MS: f64 = 4_000.0;

impl ChatState {
    /// Changes what is known about `base_url`'s endpoint, and stores it when it changed.
    pub fn change_endpoint(&self, base_url: &str, change: impl FnOnce(&mut Endpoint)) {
        let mut settings = self.settings.get_untracked();
        learned::update(&mut settings.endpoints, base_url, change);
        if self.settings.with_untracked(|s| *s != settings) {
            self.apply_settings(settings, self.api_key.get_untracked());
        }
    }

    /// Replaces the message of an error that never reached the server with its likely
    /// cause: whether anything answers at the Base URL tells a refused origin from a
    /// server that is not there.
    pub(super) async fn explain_unreachable(
        &self,
        settings: &Settings,
        error: ApiError,
    ) -> ApiError {
        if error.kind != ErrorKind::Network
            || error.status.is_some()
            || error.is_offline()
            || error.is_connection_lost()
        {
            return error;
        }
        let answered = {
            let probe = std::pin::pin!(answers(&settings.base_url));
            let timeout = std::pin::pin!(sleep(PROBE_MS));
            match select(probe, timeout).await {
                Either::Left((answered, _)) => Some(answered),
                Either::Right(_) => None,
            }
        };
        let explained = ApiError {
            message: why_unreached(&settings.base_url, settings.server(), answered),
            ..error
        };
        // It answered, so it is up: only its settings can let this page in.
        if answered == Some(true) {
            explained.origin_refused()
        } else {
            explained
        }
    }
}

/// Reads `GET {base_url}/models` with the key.
///
/// # Errors
/// A readable message: the server's own error, why it could not be reached, or why
/// its answer is not a model list.
pub async fn fetch_models(
    base_url: &str,
    server: &'static Server,
    api_key: &str,
) -> Result<Vec<ModelInfo>, String> {
    let url = format!("{}/models", crate::core::servers::normalize(base_url));
    let Ok(controller) = web_sys::AbortController::new() else {
        return Err("This browser cannot send requests.".into());
    };
    let body = match get_text(&url, &server.headers(api_key), &controller.signal()).await {
        Ok(body) => body,
        Err(error) if error.status.is_some() => return Err(error.message),
        Err(_) => {
            let answered = answers(base_url).await;
            return Err(why_unreached(base_url, server, Some(answered)));
        }
    };
    parse_models(&body).map(|list| list.iter().map(|m| m.stored()).collect())
}

/// Why a request to `base_url` never arrived, from what the probe found (`answered`)
/// and what the browser knows (this page's origin, whether it is online).
fn why_unreached(base_url: &str, server: &'static Server, answered: Option<bool>) -> String {
    explain(&Attempt {
        base_url,
        page_origin: &page_origin(),
        online: web_sys::window().is_none_or(|w| w.navigator().on_line()),
        answered,
        server,
    })
}

/// This page's origin, such as `http://127.0.0.1:8080`.
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
