// hearth serve in a real browser, on the (Chinese) mini site.  An open
// news item's page, its file edited, reloads once with the edit in it:
// the page is made first and is the page then published, so the end of
// the build does not reload it again.  Then the in-page report of a
// failed build: the item is broken on disk, and the banner must appear in
// the site's language with the diagnostic; mending the file reloads the
// page without it.
// Usage: node banner.mjs URL FILE (FILE: the news item to edit and break).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { launch } from './browser.mjs';
import { test } from './tap.mjs';

const [url, file] = process.argv.slice(2);
const good = readFileSync(file, 'utf8');
const published = join(dirname(file), '..', '..', 'public', 'news', 'one',
  'index.html');
const sleep = ms => new Promise(r => setTimeout(r, ms));
const browser = await launch();
try {
  await test('serve-first: an edited item\'s open page reloads once, with the edit', async t => {
    const page = await browser.newPage();
    let loads = 0;
    await page.goto(url + 'news/one/');
    await page.waitForFunction(() => document.querySelector('script[data-gen]'));
    page.on('load', () => { loads++; });
    writeFileSync(file, good + '\n浏览器里先看到的一句话。\n');
    await page.waitForEvent('load', { timeout: 30000 });
    if (!(await page.textContent('main')).includes('浏览器里先看到的一句话'))
      t.fail('the reloaded page lacks the edit');
    // The build then publishes the page; a second load would come soon
    // after.
    for (let i = 0; i < 300 && !readFileSync(published, 'utf8').includes(
      '浏览器里先看到的一句话'); i++)
      await sleep(100);
    await sleep(1500);
    if (loads !== 1)
      t.fail(`the page loaded ${loads} times after the edit`);
    // A page names itself as its file is named: a tag's in Chinese, not
    // %-encoded.
    const tag = await browser.newPage();
    const asked = [];
    tag.on('request', r => {
      if (r.url().includes('/__hearth/events'))
        asked.push(new URL(r.url()).searchParams.get('page'));
    });
    await tag.goto(url + 'tags/' + encodeURIComponent('养老服务') + '/');
    for (let i = 0; i < 100 && asked.length === 0; i++)
      await sleep(50);
    if (asked[0] !== '/tags/养老服务/')
      t.fail(`a tag's page follows its events as ${JSON.stringify(asked)}`);
    await tag.close();
    writeFileSync(file, good);
    await page.waitForEvent('load', { timeout: 30000 });
    for (let i = 0; i < 300 && readFileSync(published, 'utf8').includes(
      '浏览器里先看到的一句话'); i++)
      await sleep(100);
    await page.close();
  });
  await test('serve-banner: a failed build is shown in the page, in the site\'s language', async t => {
    const page = await browser.newPage();
    await page.goto(url + 'news/one/');
    await page.waitForFunction(() => document.querySelector('script[data-gen]'));
    writeFileSync(file, good.replace(/^title: .*$/m, 'title: [坏'));
    const banner = await page.waitForSelector('pre[role=alert]', { timeout: 30000 });
    const text = await banner.textContent();
    if (!text.startsWith('hearth：上次生成失败，这里显示的是上次发布的网站。'))
      t.fail(`the banner does not speak the site's language: ${text.slice(0, 120)}`);
    if (!/content\/news\/one\.md:\d+:\d+: error:/.test(text))
      t.fail(`the banner does not show the diagnostic: ${text.slice(0, 300)}`);
    writeFileSync(file, good);
    await page.waitForEvent('load', { timeout: 30000 });
    if (await page.$('pre[role=alert]'))
      t.fail('the banner stays after the file is mended');
  });
} finally {
  writeFileSync(file, good);
  await browser.close();
}
