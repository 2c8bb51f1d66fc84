// One page of every page type the demo site publishes (docs/cli.md,
// "Output layout"), as URL paths on the served site.  The accessibility
// (axe-core) and HTML validity (vnu) tests both check exactly these.

export const pageTypes = [
  ['home', '/'],
  ['news list', '/news/'],
  ['news item', '/news/guizhou-1094-stations/'],
  ['tags', '/tags/'],
  ['tag', '/tags/养老服务/'],
  ['provinces', '/provinces/'],
  ['province', '/provinces/52/'],
  ['county', '/counties/522702/'],
  ['brand', '/counties/522702/brand/'],
  ['stations', '/stations/'],
  ['station', '/stations/522702001/'],
  ['campaigns', '/campaigns/'],
  ['campaign', '/campaigns/henan-qianzhan/'],
  ['initiative', '/initiatives/tianjin-wushe/'],
  ['data', '/data/'],
  ['dataset', '/data/stations/'],
  ['data changes', '/data/changes/'],
  ['data guide', '/data/guide/'],
  ['search', '/search/'],
  // The static test server answers a missing path with a bare 404, so
  // the site's own 404 page is loaded by its file name.
  ['404', '/404.html'],
].map(([type, path]) => ({ type, path }));

// The file a URL path is written to, relative to the published folder.
export function fileOf(path) {
  return (path.endsWith('/') ? path + 'index.html' : path).slice(1);
}
