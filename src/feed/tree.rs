//! A forgiving XML tree for feeds: quick-xml events into elements with their namespace, their
//! `xml:base` and their `xml:lang` resolved, the way a feed reader needs them.
//!
//! Forgiving where real feeds break XML, the way feedparser's loose mode is: end tags close
//! the nearest open element of that name (a stray one is ignored), the document ends wherever
//! the bytes or the grammar end with every open element closed, entities are HTML's (every
//! HTML5 name, numeric references as browsers read them), and a prefix nobody declared is
//! read through the prefixes feeds conventionally use.

use std::rc::Rc;

use quick_xml::events::{BytesStart, Event};
use url::Url;

/// Namespaces by their meaning. Several spellings name one vocabulary.
pub mod ns {
    pub const ATOM: &str = "http://www.w3.org/2005/Atom";
    pub const ATOM03: &str = "http://purl.org/atom/ns#";
    pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    pub const RSS10: &str = "http://purl.org/rss/1.0/";
    pub const DC: &str = "http://purl.org/dc/elements/1.1/";
    pub const DCTERMS: &str = "http://purl.org/dc/terms/";
    pub const CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";
    pub const MEDIA: &str = "http://search.yahoo.com/mrss/";
    pub const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    pub const XHTML: &str = "http://www.w3.org/1999/xhtml";
    pub const XML: &str = "http://www.w3.org/XML/1998/namespace";

    /// The prefixes feeds use without declaring them, and what they conventionally mean.
    pub fn conventional(prefix: &str) -> Option<&'static str> {
        Some(match prefix {
            "atom" => ATOM,
            "rdf" => RDF,
            "dc" => DC,
            "dcterms" => DCTERMS,
            "content" => CONTENT,
            "media" => MEDIA,
            "itunes" => ITUNES,
            "xhtml" => XHTML,
            "xml" => XML,
            _ => return None,
        })
    }

    /// One name per vocabulary: spellings that differ only by a trailing slash or `#`, by
    /// case, or by `https`, are the same namespace to a reader.
    pub fn canonical(uri: &str) -> String {
        let t = uri.trim();
        let t = t
            .strip_prefix("https://")
            .map_or_else(|| t.to_string(), |r| format!("http://{r}"));
        let lower = t.to_ascii_lowercase();
        match lower.trim_end_matches(['/', '#']) {
            "http://search.yahoo.com/mrss" => MEDIA.into(),
            "http://purl.org/dc/elements/1.1" => DC.into(),
            "http://purl.org/dc/terms" => DCTERMS.into(),
            "http://purl.org/rss/1.0/modules/content" => CONTENT.into(),
            "http://www.itunes.com/dtds/podcast-1.0.dtd" => ITUNES.into(),
            "http://www.w3.org/2005/atom" => ATOM.into(),
            "http://purl.org/atom/ns" => ATOM03.into(),
            _ => t,
        }
    }
}

/// A node of the tree.
#[derive(Debug, Clone)]
pub enum Node {
    /// Boxed: a node is then the size of a string, which halves a large feed's tree.
    Element(Box<Element>),
    Text(String),
}

/// An element, with what its ancestors say about it already applied.
#[derive(Debug, Clone)]
pub struct Element {
    /// The namespace URI, canonical ([`ns::canonical`]); empty for none.
    pub ns: String,
    /// The local name as written.
    pub name: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
    /// The base URI in scope: the document's, changed by every `xml:base` on the way here.
    pub base: Rc<Url>,
    /// Whether an `xml:base` (or `Content-Location`) set the base, rather than the document URL.
    pub explicit_base: bool,
    /// The `xml:lang` in scope, if any.
    pub lang: Option<Rc<str>>,
    /// Whether the document ended (or broke) before this element did.
    pub cut_short: bool,
}

#[derive(Debug, Clone)]
pub struct Attr {
    pub ns: String,
    pub name: String,
    pub value: String,
}

