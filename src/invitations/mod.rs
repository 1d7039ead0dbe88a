//! Invitations: who was asked, through which channel, whether they answered. Never what, or when.

pub mod consent;
pub mod discharge_list;
pub mod letters;
pub mod short_code;
pub mod unpair;

use crate::db::DbConnection;
use crate::db::schema::{invitation_tokens, invitations};
use crate::mail::MailKind;
use crate::tokens;
use chrono::{NaiveDate, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;
use validator::ValidateEmail;

/// How the link reaches the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Printed,
    Other,
    /// A text message through GOV.UK Notify.
    Sms,
}

impl Channel {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Printed => "printed",
            Channel::Other => "other",
            Channel::Sms => "sms",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Channel::Email),
            "printed" => Some(Channel::Printed),
            "other" => Some(Channel::Other),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// An email address to invite, checked.
#[derive(Clone, PartialEq, Eq)]
pub struct InviteEmail(String);

impl InviteEmail {
    /// Accepts a plausible address; the error never repeats it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim();
        if email.len() <= 254 && email.validate_email() {
            Ok(InviteEmail(email.to_string()))
        } else {
            Err("is not a valid email address".into())
        }
    }
}

impl InviteEmail {
    /// The address, for the one place that sends to it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A contact to invite: an email address, or a UK mobile number for a text message.
#[derive(Clone, PartialEq, Eq)]
pub enum InviteContact {
    Email(InviteEmail),
    Mobile(crate::contacts::UkMobile),
}

impl std::fmt::Debug for InviteContact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InviteContact([redacted])")
    }
}

impl InviteContact {
    /// The contact as the opt-out list spells it.
    pub fn opt_out_form(&self) -> crate::opt_outs::OptOutContact {
        match self {
            InviteContact::Email(e) => crate::opt_outs::OptOutContact::Email(e.0.to_lowercase()),
            InviteContact::Mobile(m) => {
                crate::opt_outs::OptOutContact::Mobile(m.e164().to_string())
            }
        }
    }
}

impl std::fmt::Debug for InviteEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InviteEmail([redacted])")
    }
}

/// A link made for printing or handing over, shown once and never stored in clear.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedLink {
    pub token: String,
    pub code: String,
    pub expires_on: NaiveDate,
}

/// Most live link tokens one invitation may have (emails, a reminder and typed codes).
pub const MAX_TOKENS_PER_INVITATION: i64 = 50;

/// Most invitations one request may issue.
pub const MAX_BATCH: usize = 500;

/// What a batch is for.
pub struct Batch<'a> {
    pub team_id: &'a str,
    pub survey_version_id: &'a str,
    pub expiry_days: u32,
    /// The language the links open in (`cy` for Welsh), when not the team's own.
    pub language: Option<&'a str>,
}

impl Batch<'_> {
    fn row(
        &self,
        batch_id: &str,
        channel: Channel,
        code_hash: String,
        contact: Option<&InviteContact>,
    ) -> InvitationRow {
        let (email, mobile) = match contact {
            Some(InviteContact::Email(e)) => (Some(e.0.clone()), None),
            Some(InviteContact::Mobile(m)) => (None, Some(m.e164().to_string())),
            None => (None, None),
        };
        let issued_on = crate::db::today();
        InvitationRow {
            id: uuid::Uuid::new_v4().to_string(),
            team_id: self.team_id.to_string(),
            survey_version_id: self.survey_version_id.to_string(),
            batch_id: batch_id.to_string(),
            channel: channel.as_str().to_string(),
            code_hash,
            email,
            used: false,
            reminder_sent: false,
            issued_on,
            expires_on: issued_on + TimeDelta::days(i64::from(self.expiry_days)),
            mobile,
            language: self.language.map(str::to_string),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = invitations)]
struct InvitationRow {
    id: String,
    team_id: String,
    survey_version_id: String,
    batch_id: String,
    channel: String,
    code_hash: String,
    email: Option<String>,
    used: bool,
    reminder_sent: bool,
    issued_on: NaiveDate,
    expires_on: NaiveDate,
    mobile: Option<String>,
    language: Option<String>,
}

