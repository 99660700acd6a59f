//! Each kind of box sits inside the article body under a neutral class name, in at least three
//! languages; the article around it must survive whole.
use crate::text::extract::extract;
use crate::text::index_text;

/// An article page with `box_html` between its fourth and fifth paragraphs.
fn page(box_html: &str) -> String {
    let para = |i: usize| {
        format!(
            "<p>Paragraph {i} of the story tells how the river rose over the old town during the \
             long wet spring, and what the people who live along its banks did next.</p>"
        )
    };
    let before: String = (0..4).map(para).collect();
    let after: String = (4..8).map(para).collect();
    format!(
        "<html><body><div class=\"wrap\"><div class=\"c-7\"><h1>The river</h1>{before}\
         <div class=\"x9 block\">{box_html}</div>{after}</div></div></body></html>"
    )
}

fn text_of(box_html: &str) -> String {
    let html = extract(&page(box_html), Some("https://news.example/river")).expect("an article");
    let text = index_text(&html);
    for i in 0..8 {
        assert!(
            text.contains(&format!("Paragraph {i} of the story")),
            "paragraph {i} lost: {text}"
        );
    }
    text
}

fn assert_gone(box_html: &str, marks: &[&str]) {
    let text = text_of(box_html);
    for m in marks {
        assert!(!text.contains(m), "{m:?} survived: {text}");
    }
}

#[test]
fn consent_dialogs_go_with_their_whole_region() {
    for (first, rest) in [
        (
            "Customize consent preferences",
            "Strictly necessary. Performance. Targeting. Save my choices",
        ),
        (
            "Cookie-Einstellungen",
            "Notwendig. Statistik. Marketing. Auswahl speichern",
        ),
        (
            "Gérer mes choix",
            "Nous utilisons des cookies pour mesurer l'audience. Continuer sans accepter",
        ),
    ] {
        let b = format!("<div><h4>{first}</h4><p>{rest}</p><span class=\"b\">OK</span></div>");
        assert_gone(&b, &[first, rest.split('.').next().unwrap_or(rest)]);
    }
}

#[test]
fn newsletter_boxes_in_three_languages() {
    for b in [
        "<p>Sign up for our newsletter</p><p>The best stories, every morning.</p><input type=\"email\"><span>Go</span>",
        "<p>Suscríbete a nuestro boletín</p><p>Lo mejor, cada mañana.</p><input type=\"email\">",
        "<p>Assine nossa newsletter</p><p>As melhores histórias, toda manhã.</p><input type=\"email\">",
    ] {
        assert_gone(b, &["newsletter", "boletín", "morning", "mañana", "manhã"]);
    }
}

#[test]
fn related_and_read_more_lists_in_three_languages() {
    for (head, items) in [
        ("Related stories", ["Floods elsewhere", "A dam opens"]),
        ("Leggi anche", ["Alluvioni altrove", "Una diga si apre"]),
        ("Lees ook", ["Overstromingen elders", "Een dam gaat open"]),
    ] {
        let b = format!(
            "<h3>{head}</h3><ul><li><a href=\"/a\">{}</a></li><li><a href=\"/b\">{}</a></li></ul>",
            items[0], items[1]
        );
        assert_gone(&b, &[head, items[0], items[1]]);
    }
    assert_gone(
        "<p>Read more: <a href=\"/x\">Why rivers rise</a></p>",
        &["Why rivers rise"],
    );
}

#[test]
fn share_bars_in_three_languages() {
    for b in [
        "<div><span>Share</span> <a href=\"/f\">Facebook</a> <a href=\"/t\">Twitter</a> <a href=\"/w\">Whatsapp</a></div>",
        "<div><span>Teilen</span> <a href=\"/f\">Facebook</a> <a href=\"/m\">E-Mail</a> <a href=\"/x\">X</a></div>",
        "<p>Partager : Facebook Twitter Pinterest</p>",
    ] {
        assert_gone(b, &["Facebook", "Twitter", "Teilen"]);
    }
}

#[test]
fn comment_headers_author_bios_and_footers_in_three_languages() {
    assert_gone("<h3>Leave a comment</h3>", &["Leave a comment"]);
    assert_gone("<h3>Commentaires</h3>", &["Commentaires"]);
    assert_gone("<h3>Deixe seu comentário</h3>", &["comentário"]);
    assert_gone("<h4>About the author</h4>", &["About the author"]);
    assert_gone("<h4>Über den Autor</h4>", &["Über den Autor"]);
    assert_gone("<h4>Sobre el autor</h4>", &["Sobre el autor"]);
    assert_gone(
        "<p>© 2019 River News. All rights reserved.</p>",
        &["rights reserved"],
    );
    assert_gone(
        "<p>© 2019 Flussblatt. Alle Rechte vorbehalten.</p>",
        &["Rechte vorbehalten"],
    );
    assert_gone(
        "<p>© 2019 Il Fiume. Tutti i diritti riservati.</p>",
        &["diritti riservati"],
    );
}

#[test]
fn date_lines_in_three_languages() {
    assert_gone(
        "<p>Published 4:00 am CST, Wednesday, November 20, 2019</p>",
        &["Published"],
    );
    assert_gone("<p>Mis à jour le 20 novembre 2019 à 10h43</p>", &["Mis à jour"]);
    assert_gone("<p>Bijgewerkt op 20 november 2019</p>", &["Bijgewerkt"]);
}

#[test]
fn prose_that_mentions_newsletters_or_cookies_is_kept() {
    let prose = "<p>The mayor said in her weekly newsletter that the town would pay for sandbags, \
        and the bakery on the square handed out cookies to the volunteers who filled them \
        through the night while the water kept rising along the quay.</p>";
    let text = text_of(prose);
    assert!(text.contains("weekly newsletter"), "{text}");
    assert!(text.contains("handed out cookies"), "{text}");
}

#[test]
fn cjk_articles_count_their_words() {
    let para =
        "<p>川の水位は春の長雨で上がり、古い町並みを越えて流れ込んだ。住民は夜通し土のうを積み上げた。</p>";
    let page = format!(
        "<html><body><article><h1>川</h1>{}</article></body></html>",
        para.repeat(6)
    );
    let html = extract(&page, Some("https://news.example/kawa")).expect("a Japanese article");
    assert!(index_text(&html).contains("土のう"));
    assert!(super::word_count("川の水位は春の長雨で上がり") >= 10);
}

#[test]
fn recurring_blocks_need_two_other_pages_and_never_take_half_the_article() {
    let promo = "<p>Support independent journalism in the valley today</p>";
    let story = |n: usize| {
        format!(
            "<p>Story {n} has its own long paragraph of text here.</p><p>And a second one for story {n} too.</p>{promo}"
        )
    };
    let one = vec![story(1)];
    assert!(super::remove_recurring(&story(9), &one).contains("Support independent"));
    let two = vec![story(1), story(2)];
    let cleaned = super::remove_recurring(&story(9), &two);
    assert!(!cleaned.contains("Support independent"), "{cleaned}");
    assert!(cleaned.contains("Story 9 has its own"), "{cleaned}");
    // The same story cached twice: everything recurs, so nothing is removed.
    let same = vec![story(9), story(9)];
    assert!(super::remove_recurring(&story(9), &same).contains("Story 9 has its own"));
}
