//! The hub's one error type on the wire: a status and a JSON body with a stable code and a
//! sentence, for every refusal the API makes.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use ewarong_core::protocol::{ApiError, Head};

/// The largest request body taken: a batch of a few hundred entries is well under this.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// An error response: status and JSON body.
#[derive(Debug)]
pub struct Fail(StatusCode, Box<ApiError>);

impl Fail {
    pub(crate) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self(
            status,
            Box::new(ApiError {
                error: code.to_owned(),
                message: message.into(),
                head: None,
                hub_time: None,
            }),
        )
    }

    /// The sentence for people.
    pub fn message(&self) -> &str {
        &self.1.message
    }

    /// The stable error code.
    pub fn code(&self) -> &str {
        &self.1.error
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0
    }

    /// The JSON body.
    pub fn api_error(&self) -> &ApiError {
        &self.1
    }

    pub(crate) fn with_head(mut self, head: Head) -> Self {
        self.1.head = Some(head);
        self
    }

    pub(crate) fn with_hub_time(mut self, hub_time: String) -> Self {
        self.1.hub_time = Some(hub_time);
        self
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        (self.0, axum::Json(*self.1)).into_response()
    }
}

impl From<super::StoreError> for Fail {
    fn from(e: super::StoreError) -> Self {
        tracing::error!(error = %e, "hub storage failed");
        Fail::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage",
            "the hub could not reach its database; try again later",
        )
    }
}

/// The refusal of a body over [`MAX_BODY_BYTES`].
pub(crate) fn too_large() -> Fail {
    Fail::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the request body is over the limit of {MAX_BODY_BYTES} bytes"),
    )
}

/// The refusal when an address has asked too often.
pub fn too_many() -> Fail {
    Fail::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        "too many requests or failed attempts from this address; wait a minute and try again",
    )
}
