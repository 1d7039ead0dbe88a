//! Pages that are the same for everyone who sees them, rendered once and kept.
//!
//! A blank questionnaire depends only on the questionnaire version, the language and the
//! team's crisis line; the thank-you page only on the language, the crisis line and whether
//! urgent help comes first. Rendering them is most of the work of answering a link, so each is
//! rendered once per such combination. Nothing a person typed is ever kept here: pages showing
//! answers back are rendered afresh every time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// More combinations than any Trust has (questionnaires × languages × teams), so the cache
/// never churns in use; a bound all the same, so a stream of new crisis lines cannot grow it
/// without limit.
const MAX_PAGES: usize = 4096;

/// Rendered pages by what they depend on.
#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<String, Arc<str>>>,
}

impl PageCache {
    /// The page for `key`, rendering it with `render` the first time. A failed render is
    /// returned and not kept.
    pub fn get_or_render<E>(
        &self,
        key: String,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<Arc<str>, E> {
        if let Some(page) = self.lock().get(&key) {
            return Ok(page.clone());
        }
        // Rendered outside the lock; two requests may both render a new page once, harmlessly.
        let page: Arc<str> = render()?.into();
        let mut pages = self.lock();
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(key, page.clone());
        Ok(page)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<str>>> {
        // A panic while holding the lock leaves the map whole; carry on with it.
        self.pages.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_page_is_rendered_once_per_key_and_failures_are_not_kept() {
        let cache = PageCache::default();
        let renders = Cell::new(0);
        let render = |text: &str| {
            renders.set(renders.get() + 1);
            Ok::<_, ()>(text.to_string())
        };
        assert_eq!(
            &*cache.get_or_render("a".into(), || render("A")).unwrap(),
            "A"
        );
        assert_eq!(
            &*cache.get_or_render("a".into(), || render("other")).unwrap(),
            "A"
        );
        assert_eq!(
            &*cache.get_or_render("b".into(), || render("B")).unwrap(),
            "B"
        );
        assert_eq!(renders.get(), 2);
        assert!(
            cache
                .get_or_render("c".into(), || Err::<String, _>(()))
                .is_err()
        );
        assert_eq!(
            &*cache.get_or_render("c".into(), || render("C")).unwrap(),
            "C"
        );
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = PageCache::default();
        for i in 0..=MAX_PAGES {
            cache
                .get_or_render(i.to_string(), || Ok::<_, ()>(String::new()))
                .unwrap();
        }
        assert!(cache.lock().len() <= MAX_PAGES);
    }
}
