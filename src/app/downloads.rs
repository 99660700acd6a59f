//! Reports from the background downloads: progress on the status line, the end said once,
//! and the queue view kept current while it is open.

use super::*;
use crate::download::DownloadEvent;

impl App {
    pub(super) fn on_download(&mut self, ev: DownloadEvent) -> Vec<Effect> {
        match ev {
            DownloadEvent::Progress { name, written, total } => {
                let pct = total
                    .filter(|t| *t > 0)
                    .map(|t| (written.saturating_mul(100) / t).min(100) as u8);
                self.status.download = Some((name, pct));
                Vec::new()
            }
            DownloadEvent::Done { name, .. } => {
                self.status.download = None;
                self.status.message = Some(format!("downloaded {name}"));
                self.reload_download_view()
            }
            DownloadEvent::Failed { name, error, .. } => {
                self.status.download = None;
                self.status.error = Some(format!("download of {name} failed: {error}"));
                self.reload_download_view()
            }
        }
    }

    fn reload_download_view(&self) -> Vec<Effect> {
        if self.mode == Mode::Downloads {
            vec![Effect::LoadDownloads]
        } else {
            Vec::new()
        }
    }
}
