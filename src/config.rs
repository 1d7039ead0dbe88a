//! Typed settings from an optional TOML file and the environment, checked once at start.
//!
//! Every key has the same name in both places (the file may use lower case). The environment
//! wins over the file. Unknown keys in the file are refused, and secrets never reach `Debug`.

use crate::db::DatabaseUrl;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use validator::ValidateEmail;

/// Every key the service reads, with the README's description kept in one place.
pub const KEYS: &[(&str, &str)] = &[
    (
        "DATABASE_URL",
        "sqlite://PATH or postgres://...; default sqlite://data/crt-feedback.db",
    ),
    (
        "PUBLIC_URL",
        "base of links in emails and cards; with https://, SESSION_KEY is required, cookies are Secure and Strict-Transport-Security is sent; default http://localhost and the port the server listens on (or its address, when that is not a loopback or every-interface one), e.g. http://localhost:8080",
    ),
    (
        "BIND_ADDRESS",
        "address the server listens on; default 127.0.0.1:8080",
    ),
    (
        "SMTP_URL",
        "smtp://host:port or smtps://user:pass@host; unset = write .eml files",
    ),
    (
        "MAIL_FROM",
        "sender of invitation emails; default crt-feedback@localhost",
    ),
    (
        "MAIL_DIR",
        "folder for .eml files when SMTP_URL is unset; default data/mail",
    ),
    (
        "SESSION_KEY",
        "at least 64 random bytes, hex or base64; required when PUBLIC_URL is https://; unset = a new key each start (development only)",
    ),
    (
        "SESSION_IDLE_MINUTES",
        "staff sessions end after this idle time (and when the browser closes); default 30",
    ),
    (
        "INVITATION_EXPIRY_DAYS",
        "days an invitation link works; default 28",
    ),
    (
        "RELEASE_TIME",
        "local time of day (HH:MM) at which waiting responses are released to staff; default 06:00",
    ),
    (
        "REMINDER_AFTER_DAYS",
        "days before the one reminder email; default 7",
    ),
    (
        "SURVEYS_DIR",
        "folder of extra or overriding questionnaire .toml files; optional",
    ),
    (
        "TEMPLATES_DIR",
        "folder of overriding .hbs templates; optional",
    ),
    (
        "RISK_TERMS_FILE",
        "text file, one risk phrase a line, replacing the built-in list; optional",
    ),
    (
        "NATIONAL_HELP",
        "urgent-help line shown on every public page; default NHS 111 option 2, Samaritans, 999",
    ),
    (
        "NATIONAL_HELP_CY",
        "the same line in Welsh; default the Welsh of the default line",
    ),
    ("DB_POOL_SIZE", "database connections per server; default 8"),
    (
        "HTTP_WORKERS",
        "threads answering HTTP; default one fewer than the machine's cores, at least one",
    ),
    (
        "RATE_LIMIT_PER_MINUTE",
        "requests per minute per client on survey, code and sign-in routes (the client as TRUSTED_PROXIES resolves it; shared by all servers on PostgreSQL); default 120",
    ),
    (
        "TRUSTED_PROXIES",
        "addresses and CIDR ranges of your load balancers and proxies, separated by commas (e.g. 10.0.0.0/8, 192.0.2.7); only a request from one of them has its client taken from X-Forwarded-For (the right-most address that is not a trusted proxy) or, without it, Forwarded; unset = the connecting address is the client",
    ),
    (
        "LOGIN_MAX_FAILURES",
        "failed sign-ins from one client for one address before that client must wait (30 seconds, doubling with each further failure); other clients are not held up; default 5",
    ),
    (
        "LOGIN_LOCK_MINUTES",
        "the longest wait after failed sign-ins, in minutes; default 15",
    ),
    (
        "API_KEY_MAX_DAYS",
        "the longest an API key works (api-key create --expires-days N may ask for less); default 365",
    ),
    (
        "INVITES_PER_USER_PER_DAY",
        "discharge invitations (service user, easy read, carer) one member of staff may issue a day, by API or staff page; beyond it 429; default 200",
    ),
    (
        "BODY_TIMEOUT_SECONDS",
        "a request whose body has not all arrived this many seconds after its headers gets 408; default 10",
    ),
    (
        "MAIL_RETRY_BASE_SECONDS",
        "first wait before retrying a failed send, doubling to an hour; default 30",
    ),
    (
        "MAIL_POLL_SECONDS",
        "how often the outbox is checked when nothing wakes it; default 5",
    ),
    (
        "EVIDENCE_FILE",
        "TOML file changing the report rules: threshold_pct, min_n, required_sources, themes; optional",
    ),
    (
        "COMMENT_RETENTION_MONTHS",
        "free-text comments older than this are deleted (their counts stay in the totals); default 36",
    ),
    (
        "AUDIT_RETENTION_MONTHS",
        "audit entries older than this are deleted; default 84",
    ),
    (
        "URGENT_FALLBACK_EMAIL",
        "Trust-wide address alerted about urgent comments for teams without a duty contact, and when nobody acknowledges one in time; optional",
    ),
    (
        "URGENT_ACK_HOURS",
        "hours within which an urgent comment must be acknowledged before the fallback address is alerted (decimals allowed); default 4",
    ),
    (
        "NOTIFY_API_KEY",
        "a GOV.UK Notify API key ({key name}-{service id}-{secret}); turns on text messages; optional",
    ),
    (
        "NOTIFY_BASE_URL",
        "GOV.UK Notify's API address; default https://api.notifications.service.gov.uk",
    ),
    (
        "NOTIFY_SMS_TEMPLATE_ID",
        "the Notify template for text invitations (personalisation: team, link, code, expires_on, help)",
    ),
    (
        "NOTIFY_REMINDER_SMS_TEMPLATE_ID",
        "the Notify template for the one text reminder; default the invitation's",
    ),
    (
        "NOTIFY_EMAIL_TEMPLATE_ID",
        "when set, email invitations and reminders go through Notify with this template instead of SMTP; optional",
    ),
    (
        "NOTIFY_URGENT_SMS_TEMPLATE_ID",
        "the Notify template for a text to a team's duty mobile about an urgent comment (team_name, team_code, received_on, link); optional",
    ),
    (
        "NOTIFY_INBOUND_POLL_SECONDS",
        "how often replies to the service's texts are read for STOP; default 300",
    ),
    (
        "OPT_OUT_KEY",
        "secret (16 characters or more) keying the hashes of opted-out contacts; default derived from SESSION_KEY",
    ),
    (
        "ORG_CODE",
        "the Trust's ODS code, the org_code column of the FFT return; optional",
    ),
    (
        "METRICS_TOKEN",
        "bearer token that GET /metrics requires on the main address; unset = /metrics answers 404 there",
    ),
    (
        "METRICS_BIND",
        "a separate address (e.g. 127.0.0.1:9100) serving /metrics without a token, for a scraper on a private network; optional",
    ),
    ("LOG_FORMAT", "text or json; default text"),
];

