//! Page furniture inside an extracted article, judged by what a block says and how it is
//! built, never by its class name: consent dialogs, newsletter boxes, "related" and "read
//! more" lists, share bars, comment headers, author bios, copyright and date lines, link
//! lists and boxes of controls. The vocabulary covers English, German, French, Spanish,
//! Portuguese, Italian and Dutch.
//!
//! A consent or newsletter box takes its region with it (the smallest ancestor that is mostly
//! that box), so a dialog never loses its first line and keeps the rest. A paragraph that is
//! long enough to be prose keeps a passing mention of cookies or a newsletter.

use dom_query::{Document, Selection};
use unicode_segmentation::UnicodeSegmentation;

/// Boxes that take their whole region: consent dialogs.
const CONSENT: &[&str] = &[
    "we use cookies",
    "this site uses cookies",
    "this website uses cookies",
    "cookie settings",
    "cookie preferences",
    "customize consent",
    "customise consent",
    "manage consent",
    "accept all cookies",
    "your privacy choices",
    "privacy preferences",
    "consent preferences",
    "cookie-einstellungen",
    "wir verwenden cookies",
    "diese website verwendet cookies",
    "datenschutzeinstellungen",
    "nous utilisons des cookies",
    "gérer mes choix",
    "paramètres des cookies",
    "ce site utilise des cookies",
    "utilizamos cookies",
    "usamos cookies",
    "configuración de cookies",
    "este sitio web utiliza cookies",
    "este site utiliza cookies",
    "definições de cookies",
    "configurações de cookies",
    "utilizziamo i cookie",
    "questo sito utilizza cookie",
    "impostazioni dei cookie",
    "gestisci le preferenze",
    "wij gebruiken cookies",
    "we gebruiken cookies",
    "deze website gebruikt cookies",
    "cookie-instellingen",
    "cookievoorkeuren",
];

/// Newsletter and subscription boxes (they take their region too).
const NEWSLETTER: &[&str] = &[
    "sign up for our newsletter",
    "subscribe to our newsletter",
    "get our newsletter",
    "sign up for the newsletter",
    "join our mailing list",
    "enter your email",
    "subscribe now",
    "newsletter abonnieren",
    "jetzt abonnieren",
    "für unseren newsletter",
    "ihre e-mail-adresse",
    "abonnez-vous",
    "inscrivez-vous à notre newsletter",
    "recevez notre newsletter",
    "votre adresse e-mail",
    "suscríbete",
    "recibe nuestro boletín",
    "assine nossa newsletter",
    "inscreva-se na nossa newsletter",
    "receba nossa newsletter",
    "assine a newsletter",
    "iscriviti alla newsletter",
    "iscriviti alla nostra newsletter",
    "schrijf je in voor",
    "abonneer je op",
    "meld je aan voor de nieuwsbrief",
];

/// How blocks of links to elsewhere begin (the block, or a heading and what follows it).
const LEADS: &[&str] = &[
    "related",
    "read more",
    "read next",
    "more from",
    "you may also like",
    "you might also like",
    "recommended",
    "most read",
    "most popular",
    "more stories",
    "don't miss",
    "don’t miss",
    "see also",
    "also read",
    "continue reading",
    "trending",
    "mehr zum thema",
    "das könnte sie auch interessieren",
    "weitere artikel",
    "lesen sie auch",
    "auch interessant",
    "meistgelesen",
    "à lire aussi",
    "lire aussi",
    "sur le même sujet",
    "voir aussi",
    "les plus lus",
    "articles similaires",
    "lee también",
    "te puede interesar",
    "noticias relacionadas",
    "también te puede interesar",
    "lo más leído",
    "leer más",
    "leia também",
    "veja também",
    "notícias relacionadas",
    "você também pode gostar",
    "mais lidas",
    "leia mais",
    "saiba mais",
    "leggi anche",
    "potrebbe interessarti",
    "articoli correlati",
    "i più letti",
    "leggi di più",
    "lees ook",
    "meer over",
    "gerelateerde artikelen",
    "meest gelezen",
    "lees meer",
    // Comments, author bios and share prompts begin the same way.
    "comments",
    "leave a comment",
    "add a comment",
    "join the conversation",
    "post a comment",
    "kommentare",
    "kommentar schreiben",
    "commentaires",
    "laisser un commentaire",
    "comentarios",
    "deja un comentario",
    "comentários",
    "deixe seu comentário",
    "deixe um comentário",
    "commenti",
    "lascia un commento",
    "reacties",
    "plaats een reactie",
    "about the author",
    "über den autor",
    "über die autorin",
    "à propos de l'auteur",
    "sobre el autor",
    "sobre o autor",
    "sull'autore",
    "over de auteur",
    "share this",
    "share on",
    "share article",
    "share via",
    "artikel teilen",
    "partager",
    "partagez",
    "compartir",
    "comparte",
    "compartilhe",
    "compartilhar",
    "partilhar",
    "condividi",
    "deel dit",
    "get fox business",
    "click here",
    "tags",
];

