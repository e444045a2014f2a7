//! What a request says, and the checks that make it safe to act on.

use crate::response::{Response, error_page};

/// The largest request head we read. Browsers send one or two KiB.
pub const MAX_HEAD: usize = 8 * 1024;

/// The longest target we take; a longer one gets 414. RFC 9110 (4.1) asks
/// for at least 8000 bytes.
pub const MAX_TARGET: usize = 8000;

/// The methods HTTP defines (RFC 9110, and PATCH from RFC 5789). Another word
/// is a method this server does not know, and gets 501.
const KNOWN_METHODS: [&str; 9] =
    ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

// ANCHOR: request
/// A request that parsed: what the client asked for.
#[derive(Debug)]
pub struct Request {
    /// `GET`, `HEAD`, …
    pub method: String,
    /// What is asked for, such as `/sleep.html?5`; always starts with `/`.
    pub target: String,
    /// The version the client speaks.
    pub version: Version,
    /// The whole head as text, without its blank line, for pages that show it.
    pub head: String,
    /// The body, when the server reads one (see [`Rules`](crate::Rules)).
    pub body: Vec<u8>,
}

/// The HTTP versions we speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// HTTP/1.0.
    Http10,
    /// HTTP/1.1, and any later 1.x, which a server may answer as 1.1 (RFC 9110, 2.5).
    Http11,
}
// ANCHOR_END: request

// ANCHOR: parse
/// Parses a head: `METHOD TARGET HTTP/1.x`, then `Name: value` lines. An
/// error is the answer to send instead.
pub fn parse(head: &[u8]) -> Result<Request, Response> {
    let text = String::from_utf8_lossy(head);
    // A client may send an empty line before the request line (RFC 9112, 2.2).
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|line| line.is_empty())
        .take_while(|line| !line.is_empty())
        .collect();
    let request_line = lines.first().copied().unwrap_or_default();
    if !request_line.bytes().all(|byte| byte.is_ascii_graphic() || byte == b' ') {
        return Err(bad_request("The request line holds bytes that do not belong there."));
    }
    let [method, target, version] = request_line.split(' ').collect::<Vec<_>>()[..] else {
        return Err(bad_request("The request line is not METHOD TARGET VERSION."));
    };
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(bad_request("The method is not a word."));
    }
    let target = origin_form(target).ok_or_else(|| bad_request("The target is not a path."))?;
    let version = check_version(version)?;
    for header in lines.iter().skip(1) {
        let name = header.split_once(':').map_or("", |(name, _)| name);
        if name.is_empty()
            || !name.bytes().all(is_token_byte)
            || header.chars().any(is_forbidden_in_header)
        {
            return Err(bad_request("A header line is not Name: value."));
        }
    }
    let request = Request {
        method: method.into(),
        target,
        version,
        head: lines.join("\n"),
        body: Vec::new(),
    };
    check_meaning(&request)?;
    Ok(request)
}
// ANCHOR_END: parse

// ANCHOR: check_meaning
/// The checks on a request that is well formed: a method we know, a target
/// we take, and the one `Host` that HTTP/1.1 requires (RFC 9112, 3.2).
fn check_meaning(request: &Request) -> Result<(), Response> {
    if !KNOWN_METHODS.contains(&request.method.as_str()) {
        return Err(error_page(501, "This server does not know that method."));
    }
    if request.target.len() > MAX_TARGET {
        return Err(too_long());
    }
    let mut hosts = request.headers("Host");
    match (hosts.next(), hosts.next()) {
        (None, _) if request.version == Version::Http11 => {
            Err(bad_request("An HTTP/1.1 request must say its Host."))
        }
        (Some(_), Some(_)) => Err(bad_request("A request must say its Host once.")),
        (Some(host), None) if !host.bytes().all(is_host_byte) => {
            Err(bad_request("The Host is not a host name and port."))
        }
        _ => Ok(()),
    }
}
// ANCHOR_END: check_meaning

impl Request {
    /// The values of the header `name`, whatever its case, in the order sent.
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.head.lines().skip(1).filter_map(move |line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// The request line, as the log shows it.
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }
}

/// The target as a path: `/x` stays, `http://host/x` becomes `/x`.
fn origin_form(target: &str) -> Option<String> {
    if target.starts_with('/') {
        return Some(target.into());
    }
    let (scheme, rest) = target.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    Some(rest.find('/').map_or("/".into(), |path| rest[path..].into()))
}

// ANCHOR: check_version
/// Accepts HTTP/1.x; another well-formed version gets 505.
fn check_version(version: &str) -> Result<Version, Response> {
    let number = version.strip_prefix("HTTP/").unwrap_or_default().as_bytes();
    match number {
        [b'1', b'.', b'0'] => Ok(Version::Http10),
        [b'1', b'.', minor] if minor.is_ascii_digit() => Ok(Version::Http11),
        [major, b'.', minor] if major.is_ascii_digit() && minor.is_ascii_digit() => {
            Err(error_page(505, "This server speaks HTTP/1.0 and HTTP/1.1."))
        }
        _ => Err(bad_request("The version is not HTTP/1.0 or HTTP/1.1.")),
    }
}
// ANCHOR_END: check_version

/// The bytes allowed in a method or a header name (RFC 9110 calls them `tchar`).
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// The bytes of a host name, an IP address (`[::1]` too) and a port (RFC 3986, 3.2).
fn is_host_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:[]".contains(&byte)
}

/// Control characters, which have no place in a header; a tab does.
fn is_forbidden_in_header(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// A 400 page saying what was wrong.
pub(crate) fn bad_request(detail: &str) -> Response {
    error_page(400, detail)
}

/// The 414 page, for a target longer than [`MAX_TARGET`].
pub(crate) fn too_long() -> Response {
    error_page(414, &format!("The target is longer than {MAX_TARGET} bytes."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(head: &str) -> u16 {
        parse(head.as_bytes()).map_or_else(|response| response.status(), |_| 200)
    }

    #[test]
    fn http_1_1_needs_exactly_one_host_and_1_0_at_most_one() {
        assert_eq!(status("GET / HTTP/1.1\r\nHost: a:80\r\n\r\n"), 200);
        assert_eq!(status("GET / HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(status("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), 400);
        assert_eq!(status("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400);
        assert_eq!(status("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"), 200);
        assert_eq!(status("GET / HTTP/1.0\r\n\r\n"), 200);
        assert_eq!(status("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"), 400);
    }

    #[test]
    fn unknown_methods_get_501_and_known_ones_parse() {
        assert_eq!(status("BREW / HTTP/1.0\r\n\r\n"), 501);
        assert_eq!(status("get / HTTP/1.0\r\n\r\n"), 501);
        assert_eq!(status("DELETE / HTTP/1.0\r\n\r\n"), 200);
    }

    #[test]
    fn any_http_1_minor_version_is_1_1_and_2_0_gets_505() {
        let request = parse(b"GET / HTTP/1.2\r\nHost: a\r\n\r\n").unwrap();
        assert_eq!(request.version, Version::Http11);
        assert_eq!(status("GET / HTTP/2.0\r\n\r\n"), 505);
        assert_eq!(status("GET / HTTP/1.10\r\n\r\n"), 400);
    }

    #[test]
    fn a_target_over_the_limit_gets_414() {
        let at_limit = format!("/{}", "a".repeat(MAX_TARGET - 1));
        assert_eq!(status(&format!("GET {at_limit} HTTP/1.0\r\n\r\n")), 200);
        assert_eq!(status(&format!("GET {at_limit}a HTTP/1.0\r\n\r\n")), 414);
    }
}
