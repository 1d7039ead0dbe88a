//! `serve [--bind ADDRESS] [--demo]`: the web service.

use crate::config::Settings;
use crate::startup::Application;

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
    if args.demo {
        super::demo::load(&settings)?;
    }
    let runtime = actix_web::rt::System::new();
    runtime.block_on(async move {
        let app = Application::build(settings)?;
        tracing::info!(port = app.port(), "listening");
        app.run_until_stopped().await.map_err(anyhow::Error::from)
    })
}
