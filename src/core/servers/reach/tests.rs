use super::*;
use crate::core::servers::find;

const PUBLIC_PAGE: &str = "https://mnemo.example.org";
const LOCAL_PAGE: &str = "http://127.0.0.1:8080";
const LNA: &str = "local network access";

fn attempt<'a>(base_url: &'a str, page_origin: &'a str, answered: Option<bool>) -> Attempt<'a> {
    Attempt {
        base_url,
        page_origin,
        online: true,
        answered,
        server: super::super::detect(base_url),
    }
}

fn say(base_url: &str, page_origin: &str, answered: Option<bool>) -> String {
    explain(&attempt(base_url, page_origin, answered))
}

#[test]
fn addresses_are_read_without_a_url_library() {
    let at = |url: &str| address(url).map(|a| (a.https, a.host, a.port));
    assert_eq!(
        at("http://localhost:11434/v1"),
        Some((false, "localhost".into(), Some(11434)))
    );
    assert_eq!(
        at(" HTTPS://API.OpenAI.com/v1/ "),
        Some((true, "api.openai.com".into(), None))
    );
    assert_eq!(
        at("http://[::1]:8000/v1"),
        Some((false, "[::1]".into(), Some(8000)))
    );
    assert_eq!(at("http://[::1]"), Some((false, "[::1]".into(), None)));
    assert_eq!(
        at("https://user:pw@proxy.lan:4000?x=1"),
        Some((true, "proxy.lan".into(), Some(4000)))
    );
    assert_eq!(at("http://host:/v1"), Some((false, "host".into(), None)));
    assert_eq!(
        at("http://10.0.0.2#top"),
        Some((false, "10.0.0.2".into(), None))
    );
    for bad in [
        "",
        "localhost:11434/v1",
        "api.openai.com/v1",
        "ftp://host/v1",
        "http://",
        "http:///v1",
        "http://host:99999/v1",
        "http://host:port/v1",
        "http://[::1/v1",
        "http://[::1]x/v1",
    ] {
        assert_eq!(address(bad), None, "{bad}");
    }
}

#[test]
fn loopback_and_private_hosts_are_told_apart_from_public_ones() {
    let host = |h: &str| address(&format!("http://{h}/")).unwrap();
    for loopback in [
        "localhost",
        "LocalHost",
        "app.localhost",
        "127.0.0.1",
        "127.1.2.3",
        "[::1]",
    ] {
        assert!(host(loopback).is_loopback(), "{loopback}");
        assert!(host(loopback).is_local(), "{loopback}");
    }
    for private in [
        "10.0.0.5",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.20",
        "nas.local",
    ] {
        assert!(host(private).is_local(), "{private}");
        assert!(!host(private).is_loopback(), "{private}");
    }
    for public in [
        "api.openai.com",
        "172.15.0.1",
        "172.32.0.1",
        "192.169.0.1",
        "11.0.0.1",
        "localhost.example.com",
        "127.0.0.1.nip.io",
        "local",
        "[2001:db8::1]",
    ] {
        assert!(!host(public).is_local(), "{public}");
    }
}

#[test]
fn the_browser_being_offline_comes_first() {
    let mut a = attempt("http://192.168.1.5:8000/v1", PUBLIC_PAGE, Some(false));
    a.online = false;
    assert_eq!(
        explain(&a),
        "Your browser is offline: reconnect to the network, then retry."
    );
}

#[test]
fn a_base_url_without_http_is_not_a_web_address() {
    let said = say("localhost:11434/v1", LOCAL_PAGE, None);
    assert_eq!(
        said,
        "The Base URL “localhost:11434/v1” is not a web address: it must start with http:// or https://, like https://host/v1."
    );
    assert!(say("ftp://files.example/v1", LOCAL_PAGE, None).contains("is not a web address"));
    assert!(say("  ", LOCAL_PAGE, None)
        .starts_with("The Base URL is empty: it must start with http:// or https://"));
}

#[test]
fn an_https_page_calling_a_lan_http_server_is_mixed_content() {
    let said = say("http://192.168.1.20:11434/v1", PUBLIC_PAGE, Some(false));
    assert_eq!(
        said,
        "This page is served over https, and the browser blocks its requests to a server over plain http (192.168.1.20:11434). Serve the server over https (a reverse proxy or a tunnel), or open Mnemo over http, for example by running it on your computer."
    );
    assert!(say("http://gpu-box/v1", PUBLIC_PAGE, Some(true)).contains("plain http (gpu-box:80)"));
}

#[test]
fn an_https_page_may_call_http_on_this_computer() {
    for base in [
        "http://localhost:11434/v1",
        "http://127.0.0.1:1234/v1",
        "http://[::1]:8000/v1",
        "http://ollama.localhost/v1",
    ] {
        assert!(
            !say(base, PUBLIC_PAGE, Some(false)).contains("plain http"),
            "{base}"
        );
    }
    assert!(!say(
        "http://192.168.1.20/v1",
        "http://192.168.1.2:8080",
        Some(false)
    )
    .contains("plain http"));
}

