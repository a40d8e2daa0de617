//! RDF Dataset Canonicalization, RDFC-1.0 (W3C Recommendation, 21 May 2024), with SHA-256.
//!
//! Section numbers below are those of the RDFC-1.0 specification. The algorithm is bounded: every call of
//! "Hash N-Degree Quads" (§4.8) and every permutation it tries costs one unit of work, and running out of the
//! budget is an error ([`CanonError::WorkLimit`]) instead of the exponential run time a crafted "poison" graph
//! (many indistinguishable blank nodes, §6 "Privacy/Security Considerations: dataset poisoning") would cause.
//!
//! It works on a [`Dataset`]: every quad already written once as its N-Quads line with holes where blank node
//! labels go, so hashing and serializing only copy bytes and fill in labels. Blank nodes are numbered densely;
//! hashes are kept as raw SHA-256 digests (their byte order is the code point order of their hex form).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::hash::Hasher;

use sha2::{Digest, Sha256};

use super::error::CanonError;
use super::fasthash::{FastHasher, FastMap};
use super::rdf::{Dataset, Line, Quad, dataset_of, push_decimal};

/// Work budget: a fixed base plus this many units per blank node. Real credentials need a few units per
/// blank node at most (a 40-course CLR with 2,700 blank nodes needs none beyond the first degree).
const WORK_BASE: u64 = 20_000;
const WORK_PER_BLANK_NODE: u64 = 50;

/// No canonical identifier yet.
const NONE: u32 = u32::MAX;

/// A SHA-256 digest.
pub type Digest32 = [u8; 32];

/// RDFC-1.0 §4.4 Canonicalization Algorithm: returns the canonical N-Quads document (sorted lines, each
/// ending in `\n`; duplicate quads appear once, as in an RDF dataset).
pub fn canonicalize(quads: &[Quad]) -> Result<String, CanonError> {
    canonicalize_dataset(&dataset_of(quads))
}

/// [`canonicalize`] for a [`Dataset`].
pub fn canonicalize_dataset(data: &Dataset) -> Result<String, CanonError> {
    with_buffers(|buffers| {
        let state = State::run(data, &[], buffers)?;
        let mut out = String::with_capacity(data.text.len() + data.lines.len() * 8);
        state.serialize(buffers, |line| out.push_str(line));
        state.give_back(buffers);
        Ok(out)
    })
}

/// SHA-256 of the canonical N-Quads of `data` (what vc-di-eddsa §3.2.4 hashes), without keeping them; also
/// returns every blank node's first-degree hash (§4.6), by node number, for [`hash_dataset`]'s `known`.
///
/// `known[n]`, when set, is the first-degree hash of node `n`, already computed for the same quads of `n` (a
/// credential canonicalized on its own and then again inside another one).
pub fn hash_dataset(
    data: &Dataset,
    known: &[Option<Digest32>],
) -> Result<(Digest32, Vec<Option<Digest32>>), CanonError> {
    with_buffers(|buffers| {
        let state = State::run(data, known, buffers)?;
        let mut hasher = Sha256::new();
        state.serialize(buffers, |line| hasher.update(line.as_bytes()));
        let mut first = vec![None; data.node_bound as usize];
        for (dense, &id) in state.node_ids.iter().enumerate() {
            first[id as usize] = Some(state.first_hash[dense]);
        }
        state.give_back(buffers);
        Ok((hasher.finalize().into(), first))
    })
}

/// Working memory kept per thread between canonicalizations, so that a large dataset's buffers are not
/// allocated (and page-faulted in) again for every credential.
#[derive(Default)]
struct Buffers {
    /// Line hash → index of the first kept line with that hash (duplicate removal).
    seen: FastMap<u64, u32>,
    /// Kept lines whose hash another kept line already had.
    collided: Vec<u32>,
    lines: Vec<Line>,
    dense: Vec<u32>,
    text: String,
    ranges: Vec<Range>,
}

