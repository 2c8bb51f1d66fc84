// Reads every HTML page of a built site with a real HTML parser (parse5)
// and reports:
//  - internal links and resources that do not resolve to a written file;
//  - anything script-like that the site itself did not put there: <script>
//    elements other than the theme's own files and JSON-LD blocks (which
//    must parse as JSON), on* event attributes,
//    javascript: URLs, <iframe>/<embed>/<base>, and <object> other than
//    the theme's embedded maps (an SVG under BASE_PATH/maps/ that must
//    resolve and hold no script itself).
// Usage: node check-html.mjs PUBLIC_DIR [BASE_PATH]
// Prints one line per problem and exits 1 if there was any.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'parse5';

const root = process.argv[2];
const base = process.argv[3] || '/';
const problems = [];
let pages = 0, links = 0;
const embedded = new Set();     // map documents already read

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

function resolves(url) {
  let path = url.split('#')[0].split('?')[0];
  if (path === '') return true;           // same-page fragment
  if (!path.startsWith(base)) return false;
  path = decodeURIComponent(path.slice(base.length));
  if (path === '' || path.endsWith('/')) path += 'index.html';
  return existsSync(join(root, path)) && statSync(join(root, path)).isFile();
}

function visit(node, page) {
  if (node.tagName) {
    const tag = node.tagName;
    if (tag === 'script') {
      const attr = n => (node.attrs.find(a => a.name === n) || {}).value;
      const src = attr('src');
      if (attr('type') === 'application/ld+json' && !src) {
        // Structured data is allowed; it must be one JSON text.
        const text = node.childNodes.map(c => c.value || '').join('');
        try { JSON.parse(text); }
        catch (e) { problems.push(`${page}: JSON-LD does not parse: ${e.message}`); }
      } else if (!src || !src.startsWith(base + 'assets/'))
        problems.push(`${page}: <script> element ${src ? 'from ' + src : 'inline'}`);
    }
    if (tag === 'object') {
      const attr = n => (node.attrs.find(a => a.name === n) || {}).value;
      const data = attr('data') || '';
      links++;
      if (attr('type') !== 'image/svg+xml' || !/^[a-z0-9]+\.svg$/.test(data.slice((base + 'maps/').length)) ||
          !data.startsWith(base + 'maps/'))
        problems.push(`${page}: <object> element with data="${data}"`);
      else if (!resolves(data))
        problems.push(`${page}: broken link ${data}`);
      else if (!embedded.has(data)) {
        // The map document is read by the same rules as a page.
        embedded.add(data);
        visit(parse(readFileSync(join(root, data.slice(base.length)), 'utf8')), data);
      }
    }
    if (['iframe', 'embed', 'base', 'frame'].includes(tag))
      problems.push(`${page}: <${tag}> element`);
    for (const a of node.attrs || []) {
      if (/^on/i.test(a.name))
        problems.push(`${page}: event attribute ${a.name} on <${tag}>`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name)) {
        const v = a.value.trim();
        if (/^(javascript|vbscript|data):/i.test(v) && !(tag === 'img' && /^data:image\//i.test(v)))
          problems.push(`${page}: ${a.name}="${v}" on <${tag}>`);
        else if (!/^[a-z][a-z0-9+.-]*:/i.test(v) && !v.startsWith('//') &&
            (a.name === 'href' || a.name === 'src')) {
          links++;
          if (!resolves(v))
            problems.push(`${page}: broken link ${v}`);
        }
      }
    }
  }
  for (const c of node.childNodes || []) visit(c, page);
  if (node.content) visit(node.content, page);   // <template>
}

for (const file of walk(root)) {
  if (!file.endsWith('.html')) continue;
  pages++;
  visit(parse(readFileSync(file, 'utf8')), relative(root, file));
}
for (const p of problems) console.log(p);
console.log(`checked ${pages} pages, ${links} internal links, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
