// Expands /data/catalog.jsonld with a real JSON-LD processor (jsonld.js)
// and no network: the context is inline, so any fetch is a failure.
// Checks the catalog lists the datasets with checksummed, sized
// distributions and titles in both languages.
// Usage: node jsonld.mjs DATA_DIR
import fs from 'node:fs';
import jsonld from 'jsonld';

const doc = JSON.parse(fs.readFileSync(process.argv[2] + '/catalog.jsonld'));
const loader = url => { throw new Error('network needed for ' + url); };
const ex = await jsonld.expand(doc, { documentLoader: loader });
const DCAT = 'http://www.w3.org/ns/dcat#', DCT = 'http://purl.org/dc/terms/';
const cat = ex[0];
const ds = cat[DCAT + 'dataset'];
if (!ds || ds.length < 9) throw new Error('datasets: ' + (ds && ds.length));
const dist = ds.flatMap(d => d[DCAT + 'distribution'] || []);
if (!dist.length || !dist.every(d => d['http://spdx.org/rdf/terms#checksum'] && d[DCAT + 'byteSize'] && d[DCAT + 'downloadURL']))
  throw new Error('a distribution lacks its checksum, size or download URL');
const titles = cat[DCT + 'title'].map(t => t['@language'].toLowerCase()).sort().join();
if (titles !== 'en,zh-cn') throw new Error('catalog title languages: ' + titles);
console.log(`catalog: ${ds.length} datasets, ${dist.length} distributions`);
