//! Chat framing checked against OpenAI's cookbook ("How to count tokens with tiktoken"):
//! its example messages (a system prompt, four named examples and a user turn) are 129 prompt tokens for gpt-4 / gpt-3.5-turbo (cl100k_base) and
//! 124 for gpt-4o / gpt-4o-mini (o200k_base).
#![cfg(not(target_arch = "wasm32"))]

use mnemo::core::tokens::{message_tokens, prompt_tokens};

/// (role, content, name) of the cookbook's example.
const COOKBOOK: &[(&str, &str, Option<&str>)] = &[
    ("system", "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.", None),
    ("system", "New synergies will help drive top-line growth.", Some("example_user")),
    ("system", "Things working well together will increase revenue.", Some("example_assistant")),
    ("system", "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.", Some("example_user")),
    ("system", "Let's talk later when we're less busy about how to do better.", Some("example_assistant")),
    ("user", "This late pivot means we don't have time to boil the ocean for the client deliverable.", None),
];

fn count(bpe: &tiktoken_rs::CoreBPE) -> u32 {
    let n = |s: &str| bpe.encode_ordinary(s).len() as u32;
    prompt_tokens(
        COOKBOOK
            .iter()
            .map(|(_, content, name)| message_tokens(n(content), name.map(n))),
    )
}

#[test]
fn the_role_names_are_one_token_each() {
    for bpe in [
        tiktoken_rs::o200k_base().unwrap(),
        tiktoken_rs::cl100k_base().unwrap(),
    ] {
        for role in ["system", "user", "assistant"] {
            assert_eq!(bpe.encode_ordinary(role).len(), 1, "{role}");
        }
    }
}

#[test]
fn the_cookbook_example_is_124_tokens_for_gpt_4o() {
    assert_eq!(count(&tiktoken_rs::o200k_base().unwrap()), 124);
}

#[test]
fn the_cookbook_example_is_129_tokens_for_gpt_4() {
    assert_eq!(count(&tiktoken_rs::cl100k_base().unwrap()), 129);
}
