//! Sync against a real FreshRSS (Google Reader API), the server people run. These tests need
//! that server: `.ci/run` starts it with `../shared/sync/freshrss-up.sh` (PHP from Debian's
//! packages, SQLite, on 127.0.0.1), runs them with `--ignored`, and stops it. The server is
//! one shared state, so they take a lock and run one at a time.
//!
//! What another client does is done here through the API with curl, as that client would.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::pty::Tui;
use crate::support::tidings_cmd;

const NEEDS: &str = "need the FreshRSS server that .ci/sync-tests starts (../shared/sync/freshrss-up.sh)";
const READ: &str = "user/-/state/com.google/read";
const STARRED: &str = "user/-/state/com.google/starred";
const READING_LIST: &str = "user/-/state/com.google/reading-list";

static SERVER: Mutex<()> = Mutex::new(());

/// The running FreshRSS, as `freshrss-up.sh up` described it.
struct Fresh {
    greader: String,
    user: String,
    password: String,
    script: PathBuf,
    request_log: PathBuf,
    feed_id: String,
    auth: String,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: these tests {NEEDS}"))
}

impl Fresh {
    fn get() -> Fresh {
        let mut f = Fresh {
            greader: env("FRESHRSS_GREADER_URL"),
            user: env("FRESHRSS_USER"),
            password: env("FRESHRSS_API_PASSWORD"),
            script: PathBuf::from(env("FRESHRSS_SCRIPT")),
            request_log: PathBuf::from(env("FRESHRSS_REQUEST_LOG_FILE")),
            feed_id: env("FRESHRSS_FEED_ID"),
            auth: String::new(),
        };
        f.login();
        f
    }

    fn login(&mut self) {
        let out = curl(&[
            &format!("{}/accounts/ClientLogin", self.greader),
            "--data-urlencode",
            &format!("Email={}", self.user),
            "--data-urlencode",
            &format!("Passwd={}", self.password),
        ]);
        self.auth = out
            .lines()
            .find_map(|l| l.strip_prefix("Auth="))
            .expect("ClientLogin gives Auth")
            .to_string();
    }

