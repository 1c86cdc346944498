//! Tests of `core::settings`.

use super::*;
use crate::core::models;
use crate::core::tokens::Encoding;

fn form() -> SettingsForm {
    SettingsForm::from_settings(&Settings::default(), "sk-test")
}

#[test]
fn defaults_round_trip_through_the_form() {
    let (settings, key) = form().validate().unwrap();
    assert_eq!(settings, Settings::default());
    assert_eq!(key, "sk-test");
}

#[test]
fn openai_without_a_key_needs_setup_but_a_proxy_does_not() {
    let mut f = form();
    f.api_key = " ".into();
    assert_eq!(f.validate().unwrap_err()[0].field, "API key");
    f.base_url = "http://127.0.0.1:8787/v1/".into();
    let (settings, key) = f.validate().unwrap();
    assert_eq!(settings.base_url, "http://127.0.0.1:8787/v1");
    assert_eq!(key, "");
    assert!(!settings.needs_setup(&key));
}

#[test]
fn every_bad_field_is_reported() {
    let f = SettingsForm {
        api_key: "k".into(),
        base_url: "ftp://x".into(),
        model: "gpt 4".into(),
        temperature: "3".into(),
        max_output_tokens: "-5".into(),
        ..form()
    };
    let fields: Vec<_> = f.validate().unwrap_err().iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        ["Base URL", "Model", "Temperature", "Max output tokens"]
    );
}

#[test]
fn empty_max_output_tokens_means_none() {
    let mut f = form();
    f.max_output_tokens = "  ".into();
    assert_eq!(f.validate().unwrap().0.max_output_tokens, None);
    f.max_output_tokens = "512".into();
    assert_eq!(f.validate().unwrap().0.max_output_tokens, Some(512));
}

#[test]
fn memory_and_budget_are_read_from_the_form() {
    let mut f = form();
    f.memory = "summary".into();
    f.context_budget = "1,000".into();
    let (s, _) = f.validate().unwrap();
    assert_eq!(s.memory, MemoryStrategy::Summary);
    assert_eq!(s.context_budget, 1_000);
    f.context_budget = "lots".into();
    assert_eq!(f.validate().unwrap_err()[0].field, "Context budget");
}

#[test]
fn an_unknown_model_gets_a_custom_entry_with_the_chosen_encoding() {
    let mut f = form();
    f.model = "my-proxy-model".into();
    assert!(f.is_custom_model());
    f.encoding = "cl100k_base".into();
    f.context_window = "32000".into();
    let (s, _) = f.validate().unwrap();
    let info = s.model_info();
    assert_eq!(
        (info.encoding, info.context_window),
        (Encoding::Cl100kBase, 32_000)
    );
    assert_eq!(s.budget().limit(), DEFAULT_CONTEXT_BUDGET);
    // Editing it again replaces the entry instead of adding another.
    let mut again = SettingsForm::from_settings(&s, "k");
    again.context_window = "8000".into();
    let (s, _) = again.validate().unwrap();
    assert_eq!(s.custom_models.len(), 1);
    assert_eq!(s.budget().limit(), 8_000 - DEFAULT_REPLY_RESERVE);
}

#[test]
fn presets_have_names_and_prompts() {
    assert_eq!(PRESETS.len(), 4);
    assert!(PRESETS.iter().all(|(n, p)| !n.is_empty() && !p.is_empty()));
    assert_eq!(
        Settings::default().system_prompt,
        "You are a helpful assistant."
    );
}

fn summary_defaults() -> Settings {
    Settings {
        model: "gpt-4o".into(),
        memory: MemoryStrategy::SlidingWindow,
        ..Settings::default()
    }
}

#[test]
fn a_conversation_without_overrides_uses_the_defaults() {
    let defaults = summary_defaults();
    assert_eq!(defaults.with_overrides(&Overrides::default()), defaults);
    let (overrides, _) = OverridesForm::new(&defaults, &Overrides::default())
        .validate(&defaults)
        .unwrap();
    assert!(overrides.is_empty());
}

