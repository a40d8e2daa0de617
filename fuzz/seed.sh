#!/bin/sh
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from samples/, samples/bad/,
# ../shared/standards/ and ../shared/tools/refverify/fixtures/, and — when a debug binary is there
# (target/debug/xtranscript, as after `cargo test`) — from a demo-key build of samples/ (signed credentials,
# JWTs, status lists). Run from the repository root: fuzz/seed.sh
set -eu
c=fuzz/corpus
targets="csv_tables pesc_xml case_json opensalt_csv verify_credential verify_file status_list rdfc pdf_text"
for t in $targets; do mkdir -p "$c/$t"; done
std=../shared/standards
rv=../shared/tools/refverify/fixtures

# csv_tables: `settings, NUL, table index byte, CSV` (see fuzz_targets/csv_tables.rs); a bad sample without
# its own institution.toml uses the samples' one.
i=0
for dir in samples samples/bad/*/; do
  [ -d "$dir" ] || continue
  settings="$dir/institution.toml"
  [ -f "$settings" ] || settings=samples/institution.toml
  n=0
  for t in learners terms courses course_records achievements awards alignments; do
    if [ -f "$dir/$t.csv" ]; then
      { cat "$settings"; printf '\000'; printf "\\$(printf %03o $n)"; cat "$dir/$t.csv"; } > "$c/csv_tables/seed-$i"
      i=$((i + 1))
    fi
    n=$((n + 1))
  done
done

copy() { # copy FILE TARGET: under a name made of its path
  [ -f "$1" ] && cp "$1" "$c/$2/$(echo "$1" | tr / _ | sed "s/^[._]*//")" || true
}
for f in samples/pesc/*.xml samples/bad/*.xml $std/pesc/samples/*.xml; do copy "$f" pesc_xml; done
for f in samples/frameworks/*.json samples/bad/*.json $std/case/frameworks/*.json; do copy "$f" case_json; done
for f in $std/case/frameworks/*.csv; do
  copy "$f" opensalt_csv
  # Its first rows too: the one OpenSALT export is 247 KB, which held the target to about 5 runs a second.
  for n in 3 10 40 200; do head -n $n "$f" > "$c/opensalt_csv/head-$n-$(basename "$f")"; done
done
for d in $std/1edtech $std/w3c/vc-di-eddsa $std/w3c/vc-data-model-2.0-test-suite $rv; do
  find "$d" -name '*.json' -size -64k 2>/dev/null | while read -r f; do
    copy "$f" verify_credential
    copy "$f" verify_file
  done
done
find $rv/status $std/1edtech -path '*list*' -name '*.json' -size -64k 2>/dev/null | while read -r f; do copy "$f" status_list; done

bin=target/debug/xtranscript
if [ -x "$bin" ]; then
  out=$(mktemp -d)
  "$bin" build samples --out "$out" --demo-key --securing both -q >/dev/null 2>&1 || true
  # The credential files, not the whole CLR (600 KB: it sets libFuzzer's -max_len and, in a --dev build,
  # takes over 10 s to verify, tripping -timeout).
  find "$out/learners/N2025001/credentials" -type f 2>/dev/null | head -8 | while read -r f; do copy "$f" verify_file; done
  for f in "$out"/status/*.json; do copy "$f" status_list; done
  rm -rf "$out"
fi
head -c 320 /dev/urandom > "$c/rdfc/seed-random"
# pdf_text: `name NEWLINE course title`, from the samples' learners (every script they hold) and courses.
title=$(tail -n +2 samples/courses.csv | head -1 | cut -d, -f4)
tail -n +2 samples/learners.csv | cut -d, -f2,3 | tr , ' ' | while read -r name; do
  printf '%s\n%s' "$name" "$title" > "$c/pdf_text/$(printf %s "$name" | cksum | cut -d' ' -f1)"
done
echo "seeded $(find $c -type f | wc -l) files under $c"
