//! A sync server that misbehaves (5xx, HTML where JSON belongs, no answer at all) costs one
//! clear line and nothing else: marks stay queued and reach the server once it answers again.
//! A small Google Reader API on 127.0.0.1 stands in for the server, so these run everywhere.

use std::sync::{Arc, Mutex};

use crate::support::{Response, Server, tidings_cmd};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mood {
    Fine,
    Unavailable,
    Html,
    Silent,
}

/// One feed, two items; every write recorded.
fn reader(mood: Arc<Mutex<Mood>>, writes: Arc<Mutex<Vec<String>>>) -> Server {
    Server::start(move |req| {
        let path = req.path.split('?').next().unwrap_or("");
        match *mood.lock().expect("mood") {
            Mood::Unavailable => return Response::status(503),
            Mood::Html if !path.ends_with("ClientLogin") => {
                return Response::ok("<!DOCTYPE html><html><body>Please log in</body></html>")
                    .header("Content-Type", "text/html");
            }
            Mood::Silent => {
                return Response {
                    hang: true,
                    ..Response::default()
                };
            }
            _ => {}
        }
        let json = |s: &str| Response::ok(s.to_string()).header("Content-Type", "application/json");
        match path {
            p if p.ends_with("accounts/ClientLogin") => Response::ok("SID=x\nLSID=x\nAuth=secret-token\n"),
            p if p.ends_with("/token") => Response::ok("writetoken"),
            p if p.ends_with("subscription/list") => json(
                r#"{"subscriptions":[{"id":"feed/7","title":"Remote","url":"http://r.invalid/f.xml",
                    "categories":[{"id":"user/-/label/Tech","label":"Tech"}]}]}"#,
            ),
            p if p.ends_with("stream/items/ids") => {
                if req.path.contains("starred") || req.path.contains("xt=") {
                    json(r#"{"itemRefs":[{"id":"2"}]}"#)
                } else {
                    json(r#"{"itemRefs":[{"id":"1"},{"id":"2"}]}"#)
                }
            }
            p if p.ends_with("stream/items/contents") => json(
                r#"{"items":[
                {"id":"tag:google.com,2005:reader/item/0000000000000001","title":"One","origin":{"streamId":"feed/7"},
                 "timestampUsec":"1000000","summary":{"content":"<p>one</p>"}},
                {"id":"tag:google.com,2005:reader/item/0000000000000002","title":"Two","origin":{"streamId":"feed/7"},
                 "timestampUsec":"2000000","summary":{"content":"<p>two</p>"}}]}"#,
            ),
            p if p.ends_with("edit-tag") => {
                writes
                    .lock()
                    .expect("writes")
                    .push(String::from_utf8_lossy(&req.body).to_string());
                Response::ok("OK")
            }
            _ => Response::status(404),
        }
    })
}

#[test]
fn each_server_failure_is_one_line_and_marks_wait_until_it_answers() {
    let mood = Arc::new(Mutex::new(Mood::Fine));
    let writes = Arc::new(Mutex::new(Vec::new()));
    let server = reader(mood.clone(), writes.clone());
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[settings]\ntimeout = \"1s\"\n\n[[account]]\nname = \"mock\"\nkind = \"greader\"\n\
             url = \"{}\"\nuser = \"me\"\npassword_env = \"TIDINGS_TEST_MOCK_PASSWORD\"\n",
            server.url("/api/greader.php")
        ),
    )
    .expect("config");
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        let out = tidings_cmd(&config, &data, args)
            .env("TIDINGS_TEST_MOCK_PASSWORD", "pw")
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, out) = run(&["sync"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with("mock: synced: 1 feeds, 2 new, 2 changed, 0 marks pushed"),
        "{out}"
    );
    let (_, list) = run(&["list", "--tag", "tech"]);
    assert!(list.contains("One") && list.contains("Two"), "{list}");
    let (_, ids) = run(&["list", "--json"]);
    let ids: Vec<serde_json::Value> = serde_json::from_str(&ids).expect("json");
    let one = ids.iter().find(|a| a["title"] == "One").expect("one");
    assert_eq!(one["read"], true, "not in the server's unread list");
    run(&["mark", &one["id"].to_string(), "--unread"]);

    for (m, expected) in [
        (
            Mood::Unavailable,
            "mock: sync failed: HTTP 503 from subscription/list",
        ),
        (
            Mood::Html,
            "mock: sync failed: subscription/list answered with an HTML page, not the API's JSON: is the \
             account's url the API address (for FreshRSS, https://host/api/greader.php)?",
        ),
        (Mood::Silent, "mock: sync failed: timed out after 1s"),
    ] {
        *mood.lock().expect("mood") = m;
        let (code, out) = run(&["sync"]);
        assert_eq!(code, Some(1), "{m:?}: {out}");
        let kept = " (1 marks kept to push next time)";
        assert_eq!(
            out.lines().collect::<Vec<_>>(),
            vec![format!("{expected}{kept}")],
            "{m:?}"
        );
        let (_, feeds) = run(&["feeds"]);
        assert!(feeds.contains("Remote"), "nothing lost: {feeds}");
    }
    assert!(writes.lock().expect("writes").is_empty());
    *mood.lock().expect("mood") = Mood::Fine;
    let (code, out) = run(&["sync"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("1 marks pushed"), "{out}");
    let writes = writes.lock().expect("writes").clone();
    assert_eq!(writes.len(), 1);
    assert!(
        writes[0].contains("i=1") && writes[0].contains("r=user%2F-%2Fstate%2Fcom.google%2Fread"),
        "{writes:?}"
    );
    // The token was kept, not the password; the password never reaches the server but once.
    let token = std::fs::read_to_string(data.join("accounts/mock.auth")).expect("token");
    assert_eq!(token, "secret-token");
    let logins = server
        .requests
        .lock()
        .expect("requests")
        .iter()
        .filter(|r| r.path.ends_with("ClientLogin"))
        .count();
    assert_eq!(logins, 1);
}
