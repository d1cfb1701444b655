//! A browser without a browser: a cookie-jar HTTP client that follows redirects step by step
//! (so tests can look at and tamper with every hop), plus the steps of a login at the built-in
//! demo provider.
#![allow(dead_code)]

use reqwest::{Client, Response, StatusCode, redirect::Policy};

use crate::support::TestApp;

pub struct Browser {
    pub client: Client,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    pub fn new() -> Self {
        Self {
            client: Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub async fn get(&self, url: &str) -> Response {
        self.client.get(url).send().await.unwrap()
    }

    pub async fn post_form(&self, url: &str, fields: &[(String, String)]) -> Response {
        self.client.post(url).form(fields).send().await.unwrap()
    }

    /// Follows redirects (at most 10); returns the last answer and every URL visited.
    pub async fn follow(&self, mut response: Response) -> (Response, Vec<String>) {
        let mut visited = vec![response.url().to_string()];
        for _ in 0..10 {
            if !response.status().is_redirection() {
                break;
            }
            let next = location(&response);
            visited.push(next.clone());
            response = self.get(&next).await;
        }
        (response, visited)
    }

    /// GET and follow.
    pub async fn visit(&self, url: &str) -> (Response, Vec<String>) {
        let r = self.get(url).await;
        self.follow(r).await
    }
}

/// The absolute redirect target of a 3xx answer.
pub fn location(response: &Response) -> String {
    assert!(
        response.status().is_redirection(),
        "expected a redirect from {}, got {}",
        response.url(),
        response.status()
    );
    let raw = response
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap();
    response.url().join(raw).unwrap().to_string()
}

pub fn query_pairs(url: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn query_param(url: &str, name: &str) -> Option<String> {
    query_pairs(url)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Replaces (or adds) one query parameter.
pub fn with_query_param(url: &str, name: &str, value: &str) -> String {
    let mut u = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = query_pairs(url)
        .into_iter()
        .filter(|(k, _)| k != name)
        .collect();
    {
        let mut q = u.query_pairs_mut();
        q.clear();
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
        q.append_pair(name, value);
    }
    u.to_string()
}

/// Starts a login at `path` (e.g. `/login?return_to=/x`); returns the provider's authorize URL.
pub async fn begin(browser: &Browser, app: &TestApp, path: &str) -> String {
    let r = browser.get(&app.url(path)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
    location(&r)
}

/// What the person does on the demo provider's page.
pub enum DemoChoice<'a> {
    Citizen { pid: &'a str, acr: &'a str },
    Staff(&'a str),
    Cancel,
}

/// Shows the demo provider's login page and submits it; returns the redirect back to dsar.
pub async fn demo_authorize(
    browser: &Browser,
    authorize_url: &str,
    choice: DemoChoice<'_>,
) -> String {
    let page = browser.get(authorize_url).await;
    assert_eq!(page.status(), 200, "the demo login page");
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\" action=\"/dev/idp/authorize\">"));
    // The form re-posts the authorization request as hidden fields.
    let mut fields = query_pairs(authorize_url);
    match choice {
        DemoChoice::Citizen { pid, acr } => {
            fields.push(("pid".into(), pid.into()));
            fields.push(("acr".into(), acr.into()));
            fields.push(("action".into(), "login".into()));
        }
        DemoChoice::Staff(username) => fields.push(("staff".into(), username.into())),
        DemoChoice::Cancel => fields.push(("action".into(), "cancel".into())),
    }
    let target = reqwest::Url::parse(authorize_url).unwrap();
    let r = browser
        .post_form(target.as_str().split('?').next().unwrap(), &fields)
        .await;
    location(&r)
}

pub const SUBSTANTIAL: &str = "idporten-loa-substantial";
pub const HIGH: &str = "idporten-loa-high";

/// A whole citizen login at the demo provider; returns the final page and the URLs visited.
pub async fn demo_citizen_login(
    browser: &Browser,
    app: &TestApp,
    pid: &str,
) -> (Response, Vec<String>) {
    let authorize = begin(browser, app, "/login").await;
    let callback = demo_authorize(
        browser,
        &authorize,
        DemoChoice::Citizen {
            pid,
            acr: SUBSTANTIAL,
        },
    )
    .await;
    browser.visit(&callback).await
}

/// A whole staff login at the demo provider.
pub async fn demo_staff_login(
    browser: &Browser,
    app: &TestApp,
    username: &str,
) -> (Response, Vec<String>) {
    let authorize = begin(browser, app, "/office/login").await;
    let callback = demo_authorize(browser, &authorize, DemoChoice::Staff(username)).await;
    browser.visit(&callback).await
}

/// Logged-in sessions in the database (pending logins not counted).
pub async fn live_sessions(app: &TestApp) -> i64 {
    app.count("session WHERE kind <> 'login'").await
}

/// The CSRF token in a page's logout form.
pub fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}

/// Submits the logout form of `page_html`; returns the redirect chain's end.
pub async fn logout(browser: &Browser, app: &TestApp, page_html: &str) -> (Response, Vec<String>) {
    let token = csrf_token(page_html);
    let r = browser
        .post_form(&app.url("/logout"), &[("csrf_token".into(), token)])
        .await;
    browser.follow(r).await
}
