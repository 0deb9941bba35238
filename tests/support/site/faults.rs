//! Delivering an answer, including the ways a broken site or network fails: 500 pages,
//! garbage, the wrong page, resets, hangs, bodies that never end or are huge, slowness.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::super::render;
use super::http;

/// Endless and huge bodies are sent in pieces of this size.
const PIECE: usize = 64 * 1024;

/// Size of a garbage body.
const GARBAGE_LEN: usize = 4096;

/// A complete, well-formed HTTP answer.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Arc<String>,
    /// API answers carry EQDKP's CORS header.
    pub api: bool,
}

/// What to do instead of (or on top of) the normal reply.
pub enum Fault {
    Status500FatalError,
    /// Random bytes from this seed.
    Garbage(u64),
    /// A 200 HTML page that is not what was asked for.
    NotPointsPage(Arc<String>),
    Reset,
    Hang,
    EndlessBody,
    Slow(Duration),
    Huge(usize),
}

/// What one request gets: the normal reply, or a fault (which may build on the reply).
pub enum Answer {
    Reply(Reply),
    Fault(Fault, Reply),
}

/// Sends `answer`; returns when it is sent, the client left, or the stand-in stops.
pub async fn deliver(answer: Answer, stream: &mut TcpStream, stopped: &mut watch::Receiver<bool>) {
    let (fault, normal) = match answer {
        Answer::Reply(reply) => return send(stream, &reply).await,
        Answer::Fault(fault, normal) => (fault, normal),
    };
    match fault {
        Fault::Status500FatalError => {
            let page = render::fatal_error_page();
            http::write_full(
                stream,
                500,
                "text/html; charset=UTF-8",
                page.as_bytes(),
                normal.api,
            )
            .await;
        }
        Fault::Garbage(seed) => {
            let bytes = garbage(seed);
            http::write_full(stream, 200, normal.content_type, &bytes, normal.api).await;
        }
        Fault::NotPointsPage(page) => {
            let html = "text/html; charset=utf-8";
            http::write_full(stream, 200, html, page.as_bytes(), normal.api).await;
        }
        // SO_LINGER 0 makes the close that follows (when the caller drops the stream) an
        // RST instead of a FIN, so the client sees "connection reset by peer".
        Fault::Reset => {
            let _ignored = stream.set_zero_linger();
        }
        Fault::Hang => until_stopped(stopped).await,
        Fault::EndlessBody => endless(stream, &normal, stopped).await,
        Fault::Slow(delay) => {
            tokio::select! {
                () = until_stopped(stopped) => {}
                () = tokio::time::sleep(delay) => send(stream, &normal).await,
            }
        }
        Fault::Huge(size) => huge(stream, &normal, size).await,
    }
}

/// Resolves once the stand-in is stopping. Returns `()` rather than the watch guard, which
/// must not live across the other `select!` branches' awaits (it is not `Send`).
pub async fn until_stopped(stopped: &mut watch::Receiver<bool>) {
    // An error means the handle is gone, which is a stop as well.
    let _stopping = stopped.wait_for(|stop| *stop).await.is_ok();
}

async fn send(stream: &mut TcpStream, reply: &Reply) {
    let body = reply.body.as_bytes();
    http::write_full(stream, reply.status, reply.content_type, body, reply.api).await;
}

/// Where padding can go without breaking the document: before the closing `}` of JSON or
/// before `</html>`.
fn open_end(body: &str) -> usize {
    if body.ends_with('}') {
        return body.len() - 1;
    }
    body.rfind("</html>").unwrap_or(body.len())
}

/// The start of the normal document, then whitespace for as long as the client reads.
async fn endless(stream: &mut TcpStream, normal: &Reply, stopped: &mut watch::Receiver<bool>) {
    let head = http::head(200, normal.content_type, None, normal.api);
    let start = &normal.body.as_bytes()[..open_end(&normal.body)];
    if stream.write_all(head.as_bytes()).await.is_err()
        || http::write_chunk(stream, start).await.is_err()
    {
        return;
    }

    let filler = padding(PIECE);
    loop {
        tokio::select! {
            () = until_stopped(stopped) => return,
            written = http::write_chunk(stream, &filler) => {
                if written.is_err() {
                    return;
                }
            }
        }
    }
}

/// Exactly `size` bytes: the normal document padded with whitespace inside it (so it stays
/// valid), or cut short when it is longer than `size`.
async fn huge(stream: &mut TcpStream, normal: &Reply, size: usize) {
    let body = normal.body.as_bytes();
    let head = http::head(200, normal.content_type, Some(size), normal.api);
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    if size <= body.len() {
        let _sent = stream.write_all(&body[..size]).await;
        return;
    }

    let split = open_end(&normal.body);
    let (start, end) = body.split_at(split);
    let mut remaining = size - body.len();
    let filler = padding(PIECE);
    let mut sent = stream.write_all(start).await;
    while remaining > 0 && sent.is_ok() {
        let piece = remaining.min(PIECE);
        sent = stream.write_all(&filler[..piece]).await;
        remaining -= piece;
    }
    if sent.is_ok() && stream.write_all(end).await.is_ok() {
        let _closed = stream.shutdown().await;
    }
}

/// Spaces with a newline every 100 bytes, so line-based readers get lines, not one giant.
fn padding(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| if i % 100 == 99 { b'\n' } else { b' ' })
        .collect()
}

/// Pseudo-random bytes (xorshift64*), invalid UTF-8 and all.
fn garbage(seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..GARBAGE_LEN)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}
