//! HTTP face of the built-in demo OpenID provider (`/dev/idp/...`, demo mode only): discovery,
//! the TestID-like login page, token, JWKS and end_session. See `auth::demo_idp` for the rules.
use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use entity::staff_user;
use maud::{Markup, html};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use serde_json::json;

use super::{ClientIp, ErrorKind, Lang, PageError, PageQuery, layout, rate_limit};
use crate::{
    app::AppState,
    auth::{
        demo_idp::{ACR_LEVELS, AuthorizeError, AuthorizeRequest, DemoIdp, Subject, TokenRequest},
        oidc::ProviderKind,
    },
    demo,
    i18n::{Language, t},
    identity::{Pid, PidPolicy},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dev/idp/.well-known/openid-configuration", get(discovery))
        .route("/dev/idp/jwks", get(jwks))
        .route(
            "/dev/idp/authorize",
            get(authorize_page).post(authorize_submit),
        )
        .route("/dev/idp/token", axum::routing::post(token))
        .route("/dev/idp/endsession", get(end_session))
}

fn idp(app: &AppState, lang: Language) -> Result<&DemoIdp, PageError> {
    app.login
        .demo_idp
        .as_ref()
        .ok_or_else(|| PageError::new(lang, ErrorKind::NotConfigured))
}

