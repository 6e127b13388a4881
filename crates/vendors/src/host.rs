//! Host names as the registry declares them and as requests name them.
//!
//! Both sides are normalized by the same WHATWG host parser the `url`
//! crate (and so `reqwest`) uses: lowercase, IDNA to ASCII, IPv4 in dotted
//! form, IPv6 in brackets. A host therefore matches exactly when the HTTP
//! client would connect to the same name. There is no suffix or wildcard
//! matching, and a trailing dot makes a different name.

use std::fmt;

/// A declared or requested authority: a host and, optionally, a port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct HostKey {
    pub(crate) host: String,
    pub(crate) port: Option<u16>,
}

impl fmt::Display for HostKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(port) => write!(f, "{}:{port}", self.host),
            None => f.write_str(&self.host),
        }
    }
}

/// Why a declared host was rejected.
pub(crate) const DECLARED_HOST_RULE: &str =
    "write a host name, an IP address or host:port, without scheme, path or credentials";

/// Parses a host as written in the registry: `api.clickup.com`,
/// `127.0.0.1:41234`, `[::1]:8080`.
pub(crate) fn parse_declared(text: &str) -> Option<HostKey> {
    // Characters that only appear in a URL, never in an authority, and
    // `%`, so that nobody declares a percent-encoded name that reads as
    // something else.
    let forbidden = |c: char| c.is_whitespace() || "/\\@?#%".contains(c);
    if text.is_empty() || text.contains(forbidden) {
        return None;
    }
    parse_authority(text)
}

/// Parses `host` or `host:port` as a caller names it.
pub(crate) fn parse_authority(text: &str) -> Option<HostKey> {
    let (host, port) = split_port(text)?;
    normalize(host).map(|host| HostKey { host, port })
}

/// Normalizes a bare host (no port).
pub(crate) fn normalize(host: &str) -> Option<String> {
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return None;
    }
    url::Host::parse(host).ok().map(|parsed| parsed.to_string())
}

fn split_port(text: &str) -> Option<(&str, Option<u16>)> {
    if text.starts_with('[') {
        let end = text.find(']')?;
        let (host, rest) = text.split_at(end + 1);
        return match rest {
            "" => Some((host, None)),
            _ => Some((host, Some(port(rest.strip_prefix(':')?)?))),
        };
    }
    match text.split_once(':') {
        None => Some((text, None)),
        Some((host, rest)) => Some((host, Some(port(rest)?))),
    }
}

fn port(text: &str) -> Option<u16> {
    // `u16::from_str` would take `+80`; an authority takes digits only.
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|p| *p != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(host: &str, port: Option<u16>) -> Option<HostKey> {
        Some(HostKey {
            host: host.to_owned(),
            port,
        })
    }

    #[test]
    fn declared_forms() {
        assert_eq!(
            parse_declared("API.ClickUp.com"),
            key("api.clickup.com", None)
        );
        assert_eq!(
            parse_declared("127.0.0.1:41234"),
            key("127.0.0.1", Some(41234))
        );
        assert_eq!(parse_declared("[::1]:8080"), key("[::1]", Some(8080)));
        assert_eq!(parse_declared("[::1]"), key("[::1]", None));
        assert_eq!(parse_declared("localhost"), key("localhost", None));
    }

    #[test]
    fn declared_rejects() {
        for bad in [
            "",
            "https://api.clickup.com",
            "api.clickup.com/api",
            "user@api.clickup.com",
            "api.clickup.com:",
            "api.clickup.com:0",
            "api.clickup.com:+80",
            "api.clickup.com:65536",
            "api.clickup.com:80:80",
            "::1",
            "[::1",
            "[::1]x",
            "api clickup.com",
            "api%2eclickup.com",
            " api.clickup.com",
        ] {
            assert_eq!(parse_declared(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn display_round_trips() {
        for text in ["api.clickup.com", "127.0.0.1:41234", "[::1]:8080"] {
            assert_eq!(parse_declared(text).unwrap().to_string(), text);
        }
    }
}
