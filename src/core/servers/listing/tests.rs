use super::*;

fn ids(models: &[ServerModel]) -> Vec<&str> {
    models.iter().map(|m| m.id.as_str()).collect()
}

fn model(id: &str, context_length: Option<u32>) -> ServerModel {
    ServerModel {
        id: id.into(),
        context_length,
        input_per_million: None,
        output_per_million: None,
    }
}

#[test]
fn an_openai_list_gives_ids_in_the_servers_order() {
    let body = r#"{
      "object": "list",
      "data": [
        {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
        {"id": "gpt-4.1", "object": "model", "created": 1744316542, "owned_by": "system"},
        {"id": "o3-mini", "object": "model", "created": 1737146383, "owned_by": "system"}
      ]
    }"#;
    let models = parse_models(body).unwrap();
    assert_eq!(ids(&models), ["gpt-4o-mini", "gpt-4.1", "o3-mini"]);
    assert!(models.iter().all(|m| !m.has_facts()));
}

#[test]
fn openrouter_gives_windows_and_prices_per_million() {
    let body = r#"{"data":[
      {"id":"anthropic/claude-3.5-sonnet","canonical_slug":"anthropic/claude-3.5-sonnet","name":"Anthropic: Claude 3.5 Sonnet","created":1729555200,
       "context_length":200000,
       "architecture":{"modality":"text+image->text","tokenizer":"Claude","instruct_type":null},
       "pricing":{"prompt":"0.000003","completion":"0.000015","request":"0","image":"0.0048","web_search":"0","internal_reasoning":"0"},
       "top_provider":{"context_length":200000,"max_completion_tokens":8192,"is_moderated":true}},
      {"id":"meta-llama/llama-3.2-3b-instruct:free","name":"Meta: Llama 3.2 3B Instruct (free)",
       "context_length":null,
       "pricing":{"prompt":"0","completion":"0"},
       "top_provider":{"context_length":131072,"max_completion_tokens":null,"is_moderated":false}},
      {"id":"openrouter/auto","name":"Auto Router","context_length":2000000,
       "pricing":{"prompt":"-1","completion":"-1"},
       "top_provider":{"context_length":null,"max_completion_tokens":null,"is_moderated":false}},
      {"id":"google/gemini-flash-1.5-8b","context_length":1000000,
       "pricing":{"prompt":"0.0000000375","completion":"0.00000015"}}
    ]}"#;
    let models = parse_models(body).unwrap();
    let sonnet = ServerModel {
        id: "anthropic/claude-3.5-sonnet".into(),
        context_length: Some(200_000),
        input_per_million: Some(3.0),
        output_per_million: Some(15.0),
    };
    assert_eq!(models[0], sonnet);
    assert_eq!(models[1].context_length, Some(131_072));
    assert_eq!(models[1].input_per_million, Some(0.0));
    assert_eq!(models[1].output_per_million, Some(0.0));
    assert_eq!(models[2].context_length, Some(2_000_000));
    assert_eq!(models[2].input_per_million, None);
    assert_eq!(models[3].input_per_million, Some(0.0375));
    assert_eq!(models[3].output_per_million, Some(0.15));
    assert!(models.iter().all(ServerModel::has_facts));
}

#[test]
fn prices_that_are_not_plain_decimals_are_unknown() {
    for (text, price) in [
        ("0.000003", Some(3.0)),
        ("0.0000025", Some(2.5)),
        ("0.00006", Some(60.0)),
        ("1", Some(1_000_000.0)),
        (".000001", Some(1.0)),
        ("0", Some(0.0)),
        (" 0.000001 ", Some(1.0)),
        ("-1", None),
        ("-0.000003", None),
        ("", None),
        (".", None),
        ("3e-6", None),
        ("free", None),
        ("0,000003", None),
        ("٠.٠٠٠٠٠٣", None),
    ] {
        assert_eq!(per_million(text), price, "{text:?}");
    }
}

#[test]
fn ollama_and_lm_studio_lists_are_read() {
    let ollama = r#"{"object":"list","data":[{"id":"llama3.2:latest","object":"model","created":1730000000,"owned_by":"library"},{"id":"qwen2.5-coder:7b","object":"model","created":1730000001,"owned_by":"library"}]}"#;
    assert_eq!(
        ids(&parse_models(ollama).unwrap()),
        ["llama3.2:latest", "qwen2.5-coder:7b"]
    );
    let lm_studio = r#"{"object":"list","data":[
      {"id":"qwen2.5-7b-instruct","object":"model","type":"llm","publisher":"lmstudio-community","arch":"qwen2","compatibility_type":"gguf","quantization":"Q4_K_M","state":"loaded","max_context_length":32768},
      {"id":"text-embedding-nomic-embed-text-v1.5","object":"model","owned_by":"organization_owner"}
    ]}"#;
    assert_eq!(
        parse_models(lm_studio).unwrap(),
        [
            model("qwen2.5-7b-instruct", Some(32_768)),
            model("text-embedding-nomic-embed-text-v1.5", None)
        ]
    );
}

