//! A simulator of the Norwegian source systems (Folkeregisteret, UDI, IMDi, NAV, the
//! municipality's case system, adult education, Kompetanse Norge, NIR) speaking the connector
//! protocol. It checks dsar's service tokens the way a real source would (signature against
//! dsar's JWKS, `iss`, `aud`, `exp`, `scope`, and that the token's `pid` is the person in the
//! body) and has switches for latency, failures, timeouts, malformed and trickling answers.
//! It runs inside dsar in demo mode (at `/sim`) and alone with `dsar simulate-sources`.
//!
//! Over 500 lines on purpose: one simulated protocol peer (routes, token checks, answers) that is read as a whole.
pub mod citizens;
pub mod data;

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Json, Router,
    body::{Body, Bytes},
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use rand::Rng;
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use super::{
    protocol::{
        AccessAnswer, Discovery, NoticeCall, NoticeReceipt, Operation, OperationAnswer,
        OperationCall, PROTOCOL_VERSION, RecordOutcome,
    },
    relations::{RelationsAnswer, RelationsCall, SCOPE as RELATIONS_SCOPE},
    service_token::ServiceClaims,
};
use crate::identity::{DufNumber, Pid, PidPolicy};

/// Switches for one source (all off by default).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Wait this long before answering.
    pub latency_ms: u64,
    /// Share of calls answered with HTTP 500 (0.0–1.0).
    pub failure_rate: f64,
    /// The next this-many calls answer HTTP 500, then it recovers.
    pub fail_next: u32,
    /// Never answer (the caller's timeout must end the call).
    pub hang: bool,
    /// Answer 200 with broken JSON.
    pub malformed: bool,
    /// Answer 200 with a body that trickles out a byte at a time and never ends.
    pub trickle: bool,
    /// Only calls about this request meet the faults (and use up `fail_next`); calls for any
    /// other request are answered normally, so a test's faults are its own.
    pub request_id: Option<uuid::Uuid>,
}

/// Where the simulator finds dsar's keys, and who it expects as issuer.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    pub issuer: String,
    pub jwks_url: String,
}

pub struct Simulator {
    config: SimulatorConfig,
    http: reqwest::Client,
    jwks: RwLock<Option<(Instant, JwkSet)>>,
    faults: RwLock<HashMap<String, Faults>>,
    calls: RwLock<HashMap<String, u64>>,
    /// Art. 19 notices received, per source, once per notice id.
    notices: RwLock<Vec<ReceivedNotice>>,
}

/// A notice as the simulated source recorded it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReceivedNotice {
    pub source: String,
    pub notice: NoticeCall,
}

/// How often the simulator may refetch the JWKS when it meets an unknown key.
const JWKS_REFETCH: Duration = Duration::from_secs(2);

impl Simulator {
    pub fn new(config: SimulatorConfig) -> Arc<Self> {
        Arc::new(Self {
            config,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
            jwks: RwLock::new(None),
            faults: RwLock::new(HashMap::new()),
            calls: RwLock::new(HashMap::new()),
            notices: RwLock::new(Vec::new()),
        })
    }

    async fn key_for(&self, kid: &str) -> Result<DecodingKey, Refusal> {
        let find = |set: &JwkSet| set.find(kid).and_then(|k| DecodingKey::from_jwk(k).ok());
        let stale = {
            let cached = self.jwks.read().await;
            match cached.as_ref() {
                Some((at, set)) => {
                    if let Some(key) = find(set) {
                        return Ok(key);
                    }
                    at.elapsed() > JWKS_REFETCH
                }
                None => true,
            }
        };
        if !stale {
            return Err(Refusal::unauthorized("unknown signing key"));
        }
        let set: JwkSet = self
            .http
            .get(&self.config.jwks_url)
            .send()
            .await
            .map_err(|_| Refusal::unavailable("could not fetch the caller's keys"))?
            .json()
            .await
            .map_err(|_| Refusal::unavailable("the caller's keys could not be read"))?;
        let key = find(&set);
        *self.jwks.write().await = Some((Instant::now(), set));
        key.ok_or_else(|| Refusal::unauthorized("unknown signing key"))
    }

