//! Each action and scope, expiry, re-running after a config edit, and hidden articles found
//! again with their marks.

use chrono::TimeZone;

use super::*;
use crate::config::Config;
use crate::model::{Enclosure, FeedMeta, NewArticle, Query};
use crate::store::WantedFeed;

fn article(key: &str, title: &str, body: &str) -> NewArticle {
    NewArticle {
        key: key.into(),
        title: title.into(),
        author: Some(if key.ends_with('2') { "Ann Lee" } else { "Bob" }.into()),
        link: Some(format!("https://example.org/{key}")),
        published: Some(Utc.with_ymd_and_hms(2026, 5, 20, 0, 0, 0).single().expect("date")),
        updated: None,
        summary: None,
        content: Some(format!("<p>{body}</p>")),
        enclosures: if key.ends_with('3') {
            vec![Enclosure {
                url: "https://example.org/a.mp3".into(),
                mime: Some("audio/mpeg".into()),
                length: None,
                ..Enclosure::default()
            }]
        } else {
            vec![]
        },
        comments: None,
        categories: if key.ends_with('1') {
            vec!["Release".into()]
        } else {
            vec![]
        },
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).single().expect("date")
}

/// Two feeds ("Rust", tagged rust; "News", tagged news) with three articles each.
fn store_with(rules_toml: &str) -> (tempfile::TempDir, Store, Vec<crate::model::FeedId>) {
    let dir = tempfile::tempdir().expect("dir");
    let mut s = Store::open(&dir.path().join("t.db")).expect("open");
    let ids = s
        .sync_feeds(
            &[
                WantedFeed {
                    url: "https://rust.example/feed".into(),
                    name: Some("Rust".into()),
                    tags: vec!["rust".into()],
                },
                WantedFeed {
                    url: "https://news.example/feed".into(),
                    name: Some("News".into()),
                    tags: vec!["news".into()],
                },
            ],
            now(),
        )
        .expect("feeds");
    s.set_rules(rules(rules_toml), now()).expect("rules");
    for (feed, prefix) in [(ids[0], "r"), (ids[1], "n")] {
        let arts = vec![
            article(&format!("{prefix}1"), "Rust 1.90 released", "the release notes"),
            article(
                &format!("{prefix}2"),
                "Crypto coin surges",
                "a sponsored post about coins",
            ),
            article(&format!("{prefix}3"), "Weekly podcast", "an episode"),
        ];
        s.ingest(feed, &FeedMeta::default(), &arts, now())
            .expect("ingest");
    }
    (dir, s, ids)
}

fn rules(toml: &str) -> Vec<crate::rules::Rule> {
    let text = format!(
        "[[feed]]\nurl = \"https://rust.example/feed\"\nname = \"Rust\"\ntags = [\"rust\"]\n\
         [[feed]]\nurl = \"https://news.example/feed\"\nname = \"News\"\ntags = [\"news\"]\n{toml}"
    );
    Config::parse(&text, std::path::Path::new("test.toml"))
        .expect("config")
        .rules
}

/// Titles (with their feed's key prefix) of the articles a query lists.
fn listed(s: &Store, q: &Query) -> Vec<String> {
    let mut v: Vec<String> = s
        .headlines(q, 0, 100)
        .expect("headlines")
        .into_iter()
        .map(|a| format!("{}:{}", a.feed_id.0, a.title))
        .collect();
    v.sort();
    v
}

fn visible(s: &Store) -> Vec<String> {
    listed(s, &Query::default())
}

fn state(s: &Store, title: &str, feed: i64) -> (bool, bool) {
    let a = s
        .headlines(
            &Query {
                show_hidden: true,
                ..Query::default()
            },
            0,
            100,
        )
        .expect("all")
        .into_iter()
        .find(|a| a.title == title && a.feed_id.0 == feed)
        .expect("article");
    (a.read, a.starred)
}

