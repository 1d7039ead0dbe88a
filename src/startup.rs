//! Building the application from settings: the pool, migrations, questionnaires, templates,
//! mail, the background worker, and the HTTP server.

use crate::config::Settings;
use crate::db::{self, Pool};
use crate::invitations::letters::InvitationLetters;
use crate::jobs::retention::Retention;
use crate::jobs::{InboundTexts, JobSettings, Scheduler};
use crate::mail::MailKind;
use crate::mail::Mailer;
use crate::mail::notify::{Notify, NotifyKey, NotifyTemplates};
use crate::mail::outbox::OutboxSender;
use crate::mail::outbox::{Letters, LettersByKind};
use crate::mail::worker::{Nudge, Worker};
use crate::opt_outs::OptOuts;
use crate::submissions::{Submissions, TextReading};
use crate::surveys::{self, Catalogue};
use crate::templates::Templates;
use crate::text::{RiskTerms, Tagger};
use crate::urgent::letters::UrgentLetters;
use crate::web::{self, AppState};
use actix_web::cookie::Key;
use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware::from_fn};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    /// `/metrics` on `METRICS_BIND`, when set.
    metrics_server: Option<Server>,
    pool: Pool,
    background: Background,
}

/// The threads that work beside the server: the mail worker and the scheduler. Dropping this
/// stops them.
pub struct Background {
    _mail: Worker,
    _jobs: Scheduler,
}

/// A server of its own for `/metrics` on `address`, with one worker and no token: the operator
/// binds it where only their scraper reaches.
fn metrics_server(address: &str, state: actix_web::web::Data<AppState>) -> anyhow::Result<Server> {
    let server = HttpServer::new(move || {
        App::new().app_data(state.clone()).route(
            "/metrics",
            actix_web::web::get()
                .to(|state: web::State| async move { web::public::metrics_body(&state).await }),
        )
    })
    .workers(1)
    .bind(address)
    .map_err(|e| anyhow::anyhow!("cannot listen on METRICS_BIND {address}: {e}"))?
    .shutdown_timeout(5)
    .run();
    Ok(server)
}

/// The domain of `public_url`, for our Message-IDs.
fn host_of(public_url: &str) -> &str {
    public_url
        .split("://")
        .nth(1)
        .unwrap_or("localhost")
        .split([':', '/'])
        .next()
        .filter(|host| !host.is_empty())
        .unwrap_or("localhost")
}

/// The parts of the service that do not depend on HTTP, shared by `serve` and CLI commands.
pub struct Services {
    pub pool: Pool,
    pub catalogue: Arc<Catalogue>,
    pub templates: Arc<Templates>,
}

impl Services {
    /// Opens the database, applies migrations, loads and stores the questionnaires.
    pub fn open(settings: &Settings) -> anyhow::Result<Self> {
        let definitions =
            surveys::load_definitions(settings.surveys_dir.as_deref()).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                anyhow::anyhow!(
                    "questionnaire definitions are not valid:\n  {}",
                    lines.join("\n  ")
                )
            })?;
        let catalogue = Arc::new(Catalogue::new(definitions));
        let templates = Arc::new(Templates::load(settings.templates_dir.as_deref())?);
        let url = settings.database_url.expose();
        let pool = db::build_pool(url, settings.db_pool_size)
            .map_err(|e| anyhow::anyhow!("cannot open the database {url}: {e}"))?;
        let mut conn = pool
            .get()
            .map_err(|e| anyhow::anyhow!("cannot connect to the database {url}: {e}"))?;
        db::run_migrations(&mut conn)?;
        catalogue
            .sync(&mut conn)
            .map_err(|e| anyhow::anyhow!("storing questionnaire versions failed: {e}"))?;
        Ok(Services {
            pool,
            catalogue,
            templates,
        })
    }
}

