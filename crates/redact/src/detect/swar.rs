//! Byte classes tested eight bytes at a time, in one `u64`, for the
//! scans that look for letters or digits (memchr finds single bytes, not
//! classes). Every function here is exact per byte: no byte's arithmetic
//! carries into the next.

/// The high bit of every byte.
pub(crate) const HIGH_BITS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Eight bytes at a time: the high bit of each byte of the result is set
/// where that byte of `x` lies strictly between `low` and `high` (bytes of
/// 0x80 and above never do). No byte's arithmetic carries into the next,
/// so the test is exact; `high` must be at most 128.
#[inline]
fn bytes_between(x: u64, low: u8, high: u8) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const LOW7: u64 = ONES * 0x7f;
    let seven = x & LOW7;
    (ONES * (127 + u64::from(high)) - seven)
        & !x
        & (seven + ONES * (127 - u64::from(low)))
        & HIGH_BITS
}

/// The high bit of each ASCII letter's byte.
#[inline]
pub(crate) fn ascii_letters(x: u64) -> u64 {
    // Setting bit 5 folds capitals onto lowercase and moves no other byte
    // into `a..=z`.
    bytes_between(x | u64::from_ne_bytes([0x20; 8]), b'a' - 1, b'z' + 1)
}

/// The high bit of each ASCII capital's byte.
#[inline]
pub(crate) fn ascii_capitals(x: u64) -> u64 {
    bytes_between(x, b'A' - 1, b'Z' + 1)
}

/// The eight bytes at `i`, the first in the lowest byte.
#[inline]
pub(crate) fn chunk(bytes: &[u8], i: usize) -> Option<u64> {
    let eight: [u8; 8] = bytes.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(eight))
}

/// The high bit of each ASCII digit's byte.
#[inline]
pub(crate) fn ascii_digits(x: u64) -> u64 {
    bytes_between(x, b'0' - 1, b'9' + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_agree_with_the_standard_tests_for_every_byte_in_every_lane() {
        for lane in 0..8 {
            for b in 0..=255u8 {
                // Neighbours that differ from `b`, to catch carries.
                let mut eight = [b.wrapping_add(1); 8];
                eight[lane] = b;
                let x = u64::from_le_bytes(eight);
                let bit = |mask: u64| mask >> (8 * lane + 7) & 1 == 1;
                assert_eq!(bit(ascii_letters(x)), b.is_ascii_alphabetic(), "{b:#x}");
                assert_eq!(bit(ascii_capitals(x)), b.is_ascii_uppercase(), "{b:#x}");
                assert_eq!(bit(ascii_digits(x)), b.is_ascii_digit(), "{b:#x}");
            }
        }
        assert_eq!(
            chunk(b"abcdefgh", 0),
            Some(u64::from_le_bytes(*b"abcdefgh"))
        );
        assert_eq!(chunk(b"abcdefgh", 1), None);
    }
}