#[test]
fn vllm_gives_its_max_model_len() {
    let body = r#"{"object":"list","data":[{"id":"meta-llama/Llama-3.1-8B-Instruct","object":"model","created":1735000000,"owned_by":"vllm","root":"meta-llama/Llama-3.1-8B-Instruct","parent":null,"max_model_len":32768,"permission":[{"id":"modelperm-1","object":"model_permission","allow_sampling":true}]}]}"#;
    assert_eq!(
        parse_models(body).unwrap(),
        [model("meta-llama/Llama-3.1-8B-Instruct", Some(32_768))]
    );
}

#[test]
fn groq_gives_its_context_window() {
    let body = r#"{"object":"list","data":[{"id":"llama-3.3-70b-versatile","object":"model","created":1733447754,"owned_by":"Meta","active":true,"context_window":131072,"public_apps":null,"max_completion_tokens":32768}]}"#;
    assert_eq!(
        parse_models(body).unwrap(),
        [model("llama-3.3-70b-versatile", Some(131_072))]
    );
}

#[test]
fn mistral_gives_its_max_context_length_under_its_id() {
    let body = r#"{"object":"list","data":[{"id":"mistral-large-latest","object":"model","created":1736000000,"owned_by":"mistralai","capabilities":{"completion_chat":true,"function_calling":true},"name":"mistral-large-2411","description":"Official mistral-large-2411 Mistral AI model","max_context_length":131072,"aliases":["mistral-large-2411"],"deprecation":null,"default_model_temperature":0.7,"type":"base"}]}"#;
    assert_eq!(
        parse_models(body).unwrap(),
        [model("mistral-large-latest", Some(131_072))]
    );
}

#[test]
fn llama_cpp_lists_are_read_from_data_or_models() {
    let both = r#"{"models":[{"name":"qwen2.5-7b-instruct-q4_k_m.gguf","model":"qwen2.5-7b-instruct-q4_k_m.gguf","modified_at":"","size":"","digest":"","type":"model","description":"","tags":[""],"capabilities":["completion"],"parameters":"","details":{"parent_model":"","format":"gguf","family":"","families":[""],"parameter_size":"","quantization_level":""}}],"object":"list","data":[{"id":"qwen2.5-7b-instruct-q4_k_m.gguf","object":"model","created":1740000000,"owned_by":"llamacpp","meta":{"vocab_type":2,"n_vocab":152064,"n_ctx_train":32768,"n_embd":3584,"n_params":7615616512,"size":4677120000}}]}"#;
    assert_eq!(
        ids(&parse_models(both).unwrap()),
        ["qwen2.5-7b-instruct-q4_k_m.gguf"]
    );
    let models_only = r#"{"models":[{"name":"a.gguf","model":"a.gguf"},{"model":"b.gguf"}]}"#;
    assert_eq!(
        ids(&parse_models(models_only).unwrap()),
        ["a.gguf", "b.gguf"]
    );
}

#[test]
fn gemini_names_lose_their_models_prefix() {
    let native = r#"{"models":[
      {"name":"models/gemini-2.0-flash","version":"2.0","displayName":"Gemini 2.0 Flash","description":"Gemini 2.0 Flash","inputTokenLimit":1048576,"outputTokenLimit":8192,"supportedGenerationMethods":["generateContent","countTokens"],"temperature":1,"topP":0.95,"topK":40,"maxTemperature":2},
      {"name":"models/text-embedding-004","version":"004","inputTokenLimit":2048,"outputTokenLimit":1}
    ],"nextPageToken":"Ch5tb2RlbHMvZ2VtaW5pLTEuNS1mbGFzaC04Yi0wMDE="}"#;
    assert_eq!(
        parse_models(native).unwrap(),
        [
            model("gemini-2.0-flash", Some(1_048_576)),
            model("text-embedding-004", Some(2_048))
        ]
    );
    let compatible = r#"{"object":"list","data":[{"id":"models/gemini-2.5-pro","object":"model","owned_by":"google"}]}"#;
    assert_eq!(ids(&parse_models(compatible).unwrap()), ["gemini-2.5-pro"]);
}

