//! Rules from the command line: a config edit re-applies them to stored articles, what they hid
//! is found again and keeps its marks, and `tidings rules` says what each did.

use std::path::Path;

use crate::support::{Response, Server, rss, tidings, tidings_ok};

fn feeds_config(alpha: &str, beta: &str) -> String {
    format!(
        "[[feed]]\nurl = \"{alpha}\"\nname = \"Alpha\"\ntags = [\"x\"]\n\n[[feed]]\nurl = \"{beta}\"\nname = \"Beta\"\ntags = [\"y\"]\n"
    )
}

fn count(config: &Path, data: &Path, args: &[&str]) -> u64 {
    let mut a = vec!["list", "--count"];
    a.extend_from_slice(args);
    tidings_ok(config, data, &a).trim().parse().expect("a count")
}

fn listed(config: &Path, data: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut a = vec!["list", "--json"];
    a.extend_from_slice(args);
    serde_json::from_str::<serde_json::Value>(&tidings_ok(config, data, &a))
        .expect("json")
        .as_array()
        .expect("array")
        .clone()
}

#[test]
fn a_config_edit_reapplies_rules_to_stored_articles_and_hidden_ones_keep_their_marks() {
    let server = Server::start(|req| match req.path.as_str() {
        "/a" => Response::ok(rss("Alpha", "a", 3)),
        "/b" => Response::ok(rss("Beta", "b", 2)),
        _ => Response::status(404),
    });
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    let data = dir.path().join("data");
    let feeds = feeds_config(&server.url("/a"), &server.url("/b"));
    std::fs::write(&config, &feeds).expect("config");
    tidings_ok(&config, &data, &["refresh"]);
    assert_eq!(count(&config, &data, &["--unread"]), 5);

    // A rule added after the articles were stored still acts on them.
    let hide_beta = format!(
        "{feeds}\n[[rule]]\nname = \"no beta\"\nmatch = \"item\"\nscope = \"tag:y\"\naction = \"hide\"\n"
    );
    std::fs::write(&config, &hide_beta).expect("edit");
    assert_eq!(count(&config, &data, &["--unread"]), 3);
    let hidden: Vec<_> = listed(&config, &data, &["--hidden"])
        .into_iter()
        .filter(|a| a["hidden_by"] == "no beta")
        .collect();
    assert_eq!(hidden.len(), 2, "both Beta articles, found with --hidden");
    assert!(hidden.iter().all(|a| a["feed"] == "Beta"));
    assert_eq!(hidden[0]["rules"][0]["rule"], "no beta", "{hidden:#?}");
    let rules = tidings_ok(&config, &data, &["rules"]);
    assert!(rules.contains("no beta  hide"), "{rules}");
    assert!(
        rules.contains("0 matches in 30 days"),
        "the articles are from 2024: {rules}"
    );

    // A mark on a hidden article persists while it is hidden and after the rule goes.
    let id = hidden[0]["id"].as_i64().expect("id").to_string();
    tidings_ok(&config, &data, &["mark", &id, "--read"]);
    tidings_ok(&config, &data, &["mark", &id, "--star"]);
    tidings_ok(&config, &data, &["refresh"]);
    std::fs::write(&config, &feeds).expect("rule removed");
    assert_eq!(
        count(&config, &data, &["--unread"]),
        4,
        "the other Beta article is back"
    );
    let back = listed(&config, &data, &["--feed", "Beta"]);
    let marked = back
        .iter()
        .find(|a| a["id"].as_i64().map(|i| i.to_string()) == Some(id.clone()))
        .expect("the hidden article is listed again");
    assert_eq!(
        (marked["read"].clone(), marked["starred"].clone()),
        (true.into(), true.into())
    );
    assert!(marked["hidden_by"].is_null(), "{marked:#?}");

    // Changing the action re-runs the rule: a star rule stars without hiding.
    let star = format!(
        "{feeds}\n[[rule]]\nname = \"star alpha 1\"\nmatch = 'title:\"item 1\" feed:Alpha'\naction = \"star\"\n"
    );
    std::fs::write(&config, &star).expect("edit");
    let starred = listed(&config, &data, &["--starred"]);
    let titles: Vec<&str> = starred.iter().filter_map(|a| a["title"].as_str()).collect();
    assert!(titles.contains(&"Alpha item 1"), "{titles:?}");
    assert_eq!(
        starred.len(),
        2,
        "the rule's star and the hand-made one: {titles:?}"
    );
}

#[test]
fn a_rule_that_cannot_match_is_refused_with_file_line_and_the_store_is_left_as_it_was() {
    let server = Server::start(|_| Response::ok(rss("Alpha", "a", 2)));
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    let data = dir.path().join("data");
    let feeds = format!("[[feed]]\nurl = \"{}\"\nname = \"Alpha\"\n", server.url("/a"));
    std::fs::write(&config, &feeds).expect("config");
    tidings_ok(&config, &data, &["refresh"]);
    std::fs::write(
        &config,
        format!("{feeds}\n[[rule]]\nname = \"typo\"\nmatch = \"titel:item\"\naction = \"hide\"\n"),
    )
    .expect("edit");
    let out = tidings(&config, &data, &["list", "--count"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.toml:7"), "{err}");
    assert!(err.contains("titel"), "{err}");
    std::fs::write(&config, &feeds).expect("fixed");
    assert_eq!(count(&config, &data, &["--unread"]), 2);
}

#[test]
fn rules_test_previews_a_query_with_its_count_and_newest_matches() {
    let server = Server::start(|_| Response::ok(rss("Alpha", "a", 4)));
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    let data = dir.path().join("data");
    std::fs::write(
        &config,
        format!("[[feed]]\nurl = \"{}\"\nname = \"Alpha\"\n", server.url("/a")),
    )
    .expect("config");
    tidings_ok(&config, &data, &["refresh"]);
    let out = tidings_ok(
        &config,
        &data,
        &["rules", "test", "title:\"item 2\" OR title:\"item 3\""],
    );
    assert!(
        out.contains('2') && out.contains("Alpha item 3") && out.contains("Alpha item 2"),
        "{out}"
    );
    assert!(!out.contains("Alpha item 0"), "{out}");
    let bad = tidings(&config, &data, &["rules", "test", "/(/"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("not a regular expression"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
