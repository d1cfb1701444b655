//! The client's address: the TCP peer, unless the peer is one of the configured reverse proxies
//! (`http.trusted_proxies`); then the proxy header (`X-Forwarded-For` by default) is read from
//! the right, skipping further trusted proxies, and the first address that is not one of them
//! is the client. A header from any other peer is ignored: anyone can send one.
use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// One trusted proxy range: an address and a prefix length (`10.0.0.0/8`, `::1/128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// `203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{text}` is not an IP address or CIDR range"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{text}` has an invalid prefix length"))?,
        };
        Ok(Self {
            network: canonical(network),
            prefix,
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.prefix),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.prefix),
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 (`::ffff:10.0.0.1`, what a dual-stack listener reports) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let full = usize::from(prefix / 8);
    let rest = prefix % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

/// The proxies whose forwarding header is believed, and which header that is.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    ranges: Vec<IpRange>,
    header: String,
}

impl TrustedProxies {
    pub fn new(ranges: Vec<IpRange>, header: &str) -> Self {
        Self {
            ranges,
            header: header.trim().to_ascii_lowercase(),
        }
    }

    /// From the configured ranges (`10.0.0.0/8`, `::1/128`) and forwarding header name.
    pub fn parse(ranges: &[String], header: &str) -> Result<Self, String> {
        let ranges = ranges
            .iter()
            .map(|r| IpRange::parse(r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(ranges, header))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.ranges.iter().any(|r| r.contains(ip))
    }

    /// The client address for a request from `peer` with `headers`.
    pub fn client_ip(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> IpAddr {
        let Some(peer) = peer.map(|p| canonical(p.ip())) else {
            return IpAddr::from([0, 0, 0, 0]);
        };
        if !self.trusts(peer) || self.header.is_empty() {
            return peer;
        }
        // Every value of the header, in order, as one list: the rightmost hop is the one our
        // proxy added.
        let hops: Vec<&str> = headers
            .get_all(self.header.as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            // An entry that is not an address ends the walk: what lies left of it cannot be
            // trusted either, so the last proxy reached stands for the client.
            let Some(ip) = parse_hop(hop) else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges() {
        for (range, addr, inside) in [
            ("10.0.0.0/8", "10.200.3.4", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("192.168.1.0/25", "192.168.1.127", true),
            ("192.168.1.0/25", "192.168.1.128", false),
            ("203.0.113.7", "203.0.113.7", true),
            ("203.0.113.7", "203.0.113.8", false),
            ("0.0.0.0/0", "198.51.100.1", true),
            ("2001:db8::/32", "2001:db8:1::5", true),
            ("2001:db8::/32", "2001:db9::5", false),
            ("10.0.0.0/8", "::ffff:10.1.2.3", true),
            ("10.0.0.0/8", "2001:db8::1", false),
            ("::1", "::1", true),
        ] {
            assert_eq!(
                IpRange::parse(range).unwrap().contains(ip(addr)),
                inside,
                "{range} ∋ {addr}"
            );
        }
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "proxy.local",
            "10.0.0.0/x",
        ] {
            assert!(IpRange::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn client_address() {
        let proxies = TrustedProxies::new(
            vec![
                IpRange::parse("10.0.0.0/8").unwrap(),
                IpRange::parse("127.0.0.1").unwrap(),
            ],
            "X-Forwarded-For",
        );
        let peer = |s: &str| Some(SocketAddr::new(ip(s), 443));
        // (peer, header values, client)
        let cases: &[(&str, &[&str], &str)] = &[
            // From anyone else the header is ignored: the spoof.
            ("198.51.100.9", &["1.2.3.4"], "198.51.100.9"),
            ("198.51.100.9", &[], "198.51.100.9"),
            // From the proxy: the hop it added.
            ("10.0.0.2", &["203.0.113.5"], "203.0.113.5"),
            // A client that sends its own header is still found by its real hop.
            ("10.0.0.2", &["1.2.3.4, 203.0.113.5"], "203.0.113.5"),
            // Several proxies in a row are skipped.
            (
                "10.0.0.2",
                &["1.2.3.4, 203.0.113.5, 10.0.0.7"],
                "203.0.113.5",
            ),
            (
                "10.0.0.2",
                &["1.2.3.4", "203.0.113.5, 10.0.0.7"],
                "203.0.113.5",
            ),
            // Only proxies: the leftmost.
            ("10.0.0.2", &["10.0.0.9, 10.0.0.7"], "10.0.0.9"),
            // Ports and brackets.
            ("10.0.0.2", &["203.0.113.5:4711"], "203.0.113.5"),
            ("10.0.0.2", &["[2001:db8::1]:4711"], "2001:db8::1"),
            // Garbage ends the walk at the last trusted hop.
            ("10.0.0.2", &["203.0.113.5, unknown"], "10.0.0.2"),
            ("10.0.0.2", &["203.0.113.5, unknown, 10.0.0.7"], "10.0.0.7"),
            // No header from a proxy: the proxy.
            ("10.0.0.2", &[], "10.0.0.2"),
            // A dual-stack listener's mapped address counts as the IPv4 proxy.
            ("::ffff:10.0.0.2", &["203.0.113.5"], "203.0.113.5"),
        ];
        for (from, values, expected) in cases {
            let mut headers = HeaderMap::new();
            for v in *values {
                headers.append("x-forwarded-for", v.parse().unwrap());
            }
            assert_eq!(
                proxies.client_ip(&headers, peer(from)),
                ip(expected),
                "{from} {values:?}"
            );
        }
        // Nothing trusted: the peer, whatever the header says.
        let none = TrustedProxies::new(vec![], "x-forwarded-for");
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "1.2.3.4".parse().unwrap());
        assert_eq!(none.client_ip(&headers, peer("127.0.0.1")), ip("127.0.0.1"));
    }
}
