// The built demo site in a real browser (Debian's Chromium through
// playwright-core): loading, the province map's links under the mouse
// and the keyboard, the search page, screenshots and axe-core.
// Usage: node pages.mjs BASE_URL ARTIFACT_DIR
//   BASE_URL      where tests/e2e/static-server.mjs serves the site
//   ARTIFACT_DIR  where the screenshots go (tests/artifacts/browser)
// Prints TAP lines (tap.mjs); exits 0 unless the browser could not run.
import fs from 'node:fs';
import { launch, watch, iconProblem } from './browser.mjs';
import { test } from './tap.mjs';
import { pageTypes } from './pagetypes.mjs';
import { axeViolations, describe, FAILING } from './a11y.mjs';
import { searchByUrl, searchByTyping, ranking } from './search.mjs';

const [base, artifacts] = process.argv.slice(2);
const PROVINCE = '/provinces/52/';          // Guizhou
const FUQUAN = '/counties/522702/';         // 福泉市
const BRAND = '/counties/522702/brand/';
const CAMPAIGN = '/campaigns/henan-qianzhan/';
const ELDERLY = /养老|老年|为老|适老/;     // a page about elderly care

const browser = await launch();

// A fresh page (own context: no cache or focus carried over) at a
// desktop size, with its problems recorded; closed after fn.
async function withPage(fn, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = watch(page);
  try {
    return await fn(page, problems);
  } finally {
    await context.close();
  }
}

const path = page => decodeURIComponent(new URL(page.url()).pathname);

// 1. The home page: no console errors, no failed requests.
await test('home page loads with no console errors and no failed requests', t =>
  withPage(async (page, problems) => {
    const r = await page.goto(base + '/', { waitUntil: 'networkidle' });
    if (r.status() !== 200) t.fail(`status ${r.status()}`);
    problems().forEach(t.fail);
    const icon = await iconProblem(page);
    if (icon) t.fail(icon);
  }));

// The province map is a document of its own, embedded by an <object>: its
// frame, and where the frame's top-left corner is on the page.
async function mapFrame(page) {
  const obj = page.locator('object.map');
  if (await obj.count() !== 1) throw new Error(`${await obj.count()} embedded maps on the page`);
  await obj.scrollIntoViewIfNeeded();
  const url = new URL(await obj.getAttribute('data'), page.url()).href;
  let frame;
  for (let i = 0; i < 50 && !frame; i++) {
    frame = page.frames().find(f => f.url() === url);
    if (!frame) await page.waitForTimeout(100);
  }
  if (!frame) throw new Error(`the map ${url} has no frame`);
  await frame.waitForSelector('svg.map');
  const at = await obj.evaluate(o => {
    const b = o.getBoundingClientRect();
    return { x: b.left + o.clientLeft, y: b.top + o.clientTop };
  });
  return { frame, at };
}

// 2. A click on 福泉市 in the Guizhou map opens the county's page.  The
// click goes where the county's shape really is under the pointer (its
// bounding box's centre may be another county or a station dot).
await test(`province map: a click on 福泉市 (${FUQUAN}) in ${PROVINCE} opens its page`, t =>
  withPage(async page => {
    await page.goto(base + PROVINCE);
    const { frame, at: o } = await mapFrame(page);
    const a = frame.locator(`svg.map a[href="${FUQUAN}"]`);
    if (await a.count() !== 1) throw new Error(`${await a.count()} map links to ${FUQUAN}`);
    const at = await a.evaluate(a => {
      const b = a.getBoundingClientRect();
      for (let i = 1; i < 20; i++)
        for (let j = 1; j < 20; j++) {
          const x = b.left + b.width * i / 20, y = b.top + b.height * j / 20;
          const hit = document.elementFromPoint(x, y);
          if (hit && hit.closest('a') === a) return { x, y };
        }
      return null;
    });
    if (!at) throw new Error('no point of the county shape is under the pointer');
    const x = o.x + at.x, y = o.y + at.y;
    await Promise.all([page.waitForURL(base + FUQUAN), page.mouse.click(x, y)]);
    const h1 = await page.textContent('h1');
    t.note(`clicked at (${x.toFixed(0)}, ${y.toFixed(0)}); now at ${path(page)}, h1 "${h1.trim()}"`);
    if (!h1.includes('福泉市')) t.fail(`the county page's h1 is "${h1.trim()}"`);
  }));

