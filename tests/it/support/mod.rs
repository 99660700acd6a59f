//! A tiny HTTP/1.1 server on 127.0.0.1 for tests: each test supplies a handler, the server
//! records requests and the peak number in flight, and it stops when dropped.

pub mod pty;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub headers: HashMap<String, String>,
    /// The body, as far as `Content-Length` announced it.
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }
    pub fn host(&self) -> String {
        self.header("host")
            .unwrap_or("")
            .split(':')
            .next()
            .unwrap_or("")
            .to_string()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Never answer (the client must time out).
    pub hang: bool,
    /// Send this many bytes of body in an endless-looking stream (ignores `body`).
    pub stream_bytes: Option<usize>,
    /// Send the body one byte per this interval (slowloris).
    pub trickle: Option<Duration>,
    /// Declare the full length but close the connection after this many body bytes.
    pub cut_after: Option<usize>,
}

impl Response {
    pub fn ok(body: impl Into<Vec<u8>>) -> Response {
        Response {
            status: 200,
            body: body.into(),
            ..Response::default()
        }
    }
    pub fn status(status: u16) -> Response {
        Response {
            status,
            ..Response::default()
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Response {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
    pub fn delay(mut self, d: Duration) -> Response {
        self.delay = d;
        self
    }
}

type Handler = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

pub struct Server {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<Request>>>,
    peak: Arc<AtomicUsize>,
    per_host_peak: Arc<Mutex<HashMap<String, (usize, usize)>>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts a server on its own thread and runtime.
    pub fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Server {
        let handler: Handler = Arc::new(handler);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let per_host_peak = Arc::new(Mutex::new(HashMap::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (r, f, p, h) = (
            requests.clone(),
            in_flight.clone(),
            peak.clone(),
            per_host_peak.clone(),
        );
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("rt");
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                port_tx
                    .send(listener.local_addr().expect("addr").port())
                    .expect("port");
                let accept = async {
                    loop {
                        let Ok((sock, _)) = listener.accept().await else {
                            continue;
                        };
                        let (handler, r, f, p, h) =
                            (handler.clone(), r.clone(), f.clone(), p.clone(), h.clone());
                        tokio::spawn(async move {
                            let _ = serve(sock, handler, r, f, p, h).await;
                        });
                    }
                };
                tokio::select! {
                    _ = accept => {},
                    _ = stop_rx => {},
                }
            });
            rt.shutdown_background();
        });
        let port = port_rx.recv().expect("server port");
        Server {
            port,
            requests,
            peak,
            per_host_peak,
            shutdown: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn url_on(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.port)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.requests
            .lock()
            .expect("lock")
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }

    pub fn peak_in_flight(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    pub fn peak_for_host(&self, host: &str) -> usize {
        self.per_host_peak
            .lock()
            .expect("lock")
            .get(host)
            .map_or(0, |(_, p)| *p)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn serve(
    mut sock: tokio::net::TcpStream,
    handler: Handler,
    requests: Arc<Mutex<Vec<Request>>>,
    in_flight: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    per_host: Arc<Mutex<HashMap<String, (usize, usize)>>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        // A TLS ClientHello to this plain-HTTP server gets what a real one answers: a plain 400.
        if buf[0] == 0x16 {
            sock.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                .await?;
            return sock.shutdown().await;
        }
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let mut lines = head.split("\r\n");
    let first: Vec<&str> = lines.next().unwrap_or("").split(' ').collect();
    let mut headers = HashMap::new();
    for l in lines.take_while(|l| !l.is_empty()) {
        if let Some((k, v)) = l.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let head_len = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buf.len(), |p| p + 4);
    let wanted: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(16 << 20);
    let mut body = buf[head_len..].to_vec();
    while body.len() < wanted {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let req = Request {
        path: first.get(1).unwrap_or(&"").to_string(),
        headers,
        body,
    };
    requests.lock().expect("lock").push(req.clone());
    let host = req.host();
    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    peak.fetch_max(now, Ordering::SeqCst);
    {
        let mut m = per_host.lock().expect("lock");
        let e = m.entry(host.clone()).or_insert((0, 0));
        e.0 += 1;
        e.1 = e.1.max(e.0);
    }
    let resp = handler(&req);
    // A request stops counting once its answer is decided and before its first byte is
    // written: the client cannot have the whole answer (and start its next request) before
    // that, so a peak above a client's limit is the client's doing, never this task being
    // scheduled late after its last write.
    let answered = || {
        in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(e) = per_host.lock().expect("lock").get_mut(&host) {
            e.0 -= 1;
        }
    };
    respond(&mut sock, &resp, answered).await
}

async fn respond(
    sock: &mut tokio::net::TcpStream,
    resp: &Response,
    answered: impl FnOnce(),
) -> std::io::Result<()> {
    if resp.hang {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    if !resp.delay.is_zero() {
        tokio::time::sleep(resp.delay).await;
    }
    answered();
    let mut head = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", resp.status);
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(n) = resp.stream_bytes {
        head.push_str("\r\n");
        sock.write_all(head.as_bytes()).await?;
        let block = vec![b'x'; 64 * 1024];
        let mut sent = 0;
        while sent < n {
            sock.write_all(&block).await?;
            sent += block.len();
        }
        return Ok(());
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", resp.body.len()));
    sock.write_all(head.as_bytes()).await?;
    if let Some(every) = resp.trickle {
        for b in &resp.body {
            sock.write_all(&[*b]).await?;
            sock.flush().await?;
            tokio::time::sleep(every).await;
        }
        return Ok(());
    }
    if let Some(n) = resp.cut_after {
        sock.write_all(&resp.body[..n.min(resp.body.len())]).await?;
        sock.flush().await?;
        return sock.shutdown().await;
    }
    sock.write_all(&resp.body).await?;
    sock.flush().await
}

/// The bytes of `tests/fixtures/feeds/NAME`, as stored (a `.gz` stays compressed).
pub fn feed_fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A small RSS 2.0 feed with `n` items whose guids are `prefix-i`.
pub fn rss(title: &str, prefix: &str, n: usize) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title><link>https://example.org/</link>"
    );
    for i in 0..n {
        s.push_str(&format!(
            "<item><guid>{prefix}-{i}</guid><title>{title} item {i}</title><link>https://example.org/{prefix}/{i}</link><pubDate>Mon, 0{} Jan 2024 10:00:00 GMT</pubDate><description>&lt;p&gt;Body of {prefix} {i}&lt;/p&gt;</description></item>",
            1 + i % 9
        ));
    }
    s.push_str("</channel></rss>");
    s
}

/// The tidings binary with a config and data dir, environment overrides removed.
pub fn tidings_cmd(config: &std::path::Path, data: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_tidings"));
    c.arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("TIDINGS_CONFIG")
        .env_remove("TIDINGS_DATA_DIR");
    for v in PROXY_VARS {
        c.env_remove(v);
    }
    c
}

/// Proxy variables tidings honours; the tests' servers are on 127.0.0.1, so they go.
pub const PROXY_VARS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Runs tidings to completion.
pub fn tidings(config: &std::path::Path, data: &std::path::Path, args: &[&str]) -> std::process::Output {
    tidings_cmd(config, data, args).output().expect("run tidings")
}

/// Runs tidings, asserts success, returns stdout.
pub fn tidings_ok(config: &std::path::Path, data: &std::path::Path, args: &[&str]) -> String {
    let out = tidings(config, data, args);
    assert!(
        out.status.success(),
        "tidings {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8 stdout")
}
