// hearth serve's in-page report of a failed build, in a real browser: a
// page of the (Chinese) mini site is open, its news item is broken on
// disk, and the banner must appear in the site's language with the
// diagnostic; mending the file reloads the page without it.
// Usage: node banner.mjs URL FILE (FILE: the news item to break).
import { readFileSync, writeFileSync } from 'node:fs';
import { launch } from './browser.mjs';
import { test } from './tap.mjs';

const [url, file] = process.argv.slice(2);
const good = readFileSync(file, 'utf8');
const browser = await launch();
try {
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
