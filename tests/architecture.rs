//! The boundaries ARCHITECTURE.md promises, checked on the source itself: a `use` that crosses
//! one fails this test. Read `src/`, find what each room (a folder or file under `src/`)
//! refers to as `crate::room` (also in grouped imports and macros), and hold that against the
//! rules below.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Rooms that must never refer to other rooms, and why.
const FORBIDDEN: &[(&str, &str, &str)] = &[
    (
        "responses",
        "invitations",
        "a response must not be able to point back to who was asked",
    ),
    (
        "invitations",
        "responses",
        "an invitation must not be able to point to what was answered",
    ),
    (
        "analysis",
        "db",
        "report arithmetic is pure, tested without a database",
    ),
    ("analysis", "web", "report arithmetic knows nothing of HTTP"),
    ("text", "db", "reading free text is pure"),
    ("text", "web", "reading free text knows nothing of HTTP"),
    (
        "surveys",
        "web",
        "questionnaires are data, whoever shows them",
    ),
    (
        "mail",
        "invitations",
        "mail sends what the outbox holds; the sender says what it is",
    ),
    ("mail", "responses", "mail never sees what people answered"),
    (
        "urgent",
        "reports",
        "an urgent comment stays apart from every report and export",
    ),
    (
        "rounds",
        "responses",
        "a round issues links; what was answered stays apart from who was asked",
    ),
];

/// Rooms that refer to no other room at all.
const LEAVES: &[(&str, &str)] = &[
    ("db", "storage knows nothing of the domain or the web"),
    ("analysis", "report arithmetic takes plain numbers"),
    ("text", "reading free text takes plain strings"),
    ("tokens", "secret tokens are a primitive"),
    (
        "contacts",
        "contact details are checked without storing them",
    ),
];

/// Rooms that must not use the web framework.
const FREE_OF_ACTIX: &[&str] = &["db", "analysis", "text", "surveys", "error"];

/// The one room allowed to refer to both invitations and responses.
const PAIRING_ROOM: &str = "submissions";

/// Macros exported at the crate root, with the room that defines them.
const ROOT_MACROS: &[(&str, &str)] = &[("on_backend", "db")];

/// Each room's source text, without comments, keyed by room name.
fn rooms(src: &Path) -> BTreeMap<String, String> {
    let mut rooms: BTreeMap<String, String> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("entry is readable").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src");
            let mut parts = relative.components();
            let first = parts
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .expect("a name");
            let room = first.trim_end_matches(".rs").to_string();
            if room == "lib" || room == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source file is text");
            let code: String = text
                .lines()
                .map(|line| match line.find("//") {
                    Some(at) => &line[..at],
                    None => line,
                })
                .collect::<Vec<_>>()
                .join("\n");
            rooms.entry(room).or_default().push_str(&code);
        }
    }
    rooms
}

/// The rooms `code` refers to through `crate::` paths.
fn references(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        // `$crate::` in a macro is the crate too; `my_crate::` is not.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // Only the first name of each item at the group's own level is a room:
            // `crate::{db::{self, Pool}, web}` refers to db and web.
            let mut depth = 0;
            let mut item_start = true;
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => name.push(c),
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        if !name.is_empty() && name != "self" {
                            found.insert(std::mem::take(&mut name));
                        }
                        name.clear();
                    }
                    _ => {}
                }
            }
            if !name.is_empty() && name != "self" {
                found.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
        .into_iter()
        .map(|name| {
            ROOT_MACROS
                .iter()
                .find(|(m, _)| *m == name)
                .map_or(name, |(_, room)| (*room).to_string())
        })
        .collect()
}