// 8. The keyboard reaches the map: Tab from the top of the province
// page until the focus is on an SVG <a> inside the embedded map; Enter
// follows it in the page, not in the map's frame.
await test(`keyboard: Tab reaches a county link inside the map of ${PROVINCE}, Enter opens it`, t =>
  withPage(async page => {
    await page.goto(base + PROVINCE);
    await mapFrame(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    let found = null, n;
    for (n = 1; n <= 400 && !found; n++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => {
        const o = document.activeElement;
        if (!o || o.localName !== 'object' || !o.classList.contains('map')) return null;
        const e = o.contentDocument && o.contentDocument.activeElement;
        return e && e.namespaceURI === 'http://www.w3.org/2000/svg' && e.localName === 'a' &&
          e.closest('svg.map') ? e.getAttribute('href') : null;
      });
    }
    if (!found) throw new Error(`no SVG <a> of the map got the focus in ${n - 1} presses of Tab`);
    t.note(`focus on the SVG <a href="${found}"> after ${n - 1} presses of Tab`);
    if (!found.startsWith('/counties/')) t.fail(`the focused map link is ${found}, not a county`);
    await Promise.all([page.waitForURL(u => u.pathname === found), page.keyboard.press('Enter')]);
    const h1 = await page.textContent('h1');
    if (!path(page).startsWith('/counties/')) t.fail(`Enter left the page at ${path(page)}`);
    t.note(`now at ${path(page)}, h1 "${h1.trim()}"`);
  }));

// 3. Search.  The ranking of each query is printed in the details.
await test(`search: /search/?q=福泉 lists ${BRAND}`, async t => {
  const hits = await withPage(page => searchByUrl(page, base, '福泉'));
  if (!hits.some(h => h.href === BRAND)) t.fail(`${BRAND} is not among the ${hits.length} results`);
  ranking(hits).forEach(t.note);
});
await test(`search: typing 福泉 into the box lists ${BRAND}`, async t => {
  const hits = await withPage(page => searchByTyping(page, base, '福泉'));
  if (!hits.some(h => h.href === BRAND)) t.fail(`${BRAND} is not among the ${hits.length} results`);
  ranking(hits).forEach(t.note);
});
await test('search: 社工站 finds pages', async t => {
  const hits = await withPage(page => searchByUrl(page, base, '社工站'));
  if (!hits.length) t.fail('no results');
  ranking(hits).forEach(t.note);
});
await test(`search: 千站暖万家 returns ${CAMPAIGN} first`, async t => {
  const hits = await withPage(page => searchByUrl(page, base, '千站暖万家'));
  if (hits[0]?.href !== CAMPAIGN) t.fail(`first result: ${hits[0] ? hits[0].href : 'none'}`);
  ranking(hits).forEach(t.note);
});
await test('search: 养老 returns a page about elderly care among the first three', async t => {
  const hits = await withPage(page => searchByUrl(page, base, '养老'));
  if (!hits.slice(0, 3).some(h => ELDERLY.test(h.title)))
    t.fail(`no title of the first three matches ${ELDERLY}`);
  ranking(hits).forEach(t.note);
});