impl Element {
    /// Whether the local name is `name`, ignoring ASCII case (CDF and old RSS are SGML-cased).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(&**e),
            Node::Text(_) => None,
        })
    }

    /// An attribute by local name in no namespace (or any, when none has no namespace).
    pub fn attr(&self, name: &str) -> Option<&str> {
        let mut any = None;
        for a in &self.attrs {
            if a.name.eq_ignore_ascii_case(name) {
                if a.ns.is_empty() {
                    return Some(&a.value);
                }
                any.get_or_insert(a.value.as_str());
            }
        }
        any
    }

    /// An attribute in a namespace.
    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.name.eq_ignore_ascii_case(name))
            .map(|a| a.value.as_str())
    }

    /// All text below this element, in document order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.push_text(&mut out);
        out
    }

    fn push_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.push_text(out),
            }
        }
    }

    /// Whether any child is an element (markup written inline, escaped or not).
    pub fn has_element_children(&self) -> bool {
        self.elements().next().is_some()
    }

    /// The children written back as markup (inline XHTML content), text escaped.
    pub fn inner_markup(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            write_node(n, &mut out);
        }
        out
    }
}

fn write_node(n: &Node, out: &mut String) {
    match n {
        Node::Text(t) => out.push_str(&crate::text::escape_xml(t)),
        Node::Element(e) => {
            out.push('<');
            out.push_str(&e.name);
            for a in e.attrs.iter().filter(|a| a.ns.is_empty()) {
                out.push(' ');
                out.push_str(&a.name);
                out.push_str("=\"");
                out.push_str(&crate::text::escape_xml(&a.value));
                out.push('"');
            }
            out.push('>');
            for c in &e.children {
                write_node(c, out);
            }
            out.push_str("</");
            out.push_str(&e.name);
            out.push('>');
        }
    }
}

/// What went wrong when no tree could be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeError {
    /// No element before the end of the bytes or the first error.
    NoRoot(Option<String>),
}

/// An open element while building: the element and its namespace declarations.
struct Open {
    el: Element,
    qname: String,
    decls: Vec<(String, String)>,
}