    /// Checks the bearer token for a call to `source` about `operation`.
    async fn verify(
        &self,
        headers: &HeaderMap,
        source: &str,
        scope: &str,
    ) -> Result<ServiceClaims, Refusal> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| Refusal::unauthorized("a bearer token is required"))?;
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| Refusal::unauthorized("the token is not a JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(Refusal::unauthorized("only RS256 tokens are accepted"));
        }
        let kid = header
            .kid
            .ok_or_else(|| Refusal::unauthorized("the token names no key"))?;
        let key = self.key_for(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[source]);
        validation.set_issuer(&[self.config.issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud"]);
        validation.leeway = 5;
        let claims = jsonwebtoken::decode::<ServiceClaims>(token, &key, &validation)
            .map_err(|_| Refusal::unauthorized("the token is not valid for this source"))?
            .claims;
        if claims.exp.saturating_sub(claims.iat) > 120 {
            return Err(Refusal::unauthorized("the token lives longer than 120 s"));
        }
        if claims.scope != scope {
            return Err(Refusal::forbidden(
                "the token's scope does not allow this operation",
            ));
        }
        Ok(claims)
    }

    pub async fn set_faults(&self, source: &str, faults: Faults) {
        self.faults.write().await.insert(source.to_string(), faults);
    }

    pub async fn calls(&self, source: &str) -> u64 {
        self.calls.read().await.get(source).copied().unwrap_or(0)
    }

    /// The notices the simulated sources received.
    pub async fn notices(&self) -> Vec<ReceivedNotice> {
        self.notices.read().await.clone()
    }
}

#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    message: &'static str,
}