/// Copyright and advertising lines.
const FOOTER: &[&str] = &[
    "all rights reserved",
    "this document is subject to copyright",
    "alle rechte vorbehalten",
    "tous droits réservés",
    "todos los derechos reservados",
    "todos os direitos reservados",
    "tutti i diritti riservati",
    "alle rechten voorbehouden",
    "advertisement",
    "continue reading below",
    "story continues below",
    "anzeige",
    "werbung",
    "publicité",
    "publicidad",
    "publicidade",
    "pubblicità",
    "advertentie",
];

/// Words of date lines ("Published 4:00 am", "Aktualisiert am 3. März").
const DATED: &[&str] = &[
    "published",
    "updated",
    "posted",
    "veröffentlicht",
    "aktualisiert",
    "publié",
    "mis à jour",
    "publicado",
    "actualizado",
    "atualizado",
    "pubblicato",
    "aggiornato",
    "gepubliceerd",
    "bijgewerkt",
];

/// Networks that share bars are made of.
const NETWORKS: &[&str] = &[
    "facebook",
    "twitter",
    "whatsapp",
    "pinterest",
    "linkedin",
    "reddit",
    "email",
    "e-mail",
    "telegram",
    "messenger",
    "flipboard",
    "tumblr",
    "print",
    "copy",
    "link",
    "pint",
    "tweet",
    "share",
    "x",
    "mail",
    "sms",
    "threads",
    "bluesky",
    "mastodon",
    "xing",
    "vk",
];

const BLOCKS: &str =
    "p, div, section, header, ul, ol, li, h2, h3, h4, h5, h6, figcaption, table, dl, span, strong";

/// Words by Unicode segmentation, so CJK text counts by its characters, not its spaces.
pub fn word_count(text: &str) -> usize {
    text.unicode_words().count()
}

fn normal(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn starts_with_any(t: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| {
        t.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || !rest.starts_with(char::is_alphanumeric))
    })
}

fn contains_any(t: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| t.contains(p))
}

/// The share of a block's text that is link text.
fn link_density(node: &Selection, text_len: usize) -> f64 {
    let links: usize = node.select("a").iter().map(|a| a.text().trim().len()).sum();
    links as f64 / text_len.max(1) as f64
}

