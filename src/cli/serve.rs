//! `serve [--bind ADDRESS] [--demo]`: the web service.

use crate::config::Settings;
use crate::startup::{Application, Services};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 0.0.0.0:8080 (overrides BIND_ADDRESS).
    #[arg(long)]
    bind: Option<String>,
    /// Load a demo organisation into the embedded database and print a demo sign-in.
    #[arg(long)]
    demo: bool,
}

pub fn run(args: ServeArgs, mut settings: Settings) -> anyhow::Result<()> {
    if let Some(bind) = args.bind {
        settings.bind_address = bind;
    }
    // Settings that only serving needs are refused before anything else happens.
    settings.check_for_serving()?;
    // Bind first, so every message and link names the address really listened on (`--bind`,
    // or a port 0 the system chose).
    let listener = Application::listen(&settings)?;
    let bound = listener.local_addr()?;
    settings.listening_on(bound);
    if args.demo {
        super::demo::load(&settings)?;
    }
    let services = Services::open(&settings)?;
    println!("listening on http://{bound}");
    if args.demo {
        println!("open {}/staff/sign-in", settings.public_url);
    }
    let runtime = actix_web::rt::System::new();
    runtime.block_on(async move {
        let app = Application::build_with(settings, services, listener)?;
        tracing::info!(address = %bound, "listening");
        app.run_until_stopped().await.map_err(anyhow::Error::from)
    })
}
