//! Serving the files of a directory, and nothing outside it.
//!
//! A target names a file under the root: `/files/css/style.css` is
//! `ROOT/css/style.css`. Whatever the target says, the answer never comes from
//! outside the root: `..`, however it is encoded, and symbolic links that
//! lead out are refused.

use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::{Response, error_page, escape, response};

/// Where the files appear: `/files/index.html` is `ROOT/index.html`.
pub const PREFIX: &str = "/files/";

// ANCHOR: answer
/// The answer to `target` from the files under `root`, which must be canonical
/// (absolute, with no `..` and no symbolic links).
pub fn answer(root: &Path, target: &str) -> Response {
    let path = target.split('?').next().unwrap_or_default();
    let Some(name) = path.strip_prefix(PREFIX) else {
        // `/files` itself: the directory without its slash.
        return if PREFIX.starts_with(path) { directory(root, path) } else { not_found(path) };
    };
    let name = match decode(name) {
        Ok(name) => name,
        Err(detail) => return error_page(400, detail),
    };
    let mut file = root.to_path_buf();
    for part in name.split('/').filter(|part| !part.is_empty() && *part != ".") {
        if part == ".." {
            return error_page(403, "The path leads out of the served directory.");
        }
        file.push(part);
    }
    let Ok(real) = file.canonicalize() else {
        return not_found(path);
    };
    if !real.starts_with(root) {
        return error_page(403, "The path leads out of the served directory.");
    }
    if real.is_dir() {
        return directory(root, path);
    }
    if path.ends_with('/') {
        return not_found(path);
    }
    open(&real, path)
}
// ANCHOR_END: answer

/// A directory is served by its `index.html`; without the final `/` its
/// relative links would break, so the browser is sent to the name with it.
fn directory(root: &Path, path: &str) -> Response {
    if path.ends_with('/') {
        return answer(root, &format!("{path}index.html"));
    }
    let location = format!("{path}/");
    let page = format!("<p>This is a directory: <a href=\"{0}\">{0}</a></p>", escape(&location));
    response(301, "Moved Permanently", &page).with_header("Location", location)
}

// ANCHOR: open
/// Opens the file for streaming, with the type that its name says.
fn open(real: &Path, path: &str) -> Response {
    match File::open(real).and_then(|file| crate::file(file, content_type(real))) {
        Ok(response) => response,
        Err(error) if error.kind() == ErrorKind::PermissionDenied => {
            error_page(403, "This file may not be read.")
        }
        Err(_) => not_found(path),
    }
}
// ANCHOR_END: open

/// The 404 page for a file that is not there, with a way back.
fn not_found(path: &str) -> Response {
    let page = format!(
        "<h1>404 Not Found</h1>\n<p>There is no file {}.</p>\n<p>Hint: start from <a href=\"{PREFIX}\">{PREFIX}</a>.</p>",
        escape(path)
    );
    response(404, "Not Found", &page)
}

// ANCHOR: parse_root
/// Reads the directory to serve, for a command line, as a canonical path:
/// `answer` compares paths against it to refuse any that lead out.
pub fn parse_root(text: &str) -> Result<PathBuf, String> {
    let directory =
        PathBuf::from(text).canonicalize().map_err(|error| format!("{text}: {error}"))?;
    if directory.is_dir() { Ok(directory) } else { Err(format!("{text} is not a directory")) }
}
// ANCHOR_END: parse_root

// ANCHOR: decode
/// Decodes percent-escapes: `a%20b` is `a b`, and `%2e%2e` is `..`, which is
/// why the path is checked only after this.
fn decode(name: &str) -> Result<String, &'static str> {
    let bytes = name.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = bytes.get(at + 1..at + 3).filter(|hex| hex.iter().all(u8::is_ascii_hexdigit));
            let hex = hex.ok_or("A % in the path is not followed by two hex digits.")?;
            decoded.push(u8::from_str_radix(std::str::from_utf8(hex).unwrap(), 16).unwrap());
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    let decoded = String::from_utf8(decoded).map_err(|_| "The path is not UTF-8 text.")?;
    if decoded.chars().any(char::is_control) {
        return Err("The path holds a control character.");
    }
    Ok(decoded)
}
// ANCHOR_END: decode

// ANCHOR: content_type
/// The type of a file, from the extension of its name.
fn content_type(path: &Path) -> &'static str {
    let extension = path.extension().and_then(|extension| extension.to_str()).unwrap_or_default();
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        _ => "application/octet-stream",
    }
}
// ANCHOR_END: content_type

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_decode_and_bad_ones_are_refused() {
        assert_eq!(decode("a%20b/%2e%2E%2f").unwrap(), "a b/../");
        assert_eq!(decode("caf%C3%A9").unwrap(), "café");
        for bad in ["%", "%2", "%zz", "%+1", "%00", "%ff"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_paths_under_the_prefix_are_files() {
        let status = |target| answer(Path::new("/"), target).status();
        assert_eq!(status("/files"), 301);
        assert_eq!(status("/elsewhere"), 404);
    }

    #[test]
    fn types_follow_extensions() {
        assert_eq!(content_type(Path::new("a/B.PNG")), "image/png");
        assert_eq!(content_type(Path::new("book.woff2")), "font/woff2");
        assert_eq!(content_type(Path::new("Makefile")), "application/octet-stream");
    }
}
