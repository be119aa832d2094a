//! Post-processing of the generated OpenAPI document: every operation documents the error
//! responses that the shared layers can produce (problem+json), so clients and fuzzers see the
//! full contract without each handler repeating it.

use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            crate::error::PROBLEM_JSON,
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        )
        .build()
}

fn add(op: &mut Operation, status: &str, description: &str) {
    if !op.responses.responses.contains_key(status) {
        op.responses.responses.insert(status.to_string(), problem(description).into());
    }
}

/// Adds the generic error responses to every operation of `doc`.
pub fn add_common_responses(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let api = path.starts_with("/api/");
        let ops = [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
            item.head.as_mut(),
            item.options.as_mut(),
            item.trace.as_mut(),
        ];
        for op in ops.into_iter().flatten() {
            let has_body = op.request_body.is_some();
            let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            if has_body {
                add(op, "400", "The body is not valid JSON");
                add(op, "413", "The body is too large");
                add(op, "415", "The body is not application/json");
            }
            if has_body || has_params {
                add(op, "422", "Invalid fields (`errors` names them)");
            }
            if secured {
                add(op, "401", "Not signed in, or the token is invalid or expired");
                add(op, "403", "Cookie-authenticated unsafe request without a valid CSRF token");
            }
            if api && path.starts_with("/api/v1/auth/") && has_body {
                add(op, "429", "Rate limited (see Retry-After)");
            }
            if path.contains('{') {
                add(op, "404", "No such resource, or it belongs to another user");
            }
            add(op, "408", "The request took too long");
            add(op, "500", "Unexpected error (logged with the request id)");
        }
    }
}