/// Runs `f` with this thread's [`Buffers`].
fn with_buffers<T>(f: impl FnOnce(&mut Buffers) -> T) -> T {
    const KEEP_AT_MOST: usize = 64 << 20;
    thread_local! {
        static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
    }
    let mut buffers = BUFFERS.with_borrow_mut(std::mem::take);
    let out = f(&mut buffers);
    if buffers.text.capacity() <= KEEP_AT_MOST {
        BUFFERS.with_borrow_mut(|slot| *slot = buffers);
    }
    out
}

/// A hash of a line's text and blank nodes: equal for equal quads.
fn line_hash(text: &str, line: &Line) -> u64 {
    let mut hasher = FastHasher::default();
    hasher.write(&text.as_bytes()[line.start as usize..line.end as usize]);
    for hole in line.holes() {
        hasher.write_u32(hole.node);
    }
    hasher.finish()
}

/// Whether two lines are the same quad (same text and blank nodes).
fn same_quad(text: &str, a: &Line, b: &Line) -> bool {
    let t = text.as_bytes();
    t[a.start as usize..a.end as usize] == t[b.start as usize..b.end as usize]
        && a.holes().iter().map(|h| h.node).eq(b.holes().iter().map(|h| h.node))
}

/// The canonicalization state (§4.2), with blank nodes numbered densely for speed.
struct State<'a> {
    /// The text the lines point into.
    text: &'a str,
    /// The dataset: the input without duplicate quads that have blank nodes (duplicates without any are dropped
    /// when serializing); hole nodes are dense indices.
    lines: Vec<Line>,
    /// Dense index → node number in the input.
    node_ids: Vec<u32>,
    /// Blank node → indices of the lines that mention it (§4.2 "blank node to quads map"), as
    /// `node_lines[node_start[n]..node_start[n + 1]]`.
    node_start: Vec<u32>,
    node_lines: Vec<u32>,
    /// First-degree hash of each blank node (computed once, §4.4.3 step 3).
    first_hash: Vec<Digest32>,
    /// Canonical issuer (§4.5): the canonical number of each node, or [`NONE`].
    canonical: Vec<u32>,
    issued: u32,
    work_left: u64,
}

/// A temporary identifier issuer (§4.5, prefix `b`): the nodes in order of issue; a node's identifier is `b`
/// followed by its position. Temporary issuers are small and copied often, so a list beats a map.
#[derive(Clone, Default)]
struct Issuer {
    order: Vec<u32>,
}

impl Issuer {
    fn get(&self, node: u32) -> Option<usize> {
        self.order.iter().position(|&n| n == node)
    }

    /// §4.5.2 Issue Identifier Algorithm: the existing identifier's number, or a new one.
    fn issue(&mut self, node: u32) -> usize {
        self.get(node).unwrap_or_else(|| {
            self.order.push(node);
            self.order.len() - 1
        })
    }
}

impl<'a> State<'a> {
    /// Runs §4.4.3 steps 1–5; the state then holds the canonical identifiers for step 6.
    fn run(data: &'a Dataset, known: &[Option<Digest32>], buffers: &mut Buffers) -> Result<Self, CanonError> {
        let mut state = State::new(data, buffers);
        state.first_hash = state.first_degree_hashes(known);
        let shared = state.issue_unique_first_degree();
        state.issue_n_degree(shared)?;
        Ok(state)
    }