/// Issues `count` links with short codes, for cards or handing over. Returns the batch id and
/// the links, which exist in clear only in this return value.
pub fn issue_links(
    conn: &mut DbConnection,
    batch: &Batch<'_>,
    channel: Channel,
    count: usize,
) -> QueryResult<(String, Vec<IssuedLink>)> {
    let batch_id = uuid::Uuid::new_v4().to_string();
    conn.transaction(|conn| {
        let mut links = Vec::with_capacity(count);
        for _ in 0..count {
            let code = short_code::generate();
            let token = tokens::random_token();
            let row = batch.row(&batch_id, channel, tokens::hash(&code), None);
            diesel::insert_into(invitations::table)
                .values(&row)
                .execute(conn)?;
            diesel::insert_into(invitation_tokens::table)
                .values((
                    invitation_tokens::token_hash.eq(tokens::hash(&token)),
                    invitation_tokens::invitation_id.eq(&row.id),
                ))
                .execute(conn)?;
            links.push(IssuedLink {
                token,
                code,
                expires_on: row.expires_on,
            });
        }
        let month = crate::totals::month_of(crate::db::today());
        crate::totals::add_invitations(
            conn,
            batch.team_id,
            &month,
            batch.survey_version_id,
            count as i64,
        )?;
        Ok((batch_id, links))
    })
}

/// Issues one invitation per contact and queues its message (an email, or a text through
/// GOV.UK Notify). The link is minted when the message is sent, so no usable link waits in the
/// database. Returns how many were queued.
pub fn issue_to_contacts(
    conn: &mut DbConnection,
    batch: &Batch<'_>,
    contacts: &[InviteContact],
) -> QueryResult<usize> {
    let batch_id = uuid::Uuid::new_v4().to_string();
    conn.transaction(|conn| {
        for contact in contacts {
            let channel = match contact {
                InviteContact::Email(_) => Channel::Email,
                InviteContact::Mobile(_) => Channel::Sms,
            };
            // The card's code is never shown for these, but the column is unique and required.
            let row = batch.row(
                &batch_id,
                channel,
                tokens::hash(&tokens::random_token()),
                Some(contact),
            );
            diesel::insert_into(invitations::table)
                .values(&row)
                .execute(conn)?;
            crate::mail::outbox::enqueue(conn, MailKind::Invitation, &row.id)?;
        }
        let month = crate::totals::month_of(crate::db::today());
        crate::totals::add_invitations(
            conn,
            batch.team_id,
            &month,
            batch.survey_version_id,
            contacts.len() as i64,
        )?;
        Ok(contacts.len())
    })
}

/// Issues invitations to the contacts not on the opt-out list; returns how many were queued
/// and how many were skipped as opted out (never which).
pub fn issue_unless_opted_out(
    conn: &mut DbConnection,
    batch: &Batch<'_>,
    contacts: &[InviteContact],
    opt_outs: &crate::opt_outs::OptOuts,
) -> anyhow::Result<(usize, usize)> {
    let mut willing = Vec::with_capacity(contacts.len());
    for contact in contacts {
        if !opt_outs.contains(conn, &contact.opt_out_form())? {
            willing.push(contact.clone());
        }
    }
    let skipped = contacts.len() - willing.len();
    let queued = if willing.is_empty() {
        0
    } else {
        issue_to_contacts(conn, batch, &willing)?
    };
    Ok((queued, skipped))
}

/// Issues one invitation per address and queues its email (see `issue_to_contacts`).
pub fn issue_emails(
    conn: &mut DbConnection,
    batch: &Batch<'_>,
    emails: &[InviteEmail],
) -> QueryResult<usize> {
    let contacts: Vec<InviteContact> = emails.iter().cloned().map(InviteContact::Email).collect();
    issue_to_contacts(conn, batch, &contacts)
}

/// An invitation about to be answered: what the response may know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvitation {
    pub id: String,
    pub team_id: String,
    pub survey_version_id: String,
    pub channel: Channel,
}

/// Where a link stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    Open(OpenInvitation),
    Used,
    Expired,
}

type StateRow = (String, String, String, String, bool, NaiveDate);

fn state_of(row: StateRow, today: NaiveDate) -> LinkState {
    let (id, team_id, survey_version_id, channel, used, expires_on) = row;
    if used {
        LinkState::Used
    } else if expires_on < today {
        LinkState::Expired
    } else {
        LinkState::Open(OpenInvitation {
            id,
            team_id,
            survey_version_id,
            channel: Channel::parse(&channel).unwrap_or(Channel::Other),
        })
    }
}

const STATE_COLUMNS: (
    invitations::id,
    invitations::team_id,
    invitations::survey_version_id,
    invitations::channel,
    invitations::used,
    invitations::expires_on,
) = (
    invitations::id,
    invitations::team_id,
    invitations::survey_version_id,
    invitations::channel,
    invitations::used,
    invitations::expires_on,
);