impl Refusal {
    fn unauthorized(message: &'static str) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            message,
        }
    }
    fn forbidden(message: &'static str) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            message,
        }
    }
    fn unavailable(message: &'static str) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message,
        }
    }
    fn bad(message: &'static str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

/// The simulator's routes: per source `GET /{source}/dsar/v1/` and
/// `POST /{source}/dsar/v1/{operation}`; `GET|PUT /_faults/{source}` and `GET /_calls` to steer
/// and observe it in tests and demos.
pub fn router(sim: Arc<Simulator>) -> Router {
    Router::new()
        .route("/{source}/dsar/v1/", get(discovery))
        .route("/{source}/dsar/v1/relations", post(relations))
        .route("/{source}/dsar/v1/{operation}", post(operate))
        .route("/_faults/{source}", get(get_faults).put(put_faults))
        .route("/_calls", get(get_calls))
        .route("/_notices", get(get_notices))
        .with_state(sim)
}

/// The eight Norwegian sources, and any `extra-*` source (a generic one, for load tests).
fn known(source: &str) -> bool {
    data::SOURCES.iter().any(|(id, _, _)| *id == source)
        || (source.starts_with("extra-") && crate::sources::valid_source_id(source))
}

async fn discovery(Path(source): Path<String>) -> Response {
    if !known(&source) {
        return StatusCode::NOT_FOUND.into_response();
    }
    Json(Discovery {
        protocol: PROTOCOL_VERSION.into(),
        source: source.clone(),
        operations: Operation::ALL.to_vec(),
        categories: data::categories(&source),
    })
    .into_response()
}

async fn get_faults(State(sim): State<Arc<Simulator>>, Path(source): Path<String>) -> Json<Faults> {
    Json(
        sim.faults
            .read()
            .await
            .get(&source)
            .cloned()
            .unwrap_or_default(),
    )
}

async fn put_faults(
    State(sim): State<Arc<Simulator>>,
    Path(source): Path<String>,
    Json(faults): Json<Faults>,
) -> Response {
    if !known(&source) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !(0.0..=1.0).contains(&faults.failure_rate) {
        return Refusal::bad("failure_rate must be between 0 and 1").into_response();
    }
    sim.set_faults(&source, faults.clone()).await;
    Json(faults).into_response()
}

async fn get_calls(State(sim): State<Arc<Simulator>>) -> Json<HashMap<String, u64>> {
    Json(sim.calls.read().await.clone())
}

async fn get_notices(State(sim): State<Arc<Simulator>>) -> Json<Vec<ReceivedNotice>> {
    Json(sim.notices().await)
}

/// An art. 19 notice: checked like any call (the token's person is the notice's person),
/// recorded once per notice id, confirmed.
async fn receive_notice(
    sim: &Simulator,
    source: &str,
    subject: &super::protocol::Subject,
    body: &[u8],
) -> Response {
    let Ok(notice) = serde_json::from_slice::<NoticeCall>(body) else {
        return Refusal::bad("the body is not a notice").into_response();
    };
    if &notice.subject != subject {
        return Refusal::forbidden("the token is for another person").into_response();
    }
    if notice.changes.is_empty() {
        return Refusal::bad("a notice names at least one change").into_response();
    }
    let fail = {
        let mut all = sim.faults.write().await;
        let f = all.entry(source.to_string()).or_default();
        let fail = f.fail_next > 0;
        f.fail_next = f.fail_next.saturating_sub(1);
        fail
    };
    if fail {
        return (StatusCode::INTERNAL_SERVER_ERROR, "simulated failure").into_response();
    }
    let notice_id = notice.notice_id;
    {
        let mut all = sim.notices.write().await;
        if !all
            .iter()
            .any(|n| n.source == source && n.notice.notice_id == notice_id)
        {
            all.push(ReceivedNotice {
                source: source.to_string(),
                notice,
            });
        }
    }
    Json(NoticeReceipt {
        protocol: PROTOCOL_VERSION.into(),
        notice_id,
        received: true,
    })
    .into_response()
}

/// Folkeregisteret's family relations of the person the token names (other sources have none).
async fn relations(
    State(sim): State<Arc<Simulator>>,
    Path(source): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if source != "folkeregisteret" {
        return StatusCode::NOT_FOUND.into_response();
    }
    *sim.calls.write().await.entry(source.clone()).or_default() += 1;
    let claims = match sim.verify(&headers, &source, RELATIONS_SCOPE).await {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    let Ok(call) = serde_json::from_slice::<RelationsCall>(&body) else {
        return Refusal::bad("the body is not a relations call").into_response();
    };
    if call.pid != claims.pid {
        return Refusal::forbidden("the token is for another person").into_response();
    }
    Json(RelationsAnswer {
        protocol: PROTOCOL_VERSION.into(),
        relations: citizens::family_relations(&call.pid),
    })
    .into_response()
}

async fn operate(
    State(sim): State<Arc<Simulator>>,
    Path((source, operation)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !known(&source) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(operation) = Operation::parse(&operation) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    *sim.calls.write().await.entry(source.clone()).or_default() += 1;
    let claims = match sim.verify(&headers, &source, &operation.scope()).await {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    if operation == Operation::Notify {
        return receive_notice(&sim, &source, &claims.subject(), &body).await;
    }
    let Ok(call) = serde_json::from_slice::<OperationCall>(&body) else {
        return Refusal::bad("the body is not an operation call").into_response();
    };
    // A pid-restricted token is only good for the person it names (as in Maskinporten).
    if call.subject != claims.subject() {
        return Refusal::forbidden("the token is for another person").into_response();
    }
    // A DUF number only where the source finds persons by it (UDI, IMDi, the municipality);
    // a call never names both.
    let key = match (&call.subject.duf, call.subject.pid.is_empty()) {
        (Some(duf), true) => {
            if !data::FINDS_BY_DUF.contains(&source.as_str()) {
                return Refusal::bad("this source finds persons by national identity number only")
                    .into_response();
            }
            if DufNumber::parse(duf, i32::MAX).is_err() {
                return Refusal::bad("subject.duf is not a DUF number").into_response();
            }
            duf.clone()
        }
        (None, false) => {
            if Pid::parse(
                &call.subject.pid,
                PidPolicy {
                    allow_synthetic: true,
                },
            )
            .is_err()
            {
                return Refusal::bad("subject.pid is not a valid identity number").into_response();
            }
            call.subject.pid.clone()
        }
        _ => return Refusal::bad("name the person by pid or by duf").into_response(),
    };
    let faults = {
        let mut all = sim.faults.write().await;
        let f = all.entry(source.clone()).or_default();
        if f.request_id.is_some_and(|r| r != call.request_id) {
            Faults::default()
        } else {
            let snapshot = f.clone();
            f.fail_next = f.fail_next.saturating_sub(1);
            snapshot
        }
    };
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if faults.hang {
        std::future::pending::<()>().await;
    }
    if faults.fail_next > 0
        || (faults.failure_rate > 0.0 && rand::thread_rng().gen_bool(faults.failure_rate))
    {
        return (StatusCode::INTERNAL_SERVER_ERROR, "simulated failure").into_response();
    }
    if faults.malformed {
        return (
            [(header::CONTENT_TYPE, "application/json")],
            "{\"protocol\": \"1\", \"records\": [{\"id\": ",
        )
            .into_response();
    }
    if faults.trickle {
        let stream = futures::stream::unfold((), |_| async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            Some((Ok::<_, std::io::Error>(Bytes::from_static(b" ")), ()))
        });
        return (
            [(header::CONTENT_TYPE, "application/json")],
            Body::from_stream(stream),
        )
            .into_response();
    }
    let pid = key.as_str();
    let answer = match operation {
        Operation::Access => data::records(&source, pid).map(|records| {
            serde_json::to_value(AccessAnswer {
                protocol: PROTOCOL_VERSION.into(),
                request_id: call.request_id,
                records,
            })
        }),
        op => data::operate(
            &source,
            pid,
            op,
            &call.record_ids,
            crate::clock::today_oslo(),
        )
        .map(|mut results| {
            // A rectified record holds the value the controller sent.
            for r in results
                .iter_mut()
                .filter(|r| r.outcome == RecordOutcome::Corrected)
            {
                r.new_value = call
                    .corrections
                    .iter()
                    .find(|c| c.record_id == r.record_id)
                    .map(|c| c.value.clone());
            }
            serde_json::to_value(OperationAnswer {
                protocol: PROTOCOL_VERSION.into(),
                request_id: call.request_id,
                results,
            })
        }),
    };
    match answer {
        Some(Ok(v)) => Json(v).into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The demo's registrations of the simulated sources, pointing at `base` (e.g.
/// `http://127.0.0.1:8080/sim`).
pub fn demo_sources(base: &str) -> Vec<super::SourceSystem> {
    let base = base.trim_end_matches('/');
    data::SOURCES
        .iter()
        .map(|(id, name, owner)| super::SourceSystem {
            id: (*id).into(),
            name: (*name).into(),
            owner: (*owner).into(),
            capabilities: Operation::ALL.to_vec(),
            endpoint: Some(format!("{base}/{id}")),
            auth_mode: super::AuthMode::Dsar,
            maskinporten_scope: None,
            maskinporten_resource: None,
            timeout_ms: 5_000,
            max_attempts: 3,
            backoff_ms: 1_000,
            service_areas: match *id {
                "voksenopplaering" | "kompetanse-norge" => {
                    vec!["settlement".into(), "norwegian-training".into()]
                }
                "nir" => vec!["settlement".into(), "statistics".into()],
                _ => vec!["settlement".into()],
            },
            active: true,
            population_register: *id == "folkeregisteret",
            finds_by_duf: data::FINDS_BY_DUF.contains(id),
        })
        .collect()
}