#[test]
fn hide_is_global_and_a_hidden_article_is_kept_with_its_marks() {
    let (_d, mut s, ids) =
        store_with("[[rule]]\nname = \"mute crypto\"\nmatch = \"crypto OR coins\"\naction = \"hide\"\n");
    let v = visible(&s);
    assert_eq!(v.len(), 4, "{v:?}");
    assert!(!v.iter().any(|t| t.contains("Crypto")));
    let all = Query {
        show_hidden: true,
        ..Query::default()
    };
    let hidden: Vec<_> = s
        .headlines(&all, 0, 100)
        .expect("all")
        .into_iter()
        .filter(|a| a.title.contains("Crypto"))
        .collect();
    assert_eq!(hidden.len(), 2, "kept, not deleted");
    assert_eq!(
        s.explain(hidden[0].id).expect("why"),
        vec![("mute crypto".to_string(), "hide".to_string())]
    );
    // Marks on a hidden article persist, and hidden ones are not counted unread.
    s.set_starred(&[hidden[0].id], true).expect("star");
    assert_eq!(s.unread_count(ids[0]).expect("count"), 2);
    s.set_rules(rules(""), now()).expect("no rules");
    assert_eq!(visible(&s).len(), 6, "the rule left: everything shows again");
    assert!(s.body(hidden[0].id).expect("body").expect("some").summary.starred);
}

#[test]
fn scopes_limit_a_rule_to_a_tag_or_a_feed() {
    let (_d, s, ids) = store_with(
        "[[rule]]\nmatch = \"crypto\"\nscope = \"tag:news\"\naction = \"mark_read\"\n\
         [[rule]]\nmatch = \"podcast\"\nscope = \"feed:Rust\"\naction = \"star\"\n",
    );
    assert_eq!(
        state(&s, "Crypto coin surges", ids[1].0),
        (true, false),
        "news: read"
    );
    assert_eq!(
        state(&s, "Crypto coin surges", ids[0].0),
        (false, false),
        "rust: untouched"
    );
    assert_eq!(
        state(&s, "Weekly podcast", ids[0].0),
        (false, true),
        "feed Rust: starred"
    );
    assert_eq!(state(&s, "Weekly podcast", ids[1].0), (false, false));
}

#[test]
fn keep_only_and_tag_and_every_field() {
    let (_d, s, ids) = store_with(
        "[[rule]]\nmatch = \"category:release OR enclosure:audio\"\nscope = \"feed:News\"\naction = \"keep_only\"\n\
         [[rule]]\nmatch = 'author:\"ann lee\" link:/r2$/'\ntag = \"by-ann\"\n",
    );
    let news: Vec<String> = visible(&s)
        .into_iter()
        .filter(|t| t.starts_with(&format!("{}:", ids[1].0)))
        .collect();
    assert_eq!(news.len(), 2, "only the release and the podcast stay: {news:?}");
    let tagged = listed(
        &s,
        &Query {
            search: Some("tag:by-ann".into()),
            ..Query::default()
        },
    );
    assert_eq!(tagged, vec![format!("{}:Crypto coin surges", ids[0].0)]);
    let content = listed(
        &s,
        &Query {
            search: Some("content:sponsored".into()),
            show_hidden: true,
            ..Query::default()
        },
    );
    assert_eq!(content.len(), 2);
}

#[test]
fn mark_read_acts_once_so_an_unmarked_article_stays_unmarked() {
    let (_d, mut s, ids) = store_with("[[rule]]\nmatch = \"title:crypto\"\naction = \"mark_read\"\n");
    let id = s
        .headlines(&Query::default(), 0, 100)
        .expect("rows")
        .into_iter()
        .find(|a| a.title.contains("Crypto") && a.feed_id == ids[0])
        .expect("crypto")
        .id;
    s.set_read(&[id], false).expect("unmark");
    // A re-run (here: another rule added) does not mark it again.
    s.set_rules(
        rules("[[rule]]\nmatch = \"title:crypto\"\naction = \"mark_read\"\n[[rule]]\nmatch = \"podcast\"\naction = \"star\"\n"),
        now(),
    )
    .expect("rules");
    assert!(!s.body(id).expect("b").expect("s").summary.read);
}

