//! Generating the tokenizer's static assets (native only): the compact vocabularies,
//! made from tiktoken-rs's own vocabulary files so they always match the tiktoken-rs
//! in `Cargo.lock`, and the manifest that tells the app their content-hashed URLs.
//!
//! Trunk's `pre_build` hook (Trunk.toml) runs `mnemo-vocab target/tokenizer-assets`,
//! which writes:
//!
//! - `vocab/vocab-{encoding}-{hash}.bin`, copied to `dist/vocab/` by index.html's
//!   `copy-dir` link; the hash (64-bit FNV-1a of the file, in hex) changes whenever the
//!   content does, so hosts may cache these files forever;
//! - `manifest.html`, inlined into index.html by its `inline` link: a
//!   `<script type="application/json" id="mnemo-tokenizer">` element with the worker's
//!   URL and every vocabulary's URL, which the app reads at run time.
//!
//! Files are only rewritten when their content changes, so `trunk serve` does not see
//! a change on every build, and stale vocabularies are removed.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use tiktoken_rs::Rank;

use crate::encoding::Encoding;
use crate::vocab;

/// The id of the manifest's `<script type="application/json">` element.
pub const MANIFEST_ELEMENT_ID: &str = "mnemo-tokenizer";

/// The worker's entry script in dist/ (`tokenizer/mnemo-tokenizer_loader.js`, copied by
/// Trunk), which loads `mnemo-tokenizer.js` and its wasm.
pub const WORKER_SCRIPT: &str = "mnemo-tokenizer_loader.js";

/// The folder of dist/ the vocabularies are copied to.
pub const VOCAB_DIR: &str = "vocab";

/// The directory holding tiktoken-rs's vocabulary files (`{encoding}.tiktoken`): the
/// `assets` folder of the tiktoken-rs this crate depends on, found with `cargo metadata`.
///
/// # Errors
/// When cargo cannot be run or tiktoken-rs is not among this crate's dependencies.
pub fn tiktoken_assets_dir() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let output = Command::new(&cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .map_err(|e| format!("could not run {cargo} metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed bad JSON: {e}"))?;
    let packages = metadata["packages"]
        .as_array()
        .ok_or("no packages in cargo metadata")?;
    let id_of = |name: &str| {
        packages
            .iter()
            .find(|p| {
                p["name"] == name && p["manifest_path"].as_str().map(Path::new) == Some(&manifest)
            })
            .and_then(|p| p["id"].as_str())
    };
    let this = id_of(env!("CARGO_PKG_NAME")).ok_or("this crate is not in cargo metadata")?;
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("no resolve graph in cargo metadata")?;
    let tiktoken = nodes
        .iter()
        .find(|n| n["id"] == this)
        .and_then(|n| n["deps"].as_array())
        .and_then(|deps| deps.iter().find(|d| d["name"] == "tiktoken_rs"))
        .and_then(|d| d["pkg"].as_str())
        .ok_or("tiktoken-rs is not a dependency of this crate")?;
    let manifest_path = packages
        .iter()
        .find(|p| p["id"] == tiktoken)
        .and_then(|p| p["manifest_path"].as_str())
        .ok_or("tiktoken-rs has no manifest path in cargo metadata")?;
    Ok(Path::new(manifest_path)
        .parent()
        .ok_or("tiktoken-rs's manifest path has no parent")?
        .join("assets"))
}

/// Reads a tiktoken vocabulary file: one `{base64 token} {rank}` pair per line.
///
/// # Errors
/// On a line that is not such a pair.
pub fn parse_tiktoken(text: &str) -> Result<Vec<(Rank, Vec<u8>)>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .map(|(i, line)| {
            let bad = |what: &str| format!("line {}: {what}: {line:?}", i + 1);
            let (token, rank) = line.split_once(' ').ok_or_else(|| bad("no space"))?;
            let token = base64::engine::general_purpose::STANDARD
                .decode(token)
                .map_err(|_| bad("bad base64"))?;
            let rank = rank.parse::<Rank>().map_err(|_| bad("bad rank"))?;
            Ok((rank, token))
        })
        .collect()
}

