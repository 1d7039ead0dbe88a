//! `opt-out add CONTACT`: a mobile number or email address is never sent an invitation or a
//! reminder again. Only a keyed hash of it is kept.

use crate::concerns::audit::{self, AuditAction};
use crate::config::Settings;
use crate::opt_outs::{OptOutContact, OptOuts};

#[derive(clap::Subcommand)]
pub enum OptOutCommand {
    /// Add a mobile number or email address to the opt-out list.
    Add { contact: String },
}

pub fn run(command: OptOutCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        OptOutCommand::Add { contact } => {
            let contact = OptOutContact::parse(&contact)
                .map_err(|why| anyhow::anyhow!("the contact {why}"))?;
            let opt_outs =
                OptOuts::new(settings.opt_out_key.as_ref().map(|k| k.expose().as_slice()));
            let services = super::open(settings)?;
            let mut conn = services.pool.get()?;
            let added = opt_outs.add(&mut conn, &contact)?;
            audit::record(&mut conn, "cli", AuditAction::OptOutAdd, None, "")?;
            println!(
                "{}",
                if added {
                    "added to the opt-out list"
                } else {
                    "already on the opt-out list"
                }
            );
            Ok(())
        }
    }
}