/// Removes the furniture from an extracted article's document.
pub fn remove(doc: &Document) {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for node in doc.select(BLOCKS).iter() {
        let text = normal(&node.text());
        if text.is_empty() {
            continue;
        }
        let words = word_count(&text);
        if words <= 120 && (contains_any(&text, CONSENT) || (words <= 60 && contains_any(&text, NEWSLETTER)))
        {
            region_of(&node, words).remove();
            continue;
        }
        let heading = node.is("h2, h3, h4, h5, h6") || (words <= 6 && node.is("p, div, strong, span"));
        // A lead phrase marks furniture when the block is a heading, or short and linking away
        // ("Read more: ..."), never a paragraph of prose that happens to start the same way.
        let links_away = words <= 25 && link_density(&node, text.len()) >= 0.3;
        if starts_with_any(&text, LEADS) && (heading || links_away) {
            if heading {
                // A heading's list follows it.
                let next = node.next_sibling();
                if next.is("ul, ol, div, section, p") && link_density(&next, next.text().trim().len()) > 0.5 {
                    next.remove();
                }
            }
            node.remove();
            continue;
        }
        if words <= 60 && contains_any(&text, FOOTER) && !node.is("li") {
            node.remove();
            continue;
        }
        if words <= 15 && text.chars().any(|c| c.is_ascii_digit()) && starts_with_any(&text, DATED) {
            node.remove();
            continue;
        }
        let len = text.len();
        let links = node.select("a").length();
        if node.is("ul, ol, div, section, p, dl, table")
            && links >= 3
            && words < 100
            && link_density(&node, len) >= 0.7
        {
            node.remove();
            continue;
        }
        if words < 40
            && node
                .select("button, input, select, textarea, [role=button]")
                .exists()
        {
            node.remove();
            continue;
        }
        if words <= 15 {
            let social = text
                .unicode_words()
                .filter(|w| NETWORKS.contains(&w.to_lowercase().as_str()))
                .count();
            if social * 2 >= words && social >= 2 {
                node.remove();
                continue;
            }
        }
        // The same caption twice (a slideshow, a gallery's "show more"); prose may repeat.
        let caption = node.is("figcaption") || node.ancestors(None).is("figure");
        if caption && words >= 5 && !seen.insert(text) {
            node.remove();
        }
    }
}

/// Blocks whose text can be a site's template: leaf blocks of a few words or more.
const TEMPLATE_BLOCKS: &str = "p, li, h2, h3, h4, h5, h6, figcaption, blockquote, dd, dt, div";

fn template_texts(doc: &Document) -> std::collections::HashSet<String> {
    doc.select(TEMPLATE_BLOCKS)
        .iter()
        .filter(|n| !n.is("div") || !n.select(TEMPLATE_BLOCKS).exists())
        .map(|n| normal(&n.text()))
        .filter(|t| word_count(t) >= 3)
        .collect()
}

/// Removes the site's template from a freshly extracted article: a block whose text recurs on
/// at least two other cached pages of the same feed is page furniture (a promo, a standing
/// author bio, a slogan), whatever it looks like. `others` are those pages' cached article
/// HTML. Nothing is removed when that would take half the article (the same story twice).
pub fn remove_recurring(html: &str, others: &[String]) -> String {
    if others.len() < 2 {
        return html.to_string();
    }
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for other in others {
        for t in template_texts(&Document::from(other.as_str())) {
            *seen.entry(t).or_insert(0) += 1;
        }
    }
    let doc = Document::from(html);
    let total = word_count(&doc.select("body").text());
    let recurring: Vec<Selection> = doc
        .select(TEMPLATE_BLOCKS)
        .iter()
        .filter(|n| !n.is("div") || !n.select(TEMPLATE_BLOCKS).exists())
        .filter(|n| seen.get(&normal(&n.text())).is_some_and(|&c| c >= 2))
        .collect();
    let removed: usize = recurring.iter().map(|n| word_count(&n.text())).sum();
    if removed * 2 >= total {
        return html.to_string();
    }
    for n in recurring {
        n.remove();
    }
    doc.select("body").inner_html().to_string()
}

/// The region a box lives in: the largest ancestor that is still mostly the box.
fn region_of<'a>(node: &Selection<'a>, words: usize) -> Selection<'a> {
    let mut region = node.clone();
    let mut up = node.parent();
    while up.exists() && !up.is("body, html, article, main") {
        let total = word_count(&up.text());
        if total > words * 2 + 30 {
            break;
        }
        region = up.clone();
        up = up.parent();
    }
    region
}

#[cfg(test)]
mod tests;
