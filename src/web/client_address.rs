//! Who the client is, for rate limits and sign-in throttling. Behind a load balancer every
//! request comes from the balancer's address, so when (and only when) the connecting peer is one
//! of `TRUSTED_PROXIES`, the client is read from the forwarded-for chain: the right-most entry
//! that is not itself a trusted proxy. Entries further left were written by the client and
//! could say anything. `X-Forwarded-For` is read when present, otherwise `Forwarded` (RFC 7239).

use crate::config::TrustedProxies;
use actix_web::http::header::HeaderMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The most forwarded-for entries read, from the right: a longer chain is a client's invention.
const MAX_HOPS: usize = 32;

/// The client as a short key: an IPv4 address, an IPv6 /64 network (one household or phone
/// usually has a whole /64), or what a trusted proxy wrote when it is not an address.
pub fn client_key(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> String {
    let Some(peer) = peer.map(|p| p.ip().to_canonical()) else {
        return "unknown".into();
    };
    if trusted.is_empty() || !trusted.contains(peer) {
        return ip_key(peer);
    }
    let chain = forwarded_chain(headers);
    let mut furthest = None;
    for entry in chain.iter().rev().take(MAX_HOPS) {
        match parse_entry(entry) {
            Some(ip) if trusted.contains(ip) => furthest = Some(ip),
            Some(ip) => return ip_key(ip),
            // Not an address ("unknown", an obfuscated name): what the proxy saw, kept as is.
            None => return format!("opaque:{}", entry.chars().take(64).collect::<String>()),
        }
    }
    // Every hop is a trusted proxy (or there is no header): the furthest one is the client.
    ip_key(furthest.unwrap_or(peer))
}

fn ip_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let network = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{network}/64")
        }
    }
}

/// The forwarded-for entries, left to right, from `X-Forwarded-For` or else `Forwarded`.
fn forwarded_chain(headers: &HeaderMap) -> Vec<String> {
    let xff: Vec<String> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect();
    if !xff.is_empty() {
        return xff;
    }
    headers
        .get_all("forwarded")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| value.trim().trim_matches('"').to_string())
            })
        })
        .filter(|e| !e.is_empty())
        .collect()
}

/// An address from an entry: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(socket) = entry.parse::<SocketAddr>() {
        return Some(socket.ip().to_canonical());
    }
    entry
        .strip_prefix('[')
        .and_then(|rest| rest.split(']').next())
        .and_then(|inner| inner.parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    fn peer(ip: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(ip.parse().unwrap(), 50000))
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let none = TrustedProxies::default();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(client_key(peer("198.51.100.1"), &h, &none), "198.51.100.1");
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(
            client_key(peer("198.51.100.1"), &h, &trusted),
            "198.51.100.1"
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_entry_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").unwrap();
        let spoofed = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(
            client_key(peer("127.0.0.1"), &spoofed, &trusted),
            "203.0.113.9"
        );
        let two_headers = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "203.0.113.9:5555"),
        ]);
        assert_eq!(
            client_key(peer("10.0.0.1"), &two_headers, &trusted),
            "203.0.113.9"
        );
        let all_trusted = headers(&[("x-forwarded-for", "10.0.0.3, 10.0.0.2")]);
        assert_eq!(
            client_key(peer("10.0.0.1"), &all_trusted, &trusted),
            "10.0.0.3"
        );
        assert_eq!(
            client_key(peer("10.0.0.1"), &headers(&[]), &trusted),
            "10.0.0.1"
        );
    }

    #[test]
    fn the_forwarded_header_is_read_when_there_is_no_x_forwarded_for() {
        let trusted = TrustedProxies::parse("127.0.0.1").unwrap();
        let h = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"",
        )]);
        assert_eq!(
            client_key(peer("127.0.0.1"), &h, &trusted),
            "2001:db8:cafe::/64"
        );
        let hidden = headers(&[("forwarded", "for=_hidden")]);
        assert_eq!(
            client_key(peer("127.0.0.1"), &hidden, &trusted),
            "opaque:_hidden"
        );
    }

    #[test]
    fn ipv6_clients_are_grouped_by_their_64_and_mapped_ipv4_is_ipv4() {
        let none = TrustedProxies::default();
        let h = headers(&[]);
        assert_eq!(
            client_key(peer("2001:db8:1:2:aaaa::1"), &h, &none),
            "2001:db8:1:2::/64"
        );
        assert_eq!(client_key(peer("::ffff:192.0.2.1"), &h, &none), "192.0.2.1");
    }
}