/// The compact vocabulary of `encoding`, made from the `{name}.tiktoken` file in
/// `assets_dir`.
///
/// # Errors
/// When the file cannot be read or is not a valid vocabulary.
pub fn compact_vocab(assets_dir: &Path, encoding: Encoding) -> Result<Vec<u8>, String> {
    let path = assets_dir.join(format!("{}.tiktoken", encoding.name()));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let tokens = parse_tiktoken(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    for (text, rank) in encoding.special_tokens() {
        if tokens.iter().any(|(r, _)| r == rank) {
            return Err(format!(
                "{}: the rank {rank} of {text} is taken",
                path.display()
            ));
        }
    }
    vocab::encode(encoding.name(), &tokens).map_err(|e| format!("{}: {e}", path.display()))
}

/// A 64-bit FNV-1a hash, in hex: the content hash in a vocabulary's file name.
pub fn content_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// The file name of a compact vocabulary: `vocab-{encoding}-{content hash}.bin`.
pub fn vocab_file_name(encoding: Encoding, bytes: &[u8]) -> String {
    format!("vocab-{}-{}.bin", encoding.name(), content_hash(bytes))
}

/// The manifest element for index.html: the worker's URL and each vocabulary's URL
/// (`vocab_names` are file names in [`VOCAB_DIR`]), prefixed with `public_url` the way
/// Trunk prefixes the app's own files.
pub fn manifest_html(public_url: &str, vocab_names: &[(Encoding, String)]) -> String {
    let base = if public_url.ends_with('/') {
        public_url.to_string()
    } else {
        format!("{public_url}/")
    };
    let vocab: serde_json::Map<String, serde_json::Value> = vocab_names
        .iter()
        .map(|(e, name)| {
            (
                e.name().to_string(),
                format!("{base}{VOCAB_DIR}/{name}").into(),
            )
        })
        .collect();
    let json = serde_json::json!({ "worker": format!("{base}{WORKER_SCRIPT}"), "vocab": vocab });
    // `<\/` keeps a `</script>` inside a string from closing the element.
    let json = json.to_string().replace("</", "<\\/");
    format!("<script type=\"application/json\" id=\"{MANIFEST_ELEMENT_ID}\">{json}</script>\n")
}

/// What [`write_assets`] did to one file.
#[derive(Debug)]
pub struct Written {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub len: usize,
    /// Whether it was (re)written; `false` when it already had this content.
    pub changed: bool,
}

fn write_if_changed(path: PathBuf, bytes: &[u8]) -> Result<Written, String> {
    let changed = std::fs::read(&path).map_or(true, |old| old != bytes);
    if changed {
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(Written {
        path,
        len: bytes.len(),
        changed,
    })
}

/// Writes every vocabulary to `out_dir/vocab/` and the manifest to
/// `out_dir/manifest.html`, and removes any other file from `out_dir/vocab/`.
///
/// # Errors
/// When tiktoken-rs's files cannot be found or read, or `out_dir` cannot be written.
pub fn write_assets(out_dir: &Path, public_url: &str) -> Result<Vec<Written>, String> {
    let assets = tiktoken_assets_dir()?;
    let vocab_dir = out_dir.join(VOCAB_DIR);
    std::fs::create_dir_all(&vocab_dir).map_err(|e| format!("{}: {e}", vocab_dir.display()))?;
    let mut written = Vec::new();
    let mut names = Vec::new();
    for encoding in Encoding::ALL {
        let bytes = compact_vocab(&assets, encoding)?;
        let name = vocab_file_name(encoding, &bytes);
        written.push(write_if_changed(vocab_dir.join(&name), &bytes)?);
        names.push((encoding, name));
    }
    let entries =
        std::fs::read_dir(&vocab_dir).map_err(|e| format!("{}: {e}", vocab_dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if !names
            .iter()
            .any(|(_, name)| path.file_name() == Some(name.as_ref()))
        {
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let manifest = manifest_html(public_url, &names);
    written.push(write_if_changed(
        out_dir.join("manifest.html"),
        manifest.as_bytes(),
    )?);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tiktoken_lines() {
        assert_eq!(
            parse_tiktoken("IQ== 0\nIg== 1\n").unwrap(),
            vec![(0, b"!".to_vec()), (1, b"\"".to_vec())]
        );
        assert!(parse_tiktoken("IQ==\n").is_err());
        assert!(parse_tiktoken("!!! 0\n").is_err());
        assert!(parse_tiktoken("IQ== x\n").is_err());
    }

    #[test]
    fn the_manifest_lists_every_url_under_the_public_url() {
        let html = manifest_html(
            "/app",
            &[(Encoding::O200kBase, "vocab-o200k_base-00.bin".to_string())],
        );
        let json = html
            .strip_prefix("<script type=\"application/json\" id=\"mnemo-tokenizer\">")
            .and_then(|rest| rest.strip_suffix("</script>\n"))
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "worker": "/app/mnemo-tokenizer_loader.js",
                "vocab": { "o200k_base": "/app/vocab/vocab-o200k_base-00.bin" },
            })
        );
        assert!(manifest_html("/", &[]).contains("\"/mnemo-tokenizer_loader.js\""));
    }

    #[test]
    fn names_change_with_the_content() {
        let a = vocab_file_name(Encoding::Cl100kBase, b"a");
        assert!(
            a.starts_with("vocab-cl100k_base-") && a.ends_with(".bin"),
            "{a}"
        );
        assert_ne!(a, vocab_file_name(Encoding::Cl100kBase, b"b"));
        assert_eq!(content_hash(b""), "cbf29ce484222325");
    }
}
