//! The project's commands, run as `cargo xtask <command>` (the alias is in
//! `.cargo/config.toml`): today `gen-headers`, which renders the committed C headers of
//! `include/` from the Rust sources with cbindgen ([`headers`]), and its `--check` mode, which
//! CI and `tests/header_drift.rs` use to find a header that was not regenerated.
//!
//! The functions take the crate root so that a test can render the headers without touching
//! `include/`.

pub mod headers;
pub mod shape;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The root of the `awsiotjobs` crate (the workspace root, the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ has a parent")
        .to_path_buf()
}

/// Renders the headers and writes the ones whose text changed below `root/include/`; removes
/// a header there that is no longer generated. Returns the paths written or removed.
pub fn write_headers(root: &Path) -> Result<Vec<String>, String> {
    let include = root.join("include");
    let generated = headers::generate(root)?;
    let committed = read_tree(&include)?;
    let mut changed = Vec::new();
    for (path, text) in &generated {
        if committed.get(path) == Some(text) {
            continue;
        }
        let target = include.join(path);
        let folder = target.parent().expect("a header path has a parent");
        fs::create_dir_all(folder)
            .map_err(|error| format!("cannot create {}: {error}", folder.display()))?;
        fs::write(&target, text)
            .map_err(|error| format!("cannot write {}: {error}", target.display()))?;
        changed.push(format!("include/{}", path.display()));
    }
    for path in committed
        .keys()
        .filter(|path| !generated.contains_key(*path))
    {
        let target = include.join(path);
        fs::remove_file(&target)
            .map_err(|error| format!("cannot remove {}: {error}", target.display()))?;
        changed.push(format!("include/{} (removed)", path.display()));
    }
    Ok(changed)
}

/// How `root/include/` differs from what the sources render: one line per differing file,
/// with the first differing line and the two versions of it. Empty when they agree.
pub fn check_headers(root: &Path) -> Result<Vec<String>, String> {
    let generated = headers::generate(root)?;
    let committed = read_tree(&root.join("include"))?;
    let mut drift = Vec::new();
    for (path, text) in &generated {
        match committed.get(path) {
            None => drift.push(format!("include/{} is missing", path.display())),
            Some(old) if old != text => drift.push(format!(
                "include/{}: {}",
                path.display(),
                first_difference(old, text)
            )),
            Some(_) => {}
        }
    }
    for path in committed
        .keys()
        .filter(|path| !generated.contains_key(*path))
    {
        drift.push(format!("include/{} is not generated", path.display()));
    }
    Ok(drift)
}

/// `line N: committed "..." / generated "..."` for the first line where `old` and `new` differ.
fn first_difference(old: &str, new: &str) -> String {
    let (old_lines, new_lines): (Vec<&str>, Vec<&str>) =
        (old.lines().collect(), new.lines().collect());
    let at = (0..old_lines.len().max(new_lines.len()))
        .find(|&at| old_lines.get(at) != new_lines.get(at))
        .unwrap_or(old_lines.len().min(new_lines.len()));
    format!(
        "line {}: committed {:?} / generated {:?}",
        at + 1,
        old_lines.get(at).copied().unwrap_or("<end of file>"),
        new_lines.get(at).copied().unwrap_or("<end of file>")
    )
}

/// Every file below `root`, by path relative to it, with its text (empty if `root` is absent).
fn read_tree(root: &Path) -> Result<BTreeMap<PathBuf, String>, String> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, String>) -> Result<(), String> {
        let entries =
            fs::read_dir(dir).map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|error| error.to_string())?.path();
            if path.is_dir() {
                walk(root, &path, files)?;
            } else {
                let text = fs::read_to_string(&path)
                    .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
                let relative = path.strip_prefix(root).expect("below root").to_path_buf();
                files.insert(relative, text);
            }
        }
        Ok(())
    }
    let mut files = BTreeMap::new();
    if root.exists() {
        walk(root, root, &mut files)?;
    }
    Ok(files)
}
