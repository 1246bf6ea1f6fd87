//! Reading input files safely: only regular files (never a device, a FIFO
//! or a directory, which could block or never end) and, for policy,
//! calendar and test sources, at most [`MAX_SOURCE_BYTES`].

use std::io::{Error, ErrorKind, Read};
use std::path::Path;

/// The largest policy, calendar or test file read: 16 MiB, far beyond any
/// real policy.
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

/// Opens `path` for reading if it is a regular file (symbolic links are
/// followed). Errors: the file's own I/O errors, or `InvalidInput` for
/// anything that is not a regular file.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "is a directory"
        } else {
            "is not a regular file (a device or a pipe)"
        };
        return Err(Error::new(ErrorKind::InvalidInput, what));
    }
    std::fs::File::open(path)
}

/// Reads a policy, calendar or test source: a regular file of at most
/// [`MAX_SOURCE_BYTES`], in UTF-8.
pub fn read_source(path: &Path) -> std::io::Result<String> {
    let file = open_regular(path)?;
    let mut text = String::new();
    file.take(MAX_SOURCE_BYTES + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_SOURCE_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidData,
            "is larger than 16 MiB; a policy file is much smaller",
        ));
    }
    Ok(text)
}