// 4. Screenshots, whole page, phone and desktop widths.
fs.mkdirSync(artifacts, { recursive: true });
for (const [name, p] of [['home', '/'], ['province-52', PROVINCE]])
  for (const width of [375, 1280])
    await test(`screenshot: ${p} at ${width} px`, t =>
      withPage(async page => {
        const file = `${artifacts}/${name}-${width}.png`;
        fs.rmSync(file, { force: true });
        await page.goto(base + p, { waitUntil: 'networkidle' });
        await page.screenshot({ path: file, fullPage: true });
        const size = fs.statSync(file).size;
        const sw = await page.evaluate(() => document.documentElement.scrollWidth);
        t.note(`${file} (${size} bytes)`);
        if (sw > width) t.note(`the page is ${sw} px wide: it scrolls sideways at ${width} px`);
        if (size < 10000) t.fail(`the screenshot is only ${size} bytes`);
      }, { width, height: 800 }));

// 4b. Tables of files and checksums fit the page: at a desktop width and
// on a phone no column of the downloads is cut off or pushes the table
// wider than its box (the SHA-256 column wraps instead).
for (const p of ['/data/stations/', '/data/', '/data/v/'])
  for (const width of [375, 1280])
    await test(`layout: the file tables of ${p} fit at ${width} px`, t =>
      withPage(async page => {
        let url = base + p;
        if (p === '/data/v/') {
          await page.goto(base + '/data/stations/', { waitUntil: 'load' });
          url = base + await page.evaluate(() =>
            new URL(document.querySelector('a[href*="/data/v/"]').href).pathname.replace(/[^/]*$/, ''));
        }
        await page.goto(url, { waitUntil: 'load' });
        const over = await page.evaluate(() => [...document.querySelectorAll('.table-wrap')]
          .filter(w => w.querySelector('code.hash'))
          .map(w => ({ caption: w.querySelector('caption')?.textContent,
                       scroll: w.scrollWidth, box: w.clientWidth,
                       right: Math.max(...[...w.querySelectorAll('th, td')].map(c => c.getBoundingClientRect().right)) }))
          .filter(w => w.scroll > w.box + 1 || w.right > window.innerWidth + 1));
        const n = await page.evaluate(() => document.querySelectorAll('.table-wrap code.hash').length);
        if (n === 0) t.fail(`no table of checksums on ${url}`);
        for (const o of over)
          t.fail(`"${o.caption}" is ${o.scroll} px wide in a ${o.box} px box (cells end at ${Math.round(o.right)} px)`);
      }, { width, height: 800 }));

// The guide's code examples scroll inside their boxes: the page itself
// never scrolls sideways on a phone.
await test('layout: /data/guide/ does not scroll sideways at 375 px', t =>
  withPage(async page => {
    await page.goto(base + '/data/guide/', { waitUntil: 'load' });
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    if (sw > 375) t.fail(`the page is ${sw} px wide`);
    if (!await page.evaluate(() => document.querySelector('pre code')))
      t.fail('no code example on the page');
  }, { width: 375, height: 800 }));

// 5. axe-core on every page type, in one browser context (a context
// each costs time and changes nothing here).  The pages are static, so
// the load event is enough: every resource the page names has come in.
// What went wrong while each page loaded is kept for the test after.
const loadProblems = [];
const axeContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
for (const { type, path: p } of pageTypes)
  await test(`axe: ${type} ${p} has no serious or critical violations`, async t => {
    const page = await axeContext.newPage();
    const problems = watch(page);
    try {
      await page.goto(base + p, { waitUntil: 'load' });
      problems().forEach(m => loadProblems.push(`${type} ${p}: ${m}`));
      const vs = await axeViolations(page);
      for (const v of vs) {
        const lines = describe(v);
        if (FAILING.includes(v.impact)) lines.forEach(t.fail);
        else lines.forEach(t.note);
      }
      if (vs.length) t.name += ` (${vs.length} violation${vs.length > 1 ? 's' : ''}: ${vs.map(v => `${v.id} ${v.impact}`).join(', ')})`;
    } finally {
      await page.close();
    }
  });
await axeContext.close();

// Like the home page, every page type loads cleanly (icons aside).
await test('every page type loads with no console errors and no failed requests', t =>
  loadProblems.forEach(t.fail));

await browser.close();