/// Every rule broken in the source tree at `src`, one line each.
fn violations(src: &Path) -> Vec<String> {
    let rooms = rooms(src);
    let mut broken = Vec::new();
    for (room, code) in &rooms {
        let refs = references(code);
        for (from, to, why) in FORBIDDEN {
            if room == from && refs.contains(*to) {
                broken.push(format!("{from} refers to {to}: {why}"));
            }
        }
        for (leaf, why) in LEAVES {
            if room == leaf {
                for other in refs.iter().filter(|r| *r != room) {
                    broken.push(format!("{leaf} refers to {other}: {why}"));
                }
            }
        }
        if FREE_OF_ACTIX.contains(&room.as_str()) && code.contains("actix") {
            broken.push(format!("{room} uses actix: only web/ knows HTTP"));
        }
        if room != PAIRING_ROOM && refs.contains("invitations") && refs.contains("responses") {
            broken.push(format!(
                "{room} refers to both invitations and responses: only {PAIRING_ROOM} may pair them"
            ));
        }
    }
    broken
}

#[test]
fn the_source_keeps_every_boundary_the_architecture_promises() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let broken = violations(&src);
    assert!(
        broken.is_empty(),
        "boundaries crossed (see ARCHITECTURE.md):\n  {}",
        broken.join("\n  ")
    );
}

#[test]
fn the_rooms_named_in_the_rules_exist() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rooms = rooms(&src);
    for (from, to, _) in FORBIDDEN {
        assert!(rooms.contains_key(*from), "no room {from}");
        assert!(rooms.contains_key(*to), "no room {to}");
    }
    for (leaf, _) in LEAVES {
        assert!(rooms.contains_key(*leaf), "no room {leaf}");
    }
    assert!(rooms.contains_key(PAIRING_ROOM));
}

#[test]
fn every_room_is_on_the_code_map() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let rooms = rooms(&root.join("src"));
    assert!(rooms.len() > 20, "the rooms are really read: {rooms:?}");
    let missing: Vec<&String> = rooms
        .keys()
        .filter(|room| {
            !map.contains(&format!("| `{room}/`")) && !map.contains(&format!("| `{room}.rs`"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "rooms with no row in ARCHITECTURE.md's code map: {missing:?}"
    );
}

/// Writes a small source tree for the checker to read.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, text).expect("a file");
    }
    dir
}

#[test]
fn one_forbidden_use_is_caught_whatever_its_spelling() {
    let clean = tree(&[
        ("db/mod.rs", "use diesel::prelude::*;\n"),
        ("responses/mod.rs", "use crate::db::DbConnection;\n"),
        (
            "submissions/mod.rs",
            "use crate::{invitations, responses};\n",
        ),
    ]);
    assert_eq!(violations(clean.path()), Vec::<String>::new());

    for (file, text, expected) in [
        (
            "responses/store.rs",
            "use crate::invitations::OpenInvitation;\n",
            "responses refers to invitations",
        ),
        (
            "db/pool.rs",
            "use crate::{error::AppError, db::schema};\n",
            "db refers to error",
        ),
        (
            "text/risk.rs",
            "fn f() { let _ = crate::web::State::default(); }\n",
            "text refers to web",
        ),
        (
            "mail/outbox.rs",
            "use crate::invitations;\n",
            "mail refers to invitations",
        ),
        (
            "db/run.rs",
            "fn f() { actix_web::web::block(|| ()); }\n",
            "db uses actix",
        ),
        (
            "web/survey.rs",
            "use crate::invitations;\nuse crate::responses::Stored;\n",
            "web refers to both invitations and responses",
        ),
        (
            "totals.rs",
            "use crate::invitations;\n// use crate::responses; in a comment is not a use\n",
            "",
        ),
    ] {
        let dir = tree(&[(file, text), ("db/mod.rs", ""), ("submissions/mod.rs", "")]);
        let found = violations(dir.path());
        if expected.is_empty() {
            assert!(found.is_empty(), "{file}: {found:?}");
        } else {
            assert!(
                found.iter().any(|v| v.starts_with(expected)),
                "{file}: expected `{expected}` in {found:?}"
            );
        }
    }
}

#[test]
fn grouped_imports_and_macros_count_as_references() {
    assert_eq!(
        references("use crate::{db::{self, Pool}, web::State};"),
        BTreeSet::from(["db".to_string(), "web".to_string()])
    );
    assert_eq!(
        references("crate::on_backend!(conn, |c| x); $crate::db::DbConnection"),
        BTreeSet::from(["db".to_string()])
    );
    assert_eq!(references("my_crate::web::x"), BTreeSet::new());
}
