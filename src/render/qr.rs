//! The verification QR code as a raw 8-bit grayscale image (no image codec needed).
//!
//! The `qrcode` crate encodes; the mask is chosen here with the standard's penalty
//! rules on a plain bit grid (the crate's own mask search is most of the time of a
//! whole transcript).

use std::fmt::Write as _;

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel};

use super::RenderError;

/// Quiet zone around the code, in modules (the QR standard asks for 4).
const QUIET: usize = 4;

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// Whether mask `k` (000 to 111) inverts the module at column `x`, row `y`.
fn masked(k: usize, x: usize, y: usize) -> bool {
    match k {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => (x / 3 + y / 2).is_multiple_of(2),
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + (x * y) % 3).is_multiple_of(2),
    }
}

/// Rows and columns of a square of modules as bits: module `i` of a line is bit `i + 4`
/// (four light modules pad each side).
struct Lines {
    rows: Vec<u128>,
    columns: Vec<u128>,
}

impl Lines {
    /// The lines of the `n` × `n` modules for which `dark(x, y)` holds.
    fn pack(n: usize, dark: impl Fn(usize, usize) -> bool) -> Lines {
        let mut lines = Lines { rows: vec![0; n], columns: vec![0; n] };
        for y in 0..n {
            for x in 0..n {
                if dark(x, y) {
                    lines.rows[y] |= 1 << (x + 4);
                    lines.columns[x] |= 1 << (y + 4);
                }
            }
        }
        lines
    }

    /// These lines with mask `k` applied to the modules of `data`. A mask repeats every
    /// twelve rows and columns, so only twelve of each are computed.
    fn masked(&self, data: &Lines, k: usize) -> Lines {
        let n = self.rows.len();
        let inside = ((1u128 << n) - 1) << 4;
        // Along a line a mask repeats every twelve modules: twelve bits, doubled up to 128.
        let period = |along_rows: bool| -> Vec<u128> {
            (0..12.min(n))
                .map(|i| {
                    let mut bits = (0..12)
                        .filter(|&j| if along_rows { masked(k, j, i) } else { masked(k, i, j) })
                        .fold(0u128, |bits, j| bits | 1 << j);
                    for shift in [12, 24, 48, 96] {
                        bits |= bits << shift;
                    }
                    (bits << 4) & inside
                })
                .collect()
        };
        let (row_masks, column_masks) = (period(true), period(false));
        let apply = |lines: &[u128], data: &[u128], masks: &[u128]| -> Vec<u128> {
            lines.iter().zip(data).enumerate().map(|(i, (&l, &d))| l ^ (d & masks[i % 12])).collect()
        };
        Lines {
            rows: apply(&self.rows, &data.rows, &row_masks),
            columns: apply(&self.columns, &data.columns, &column_masks),
        }
    }
}

/// The modules of `text` (error correction M) as rows of dark (true) / light, with the
/// mask of the lowest penalty. The masks are scored on packed bits (format information
/// left out, as it is the same size for every mask); only the chosen one goes through
/// the encoder.
fn modules(text: &str) -> Result<(usize, Vec<bool>), RenderError> {
    let cached = LAST.with_borrow(|last| last.as_ref().filter(|(t, ..)| t == text).map(|(_, n, g)| (*n, g.clone())));
    if let Some(hit) = cached {
        return Ok(hit);
    }
    let (n, grid) = encode(text)?;
    LAST.set(Some((text.to_string(), n, grid.clone())));
    Ok((n, grid))
}

thread_local! {
    /// The text last encoded on this thread and its modules: the PDF and the HTML of a transcript encode
    /// the same verification URL.
    static LAST: std::cell::RefCell<Option<(String, usize, Vec<bool>)>> = const { std::cell::RefCell::new(None) };
}

/// [`modules`], without the cache.
fn encode(text: &str) -> Result<(usize, Vec<bool>), RenderError> {
    let err = |e: qrcode::types::QrError| RenderError::Qr(format!("{text:?}: {e}"));
    let bits = qrcode::bits::encode_auto(text.as_bytes(), EcLevel::M).map_err(err)?;
    let version = bits.version();
    let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).map_err(err)?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let n = usize::try_from(version.width()).unwrap_or(0);
    let best = if n > 120 {
        0
    } else {
        let colors = canvas.clone().into_colors();
        let unmasked = Lines::pack(n, |x, y| colors[y * n + x] == Color::Dark);
        let data_modules = Lines::pack(n, |x, y| !qrcode::canvas::is_functional(version, n as i16, x as i16, y as i16));
        (0..MASKS.len()).min_by_key(|&k| penalty_of(n, &unmasked.masked(&data_modules, k))).unwrap_or(0)
    };
    canvas.apply_mask(MASKS[best]);
    Ok((n, canvas.into_colors().into_iter().map(|m| m == Color::Dark).collect()))
}

