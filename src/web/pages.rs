//! Rendering HTML pages, and the friendly error pages every HTML route falls back on.

use super::{AppState, State};
use crate::error::AppError;
use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::{Value, json};

/// The parts of every page outside its main content.
#[derive(Debug, Clone, Serialize)]
pub struct Chrome {
    /// The team's own crisis line, shown first when known.
    pub team_help: Option<String>,
    /// The signed-in member of staff, for the header.
    pub user: Option<String>,
    pub is_admin: bool,
    /// The session's CSRF token, for forms.
    pub csrf_token: Option<String>,
    /// The page's language code (`en` or `cy`).
    pub lang: &'static str,
    /// The same page in the other language (public pages only).
    pub switch_href: Option<String>,
    /// Urgent comments waiting and teams without a duty contact (staff pages only).
    pub alerts: Option<crate::urgent::StaffAlerts>,
    /// Whether alerts about urgent comments reach the Trust's fallback address.
    pub fallback_alerts: bool,
}

impl Chrome {
    /// Chrome for a public page in `lang`.
    pub fn public(
        choice: &crate::web::lang::LangChoice,
        lang: crate::i18n::Lang,
        team_help: Option<String>,
    ) -> Self {
        Chrome {
            team_help,
            lang: lang.code(),
            switch_href: Some(choice.switch_href(lang)),
            ..Chrome::default()
        }
    }

    fn language(&self) -> crate::i18n::Lang {
        crate::i18n::Lang::parse(self.lang).unwrap_or_default()
    }
}

impl Default for Chrome {
    fn default() -> Self {
        Chrome {
            team_help: None,
            user: None,
            is_admin: false,
            csrf_token: None,
            lang: "en",
            switch_href: None,
            alerts: None,
            fallback_alerts: false,
        }
    }
}

impl AppState {
    /// Renders a page template with the shared chrome.
    pub fn page(
        &self,
        template: &str,
        status: StatusCode,
        context: Value,
        chrome: &Chrome,
    ) -> HttpResponse {
        match self.render_page(template, context, chrome) {
            Ok(html) => html_response(status, html),
            Err(e) => render_failed(template, &e),
        }
    }

    /// Like `page`, for a page that is the same for everyone it is shown to: rendered once for
    /// each `depends_on` (everything in its context besides the chrome) and chrome, then kept.
    /// `context` is only called when the page has to be rendered.
    pub fn shared_page(
        &self,
        template: &str,
        depends_on: &str,
        context: impl FnOnce() -> Value,
        chrome: &Chrome,
    ) -> HttpResponse {
        let key = format!("{template}\n{depends_on}\n{}", json!(chrome));
        match self
            .page_cache
            .get_or_render(key, || self.render_page(template, context(), chrome))
        {
            Ok(html) => html_response(StatusCode::OK, html.to_string()),
            Err(e) => render_failed(template, &e),
        }
    }

    fn render_page(
        &self,
        template: &str,
        mut context: Value,
        chrome: &Chrome,
    ) -> Result<String, handlebars::RenderError> {
        if let Value::Object(map) = &mut context {
            map.insert("chrome".into(), json!(chrome));
            let lang = chrome.language();
            let help = match lang {
                crate::i18n::Lang::Cy => self
                    .settings
                    .national_help_cy
                    .clone()
                    .unwrap_or_else(|| crate::i18n::t(lang, "national_help")),
                crate::i18n::Lang::En => self.settings.national_help.clone(),
            };
            map.insert("national_help".into(), json!(help));
            map.insert("t".into(), crate::i18n::as_json(lang).clone());
            let lang_query = if lang == crate::i18n::Lang::Cy {
                "?lang=cy"
            } else {
                ""
            };
            map.insert("lang_query".into(), json!(lang_query));
        }
        self.templates.html_value(template, context)
    }

    /// Renders the friendly page for an error.
    pub fn error_page(&self, status: StatusCode, message: &str) -> HttpResponse {
        let title = match status {
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::GONE => "This link can no longer be used",
            StatusCode::FORBIDDEN => "You do not have access to this page",
            StatusCode::UNAUTHORIZED => "Please sign in",
            StatusCode::TOO_MANY_REQUESTS => "Please wait a moment",
            StatusCode::SERVICE_UNAVAILABLE => "Please try again in a minute",
            s if s.is_client_error() => "There is a problem",
            _ => "Sorry, something went wrong",
        };
        self.page(
            "pages/error",
            status,
            json!({ "title": title, "message": message }),
            &Chrome::default(),
        )
    }
}

fn html_response(status: StatusCode, html: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html)
}

fn render_failed(template: &str, e: &handlebars::RenderError) -> HttpResponse {
    tracing::error!(template, error = %e, "rendering a page failed");
    HttpResponse::InternalServerError()
        .content_type("text/plain; charset=utf-8")
        .body("Something went wrong on our side.")
}

/// An error on an HTML route: the same mapping as the API, shown as a page.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageError(#[from] pub AppError);

impl From<diesel::result::Error> for PageError {
    fn from(e: diesel::result::Error) -> Self {
        PageError(e.into())
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status_code()
    }

    /// The body is filled in by [`error_pages`], which can reach the templates.
    fn error_response(&self) -> HttpResponse {
        self.0.log();
        HttpResponse::build(self.status_code()).finish()
    }
}

/// Renders a friendly page for any error response that has no body of its own.
pub fn error_pages() -> ErrorHandlers<BoxBody> {
    ErrorHandlers::new().default_handler(render_error)
}

fn render_error(res: ServiceResponse<BoxBody>) -> actix_web::Result<ErrorHandlerResponse<BoxBody>> {
    if res.response().headers().contains_key(header::CONTENT_TYPE) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let message = res
        .response()
        .error()
        .and_then(|e| e.as_error::<PageError>())
        .map(|e| e.0.to_string())
        .unwrap_or_else(|| default_message(status).to_string());
    let (req, original) = res.into_parts();
    let Some(state) = req.app_data::<State>() else {
        return Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(req, original).map_into_left_body(),
        ));
    };
    let mut page = state.error_page(status, &message);
    for (name, value) in original.headers() {
        if name == header::LOCATION
            || name == header::SET_COOKIE
            || name == header::WWW_AUTHENTICATE
        {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    page.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, page).map_into_right_body(),
    ))
}

pub fn default_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => {
            "We could not find that page. Check the address, or go back to the start."
        }
        StatusCode::METHOD_NOT_ALLOWED => "That page cannot be used in this way.",
        StatusCode::PAYLOAD_TOO_LARGE => "What was sent is too large.",
        StatusCode::BAD_REQUEST => "What was sent could not be read. Please go back and try again.",
        s if s.is_server_error() => "Something went wrong on our side. Please try again later.",
        _ => "Something went wrong with that request.",
    }
}

/// Unknown routes: a JSON error under `/api`, a friendly page elsewhere.
pub async fn not_found(req: HttpRequest, state: State) -> HttpResponse {
    if req.path().starts_with("/api/") {
        return AppError::NotFound("route").error_response();
    }
    state.error_page(
        StatusCode::NOT_FOUND,
        default_message(StatusCode::NOT_FOUND),
    )
}
