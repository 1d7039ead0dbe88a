//! Discharge lists: a CSV exported from a patient record system, one person discharged a row,
//! each row an invitation for them (by text or email, easy read if asked, in Welsh if asked)
//! and, where a carer's contact is given with their consent, one for the carer.
//!
//! A list with any malformed row is refused whole, every error listed, so nobody is invited
//! twice when it is fixed and sent again. The file is never stored: only the outbox entries it
//! makes.

use super::{InviteContact, InviteEmail};
use crate::contacts::UkMobile;

/// The columns a list may have, in any order; any other is refused.
pub const COLUMNS: [&str; 7] = [
    "mobile",
    "email",
    "language",
    "easy_read",
    "carer_mobile",
    "carer_email",
    "carer_consent",
];

/// Most rows in one list, as for any batch of invitations.
pub const MAX_ROWS: usize = super::MAX_BATCH;

/// One row, checked.
#[derive(Debug, Clone)]
pub struct ListRow {
    /// Its row number in the file as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub person: InviteContact,
    /// `cy` when the links should open in Welsh.
    pub language: Option<&'static str>,
    pub easy_read: bool,
    /// The carer's contact, when given with the person's agreement.
    pub carer: Option<InviteContact>,
}

/// A row that could not be read, and why (never repeating a contact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub reason: String,
}

/// Reads a list; every problem is reported at once.
pub fn parse(text: &str) -> Result<Vec<ListRow>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            return Err(vec![RowError {
                row: 1,
                reason: format!("the header row cannot be read: {}", no_data(&e)),
            }]);
        }
    };
    let mut errors = Vec::new();
    for column in &header {
        if !COLUMNS.contains(&column.as_str()) {
            errors.push(RowError {
                row: 1,
                reason: format!(
                    "unknown column `{column}`: the columns are {}",
                    COLUMNS.join(", ")
                ),
            });
        }
    }
    for (i, column) in header.iter().enumerate() {
        if header[..i].contains(column) {
            errors.push(RowError {
                row: 1,
                reason: format!("column `{column}` appears twice"),
            });
        }
    }
    if !header.iter().any(|c| c == "mobile" || c == "email") {
        errors.push(RowError {
            row: 1,
            reason: "a list needs a mobile or an email column".into(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    row,
                    reason: format!("cannot be read: {}", no_data(&e)),
                });
                continue;
            }
        };
        let get = |name: &str| {
            header
                .iter()
                .position(|c| c == name)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        match read_row(row, &get) {
            Ok(parsed) => rows.push(parsed),
            Err(reasons) => {
                errors.extend(reasons.into_iter().map(|reason| RowError { row, reason }))
            }
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(RowError {
            row: 2,
            reason: "the list has no rows".into(),
        });
    }
    if rows.len() > MAX_ROWS {
        errors.push(RowError {
            row: MAX_ROWS + 2,
            reason: format!("a list may have at most {MAX_ROWS} rows"),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The csv crate's message, without the record's content (which may hold a contact).
fn no_data(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("it has {len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "it is not UTF-8 text".into(),
        _ => "it is not valid CSV".into(),
    }
}

fn contact(
    mobile: Option<&str>,
    email: Option<&str>,
    whose: &str,
) -> Result<Option<InviteContact>, String> {
    // A mobile number is preferred: crisis teams rarely hold an address, and texts are read.
    if let Some(mobile) = mobile {
        return UkMobile::parse(mobile)
            .map(|m| Some(InviteContact::Mobile(m)))
            .map_err(|why| format!("{whose}mobile {why}"));
    }
    if let Some(email) = email {
        return InviteEmail::parse(email)
            .map(|e| Some(InviteContact::Email(e)))
            .map_err(|why| format!("{whose}email {why}"));
    }
    Ok(None)
}

fn yes_no(value: Option<&str>, column: &str) -> Result<bool, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("no") | Some("n") | Some("false") => Ok(false),
        Some("yes") | Some("y") | Some("true") => Ok(true),
        Some(_) => Err(format!("{column} must be yes or no")),
    }
}

fn read_row<'a>(row: usize, get: &dyn Fn(&str) -> Option<&'a str>) -> Result<ListRow, Vec<String>> {
    let mut reasons = Vec::new();
    let person = contact(get("mobile"), get("email"), "")
        .and_then(|c| c.ok_or_else(|| "has no mobile number or email address".to_string()))
        .map_err(|why| reasons.push(why))
        .ok();
    let language = match get("language").map(str::to_ascii_lowercase).as_deref() {
        None | Some("en") => None,
        Some("cy") => Some("cy"),
        Some(_) => {
            reasons.push("language must be en or cy".into());
            None
        }
    };
    let easy_read = yes_no(get("easy_read"), "easy_read")
        .map_err(|why| reasons.push(why))
        .unwrap_or(false);
    let carer = contact(get("carer_mobile"), get("carer_email"), "carer_")
        .map_err(|why| reasons.push(why))
        .ok()
        .flatten();
    let consent = yes_no(get("carer_consent"), "carer_consent")
        .map_err(|why| reasons.push(why))
        .unwrap_or(false);
    if carer.is_some() && !consent {
        reasons.push(format!(
            "carer_consent must be yes when a carer's contact is given: {}",
            super::consent::MISSING.to_lowercase()
        ));
    }
    match person {
        Some(person) if reasons.is_empty() => Ok(ListRow {
            row,
            person,
            language,
            easy_read,
            carer,
        }),
        _ => Err(reasons),
    }
}

/// What a list makes (or would make): invitations to send, and contacts skipped as opted out.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ListOutcome {
    pub rows: usize,
    pub people: usize,
    pub carers: usize,
    pub opted_out: usize,
}