/// Reads a document into its root element. `base` is the document's URI; `explicit_base`
/// says whether a `Content-Location` chose it. `lang` is the language HTTP declared.
pub fn read(text: &str, base: &Url, explicit_base: bool, lang: Option<&str>) -> Result<Element, TreeError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    config.check_comments = false;
    let root_base = Rc::new(base.clone());
    let root_lang: Option<Rc<str>> = lang.map(|l| l.trim()).filter(|l| !l.is_empty()).map(Rc::from);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Element> = None;
    let mut error = None;
    loop {
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        };
        match event {
            Event::Start(s) | Event::Empty(s) if root.is_some() && stack.is_empty() => {
                // A second root: ill-formed; what was read stands.
                let _ = s;
                break;
            }
            Event::Start(s) => {
                close_implied(&s, &mut stack, &mut root);
                let open = open_element(&s, &stack, &root_base, explicit_base, &root_lang);
                stack.push(open);
            }
            Event::Empty(s) => {
                close_implied(&s, &mut stack, &mut root);
                let open = open_element(&s, &stack, &root_base, explicit_base, &root_lang);
                close(open.el, &mut stack, &mut root);
            }
            Event::End(e) => {
                let qname = e.name();
                let name: &str = qname.as_ref();
                if let Some(at) = stack.iter().rposition(|o| o.qname.eq_ignore_ascii_case(name)) {
                    while stack.len() > at {
                        let Some(o) = stack.pop() else { break };
                        close(o.el, &mut stack, &mut root);
                    }
                }
            }
            Event::Text(t) => {
                let s: &str = t.as_ref();
                push_text(&mut stack, s);
            }
            Event::CData(c) => {
                let s: &str = c.as_ref();
                push_text(&mut stack, s);
            }
            Event::GeneralRef(r) => {
                let name: &str = r.as_ref();
                match crate::text::resolve_entity(name) {
                    Some(s) => push_text(&mut stack, &s),
                    None => push_text(&mut stack, &format!("&{name};")),
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    while let Some(mut o) = stack.pop() {
        o.el.cut_short = true;
        close(o.el, &mut stack, &mut root);
    }
    root.ok_or(TreeError::NoRoot(error))
}

/// Items and entries never nest: one that starts while another of its kind is open ends that
/// one first, as an SGML end tag would be implied (a feed that forgets `</item>`).
fn close_implied(s: &BytesStart, stack: &mut Vec<Open>, root: &mut Option<Element>) {
    let local = s.local_name();
    let local: &str = local.as_ref();
    if !(local.eq_ignore_ascii_case("item") || local.eq_ignore_ascii_case("entry")) {
        return;
    }
    if let Some(at) = stack.iter().rposition(|o| o.el.name.eq_ignore_ascii_case(local)) {
        while stack.len() > at {
            let Some(o) = stack.pop() else { break };
            close(o.el, stack, root);
        }
    }
}

fn close(el: Element, stack: &mut [Open], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.el.children.push(Node::Element(Box::new(el))),
        None => {
            if root.is_none() {
                *root = Some(el);
            }
        }
    }
}

fn push_text(stack: &mut [Open], s: &str) {
    let Some(top) = stack.last_mut() else { return };
    if let Some(Node::Text(t)) = top.el.children.last_mut() {
        t.push_str(s);
    } else if !s.is_empty() {
        top.el.children.push(Node::Text(s.to_string()));
    }
}

/// Builds an element from its start tag: declarations, names resolved, base and lang applied.
fn open_element(
    s: &BytesStart,
    stack: &[Open],
    root_base: &Rc<Url>,
    root_explicit: bool,
    root_lang: &Option<Rc<str>>,
) -> Open {
    let qname = <str as ToString>::to_string(s.name().as_ref());
    let (raw, decls) = split_declarations(s);
    let resolve = |qualified: &str, default_ns: bool| -> (String, String) {
        match qualified.split_once(':') {
            Some((prefix, local)) => (namespace_of(prefix, &decls, stack), local.to_string()),
            None if default_ns => (
                lookup("", &decls, stack).unwrap_or_default(),
                qualified.to_string(),
            ),
            // Unprefixed attributes are in no namespace.
            None => (String::new(), qualified.to_string()),
        }
    };
    let (ns_uri, name) = resolve(&qname, true);
    let attrs: Vec<Attr> = raw
        .into_iter()
        .map(|(key, value)| {
            let (ns, name) = resolve(&key, false);
            Attr { ns, name, value }
        })
        .collect();
    let parent = stack.last().map(|o| &o.el);
    let (base, explicit_base, lang) = scope(
        &name,
        &ns_uri,
        &attrs,
        parent,
        root_base,
        root_explicit,
        root_lang,
    );
    Open {
        el: Element {
            ns: ns_uri,
            name,
            attrs,
            children: Vec::new(),
            base,
            explicit_base,
            lang,
            cut_short: false,
        },
        qname,
        decls,
    }
}

/// (name or prefix, value or namespace) pairs.
type Pairs = Vec<(String, String)>;

/// A start tag's attributes, and its namespace declarations (canonical) apart.
fn split_declarations(s: &BytesStart) -> (Pairs, Pairs) {
    let mut raw = Vec::new();
    let mut decls = Vec::new();
    for a in s.attributes().with_checks(false).flatten() {
        let key = <str as ToString>::to_string(a.key.as_ref());
        let value = crate::text::decode_entities(&a.value);
        if key == "xmlns" {
            decls.push((String::new(), ns::canonical(&value)));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            decls.push((p.to_string(), ns::canonical(&value)));
        } else {
            raw.push((key, value));
        }
    }
    (raw, decls)
}

/// The namespace a prefix is declared for here or on an ancestor.
fn lookup(prefix: &str, decls: &[(String, String)], stack: &[Open]) -> Option<String> {
    decls
        .iter()
        .rev()
        .chain(stack.iter().rev().flat_map(|o| o.decls.iter().rev()))
        .find(|(p, _)| p == prefix)
        .map(|(_, uri)| uri.clone())
}

/// A prefix's namespace: declared, else the one feeds conventionally mean by it, else the
/// prefix itself (`foo:`), which matches no known vocabulary.
fn namespace_of(prefix: &str, decls: &[(String, String)], stack: &[Open]) -> String {
    lookup(prefix, decls, stack)
        .or_else(|| ns::conventional(&prefix.to_ascii_lowercase()).map(str::to_string))
        .unwrap_or_else(|| format!("{prefix}:"))
}

/// The base URI, whether a document said it, and the language in scope for a new element.
fn scope(
    name: &str,
    ns_uri: &str,
    attrs: &[Attr],
    parent: Option<&Element>,
    root_base: &Rc<Url>,
    root_explicit: bool,
    root_lang: &Option<Rc<str>>,
) -> (Rc<Url>, bool, Option<Rc<str>>) {
    let (mut base, mut explicit) = match parent {
        Some(p) => (p.base.clone(), p.explicit_base),
        None => (root_base.clone(), root_explicit),
    };
    let mut lang = parent.map_or_else(|| root_lang.clone(), |p| p.lang.clone());
    // CDF's channel carries its base URI in a BASE attribute.
    let cdf = name.eq_ignore_ascii_case("channel") && ns_uri.is_empty();
    for a in attrs {
        let xml = a.ns == ns::XML;
        if (xml && a.name == "base") || (cdf && a.ns.is_empty() && a.name.eq_ignore_ascii_case("base")) {
            if let Ok(u) = base.join(a.value.trim()) {
                base = Rc::new(u);
                explicit = true;
            }
        } else if xml && a.name == "lang" {
            // An empty xml:lang says the language is unknown.
            let l = a.value.trim();
            lang = (!l.is_empty()).then(|| Rc::from(l));
        }
    }
    (base, explicit, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("http://example.org/feeds/a.xml").expect("url")
    }

    #[test]
    fn bases_and_langs_apply_at_every_level() {
        let doc = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://a.example/x/" xml:lang="en">
            <entry xml:base="y/"><link href="z"/><title xml:lang="">t</title></entry></feed>"#;
        let root = read(doc, &url(), false, None).expect("tree");
        assert_eq!(root.ns, ns::ATOM);
        let entry = root.elements().next().expect("entry");
        assert_eq!(entry.base.as_str(), "http://a.example/x/y/");
        assert_eq!(entry.lang.as_deref(), Some("en"));
        let title = entry.elements().nth(1).expect("title");
        assert_eq!(title.lang, None);
        assert!(title.explicit_base);
    }

    #[test]
    fn broken_markup_closes_what_is_open_and_html_entities_decode() {
        let doc = "<rss><channel><item><title>caf&eacute; &amp; &bogus; &#x92;</b></title><item><title>cut";
        let root = read(doc, &url(), false, None).expect("tree");
        let channel = root.elements().next().expect("channel");
        let items: Vec<_> = channel.elements().collect();
        // The second <item> ends the first, which never closed.
        assert_eq!(items.len(), 2);
        let first = items[0].elements().next().expect("title");
        assert_eq!(first.text(), "café & &bogus; \u{2019}");
    }

    #[test]
    fn undeclared_prefixes_read_as_feeds_use_them() {
        let doc = "<rss><channel><item><dc:creator>me</dc:creator><Foo:x/></item></channel></rss>";
        let root = read(doc, &url(), false, None).expect("tree");
        let item = root
            .elements()
            .next()
            .and_then(|c| c.elements().next())
            .expect("item");
        let kids: Vec<_> = item.elements().map(|e| e.ns.as_str()).collect();
        assert_eq!(kids, [ns::DC, "Foo:"]);
    }

    #[test]
    fn nothing_to_read_is_an_error() {
        assert!(read("just text", &url(), false, None).is_err());
        assert!(read("", &url(), false, None).is_err());
    }
}
