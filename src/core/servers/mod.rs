//! The OpenAI-compatible servers people run, as data: where each lives, how it takes the
//! key, what must be set on it before a browser page may call it, and what it is known to
//! reject. What a server turns out to reject is learned per endpoint ([`learned`]); its
//! model list is read from `GET /models` ([`listing`]); a request that never reached it
//! is explained ([`reach`]).

pub mod learned;
pub mod listing;
pub mod reach;

/// How a server takes the API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer <key>` (OpenAI and nearly every other server).
    Bearer,
    /// `api-key: <key>` (Azure OpenAI).
    ApiKeyHeader,
}

/// Whether a server needs a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyNeed {
    Required,
    /// A local server or a proxy: only when it was started with one.
    Optional,
}

/// What a server is known to do, before anything is learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quirks {
    /// Takes `stream_options` (asking for usage at the end of a stream).
    pub stream_options: bool,
    /// Takes `max_completion_tokens` for reasoning models (otherwise `max_tokens`).
    pub max_completion_tokens: bool,
    /// Reports usage at the end of a stream.
    pub stream_usage: bool,
}

const OPENAI_LIKE: Quirks = Quirks {
    stream_options: true,
    max_completion_tokens: true,
    stream_usage: true,
};

/// A server Mnemo knows, offered as a preset in Settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Server {
    /// Stored in the settings.
    pub id: &'static str,
    pub name: &'static str,
    /// Filled into Base URL when the preset is chosen; empty for Custom.
    pub base_url: &'static str,
    pub auth: Auth,
    pub key: KeyNeed,
    /// Headers every request to it carries, besides the key.
    pub headers: &'static [(&'static str, &'static str)],
    /// What to set on the server so that this page may call it; `{origin}` stands for
    /// the page's origin.
    pub setup: &'static str,
    pub quirks: Quirks,
}

/// The id of the Custom preset: any other OpenAI-compatible server.
pub const CUSTOM: &str = "custom";

