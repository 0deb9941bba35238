//! Just enough HTTP/1.1 for the stand-in: read one request head, answer with a
//! `Content-Length` or chunked body, then close. No keep-alive, so every request is one
//! connection and faults such as resets hit exactly one request.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Heads larger than this are refused; real clients send well under 8 KiB.
const MAX_HEAD: usize = 64 * 1024;

/// Request bodies (POSTs to the API) are read and dropped up to this size, so closing the
/// socket does not turn unread input into a reset.
const MAX_DISCARDED_BODY: usize = 1024 * 1024;

/// One parsed request head.
#[derive(Clone, Debug)]
pub struct Request {
    /// The request line as received, e.g. `GET /eqdkp/api.php?function=points HTTP/1.1`.
    pub line: String,
    pub method: String,
    /// Path without the query, not percent-decoded.
    pub path: String,
    /// Query pairs, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// First value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// First value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let found = self
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_str())
    }
}

/// What came in on a connection before any answer.
pub enum Incoming {
    Request(Request),
    /// A complete head that is not a valid request; carries its first line.
    Malformed(String),
    /// The peer closed (or sent too much) before a head was complete.
    Closed,
}

/// Reads one request head, and any declared body so that closing does not reset.
pub async fn read_request(stream: &mut TcpStream) -> Incoming {
    let mut buffer = Vec::with_capacity(2048);
    let head_end = loop {
        if let Some(end) = find_head_end(&buffer) {
            break end;
        }
        if buffer.len() > MAX_HEAD {
            return Incoming::Closed;
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Incoming::Closed,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };

    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let Some(request) = parse_head(&head) else {
        return Incoming::Malformed(head.lines().next().unwrap_or_default().to_string());
    };
    let declared: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let already = buffer.len().saturating_sub(head_end);
    discard(
        stream,
        declared.min(MAX_DISCARDED_BODY).saturating_sub(already),
    )
    .await;
    Incoming::Request(request)
}

/// Index just past the blank line ending the head.
fn find_head_end(buffer: &[u8]) -> Option<usize> {
    let crlf = buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4);
    crlf.or_else(|| buffer.windows(2).position(|w| w == b"\n\n").map(|i| i + 2))
}

async fn discard(stream: &mut TcpStream, mut remaining: usize) {
    let mut chunk = [0u8; 8192];
    while remaining > 0 {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => remaining = remaining.saturating_sub(n),
        }
    }
}

fn parse_head(head: &str) -> Option<Request> {
    let mut lines = head.lines();
    let line = lines.next()?.to_string();
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if !version.starts_with("HTTP/1.") || parts.next().is_some() || !target.starts_with('/') {
        return None;
    }

    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Request {
        method: method.to_string(),
        path: path.to_string(),
        query: parse_query(query),
        headers,
        line,
    })
}

/// `a=1&b=%7C` into decoded pairs; a bare `flag` becomes `("flag", "")`, as PHP has it.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// `application/x-www-form-urlencoded` decoding; invalid escapes stay as they are.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The response head EQDKP sends (PHP's built-in server, one cookie, CORS header on API
/// answers), with either a `Content-Length` or chunked framing.
pub fn head(status: u16, content_type: &str, length: Option<usize>, api: bool) -> String {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Unknown",
    };
    let framing = match length {
        Some(n) => format!("Content-Length: {n}"),
        None => "Transfer-Encoding: chunked".to_string(),
    };
    let cors = if api {
        "Access-Control-Allow-Headers: Authorization, X-Custom-Authorization\r\n"
    } else {
        ""
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nConnection: close\r\nX-Powered-By: PHP/8.2.36\r\n\
         Set-Cookie: eqdkp_standin_sid=0; path=/; HttpOnly; SameSite=Lax\r\n{cors}\
         Content-Type: {content_type}\r\n{framing}\r\n\r\n"
    )
}

/// Writes a complete answer and closes the sending side. Write errors mean the client went
/// away, which is its business.
pub async fn write_full(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    api: bool,
) {
    let head = head(status, content_type, Some(body.len()), api);
    if stream.write_all(head.as_bytes()).await.is_ok() && stream.write_all(body).await.is_ok() {
        let _closed = stream.shutdown().await;
    }
}

/// Writes one chunk of a chunked body.
pub async fn write_chunk(stream: &mut TcpStream, data: &[u8]) -> std::io::Result<()> {
    stream
        .write_all(format!("{:x}\r\n", data.len()).as_bytes())
        .await?;
    stream.write_all(data).await?;
    stream.write_all(b"\r\n").await
}
