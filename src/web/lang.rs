//! The language a public page is shown in: `?lang=cy` or `?lang=en` on any public URL, carried
//! on every link and form of the page so the choice lasts the visit without a cookie.

use crate::i18n::Lang;
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use std::future::{Ready, ready};

/// The language asked for in the URL, if any.
#[derive(Debug, Clone)]
pub struct LangChoice {
    pub asked: Option<Lang>,
}

impl LangChoice {
    /// The language to show: what was asked, else the team's default, else English.
    pub fn resolve(&self, team_default: Option<Lang>) -> Lang {
        self.asked.or(team_default).unwrap_or_default()
    }

    /// The same page in the other language: a link of only a query, which browsers resolve
    /// against the page's own path. So the page never repeats its path, which on a survey
    /// page holds the link's token, and a blank questionnaire is the same for every link.
    pub fn switch_href(&self, lang: Lang) -> String {
        format!("?lang={}", lang.other().code())
    }
}

impl FromRequest for LangChoice {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let asked = req
            .query_string()
            .split('&')
            .filter_map(|pair| pair.strip_prefix("lang="))
            .find_map(Lang::parse);
        ready(Ok(LangChoice { asked }))
    }
}