#[test]
fn a_server_that_answered_the_probe_is_a_cors_refusal_with_the_exact_origin() {
    let said = say(
        "http://localhost:8000/v1",
        "http://127.0.0.1:8080",
        Some(true),
    );
    assert_eq!(
        said,
        "localhost:8000 answered, but it does not allow this page's origin (http://127.0.0.1:8080). vLLM allows every origin unless started with --allowed-origins; then add '[\"http://127.0.0.1:8080\"]'. A key is needed only when it was started with --api-key."
    );
    let custom = say("https://llm.example.net/v1", PUBLIC_PAGE, Some(true));
    assert_eq!(
        custom,
        "llm.example.net answered, but it does not allow this page's origin (https://mnemo.example.org). The server must allow this page's origin (https://mnemo.example.org) in its CORS settings."
    );
}

#[test]
fn ollama_refusal_names_ollama_origins() {
    let said = say("http://localhost:11434/v1", LOCAL_PAGE, Some(true));
    assert!(said.starts_with("localhost:11434 answered, but it does not allow this page's origin (http://127.0.0.1:8080). "));
    assert!(
        said.contains("OLLAMA_ORIGINS=http://127.0.0.1:8080 ollama serve"),
        "{said}"
    );
}

#[test]
fn lm_studio_refusal_names_its_cors_switch() {
    let said = say("http://localhost:1234/v1", LOCAL_PAGE, Some(true));
    assert!(said.contains("“Enable CORS”"), "{said}");
}

#[test]
fn nothing_answering_on_this_computer_says_to_start_the_server() {
    assert_eq!(
        say("http://localhost:11434/v1", LOCAL_PAGE, Some(false)),
        "Nothing answered at localhost:11434: start Ollama on this computer, or correct the port in the Base URL."
    );
    assert_eq!(
        say("http://127.0.0.1:9999/v1", LOCAL_PAGE, Some(false)),
        "Nothing answered at 127.0.0.1:9999: start the server on this computer, or correct the port in the Base URL."
    );
}

#[test]
fn nothing_answering_elsewhere_names_the_causes() {
    assert_eq!(
        say("https://llm.example.net/v1", PUBLIC_PAGE, Some(false)),
        "Nothing answered at llm.example.net:443: the server is not running, the address or port is wrong, or a firewall blocks it."
    );
}

#[test]
fn an_untried_probe_gives_both_causes_and_the_setup() {
    let said = say("http://localhost:11434/v1", LOCAL_PAGE, None);
    assert!(said.starts_with("Either nothing answered at localhost:11434 (the server is not running, or the address is wrong), or it answered but does not allow this page's origin (http://127.0.0.1:8080). Ollama refuses other origins"), "{said}");
    assert!(!said.contains(LNA));
}

#[test]
fn a_public_page_reaching_localhost_mentions_local_network_access() {
    for answered in [None, Some(false)] {
        let said = say("http://localhost:11434/v1", PUBLIC_PAGE, answered);
        assert!(
            said.ends_with(" Chrome asks before a public site reaches devices on your network: allow “local network access” for this site (the lock icon › Site settings)."),
            "{said}"
        );
    }
    for base in [
        "https://192.168.1.20/v1",
        "https://nas.local:8443/v1",
        "http://[::1]:8000/v1",
    ] {
        assert!(say(base, PUBLIC_PAGE, Some(false)).contains(LNA), "{base}");
    }
}

#[test]
fn local_network_access_is_not_mentioned_when_it_cannot_be_the_cause() {
    // The page is itself local.
    for page in [
        LOCAL_PAGE,
        "http://localhost:8080",
        "http://192.168.1.2:8080",
    ] {
        assert!(
            !say("http://localhost:11434/v1", page, Some(false)).contains(LNA),
            "{page}"
        );
    }
    // The server is public.
    assert!(!say("https://llm.example.net/v1", PUBLIC_PAGE, Some(false)).contains(LNA));
    // The probe got through, so the browser let the page reach the network.
    assert!(!say("http://localhost:11434/v1", PUBLIC_PAGE, Some(true)).contains(LNA));
    // Unknown page origin.
    assert!(!say("http://localhost:11434/v1", "", Some(false)).contains(LNA));
}

#[test]
fn the_preset_in_use_gives_the_setup_even_on_another_address() {
    let ollama = find("ollama").unwrap();
    let a = Attempt {
        server: ollama,
        ..attempt("http://gpu-box:11434/v1", LOCAL_PAGE, Some(true))
    };
    assert!(explain(&a).contains("OLLAMA_ORIGINS=http://127.0.0.1:8080"));
}
