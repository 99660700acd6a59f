//! The real binary in a pseudo-terminal, its screen read through a vt100 parser, driven the
//! way a person types.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// Terminal side effects that are not drawing: bells, titles, clipboard writes, resizes.
#[derive(Default)]
pub struct Recorder {
    pub events: Vec<String>,
}

impl vt100::Callbacks for Recorder {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.events.push("bell".into());
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.events.push("visual bell".into());
    }
    fn resize(&mut self, _: &mut vt100::Screen, r: (u16, u16)) {
        self.events.push(format!("resize {r:?}"));
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, t: &[u8]) {
        self.events
            .push(format!("icon name {}", String::from_utf8_lossy(t)));
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, t: &[u8]) {
        self.events.push(format!("title {}", String::from_utf8_lossy(t)));
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8], d: &[u8]) {
        self.events
            .push(format!("clipboard {}", String::from_utf8_lossy(d)));
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8]) {
        self.events.push("paste".into());
    }
}

pub struct Tui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    screen: Arc<Mutex<vt100::Parser<Recorder>>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Tui {
    pub fn start(config: &Path, data: &Path, cols: u16, rows: u16) -> Tui {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_tidings"));
        cmd.arg("--config");
        cmd.arg(config);
        cmd.arg("--data-dir");
        cmd.arg(data);
        Tui::spawn(cmd, cols, rows)
    }

    /// An interactive shell (with job control) in the terminal, for typing commands into.
    pub fn shell(cols: u16, rows: u16) -> Tui {
        let mut cmd = CommandBuilder::new("bash");
        cmd.args(["--norc", "--noprofile", "-i"]);
        cmd.env("PS1", "$ ");
        Tui::spawn(cmd, cols, rows)
    }

    pub fn spawn(mut cmd: CommandBuilder, cols: u16, rows: u16) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("TIDINGS_CONFIG");
        cmd.env_remove("TIDINGS_DATA_DIR");
        for v in super::PROXY_VARS {
            cmd.env_remove(v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = Arc::new(Mutex::new(pty.master.take_writer().expect("writer")));
        let screen = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            rows,
            cols,
            0,
            Recorder::default(),
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let s = screen.clone();
        let r = raw.clone();
        let answers = writer.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().expect("lock").process(&buf[..n]);
                r.lock().expect("lock").extend_from_slice(&buf[..n]);
                answer_queries(&buf[..n], &answers);
            }
        });
        Tui {
            child,
            writer,
            screen,
            raw,
            _master: pty.master,
        }
    }

    /// Every byte the program wrote to the terminal so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().expect("lock").clone()
    }

    /// Bells, titles, clipboard writes and resizes the program caused.
    pub fn side_effects(&self) -> Vec<String> {
        self.screen.lock().expect("lock").callbacks().events.clone()
    }

    pub fn screen(&self) -> String {
        self.screen.lock().expect("lock").screen().contents()
    }

    /// Waits until the screen satisfies `pred`, or panics with the screen after `timeout`.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, Duration::from_secs(15), |s| s.contains(text))
    }

    pub fn send(&mut self, keys: &str) {
        let mut w = self.writer.lock().expect("lock");
        w.write_all(keys.as_bytes()).expect("write");
        w.flush().expect("flush");
        drop(w);
        std::thread::sleep(Duration::from_millis(120));
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// Waits for the process to exit by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if start.elapsed() > timeout {
                panic!("tidings did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Resizes the terminal (the program gets SIGWINCH).
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.screen
            .lock()
            .expect("lock")
            .screen_mut()
            .set_size(rows, cols);
        self._master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
    }

    /// Sends a signal by name (TERM, HUP, ...) with kill(1).
    pub fn signal(&self, name: &str) {
        let ok = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("kill");
        assert!(ok.success());
    }

    /// SIGKILL, as a crash or power loss would end it.
    pub fn kill9(&mut self) {
        let status = std::process::Command::new("kill")
            .arg("-9")
            .arg(self.pid().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
        self.wait_exit(Duration::from_secs(5));
    }
}

/// Answers what a terminal is asked about itself, as a VT220-class terminal without
/// graphics would: device attributes (`CSI c`) and status (`CSI 5 n`). Queries split over
/// two reads are not seen; programs send each in one write.
fn answer_queries(out: &[u8], to: &Mutex<Box<dyn Write + Send>>) {
    let has = |q: &[u8]| out.windows(q.len()).any(|w| w == q);
    let mut reply = Vec::new();
    if has(b"\x1b[c") || has(b"\x1b[0c") {
        reply.extend_from_slice(b"\x1b[?62;22c");
    }
    if has(b"\x1b[5n") {
        reply.extend_from_slice(b"\x1b[0n");
    }
    if !reply.is_empty() {
        let mut w = to.lock().expect("lock");
        let _ = w.write_all(&reply);
        let _ = w.flush();
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
