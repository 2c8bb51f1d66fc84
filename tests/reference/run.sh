#!/bin/bash
# hearth's national reference (generator/reference/): the division tables
# are complete and consistent, every county polygon is a valid OGC simple
# feature (GEOS, through Debian's python3-shapely), every ordinary county
# has a polygon or is a listed gap, and the files stay a few MB.
. "$(dirname "$0")/../lib.sh"
ref=$ROOT/generator/reference
py=/usr/bin/python3

if ! $py -c 'import shapely' 2>/dev/null; then
	notok "reference: python3-shapely is installed (make test-deps)"
	exit 0
fi
if out=$($py "$ROOT/tests/reference/valid.py" "$ref/boundaries" 2>&1); then
	ok "reference: GEOS finds every county polygon valid ($(echo "$out" | tail -1))"
else
	notok "reference: county polygons are valid" "$out"
fi

rows() { echo $(($(grep -c '^' "$ref/divisions/$1.csv") - 1)); }
towns=$(awk -F, 'NR > 1 { n += $3 } END { print n }' "$ref/divisions/provinces.csv")
if [ "$(rows provinces)" = 31 ] && [ "$(rows prefectures)" = 342 ] &&
    [ "$(rows counties)" = 2978 ] && [ "$(rows townships)" = 41352 ] && [ "$towns" = 41352 ]; then
	ok "reference: 31 provinces, 342 prefectures, 2,978 counties, 41,352 townships (china-division 2.7.0)"
else
	notok "reference: division counts" "$(rows provinces) $(rows prefectures) $(rows counties) $(rows townships) $towns"
fi

# Every row's parent exists one level up and is a prefix of its code;
# each province's township count is the rows under it.
bad=$(awk -F, '
	FILENAME ~ /provinces/ && FNR > 1 { prov[$1] = $3 }
	FILENAME ~ /prefectures/ && FNR > 1 { pref[$1] = 1; if (!($3 in prov) || index($1, $3) != 1) print "prefecture " $1 }
	FILENAME ~ /counties/ && FNR > 1 { cty[$1] = 1; if (!($3 in pref) || index($1, $3) != 1 || ($5 != "county" && $5 != "zone")) print "county " $1 }
	FILENAME ~ /townships/ && FNR > 1 { if (!($3 in cty) || index($1, $3) != 1) print "township " $1; n[substr($1, 1, 2)]++ }
	END { for (p in prov) if (n[p] + 0 != prov[p]) print "province " p ": " n[p] + 0 " townships, provinces.csv says " prov[p] }' \
	"$ref/divisions/provinces.csv" "$ref/divisions/prefectures.csv" \
	"$ref/divisions/counties.csv" "$ref/divisions/townships.csv" | head)
if [ -z "$bad" ]; then
	ok "reference: every division sits under its parent; township counts agree"
else
	notok "reference: division parents" "$bad"
fi

# Counties with a polygon, zones and listed gaps add up to all counties.
ids=$(cat "$ref"/boundaries/[0-9][0-9].geojson | grep -o '"id":"[0-9]*"' | cut -d'"' -f4 | sort)
gaps=$(awk -F, '$3 == "no-polygon" { print $1 }' "$ref/boundaries/gaps.csv" | sort)
zones=$(awk -F, '$5 == "zone" { print $1 }' "$ref/divisions/counties.csv" | sort)
orphan=$(awk -F, 'NR > 1 && $5 == "county" { print $1 }' "$ref/divisions/counties.csv" | sort |
	comm -23 - <(printf '%s\n' $ids $gaps | sort))
if [ -z "$orphan" ] && [ -z "$(comm -12 <(echo "$ids") <(echo "$zones"))" ] &&
    [ "$(echo "$zones" | wc -l)" = 124 ] && [ "$(echo "$gaps" | wc -l)" -le 20 ] &&
    echo "$ids" | grep -qx 120119; then
	ok "reference: $(echo "$ids" | wc -l) counties drawn (蓟州区 among them), 124 functional zones, $(echo "$gaps" | wc -l) listed gaps"
else
	notok "reference: every ordinary county has a polygon or is a listed gap" "$orphan"
fi
# Renamed and re-coded counties are drawn under their current code.
if grep -qx '120225,120119,.*\|410322,410308,孟津县、吉利区合设孟津区' "$ref/boundaries/aliases.csv" &&
    echo "$ids" | grep -qx 410308 && echo "$ids" | grep -qx 520281; then
	ok "reference: the alias table records how renamed and merged counties got their polygon"
else
	notok "reference: aliases" "$(head -5 "$ref/boundaries/aliases.csv")"
fi
kb=$(du -sk --apparent-size "$ref/boundaries" "$ref/divisions" | awk '{ n += $1 } END { print n }')
if [ "$kb" -lt 8192 ]; then
	ok "reference: the national reference takes $((kb / 1024)) MB in the repository"
else
	notok "reference: a few MB" "$kb KB"
fi