/// Every preset, in the picker's order.
pub const SERVERS: &[Server] = &[
    Server {
        id: "openai",
        name: "OpenAI",
        base_url: "https://api.openai.com/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Required,
        headers: &[],
        setup: "Nothing to set: OpenAI accepts requests from any page. Use a key with a spending limit.",
        quirks: OPENAI_LIKE,
    },
    Server {
        id: "openrouter",
        name: "OpenRouter",
        base_url: "https://openrouter.ai/api/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Required,
        headers: &[],
        setup: "Nothing to set: OpenRouter accepts requests from any page. Its model list gives each model's context length and prices.",
        quirks: OPENAI_LIKE,
    },
    Server {
        id: "ollama",
        name: "Ollama",
        base_url: "http://localhost:11434/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Optional,
        headers: &[],
        setup: "Ollama refuses other origins: start it with OLLAMA_ORIGINS={origin} (for example “OLLAMA_ORIGINS={origin} ollama serve”, or set it in the service's environment and restart it).",
        quirks: Quirks {
            max_completion_tokens: false,
            ..OPENAI_LIKE
        },
    },
    Server {
        id: "lmstudio",
        name: "LM Studio",
        base_url: "http://localhost:1234/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Optional,
        headers: &[],
        setup: "CORS is off by default: in LM Studio's Developer tab open Server Settings and turn on “Enable CORS” (or start it with “lms server start --cors”).",
        quirks: Quirks {
            max_completion_tokens: false,
            stream_usage: false,
            ..OPENAI_LIKE
        },
    },
    Server {
        id: "llamacpp",
        name: "llama.cpp server",
        base_url: "http://localhost:8080/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Optional,
        headers: &[],
        setup: "Start llama-server on a port Mnemo does not use (“trunk serve” takes 8080) and let this origin in with its CORS flags, for example “llama-server -m model.gguf --port 8081” and Base URL http://localhost:8081/v1.",
        quirks: Quirks {
            max_completion_tokens: false,
            ..OPENAI_LIKE
        },
    },
    Server {
        id: "vllm",
        name: "vLLM",
        base_url: "http://localhost:8000/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Optional,
        headers: &[],
        setup: "vLLM allows every origin unless started with --allowed-origins; then add '[\"{origin}\"]'. A key is needed only when it was started with --api-key.",
        quirks: Quirks {
            max_completion_tokens: false,
            ..OPENAI_LIKE
        },
    },
    Server {
        id: "litellm",
        name: "LiteLLM proxy",
        base_url: "http://localhost:4000/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Optional,
        headers: &[],
        setup: "The proxy allows every origin by default; use a virtual key (or the master key) as the API key. The provider keys stay on the proxy.",
        quirks: OPENAI_LIKE,
    },
    Server {
        id: "mistral",
        name: "Mistral",
        base_url: "https://api.mistral.ai/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Required,
        headers: &[],
        setup: "Nothing to set. Mistral refuses “stream_options” and reports usage on its own.",
        quirks: Quirks {
            stream_options: false,
            max_completion_tokens: false,
            stream_usage: true,
        },
    },
    Server {
        id: "groq",
        name: "Groq",
        base_url: "https://api.groq.com/openai/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Required,
        headers: &[],
        setup: "Nothing to set. Groq reports usage on its own (under x_groq).",
        quirks: Quirks {
            stream_options: false,
            max_completion_tokens: false,
            stream_usage: true,
        },
    },
    Server {
        id: "deepseek",
        name: "DeepSeek",
        base_url: "https://api.deepseek.com/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Required,
        headers: &[],
        setup: "Nothing to set. deepseek-reasoner's thinking is shown above its answer and never sent back.",
        quirks: Quirks {
            max_completion_tokens: false,
            ..OPENAI_LIKE
        },
    },
    Server {
        id: "gemini",
        name: "Google Gemini",
        base_url: "https://generativelanguage.googleapis.com/v1beta/openai",
        auth: Auth::Bearer,
        key: KeyNeed::Required,
        headers: &[],
        setup: "Nothing to set: use a Gemini API key from Google AI Studio.",
        quirks: Quirks {
            max_completion_tokens: false,
            ..OPENAI_LIKE
        },
    },
    Server {
        id: "anthropic",
        name: "Anthropic",
        base_url: "https://api.anthropic.com/v1",
        auth: Auth::Bearer,
        key: KeyNeed::Required,
        headers: &[("anthropic-dangerous-direct-browser-access", "true")],
        setup: "Nothing to set: Mnemo sends the header Anthropic requires from a browser (anthropic-dangerous-direct-browser-access). The key is visible to this page, so use one with a spending limit.",
        quirks: Quirks {
            max_completion_tokens: false,
            ..OPENAI_LIKE
        },
    },
    Server {
        id: "azure",
        name: "Azure OpenAI",
        base_url: "https://YOUR-RESOURCE.openai.azure.com/openai/v1",
        auth: Auth::ApiKeyHeader,
        key: KeyNeed::Required,
        headers: &[],
        setup: "Replace YOUR-RESOURCE with your resource's name; the model is your deployment's name. The key goes in the api-key header.",
        quirks: OPENAI_LIKE,
    },
    Server {
        id: CUSTOM,
        name: "Custom",
        base_url: "",
        auth: Auth::Bearer,
        key: KeyNeed::Optional,
        headers: &[],
        setup: "The server must allow this page's origin ({origin}) in its CORS settings.",
        quirks: OPENAI_LIKE,
    },
];

/// The preset with this id.
pub fn find(id: &str) -> Option<&'static Server> {
    SERVERS.iter().find(|s| s.id == id)
}

/// The preset a base URL belongs to: the one whose URL it is (its host, for the cloud
/// services, so a path or region does not matter), else Custom.
pub fn detect(base_url: &str) -> &'static Server {
    let url = normalize(base_url);
    let host = |u: &str| {
        u.split("://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .map(str::to_string)
    };
    let own = host(&url);
    SERVERS
        .iter()
        .filter(|s| !s.base_url.is_empty())
        .find(|s| {
            normalize(s.base_url) == url
                || (s.id == "azure"
                    && own
                        .as_deref()
                        .is_some_and(|h| h.ends_with(".openai.azure.com")))
                || (!s.base_url.contains("localhost") && host(s.base_url) == own)
        })
        .unwrap_or_else(|| find(CUSTOM).expect("Custom is a preset"))
}

/// A base URL in the form endpoints are remembered by: trimmed, without trailing slashes.
pub fn normalize(base_url: &str) -> String {
    base_url.trim().trim_end_matches('/').to_string()
}

impl Server {
    /// The headers of a request to this server with `api_key` (none for an empty key).
    pub fn headers(&self, api_key: &str) -> Vec<(String, String)> {
        let key = api_key.trim();
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if !key.is_empty() {
            headers.push(match self.auth {
                Auth::Bearer => ("Authorization".into(), format!("Bearer {key}")),
                Auth::ApiKeyHeader => ("api-key".into(), key.to_string()),
            });
        }
        headers
    }

    /// [`Server::setup`] for a page served from `origin`.
    pub fn setup_for(&self, origin: &str) -> String {
        self.setup.replace("{origin}", origin)
    }
}

#[cfg(test)]
mod tests;
