//! HTTP to the EQDKP site: one shared client, every answer bounded in time and size, and no
//! URL (which may carry the API key) in any error.

use std::time::Duration;

use reqwest::{StatusCode, Url};

use super::FetchError;

/// The HTTP client all reads of the site go through.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    timeout: Duration,
    max_body: usize,
}

/// What the site answered.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body, at most the configured size.
    pub body: Vec<u8>,
}

impl Http {
    /// A client whose every request ends within `timeout` and reads at most `max_body` bytes.
    pub fn new(timeout: Duration, max_body: usize) -> Result<Http, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("mattermost-eqdkp/", env!("CARGO_PKG_VERSION")))
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|err| FetchError::Transport(err.without_url().to_string()))?;
        Ok(Http {
            client,
            timeout,
            max_body,
        })
    }

    /// GETs `url` with `query` appended. The query is added here rather than to `url` so that
    /// callers can log `url` without the API key.
    pub async fn get(&self, url: &Url, query: &[(&str, &str)]) -> Result<Answer, FetchError> {
        let request = self.client.get(url.clone()).query(query);
        let response = request.send().await.map_err(|err| self.classify(err))?;
        let status = response.status();
        let body = self.read_body(response).await?;
        Ok(Answer { status, body })
    }

    /// Reads the body chunk by chunk, refusing it as soon as it passes the cap, so that a huge
    /// or endless answer costs at most `max_body` bytes of memory.
    async fn read_body(&self, mut response: reqwest::Response) -> Result<Vec<u8>, FetchError> {
        let too_large = FetchError::TooLarge {
            limit: self.max_body,
        };
        let announced = response.content_length().unwrap_or(0);
        if announced > self.max_body as u64 {
            return Err(too_large);
        }

        let mut body = Vec::with_capacity(announced as usize);
        while let Some(chunk) = response.chunk().await.map_err(|err| self.classify(err))? {
            if body.len() + chunk.len() > self.max_body {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

impl Http {
    /// Turns a reqwest error into a fetch error. The URL goes first, since its query may hold
    /// the API key; of the causes, only the innermost is kept, as it is the one worth reading.
    fn classify(&self, err: reqwest::Error) -> FetchError {
        if err.is_timeout() {
            return FetchError::Timeout(self.timeout);
        }
        let connect = err.is_connect();
        let message = crate::errors::root_cause(&err.without_url());
        if connect {
            FetchError::Connect(message)
        } else {
            FetchError::Transport(message)
        }
    }
}
