#!/usr/bin/python3
"""Check county polygons with GEOS (shapely): every feature of every
<province>.geojson under DIR (hearth's reference), or of the GeoJSON FILE
given (a published counties.geojson), is a valid OGC Polygon or
MultiPolygon (no self-intersection, no touching ring) with its exterior
rings counter-clockwise (RFC 7946); in the reference, its id is a county
of that province.  Prints one line per problem and a summary; exits 1 on
any problem."""
import csv
import glob
import json
import os
import sys

from shapely.geometry import shape
from shapely.validation import explain_validity


def main(folder):
    known = None
    paths = [folder]
    if os.path.isdir(folder):
        counties = os.path.join(folder, '..', 'divisions', 'counties.csv')
        with open(counties, encoding='utf-8') as f:
            known = {row['code'] for row in csv.DictReader(f)}
        paths = sorted(glob.glob(os.path.join(folder, '[0-9][0-9].geojson')))
    bad = n = 0
    for path in paths:
        province = os.path.basename(path)[:2]
        with open(path, encoding='utf-8') as f:
            features = json.load(f)['features']
        for ft in features:
            if ft['geometry'] is None and known is None:
                continue    # a published county without a polygon
            n += 1
            g = shape(ft['geometry'])
            problems = []
            if g.geom_type not in ('Polygon', 'MultiPolygon'):
                problems.append(g.geom_type)
            elif not g.is_valid:
                problems.append(explain_validity(g))
            else:
                for p in getattr(g, 'geoms', [g]):
                    if not p.exterior.is_ccw:
                        problems.append('exterior ring is clockwise')
            if known is not None and (ft.get('id') not in known or
                                      not ft['id'].startswith(province)):
                problems.append('not a county of province ' + province)
            if problems:
                bad += 1
                print('%s: %s: %s' % (path, ft.get('id'), '; '.join(problems)))
    print('%d features, %d invalid' % (n, bad))
    return 1 if bad or n == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