    /// §4.4.3 steps 1–2: create the state and the blank node to quads map (duplicate quads removed first:
    /// the input is a dataset).
    fn new(data: &'a Dataset, buffers: &mut Buffers) -> Self {
        let text = data.text.as_str();
        let mut lines = std::mem::take(&mut buffers.lines);
        lines.clear();
        let (seen, collided) = (&mut buffers.seen, &mut buffers.collided);
        seen.clear();
        collided.clear();
        for line in &data.lines {
            let kept = lines.len() as u32;
            // A quad without blank nodes takes no part in hashing (§4.6, §4.8); its duplicates are adjacent once
            // sorted and are dropped when serializing (step 6).
            if line.hole_count == 0 {
                lines.push(*line);
                continue;
            }
            match seen.entry(line_hash(text, line)) {
                Entry::Vacant(slot) => {
                    slot.insert(kept);
                }
                Entry::Occupied(first) => {
                    let duplicate = |&k: &u32| same_quad(text, &lines[k as usize], line);
                    if duplicate(first.get()) || collided.iter().any(duplicate) {
                        continue;
                    }
                    collided.push(kept);
                }
            }
            lines.push(*line);
        }
        let mut dense = std::mem::take(&mut buffers.dense);
        dense.clear();
        dense.resize(data.node_bound as usize, NONE);
        let mut node_ids = Vec::new();
        for line in &mut lines {
            for hole in &mut line.holes[..usize::from(line.hole_count)] {
                let d = &mut dense[hole.node as usize];
                if *d == NONE {
                    *d = node_ids.len() as u32;
                    node_ids.push(hole.node);
                }
                hole.node = *d;
            }
        }
        buffers.dense = dense;
        let (node_start, node_lines) = node_to_lines(&lines, node_ids.len());
        let node_count = node_ids.len();
        State {
            text,
            lines,
            node_ids,
            node_start,
            node_lines,
            first_hash: Vec::new(),
            canonical: vec![NONE; node_count],
            issued: 0,
            work_left: WORK_BASE + WORK_PER_BLANK_NODE * node_count as u64,
        }
    }

    /// Returns the buffers borrowed by [`State::new`].
    fn give_back(self, buffers: &mut Buffers) {
        buffers.lines = self.lines;
    }

    /// The lines that mention dense node `n`.
    fn lines_of(&self, n: usize) -> &[u32] {
        &self.node_lines[self.node_start[n] as usize..self.node_start[n + 1] as usize]
    }

    /// §4.4.3 step 3: the first-degree hash of every node, taken from `known` when given.
    fn first_degree_hashes(&self, known: &[Option<Digest32>]) -> Vec<Digest32> {
        let mut buffer = String::new();
        let mut ranges = Vec::new();
        (0..self.node_ids.len())
            .map(|n| match known.get(self.node_ids[n] as usize) {
                Some(Some(hash)) => *hash,
                _ => self.hash_first_degree(n, &mut buffer, &mut ranges),
            })
            .collect()
    }

    /// §4.6.3 Hash First Degree Quads: hash the node's quads, sorted, with itself as `_:a` and other blank nodes
    /// as `_:z`.
    fn hash_first_degree(&self, node: usize, buffer: &mut String, ranges: &mut Vec<Range>) -> Digest32 {
        let lines = self.lines_of(node).iter().map(|&l| l as usize);
        let mut hasher = Sha256::new();
        let node = node as u32;
        self.sorted_lines(buffer, ranges, lines, |other, out| out.push(if other == node { 'a' } else { 'z' }));
        for &Range { start, end, .. } in ranges.iter() {
            hasher.update(&buffer.as_bytes()[start as usize..end as usize]);
        }
        hasher.finalize().into()
    }

    /// §4.4.3 step 3: the blank nodes grouped by first-degree hash, in hash (code point) order: the nodes whose
    /// hash is unique, and the groups of nodes that share one. (Hashes are compared as two big-endian numbers:
    /// the same order as their bytes, without `memcmp`.)
    fn groups_by_first_hash(&self) -> (Vec<u32>, Vec<Vec<u32>>) {
        let mut order: Vec<((u128, u128), u32)> =
            self.first_hash.iter().enumerate().map(|(n, h)| (digest_key(h), n as u32)).collect();
        order.sort_unstable();
        let (mut unique, mut shared) = (Vec::with_capacity(order.len()), Vec::new());
        let mut run = 0;
        while run < order.len() {
            let end = run + order[run..].iter().take_while(|(h, _)| *h == order[run].0).count();
            match end - run {
                1 => unique.push(order[run].1),
                _ => shared.push(order[run..end].iter().map(|&(_, n)| n).collect()),
            }
            run = end;
        }
        (unique, shared)
    }

