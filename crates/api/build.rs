//! The SPA is embedded from `web/dist` when it exists at build time; otherwise an empty
//! placeholder folder keeps the build working (the API then answers `/` with a short notice).
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let web = manifest.join("../../web");
    let dist = web.join("dist");
    println!("cargo:rerun-if-changed=build.rs");
    if dist.is_dir() {
        println!("cargo:rerun-if-changed={}", dist.display());
        let dist = dist.canonicalize().expect("canonical web/dist");
        println!("cargo:rustc-env=PRODUCTSYNCH_WEB_DIST={}", dist.display());
        println!("cargo:rustc-cfg=web_dist");
    } else {
        // Watching a missing path would rebuild this crate on every build; watch web/ when it
        // exists so that a later `npm run build` is picked up.
        if web.is_dir() {
            println!("cargo:rerun-if-changed={}", web.display());
        }
        let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("empty-dist");
        std::fs::create_dir_all(&out).expect("create empty dist dir");
        println!("cargo:rustc-env=PRODUCTSYNCH_WEB_DIST={}", out.display());
    }
    println!("cargo::rustc-check-cfg=cfg(web_dist)");
}