/// A value that must never be printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub fn new(value: T) -> Self {
        Self(value)
    }
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The validated settings the application is built from.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: Secret<DatabaseUrl>,
    pub public_url: String,
    /// Whether `PUBLIC_URL` was set; otherwise it follows the address the server listens on.
    pub public_url_given: bool,
    pub bind_address: String,
    pub smtp_url: Option<Secret<String>>,
    pub mail_from: String,
    pub mail_dir: PathBuf,
    pub session_key: Option<Secret<Vec<u8>>>,
    pub session_idle_minutes: u32,
    pub invitation_expiry_days: u32,
    pub reminder_after_days: u32,
    /// Local time of day at which waiting responses are released.
    pub release_time: chrono::NaiveTime,
    pub surveys_dir: Option<PathBuf>,
    pub templates_dir: Option<PathBuf>,
    pub risk_terms_file: Option<PathBuf>,
    pub evidence_file: Option<PathBuf>,
    pub national_help: String,
    pub national_help_cy: Option<String>,
    pub db_pool_size: u32,
    /// HTTP worker threads. One core is left by default for the writer of submissions and
    /// the database work, which on a small machine answers faster than a worker per core.
    pub http_workers: u32,
    pub rate_limit_per_minute: u32,
    /// Load balancers and proxies whose forwarded-for headers are believed.
    pub trusted_proxies: TrustedProxies,
    pub login_max_failures: u32,
    pub login_lock_minutes: u32,
    pub api_key_max_days: u32,
    pub invites_per_user_per_day: u32,
    pub body_timeout_seconds: u32,
    pub mail_retry_base_seconds: u32,
    pub mail_poll_seconds: u32,
    pub comment_retention_months: u32,
    pub audit_retention_months: u32,
    pub log_format: LogFormat,
    /// Where urgent alerts go for teams without a duty contact, and escalations.
    pub urgent_fallback_email: Option<String>,
    /// How long an urgent comment may wait for acknowledgement before escalation.
    pub urgent_ack: chrono::TimeDelta,
    /// `URGENT_ACK_HOURS` as it was given, for the alert's words.
    pub urgent_ack_hours: String,
    /// GOV.UK Notify, when set: the key and where its API is.
    pub notify_api_key: Option<Secret<String>>,
    pub notify_base_url: String,
    /// Notify template ids.
    pub notify_sms_template_id: Option<String>,
    pub notify_reminder_sms_template_id: Option<String>,
    pub notify_email_template_id: Option<String>,
    pub notify_urgent_sms_template_id: Option<String>,
    /// How often replies to the service's texts are read for STOP.
    pub notify_inbound_poll_seconds: u32,
    /// The key of opted-out contacts' hashes.
    pub opt_out_key: Option<Secret<Vec<u8>>>,
    /// The Trust's ODS code.
    pub org_code: Option<String>,
    /// The token `/metrics` needs on the main address; without it, and without
    /// `metrics_bind`, metrics are not served at all.
    pub metrics_token: Option<Secret<String>>,
    /// An address of its own for `/metrics`, reachable only where the operator binds it.
    pub metrics_bind: Option<String>,
}

