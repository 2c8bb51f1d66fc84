// The search page (/search/, assets/search.js) seen from a browser: run
// a query through the URL or by typing into the box, then read the
// result list the script wrote into #results.

// Waits until #results says something about `q` (its first paragraph
// names the query, or says search is unavailable) and returns the hits
// in order: { href, title, kind }.
async function readResults(page, q) {
  await page.waitForFunction(q => {
    const p = document.querySelector('#results > p');
    return p && (p.textContent.includes(q) || p.textContent.startsWith('搜索暂时不可用'));
  }, q, { timeout: 10000 });
  const head = await page.textContent('#results > p');
  if (head.startsWith('搜索暂时不可用')) throw new Error(`search for ${q}: ${head}`);
  return page.$$eval('#results ol > li', lis => lis.map(li => {
    const a = li.querySelector('a');
    return { href: a.getAttribute('href'), title: a.textContent,
      kind: li.querySelector('.kind')?.textContent || '' };
  }));
}

// /search/?q=Q
export async function searchByUrl(page, base, q) {
  await page.goto(`${base}/search/?q=${encodeURIComponent(q)}`);
  return readResults(page, q);
}

// /search/, then the query typed key by key into the box.
export async function searchByTyping(page, base, q) {
  await page.goto(`${base}/search/`);
  await page.click('#q');
  await page.keyboard.type(q, { delay: 30 });
  return readResults(page, q);
}

// "1. title [kind] href" lines for the report.
export function ranking(hits) {
  return hits.map((h, i) => `${i + 1}. ${h.title} [${h.kind}] ${h.href}`);
}
