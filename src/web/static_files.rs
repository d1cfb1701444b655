//! The stylesheets and images of the pages. They are built into the binary, so the product looks
//! the same whatever directory it is started from; `static_dir` serves a folder instead.
use std::{convert::Infallible, path::Path};

use axum::{
    body::Body,
    http::{HeaderValue, Request, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{MethodRouter, get},
};
use include_dir::{Dir, include_dir};
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// The service behind `/static`: the folder when one is configured, else the built-in files.
pub fn static_files(
    dir: Option<&Path>,
) -> BoxCloneSyncService<Request<Body>, Response, Infallible> {
    match dir {
        Some(dir) => BoxCloneSyncService::new(
            tower::ServiceBuilder::new()
                .map_response(IntoResponse::into_response)
                .service(ServeDir::new(dir)),
        ),
        None => {
            let route: MethodRouter = get(embedded).head(embedded);
            BoxCloneSyncService::new(route)
        }
    }
}

async fn embedded(request: Request<Body>) -> Response {
    let path = request.uri().path().trim_start_matches('/');
    match EMBEDDED.get_file(path) {
        Some(file) => (
            [(header::CONTENT_TYPE, content_type(path))],
            file.contents(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The types of the files we ship; anything else is served as bytes.
fn content_type(path: &str) -> HeaderValue {
    let kind = match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    };
    HeaderValue::from_static(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_file_has_its_type() {
        for file in EMBEDDED.files() {
            let path = file.path().to_string_lossy();
            assert_ne!(
                content_type(&path),
                "application/octet-stream",
                "{path} would be served without its type"
            );
        }
        assert!(EMBEDDED.get_file("dsar.css").is_some());
    }
}