    fn api(&self, path: &str, form: &[&str]) -> String {
        let url = format!("{}/reader/api/0/{path}", self.greader);
        let header = format!("Authorization: GoogleLogin auth={}", self.auth);
        let mut args: Vec<String> = vec![url, "-H".into(), header];
        if !form.is_empty() {
            let token = self.api("token", &[]);
            args.push("-d".into());
            args.push(format!("T={}", token.trim()));
            for f in form {
                args.push("--data-urlencode".into());
                args.push(f.to_string());
            }
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        curl(&refs)
    }

    fn ids(&self, query: &str) -> Vec<String> {
        let v: Value =
            serde_json::from_str(&self.api(&format!("stream/items/ids?output=json&n=10000&{query}"), &[]))
                .expect("json");
        v["itemRefs"]
            .as_array()
            .expect("itemRefs")
            .iter()
            .map(|r| r["id"].as_str().expect("id").to_string())
            .collect()
    }

    fn unread(&self) -> Vec<String> {
        self.ids(&format!("s={READING_LIST}&xt={READ}"))
    }

    fn starred(&self) -> Vec<String> {
        self.ids(&format!("s={STARRED}"))
    }

    /// Every item unread and unstarred on the server, as each test starts.
    fn reset_state(&self) {
        let all = self.ids(&format!("s={READING_LIST}"));
        let mut form: Vec<String> = all.iter().map(|i| format!("i={i}")).collect();
        for tag in [READ, STARRED] {
            form.push(format!("r={tag}"));
            let refs: Vec<&str> = form.iter().map(String::as_str).collect();
            assert_eq!(self.api("edit-tag", &refs).trim(), "OK");
            form.pop();
        }
    }

    fn mark(&self, id: &str, add: bool, tag: &str) {
        let op = format!("{}={tag}", if add { "a" } else { "r" });
        assert_eq!(self.api("edit-tag", &[&format!("i={id}"), &op]).trim(), "OK");
    }

    fn script(&self, args: &[&str]) -> String {
        let out = Command::new("bash")
            .arg(&self.script)
            .args(args)
            .output()
            .expect("run freshrss-up.sh");
        assert!(
            out.status.success(),
            "freshrss-up.sh {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Stops the server until the guard is dropped (also when the test fails meanwhile, so
    /// the next test finds it running).
    fn stop(&self) -> Stopped<'_> {
        self.script(&["down"]);
        Stopped(self)
    }

    fn start(&self) {
        let out = self.script(&["up"]);
        assert!(out.contains("FRESHRSS_READY=1"), "{out}");
    }

    /// Requests the server has logged since `from` (a length of the log).
    fn requests_since(&self, from: u64) -> Vec<Value> {
        let log = std::fs::read(&self.request_log).expect("request log");
        let tail = &log[from as usize..];
        String::from_utf8_lossy(tail)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    fn log_len(&self) -> u64 {
        std::fs::metadata(&self.request_log).map(|m| m.len()).unwrap_or(0)
    }
}

struct Stopped<'a>(&'a Fresh);

impl Drop for Stopped<'_> {
    fn drop(&mut self) {
        self.0.start();
    }
}

fn curl(args: &[&str]) -> String {
    let out = Command::new("curl")
        .args(["-sS", "-m", "60"])
        .args(args)
        .output()
        .expect("run curl");
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A config with the account (and `extra`), a data dir, and the password in the environment.
struct Client {
    _dir: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
}

const PASSWORD_VAR: &str = "TIDINGS_TEST_FRESHRSS_PASSWORD";

impl Client {
    fn new(f: &Fresh, extra: &str) -> Client {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            format!(
                "[settings]\ntimeout = \"10s\"\n\n[[account]]\nname = \"fresh\"\nkind = \"greader\"\nurl = \"{}\"\n\
                 user = \"{}\"\npassword_command = [\"printenv\", \"{PASSWORD_VAR}\"]\n\n{extra}",
                f.greader, f.user
            ),
        )
        .expect("config");
        let data = dir.path().join("data");
        Client {
            _dir: dir,
            config,
            data,
        }
    }

    fn run(&self, f: &Fresh, args: &[&str]) -> std::process::Output {
        tidings_cmd(&self.config, &self.data, args)
            .env(PASSWORD_VAR, &f.password)
            .output()
            .expect("run tidings")
    }

    fn ok(&self, f: &Fresh, args: &[&str]) -> String {
        let out = self.run(f, args);
        assert!(
            out.status.success(),
            "tidings {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Articles as `tidings list --json` shows them.
    fn list(&self, f: &Fresh) -> Vec<Value> {
        serde_json::from_str(&self.ok(f, &["list", "--json"])).expect("list json")
    }

    fn tui(&self, f: &Fresh) -> Tui {
        let mut cmd = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_tidings"));
        cmd.arg("--config");
        cmd.arg(&self.config);
        cmd.arg("--data-dir");
        cmd.arg(&self.data);
        cmd.env(PASSWORD_VAR, &f.password);
        Tui::spawn(cmd, 120, 30)
    }
}

fn by_title<'a>(list: &'a [Value], title: &str) -> &'a Value {
    list.iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no '{title}' in {list:#?}"))
}

/// The server's id of the item with this title (from its contents).
fn server_id(f: &Fresh, title: &str) -> String {
    let v: Value =
        serde_json::from_str(&f.api(&format!("stream/contents/{READING_LIST}?output=json&n=1000"), &[]))
            .expect("json");
    let item = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["title"] == title)
        .unwrap_or_else(|| panic!("no '{title}' on the server"));
    let hex = item["id"].as_str().expect("id").rsplit('/').next().expect("hex");
    u64::from_str_radix(hex, 16).expect("hex id").to_string()
}

fn wait_until(what: &str, timeout: Duration, mut pred: impl FnMut() -> bool) {
    let start = Instant::now();
    while !pred() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    SERVER.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
#[ignore = "needs the FreshRSS server that .ci/sync-tests starts"]
fn subscriptions_folders_and_items_arrive_beside_the_configs_own_feeds() {
    let _g = lock();
    let f = Fresh::get();
    f.reset_state();
    let folder = "user/-/label/Tidings Folder";
    assert_eq!(
        f.api(
            "subscription/edit",
            &[
                "ac=edit",
                &format!("s=feed/{}", f.feed_id),
                &format!("a={folder}")
            ]
        )
        .trim(),
        "OK"
    );
    let local =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds/atom03-google-base-news.xml");
    let c = Client::new(
        &f,
        &format!(
            "[[feed]]\nurl = \"file://{}\"\nname = \"Local\"\n",
            local.display()
        ),
    );
    let out = c.ok(&f, &["refresh"]);
    assert!(out.contains("fresh: synced"), "{out}");
    let feeds: Vec<Value> = serde_json::from_str(&c.ok(&f, &["feeds", "--json"])).expect("json");
    let names: Vec<&str> = feeds.iter().filter_map(|x| x["name"].as_str()).collect();
    assert!(
        names.contains(&"Local") && names.contains(&"Tidings test feed"),
        "{names:?}"
    );
    let account_feed = feeds
        .iter()
        .find(|x| x["name"] == "Tidings test feed")
        .expect("feed");
    assert_eq!(account_feed["account"], "fresh");
    // The server's folder is the feed's tag.
    let tagged: Vec<Value> =
        serde_json::from_str(&c.ok(&f, &["list", "--json", "--tag", "Tidings Folder"])).expect("json");
    assert!(tagged.len() >= 3, "{tagged:#?}");
    assert!(tagged.iter().all(|a| a["feed"] == "Tidings test feed"));
    let list = c.list(&f);
    assert!(list.iter().any(|a| a["feed"] == "Local"));
    assert!(by_title(&list, "First item")["read"] == false);
}

#[test]
#[ignore = "needs the FreshRSS server that .ci/sync-tests starts"]
fn marks_go_both_ways() {
    let _g = lock();
    let f = Fresh::get();
    f.reset_state();
    let c = Client::new(&f, "");
    c.ok(&f, &["sync"]);
    let list = c.list(&f);
    let first = by_title(&list, "First item")["id"].to_string();
    let second = by_title(&list, "Second item")["id"].to_string();
    c.ok(&f, &["mark", &first, "--read"]);
    c.ok(&f, &["mark", &second, "--star"]);
    let out = c.ok(&f, &["sync"]);
    assert!(out.contains("2 marks pushed"), "{out}");
    let (first_id, second_id, third_id) = (
        server_id(&f, "First item"),
        server_id(&f, "Second item"),
        server_id(&f, "Third item"),
    );
    assert!(
        !f.unread().contains(&first_id),
        "read in tidings, read on the server"
    );
    assert_eq!(f.starred(), vec![second_id.clone()]);
    // Another client marks on the server.
    f.mark(&third_id, true, READ);
    f.mark(&first_id, false, READ);
    f.mark(&second_id, false, STARRED);
    let out = c.ok(&f, &["sync"]);
    assert!(out.contains("0 marks pushed"), "{out}");
    let list = c.list(&f);
    assert_eq!(by_title(&list, "Third item")["read"], true);
    assert_eq!(by_title(&list, "First item")["read"], false);
    assert_eq!(by_title(&list, "Second item")["starred"], false);
}

#[test]
#[ignore = "needs the FreshRSS server that .ci/sync-tests starts"]
fn a_waiting_mark_beats_the_servers_state_and_survives_a_server_that_is_down() {
    let _g = lock();
    let f = Fresh::get();
    f.reset_state();
    let c = Client::new(&f, "");
    c.ok(&f, &["sync"]);
    let first = by_title(&c.list(&f), "First item")["id"].to_string();
    let stopped = f.stop();
    c.ok(&f, &["mark", &first, "--read"]);
    let out = c.run(&f, &["sync"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    drop(stopped);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("fresh: sync failed: cannot connect") && text.contains("1 marks kept"),
        "{text}"
    );
    assert_eq!(
        by_title(&c.list(&f), "First item")["read"],
        true,
        "nothing lost while it was down"
    );
    // The server still says unread (an older state than the mark): the mark wins, then is pushed.
    let first_id = server_id(&f, "First item");
    assert!(f.unread().contains(&first_id));
    let out = c.ok(&f, &["sync"]);
    assert!(out.contains("1 marks pushed"), "{out}");
    assert_eq!(by_title(&c.list(&f), "First item")["read"], true);
    assert!(!f.unread().contains(&first_id));
}

#[test]
#[ignore = "needs the FreshRSS server that .ci/sync-tests starts"]
fn a_mark_not_yet_pushed_when_the_ui_is_killed_is_pushed_by_the_next_start() {
    let _g = lock();
    let f = Fresh::get();
    f.reset_state();
    let c = Client::new(&f, "");
    c.ok(&f, &["sync"]);
    let mut tui = c.tui(&f);
    tui.wait_text("Third item");
    // The server goes away, so the mark cannot be pushed before the kill.
    let stopped = f.stop();
    tui.send("\t");
    tui.send("r");
    tui.wait_for("the push to fail", Duration::from_secs(20), |s| {
        s.contains("sync fresh:")
    });
    tui.kill9();
    drop(stopped);
    // The article the key marked: the one read locally (all were unread after the sync).
    let list = c.list(&f);
    let marked: Vec<&Value> = list.iter().filter(|a| a["read"] == true).collect();
    assert_eq!(marked.len(), 1, "{list:#?}");
    let marked = server_id(&f, marked[0]["title"].as_str().expect("title"));
    assert!(f.unread().contains(&marked), "not pushed before the kill");
    let mut tui = c.tui(&f);
    wait_until("the next start to push the mark", Duration::from_secs(30), || {
        !f.unread().contains(&marked)
    });
    tui.send("q");
    tui.wait_exit(Duration::from_secs(10));
}

#[test]
#[ignore = "needs the FreshRSS server that .ci/sync-tests starts"]
fn a_sync_costs_a_few_requests_and_fetches_only_new_items() {
    let _g = lock();
    let f = Fresh::get();
    f.reset_state();
    let c = Client::new(&f, "");
    c.ok(&f, &["sync"]);
    let before = f.log_len();
    let out = c.ok(&f, &["sync"]);
    let requests = f.requests_since(before);
    assert!(requests.len() <= 5, "{requests:#?}");
    assert!(out.contains("0 new"), "{out}");
    assert!(
        !requests
            .iter()
            .any(|r| r["uri"].as_str().unwrap_or("").contains("items/contents")),
        "no item bodies when nothing changed: {requests:#?}"
    );
    let add = env("FRESHRSS_ADD_ITEM_CMD");
    for title in ["Sync cost one", "Sync cost two"] {
        let st = Command::new("bash")
            .args(["-c", &format!("{add} '{title}'")])
            .output()
            .expect("add-item");
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    }
    let before = f.log_len();
    let out = c.ok(&f, &["sync"]);
    assert!(out.contains("2 new"), "{out}");
    let contents: Vec<Value> = f
        .requests_since(before)
        .into_iter()
        .filter(|r| r["uri"].as_str().unwrap_or("").contains("items/contents"))
        .collect();
    assert_eq!(contents.len(), 1, "{contents:#?}");
    let body = contents[0]["body"].as_str().unwrap_or("");
    assert_eq!(body.matches("i=").count(), 2, "exactly the two new items: {body}");
    let list = c.list(&f);
    by_title(&list, "Sync cost two");
}

#[test]
#[ignore = "needs the FreshRSS server that .ci/sync-tests starts"]
fn a_bad_password_is_one_clear_line_and_loses_nothing() {
    let _g = lock();
    let f = Fresh::get();
    let c = Client::new(&f, "");
    c.ok(&f, &["sync"]);
    let first = by_title(&c.list(&f), "First item")["id"].to_string();
    c.ok(&f, &["mark", &first, "--star"]);
    // The token is forgotten and the password is wrong now.
    std::fs::remove_file(c.data.join("accounts/fresh.auth")).expect("token file");
    let out = tidings_cmd(&c.config, &c.data, &["sync"])
        .env(PASSWORD_VAR, "wrong")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text.trim(),
        "fresh: sync failed: the server refused user 'tidings': check the password (FreshRSS wants the \
         API password) (1 marks kept to push next time)"
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("wrong"));
    assert_eq!(by_title(&c.list(&f), "First item")["starred"], true);
    let out = c.ok(&f, &["sync"]);
    assert!(out.contains("1 marks pushed"), "{out}");
    f.mark(&server_id(&f, "First item"), false, STARRED);
}

#[test]
#[ignore = "needs the FreshRSS server that .ci/sync-tests starts"]
fn add_and_remove_on_the_account() {
    let _g = lock();
    let f = Fresh::get();
    let feed_dir = PathBuf::from(env("FRESHRSS_FEED_DIR"));
    std::fs::write(
        feed_dir.join("added.xml"),
        crate::support::rss("Added on the server", "added", 3),
    )
    .expect("feed");
    let url = env("FRESHRSS_FEED_URL").replace("feed.xml", "added.xml");
    let c = Client::new(&f, "");
    let out = c.ok(&f, &["add", &url, "--account", "fresh"]);
    assert!(out.contains("subscribed on fresh"), "{out}");
    let feeds = c.ok(&f, &["feeds"]);
    assert!(feeds.contains("Added on the server"), "{feeds}");
    let out = c.ok(&f, &["remove", "Added on the server", "--account", "fresh"]);
    assert!(out.contains("unsubscribed on fresh"), "{out}");
    let feeds = c.ok(&f, &["feeds"]);
    assert!(!feeds.contains("Added on the server"), "{feeds}");
    let _ = std::fs::remove_file(feed_dir.join("added.xml"));
}
