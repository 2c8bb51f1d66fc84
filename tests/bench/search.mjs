#!/usr/bin/env node
// Search side by side: hearth's own index (/search/ in its output) and a
// Pagefind index of the same HTML, in headless Chromium, for a fixed set of
// queries. For each tool: the bytes the browser downloads to answer all
// the queries (each file counted once, as a browser cache would), and
// the first results of every query.
//
//   node tests/bench/search.mjs --site DIR --pagefind DIR [--out FILE]
//
//   --site      hearth's output (served at /)
//   --pagefind  Pagefind's bundle for that output (served at /pagefind/)
//   --out       where to write the per-query results as JSON
//
// Prints "query-kb <n> pagefind-query-kb <n>" on its last line.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '..', 'package.json'));
const { chromium } = require('playwright-core');

// County names, action and service words, the site's own terms, a
// station and a township, two-character words, digits and a Latin word.
const FIXED = ['社工站', '养老服务', '困境儿童', '留守儿童', '社会救助', '志愿者',
  '福泉市', '锦江区', '郑州', '贵州省', '河南省', '天津市', '重阳敬老活动', '幸福食堂',
  '社工', '服务', '儿童', '2023'];

function args() {
  const a = {};
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i += 2) a[v[i].replace(/^--/, '')] = v[i + 1];
  if (!a.site || !a.pagefind) {
    process.stderr.write('usage: search.mjs --site DIR --pagefind DIR [--out FILE]\n');
    process.exit(2);
  }
  return a;
}

// A station's and a township's name from the published data, so the set
// holds a proper name of the site.
function namesFrom(site) {
  const csv = fs.readFileSync(path.join(site, 'data', 'stations.csv'), 'utf8').split('\n');
  const head = csv[0].split(',');
  const row = csv[Math.floor(csv.length / 2)].split(',');
  const station = row[head.indexOf('name')];
  return [station, station.replace(/社工站$/, '')];
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json',
  '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };

function serve(site, pagefind) {
  const probe = '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>probe</title>';
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (url === '/__probe.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(probe);
      return;
    }
    let file = url.startsWith('/pagefind/') ? path.join(pagefind, url.slice(10)) : path.join(site, url);
    if (file.endsWith('/')) file += 'index.html';
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Count each URL under one of the prefixes once, with its body size.
function meter(page, prefixes) {
  const seen = new Map();
  page.on('response', async (r) => {
    const u = new URL(r.url()).pathname;
    if (!prefixes.some((p) => u.startsWith(p)) || seen.has(u)) return;
    seen.set(u, 0);
    try { seen.set(u, (await r.body()).length); } catch { /* navigated away */ }
  });
  return () => [...seen.values()].reduce((s, n) => s + n, 0);
}

async function hearth(browser, base, queries) {
  const page = await browser.newPage();
  const bytes = meter(page, ['/search/terms/', '/search/docs/', '/search/meta.json', '/assets/search.js']);
  const out = [];
  for (const q of queries) {
    await page.goto(`${base}/search/?q=${encodeURIComponent(q)}`);
    await page.waitForFunction(() => {
      const r = document.getElementById('results');
      return r && r.textContent.trim() !== '';
    }, null, { timeout: 30000 }).catch(() => {});
    await page.waitForLoadState('networkidle');
    out.push(await page.$$eval('#results li a', (as) => as.slice(0, 3).map((a) => a.textContent.trim())));
  }
  await page.waitForTimeout(200);
  await page.close();
  return { bytes: bytes(), results: out };
}

async function pagefind(browser, base, queries) {
  const page = await browser.newPage();
  const bytes = meter(page, ['/pagefind/']);
  await page.goto(`${base}/__probe.html`);
  const out = [];
  for (const q of queries) {
    out.push(await page.evaluate(async (query) => {
      const pf = await import('/pagefind/pagefind.js');
      await pf.init();
      const r = await pf.search(query);
      // What a results page shows first: the top ten, loaded.
      const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
      return data.slice(0, 3).map((d) => d.meta.title);
    }, q));
  }
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(200);
  await page.close();
  return { bytes: bytes(), results: out };
}

async function main() {
  const a = args();
  const queries = [...FIXED, ...namesFrom(a.site)];
  const server = await serve(a.site, a.pagefind);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'] });
  try {
    const h = await hearth(browser, base, queries);
    const p = await pagefind(browser, base, queries);
    if (a.out) {
      fs.writeFileSync(a.out, JSON.stringify(queries.map((q, i) => ({
        query: q, hearth: h.results[i], pagefind: p.results[i],
      })), null, 1) + '\n');
    }
    queries.forEach((q, i) => {
      process.stdout.write(`${q}\n  hearth:   ${h.results[i].join(' | ') || '(none)'}\n`
        + `  pagefind: ${p.results[i].join(' | ') || '(none)'}\n`);
    });
    process.stdout.write(`query-kb ${Math.round(h.bytes / 1024)} pagefind-query-kb ${Math.round(p.bytes / 1024)}\n`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => { process.stderr.write(`search.mjs: ${e.stack || e}\n`); process.exit(1); });