#[test]
fn anthropic_and_bare_lists_are_read() {
    let anthropic = r#"{"data":[{"type":"model","id":"claude-sonnet-4-20250514","display_name":"Claude Sonnet 4","created_at":"2025-05-22T00:00:00Z"}],"has_more":false,"first_id":"claude-sonnet-4-20250514","last_id":"claude-sonnet-4-20250514"}"#;
    assert_eq!(
        ids(&parse_models(anthropic).unwrap()),
        ["claude-sonnet-4-20250514"]
    );
    let bare = r#"[{"id":"meta-llama/Llama-3.3-70B-Instruct-Turbo","type":"chat","context_length":131072},"plain-name"]"#;
    assert_eq!(
        parse_models(bare).unwrap(),
        [
            model("meta-llama/Llama-3.3-70B-Instruct-Turbo", Some(131_072)),
            model("plain-name", None)
        ]
    );
}

#[test]
fn items_without_an_id_are_skipped_and_duplicates_keep_the_first() {
    let body = r#"{"data":[
      {"id":"a","context_length":1000},
      {"object":"model"},
      {"id":""},
      {"id":"  "},
      {"id":42},
      {"id":"models/"},
      {"id":"b"},
      {"id":"a","context_length":2000},
      7,
      null
    ]}"#;
    assert_eq!(
        parse_models(body).unwrap(),
        [model("a", Some(1000)), model("b", None)]
    );
}

#[test]
fn windows_that_are_not_positive_integers_are_unknown() {
    let body = r#"{"data":[
      {"id":"zero","context_length":0},
      {"id":"negative","context_window":-1},
      {"id":"text","max_model_len":"8192"},
      {"id":"float","max_model_len":8192.5},
      {"id":"huge","max_model_len":99999999999},
      {"id":"fallback","context_length":0,"max_model_len":4096}
    ]}"#;
    let windows: Vec<Option<u32>> = parse_models(body)
        .unwrap()
        .iter()
        .map(|m| m.context_length)
        .collect();
    assert_eq!(
        windows,
        [None, None, None, None, Some(u32::MAX), Some(4096)]
    );
}

#[test]
fn an_empty_list_is_no_models() {
    assert_eq!(parse_models(r#"{"object":"list","data":[]}"#), Ok(vec![]));
    assert_eq!(parse_models("[]"), Ok(vec![]));
}

#[test]
fn a_body_that_is_not_a_model_list_gives_a_short_message() {
    let not_json = parse_models("<!DOCTYPE html><html><title>Mnemo</title></html>").unwrap_err();
    assert_eq!(
        not_json,
        "The server's model list could not be read: the answer is not JSON."
    );
    for body in [
        r#"{"object":"list"}"#,
        r#"{"data":{"id":"x"}}"#,
        "42",
        "null",
    ] {
        assert_eq!(
            parse_models(body).unwrap_err(),
            "The server's model list could not be read: it holds no list of models.",
            "{body}"
        );
    }
    let refused = r#"{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}"#;
    assert_eq!(
        parse_models(refused).unwrap_err(),
        "The server's model list could not be read: Incorrect API key provided."
    );
}

#[test]
fn a_listed_model_gives_model_info_with_its_facts_or_the_defaults() {
    let sonnet = ServerModel {
        id: "anthropic/claude-3.5-sonnet".into(),
        context_length: Some(200_000),
        input_per_million: Some(3.0),
        output_per_million: Some(15.0),
    };
    assert_eq!(
        sonnet.info(),
        ModelInfo {
            id: "anthropic/claude-3.5-sonnet".into(),
            context_window: 200_000,
            encoding: Encoding::O200kBase,
            input_per_million: Some(3.0),
            output_per_million: Some(15.0),
        }
    );
    let bare = model("llama3.2:latest", None).info();
    assert_eq!(bare.context_window, DEFAULT_CONTEXT_WINDOW);
    assert_eq!(bare.encoding, Encoding::O200kBase);
    assert_eq!(bare.input_per_million, None);
    let priced = ServerModel {
        output_per_million: Some(1.0),
        ..model("x", None)
    };
    assert!(priced.has_facts());
    assert!(model("x", Some(8192)).has_facts());
    assert!(!model("x", None).has_facts());
}

#[test]
fn a_model_is_kept_with_a_window_of_0_when_the_server_gave_none() {
    assert_eq!(model("a", None).stored().context_window, 0);
    assert_eq!(model("a", Some(8_192)).stored().context_window, 8_192);
}
