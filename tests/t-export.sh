#!/usr/bin/env bash
# The points view and `iovsim export`: varied parameters as columns
# (numbers as numbers, values with commas whole), CSV and JSON with every
# digit, -m and --scope, one-line errors. Prints TAP. Needs IOVSIM, sqlite3.
set -u
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"

"$IOVSIM" sweep "$SRC/scenarios/mm1.ini" -o a.db -q --reps 2 --vary queue.servers=1,2,10 \
    --vary 'queue.service=uniform(0.5s, 1.5s),exp(1s)' \
    --set scenario.duration=500s --set scenario.warmup=10s
ok $? "sweep"
cols=$(sqlite3 -header a.db "SELECT * FROM points LIMIT 0" ; sqlite3 a.db "PRAGMA table_info(points)" |
    cut -d'|' -f2 | tr '\n' ' ')
[ "$cols" = "scenario point queue.servers queue.service scope name unit n mean stddev ci95 " ]
ok $? "points: the varied parameters as columns ($cols)"
order=$(sqlite3 a.db "SELECT group_concat(s, ' ') FROM (SELECT DISTINCT \"queue.servers\" AS s
    FROM points ORDER BY \"queue.servers\")")
[ "$order" = "1.0 2.0 10.0" ]
ok $? "a numeric parameter is a number and sorts as one ($order)"
[ "$(sqlite3 a.db "SELECT count(*) FROM points WHERE \"queue.service\" = 'uniform(0.5s, 1.5s)'
    AND scope = 'all' AND name = 'sojourn_mean'")" = 3 ]
ok $? "a value with a comma arrives whole"
[ "$(sqlite3 a.db "SELECT count(*) FROM points WHERE scope = 'all'")" = \
  "$(sqlite3 a.db "SELECT count(*) FROM summary WHERE scope = 'all'")" ]
ok $? "one row per summary row"

# A later sweep that varies another key: the view gains its column.
"$IOVSIM" sweep "$SRC/scenarios/mm1.ini" -o a.db -q --reps 2 --vary queue.servers=1,2,10 \
    --vary 'queue.service=uniform(0.5s, 1.5s),exp(1s)' --vary queue.stations=1,2 \
    --set scenario.duration=500s --set scenario.warmup=10s --force
sqlite3 a.db "PRAGMA table_info(points)" | cut -d'|' -f2 | grep -qx queue.stations
ok $? "the view follows the data: a newly varied key becomes a column"

"$IOVSIM" export a.db -m sojourn_mean,wait_mean >a.csv 2>err.txt
ok $? "export runs ($(head -c 200 err.txt))"
head -1 a.csv | grep -qx 'scenario,point,queue.servers,queue.service,queue.stations,scope,name,unit,n,mean,stddev,ci95'
ok $? "CSV header: the points view's columns"
[ "$(($(wc -l <a.csv) - 1))" = "$(sqlite3 a.db "SELECT count(*) FROM points WHERE scope = 'all'
    AND name IN ('sojourn_mean', 'wait_mean')")" ]
ok $? "CSV: one line per row of the chosen metrics"
python3 -c 'import csv, sqlite3
con = sqlite3.connect("a.db")
want = {(r[0], r[1]): r[2] for r in con.execute(
    "SELECT point, name, mean FROM points WHERE scope = \"all\"")}
con.close()
rows = list(csv.DictReader(open("a.csv")))
assert rows and all(float(r["mean"]) == want[(r["point"], r["name"])] for r in rows)' 2>err.txt
ok $? "CSV keeps every digit: each mean reads back as the same double ($(head -c 200 err.txt))"
grep -qF '"queue.servers=1,queue.service=uniform(0.5s, 1.5s),queue.stations=1"' a.csv
ok $? "CSV quotes a field with commas"
"$IOVSIM" export a.db -f json -m sojourn_mean >a.json
python3 -c 'import json, sys
rows = json.load(open("a.json"))
assert len(rows) == 18, len(rows)  # 6 points, then 12 with stations
assert all(isinstance(r["queue.servers"], (int, float)) for r in rows)
assert rows[0]["name"] == "sojourn_mean" and rows[0]["ci95"] is not None' 2>err.txt
ok $? "JSON: valid, numbers as numbers ($(head -c 200 err.txt))"
"$IOVSIM" export a.db --scope station1 -m sojourn_mean | tail -n +2 | cut -d, -f8 | sort -u | grep -qx station1
ok $? "--scope picks the scope"
"$IOVSIM" export a.db -m nope >out.txt 2>err.txt
[ $? = 2 ] && [ "$(wc -l <err.txt)" = 1 ] && grep -q "unknown metric 'nope'" err.txt
ok $? "an unknown metric: one line, exit 2"
"$IOVSIM" export a.db -f xml >out.txt 2>err.txt
[ $? = 2 ] && grep -q "unknown format 'xml'" err.txt
ok $? "an unknown format: exit 2"
"$IOVSIM" export a.db >/dev/full 2>err.txt
[ $? = 1 ] && [ "$(wc -l <err.txt)" = 1 ]
ok $? "a full output: exit 1, one line"
echo "1..$n"
exit $((fails > 0))
