//! The model catalog: context window, tokenizer encoding and prices of the models Mnemo
//! knows, grouped by family for the model picker, and the same facts for models the user
//! adds.

use serde::{Deserialize, Serialize};

use super::message::Usage;
use super::tokens::Encoding;

/// What Mnemo needs to know about a model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    /// Tokens the model accepts (prompt and reply together).
    pub context_window: u32,
    pub encoding: Encoding,
    /// US dollars per million prompt tokens; `None` when nobody said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_per_million: Option<f64>,
    /// US dollars per million reply tokens; `None` when nobody said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_per_million: Option<f64>,
}

/// The window assumed for a model whose window nobody gave.
pub const DEFAULT_CONTEXT_WINDOW: u32 = 128_000;

/// A family of catalog models: one group of the model picker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Gpt4o,
    Reasoning,
    Gpt5,
    Older,
}

impl Family {
    /// The families in the picker's order.
    pub const ALL: [Family; 4] = [
        Family::Gpt4o,
        Family::Reasoning,
        Family::Gpt5,
        Family::Older,
    ];

    /// The name of the family's group in the picker.
    pub fn label(self) -> &'static str {
        match self {
            Family::Gpt4o => "GPT-4o / 4.1",
            Family::Reasoning => "Reasoning (o-series)",
            Family::Gpt5 => "GPT-5",
            Family::Older => "Older (GPT-4, GPT-3.5)",
        }
    }
}

/// `(id, family, context window, encoding, input $/1M, output $/1M)`, from OpenAI's model
/// and pricing pages (standard tier).
const CATALOG: &[(&str, Family, u32, Encoding, f64, f64)] = &[
    (
        "gpt-4o-mini",
        Family::Gpt4o,
        128_000,
        Encoding::O200kBase,
        0.15,
        0.60,
    ),
    (
        "gpt-4o",
        Family::Gpt4o,
        128_000,
        Encoding::O200kBase,
        2.50,
        10.00,
    ),
    (
        "gpt-4.1",
        Family::Gpt4o,
        1_047_576,
        Encoding::O200kBase,
        2.00,
        8.00,
    ),
    (
        "gpt-4.1-mini",
        Family::Gpt4o,
        1_047_576,
        Encoding::O200kBase,
        0.40,
        1.60,
    ),
    (
        "gpt-4.1-nano",
        Family::Gpt4o,
        1_047_576,
        Encoding::O200kBase,
        0.10,
        0.40,
    ),
    (
        "o4-mini",
        Family::Reasoning,
        200_000,
        Encoding::O200kBase,
        1.10,
        4.40,
    ),
    (
        "o3",
        Family::Reasoning,
        200_000,
        Encoding::O200kBase,
        2.00,
        8.00,
    ),
    (
        "o3-mini",
        Family::Reasoning,
        200_000,
        Encoding::O200kBase,
        1.10,
        4.40,
    ),
    (
        "o1",
        Family::Reasoning,
        200_000,
        Encoding::O200kBase,
        15.00,
        60.00,
    ),
    (
        "gpt-5",
        Family::Gpt5,
        400_000,
        Encoding::O200kBase,
        1.25,
        10.00,
    ),
    (
        "gpt-5-mini",
        Family::Gpt5,
        400_000,
        Encoding::O200kBase,
        0.25,
        2.00,
    ),
    (
        "gpt-5-nano",
        Family::Gpt5,
        400_000,
        Encoding::O200kBase,
        0.05,
        0.40,
    ),
    (
        "gpt-4-turbo",
        Family::Older,
        128_000,
        Encoding::Cl100kBase,
        10.00,
        30.00,
    ),
    (
        "gpt-4",
        Family::Older,
        8_192,
        Encoding::Cl100kBase,
        30.00,
        60.00,
    ),
    (
        "gpt-3.5-turbo",
        Family::Older,
        16_385,
        Encoding::Cl100kBase,
        0.50,
        1.50,
    ),
];

/// The model a new user starts with: the first of the catalog.
pub const DEFAULT_MODEL: &str = CATALOG[0].0;

/// Every model in the catalog.
pub fn catalog() -> impl Iterator<Item = ModelInfo> {
    CATALOG
        .iter()
        .map(|&(id, _, window, encoding, input, output)| ModelInfo {
            id: id.to_string(),
            context_window: window,
            encoding,
            input_per_million: Some(input),
            output_per_million: Some(output),
        })
}

/// The ids of the catalog models of `family`, in catalog order.
pub fn family_models(family: Family) -> impl Iterator<Item = &'static str> {
    CATALOG.iter().filter(move |m| m.1 == family).map(|m| m.0)
}

/// What is known about `model`: the user's own entry first, then the catalog entry
/// whose id is the longest prefix of `model` (so `gpt-4o-2024-08-06` is gpt-4o and a
/// proxy's `openai/gpt-4o` is too). `None` for a model nobody described.
pub fn lookup(model: &str, custom: &[ModelInfo]) -> Option<ModelInfo> {
    let model = model.trim();
    if let Some(entry) = custom.iter().find(|m| m.id == model) {
        return Some(entry.clone());
    }
    let bare = model.rsplit('/').next().unwrap_or(model);
    catalog()
        .filter(|m| bare == m.id || bare.starts_with(&format!("{}-", m.id)))
        .max_by_key(|m| m.id.len())
}

