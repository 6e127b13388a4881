//! Mapping hosts and URLs to the service that declares them, including
//! hosts built to look like a declared one.

use phiguard_vendors::VendorRegistry;
use proptest::prelude::*;

const REGISTRY: &str = r#"
[registry]
max_retention_days = 30
allowed_regions = ["us"]

[purposes.summarize]
description = "Summarize"

[[vendor]]
id = "clickup"
name = "ClickUp"

[[vendor.service]]
id = "clickup-api-v2"
name = "ClickUp API v2"
hosts = ["api.clickup.com"]
regions = ["us"]
data_handling = { customer_controlled_retention = true, trains_on_customer_data = false }

[[vendor]]
id = "sandbox"
name = "Local fakes"

[[vendor.service]]
id = "fake-clickup"
name = "Fake ClickUp"
hosts = ["127.0.0.1:41234", "[::1]:41234"]
regions = ["us"]
data_handling = { retention_days = 0, trains_on_customer_data = false }

[[vendor.service]]
id = "fake-ai"
name = "Fake AI"
hosts = ["127.0.0.1:41235", "LocalHost:41235"]
regions = ["us"]
data_handling = { retention_days = 0, trains_on_customer_data = false }
"#;

fn registry() -> VendorRegistry {
    VendorRegistry::from_toml_str(REGISTRY).unwrap()
}

fn for_url(registry: &VendorRegistry, url: &str) -> Option<String> {
    let url = url::Url::parse(url).unwrap();
    registry.service_for_url(&url).map(|s| s.id().to_owned())
}

#[test]
fn declared_hosts_are_normalized() {
    let registry = registry();
    let fakes = registry.service("fake-ai").unwrap();
    assert_eq!(fakes.hosts(), ["127.0.0.1:41235", "localhost:41235"]);
    assert_eq!(
        registry.service("fake-clickup").unwrap().hosts(),
        ["127.0.0.1:41234", "[::1]:41234"]
    );
}

#[test]
fn host_without_port_matches_any_port_case_insensitively() {
    let registry = registry();
    for url in [
        "https://api.clickup.com/api/v2/task/1",
        "https://API.ClickUp.COM/api/v2/task/1",
        "https://api.clickup.com:8443/api",
        "http://api.clickup.com/",
        "https://user:secret@api.clickup.com/",
    ] {
        assert_eq!(
            for_url(&registry, url).as_deref(),
            Some("clickup-api-v2"),
            "{url}"
        );
    }
    for host in ["api.clickup.com", "API.CLICKUP.COM", "api.clickup.com:443"] {
        assert_eq!(
            registry.service_for_host(host).map(|s| s.id()),
            Some("clickup-api-v2"),
            "{host}"
        );
    }
    assert_eq!(
        registry
            .service_for_authority("Api.Clickup.Com", Some(1))
            .map(|s| s.id()),
        Some("clickup-api-v2")
    );
}

#[test]
fn host_with_port_matches_that_port_only() {
    let registry = registry();
    assert_eq!(
        for_url(&registry, "http://127.0.0.1:41234/api/v2/team").as_deref(),
        Some("fake-clickup")
    );
    assert_eq!(
        for_url(&registry, "http://127.0.0.1:41235/v1/chat").as_deref(),
        Some("fake-ai")
    );
    assert_eq!(
        for_url(&registry, "http://localhost:41235/v1/chat").as_deref(),
        Some("fake-ai")
    );
    assert_eq!(
        for_url(&registry, "http://[::1]:41234/").as_deref(),
        Some("fake-clickup")
    );
    // The same address as the URL parser reads it.
    assert_eq!(
        for_url(&registry, "http://127.1:41234/").as_deref(),
        Some("fake-clickup")
    );
    for url in [
        "http://127.0.0.1:41236/",
        "http://127.0.0.1/",
        "https://127.0.0.1/",
        "http://[::1]:41235/",
        "http://localhost:41234/",
    ] {
        assert_eq!(for_url(&registry, url), None, "{url}");
    }

    assert_eq!(
        registry
            .service_for_authority("127.0.0.1", Some(41234))
            .map(|s| s.id()),
        Some("fake-clickup")
    );
    assert_eq!(
        registry.service_for_host("127.0.0.1:41235").map(|s| s.id()),
        Some("fake-ai")
    );
    // Without a port, a host declared with one cannot be confirmed.
    assert!(registry.service_for_host("127.0.0.1").is_none());
    assert!(registry.service_for_authority("127.0.0.1", None).is_none());
}

