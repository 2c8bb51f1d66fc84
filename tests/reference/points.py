#!/usr/bin/python3
"""For each province of hearth's reference: one ordinary county with a
polygon, a township of it and a point inside its polygon, as CSV lines
province,county,township,township_name,lon,lat (the point has 4 decimals
and is checked inside the polygon after rounding)."""
import csv
import json
import os
import sys

from shapely.geometry import Point, shape

ref = sys.argv[1]
towns = {}
with open(os.path.join(ref, 'divisions', 'townships.csv'), encoding='utf-8') as f:
    for row in csv.DictReader(f):
        towns.setdefault(row['county'], []).append(row)
with open(os.path.join(ref, 'divisions', 'provinces.csv'), encoding='utf-8') as f:
    provinces = [row['code'] for row in csv.DictReader(f)]
for p in provinces:
    with open(os.path.join(ref, 'boundaries', p + '.geojson'), encoding='utf-8') as f:
        features = json.load(f)['features']
    for ft in features:
        if ft['id'] not in towns:
            continue
        g = shape(ft['geometry'])
        c = g.representative_point()
        x, y = round(c.x, 4), round(c.y, 4)
        if not g.contains(Point(x, y)):
            continue
        t = towns[ft['id']][0]
        print('%s,%s,%s,%s,%.4f,%.4f' % (p, ft['id'], t['code'], t['name'], x, y))
        break
    else:
        sys.exit('province %s: no county with a polygon and townships' % p)
