//! Which addresses a URL the user did not write may reach, and a DNS resolver that enforces
//! it on every connection.
//!
//! A feed item, a listing link or a redirect is chosen by whoever runs the remote site. Left
//! alone, it could point feedgen at the machine's own services (`127.0.0.1:6379`), the local
//! network (`192.168.1.1/admin`) or a cloud metadata endpoint (`169.254.169.254`) and publish
//! the answer. Only global unicast addresses are fair game for such URLs; the check runs on
//! the address actually connected to, so a name that resolves to a public address at first
//! and a private one later (DNS rebinding) is caught too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

/// A host that is, or resolves to, an address outside the global internet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}; set allow_private_addresses = true (or pass --allow-private-addresses) to allow it", self.what())]
pub struct PrivateAddress {
    /// The host as the URL wrote it.
    pub host: String,
    /// The address it stands for; `None` for a name that is local by definition (`localhost`).
    pub addr: Option<IpAddr>,
    /// Which kind of non-global address: "loopback", "private", "link-local"…
    pub kind: &'static str,
}

impl PrivateAddress {
    fn what(&self) -> String {
        match self.addr {
            None => format!("{} is a {} name", self.host, self.kind),
            Some(addr) if self.host == addr.to_string() || self.host == format!("[{addr}]") => {
                format!("{} is a {} address", self.host, self.kind)
            }
            Some(addr) => format!("{} resolves to {} address {addr}", self.host, self.kind),
        }
    }
}

/// Why `ip` is not a global unicast address, or `None` when it is one.
pub fn non_global(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_global_v4(v4),
        IpAddr::V6(v6) => non_global_v6(v6),
    }
}

fn non_global_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let kind = match (a, b, c) {
        _ if ip.is_unspecified() => "unspecified",
        (0, _, _) => "unspecified",
        (127, _, _) => "loopback",
        (10, _, _) | (192, 168, _) => "private",
        (172, 16..=31, _) => "private",
        (169, 254, _) => "link-local",
        (100, 64..=127, _) => "shared (carrier-grade NAT)",
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "reserved",
        (198, 18..=19, _) => "reserved",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved",
        _ => return None,
    };
    Some(kind)
}

fn non_global_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = embedded_v4(ip) {
        return non_global_v4(v4);
    }
    let s = ip.segments();
    let kind = match s[0] {
        _ if ip.is_unspecified() => "unspecified",
        _ if ip.is_loopback() => "loopback",
        // The rest of ::/8: IPv4-compatible and other reserved forms.
        0x0000..=0x00ff => "reserved",
        0x0100 if s[1..4] == [0, 0, 0] => "reserved",
        0x2001 if s[1] < 0x0200 => "reserved",
        0x2001 if s[1] == 0x0db8 => "reserved",
        0xfc00..=0xfdff => "private",
        0xfe80..=0xfebf => "link-local",
        0xfec0..=0xfeff => "site-local",
        0xff00..=0xffff => "multicast",
        _ => return None,
    };
    Some(kind)
}

/// The IPv4 address inside an IPv6 one that stands for it: IPv4-mapped (`::ffff:a.b.c.d`),
/// NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:aabb:ccdd::`). Connecting to those reaches
/// the IPv4 host, so they are judged as that host.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = ip.segments();
    let from = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match s {
        [0x0064, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(from(hi, lo)),
        [0x2002, hi, lo, ..] => Some(from(hi, lo)),
        _ => None,
    }
}

/// The check a URL's host gets before any traffic: IP literals never reach the resolver, and
/// `localhost` names are loopback whatever a resolver says. Other names are left to
/// [`GuardedResolver`].
pub fn check_host(url: &Url) -> Result<(), PrivateAddress> {
    let refused = |addr: IpAddr, kind| PrivateAddress {
        host: url.host_str().unwrap_or("").to_string(),
        addr: Some(addr),
        kind,
    };
    match url.host() {
        Some(Host::Ipv4(v4)) => non_global_v4(v4).map_or(Ok(()), |k| Err(refused(v4.into(), k))),
        Some(Host::Ipv6(v6)) => non_global_v6(v6).map_or(Ok(()), |k| Err(refused(v6.into(), k))),
        Some(Host::Domain(name)) if is_localhost(name) => Err(PrivateAddress {
            host: name.to_string(),
            addr: None,
            kind: "loopback",
        }),
        _ => Ok(()),
    }
}

/// `localhost` and every name under it (RFC 6761).
fn is_localhost(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// The system resolver, refusing any name with a non-global address among its answers.
/// Refusing the whole name (rather than dropping the bad answers) keeps the error plain: a
/// public site has no reason to publish a private address.
#[derive(Debug, Default)]
pub struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            if is_localhost(&host) {
                return Err(Box::new(PrivateAddress {
                    host,
                    addr: None,
                    kind: "loopback",
                }) as _);
            }
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            match first_non_global(&addrs) {
                Some((addr, kind)) => Err(Box::new(PrivateAddress {
                    host,
                    addr: Some(addr),
                    kind,
                }) as _),
                None => Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs),
            }
        })
    }
}

