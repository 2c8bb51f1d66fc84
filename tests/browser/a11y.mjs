// axe-core, run inside the page in the browser, with its default rule
// set (WCAG 2.x A and AA and the best practices).  Every violation is
// reported; "serious" and "critical" ones fail the test.
import { createRequire } from 'node:module';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const FAILING = ['serious', 'critical'];

// The violations on the page loaded in `page`, as axe reports them.
export async function axeViolations(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations;
}

// One violation as lines: rule, impact, help, then every element it
// concerns (axe's CSS selector, the start of its HTML, and why).
export function describe(v) {
  const lines = [`[${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length > 1 ? 's' : ''}; ${v.helpUrl.replace(/\?.*/, '')})`];
  for (const n of v.nodes) {
    const html = n.html.replace(/\s+/g, ' ');
    lines.push(`  ${n.target.join(' >>> ')}: ${html.length > 160 ? html.slice(0, 160) + '…' : html}`);
    const why = (n.failureSummary || '').split('\n').map(s => s.trim()).filter(s => s && !/^Fix (any|all) of the following:$/.test(s));
    if (why.length) lines.push(`    ${why.join(' / ')}`);
  }
  return lines;
}
