// The outputs of a built site that tests/e2e/check-html.mjs does not read,
// checked for what hostile content could have turned into markup or broken
// data:
//  - every file is a regular file (no symbolic link in the output) and every
//    text file is valid UTF-8;
//  - .json, .jsonld and .geojson files parse as JSON;
//  - SVG files (maps, charts) hold no <script>, <foreignObject>, <iframe>,
//    on* event attribute or javascript:/data: link, read with a real HTML
//    parser (parse5 builds SVG elements as a browser does);
//  - Atom feeds: the HTML carried in <content type="html"> and
//    <summary type="html"> is unescaped and checked like a page, and links
//    of the feed itself are not javascript: URLs.
// The tree is walked without recursion, so pathologically deep documents
// (50,000 nested blockquotes) do not overflow the stack.
// Usage: node check-output.mjs PUBLIC_DIR
// Prints one line per problem and exits 1 if there was any.
import { readFileSync, readdirSync, lstatSync } from 'node:fs';
import { join, relative, extname } from 'node:path';
import { parse } from 'parse5';

const root = process.argv[2];
const problems = [];
const text = new Set(['.html', '.xml', '.svg', '.json', '.jsonld', '.geojson',
  '.csv', '.txt', '.css', '.js', '.md']);
const utf8 = new TextDecoder('utf-8', { fatal: true });
let files = 0;

function* walk(dir) {
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) problems.push(`${relative(root, p)}: symbolic link in the output`);
      else if (st.isDirectory()) stack.push(p);
      else if (!st.isFile()) problems.push(`${relative(root, p)}: not a regular file`);
      else yield p;
    }
  }
}

const badURL = v => /^\s*(javascript|vbscript|data):/i.test(v.replace(/[\u0000-\u0020]/g, ''))
  && !/^\s*data:image\//i.test(v);

// Look through a parse5 tree (iteratively) for anything script-like.
function inspect(doc, where) {
  const stack = [doc];
  while (stack.length) {
    const node = stack.pop();
    if (node.tagName) {
      const tag = node.tagName.toLowerCase();
      if (['script', 'iframe', 'object', 'embed', 'base', 'frame', 'foreignobject'].includes(tag))
        problems.push(`${where}: <${tag}> element`);
      for (const a of node.attrs || []) {
        if (/^on/i.test(a.name))
          problems.push(`${where}: event attribute ${a.name} on <${tag}>`);
        if (/(^|:)(href|src|action|formaction)$/i.test(a.name) && badURL(a.value))
          problems.push(`${where}: ${a.name}="${a.value}" on <${tag}>`);
      }
    }
    for (const c of node.childNodes || []) stack.push(c);
    if (node.content) stack.push(node.content);
  }
}

// XML text content back to its characters (the five entities and numeric
// references are all an XML writer uses).
function unxml(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|lt|gt|amp|quot|apos);/gi, (m, e) => {
    if (e[0] === '#')
      return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ?
        parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e.toLowerCase()];
  });
}

for (const file of walk(root)) {
  const rel = relative(root, file);
  const ext = extname(file).toLowerCase();
  files++;
  if (!text.has(ext)) continue;
  let s;
  try { s = utf8.decode(readFileSync(file)); }
  catch { problems.push(`${rel}: not valid UTF-8`); continue; }
  if (['.json', '.jsonld', '.geojson'].includes(ext)) {
    try { JSON.parse(s); }
    catch (e) { problems.push(`${rel}: does not parse as JSON: ${e.message}`); }
  } else if (ext === '.svg') {
    inspect(parse('<!DOCTYPE html><body>' + s.replace(/^<\?xml[^>]*>/, '')), rel);
  } else if (ext === '.xml') {
    const re = /<(content|summary)\b[^>]*type="html"[^>]*>([\s\S]*?)<\/\1>/g;
    let m;
    while ((m = re.exec(s)) !== null)
      inspect(parse('<!DOCTYPE html><body>' + unxml(m[2])), `${rel} <${m[1]}>`);
    for (const l of s.matchAll(/\bhref="([^"]*)"/g))
      if (badURL(unxml(l[1])))
        problems.push(`${rel}: link href="${l[1]}"`);
  }
}
for (const p of problems) console.log(p);
console.log(`checked ${files} files, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
