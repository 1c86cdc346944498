//! POSTing to the Chat Completions endpoint with `fetch`, and reading the reply body
//! as a stream of bytes. Cancellation is the caller's `AbortSignal`.

use futures::StreamExt;
use gloo_net::http::Request;
use wasm_bindgen::JsCast;

use super::clock::now_ms;
use super::storage::js_error_name;
use crate::core::openai::error::ApiError;

/// The body of a reply, chunk by chunk, as the network delivers it.
pub struct ByteStream(wasm_streams::readable::IntoStream<'static>);

impl ByteStream {
    /// Reads a JavaScript `ReadableStream` of `Uint8Array`s.
    pub fn from_body(body: web_sys::ReadableStream) -> Self {
        ByteStream(wasm_streams::ReadableStream::from_raw(body.unchecked_into()).into_stream())
    }

    /// The next chunk; `None` once the body has ended.
    ///
    /// # Errors
    /// [`ApiError`] of kind `Aborted` when the request was cancelled, `Network` when the
    /// connection broke (core's turn tells the user what that means for the reply).
    pub async fn next(&mut self) -> Option<Result<Vec<u8>, ApiError>> {
        let item = self.0.next().await?;
        Some(match item {
            Ok(chunk) => Ok(js_sys::Uint8Array::new(&chunk).to_vec()),
            Err(e) => Err(transport_error(
                &e,
                "The connection broke while the reply was arriving.",
            )),
        })
    }
}

/// Sends `body` to `url` and returns the reply body as a stream once the headers say it
/// succeeded.
///
/// # Errors
/// A classified [`ApiError`]: the API's own error for an HTTP error status, `Network`
/// when the endpoint cannot be reached, `Aborted` when `signal` fired.
pub async fn post_stream(
    url: &str,
    headers: &[(String, String)],
    body: String,
    signal: &web_sys::AbortSignal,
) -> Result<ByteStream, ApiError> {
    let response = post(url, headers, body, signal).await?;
    let body = response
        .body()
        .ok_or_else(|| ApiError::network("The endpoint answered with an empty body."))?;
    Ok(ByteStream::from_body(body))
}

/// Sends `body` to `url` and returns the whole reply body as text.
///
/// # Errors
/// As [`post_stream`].
pub async fn post_json(
    url: &str,
    headers: &[(String, String)],
    body: String,
    signal: &web_sys::AbortSignal,
) -> Result<String, ApiError> {
    let response = post(url, headers, body, signal).await?;
    read_text(response).await
}

/// GETs `url` and returns its body as text.
///
/// # Errors
/// As [`post_stream`].
pub async fn get_text(
    url: &str,
    headers: &[(String, String)],
    signal: &web_sys::AbortSignal,
) -> Result<String, ApiError> {
    let mut request = Request::get(url).abort_signal(Some(signal));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = checked(url, request.send().await).await?;
    read_text(response).await
}

async fn read_text(response: gloo_net::http::Response) -> Result<String, ApiError> {
    response
        .text()
        .await
        .map_err(|e| ApiError::network(format!("The reply could not be read ({e}).")))
}

/// Whether anything answers at `url`: an opaque (`no-cors`) request resolves whenever
/// the server answers, whatever its CORS rules, and fails when nothing does. Tells a
/// server that refuses this origin from one that is not there.
pub async fn answers(url: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_mode(web_sys::RequestMode::NoCors);
    let promise = window.fetch_with_str_and_init(url, &init);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

async fn post(
    url: &str,
    headers: &[(String, String)],
    body: String,
    signal: &web_sys::AbortSignal,
) -> Result<gloo_net::http::Response, ApiError> {
    let mut request = Request::post(url)
        .header("Content-Type", "application/json")
        .abort_signal(Some(signal));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let sent = request
        .body(body)
        .map_err(|e| ApiError::network(e.to_string()))?
        .send()
        .await;
    checked(url, sent).await
}

/// The response of a request, or the classified error its failure or status means.
async fn checked(
    url: &str,
    sent: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<gloo_net::http::Response, ApiError> {
    let response = sent.map_err(|e| match e {
        gloo_net::Error::JsError(js) if js.name == "AbortError" => ApiError::aborted(),
        other => ApiError::unreachable(format!("Could not reach {url} ({other})."), online()),
    })?;
    if !response.ok() {
        let retry_after = response.headers().get("retry-after");
        let text = response.text().await.unwrap_or_default();
        return Err(ApiError::from_http(
            response.status(),
            &text,
            retry_after.as_deref(),
            now_ms(),
        ));
    }
    Ok(response)
}

fn transport_error(error: &wasm_bindgen::JsValue, otherwise: &str) -> ApiError {
    if js_error_name(error) == "AbortError" {
        ApiError::aborted()
    } else {
        ApiError::unreachable(otherwise, online())
    }
}

/// What the browser says about its connection (`navigator.onLine`); true when unknown.
fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}