#[test]
fn hostile_urls_map_to_nothing() {
    let registry = registry();
    for url in [
        "https://api.clickup.com.evil.example/api/v2/task",
        "https://evil.api.clickup.com/",
        "https://xapi.clickup.com/",
        "https://api.clickup.co/",
        "https://api-clickup.com/",
        "https://api.clickup.com./",
        "https://api.clickup.com@evil.example/",
        "https://evil.example/api.clickup.com",
        "https://evil.example/?next=https://api.clickup.com",
        "https://evil.example#api.clickup.com",
        // Cyrillic "а" in place of the Latin one.
        "https://\u{430}pi.clickup.com/",
        "ftp://api.clickup.com/",
        "ws://api.clickup.com/",
        "file:///api.clickup.com",
        "data:text/plain,api.clickup.com",
    ] {
        assert_eq!(for_url(&registry, url), None, "{url}");
    }
}

#[test]
fn hostile_host_strings_map_to_nothing() {
    let registry = registry();
    for host in [
        "",
        " api.clickup.com",
        "api.clickup.com ",
        "api.clickup.com\0",
        "api.clickup.com\n",
        "api.clickup.com.",
        "api.clickup.com:",
        "api.clickup.com:0",
        "api.clickup.com:+443",
        "api.clickup.com:443:443",
        "api.clickup.com/",
        "api.clickup.com@evil.example",
        "evil.example@api.clickup.com",
        "api.clickup.com%00",
        "*.clickup.com",
        "https://api.clickup.com",
        "[::1]",
        "127.0.0.1:041234x",
    ] {
        assert!(
            registry.service_for_host(host).is_none(),
            "{host:?} matched"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Adding anything before or after a declared name gives another name.
    #[test]
    fn affixes_never_match(prefix in "[a-z0-9.-]{0,12}", suffix in "[a-z0-9.-]{0,12}") {
        prop_assume!(!prefix.is_empty() || !suffix.is_empty());
        let registry = registry();
        let host = format!("{prefix}api.clickup.com{suffix}");
        prop_assert!(registry.service_for_host(&host).is_none(), "{}", host);
        if let Ok(url) = url::Url::parse(&format!("https://{host}/api/v2")) {
            prop_assert!(registry.service_for_url(&url).is_none(), "{}", host);
        }
    }

    /// Any mix of upper and lower case is the same name.
    #[test]
    fn case_never_matters(mask in proptest::collection::vec(any::<bool>(), 15)) {
        let registry = registry();
        let host: String = "api.clickup.com"
            .chars()
            .zip(mask)
            .map(|(c, upper)| if upper { c.to_ascii_uppercase() } else { c })
            .collect();
        prop_assert_eq!(
            registry.service_for_host(&host).map(|s| s.id()),
            Some("clickup-api-v2")
        );
    }

    /// Arbitrary text never panics and only ever finds a declared service
    /// when it normalizes to a declared host.
    #[test]
    fn arbitrary_text_is_safe(text in "\\PC{0,40}") {
        let registry = registry();
        if let Some(service) = registry.service_for_host(&text) {
            let lower = text.to_ascii_lowercase();
            prop_assert!(
                lower.starts_with("api.clickup.com")
                    || lower.starts_with("127.")
                    || lower.starts_with("localhost")
                    || lower.starts_with('['),
                "{:?} matched {}", text, service.id()
            );
        }
    }
}
