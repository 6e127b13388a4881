//! Incremental decoding of server-sent events (`text/event-stream`).
//!
//! Written here rather than taken from a crate because the gateway needs
//! two things the small SSE crates do not give: a hard bound on how much an
//! unterminated line or event may buffer (a hostile or broken vendor must
//! not grow memory without limit), and errors that never quote the stream,
//! since the stream carries PHI. The format itself is a few lines of
//! parsing: fields `data`, `event`, comments, and a blank line that ends an
//! event, with `\n`, `\r\n` or `\r` line ends that may fall anywhere across
//! network chunks, multi-byte characters included.

/// One dispatched event.
#[derive(Default, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The `event:` field, empty when the vendor sent none.
    pub(crate) event: String,
    /// The `data:` lines, joined with `\n`.
    pub(crate) data: String,
}

/// Why a stream could not be decoded. Never holds stream content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SseError {
    /// A line or an event grew beyond the decoder's bound.
    TooLarge,
    /// A line was not valid UTF-8.
    InvalidUtf8,
}

/// Feeds on byte chunks, emits complete events.
pub(crate) struct SseDecoder {
    line: Vec<u8>,
    event: String,
    data: String,
    has_data: bool,
    pending_cr: bool,
    first_line: bool,
    max_event_bytes: usize,
}

impl SseDecoder {
    /// A decoder that refuses lines and events larger than
    /// `max_event_bytes`.
    pub(crate) fn new(max_event_bytes: usize) -> Self {
        SseDecoder {
            line: Vec::new(),
            event: String::new(),
            data: String::new(),
            has_data: false,
            pending_cr: false,
            first_line: true,
            max_event_bytes,
        }
    }

    /// Decodes `chunk`, appending every event it completes to `out`.
    pub(crate) fn push(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), SseError> {
        let mut rest = chunk;
        if self.pending_cr {
            // A `\r` ended the previous chunk; a `\n` here belongs to it.
            self.pending_cr = false;
            if let Some(stripped) = rest.strip_prefix(b"\n") {
                rest = stripped;
            }
        }
        while let Some(end) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.line.extend_from_slice(&rest[..end]);
            self.check_size()?;
            self.take_line(out)?;
            let crlf = rest[end] == b'\r';
            rest = &rest[end + 1..];
            if crlf {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    Some(_) => {}
                    None => self.pending_cr = true,
                }
            }
        }
        self.line.extend_from_slice(rest);
        self.check_size()
    }

    /// Whether bytes of an unfinished line or event are buffered.
    pub(crate) fn has_partial(&self) -> bool {
        !self.line.is_empty() || self.has_data
    }

    fn check_size(&self) -> Result<(), SseError> {
        if self.line.len() + self.data.len() > self.max_event_bytes {
            return Err(SseError::TooLarge);
        }
        Ok(())
    }

    fn take_line(&mut self, out: &mut Vec<SseEvent>) -> Result<(), SseError> {
        let line = std::mem::take(&mut self.line);
        let mut text = std::str::from_utf8(&line).map_err(|_| SseError::InvalidUtf8)?;
        if self.first_line {
            self.first_line = false;
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }

        if text.is_empty() {
            if self.has_data {
                out.push(SseEvent {
                    event: std::mem::take(&mut self.event),
                    data: std::mem::take(&mut self.data),
                });
                self.has_data = false;
            } else {
                self.event.clear();
            }
            return Ok(());
        }
        if text.starts_with(':') {
            return Ok(());
        }

        let (field, value) = match text.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (text, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => {
                self.event.clear();
                self.event.push_str(value);
            }
            // `id` and `retry` steer reconnection, which the gateway never
            // does: a cut stream is a failed call. Unknown fields are
            // ignored, as the format requires.
            _ => {}
        }
        self.check_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(input: &[u8], piece: usize) -> Vec<(String, String)> {
        let mut decoder = SseDecoder::new(1 << 20);
        let mut out = Vec::new();
        for chunk in input.chunks(piece) {
            decoder.push(chunk, &mut out).unwrap();
        }
        out.into_iter().map(|e| (e.event, e.data)).collect()
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let input = "event: delta\r\ndata: {\"t\":\"h\u{e9}llo\"}\r\n\r\n: comment\n\
                     data: line one\ndata:line two\r\rdata: last\n\n"
            .as_bytes();
        let expected = vec![
            ("delta".to_owned(), "{\"t\":\"h\u{e9}llo\"}".to_owned()),
            (String::new(), "line one\nline two".to_owned()),
            (String::new(), "last".to_owned()),
        ];
        for piece in 1..input.len() {
            assert_eq!(
                decode_in_pieces(input, piece),
                expected,
                "piece size {piece}"
            );
        }
    }

    #[test]
    fn an_event_without_data_is_not_dispatched() {
        assert!(decode_in_pieces(b"event: ping\n\n", 3).is_empty());
    }

    #[test]
    fn unterminated_event_is_reported_as_partial() {
        let mut decoder = SseDecoder::new(1024);
        let mut out = Vec::new();
        decoder.push(b"data: half", &mut out).unwrap();
        assert!(out.is_empty());
        assert!(decoder.has_partial());
    }

    #[test]
    fn endless_line_is_refused() {
        let mut decoder = SseDecoder::new(64);
        let mut out = Vec::new();
        let mut result = Ok(());
        for _ in 0..10 {
            result = decoder.push(&[b'a'; 16], &mut out);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(SseError::TooLarge));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any bytes, cut anywhere: no panic, and the buffer never grows
        /// past its bound.
        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048),
            piece in 1usize..64,
        ) {
            let mut decoder = SseDecoder::new(256);
            let mut out = Vec::new();
            for chunk in bytes.chunks(piece) {
                if decoder.push(chunk, &mut out).is_err() {
                    break;
                }
                proptest::prop_assert!(decoder.line.len() + decoder.data.len() <= 256);
            }
        }

        /// Well-formed events decode the same whatever the chunking.
        #[test]
        fn chunking_does_not_change_events(
            datas in proptest::collection::vec("[^\r\n]{0,40}", 1..8),
            piece in 1usize..32,
            crlf in proptest::bool::ANY,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut input = String::new();
            for data in &datas {
                input.push_str(&format!("data: {data}{end}{end}"));
            }
            let whole = decode_in_pieces(input.as_bytes(), input.len().max(1));
            let pieces = decode_in_pieces(input.as_bytes(), piece);
            proptest::prop_assert_eq!(&whole, &pieces);
            proptest::prop_assert_eq!(whole.len(), datas.len());
        }
    }

    #[test]
    fn invalid_utf8_is_refused() {
        let mut decoder = SseDecoder::new(64);
        let mut out = Vec::new();
        assert_eq!(
            decoder.push(b"data: \xff\xfe\n", &mut out),
            Err(SseError::InvalidUtf8)
        );
    }
}
