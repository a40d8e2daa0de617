#!/bin/sh
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from samples/, samples/bad/ and
# ../shared/standards/. Run from the repository root: fuzz/seed.sh
set -eu
c=fuzz/corpus
mkdir -p "$c/csv_tables" "$c/pesc_xml" "$c/case_json" "$c/opensalt_csv" "$c/verify_credential" "$c/rdfc"
i=0
for dir in samples samples/bad/*/; do
  [ -f "$dir/institution.toml" ] || continue
  n=0
  for t in learners terms courses course_records achievements awards alignments; do
    if [ -f "$dir/$t.csv" ]; then
      { cat "$dir/institution.toml"; printf '\000'; printf "\\$(printf %03o $n)"; cat "$dir/$t.csv"; } > "$c/csv_tables/seed-$i"
      i=$((i + 1))
    fi
    n=$((n + 1))
  done
done
std=../shared/standards
for f in samples/pesc/*.xml samples/bad/*.xml $std/pesc/samples/*.xml; do [ -f "$f" ] && cp "$f" "$c/pesc_xml/"; done
for f in samples/frameworks/*.json samples/bad/*.json $std/case/frameworks/*.json; do [ -f "$f" ] && cp "$f" "$c/case_json/"; done
for f in $std/case/frameworks/*.csv; do [ -f "$f" ] && cp "$f" "$c/opensalt_csv/"; done
for d in $std/1edtech $std/w3c/vc-di-eddsa $std/w3c/vc-data-model-2.0-test-suite; do
  find "$d" -name '*.json' -size -64k 2>/dev/null | while read -r f; do cp "$f" "$c/verify_credential/$(echo "$f" | tr / _)"; done
done
head -c 320 /dev/urandom > "$c/rdfc/seed-random"
echo "seeded $(find $c -type f | wc -l) files under $c"