    /// §4.5.2 Issue Identifier Algorithm for the canonical issuer (prefix `c14n`).
    fn issue_canonical(&mut self, node: u32) {
        if self.canonical[node as usize] == NONE {
            self.canonical[node as usize] = self.issued;
            self.issued += 1;
        }
    }

    /// §4.4.3 step 4: issue canonical identifiers, in hash order, to the nodes whose first-degree hash is
    /// unique. Returns the other groups, for step 5.
    fn issue_unique_first_degree(&mut self) -> Vec<Vec<u32>> {
        let (unique, shared) = self.groups_by_first_hash();
        for node in unique {
            self.issue_canonical(node);
        }
        shared
    }

    /// §4.4.3 step 5: for each shared first-degree hash (in hash order), run Hash N-Degree Quads for each of its
    /// nodes with a temporary issuer, then issue canonical identifiers in the order of the resulting hashes.
    fn issue_n_degree(&mut self, shared: Vec<Vec<u32>>) -> Result<(), CanonError> {
        for nodes in shared {
            let mut results = Vec::new();
            for n in nodes {
                if self.canonical[n as usize] != NONE {
                    continue;
                }
                let temporary = Issuer { order: vec![n] };
                results.push(self.hash_n_degree(n, temporary)?);
            }
            results.sort_by_key(|r| r.0);
            for (_, issuer) in results {
                for &node in &issuer.order {
                    self.issue_canonical(node);
                }
            }
        }
        Ok(())
    }

    /// Spends one unit of the work budget.
    fn spend(&mut self) -> Result<(), CanonError> {
        self.work_left = self.work_left.checked_sub(1).ok_or(CanonError::WorkLimit)?;
        Ok(())
    }

    /// Appends `_:` and the identifier of `node` from the canonical issuer, else from `issuer`; `false` when
    /// neither has issued one.
    fn push_identifier(&self, out: &mut String, node: u32, issuer: &Issuer) -> bool {
        match (self.canonical[node as usize], issuer.get(node)) {
            (NONE, None) => false,
            (NONE, Some(b)) => {
                out.push_str("_:b");
                push_decimal(out, b as u64);
                true
            }
            (c, _) => {
                out.push_str("_:c14n");
                push_decimal(out, u64::from(c));
                true
            }
        }
    }

    /// §4.7.3 Hash Related Blank Node: position, predicate (unless `g`) and the related node's identifier
    /// (canonical, else temporary, else its first-degree hash), written into `input` (reused) and hashed.
    fn hash_related(&self, related: u32, line: &Line, issuer: &Issuer, position: u8, input: &mut String) -> Digest32 {
        input.clear();
        // Steps 1–3: the position, then the predicate between angle brackets.
        input.push(['s', 'o', 'g'][usize::from(position)]);
        if position != 2 {
            input.push('<');
            input.push_str(&raw_iri(&self.text[line.predicate.0 as usize..line.predicate.1 as usize]));
            input.push('>');
        }
        // Step 4: the identifier, else the first-degree hash.
        if !self.push_identifier(input, related, issuer) {
            push_hex(input, &self.first_hash[related as usize]);
        }
        Sha256::digest(input.as_bytes()).into()
    }

    /// §4.8.3 steps 1–3: the related blank nodes of `node` with their related hashes (Hn as one list), sorted
    /// by hash (code point order of the hex form), then by node.
    fn related_hashes(&self, node: u32, issuer: &Issuer) -> Vec<(Digest32, u32)> {
        let mut related = Vec::new();
        let mut input = String::with_capacity(128);
        for &l in self.lines_of(node as usize) {
            let line = &self.lines[l as usize];
            // Step 3.1: each component that is a blank node other than `node`.
            for hole in line.holes().iter().filter(|h| h.node != node) {
                related.push((self.hash_related(hole.node, line, issuer, hole.position, &mut input), hole.node));
            }
        }
        related.sort_unstable();
        related
    }

