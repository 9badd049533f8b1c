//! Compiles the gRPC API from `proto/` (with a vendored protoc) and records where the
//! ONNX Runtime shared library lives, so `cargo run` and `cargo test` find it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    compile_protos()?;
    locate_onnxruntime();
    Ok(())
}

fn compile_protos() -> Result<(), Box<dyn std::error::Error>> {
    // SAFETY: build scripts are single-threaded.
    unsafe { std::env::set_var("PROTOC", protoc_bin_vendored::protoc_bin_path()?) };
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let protos = ["turn", "assessment", "signal", "service"]
        .map(|name| format!("proto/rapport/v1/{name}.proto"));
    tonic_prost_build::configure()
        // Undecodable requests are INVALID_ARGUMENT, not INTERNAL (src/api/codec.rs).
        .codec_path("crate::api::codec::WireCodec")
        .file_descriptor_set_path(out_dir.join("rapport_descriptor.bin"))
        .compile_protos(&protos, &[String::from("proto")])?;
    println!("cargo:rerun-if-changed=proto");
    Ok(())
}

/// Bakes the path of `libonnxruntime.so.*` from the `onnxruntime` Python wheel into the binary
/// as `RAPPORT_ORT_DYLIB`. `ORT_DYLIB_PATH` at run time still wins.
fn locate_onnxruntime() {
    println!("cargo:rerun-if-env-changed=ORT_DYLIB_PATH");
    println!("cargo:rerun-if-changed=.venv");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let pythons = [manifest.join(".venv/bin/python3"), PathBuf::from("python3")];
    let found = pythons.iter().find_map(|python| onnxruntime_capi(python));
    match found {
        Some(path) => println!("cargo:rustc-env=RAPPORT_ORT_DYLIB={}", path.display()),
        None => println!(
            "cargo:warning=onnxruntime wheel not found; run `python3 -m pip install onnxruntime==1.31.1` or set ORT_DYLIB_PATH"
        ),
    }
}

fn onnxruntime_capi(python: &Path) -> Option<PathBuf> {
    let output = Command::new(python)
        .args([
            "-c",
            "import onnxruntime, os; print(os.path.dirname(onnxruntime.__file__))",
        ])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let capi = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim()).join("capi");
    let mut libs: Vec<PathBuf> = std::fs::read_dir(&capi)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libonnxruntime.so"))
        })
        .collect();
    libs.sort();
    libs.pop()
}
