//! Cross-site request forgery on the API: a browser sends the login cookie with any request, also
//! one a foreign page makes it send. A cookie-authenticated request that changes something
//! (every method but GET, HEAD, OPTIONS, TRACE) therefore needs proof that it comes from our own
//! pages: the session's CSRF token in `X-CSRF-Token`, or an `Origin` equal to ours, or
//! `Sec-Fetch-Site: same-origin`. Bearer-token calls are not affected: a browser never adds a
//! token by itself.
use axum::http::{HeaderMap, Method, header};

/// The header carrying the page's CSRF token (the same token as the forms' `csrf_token`).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The origin (`scheme://host[:port]`) of `base_url`, as browsers send it in `Origin`.
pub fn origin_of(base_url: &str) -> Option<String> {
    let url = url::Url::parse(base_url).ok()?;
    let origin = url.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// Whether a request authenticated by the login cookie may go on.
pub fn cookie_request_allowed(
    method: &Method,
    headers: &HeaderMap,
    own_origin: Option<&str>,
    session_csrf: &str,
) -> bool {
    if method.is_safe() {
        return true;
    }
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(sent) = text(CSRF_HEADER)
        && !session_csrf.is_empty()
        && crate::auth::oidc::ct_eq(session_csrf, sent.trim())
    {
        return true;
    }
    let origin_matches = match (text(header::ORIGIN.as_str()), own_origin) {
        (Some(sent), Some(own)) => sent.trim().eq_ignore_ascii_case(own),
        (Some(_), None) => false,
        (None, _) => {
            // Without Origin only the browser's own word that the page is ours counts.
            return text("sec-fetch-site") == Some("same-origin");
        }
    };
    // A browser that sends both sends them consistently; a mismatch is refused.
    origin_matches && text("sec-fetch-site").is_none_or(|s| s == "same-origin")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn origin_of_base_url() {
        assert_eq!(
            origin_of("https://dsar.kommune.no/").as_deref(),
            Some("https://dsar.kommune.no")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("not a url"), None);
    }

    #[test]
    fn cookie_writes_need_proof_of_our_own_page() {
        const OWN: &str = "https://dsar.kommune.no";
        const CSRF: &str = "s3cr3t-token-of-the-session";
        // (method, headers, allowed)
        type Case<'a> = (Method, &'a [(&'a str, &'a str)], bool);
        let cases: &[Case] = &[
            (Method::GET, &[], true),
            (Method::HEAD, &[("origin", "https://evil.example")], true),
            (Method::POST, &[], false),
            (Method::POST, &[("origin", OWN)], true),
            (Method::PUT, &[("origin", "https://DSAR.kommune.no")], true),
            (Method::POST, &[("origin", "https://evil.example")], false),
            (Method::POST, &[("origin", "null")], false),
            (
                Method::POST,
                &[("origin", "https://dsar.kommune.no.evil.example")],
                false,
            ),
            (Method::POST, &[("origin", "http://dsar.kommune.no")], false),
            (Method::DELETE, &[("sec-fetch-site", "same-origin")], true),
            (Method::POST, &[("sec-fetch-site", "same-site")], false),
            (Method::POST, &[("sec-fetch-site", "cross-site")], false),
            (Method::POST, &[("sec-fetch-site", "none")], false),
            (
                Method::POST,
                &[("origin", OWN), ("sec-fetch-site", "cross-site")],
                false,
            ),
            (
                Method::POST,
                &[
                    ("origin", "https://evil.example"),
                    ("sec-fetch-site", "same-origin"),
                ],
                false,
            ),
            (
                Method::POST,
                &[("origin", OWN), ("sec-fetch-site", "same-origin")],
                true,
            ),
            (Method::POST, &[("x-csrf-token", CSRF)], true),
            (
                Method::PATCH,
                &[("x-csrf-token", CSRF), ("origin", "https://evil.example")],
                true,
            ),
            (Method::POST, &[("x-csrf-token", "wrong")], false),
            (Method::POST, &[("x-csrf-token", "")], false),
        ];
        for (method, sent, allowed) in cases {
            let mut headers = HeaderMap::new();
            for (k, v) in *sent {
                headers.insert(*k, v.parse().unwrap());
            }
            assert_eq!(
                cookie_request_allowed(method, &headers, Some(OWN), CSRF),
                *allowed,
                "{method} {sent:?}"
            );
        }
        // A session without a token is never matched by an empty header.
        let mut headers = HeaderMap::new();
        headers.insert("x-csrf-token", "".parse().unwrap());
        assert!(!cookie_request_allowed(
            &Method::POST,
            &headers,
            Some(OWN),
            ""
        ));
    }
}
