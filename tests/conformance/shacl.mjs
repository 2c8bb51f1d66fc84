// Validates a JSON-LD document against SHACL shapes in Turtle, as a third
// party would: jsonld.js turns the document into RDF (no inference), n3
// reads the shapes, rdf-validate-shacl judges.  Prints one line per
// violation (focus node, path, message) and exits 1 if any.
//   node shacl.mjs SHAPES.ttl DOCUMENT.jsonld
import fs from 'node:fs';
import jsonld from 'jsonld';
import N3 from 'n3';
import SHACLValidator from 'rdf-validate-shacl';

const [shapesFile, docFile] = process.argv.slice(2);
if (!shapesFile || !docFile) {
	console.error('usage: node shacl.mjs SHAPES.ttl DOCUMENT.jsonld');
	process.exit(2);
}

function parse(text, format, base) {
	const store = new N3.Store();
	store.addQuads(new N3.Parser({ format, baseIRI: base }).parse(text));
	return store;
}

const shapes = parse(fs.readFileSync(shapesFile, 'utf8'), 'text/turtle');
const doc = JSON.parse(fs.readFileSync(docFile, 'utf8'));
// A document must not fetch contexts from the network.
const nquads = await jsonld.toRDF(doc, {
	format: 'application/n-quads',
	documentLoader: (url) => { throw new Error(`remote context ${url}`); },
});
const data = parse(nquads, 'N-Quads');

const report = await new SHACLValidator(shapes).validate(data);
let n = 0;
for (const r of report.results) {
	const severity = r.severity ? r.severity.value.replace(/.*#/, '') : 'Violation';
	if (severity !== 'Violation') continue;
	n++;
	const msg = r.message.map((m) => m.value).join("; ") || `${r.sourceConstraintComponent?.value.replace(/.*#/, "")} ${r.sourceShape?.value ?? ""}`;
	console.log(`${r.focusNode?.value} ${r.path?.value ?? ''}: ${msg}`);
}
console.log(`${n} violations, ${data.size} triples`);
process.exit(n ? 1 : 0);