#[test]
fn own_groups_become_overrides_and_the_rest_follows_the_defaults() {
    let defaults = summary_defaults();
    let mut form = OverridesForm::new(&defaults, &Overrides::default());
    form.own_model = true;
    form.form.model = "gpt-4.1".into();
    form.own_memory = true;
    form.form.memory = "summary".into();
    form.form.context_budget = "2,000".into();
    // Not own: ignored even though changed.
    form.form.temperature = "1.5".into();
    let (overrides, _) = form.validate(&defaults).unwrap();
    assert_eq!(overrides.model.as_deref(), Some("gpt-4.1"));
    assert_eq!(overrides.memory, Some(MemoryStrategy::Summary));
    assert_eq!(overrides.context_budget, Some(2_000));
    assert_eq!(overrides.temperature, None);
    assert_eq!(overrides.system_prompt, None);
    let effective = defaults.with_overrides(&overrides);
    assert_eq!(effective.model, "gpt-4.1");
    assert_eq!(effective.temperature, defaults.temperature);
    assert_eq!(effective.budget().context_budget, 2_000);
    // The form opens again as it was saved.
    let again = OverridesForm::new(&defaults, &overrides);
    assert!(again.own_model && again.own_memory && !again.own_sampling && !again.own_prompt);
    assert_eq!(again.form.model, "gpt-4.1");
}

#[test]
fn only_own_fields_can_be_wrong() {
    let defaults = summary_defaults();
    let mut form = OverridesForm::new(&defaults, &Overrides::default());
    form.form.temperature = "hot".into();
    assert!(
        form.validate(&defaults).is_ok(),
        "not own: the default applies"
    );
    form.own_sampling = true;
    let errors = form.validate(&defaults).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "Temperature");
}

#[test]
fn an_own_output_limit_can_say_model_default() {
    let defaults = Settings {
        max_output_tokens: Some(500),
        ..Settings::default()
    };
    let mut form = OverridesForm::new(&defaults, &Overrides::default());
    form.own_sampling = true;
    form.form.max_output_tokens = String::new();
    let (overrides, _) = form.validate(&defaults).unwrap();
    assert_eq!(overrides.max_output_tokens, Some(0));
    assert_eq!(defaults.with_overrides(&overrides).max_output_tokens, None);
    assert_eq!(
        overrides.describe(),
        vec!["temperature 0.7".to_string(), "no output limit".to_string()]
    );
}

#[test]
fn a_custom_model_of_a_conversation_adds_its_catalog_entry() {
    let defaults = Settings::default();
    let mut form = OverridesForm::new(&defaults, &Overrides::default());
    form.own_model = true;
    form.form.model = "my-local-llama".into();
    form.form.encoding = "cl100k_base".into();
    form.form.context_window = "8192".into();
    let (overrides, custom) = form.validate(&defaults).unwrap();
    assert_eq!(overrides.model.as_deref(), Some("my-local-llama"));
    assert!(custom
        .iter()
        .any(|m| m.id == "my-local-llama" && m.context_window == 8192));
}

#[test]
fn overrides_serialise_only_what_is_set() {
    let overrides = Overrides {
        model: Some("gpt-4.1".into()),
        ..Overrides::default()
    };
    assert_eq!(
        serde_json::to_string(&overrides).unwrap(),
        r#"{"model":"gpt-4.1"}"#
    );
    let back: Overrides = serde_json::from_str(r#"{"model":"gpt-4.1"}"#).unwrap();
    assert_eq!(back, overrides);
}

#[test]
fn a_base_url_ending_in_chat_completions_is_refused_with_the_fix() {
    let mut f = form();
    f.base_url = "https://api.openai.com/v1/chat/completions".into();
    let errors = f.validate().unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "Base URL");
    assert_eq!(
        errors[0].message,
        "Base URL should end before \"/chat/completions\": use https://api.openai.com/v1"
    );
    for (typed, fix) in [
        (
            "http://127.0.0.1:8787/v1/chat/completions/",
            "http://127.0.0.1:8787/v1",
        ),
        (
            "https://my-proxy.example.com/v1/completions",
            "https://my-proxy.example.com/v1",
        ),
        (
            "https://api.openai.com/v1/models",
            "https://api.openai.com/v1",
        ),
        (
            "https://api.openai.com/v1/Chat/Completions",
            "https://api.openai.com/v1",
        ),
    ] {
        f.base_url = typed.into();
        let errors = f.validate().unwrap_err();
        assert!(
            errors[0].message.ends_with(&format!(": use {fix}")),
            "{typed}: {errors:?}"
        );
    }
    f.base_url = "https://api.example.com/completions-proxy/v1".into();
    assert!(f.validate().is_ok(), "only the end of the path counts");
}