/// What is known about `model`, or cautious defaults for an unknown one: o200k (the
/// encoding of every current OpenAI model), a 128K window and no price.
pub fn resolve(model: &str, custom: &[ModelInfo]) -> ModelInfo {
    lookup(model, custom).unwrap_or_else(|| ModelInfo {
        id: model.trim().to_string(),
        context_window: DEFAULT_CONTEXT_WINDOW,
        encoding: Encoding::O200kBase,
        input_per_million: None,
        output_per_million: None,
    })
}

impl ModelInfo {
    /// The cost in US dollars of a request with this usage; `None` when tokens were
    /// used at a price nobody gave (an unknown model is not free).
    pub fn cost(&self, usage: &Usage) -> Option<f64> {
        let side = |tokens: u32, per_million: Option<f64>| match tokens {
            0 => Some(0.0),
            n => per_million.map(|price| f64::from(n) * price / 1_000_000.0),
        };
        Some(
            side(usage.prompt_tokens, self.input_per_million)?
                + side(usage.completion_tokens, self.output_per_million)?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_the_documented_prices_and_windows() {
        let mini = lookup("gpt-4o-mini", &[]).unwrap();
        assert_eq!(
            (mini.input_per_million, mini.output_per_million),
            (Some(0.15), Some(0.60))
        );
        assert_eq!(mini.context_window, 128_000);
        assert_eq!(lookup("gpt-4o", &[]).unwrap().input_per_million, Some(2.50));
        assert_eq!(lookup("gpt-4.1", &[]).unwrap().context_window, 1_047_576);
        for id in [
            "gpt-4.1-mini",
            "gpt-4.1-nano",
            "o4-mini",
            "gpt-5",
            "gpt-5-mini",
            "gpt-5-nano",
            "gpt-4-turbo",
            "gpt-3.5-turbo",
        ] {
            assert_eq!(lookup(id, &[]).unwrap().id, id);
        }
    }

    #[test]
    fn encodings_follow_the_model_family() {
        for id in [
            "gpt-4o",
            "gpt-4o-mini",
            "gpt-4.1",
            "gpt-4.1-nano",
            "o4-mini",
            "gpt-5",
        ] {
            assert_eq!(resolve(id, &[]).encoding, Encoding::O200kBase, "{id}");
        }
        for id in [
            "gpt-4",
            "gpt-4-turbo",
            "gpt-4-0613",
            "gpt-3.5-turbo",
            "gpt-3.5-turbo-0125",
        ] {
            assert_eq!(resolve(id, &[]).encoding, Encoding::Cl100kBase, "{id}");
        }
    }

    #[test]
    fn dated_and_prefixed_ids_find_their_family_by_longest_prefix() {
        assert_eq!(lookup("gpt-4o-2024-08-06", &[]).unwrap().id, "gpt-4o");
        assert_eq!(
            lookup("gpt-4o-mini-2024-07-18", &[]).unwrap().id,
            "gpt-4o-mini"
        );
        assert_eq!(
            lookup("openai/gpt-4.1-mini", &[]).unwrap().id,
            "gpt-4.1-mini"
        );
        assert!(lookup("gpt-4oops", &[]).is_none());
        assert!(lookup("llama-3-70b", &[]).is_none());
    }

    #[test]
    fn unknown_models_default_to_o200k_and_custom_entries_win() {
        let unknown = resolve("my-local-model", &[]);
        assert_eq!(unknown.encoding, Encoding::O200kBase);
        let custom = ModelInfo {
            id: "my-local-model".into(),
            context_window: 4096,
            encoding: Encoding::Cl100kBase,
            input_per_million: Some(1.0),
            output_per_million: Some(2.0),
        };
        assert_eq!(
            resolve("my-local-model", std::slice::from_ref(&custom)),
            custom
        );
    }

    #[test]
    fn cost_uses_prices_per_million() {
        let usage = Usage {
            prompt_tokens: 1_000_000,
            completion_tokens: 500_000,
            total_tokens: 1_500_000,
            ..Usage::default()
        };
        let cost = resolve("gpt-4o-mini", &[]).cost(&usage).unwrap_or(-1.0);
        assert!((cost - 0.45).abs() < 1e-9);
    }

    #[test]
    fn a_model_without_prices_has_no_cost_unless_nothing_was_used_at_them() {
        let unknown = resolve("my-local-model", &[]);
        let used = |prompt_tokens, completion_tokens| Usage {
            prompt_tokens,
            completion_tokens,
            total_tokens: prompt_tokens + completion_tokens,
            ..Usage::default()
        };
        assert_eq!(unknown.cost(&used(10, 10)), None);
        assert_eq!(unknown.cost(&used(0, 0)), Some(0.0));
        let input_only = ModelInfo {
            input_per_million: Some(1.0),
            ..unknown
        };
        assert_eq!(input_only.cost(&used(1_000_000, 0)), Some(1.0));
        assert_eq!(input_only.cost(&used(1_000_000, 1)), None);
    }

    #[test]
    fn every_catalog_model_has_a_family_and_the_families_cover_the_catalog() {
        let grouped: Vec<&str> = Family::ALL.into_iter().flat_map(family_models).collect();
        let all: Vec<String> = catalog().map(|m| m.id).collect();
        assert_eq!(grouped.len(), all.len());
        assert!(all.iter().all(|id| grouped.contains(&id.as_str())));
        assert!(family_models(Family::Reasoning).any(|id| id == "o3"));
        assert!(family_models(Family::Gpt5).all(|id| id.starts_with("gpt-5")));
        assert_eq!(DEFAULT_MODEL, "gpt-4o-mini");
    }
}
