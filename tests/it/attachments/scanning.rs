//! A real clamd scans before a file is kept: clean kept, EICAR refused and audited, the scanner
//! down refused.
use super::*;

/// A real clamd on a free port with a signature database of one EICAR signature (no virus
/// database is downloaded); stopped when dropped.
pub struct Clamd {
    child: Child,
    pub addr: String,
    _dir: tempfile::TempDir,
}

impl Clamd {
    /// Starts clamd; `None` when it is not installed, unless `DSAR_REQUIRE_CLAMD` is set (CI),
    /// where a missing clamd fails the test.
    pub fn start() -> Option<Clamd> {
        let bin = ["/usr/sbin/clamd", "/usr/bin/clamd"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let Some(bin) = bin else {
            assert!(
                std::env::var_os("DSAR_REQUIRE_CLAMD").is_none(),
                "clamd is required (DSAR_REQUIRE_CLAMD) but not installed: apt-get install clamav-daemon"
            );
            eprintln!("clamd not installed: the malware-scanning test is skipped");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        std::fs::create_dir(&db).unwrap();
        // An extended signature (.ndb: name, any target type, any offset, the bytes in hex).
        let hex: String = EICAR.bytes().map(|b| format!("{b:02x}")).collect();
        std::fs::write(
            db.join("eicar.ndb"),
            format!("Eicar-Test-Signature:0:*:{hex}\n"),
        )
        .unwrap();
        let addr = free_addr();
        let conf = dir.path().join("clamd.conf");
        std::fs::write(
            &conf,
            format!(
                "Foreground yes\nTCPSocket {}\nTCPAddr 127.0.0.1\nDatabaseDirectory {}\nLogFile {}\nStreamMaxLength 30M\n",
                addr.port(),
                db.display(),
                dir.path().join("clamd.log").display()
            ),
        )
        .unwrap();
        let mut child = Command::new(bin)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Ready when it answers PING.
        let started = Instant::now();
        loop {
            if let Ok(mut s) = std::net::TcpStream::connect(addr) {
                use std::io::Write;
                let _ = s.write_all(b"zPING\0");
                let mut line = Vec::new();
                let _ = BufReader::new(s).read_until(0, &mut line);
                if line.starts_with(b"PONG") {
                    break;
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                let _ = std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err);
                panic!("clamd exited ({status}): {err}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "clamd did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(Clamd {
            child,
            addr: addr.to_string(),
            _dir: dir,
        })
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Clamd {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn scanning(backend: Backend) {
    let Some(mut clamd) = Clamd::start() else {
        return;
    };
    let addr = clamd.addr.clone();
    let app = TestApp::spawn_with(backend, move |s| s.attachments.clamd_addr = Some(addr)).await;
    let (citizen, id) = citizen_request(&app, 0).await;
    // Clean: kept as scanned.
    let (s, v) = app.upload(&citizen, &id, "pass.pdf", PDF).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["scan_status"], "clean");
    // EICAR inside a PDF: refused, audited with the signature, nothing kept.
    let infected = [b"%PDF-1.4\n".as_slice(), EICAR.as_bytes()].concat();
    let files = stored_files(&app);
    let (s, v) = app.upload(&citizen, &id, "pass2.pdf", &infected).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v["type"].as_str().unwrap().rsplit('/').next(),
        Some("malware-found")
    );
    assert_eq!(app.count("attachment").await, 1);
    assert_eq!(stored_files(&app), files);
    assert_eq!(audit_count(&app, "request.attachment_refused").await, 1);
    // The scanner down: refused with "try again later", never kept unscanned.
    clamd.stop();
    let (s, v) = app.upload(&citizen, &id, "pass3.pdf", PDF).await;
    assert_eq!(s, 503, "{v}");
    assert_eq!(app.count("attachment").await, 1);
    assert_eq!(stored_files(&app), files);
    if backend == Backend::Postgres {
        app.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clamd_scans_before_a_file_is_kept_sqlite() {
    scanning(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clamd_scans_before_a_file_is_kept_postgres() {
    if postgres_enabled("attachments::scanning::clamd_scans_before_a_file_is_kept_postgres") {
        scanning(Backend::Postgres).await;
    }
}