/// The penalty score of ISO/IEC 18004 §7.8.3 (runs of five or more, 2×2 blocks,
/// finder-like patterns, imbalance of dark and light) of a symbol of `n` × `n` modules
/// given as rows of dark (true) / light. Symbols wider than 120 modules are not scored
/// (`None`).
#[cfg(test)]
fn penalty(n: usize, grid: &[bool]) -> Option<usize> {
    if n > 120 || grid.len() != n * n {
        return None;
    }
    Some(penalty_of(n, &Lines::pack(n, |x, y| grid[y * n + x])))
}

/// The penalty score of packed lines (`n` ≤ 120).
fn penalty_of(n: usize, lines: &Lines) -> usize {
    let inside = ((1u128 << n) - 1) << 4;
    let pairs = ((1u128 << (n - 1)) - 1) << 4; // x and x + 1 both inside
    // Where a finder-like pattern may start: x from 0 to n - 7.
    let starts = ((1u128 << (n - 6)) - 1) << 4;
    let mut score = 0;
    for &line in lines.rows.iter().chain(&lines.columns) {
        // Runs: `same` marks a module equal to the next; four in a row are a run of five.
        let same = !(line ^ (line >> 1)) & pairs;
        let five = same & (same >> 1) & (same >> 2) & (same >> 3);
        score += five.count_ones() as usize + 2 * (five & !(five << 1)).count_ones() as usize;
        score += 40 * finder_like(line, starts);
    }
    for pair in lines.rows.windows(2) {
        let vertical = !(pair[0] ^ pair[1]);
        let blocks = vertical & (vertical >> 1) & !(pair[0] ^ (pair[0] >> 1)) & pairs;
        score += 3 * blocks.count_ones() as usize;
    }
    let dark: usize = lines.rows.iter().map(|r| (r & inside).count_ones() as usize).sum();
    let percent = dark * 100 / (n * n);
    score + 10 * (percent.abs_diff(50) / 5)
}

/// How many times 1:1:3:1:1 (dark light dark dark dark light dark) starts at one of
/// `starts` in `line`, with four light modules before or after it.
fn finder_like(line: u128, starts: u128) -> usize {
    let light = !line;
    let pattern = line & (light >> 1) & (line >> 2) & (line >> 3) & (line >> 4) & (light >> 5) & (line >> 6);
    let before = (light << 1) & (light << 2) & (light << 3) & (light << 4);
    let after = (light >> 7) & (light >> 8) & (light >> 9) & (light >> 10);
    (pattern & (before | after) & starts).count_ones() as usize
}

/// The QR code of `text` as a square 8-bit grayscale bitmap, one pixel a module, quiet
/// zone included: its side and its pixels (drawn without interpolation, so the modules
/// stay sharp at any size).
pub(crate) fn qr_pixels(text: &str) -> Result<(usize, Vec<u8>), RenderError> {
    let (n, grid) = modules(text)?;
    let side = n + 2 * QUIET;
    let mut pixels = vec![255u8; side * side];
    for (i, &dark) in grid.iter().enumerate() {
        if dark {
            pixels[(i / n + QUIET) * side + i % n + QUIET] = 0;
        }
    }
    Ok((side, pixels))
}

