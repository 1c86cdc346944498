//! Why a request never reached the server, in words that name the fix.

use super::{Server, CUSTOM};

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

/// The parts of a web address that decide whether and how a page may reach it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub https: bool,
    /// Lowercase; an IPv6 address keeps its brackets (`[::1]`).
    pub host: String,
    /// The port written in the address, if any.
    pub port: Option<u16>,
}

/// The scheme, host and port of an `http://` or `https://` address; `None` for anything
/// else (no scheme, another scheme, no host, a port that is not a number).
pub fn address(url: &str) -> Option<Address> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let https = match scheme.to_ascii_lowercase().as_str() {
        "http" => false,
        "https" => true,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (inside, after) = v6.split_once(']')?;
            let port = match after {
                "" => "",
                after => after.strip_prefix(':')?,
            };
            (&authority[..inside.len() + 2], port)
        }
        None => authority.rsplit_once(':').unwrap_or((authority, "")),
    };
    if host.is_empty() {
        return None;
    }
    Some(Address {
        https,
        host: host.to_ascii_lowercase(),
        port: match port {
            "" => None,
            port => Some(port.parse().ok()?),
        },
    })
}

impl Address {
    /// `host:port`, with the scheme's default port when none is written.
    fn host_port(&self) -> String {
        let default = if self.https { 443 } else { 80 };
        format!("{}:{}", self.host, self.port.unwrap_or(default))
    }

    /// The host, and the port when one is written.
    fn shown(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// This computer: `localhost`, `*.localhost`, 127.0.0.0/8 or `[::1]`.
    pub fn is_loopback(&self) -> bool {
        let host = self.host.as_str();
        host == "localhost"
            || host.ends_with(".localhost")
            || host == "[::1]"
            || ipv4(host).is_some_and(|[a, ..]| a == 127)
    }

    /// This computer or a device on the local network (10/8, 172.16/12, 192.168/16,
    /// `*.local`).
    pub fn is_local(&self) -> bool {
        self.is_loopback()
            || self.host.ends_with(".local")
            || ipv4(&self.host).is_some_and(|[a, b, ..]| {
                a == 10 || (a == 172 && (16..32).contains(&b)) || (a == 192 && b == 168)
            })
    }
}

fn ipv4(host: &str) -> Option<[u8; 4]> {
    let parts: Vec<u8> = host
        .split('.')
        .map(|part| part.parse().ok())
        .collect::<Option<_>>()?;
    parts.try_into().ok()
}

/// The likely cause and its fix, in one or two sentences (and the preset's setup, when
/// the server may be refusing this page).
pub fn explain(attempt: &Attempt) -> String {
    if !attempt.online {
        return "Your browser is offline: reconnect to the network, then retry.".into();
    }
    let base_url = attempt.base_url.trim();
    let Some(server) = address(base_url) else {
        let what = if base_url.is_empty() {
            "The Base URL is empty".to_string()
        } else {
            format!("The Base URL “{base_url}” is not a web address")
        };
        return format!("{what}: it must start with http:// or https://, like https://host/v1.");
    };
    let origin = attempt.page_origin;
    let page = address(origin);
    let at = server.host_port();
    // Browsers count loopback addresses as secure, so only they escape the block.
    if page.as_ref().is_some_and(|p| p.https) && !server.https && !server.is_loopback() {
        return format!(
            "This page is served over https, and the browser blocks its requests to a server over plain http ({at}). Serve the server over https (a reverse proxy or a tunnel), or open Mnemo over http, for example by running it on your computer."
        );
    }
    let setup = attempt.server.setup_for(origin);
    let mut said = match attempt.answered {
        // The probe got through, so the browser let this page reach the network.
        Some(true) => {
            return format!(
                "{} answered, but it does not allow this page's origin ({origin}). {setup}",
                server.shown()
            )
        }
        Some(false) if server.is_loopback() => {
            let name = match attempt.server.id {
                CUSTOM => "the server",
                _ => attempt.server.name,
            };
            format!("Nothing answered at {at}: start {name} on this computer, or correct the port in the Base URL.")
        }
        Some(false) => format!(
            "Nothing answered at {at}: the server is not running, the address or port is wrong, or a firewall blocks it."
        ),
        None => format!(
            "Either nothing answered at {at} (the server is not running, or the address is wrong), or it answered but does not allow this page's origin ({origin}). {setup}"
        ),
    };
    if server.is_local() && page.is_some_and(|p| !p.is_local()) {
        said.push_str(" Chrome asks before a public site reaches devices on your network: allow “local network access” for this site (the lock icon › Site settings).");
    }
    said
}

#[cfg(test)]
mod tests;