fn first_non_global(addrs: &[SocketAddr]) -> Option<(IpAddr, &'static str)> {
    addrs
        .iter()
        .find_map(|a| non_global(a.ip()).map(|kind| (a.ip(), kind)))
}

/// The resolver's refusal inside a reqwest error, whose chain keeps it as a source.
pub fn refusal_in(e: &(dyn std::error::Error + 'static)) -> Option<PrivateAddress> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<PrivateAddress>() {
            return Some(found.clone());
        }
        current = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<&'static str> {
        non_global(text.parse().unwrap())
    }

    #[test]
    fn internal_ipv4_ranges_are_not_global() {
        assert_eq!(kind("127.0.0.1"), Some("loopback"));
        assert_eq!(kind("127.255.0.9"), Some("loopback"));
        assert_eq!(kind("10.0.0.1"), Some("private"));
        assert_eq!(kind("172.16.0.1"), Some("private"));
        assert_eq!(kind("172.31.255.254"), Some("private"));
        assert_eq!(kind("192.168.1.1"), Some("private"));
        assert_eq!(kind("169.254.169.254"), Some("link-local"));
        assert_eq!(kind("0.0.0.0"), Some("unspecified"));
        assert_eq!(kind("0.1.2.3"), Some("unspecified"));
        assert_eq!(kind("100.64.0.1"), Some("shared (carrier-grade NAT)"));
        assert_eq!(kind("224.0.0.1"), Some("multicast"));
        assert_eq!(kind("255.255.255.255"), Some("reserved"));
        assert_eq!(kind("192.0.2.7"), Some("reserved"));
    }

    #[test]
    fn public_ipv4_addresses_are_global() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.1",
            "192.169.0.1",
            "169.253.1.1",
            "100.128.0.1",
            "11.0.0.1",
        ] {
            assert_eq!(kind(ip), None, "{ip}");
        }
    }

    #[test]
    fn internal_ipv6_ranges_and_embedded_ipv4_are_not_global() {
        assert_eq!(kind("::1"), Some("loopback"));
        assert_eq!(kind("::"), Some("unspecified"));
        assert_eq!(kind("fc00::1"), Some("private"));
        assert_eq!(kind("fd12:3456::1"), Some("private"));
        assert_eq!(kind("fe80::1"), Some("link-local"));
        assert_eq!(kind("febf::1"), Some("link-local"));
        assert_eq!(kind("ff02::1"), Some("multicast"));
        assert_eq!(kind("2001:db8::1"), Some("reserved"));
        assert_eq!(kind("::ffff:127.0.0.1"), Some("loopback"));
        assert_eq!(kind("::ffff:10.0.0.1"), Some("private"));
        assert_eq!(kind("::ffff:169.254.169.254"), Some("link-local"));
        assert_eq!(kind("64:ff9b::a00:1"), Some("private"));
        assert_eq!(kind("2002:7f00:1::"), Some("loopback"));
        assert_eq!(kind("::127.0.0.1"), Some("reserved"));
    }

    #[test]
    fn public_ipv6_addresses_are_global() {
        for ip in [
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
            "2002:0808:0808::",
        ] {
            assert_eq!(kind(ip), None, "{ip}");
        }
    }

    #[test]
    fn hosts_are_checked_before_any_traffic() {
        let check = |u: &str| check_host(&Url::parse(u).unwrap());
        assert!(check("http://8.8.8.8/").is_ok());
        assert!(check("https://example.org/").is_ok());
        let e = check("http://10.0.0.1/admin").unwrap_err();
        assert_eq!(e.kind, "private");
        assert!(
            e.to_string()
                .starts_with("10.0.0.1 is a private address; set allow_private_addresses = true"),
            "{e}"
        );
        assert_eq!(check("http://[::1]:8080/").unwrap_err().kind, "loopback");
        assert_eq!(check("http://[fc00::1]/").unwrap_err().kind, "private");
        assert_eq!(
            check("http://[::ffff:7f00:1]/").unwrap_err().kind,
            "loopback"
        );
        // WHATWG host parsing turns these spellings into 127.0.0.1 before we see them.
        assert!(check("http://2130706433/").is_err());
        assert!(check("http://0x7f.1/").is_err());
        let e = check("http://LocalHost.:9/").unwrap_err();
        assert_eq!(
            e.to_string().split(';').next(),
            Some("localhost. is a loopback name")
        );
        assert!(check("http://app.localhost/").is_err());
        assert!(check("http://localhost.example.org/").is_ok());
    }

    #[test]
    fn resolved_names_say_what_they_resolve_to() {
        let e = PrivateAddress {
            host: "intranet.example".into(),
            addr: Some("10.0.0.1".parse().unwrap()),
            kind: "private",
        };
        assert_eq!(
            e.to_string(),
            "intranet.example resolves to private address 10.0.0.1; set allow_private_addresses = true (or pass --allow-private-addresses) to allow it"
        );
    }
}