    /// §4.8.3 Hash N-Degree Quads: returns the hash and the issuer after the chosen paths (step 6).
    fn hash_n_degree(&mut self, node: u32, mut issuer: Issuer) -> Result<(Digest32, Issuer), CanonError> {
        self.spend()?;
        let related = self.related_hashes(node, &issuer);
        // Step 4: data to hash.
        let mut data_to_hash = Sha256::new();
        // Step 5: for each related hash, in code point order, with its blank node list (in node order: the
        // permutations are then tried in lexicographic order).
        for group in related.chunk_by(|a, b| a.0 == b.0) {
            // Step 5.1.
            data_to_hash.update(hex_bytes(&group[0].0));
            let mut chosen: Option<(String, Issuer)> = None;
            let mut perm: Vec<u32> = group.iter().map(|&(_, n)| n).collect();
            // Step 5.4: every permutation of the related blank nodes.
            loop {
                self.spend()?;
                if let Some(found) = self.try_permutation(&perm, &issuer, chosen.as_ref().map(|c| c.0.as_str()))? {
                    chosen = Some(found);
                }
                if !next_permutation(&mut perm) {
                    break;
                }
            }
            // Steps 5.5 and 5.6.
            let (path, chosen_issuer) = chosen.expect("at least one permutation is tried");
            data_to_hash.update(path.as_bytes());
            issuer = chosen_issuer;
        }
        Ok((data_to_hash.finalize().into(), issuer))
    }

    /// §4.8.3 steps 5.4.1–5.4.5 for one permutation: the path and issuer copy, or `None` when the path cannot
    /// beat `chosen` (steps 5.4.4.3 and 5.4.5.5 skip it).
    fn try_permutation(
        &mut self,
        perm: &[u32],
        issuer: &Issuer,
        chosen: Option<&str>,
    ) -> Result<Option<(String, Issuer)>, CanonError> {
        let worse = |path: &str| chosen.is_some_and(|c| path.len() >= c.len() && path > c);
        // Steps 5.4.1–5.4.3.
        let mut issuer_copy = issuer.clone();
        let mut path = String::with_capacity(16 * perm.len());
        let mut recursion = Vec::new();
        // Step 5.4.4.
        for &related in perm {
            if self.canonical[related as usize] == NONE {
                if issuer_copy.get(related).is_none() {
                    recursion.push(related);
                }
                issuer_copy.issue(related);
            }
            self.push_identifier(&mut path, related, &issuer_copy);
            if worse(&path) {
                return Ok(None);
            }
        }
        // Step 5.4.5.
        for related in recursion {
            let (hash, result_issuer) = self.hash_n_degree(related, issuer_copy.clone())?;
            path.push_str("_:b");
            push_decimal(&mut path, issuer_copy.issue(related) as u64);
            path.push('<');
            push_hex(&mut path, &hash);
            path.push('>');
            issuer_copy = result_issuer;
            if worse(&path) {
                return Ok(None);
            }
        }
        // Step 5.4.6.
        if chosen.is_none_or(|c| path.as_str() < c) { Ok(Some((path, issuer_copy))) } else { Ok(None) }
    }

    /// §4.4.3 step 6: every quad with canonical blank node labels, as sorted N-Quads lines, each given to `out`.
    fn serialize(&self, buffers: &mut Buffers, mut out: impl FnMut(&str)) {
        let mut labels = String::with_capacity(self.canonical.len() * 8);
        let mut label_end = Vec::with_capacity(self.canonical.len() + 1);
        label_end.push(0);
        for &c in &self.canonical {
            labels.push_str("c14n");
            push_decimal(&mut labels, u64::from(c));
            label_end.push(labels.len());
        }
        let (buffer, ranges) = (&mut buffers.text, &mut buffers.ranges);
        let label =
            |node: u32, o: &mut String| o.push_str(&labels[label_end[node as usize]..label_end[node as usize + 1]]);
        self.sorted_lines(buffer, ranges, 0..self.lines.len(), label);
        let mut last = None;
        for &Range { start, end, .. } in ranges.iter() {
            let line = &buffer[start as usize..end as usize];
            if last != Some(line) {
                out(line);
            }
            last = Some(line);
        }
    }