/// Looks a link token up; `None` when it is unknown.
pub fn find_by_token(conn: &mut DbConnection, token: &str) -> QueryResult<Option<LinkState>> {
    if !tokens::looks_like_token(token) {
        return Ok(None);
    }
    let row = invitation_tokens::table
        .inner_join(invitations::table)
        .filter(invitation_tokens::token_hash.eq(tokens::hash(token)))
        .select(STATE_COLUMNS)
        .get_result::<StateRow>(conn)
        .optional()?;
    Ok(row.map(|r| state_of(r, crate::db::today())))
}

/// Exchanges a short code typed from a card for a fresh link token to the same invitation.
/// `None` when the code is malformed or unknown; used and expired codes say so.
pub fn exchange_code(
    conn: &mut DbConnection,
    typed: &str,
) -> QueryResult<Option<Result<String, LinkState>>> {
    let Some(code) = short_code::normalise(typed) else {
        return Ok(None);
    };
    let hash = tokens::hash(&code);
    // A card's code is the invitation's own; a text's is minted when it is sent, like a link.
    let row = match invitations::table
        .filter(invitations::code_hash.eq(&hash))
        .select(STATE_COLUMNS)
        .get_result::<StateRow>(conn)
        .optional()?
    {
        Some(row) => Some(row),
        None => invitation_tokens::table
            .inner_join(invitations::table)
            .filter(invitation_tokens::token_hash.eq(&hash))
            .select(STATE_COLUMNS)
            .get_result::<StateRow>(conn)
            .optional()?,
    };
    let Some(row) = row else { return Ok(None) };
    match state_of(row, crate::db::today()) {
        LinkState::Open(open) => {
            // Each exchange adds a live token; a card typed in again and again stops adding them.
            let existing: i64 = invitation_tokens::table
                .filter(invitation_tokens::invitation_id.eq(&open.id))
                .count()
                .get_result(conn)?;
            if existing >= MAX_TOKENS_PER_INVITATION {
                return Ok(None);
            }
            let token = tokens::random_token();
            diesel::insert_into(invitation_tokens::table)
                .values((
                    invitation_tokens::token_hash.eq(tokens::hash(&token)),
                    invitation_tokens::invitation_id.eq(&open.id),
                ))
                .execute(conn)?;
            Ok(Some(Ok(token)))
        }
        closed => Ok(Some(Err(closed))),
    }
}

/// Marks an invitation used, once, if it has not expired. Must be the first write of the
/// transaction that stores the response, so that two racing submissions cannot both succeed.
/// Also erases the contact address: it has served. Returns false when another submission got
/// there first or the link has expired since it was opened.
pub fn redeem(conn: &mut DbConnection, invitation_id: &str) -> QueryResult<bool> {
    use crate::db::cached_sql::{Bind, CachedSql};
    // Fixed SQL rather than `diesel::update`, which diesel prepares afresh every time.
    const REDEEM: &str = "UPDATE invitations SET used = ?, email = NULL, mobile = NULL \
         WHERE id = ? AND used = ? AND expires_on >= ?";
    let binds = vec![
        Bind::Bool(true),
        Bind::Text(invitation_id),
        Bind::Bool(false),
        Bind::Date(crate::db::today()),
    ];
    let updated = crate::on_backend!(conn, |c| CachedSql::new(REDEEM, binds).execute(c))?;
    Ok(updated == 1)
}

/// Counts invitations issued for a team between two dates (inclusive).
pub fn count_issued(
    conn: &mut DbConnection,
    team_id: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<i64> {
    let mut query = invitations::table
        .filter(invitations::issued_on.ge(from))
        .filter(invitations::issued_on.le(to))
        .into_boxed();
    if let Some(team_id) = team_id {
        query = query.filter(invitations::team_id.eq(team_id.to_string()));
    }
    query.count().get_result(conn)
}

/// Whether an invitation's link can no longer be used: used, expired, or no such invitation.
pub fn is_spent(conn: &mut DbConnection, invitation_id: &str) -> QueryResult<bool> {
    let state: Option<(bool, NaiveDate)> = invitations::table
        .find(invitation_id)
        .select((invitations::used, invitations::expires_on))
        .get_result(conn)
        .optional()?;
    Ok(state.is_none_or(|(used, expires_on)| used || expires_on < crate::db::today()))
}

/// Erases the addresses and numbers of invitations that have expired; returns how many.
pub fn erase_expired_contacts(conn: &mut DbConnection) -> QueryResult<usize> {
    diesel::update(
        invitations::table
            .filter(
                invitations::email
                    .is_not_null()
                    .or(invitations::mobile.is_not_null()),
            )
            .filter(invitations::expires_on.lt(crate::db::today())),
    )
    .set((
        invitations::email.eq(None::<String>),
        invitations::mobile.eq(None::<String>),
    ))
    .execute(conn)
}
