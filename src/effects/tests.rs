//! Each effect against a temporary store, without a terminal.

use super::*;
use crate::model::{FeedMeta, NewArticle};

struct Env {
    _dir: tempfile::TempDir,
    store: StoreHandle,
    ids: Vec<ArticleId>,
}

fn article(key: &str) -> NewArticle {
    NewArticle {
        key: key.into(),
        title: format!("Title {key}"),
        author: None,
        link: Some(format!("https://example.org/{key}")),
        published: None,
        updated: None,
        summary: None,
        content: Some(format!("<p>Body {key}</p>")),
        enclosures: vec![],
        comments: None,
        categories: Vec::new(),
    }
}

async fn env() -> Env {
    let dir = tempfile::tempdir().expect("tmp");
    let store = StoreHandle::open(&dir.path().join("t.db")).expect("open");
    store
        .write(|s| {
            let feed = s.sync_feeds(&["https://a.example/feed".into()], chrono::Utc::now())?[0];
            s.ingest(
                feed,
                &FeedMeta::default(),
                &[article("a"), article("b"), article("c")],
                chrono::Utc::now(),
            )
        })
        .await
        .expect("thread")
        .expect("ingest");
    let ids = store
        .read(|s| s.ids(&Query::default()))
        .await
        .expect("thread")
        .expect("ids");
    Env {
        _dir: dir,
        store,
        ids,
    }
}

fn unread_query() -> Query {
    Query {
        unread_only: true,
        ..Query::default()
    }
}

async fn unread(store: &StoreHandle) -> u64 {
    store
        .read(|s| s.count(&unread_query()))
        .await
        .expect("thread")
        .expect("count")
}

#[tokio::test]
async fn a_window_reports_its_rows_and_total() {
    let e = env().await;
    match load_window(&e.store, 7, Query::default(), Around::Offset(1), 10).await {
        Msg::Store(StoreReply::Window {
            generation,
            offset,
            rows,
            total,
            ..
        }) => {
            assert_eq!((generation, offset, total, rows.len()), (7, 1, 3, 2));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_body_is_loaded_by_id() {
    let e = env().await;
    match load_body(&e.store, e.ids[0]).await {
        Msg::Store(StoreReply::Body { id, body: Some(b) }) => {
            assert_eq!(id, e.ids[0]);
            assert!(b.content_html.as_deref().is_some_and(|c| c.contains("Body")));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_write_is_reported_after_its_commit_and_undo_reverses_it() {
    let e = env().await;
    let change = Change {
        ids: vec![e.ids[0]],
        field: Field::Read,
        value: true,
    };
    let msg = write(&e.store, change.clone()).await;
    assert_eq!(msg, Msg::Store(StoreReply::Written { change }));
    assert_eq!(unread(&e.store).await, 2, "committed when reported");
    let back = Change {
        ids: vec![e.ids[0]],
        field: Field::Read,
        value: false,
    };
    let msg = undo(&e.store, back.clone()).await;
    assert_eq!(msg, Msg::Store(StoreReply::Undone { change: back }));
    assert_eq!(unread(&e.store).await, 3);
}

#[tokio::test]
async fn mark_all_read_returns_the_ids_it_changed_and_counts_follow() {
    let e = env().await;
    let Msg::Store(StoreReply::MarkedAll { ids }) = mark_all_read(&e.store, unread_query()).await else {
        panic!("mark all")
    };
    assert_eq!(ids.len(), 3);
    match load_counts(&e.store, 4, vec![]).await {
        Some(Msg::Store(StoreReply::Counts { epoch, unread, .. })) => {
            assert_eq!(epoch, 4);
            assert_eq!(unread.iter().map(|(_, n)| n).sum::<u64>(), 0);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_write_for_an_article_that_is_gone_is_still_answered() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("t.db");
    let store = StoreHandle::open(&path).expect("open");
    store
        .write(|s| s.sync_feeds(&["https://a.example/".into()], chrono::Utc::now()))
        .await
        .expect("thread")
        .expect("sync");
    let change = Change {
        ids: vec![ArticleId(999)],
        field: Field::Starred,
        value: true,
    };
    // An id pruned meanwhile changes nothing; the model still hears back, so no write hangs.
    assert!(matches!(
        write(&store, change).await,
        Msg::Store(StoreReply::Written { .. })
    ));
}

#[tokio::test]
async fn health_rows_come_from_the_store() {
    let e = env().await;
    match load_health(&e.store).await {
        Some(Msg::Store(StoreReply::Health(rows, _))) => {
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].total, 3);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn apply_redirect_edits_the_config_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "# mine\n[[feed]]\nurl = \"https://old.example/rss\" # keep\n",
    )
    .expect("write");
    let msg = apply_redirect(
        &path,
        "https://old.example/rss".into(),
        "https://new.example/rss".into(),
    )
    .await;
    assert_eq!(
        msg,
        Msg::Notice {
            message: "feed now points to https://new.example/rss".into(),
            error: false
        }
    );
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("https://new.example/rss") && text.starts_with("# mine"),
        "{text}"
    );
    let again = apply_redirect(&path, "https://gone.example/".into(), "https://x.example/".into()).await;
    assert!(matches!(again, Msg::Notice { error: true, .. }));
}

#[tokio::test]
async fn open_url_refuses_a_non_web_link() {
    let msg = open_url(Some(vec!["true".into()]), "javascript:alert(1)".into());
    assert!(matches!(msg, Some(Msg::OpenFailed(_))), "{msg:?}");
    assert_eq!(
        open_url(Some(vec!["true".into()]), "https://example.org/".into()),
        None
    );
}
