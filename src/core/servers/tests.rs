use super::*;

#[test]
fn every_preset_has_a_unique_id_and_custom_is_last() {
    for (i, s) in SERVERS.iter().enumerate() {
        assert!(SERVERS[i + 1..].iter().all(|o| o.id != s.id), "{}", s.id);
    }
    assert_eq!(SERVERS.last().map(|s| s.id), Some(CUSTOM));
}

#[test]
fn a_base_url_finds_its_preset() {
    assert_eq!(detect("https://api.openai.com/v1/").id, "openai");
    assert_eq!(detect(" https://openrouter.ai/api/v1").id, "openrouter");
    assert_eq!(detect("http://localhost:11434/v1").id, "ollama");
    assert_eq!(
        detect("https://my-res.openai.azure.com/openai/v1").id,
        "azure"
    );
    assert_eq!(detect("https://api.groq.com/openai/v1").id, "groq");
    assert_eq!(detect("http://127.0.0.1:8787/v1").id, CUSTOM);
    assert_eq!(detect("http://localhost:9999/v1").id, CUSTOM);
    assert_eq!(detect("").id, CUSTOM);
}

#[test]
fn each_server_gets_the_key_its_way() {
    let azure = find("azure").unwrap();
    assert_eq!(
        azure.headers("k1"),
        [("api-key".to_string(), "k1".to_string())]
    );
    let anthropic = find("anthropic").unwrap();
    assert_eq!(
        anthropic.headers(" k2 "),
        [
            (
                "anthropic-dangerous-direct-browser-access".to_string(),
                "true".to_string()
            ),
            ("Authorization".to_string(), "Bearer k2".to_string())
        ]
    );
    assert!(find("ollama").unwrap().headers("  ").is_empty());
}

#[test]
fn setup_names_the_origin_to_allow() {
    let ollama = find("ollama").unwrap().setup_for("https://chat.example");
    assert!(
        ollama.contains("OLLAMA_ORIGINS=https://chat.example"),
        "{ollama}"
    );
    assert!(!ollama.contains("{origin}"));
}
