// HTML validity of one page of every page type (pagetypes.mjs) with the
// Nu HTML Checker (vnu.jar from the vnu-jar package, run by the system's
// java), in one run over all the files.  Errors fail a page; warnings
// and notes are listed under it.
// Usage: node vnu.mjs PUBLIC_DIR
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pageTypes, fileOf } from './pagetypes.mjs';
import { test } from './tap.mjs';

const pub = process.argv[2];
const jar = createRequire(import.meta.url)('vnu-jar').toString();

// The pages are copied under ASCII names (the tag page's path is
// Chinese, and java may not decode a non-ASCII file name in the C locale).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-vnu.'));
const copies = new Map();                   // copy path -> page type
for (const pt of pageTypes) {
  const src = path.join(pub, fileOf(pt.path));
  if (!fs.existsSync(src)) continue;
  const dst = path.join(tmp, pt.type.replace(/\W+/g, '-') + '.html');
  fs.copyFileSync(src, dst);
  copies.set(dst, pt);
}

const run = spawnSync('java', ['-jar', jar, '--format', 'json', '--stdout', ...copies.keys()],
  { encoding: 'utf8', maxBuffer: 64 << 20 });
fs.rmSync(tmp, { recursive: true, force: true });

let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  await test('vnu: the Nu HTML Checker runs', t =>
    t.fail(`java -jar ${jar}: exit ${run.status}\n${run.error || ''}${run.stdout}${run.stderr}`.trim()));
  process.exit(0);
}

// vnu names files as file: URLs.
const byFile = new Map();
for (const m of report.messages) {
  const f = m.url ? decodeURIComponent(new URL(m.url).pathname) : '';
  if (!byFile.has(f)) byFile.set(f, []);
  byFile.get(f).push(m);
}
const line = m => {
  const where = m.lastLine ? `${m.firstLine || m.lastLine}:${m.firstColumn ?? m.lastColumn}` : '-';
  const kind = m.type === 'info' ? m.subType || 'info' : m.type;
  const extract = m.extract ? `: «${m.extract.replace(/\s+/g, ' ').trim()}»` : '';
  return `${kind} at ${where}: ${m.message}${extract}`;
};

const unknown = [...byFile.keys()].filter(f => !copies.has(f));
for (const [file, { type, path: p }] of copies)
  await test(`vnu: ${type} ${p} has no HTML errors`, t => {
    const ms = byFile.get(file) || [];
    for (const m of ms) (m.type === 'info' ? t.note : t.fail)(line(m));
    const w = ms.filter(m => m.type === 'info').length;
    if (w) t.name += ` (${w} warning${w > 1 ? 's' : ''} or notes)`;
  });
for (const pt of pageTypes)
  if (![...copies.values()].includes(pt))
    await test(`vnu: ${pt.type} ${pt.path} has no HTML errors`, t => t.fail(`${fileOf(pt.path)} was not written`));
if (unknown.length)
  await test('vnu: no messages about anything else', t =>
    unknown.forEach(f => byFile.get(f).forEach(m => t.fail(line(m)))));