/// The QR code of `text` as an SVG image (for the HTML view): one path of dark runs.
pub(crate) fn qr_svg(text: &str) -> Result<String, RenderError> {
    let (n, grid) = modules(text)?;
    let side = n + 2 * QUIET;
    let mut path = String::new();
    for (y, row) in grid.chunks_exact(n).enumerate() {
        let mut x = 0;
        while x < n {
            if row[x] {
                let start = x;
                while x < n && row[x] {
                    x += 1;
                }
                let _ = write!(path, "M{} {}h{}v1h-{}z", start + QUIET, y + QUIET, x - start, x - start);
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\" \
         role=\"img\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The penalty, module by module: the reference for the bit-packed one.
    fn penalty_reference(n: usize, grid: &[bool]) -> usize {
        // Rows, then columns, as slices.
        let mut columns = Vec::with_capacity(n * n);
        for x in 0..n {
            columns.extend((0..n).map(|y| grid[y * n + x]));
        }
        let mut score = 0;
        for line in grid.chunks_exact(n).chain(columns.chunks_exact(n)) {
            let mut run = 1;
            for i in 1..=n {
                if i < n && line[i] == line[i - 1] {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += run - 2;
                    }
                    run = 1;
                }
            }
            // 1:1:3:1:1 (dark light dark dark dark light dark) with four light modules on one side.
            for (i, w) in line.windows(7).enumerate() {
                if w[0] && !w[1] && w[2] && w[3] && w[4] && !w[5] && w[6] {
                    let light = |from: usize, to: usize| line[from.min(n)..to.min(n)].iter().all(|&d| !d);
                    if light(i.saturating_sub(4), i) || light(i + 7, i + 11) {
                        score += 40;
                    }
                }
            }
        }
        for (upper, lower) in grid.chunks_exact(n).zip(grid.chunks_exact(n).skip(1)) {
            for x in 0..n - 1 {
                let c = upper[x];
                if upper[x + 1] == c && lower[x] == c && lower[x + 1] == c {
                    score += 3;
                }
            }
        }
        let dark = grid.iter().filter(|&&d| d).count();
        let percent = dark * 100 / grid.len().max(1);
        score + 10 * (percent.abs_diff(50) / 5)
    }

    #[test]
    fn packed_penalty_matches_the_reference() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for n in [21usize, 25, 49, 57, 101] {
            for density in [2u64, 3, 5] {
                let grid: Vec<bool> = (0..n * n)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        seed.is_multiple_of(density)
                    })
                    .collect();
                assert_eq!(penalty(n, &grid), Some(penalty_reference(n, &grid)), "n {n}");
            }
        }
        assert_eq!(penalty(121, &vec![false; 121 * 121]), None);
    }

    #[test]
    fn masks_applied_by_period_match_masks_applied_module_by_module() {
        let n = 57;
        let dark = |x: usize, y: usize| (x * 7 + y * 13) % 5 < 2;
        let data = |x: usize, y: usize| x > 8 && y > 8;
        let (unmasked, data_modules) = (Lines::pack(n, dark), Lines::pack(n, data));
        for k in 0..MASKS.len() {
            let expected = Lines::pack(n, |x, y| dark(x, y) ^ (data(x, y) && masked(k, x, y)));
            let got = unmasked.masked(&data_modules, k);
            assert!(got.rows == expected.rows && got.columns == expected.columns, "mask {k}");
        }
    }

    #[test]
    fn qr_has_quiet_zone_and_finder_pattern() {
        let (side, px) = qr_pixels("https://registrar.example.edu/verify/urn:uuid:1").unwrap();
        assert_eq!(px.len(), side * side);
        assert!(px[..side * QUIET].iter().all(|&p| p == 255));
        // The top-left finder pattern: a dark ring 7 modules wide around a light ring.
        let px_at = |x: usize, y: usize| px[(y + QUIET) * side + x + QUIET];
        assert!((0..7).all(|i| px_at(i, 0) == 0 && px_at(0, i) == 0 && px_at(6, i) == 0));
        assert_eq!(px_at(1, 1), 255);
        assert_eq!(px_at(3, 3), 0);
    }

    #[test]
    fn svg_draws_the_same_modules() {
        let svg = qr_svg("https://example.edu/v/1").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        let (n, grid) = modules("https://example.edu/v/1").unwrap();
        // Every dark module is in exactly one run; the runs' lengths add up to the dark count.
        let path = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        let run = |part: &str| part.split('h').nth(1).unwrap().split('v').next().unwrap().parse::<usize>().unwrap();
        let total: usize = path.split('M').skip(1).map(run).sum();
        assert_eq!(total, grid.iter().filter(|&&d| d).count());
        assert!(svg.contains(&format!("viewBox=\"0 0 {0} {0}\"", n + 2 * QUIET)));
    }

    #[test]
    fn the_chosen_mask_is_the_lowest_penalty() {
        // Same choice as the qrcode crate's own search, which follows the same rules.
        let text = "https://registrar.northbridge.example.edu/verify/urn:uuid:5f0c2a7e-41d3";
        let ours = modules(text).unwrap().1;
        let theirs: Vec<bool> = qrcode::QrCode::with_error_correction_level(text, EcLevel::M)
            .unwrap()
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        assert_eq!(ours.len(), theirs.len());
        let n = (ours.len() as f64).sqrt() as usize;
        assert!(penalty_reference(n, &ours) <= penalty_reference(n, &theirs));
    }
}
