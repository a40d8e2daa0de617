//! `verify --online`: the status lists and the did:web document come from a loopback HTTP server standing in
//! for the registrar's site (the test-only `--insecure-loopback-http HOST=ADDR`); without `--online` nothing
//! is fetched: the server accepts no connection, even when told where it is.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

const HOST: &str = "registrar.northbridge.example.edu";

/// A site serving `files` (URL path → file, read at each request) on a loopback port; counts connections.
fn site(files: BTreeMap<String, PathBuf>) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            count.fetch_add(1, Ordering::SeqCst);
            let mut request: Vec<u8> = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend(&buf[..n]),
                }
            }
            let line = String::from_utf8_lossy(&request).lines().next().unwrap_or_default().to_string();
            let path = line.split(' ').nth(1).unwrap_or_default();
            let response = match files.get(path).and_then(|f| std::fs::read(f).ok()) {
                Some(body) => {
                    let head =
                        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                    [head.into_bytes(), body].concat()
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    (addr, accepted)
}

fn verify(args: &[&str]) -> (i32, String) {
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    let run = xtranscript(&all);
    (run.status.code().unwrap_or(-1), text(&run.stdout) + &text(&run.stderr))
}

#[test]
fn online_fetches_lists_and_did_web_documents_and_without_it_nothing() {
    let out = temp_dir("online");
    assert_eq!(build(&out, &["-q"]).status.code(), Some(0));
    let did = out.with_extension("did.json");
    std::fs::write(&did, xtranscript(&["did-document", "samples", "--key", test_key()]).stdout).unwrap();
    let files = BTreeMap::from([
        ("/.well-known/did.json".to_string(), did.clone()),
        ("/status/revocation-1.json".to_string(), out.join("status/revocation-1.json")),
    ]);
    let (addr, accepted) = site(files);
    let mapping = format!("{HOST}={addr}");
    let mut learners: Vec<PathBuf> =
        std::fs::read_dir(out.join("learners")).unwrap().flatten().map(|e| e.path()).collect();
    learners.sort();
    let clr = |dir: &Path| dir.join("clr.json").to_str().unwrap().to_string();
    let (first, second) = (clr(&learners[0]), clr(&learners[1]));

    // Offline, even told where the site is: nothing fetched, status said not checked.
    let (code, said) = verify(&["--insecure-loopback-http", &mapping, "--did-doc", did.to_str().unwrap(), &first]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("not available offline"), "{said}");
    let (code, said) = verify(&["--insecure-loopback-http", &mapping, &first]);
    assert_eq!(code, 1, "a did:web key without --did-doc nor --online: {said}");
    assert_eq!(accepted.load(Ordering::SeqCst), 0, "a connection without --online");

    // Online: the DID document and the list fetched, every credential's status checked.
    let online = ["--online", "--insecure-loopback-http", &mapping, "--require-status"];
    let (code, said) = verify(&[&online[..], &[first.as_str()]].concat());
    assert_eq!(code, 0, "{said}");
    assert!(said.lines().all(|l| l.starts_with("OK ") && l.contains("status checked: revocation bit")), "{said}");
    assert!(accepted.load(Ordering::SeqCst) >= 2);

    // Revoked: the list the site serves now has the learner's bits set.
    let id = learners[0].file_name().unwrap().to_str().unwrap();
    let revoke =
        xtranscript(&["revoke", out.to_str().unwrap(), "--learner", id, "--reason", "error", "--key", test_key()]);
    assert_eq!(revoke.status.code(), Some(0), "{}", text(&revoke.stderr));
    let (code, said) = verify(&[&online[..], &[first.as_str(), second.as_str()]].concat());
    assert_eq!(code, 1, "{said}");
    let url = format!("https://{HOST}/status/revocation-1.json");
    let revoked = said.lines().filter(|l| l.starts_with("FAIL ") && l.contains(&format!("of {url})"))).count();
    assert!(revoked > 0 && said.lines().filter(|l| l.starts_with(&format!("FAIL {first}"))).count() > 0, "{said}");
    assert!(said.lines().filter(|l| l.contains(&second)).all(|l| l.starts_with("OK ")), "{said}");

    // Plain HTTP to anything but loopback is refused.
    let (code, said) = verify(&["--online", "--insecure-loopback-http", &format!("{HOST}=192.0.2.1:80"), &first]);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("not a loopback address"), "{said}");
    let _ = std::fs::remove_dir_all(out);
}
