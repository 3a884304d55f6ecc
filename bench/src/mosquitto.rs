//! A mosquitto of the bench's own on a free loopback port: a broker that delivers only what a
//! client subscribed to, with the emulator attached to it as the Jobs service
//! ([`crate::emulator::Emulator::attached`]). Killed on drop.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Mosquitto {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Mosquitto {
    pub fn start() -> Mosquitto {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("awsiotjobs-bench-mosquitto-{port}"));
        std::fs::create_dir_all(&dir).expect("a directory for mosquitto");
        let root = if running_as_root() { "user root\n" } else { "" };
        let conf = format!(
            "{root}listener {port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n\
             persistence false\nmax_queued_messages 100000\nmax_inflight_messages 0\n"
        );
        let path = dir.join("mosquitto.conf");
        std::fs::write(&path, conf).expect("write mosquitto.conf");
        let child = Command::new("mosquitto")
            .arg("-c")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosquitto (apt-get install mosquitto)");
        let give_up = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < give_up,
                "mosquitto did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        Mosquitto { child, port, dir }
    }
}

/// True when running as root (mosquitto then drops to its own user unless told not to).
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