/// A setting that could not be used, naming the key.
#[derive(Debug, thiserror::Error)]
#[error("setting {key} {problem}")]
pub struct SettingsError {
    pub key: String,
    pub problem: String,
}

fn bad(key: &str, problem: impl Into<String>) -> SettingsError {
    SettingsError {
        key: key.to_string(),
        problem: problem.into(),
    }
}

/// One fewer HTTP worker than cores, at least one (see `Settings::http_workers`).
fn default_http_workers() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    u32::try_from(cores.saturating_sub(1).max(1)).unwrap_or(1)
}

const DEFAULT_NATIONAL_HELP: &str = "If you need help now: call NHS 111 and choose option 2 for mental health, \
     call Samaritans free on 116 123 at any time, or call 999 if a life is at risk.";

impl Settings {
    /// Loads settings from the process environment and, when given, a TOML file.
    pub fn load(file: Option<&Path>) -> Result<Self, SettingsError> {
        let env: BTreeMap<String, String> = std::env::vars().collect();
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| env.get("CRT_CONFIG").map(PathBuf::from));
        let mut values = match file {
            Some(path) => read_file(&path)?,
            None => BTreeMap::new(),
        };
        for (key, _) in KEYS {
            if let Some(v) = env.get(*key) {
                values.insert((*key).to_string(), v.clone());
            }
            let file_key = format!("{key}_FILE");
            if let Some(path) = env.get(&file_key) {
                let secret = std::fs::read_to_string(path)
                    .map_err(|e| bad(&file_key, format!("cannot be read: {e}")))?;
                values.insert((*key).to_string(), secret.trim().to_string());
            }
        }
        Self::from_values(&values)
    }

    /// Builds settings from key/value pairs (keys as in [`KEYS`]); used by `load` and tests.
    pub fn from_values(values: &BTreeMap<String, String>) -> Result<Self, SettingsError> {
        for key in values.keys() {
            if !KEYS.iter().any(|(k, _)| k == key) {
                return Err(bad(key, "is not a known setting"));
            }
        }
        let get = |key: &str| values.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
        let number = |key: &str, default: u32, min: u32, max: u32| -> Result<u32, SettingsError> {
            match get(key) {
                None => Ok(default),
                Some(v) => match v.parse::<u32>() {
                    Ok(n) if (min..=max).contains(&n) => Ok(n),
                    _ => Err(bad(
                        key,
                        format!("must be a whole number from {min} to {max}, not `{v}`"),
                    )),
                },
            }
        };

        let database_url =
            DatabaseUrl::parse(get("DATABASE_URL").unwrap_or("sqlite://data/crt-feedback.db"))
                .map_err(|e| bad("DATABASE_URL", e.to_string()))?;

        let bind_address = get("BIND_ADDRESS").unwrap_or("127.0.0.1:8080").to_string();
        if bind_address.parse::<std::net::SocketAddr>().is_err() && !bind_address.contains(':') {
            return Err(bad("BIND_ADDRESS", "must be HOST:PORT"));
        }

        let public_url_given = get("PUBLIC_URL").is_some();
        let public_url = get("PUBLIC_URL")
            .map(str::to_string)
            .unwrap_or_else(|| local_url(&bind_address))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://"))
            || public_url.split("://").nth(1).is_none_or(str::is_empty)
        {
            return Err(bad(
                "PUBLIC_URL",
                "must start with http:// or https:// and name a host",
            ));
        }

        let smtp_url = match get("SMTP_URL") {
            None => None,
            Some(v) if v.starts_with("smtp://") || v.starts_with("smtps://") => {
                Some(Secret::new(v.to_string()))
            }
            Some(_) => return Err(bad("SMTP_URL", "must start with smtp:// or smtps://")),
        };

        let mail_from = get("MAIL_FROM")
            .unwrap_or("crt-feedback@localhost")
            .to_string();
        let address_part = mail_from
            .rsplit_once('<')
            .map(|(_, a)| a.trim_end_matches('>'))
            .unwrap_or(&mail_from);
        if !address_part.validate_email() && !address_part.ends_with("@localhost") {
            return Err(bad("MAIL_FROM", "must be an email address"));
        }

        let session_key = match get("SESSION_KEY") {
            None => None,
            Some(v) => {
                let bytes = hex::decode(v)
                    .ok()
                    .or_else(|| {
                        use base64::Engine;
                        base64::engine::general_purpose::STANDARD.decode(v).ok()
                    })
                    .ok_or_else(|| bad("SESSION_KEY", "must be hex or base64"))?;
                if bytes.len() < 64 {
                    return Err(bad("SESSION_KEY", "must be at least 64 bytes"));
                }
                Some(Secret::new(bytes))
            }
        };

        let release_time = match get("RELEASE_TIME") {
            None => chrono::NaiveTime::from_hms_opt(6, 0, 0).unwrap_or_default(),
            Some(v) => chrono::NaiveTime::parse_from_str(v, "%H:%M").map_err(|_| {
                bad(
                    "RELEASE_TIME",
                    format!("must be a time as HH:MM, not `{v}`"),
                )
            })?,
        };

        let log_format = match get("LOG_FORMAT").unwrap_or("text") {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(bad(
                    "LOG_FORMAT",
                    format!("must be text or json, not `{other}`"),
                ));
            }
        };

        let urgent_fallback_email = match get("URGENT_FALLBACK_EMAIL") {
            None => None,
            Some(v) if v.validate_email() => Some(v.to_string()),
            Some(_) => return Err(bad("URGENT_FALLBACK_EMAIL", "must be an email address")),
        };
        let urgent_ack_hours = get("URGENT_ACK_HOURS").unwrap_or("4").to_string();
        let urgent_ack = match urgent_ack_hours.parse::<f64>() {
            Ok(hours) if hours > 0.0 && hours <= 24.0 * 14.0 => {
                chrono::TimeDelta::milliseconds((hours * 3_600_000.0).round() as i64)
            }
            _ => {
                return Err(bad(
                    "URGENT_ACK_HOURS",
                    format!(
                        "must be a number of hours above 0 and up to 336, not `{urgent_ack_hours}`"
                    ),
                ));
            }
        };

        let template = |key: &str| -> Result<Option<String>, SettingsError> {
            match get(key) {
                None => Ok(None),
                Some(v) if uuid::Uuid::parse_str(v).is_ok() => Ok(Some(v.to_string())),
                Some(_) => Err(bad(key, "must be a Notify template id (a UUID)")),
            }
        };
        let notify_api_key = get("NOTIFY_API_KEY").map(|v| Secret::new(v.to_string()));
        let notify_base_url = get("NOTIFY_BASE_URL")
            .unwrap_or("https://api.notifications.service.gov.uk")
            .trim_end_matches('/')
            .to_string();
        if !(notify_base_url.starts_with("https://") || notify_base_url.starts_with("http://")) {
            return Err(bad(
                "NOTIFY_BASE_URL",
                "must start with https:// or http://",
            ));
        }
        let notify_sms_template_id = template("NOTIFY_SMS_TEMPLATE_ID")?;
        if notify_api_key.is_some() && notify_sms_template_id.is_none() {
            return Err(bad(
                "NOTIFY_SMS_TEMPLATE_ID",
                "is needed with NOTIFY_API_KEY: the template of text invitations",
            ));
        }
        let opt_out_key = match get("OPT_OUT_KEY") {
            Some(v) if v.len() >= 16 => Some(Secret::new(v.as_bytes().to_vec())),
            Some(_) => return Err(bad("OPT_OUT_KEY", "must be at least 16 characters")),
            None => session_key.as_ref().map(|k| {
                // One secret, two uses: a keyed hash of the session key, not the key itself.
                use sha2::Digest;
                let mut derived = sha2::Sha256::new();
                derived.update(b"crt-feedback opt-out key\0");
                derived.update(k.expose());
                Secret::new(derived.finalize().to_vec())
            }),
        };
        let org_code = get("ORG_CODE").map(str::to_ascii_uppercase);
        if org_code.as_deref().is_some_and(|c| {
            !(3..=10).contains(&c.len()) || !c.chars().all(|c| c.is_ascii_alphanumeric())
        }) {
            return Err(bad(
                "ORG_CODE",
                "must be an ODS code: 3 to 10 letters and digits",
            ));
        }
        let trusted_proxies = TrustedProxies::parse(get("TRUSTED_PROXIES").unwrap_or(""))
            .map_err(|why| bad("TRUSTED_PROXIES", why))?;

        let metrics_token = match get("METRICS_TOKEN") {
            None => None,
            Some(v) if v.len() >= 16 => Some(Secret::new(v.to_string())),
            Some(_) => return Err(bad("METRICS_TOKEN", "must be at least 16 characters")),
        };
        let metrics_bind = get("METRICS_BIND").map(str::to_string);
        if metrics_bind
            .as_deref()
            .is_some_and(|a| a.parse::<std::net::SocketAddr>().is_err())
        {
            return Err(bad("METRICS_BIND", "must be IP:PORT, e.g. 127.0.0.1:9100"));
        }

        Ok(Settings {
            database_url: Secret::new(database_url),
            public_url,
            public_url_given,
            bind_address,
            smtp_url,
            mail_from,
            mail_dir: PathBuf::from(get("MAIL_DIR").unwrap_or("data/mail")),
            session_key,
            session_idle_minutes: number("SESSION_IDLE_MINUTES", 30, 1, 24 * 60)?,
            invitation_expiry_days: number("INVITATION_EXPIRY_DAYS", 28, 1, 365)?,
            reminder_after_days: number("REMINDER_AFTER_DAYS", 7, 1, 365)?,
            release_time,
            surveys_dir: get("SURVEYS_DIR").map(PathBuf::from),
            templates_dir: get("TEMPLATES_DIR").map(PathBuf::from),
            risk_terms_file: get("RISK_TERMS_FILE").map(PathBuf::from),
            evidence_file: get("EVIDENCE_FILE").map(PathBuf::from),
            national_help: get("NATIONAL_HELP")
                .unwrap_or(DEFAULT_NATIONAL_HELP)
                .to_string(),
            national_help_cy: get("NATIONAL_HELP_CY").map(str::to_string),
            db_pool_size: number("DB_POOL_SIZE", 8, 1, 256)?,
            http_workers: number("HTTP_WORKERS", default_http_workers(), 1, 256)?,
            rate_limit_per_minute: number("RATE_LIMIT_PER_MINUTE", 120, 1, 1_000_000)?,
            trusted_proxies,
            login_max_failures: number("LOGIN_MAX_FAILURES", 5, 1, 100)?,
            login_lock_minutes: number("LOGIN_LOCK_MINUTES", 15, 1, 24 * 60)?,
            api_key_max_days: number("API_KEY_MAX_DAYS", 365, 1, 3650)?,
            invites_per_user_per_day: number("INVITES_PER_USER_PER_DAY", 200, 1, 100_000)?,
            body_timeout_seconds: number("BODY_TIMEOUT_SECONDS", 10, 1, 3600)?,
            mail_retry_base_seconds: number("MAIL_RETRY_BASE_SECONDS", 30, 1, 3600)?,
            mail_poll_seconds: number("MAIL_POLL_SECONDS", 5, 1, 3600)?,
            comment_retention_months: number("COMMENT_RETENTION_MONTHS", 36, 1, 1200)?,
            audit_retention_months: number("AUDIT_RETENTION_MONTHS", 84, 1, 1200)?,
            log_format,
            notify_api_key,
            notify_base_url,
            notify_sms_template_id,
            notify_reminder_sms_template_id: template("NOTIFY_REMINDER_SMS_TEMPLATE_ID")?,
            notify_email_template_id: template("NOTIFY_EMAIL_TEMPLATE_ID")?,
            notify_urgent_sms_template_id: template("NOTIFY_URGENT_SMS_TEMPLATE_ID")?,
            notify_inbound_poll_seconds: number("NOTIFY_INBOUND_POLL_SECONDS", 300, 1, 86_400)?,
            opt_out_key,
            org_code,
            urgent_fallback_email,
            urgent_ack,
            urgent_ack_hours,
            metrics_token,
            metrics_bind,
        })
    }

    /// Whether cookies must be marked Secure (the service is reached over HTTPS).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Checks what only serving needs: on HTTPS, a fixed `SESSION_KEY`, without which every
    /// restart signs everyone out and a second server refuses the first one's cookies.
    pub fn check_for_serving(&self) -> Result<(), SettingsError> {
        if self.secure_cookies() && self.session_key.is_none() {
            return Err(bad(
                "SESSION_KEY",
                "must be set when PUBLIC_URL is https:// (e.g. `openssl rand -hex 64`, the same on every server)",
            ));
        }
        Ok(())
    }

    /// Makes links follow the address the server really listens on, when `PUBLIC_URL` was not
    /// given (`serve --bind`, or port 0).
    pub fn listening_on(&mut self, address: std::net::SocketAddr) {
        if !self.public_url_given {
            self.public_url = local_url(&address.to_string());
        }
    }
}