async fn discovery(State(app): State<AppState>) -> Response {
    match &app.login.demo_idp {
        Some(idp) => Json(idp.discovery()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn jwks(State(app): State<AppState>) -> Response {
    match &app.demo_issuer {
        Some(issuer) => Json(issuer.jwks().clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Sends the browser back to the client with an error (RFC 6749 §4.1.2.1).
fn error_redirect(
    idp: &DemoIdp,
    req: &AuthorizeRequest,
    error: &str,
    description: &str,
) -> Response {
    let mut url = match url::Url::parse(&req.redirect_uri) {
        Ok(u) => u,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    url.query_pairs_mut()
        .append_pair("error", error)
        .append_pair("error_description", description)
        .append_pair("state", &req.state)
        .append_pair("iss", &idp.issuer);
    Redirect::to(url.as_str()).into_response()
}

fn refuse(idp: &DemoIdp, req: &AuthorizeRequest, lang: Language, e: AuthorizeError) -> Response {
    match e {
        // Never redirect to an unverified address: show the error here.
        AuthorizeError::UnknownClient | AuthorizeError::BadRedirectUri => {
            PageError::new(lang, ErrorKind::BadRequest).into_response()
        }
        AuthorizeError::Invalid(why) => error_redirect(idp, req, "invalid_request", why),
    }
}

async fn authorize_page(
    State(app): State<AppState>,
    Lang(lang): Lang,
    PageQuery(req): PageQuery<AuthorizeRequest>,
) -> Result<Response, PageError> {
    let idp = idp(&app, lang)?;
    let client = match idp.check_authorize(&req) {
        Ok(c) => c,
        Err(e) => return Ok(refuse(idp, &req, lang, e)),
    };
    let staff = if client.kind == ProviderKind::Staff {
        staff_user::Entity::find()
            .filter(staff_user::Column::Active.eq(true))
            .order_by_asc(staff_user::Column::Username)
            .all(&app.db)
            .await
            .map_err(|_| PageError::new(lang, ErrorKind::Internal))?
    } else {
        Vec::new()
    };
    Ok(login_page(lang, &req, client.kind, &staff, None).into_response())
}

fn hidden_fields(req: &AuthorizeRequest) -> Markup {
    html! {
        input type="hidden" name="response_type" value=(req.response_type);
        input type="hidden" name="client_id" value=(req.client_id);
        input type="hidden" name="redirect_uri" value=(req.redirect_uri);
        input type="hidden" name="scope" value=(req.scope);
        input type="hidden" name="state" value=(req.state);
        input type="hidden" name="nonce" value=(req.nonce);
        input type="hidden" name="code_challenge" value=(req.code_challenge);
        input type="hidden" name="code_challenge_method" value=(req.code_challenge_method);
        @if let Some(acr) = &req.acr_values { input type="hidden" name="acr_values" value=(acr); }
    }
}

fn acr_choice(lang: Language, requested: Option<&str>) -> Markup {
    let preselected = requested
        .and_then(|r| ACR_LEVELS.iter().find(|l| **l == r))
        .copied()
        .unwrap_or(ACR_LEVELS[0]);
    html! {
        fieldset {
            legend { (t(lang, "auth.demo.acr")) }
            @for level in ACR_LEVELS {
                @let id = format!("acr-{level}");
                div {
                    input type="radio" name="acr" id=(id) value=(level) checked[level == preselected];
                    label for=(id) {
                        (t(lang, if level.ends_with("-high") { "auth.demo.acr_high" } else { "auth.demo.acr_substantial" }))
                    }
                }
            }
        }
    }
}

fn login_page(
    lang: Language,
    req: &AuthorizeRequest,
    kind: ProviderKind,
    staff: &[staff_user::Model],
    error: Option<&str>,
) -> Response {
    let body = html! {
        p.notice.notice--warning { (t(lang, "auth.demo.notice")) }
        @if let (Some(e), false) = (error, kind == ProviderKind::Citizen) {
            p.error role="alert" id="form-error" { (e) }
        }
        form method="post" action="/dev/idp/authorize" {
            (hidden_fields(req))
            @if kind == ProviderKind::Citizen {
                div.field {
                    label for="pid" { (t(lang, "auth.demo.pid_label")) }
                    @if let Some(e) = error {
                        p.error role="alert" id="form-error" { (e) }
                    }
                    input #pid type="text" name="pid" inputmode="numeric" autocomplete="off"
                        maxlength="11" aria-invalid=[error.map(|_| "true")]
                        aria-describedby=[error.map(|_| "form-error")];
                }
                (acr_choice(lang, req.acr_values.as_deref()))
                button type="submit" name="action" value="login" { (t(lang, "auth.demo.login")) }
                h2 { (t(lang, "auth.demo.pick_person")) }
                ul.personas {
                    @for c in demo::demo_citizens() {
                        li {
                            button type="submit" name="pick" value=(c.pid) { (c.name) " (" (c.pid) ")" }
                        }
                    }
                }
            } @else {
                h2 { (t(lang, "auth.demo.pick_staff")) }
                ul.personas {
                    @for u in staff {
                        li {
                            button type="submit" name="staff" value=(u.username) {
                                (u.display_name) " (" (u.username) ", " (u.role) ")"
                            }
                        }
                    }
                }
            }
            p { button.secondary type="submit" name="action" value="cancel" { (t(lang, "auth.demo.cancel")) } }
        }
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response =
        (status, layout(lang, t(lang, "auth.demo.title"), None, body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Debug, Deserialize)]
struct LoginChoice {
    #[serde(flatten)]
    req: AuthorizeRequest,
    #[serde(default)]
    pid: Option<String>,
    #[serde(default)]
    pick: Option<String>,
    #[serde(default)]
    staff: Option<String>,
    #[serde(default)]
    acr: Option<String>,
    #[serde(default)]
    action: Option<String>,
}

async fn authorize_submit(
    State(app): State<AppState>,
    Lang(lang): Lang,
    client_ip: ClientIp,
    body: Bytes,
) -> Result<Response, PageError> {
    rate_limit(&app, &client_ip, lang)?;
    let idp = idp(&app, lang)?;
    let choice: LoginChoice = serde_urlencoded::from_bytes(&body)
        .map_err(|_| PageError::new(lang, ErrorKind::BadRequest))?;
    let req = &choice.req;
    let client = match idp.check_authorize(req) {
        Ok(c) => c,
        Err(e) => return Ok(refuse(idp, req, lang, e)),
    };
    if choice.action.as_deref() == Some("cancel") {
        return Ok(error_redirect(
            idp,
            req,
            "access_denied",
            "the person cancelled the login",
        ));
    }
    let acr = choice
        .acr
        .as_deref()
        .filter(|a| ACR_LEVELS.contains(a))
        .unwrap_or(ACR_LEVELS[0]);
    let subject = match client.kind {
        ProviderKind::Citizen => {
            let typed = choice.pick.or(choice.pid).unwrap_or_default();
            let policy = PidPolicy {
                allow_synthetic: app.settings.allow_synthetic_pids,
            };
            match Pid::parse(typed.trim(), policy) {
                Ok(pid) => Subject::Citizen {
                    pid: pid.as_str().to_string(),
                },
                Err(_) => {
                    let msg = t(lang, "auth.demo.pid_invalid");
                    return Ok(login_page(lang, req, client.kind, &[], Some(msg)));
                }
            }
        }
        ProviderKind::Staff => {
            let username = choice.staff.unwrap_or_default();
            let user = staff_user::Entity::find()
                .filter(staff_user::Column::Username.eq(username.as_str()))
                .filter(staff_user::Column::Active.eq(true))
                .one(&app.db)
                .await
                .map_err(|_| PageError::new(lang, ErrorKind::Internal))?
                .ok_or_else(|| PageError::new(lang, ErrorKind::BadRequest))?;
            Subject::Staff {
                username: user.username,
                name: user.display_name,
                role: user.role,
            }
        }
    };
    let code = idp.issue_code(req, subject, acr);
    let mut url = url::Url::parse(&req.redirect_uri)
        .map_err(|_| PageError::new(lang, ErrorKind::BadRequest))?;
    url.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &req.state)
        .append_pair("iss", &idp.issuer);
    Ok(Redirect::to(url.as_str()).into_response())
}

/// `Authorization: Basic` credentials (RFC 6749 §2.3.1: each part form-encoded).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

async fn token(
    State(app): State<AppState>,
    client_ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = |status: StatusCode, body: serde_json::Value| {
        let mut r = (status, Json(body)).into_response();
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    };
    if !app.login.limiter.allow(client_ip.0, "token") {
        return answer(
            StatusCode::TOO_MANY_REQUESTS,
            json!({ "error": "slow_down", "error_description": "too many token requests" }),
        );
    }
    let (Some(idp), Some(signer)) = (&app.login.demo_idp, &app.demo_issuer) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(req) = serde_urlencoded::from_bytes::<TokenRequest>(&body) else {
        return answer(
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_request", "error_description": "form-encoded body expected" }),
        );
    };
    match idp.token(&req, basic_credentials(&headers), signer) {
        Ok(tokens) => answer(StatusCode::OK, tokens),
        Err(e) => {
            let status = if e.error == "invalid_client" {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            };
            answer(
                status,
                json!({ "error": e.error, "error_description": e.description }),
            )
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct EndSessionQuery {
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

async fn end_session(
    State(app): State<AppState>,
    Lang(lang): Lang,
    PageQuery(q): PageQuery<EndSessionQuery>,
) -> Result<Response, PageError> {
    let idp = idp(&app, lang)?;
    let client = q.client_id.as_deref().and_then(|id| idp.client(id));
    // Only a registered post-logout address is followed.
    if let (Some(client), Some(uri)) = (client, &q.post_logout_redirect_uri)
        && *uri == client.post_logout_redirect_uri
    {
        let mut url =
            url::Url::parse(uri).map_err(|_| PageError::new(lang, ErrorKind::BadRequest))?;
        if let Some(state) = &q.state {
            url.query_pairs_mut().append_pair("state", state);
        }
        return Ok(Redirect::to(url.as_str()).into_response());
    }
    let body = html! { p { (t(lang, "auth.logged_out_body")) } };
    Ok(layout(lang, t(lang, "auth.logged_out_title"), None, body).into_response())
}
