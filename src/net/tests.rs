use std::io::{Read, Write};
use std::net::TcpListener;

use super::*;

#[test]
fn did_web_urls_follow_the_method_spec() {
    // The did:web method specification's own examples (§3.2).
    assert_eq!(did_web_url("did:web:w3c-ccg.github.io").unwrap(), "https://w3c-ccg.github.io/.well-known/did.json");
    assert_eq!(
        did_web_url("did:web:w3c-ccg.github.io:user:alice").unwrap(),
        "https://w3c-ccg.github.io/user/alice/did.json"
    );
    assert_eq!(did_web_url("did:web:example.com%3A3000").unwrap(), "https://example.com:3000/.well-known/did.json");
    assert_eq!(
        did_web_url("did:web:example.com%3A3000:user:alice").unwrap(),
        "https://example.com:3000/user/alice/did.json"
    );
    for bad in [
        "did:key:z6Mk",
        "did:web:",
        "did:web:a@b.com",
        "did:web:a.com/evil",
        "did:web:a.com%2Fevil",
        "did:web:a.com:..:x",
        "did:web:a.com::x",
        "did:web:a.com%3Ax",
        "did:web:a.com?q",
    ] {
        assert!(did_web_url(bad).is_err(), "{bad}");
    }
}

#[test]
fn only_https_is_fetched_and_loopback_http_only_as_mapped() {
    let fetcher = Fetcher::new(FetchOptions { max_bytes: 10, loopback_hosts: BTreeMap::new() }).unwrap();
    assert!(matches!(fetcher.get("http://example.com/list"), Err(FetchError::NotHttps(_))));
    assert!(matches!(fetcher.get("file:///etc/passwd"), Err(FetchError::NotHttps(_))));
    assert!(matches!(fetcher.get("https://user@example.com/"), Err(FetchError::NotHttps(_))));
    assert_eq!(fetcher.fetches(), 0);
    let remote = BTreeMap::from([("a.example".to_string(), "192.0.2.1:80".parse().unwrap())]);
    assert!(matches!(
        Fetcher::new(FetchOptions { max_bytes: 10, loopback_hosts: remote }),
        Err(FetchError::NotLoopback(_))
    ));
    assert_eq!(resolve_redirect("https://a.example/x/y", "/z").unwrap(), "https://a.example/z");
    assert!(matches!(resolve_redirect("https://a.example/x", "http://a.example/z"), Err(FetchError::BadRedirect(_))));
    assert!(matches!(resolve_redirect("https://a.example/x", "//b.example/z"), Err(FetchError::BadRedirect(_))));
}

/// A server answering each connection on `listener` with the next of `responses`.
fn serve(listener: TcpListener, responses: Vec<String>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for response in responses {
            let Ok((mut stream, _)) = listener.accept() else { return };
            let mut request: Vec<u8> = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend(&buf[..n]),
                }
            }
            let _ = stream.write_all(response.as_bytes());
        }
    })
}

#[test]
fn redirects_stay_on_https_and_bodies_stay_under_the_cap() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let ok =
        |body: &str| format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    let redirect =
        |to: &str| format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n14\r\n01234567890123456789\r\n0\r\n\r\n";
    let server = serve(
        listener,
        vec![
            redirect("/list"),
            ok("[1,2]"),
            redirect("http://r.example/list"),
            ok("0123456789A"),
            chunked.to_string(),
            redirect("/1"),
            redirect("/2"),
            redirect("/3"),
            redirect("/4"),
        ],
    );
    let loopback = BTreeMap::from([("r.example".to_string(), addr)]);
    let fetcher = Fetcher::new(FetchOptions { max_bytes: 10, loopback_hosts: loopback }).unwrap();
    assert_eq!(fetcher.get("https://r.example/status/1").unwrap(), b"[1,2]");
    assert!(matches!(fetcher.get("https://r.example/a"), Err(FetchError::BadRedirect(_))));
    assert_eq!(fetcher.get("https://r.example/big"), Err(FetchError::TooLarge(10)));
    assert_eq!(fetcher.get("https://r.example/chunked"), Err(FetchError::TooLarge(10)));
    assert_eq!(fetcher.get("https://r.example/0"), Err(FetchError::TooManyRedirects));
    assert_eq!(fetcher.fetches(), 9);
    server.join().unwrap();
}