impl Application {
    /// Builds everything and binds the listener (port 0 picks a free port, for tests).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = Self::listen(&settings)?;
        let services = Services::open(&settings)?;
        Self::build_with(settings, services, listener)
    }

    /// Binds `BIND_ADDRESS`, so the address really listened on is known before anything is
    /// printed or linked to.
    pub fn listen(settings: &Settings) -> anyhow::Result<TcpListener> {
        TcpListener::bind(&settings.bind_address)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind_address))
    }

    /// Builds on already opened services and a bound listener.
    pub fn build_with(
        settings: Settings,
        services: Services,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        settings.check_for_serving()?;
        let port = listener.local_addr()?.port();
        let risk = match &settings.risk_terms_file {
            Some(path) => RiskTerms::from_file(path)
                .map_err(|e| anyhow::anyhow!("RISK_TERMS_FILE {}: {e}", path.display()))?,
            None => RiskTerms::default(),
        };
        let rules = crate::reports::rules::EvidenceRules::load(settings.evidence_file.as_deref())?;
        let mailer = match &settings.smtp_url {
            Some(url) => Mailer::smtp(url.expose())?,
            None => Mailer::files(settings.mail_dir.clone())?,
        };
        let nudge = Arc::new(Nudge::default());
        let metrics = crate::metrics::Metrics::new()?;
        let notify = match &settings.notify_api_key {
            Some(key) => {
                let key = NotifyKey::parse(key.expose())
                    .map_err(|why| anyhow::anyhow!("setting NOTIFY_API_KEY {why}"))?;
                Some(Notify::new(&settings.notify_base_url, key)?)
            }
            None => None,
        };
        let notify_templates = NotifyTemplates {
            sms: settings.notify_sms_template_id.clone(),
            reminder_sms: settings.notify_reminder_sms_template_id.clone(),
            email: settings.notify_email_template_id.clone(),
            urgent_sms: settings.notify_urgent_sms_template_id.clone(),
        };
        let opt_outs = OptOuts::new(settings.opt_out_key.as_ref().map(|k| k.expose().as_slice()));
        let invitation_letters: Arc<dyn Letters> = Arc::new(InvitationLetters {
            public_url: settings.public_url.clone(),
            national_help: settings.national_help.clone(),
            opt_outs: opt_outs.clone(),
        });
        let urgent_letters: Arc<dyn Letters> = Arc::new(UrgentLetters {
            public_url: settings.public_url.clone(),
            fallback_email: settings.urgent_fallback_email.clone(),
            ack_hours: settings.urgent_ack_hours.clone(),
            texts: notify.is_some() && notify_templates.urgent_sms.is_some(),
        });
        let sender = OutboxSender {
            pool: services.pool.clone(),
            templates: services.templates.clone(),
            mailer,
            mail_from: settings.mail_from.clone(),
            host: host_of(&settings.public_url).to_string(),
            retry_base_seconds: settings.mail_retry_base_seconds,
            metrics: metrics.clone(),
            letters: Arc::new(LettersByKind(vec![
                (MailKind::Invitation, invitation_letters.clone()),
                (MailKind::Reminder, invitation_letters),
                (MailKind::UrgentAlert, urgent_letters.clone()),
                (MailKind::UrgentEscalation, urgent_letters.clone()),
                (MailKind::UrgentAlertText, urgent_letters),
            ])),
            notify: notify.clone(),
            notify_templates,
        };
        let background = Background {
            _mail: Worker::start(
                sender,
                nudge.clone(),
                Duration::from_secs(u64::from(settings.mail_poll_seconds)),
            ),
            _jobs: Scheduler::start(
                services.pool.clone(),
                JobSettings {
                    inbound_texts: notify.clone().map(|notify| InboundTexts {
                        notify,
                        opt_outs: opt_outs.clone(),
                        every: Duration::from_secs(u64::from(settings.notify_inbound_poll_seconds)),
                    }),
                    mail_dir: settings
                        .smtp_url
                        .is_none()
                        .then(|| settings.mail_dir.clone()),
                    reminder_after_days: settings.reminder_after_days,
                    release_time: settings.release_time,
                    min_n: rules.min_n,
                    retention: Retention {
                        comment_months: settings.comment_retention_months,
                        audit_months: settings.audit_retention_months,
                    },
                },
            )?,
        };
        let session_key = match &settings.session_key {
            Some(bytes) => Key::from(bytes.expose()),
            None => {
                tracing::warn!(
                    "SESSION_KEY is not set: staff sessions end when the server restarts"
                );
                Key::generate()
            }
        };
        let settings = Arc::new(settings);
        // On PostgreSQL several servers may share the database, and so share their counts.
        let shared_counters =
            (!settings.database_url.expose().is_sqlite()).then(|| services.pool.clone());
        let limiter = web::rate_limit::Limiter::new(
            settings.rate_limit_per_minute,
            settings.trusted_proxies.clone(),
            shared_counters,
        );
        let state = actix_web::web::Data::new(AppState {
            pool: services.pool.clone(),
            submissions: Submissions::start(
                settings.database_url.expose(),
                metrics.commits.clone(),
                TextReading {
                    risk,
                    themes: Tagger::new(&rules.themes),
                },
                settings.urgent_ack,
                nudge.clone(),
            )?,
            catalogue: services.catalogue,
            templates: services.templates,
            settings: settings.clone(),
            rules: Arc::new(rules),
            nudge,
            metrics,
            opt_outs,
            texts: notify.is_some(),
            page_cache: Default::default(),
            open_links: Default::default(),
        });
        // Database work runs on blocking threads, a pool of them for each worker; more in all
        // than pooled connections would only queue for a connection, each holding its own memory.
        let workers = usize::try_from(settings.http_workers).unwrap_or(1).max(1);
        let blocking_threads = usize::try_from(settings.db_pool_size)
            .unwrap_or(8)
            .div_ceil(workers)
            .max(2);
        let metrics_server = match &settings.metrics_bind {
            Some(address) => Some(metrics_server(address, state.clone())?),
            None => None,
        };
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(actix_web::web::PayloadConfig::new(256 * 1024))
                .app_data(actix_web::web::FormConfig::default().limit(256 * 1024))
                .wrap(from_fn(web::body_deadline::body_deadline))
                .wrap(from_fn(web::middleware::security_headers))
                .wrap(from_fn(web::middleware::request_log))
                .configure(|cfg| web::configure(cfg, &settings, &session_key, &limiter))
        })
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads)
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        Ok(Application {
            port,
            server,
            metrics_server,
            pool: services.pool,
            background,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The database pool (tests inspect the database through it).
    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    /// Serves until the process is told to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Application {
            server,
            metrics_server,
            background,
            ..
        } = self;
        if let Some(metrics) = metrics_server {
            actix_web::rt::spawn(metrics);
        }
        let result = server.await;
        drop(background);
        result
    }

    /// Splits into the server future and the guard that stops the background threads when
    /// dropped (tests).
    pub fn into_parts(self) -> (Server, Pool, Background) {
        if let Some(metrics) = self.metrics_server {
            actix_web::rt::spawn(metrics);
        }
        (self.server, self.pool, self.background)
    }
}