#[test]
fn an_unknown_model_without_prices_has_no_cost() {
    use crate::core::message::{Message, MessageId};
    use crate::core::stats::message_cost;
    let mut f = form();
    f.model = "my-proxy-model".into();
    f.input_price = String::new();
    f.output_price = String::new();
    let (s, _) = f.validate().unwrap();
    let mut reply = Message::pending_reply(MessageId("a".into()), "my-proxy-model", 1.0);
    reply.usage = serde_json::from_str(
        r#"{"prompt_tokens":1000,"completion_tokens":1000,"total_tokens":2000}"#,
    )
    .ok();
    assert_eq!(
        message_cost(&reply, &s.custom_models),
        None,
        "saved without prices"
    );
    assert_eq!(message_cost(&reply, &[]), None, "never described at all");
}

#[test]
fn the_picker_offers_every_catalog_model_by_family() {
    let groups = model_groups(&[]);
    let labels: Vec<&str> = groups.iter().map(|g| g.label).collect();
    assert_eq!(
        labels,
        [
            "GPT-4o / 4.1",
            "Reasoning (o-series)",
            "GPT-5",
            "Older (GPT-4, GPT-3.5)"
        ]
    );
    let offered: Vec<&String> = groups.iter().flat_map(|g| &g.models).collect();
    for m in models::catalog() {
        assert!(offered.contains(&&m.id), "{} is offered", m.id);
    }
    assert_eq!(offered.len(), models::catalog().count(), "each once");
    assert!(groups[1].models.iter().any(|m| m == "o4-mini"));
    assert!(groups[2].models.iter().any(|m| m == "gpt-5-nano"));
}

#[test]
fn choosing_custom_starts_blank() {
    let mut f = form();
    assert_eq!(f.model_choice(), "gpt-4o-mini");
    f.choose_model(CUSTOM_MODEL);
    assert_eq!(f.model_choice(), CUSTOM_MODEL);
    assert_eq!(
        [&f.model, &f.context_window, &f.input_price, &f.output_price],
        ["", "", "", ""]
    );
    assert!(f.is_custom_model());
    // Typing an id the picker offers keeps the typed field.
    f.model = "gpt-4o".into();
    assert_eq!(f.model_choice(), CUSTOM_MODEL);
    f.model = "my-proxy-model".into();
    let (s, _) = f.validate().unwrap();
    let info = s.model_info();
    assert_eq!(info.context_window, models::DEFAULT_CONTEXT_WINDOW);
    assert_eq!(
        (info.input_per_million, info.output_per_million),
        (None, None),
        "not gpt-4o-mini's prices"
    );
}

#[test]
fn a_saved_custom_model_is_offered_again() {
    let mut f = form();
    f.choose_model(CUSTOM_MODEL);
    f.model = "llama-3.1-8b".into();
    f.context_window = "8192".into();
    f.input_price = "0.05".into();
    let (saved, _) = f.validate().unwrap();
    let mut again = SettingsForm::from_settings(&saved, "sk-test");
    let groups = model_groups(&again.custom_models);
    let yours = groups.last().unwrap();
    assert_eq!(yours.label, YOUR_MODELS);
    assert_eq!(yours.models, ["llama-3.1-8b"]);
    assert_eq!(again.model_choice(), "llama-3.1-8b");
    assert_eq!(
        [
            &again.context_window,
            &again.input_price,
            &again.output_price
        ],
        ["8192", "0.05", ""]
    );
    // Another model, then back: the saved facts come back with it.
    again.choose_model("o3");
    assert!(!again.is_custom_model());
    again.choose_model("llama-3.1-8b");
    assert_eq!(
        [&again.context_window, &again.input_price],
        ["8192", "0.05"]
    );
    let (resaved, _) = again.validate().unwrap();
    assert_eq!(resaved.model, "llama-3.1-8b");
    assert_eq!(resaved.custom_models, saved.custom_models);
    // A catalog id saved as a custom entry is not offered twice.
    let twice = model_groups(&[models::resolve("gpt-4o", &[])]);
    assert!(twice.iter().all(|g| g.label != YOUR_MODELS));
}

#[test]
fn a_custom_window_or_price_that_is_not_a_number_is_reported() {
    let mut f = form();
    f.choose_model(CUSTOM_MODEL);
    f.model = "my-proxy-model".into();
    f.context_window = "big".into();
    f.output_price = "cheap".into();
    let fields: Vec<_> = f.validate().unwrap_err().iter().map(|e| e.field).collect();
    assert_eq!(fields, ["Context window", "Output price"]);
}

