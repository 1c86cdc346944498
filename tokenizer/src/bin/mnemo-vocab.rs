//! Writes the tokenizer's static assets into a directory (see
//! `mnemo_tokenizer::generate`): `mnemo-vocab <out-dir>`. Trunk's `pre_build` hook runs it
//! with `target/tokenizer-assets`; URLs are prefixed with `$TRUNK_PUBLIC_URL` (default `/`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::path::PathBuf;

    let mut args = std::env::args_os().skip(1);
    let (Some(out_dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: mnemo-vocab <out-dir>");
        return std::process::ExitCode::from(2);
    };
    let public_url = std::env::var("TRUNK_PUBLIC_URL").unwrap_or_else(|_| "/".to_string());
    match mnemo_tokenizer::generate::write_assets(&PathBuf::from(out_dir), &public_url) {
        Ok(written) => {
            for file in written.iter().filter(|f| f.changed) {
                println!(
                    "mnemo-vocab: wrote {} ({} bytes)",
                    file.path.display(),
                    file.len
                );
            }
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("mnemo-vocab: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