    /// Writes the given lines into `buffer`, blank nodes labelled by `label(node, buffer)`, and sets `ranges` to
    /// their byte ranges in `buffer`, sorted by the lines' code point order.
    fn sorted_lines(
        &self,
        buffer: &mut String,
        ranges: &mut Vec<Range>,
        lines: impl Iterator<Item = usize>,
        mut label: impl FnMut(u32, &mut String),
    ) {
        buffer.clear();
        ranges.clear();
        for l in lines {
            let line = &self.lines[l];
            let start = buffer.len();
            let mut cursor = line.start as usize;
            for hole in line.holes() {
                buffer.push_str(&self.text[cursor..hole.offset as usize]);
                label(hole.node, buffer);
                cursor = hole.offset as usize;
            }
            buffer.push_str(&self.text[cursor..line.end as usize]);
            ranges.push(Range::new(buffer.as_bytes(), start, buffer.len()));
        }
        sort_lines(buffer.as_bytes(), ranges);
    }
}

/// Sorts lines written in `bytes` in code point order (byte order: UTF-8 preserves it), most significant
/// 16 bytes first: by their keys ([`Range::prefix`]), then each run of lines with equal keys by the next
/// 16 bytes, and so on, so that lines with a long common beginning (same subject, same predicate namespace) are
/// told apart by integer comparisons rather than by comparing their bytes from the start again.
fn sort_lines(bytes: &[u8], ranges: &mut [Range]) {
    ranges.sort_unstable_by_key(|r| r.prefix);
    sort_runs(bytes, ranges, 0);
}

/// Runs shorter than this are sorted by comparing the rest of their bytes.
const SMALL_RUN: usize = 6;
/// Past this depth, runs are sorted by comparing the rest of their bytes (no deeper recursion).
const MAX_DEPTH: usize = 512;

/// Sorts each run of `ranges` (sorted by their keys, taken at `depth`) whose keys are equal by what follows.
fn sort_runs(bytes: &[u8], ranges: &mut [Range], depth: usize) {
    let mut start = 0;
    while start < ranges.len() {
        let key = ranges[start].prefix;
        let end = start + 1 + ranges[start + 1..].iter().take_while(|r| r.prefix == key).count();
        // Equal keys: the lines agree on their first `depth + 16` bytes, or are the same line (a shorter line's
        // key is zero-padded, and lines contain no NUL byte).
        let run = &mut ranges[start..end];
        let rest = depth + 16;
        if run.len() > 1 && run.iter().any(|r| r.len() > rest) {
            if run.len() < SMALL_RUN || rest > MAX_DEPTH {
                run.sort_unstable_by(|a, b| a.tail(bytes, rest).cmp(b.tail(bytes, rest)));
            } else {
                run.iter_mut().for_each(|r| r.prefix = Range::key(bytes, r.start as usize + rest, r.end as usize));
                run.sort_unstable_by_key(|r| r.prefix);
                sort_runs(bytes, run, rest);
            }
        }
        start = end;
    }
}

/// A line written into a buffer: its byte range, and 16 of its bytes (its first, then the ones [`sort_lines`]
/// is at) as a big-endian number (zero-padded) so that most comparisons of the sort need no memory comparison. Lines contain no NUL byte (N-Quads
/// escapes it), so the padding orders a shorter line first, as code point order does.
#[derive(Clone, Copy)]
struct Range {
    prefix: u128,
    start: u32,
    end: u32,
}