/// The questionnaires a list's invitations use.
pub struct ListSurveys<'a> {
    pub service_user: &'a str,
    pub easy_read: &'a str,
    pub carer: &'a str,
}

/// Counts what `rows` would send, without sending anything.
pub fn preview(
    conn: &mut crate::db::DbConnection,
    rows: &[ListRow],
    opt_outs: &crate::opt_outs::OptOuts,
) -> diesel::QueryResult<ListOutcome> {
    let mut outcome = ListOutcome {
        rows: rows.len(),
        ..ListOutcome::default()
    };
    for row in rows {
        if opt_outs.contains(conn, &row.person.opt_out_form())? {
            outcome.opted_out += 1;
        } else {
            outcome.people += 1;
        }
        if let Some(carer) = &row.carer {
            if opt_outs.contains(conn, &carer.opt_out_form())? {
                outcome.opted_out += 1;
            } else {
                outcome.carers += 1;
            }
        }
    }
    Ok(outcome)
}

/// Sends a list: an invitation for each person (easy read and Welsh where asked) and each
/// carer, skipping opted-out contacts, in one transaction.
pub fn send(
    conn: &mut crate::db::DbConnection,
    team_id: &str,
    surveys: &ListSurveys<'_>,
    expiry_days: u32,
    rows: &[ListRow],
    opt_outs: &crate::opt_outs::OptOuts,
) -> anyhow::Result<ListOutcome> {
    use diesel::Connection;
    conn.transaction(|conn| {
        let mut outcome = ListOutcome {
            rows: rows.len(),
            ..ListOutcome::default()
        };
        for row in rows {
            let batch = |version| super::Batch {
                team_id,
                survey_version_id: version,
                expiry_days,
                language: row.language,
            };
            let person_survey = if row.easy_read {
                surveys.easy_read
            } else {
                surveys.service_user
            };
            let (sent, skipped) = super::issue_unless_opted_out(
                conn,
                &batch(person_survey),
                std::slice::from_ref(&row.person),
                opt_outs,
            )?;
            outcome.people += sent;
            outcome.opted_out += skipped;
            if let Some(carer) = &row.carer {
                let (sent, skipped) = super::issue_unless_opted_out(
                    conn,
                    &batch(surveys.carer),
                    std::slice::from_ref(carer),
                    opt_outs,
                )?;
                outcome.carers += sent;
                outcome.opted_out += skipped;
            }
        }
        anyhow::Ok(outcome)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_list_in_any_column_order_gives_a_row_each_with_carers_where_agreed() {
        let rows = parse(
            "email,mobile,language,easy_read,carer_email,carer_consent\n\
             ,07700 900123,cy,yes,carer@example.net,yes\n\
             person@example.net,,en,no,,\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert!(matches!(rows[0].person, InviteContact::Mobile(_)));
        assert_eq!(rows[0].language, Some("cy"));
        assert!(rows[0].easy_read);
        assert!(matches!(rows[0].carer, Some(InviteContact::Email(_))));
        assert!(matches!(rows[1].person, InviteContact::Email(_)));
        assert!(rows[1].carer.is_none());
    }

    #[test]
    fn a_list_with_any_bad_row_is_refused_whole_with_every_error_and_no_contact_repeated() {
        let errors = parse(
            "mobile,carer_mobile,carer_consent,language\n\
             07700 900123,,,en\n\
             0207 946 0018,,,en\n\
             07700 900124,07700 900125,no,fr\n",
        )
        .unwrap_err();
        let rows: Vec<usize> = errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, vec![3, 4, 4]);
        assert!(errors.iter().any(|e| e.reason.contains("carer_consent")));
        assert!(errors.iter().any(|e| e.reason.contains("language")));
        assert!(
            errors
                .iter()
                .all(|e| !e.reason.contains("0207") && !e.reason.contains("900125"))
        );
    }

    #[test]
    fn unknown_columns_and_ragged_rows_are_refused() {
        let errors = parse("mobile,nhs_number\n07700 900123,943 476 5919\n").unwrap_err();
        assert_eq!(errors[0].row, 1);
        assert!(errors[0].reason.contains("nhs_number"));
        let errors = parse("mobile,email\n07700 900123\n").unwrap_err();
        assert_eq!(errors[0].row, 2);
        assert!(!errors[0].reason.contains("07700"));
    }
}