#[test]
fn a_new_rule_runs_over_stored_articles_and_ingest_applies_it_to_new_ones() {
    let (_d, mut s, ids) = store_with("");
    assert_eq!(visible(&s).len(), 6);
    assert!(
        s.set_rules(rules("[[rule]]\nmatch = \"podcast\"\naction = \"hide\"\n"), now())
            .expect("rules")
    );
    assert_eq!(visible(&s).len(), 4, "applied to what was stored before it");
    assert!(
        !s.set_rules(rules("[[rule]]\nmatch = \"podcast\"\naction = \"hide\"\n"), now())
            .expect("same")
    );
    s.ingest(
        ids[0],
        &FeedMeta::default(),
        &[article("x9", "Another podcast", "ep 2")],
        now(),
    )
    .expect("ingest");
    assert_eq!(visible(&s).len(), 4, "hidden as it arrived");
    let counts = s.rule_counts(now()).expect("counts");
    assert_eq!((counts[0].recent, counts[0].active), (3, true));
}

#[test]
fn an_expired_rule_stops_acting() {
    let (_d, mut s, ids) =
        store_with("[[rule]]\nmatch = \"crypto\"\naction = \"hide\"\nuntil = \"2026-06-30\"\n");
    assert_eq!(visible(&s).len(), 4);
    let later = Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).single().expect("date");
    s.ingest(
        ids[0],
        &FeedMeta::default(),
        &[article("x8", "Crypto again", "coins")],
        later,
    )
    .expect("ingest");
    assert_eq!(visible(&s).len(), 7, "past `until`: nothing hidden any more");
    let (_d, mut s, _) = store_with("[[rule]]\nmatch = \"crypto\"\naction = \"hide\"\nfor = \"30d\"\n");
    assert_eq!(visible(&s).len(), 4);
    let day31 = now() + chrono::Duration::days(31);
    assert!(s.reapply_if_changed(day31).expect("rerun"));
    assert_eq!(visible(&s).len(), 6, "30 days after the rule was first seen");
    assert!(!s.rule_counts(day31).expect("counts")[0].active);
}

/// An article's rule state: (title, hidden_by, rule_tags, read, starred).
type RuledState = (String, Option<String>, Option<String>, bool, bool);

/// Every article's rule state, by feed and key.
fn ruled_state(s: &Store) -> Vec<RuledState> {
    let mut stmt = s
        .conn
        .prepare("SELECT title, hidden_by, rule_tags, read, starred FROM articles ORDER BY feed_id, key")
        .expect("prepare");
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .expect("query")
    .collect::<rusqlite::Result<_>>()
    .expect("rows")
}

#[test]
fn rules_at_ingest_decide_exactly_as_a_run_over_the_stored_articles() {
    // Words, prefixes, phrases, exclusions, OR, fields, regexes, every scope and action: the
    // ingest looks words up among the new articles only (the scratch index), the full run
    // in the whole index; both must come to the same state.
    let toml = r#"
[[rule]]
name = "coins"
match = 'coin -release'
action = "hide"
[[rule]]
name = "notes"
match = '"release notes" OR title:/\bpod/'
scope = "tag:rust"
action = "star"
[[rule]]
name = "episodes"
match = 'content:episo enclosure:audio'
tag = "listen"
[[rule]]
name = "news only releases"
match = 'title:released'
scope = "feed:News"
action = "keep_only"
[[rule]]
name = "by ann"
match = 'author:ann OR category:release'
action = "mark_read"
"#;
    let (_d, at_ingest, _) = store_with(toml);
    let (_d2, mut afterwards, _) = store_with("");
    afterwards.set_rules(rules(toml), now()).expect("rules");
    let (a, b) = (ruled_state(&at_ingest), ruled_state(&afterwards));
    assert_eq!(a, b);
    assert!(a.iter().any(|r| r.1.is_some()) && a.iter().any(|r| r.2.is_some()));
    assert!(a.iter().any(|r| r.3) && a.iter().any(|r| r.4));
}