impl Range {
    fn new(buffer: &[u8], start: usize, end: usize) -> Range {
        Range { prefix: Range::key(buffer, start, end), start: start as u32, end: end as u32 }
    }

    /// The (up to) 16 bytes of `buffer[from..end]` as a big-endian number, zero-padded.
    fn key(buffer: &[u8], from: usize, end: usize) -> u128 {
        let mut head = [0u8; 16];
        let n = end.saturating_sub(from).min(16);
        head[..n].copy_from_slice(&buffer[from..from + n]);
        u128::from_be_bytes(head)
    }

    fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// The line's bytes from `skip` on.
    fn tail<'b>(&self, bytes: &'b [u8], skip: usize) -> &'b [u8] {
        &bytes[(self.start as usize + skip).min(self.end as usize)..self.end as usize]
    }
}

/// §4.2 blank node to quads map, as offsets and one list: the lines that mention each node (once per line).
fn node_to_lines(lines: &[Line], node_count: usize) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; node_count + 1];
    for line in lines {
        for n in distinct(line) {
            start[n + 1] += 1;
        }
    }
    for n in 0..node_count {
        start[n + 1] += start[n];
    }
    let mut fill = start.clone();
    let mut node_lines = vec![0u32; start[node_count] as usize];
    for (l, line) in lines.iter().enumerate() {
        for n in distinct(line) {
            node_lines[fill[n] as usize] = l as u32;
            fill[n] += 1;
        }
    }
    (start, node_lines)
}

/// A digest as two big-endian numbers, which order like its bytes.
fn digest_key(digest: &Digest32) -> (u128, u128) {
    let (high, low) = digest.split_at(16);
    (u128::from_be_bytes(high.try_into().expect("16 bytes")), u128::from_be_bytes(low.try_into().expect("16 bytes")))
}

/// The distinct blank nodes of a line.
fn distinct(line: &Line) -> impl Iterator<Item = usize> + '_ {
    let h = line.holes();
    (0..h.len()).filter(move |&i| !h[..i].iter().any(|p| p.node == h[i].node)).map(move |i| h[i].node as usize)
}

/// An IRI as written in N-Quads (between the angle brackets) back to the IRI itself: the writer escapes only
/// with `\uXXXX`, so undoing those gives the original text (§4.7.3 hashes the IRI, not its N-Quads form).
fn raw_iri(written: &str) -> Cow<'_, str> {
    if !written.contains('\\') {
        return Cow::Borrowed(written);
    }
    let mut out = String::with_capacity(written.len());
    let mut rest = written;
    while let Some(i) = rest.find("\\u") {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 2..i + 6).and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &rest[i + 6..];
            }
            None => {
                out.push_str("\\u");
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Lexicographic next permutation; `false` when `items` was the last one.
fn next_permutation(items: &mut [u32]) -> bool {
    let Some(i) = items.windows(2).rposition(|w| w[0] < w[1]) else {
        return false;
    };
    let j = items.iter().rposition(|&x| x > items[i]).expect("a larger element exists after i");
    items.swap(i, j);
    items[i + 1..].reverse();
    true
}

/// Lowercase hex SHA-256, the hash RDFC-1.0 uses by default (§4.1 "hash algorithm").
pub fn hex_sha256(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    out
}

/// The lowercase hex of a digest, as bytes.
fn hex_bytes(digest: &Digest32) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(digest) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 15)];
    }
    out
}

/// Appends the lowercase hex of `bytes`.
fn push_hex(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.chunks(32) {
        let mut digest = [0u8; 32];
        digest[..chunk.len()].copy_from_slice(chunk);
        let hex = hex_bytes(&digest);
        // Hex digits are ASCII.
        out.push_str(std::str::from_utf8(&hex[..2 * chunk.len()]).unwrap_or_default());
    }
}

#[cfg(test)]
#[path = "rdfc_tests.rs"]
mod tests;
