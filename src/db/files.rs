//! The files of an embedded SQLite database, readable by the service's own user only.
//!
//! SQLite creates a database's `-wal` and `-shm` files with the permissions of the database file
//! itself, so creating that file first, with mode 0600, keeps all three private; files left by an
//! earlier version are narrowed the same way when the service opens them.

use std::fs::OpenOptions;
use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Read and write for the owner, nothing for anyone else.
pub const OWNER_ONLY: u32 = 0o600;

/// Creates `path` empty with mode 0600 if it does not exist; leaves an existing file's contents
/// alone.
pub fn create_private(path: &Path) -> io::Result<()> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(OWNER_ONLY)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Makes the database at `path`, and its `-wal` and `-shm` files where they exist, readable by
/// the owner only, creating the database file (and its folder) first if need be.
pub fn make_private(path: &Path) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    create_private(path)?;
    for file in companions(path) {
        match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(OWNER_ONLY)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// The database file and the files SQLite keeps beside it.
fn companions(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [path.to_path_buf(), with("-wal"), with("-shm")]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_database_and_its_log_are_readable_by_the_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("crt.db");
        let url = crate::db::DatabaseUrl::parse(&format!("sqlite://{}", path.display())).unwrap();
        let mut conn = crate::db::establish(&url).unwrap();
        crate::db::run_migrations(&mut conn).unwrap();
        for file in companions(&path) {
            assert!(file.exists(), "{} exists in WAL mode", file.display());
            assert_eq!(mode(&file), OWNER_ONLY, "{}", file.display());
        }
    }

    #[test]
    fn files_left_readable_by_others_are_narrowed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        std::fs::write(&path, b"").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        make_private(&path).unwrap();
        assert_eq!(mode(&path), OWNER_ONLY);
    }
}