/// `http://` and a listening address, naming `localhost` for a loopback or every-interface
/// address (127.0.0.1, 0.0.0.0, ::), which a browser on the same machine reaches that way, as
/// the default `http://localhost:8080` always did.
pub fn local_url(bind_address: &str) -> String {
    match bind_address.parse::<std::net::SocketAddr>() {
        Ok(address) if address.ip().is_unspecified() || address.ip().is_loopback() => {
            format!("http://localhost:{}", address.port())
        }
        _ => format!("http://{bind_address}"),
    }
}

/// The load balancers and proxies whose `X-Forwarded-For` and `Forwarded` headers are believed:
/// addresses and CIDR ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// Reads a list separated by commas or spaces; a bare address is a range of one.
    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.split([',', ' ', '\n', '\t'])
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<ipnet::IpNet>()
                    .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| format!("`{item}` is not an IP address or CIDR range"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// Whether an address is one of the trusted proxies.
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Whether any proxy is trusted at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Reads the TOML file into upper-case keys, refusing anything that is not a setting.
fn read_file(path: &Path) -> Result<BTreeMap<String, String>, SettingsError> {
    let key = "CRT_CONFIG";
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad(key, format!("file {} cannot be read: {e}", path.display())))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        bad(
            key,
            format!("file {} is not valid TOML: {e}", path.display()),
        )
    })?;
    let mut values = BTreeMap::new();
    for (name, value) in table {
        let upper = name.to_ascii_uppercase();
        if !KEYS.iter().any(|(k, _)| *k == upper) {
            return Err(bad(
                &name,
                format!("in {} is not a known setting", path.display()),
            ));
        }
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => return Err(bad(&name, "must be a string or a number")),
        };
        values.insert(upper, text);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_values(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn defaults_use_an_embedded_sqlite_file_under_data() {
        let s = with(&[]).unwrap();
        assert_eq!(
            s.database_url.expose().to_string(),
            "sqlite://data/crt-feedback.db"
        );
        assert_eq!(s.invitation_expiry_days, 28);
        assert!(!s.secure_cookies());
    }

    #[test]
    fn an_unknown_key_is_named_in_the_error() {
        let err = with(&[("DATABSE_URL", "sqlite://x.db")]).unwrap_err();
        assert_eq!(err.key, "DATABSE_URL");
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        let err = with(&[("DATABASE_URL", "mysql://localhost/crt")]).unwrap_err();
        assert_eq!(err.key, "DATABASE_URL");
        assert!(err.to_string().contains("mysql"));
    }

    #[test]
    fn numbers_out_of_range_are_refused_with_the_key() {
        let err = with(&[("INVITATION_EXPIRY_DAYS", "0")]).unwrap_err();
        assert_eq!(err.key, "INVITATION_EXPIRY_DAYS");
    }

    #[test]
    fn debug_output_redacts_secrets() {
        let key = "ab".repeat(64);
        let s = with(&[
            ("SMTP_URL", "smtp://user:hunter2@mail.example:25"),
            ("SESSION_KEY", key.as_str()),
            ("DATABASE_URL", "postgres://crt:pw123@db/crt"),
        ])
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"));
        assert!(!shown.contains("pw123"));
        assert!(!shown.contains(&key));
    }

    #[test]
    fn trusted_proxies_take_addresses_and_ranges_and_name_a_bad_one() {
        let s = with(&[("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32")]).unwrap();
        assert!(s.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
        assert!(s.trusted_proxies.contains("192.0.2.7".parse().unwrap()));
        assert!(
            s.trusted_proxies
                .contains("::ffff:192.0.2.7".parse().unwrap())
        );
        assert!(s.trusted_proxies.contains("2001:db8::1".parse().unwrap()));
        assert!(!s.trusted_proxies.contains("192.0.2.8".parse().unwrap()));
        let err = with(&[("TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")]).unwrap_err();
        assert_eq!(err.key, "TRUSTED_PROXIES");
        assert!(err.to_string().contains("proxy.local"), "{err}");
    }

    #[test]
    fn https_without_a_session_key_is_refused_for_serving_in_one_line() {
        let s = with(&[("PUBLIC_URL", "https://feedback.example.nhs.uk")]).unwrap();
        let err = s.check_for_serving().unwrap_err();
        assert_eq!(err.key, "SESSION_KEY");
        assert_eq!(err.to_string().lines().count(), 1);
        let key = "ab".repeat(64);
        let s = with(&[
            ("PUBLIC_URL", "https://feedback.example.nhs.uk"),
            ("SESSION_KEY", key.as_str()),
        ])
        .unwrap();
        assert!(s.check_for_serving().is_ok());
        assert!(with(&[]).unwrap().check_for_serving().is_ok());
    }

    #[test]
    fn without_a_public_url_links_follow_the_listening_address() {
        assert_eq!(with(&[]).unwrap().public_url, "http://localhost:8080");
        let mut s = with(&[("BIND_ADDRESS", "127.0.0.1:9000")]).unwrap();
        assert_eq!(s.public_url, "http://localhost:9000");
        s.listening_on("0.0.0.0:9123".parse().unwrap());
        assert_eq!(s.public_url, "http://localhost:9123");
        s.listening_on("192.0.2.10:80".parse().unwrap());
        assert_eq!(s.public_url, "http://192.0.2.10:80");
        let mut given = with(&[("PUBLIC_URL", "https://x.example/")]).unwrap();
        given.listening_on("127.0.0.1:9000".parse().unwrap());
        assert_eq!(given.public_url, "https://x.example");
    }

    #[test]
    fn a_file_with_an_unknown_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crt.toml");
        std::fs::write(
            &path,
            "database_url = \"sqlite://a.db\"\ncolour = \"blue\"\n",
        )
        .unwrap();
        let err = read_file(&path).unwrap_err();
        assert_eq!(err.key, "colour");
    }
}

#[cfg(test)]
mod readme {
    #[test]
    fn every_setting_is_documented_in_the_readme() {
        let readme = include_str!("../README.md");
        for (key, _) in super::KEYS {
            assert!(
                readme.contains(&format!("`{key}`")),
                "README does not document {key}"
            );
        }
    }
}
