//! Finding test files: a directory means every `*.test.verzuim` below it
//! (hidden directories and `target` skipped), in sorted order; a test file
//! means itself; a policy `X.verzuim` means the test files of its directory
//! named after it (`X.test.verzuim`, `X.<anything>.test.verzuim`).

use crate::syntax::is_test_file;
use std::path::{Path, PathBuf};

/// A path argument that cannot be used.
#[derive(Debug)]
pub struct BadPath {
    /// The path as given.
    pub path: PathBuf,
    /// Why, in a few lowercase words.
    pub reason: String,
}

/// The test files of `paths`, in argument order, each directory's files
/// sorted, without repeats.
///
/// Errors: a path that does not exist or cannot be read, or a file that is
/// neither a test file nor a policy.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, BadPath> {
    let mut out: Vec<PathBuf> = Vec::new();
    for p in paths {
        for f in expand(p)? {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    Ok(out)
}

fn expand(p: &Path) -> Result<Vec<PathBuf>, BadPath> {
    let bad = |reason: String| BadPath {
        path: p.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(p).map_err(|e| bad(e.to_string()))?;
    if meta.is_dir() {
        let mut files = Vec::new();
        walk(p, &mut files).map_err(|e| bad(e.to_string()))?;
        // `verzuim test` in a directory names files `a/b.test.verzuim`,
        // not `./a/b.test.verzuim`.
        if p == Path::new(".") {
            files = files
                .into_iter()
                .map(|f| f.strip_prefix(".").map(Path::to_path_buf).unwrap_or(f))
                .collect();
        }
        files.sort();
        return Ok(files);
    }
    if is_test_file(p) {
        return Ok(vec![p.to_path_buf()]);
    }
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let Some(stem) = name.strip_suffix(".verzuim") else {
        return Err(bad(
            "not a test file (`*.test.verzuim`), a policy or a directory".to_string(),
        ));
    };
    let dir = p.parent().unwrap_or(Path::new(""));
    let listing = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(listing).map_err(|e| bad(e.to_string()))? {
        let entry = entry.map_err(|e| bad(e.to_string()))?;
        let n = entry.file_name().to_string_lossy().to_string();
        let tests_it = n
            .strip_prefix(stem)
            .is_some_and(|rest| rest.starts_with('.') && !stem.contains('.'));
        if tests_it && n.ends_with(".test.verzuim") {
            files.push(dir.join(n));
        }
    }
    files.sort();
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if entry.file_type()?.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(&path, out)?;
            }
        } else if is_test_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_policies_and_test_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "p.verzuim",
            "p.test.verzuim",
            "p.late.test.verzuim",
            "q.test.verzuim",
            "sub/r.test.verzuim",
            ".hidden/s.test.verzuim",
            "target/t.test.verzuim",
        ] {
            let path = d.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let names = |v: Vec<PathBuf>| -> Vec<String> {
            v.iter()
                .map(|p| p.strip_prefix(d).unwrap().display().to_string())
                .collect()
        };
        let all = names(discover(&[d.to_path_buf()]).unwrap());
        assert_eq!(
            all,
            [
                "p.late.test.verzuim",
                "p.test.verzuim",
                "q.test.verzuim",
                "sub/r.test.verzuim"
            ]
        );
        let of_p = names(discover(&[d.join("p.verzuim")]).unwrap());
        assert_eq!(of_p, ["p.late.test.verzuim", "p.test.verzuim"]);
        let twice = discover(&[d.join("q.test.verzuim"), d.to_path_buf()]).unwrap();
        assert_eq!(names(twice).len(), 4, "no repeats");
        assert!(discover(&[d.join("missing")]).is_err());
        std::fs::write(d.join("notes.txt"), "").unwrap();
        assert!(discover(&[d.join("notes.txt")]).is_err());
    }
}