#[test]
fn a_preset_fills_the_base_url_and_survives_a_typed_port() {
    let mut form = SettingsForm::from_settings(&Settings::default(), "");
    assert_eq!(form.server, "openai");
    form.choose_server("ollama");
    assert_eq!(form.base_url, "http://localhost:11434/v1");
    form.type_base_url("http://127.0.0.1:9000/ollama/v1".into());
    assert_eq!(form.server, "ollama", "a local server on another port");
    let (settings, _) = form.validate().unwrap();
    assert_eq!(settings.server().id, "ollama");
    assert!(settings.server().setup.contains("OLLAMA_ORIGINS"));

    let mut form = SettingsForm::from_settings(&Settings::default(), "");
    form.type_base_url("http://127.0.0.1:8787/v1".into());
    assert_eq!(form.server, "custom", "OpenAI's preset is for OpenAI's URL");
    form.type_base_url("https://openrouter.ai/api/v1".into());
    assert_eq!(form.server, "openrouter");
    let errors = form.validate().unwrap_err();
    assert!(
        errors[0].message.starts_with("OpenRouter needs an API key"),
        "{errors:?}"
    );
    form.api_key = "sk-or-1".into();
    let (settings, _) = form.validate().unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(settings.server, "", "a URL's own preset follows the URL");
    assert_eq!(settings.server().id, "openrouter");
}

#[test]
fn a_server_listed_model_with_facts_feeds_the_budget_and_is_estimated() {
    use crate::core::servers::learned::update;
    use crate::core::servers::listing::ServerModel;
    let mut settings = Settings {
        base_url: "https://openrouter.ai/api/v1".into(),
        model: "anthropic/claude-3.5-sonnet".into(),
        ..Settings::default()
    };
    update(&mut settings.endpoints, &settings.base_url.clone(), |e| {
        e.models.push(
            ServerModel {
                id: "anthropic/claude-3.5-sonnet".into(),
                context_length: Some(200_000),
                input_per_million: Some(3.0),
                output_per_million: Some(15.0),
            }
            .stored(),
        )
    });
    let info = settings.model_info();
    assert_eq!(info.context_window, 200_000);
    assert_eq!(info.input_per_million, Some(3.0));
    assert!(!settings.exact_tokens());
    let form = SettingsForm::from_settings(&settings, "k");
    assert!(!form.is_custom_model(), "the server said what it is");
    let mut reply = crate::core::message::Message::pending_reply(
        crate::core::message::MessageId("r".into()),
        "anthropic/claude-3.5-sonnet",
        0.0,
    );
    reply.usage = Some(crate::core::message::Usage {
        prompt_tokens: 1_000_000,
        completion_tokens: 0,
        total_tokens: 1_000_000,
        reasoning_tokens: 0,
    });
    assert_eq!(
        crate::core::stats::message_cost(&reply, &settings.known_models()),
        Some(3.0),
        "priced from the server's list"
    );
    settings.model = "openai/gpt-4o-mini".into();
    assert!(settings.exact_tokens());
}

#[test]
fn the_picker_offers_the_servers_own_models_searchably_and_the_catalog_only_where_it_applies() {
    use crate::core::servers::learned::update;
    use crate::core::servers::listing::ServerModel;
    let mut f = form();
    f.choose_server("ollama");
    let listed = |id: &str| ServerModel {
        id: id.into(),
        context_length: None,
        input_per_million: None,
        output_per_million: None,
    };
    update(&mut f.endpoints, &f.base_url.clone(), |e| {
        e.models = [
            listed("llama3.2:latest"),
            listed("qwen3:8b"),
            listed("Mistral-Nemo"),
        ]
        .iter()
        .map(ServerModel::stored)
        .collect();
    });
    let groups = f.picker_groups("");
    assert_eq!(groups.len(), 1, "no OpenAI catalog for Ollama: {groups:?}");
    assert_eq!(groups[0].label, SERVER_MODELS);
    assert_eq!(groups[0].models.len(), 3);
    assert_eq!(f.picker_groups("mistral")[0].models, ["Mistral-Nemo"]);
    f.choose_model("qwen3:8b");
    assert_eq!(f.model_choice(), "qwen3:8b");
    assert_eq!(
        f.picker_groups("llama")[0].models,
        ["llama3.2:latest", "qwen3:8b"],
        "the chosen model stays offered"
    );
    f.choose_server("openai");
    assert!(f
        .picker_groups("")
        .iter()
        .any(|g| g.models.contains(&"o3".to_string())));
}
