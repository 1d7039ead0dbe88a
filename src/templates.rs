//! Handlebars templates, embedded in the binary and strict. A folder named by `TEMPLATES_DIR`
//! may override any of them by the same relative name.
//!
//! Pages are rendered with HTML escaping; plain-text email parts use a second registry with
//! escaping off, so an apostrophe in a team's name does not become `&#x27;` in a mail.

use handlebars::Handlebars;
use rust_embed::RustEmbed;
use serde::Serialize;
use std::path::Path;

#[derive(RustEmbed)]
#[folder = "templates/"]
#[include = "*.hbs"]
struct ShippedTemplates;

/// The two registries.
#[derive(Debug)]
pub struct Templates {
    html: Handlebars<'static>,
    text: Handlebars<'static>,
}

fn registry(escape: bool) -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.set_dev_mode(false);
    if !escape {
        hb.register_escape_fn(handlebars::no_escape);
    }
    hb
}

impl Templates {
    /// Loads the embedded templates, then any overrides; a template that does not compile stops start-up.
    pub fn load(dir: Option<&Path>) -> anyhow::Result<Self> {
        let mut sources: Vec<(String, String)> = ShippedTemplates::iter()
            .filter_map(|name| {
                let file = ShippedTemplates::get(&name)?;
                Some((
                    name.to_string(),
                    String::from_utf8_lossy(&file.data).into_owned(),
                ))
            })
            .collect();
        if let Some(dir) = dir {
            collect_overrides(dir, dir, &mut sources)?;
        }
        let mut html = registry(true);
        let mut text = registry(false);
        for (file, source) in &sources {
            let name = file.trim_end_matches(".hbs");
            for hb in [&mut html, &mut text] {
                hb.register_template_string(name, source)
                    .map_err(|e| anyhow::anyhow!("template {file} does not compile: {e}"))?;
            }
        }
        Ok(Templates { html, text })
    }

    /// Renders an HTML page or email part, escaped.
    pub fn html(
        &self,
        name: &str,
        context: &impl Serialize,
    ) -> Result<String, handlebars::RenderError> {
        self.html.render(name, context)
    }

    /// Renders an HTML page from a context already in JSON, without copying it again
    /// (`html` serialises its context into a fresh JSON value first).
    pub fn html_value(
        &self,
        name: &str,
        context: serde_json::Value,
    ) -> Result<String, handlebars::RenderError> {
        self.html
            .render_with_context(name, &handlebars::Context::from(context))
    }

    /// Renders a plain-text email part, unescaped.
    pub fn text(
        &self,
        name: &str,
        context: &impl Serialize,
    ) -> Result<String, handlebars::RenderError> {
        self.text.render(name, context)
    }
}

fn collect_overrides(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, String)>,
) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("TEMPLATES_DIR {}: {e}", dir.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            collect_overrides(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "hbs") {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let source = std::fs::read_to_string(&path)?;
            out.retain(|(name, _)| *name != rel);
            out.push((rel, source));
        }
    }
    Ok(())
}
