// Search over the static index hearth writes under /search/ (see
// generator/out_search.c for the layout).  The query is cut into terms the
// way the index was: Chinese as overlapping two-character pairs, Latin and
// digits as lower-case words.  Only the index shards of those terms and
// the document chunks of the best hits are fetched.  No dependencies.
(function () {
  'use strict';

  var form = document.querySelector('.search-form');
  var input = document.getElementById('q');
  var out = document.getElementById('results');
  if (!form || !input || !out) return;
  var base = form.getAttribute('action');
  var meta = null;
  var cache = {};

  function get(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path).then(function (r) {
        if (!r.ok) throw new Error(path + ': ' + r.status);
        return r.json();
      });
    }
    return cache[path];
  }

  function cjk(c) {
    return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2fa1f);
  }

  function word(c) {
    return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  }

  function terms(q) {
    var cps = Array.from(q), out = [], i = 0;
    while (i < cps.length) {
      var c = cps[i].codePointAt(0);
      if (cjk(c)) {
        var run = [];
        while (i < cps.length && cjk(cps[i].codePointAt(0))) run.push(cps[i++]);
        if (run.length === 1) out.push(run[0]);
        for (var j = 0; j + 1 < run.length; j++) out.push(run[j] + run[j + 1]);
      } else if (word(c)) {
        var w = '';
        while (i < cps.length && word(cps[i].codePointAt(0))) w += cps[i++];
        out.push(w.toLowerCase().slice(0, 64));
      } else {
        i++;
      }
    }
    return out.filter(function (t, k) { return out.indexOf(t) === k; });
  }

  // FNV-1a over UTF-8, as the index was sharded.
  function fnv(s) {
    var bytes = new TextEncoder().encode(s), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 16777619) >>> 0;
    }
    return h >>> 0;
  }

  function postings(t) {
    var shard = fnv(t) & (meta.shards - 1);
    return get('terms/' + shard + '.json').then(function (idx) {
      // Documents as gaps from the previous one (out_search.c).
      var p = idx[t] || [], m = new Map(), doc = 0;
      for (var i = 0; i + 1 < p.length; i += 2) {
        doc += p[i];
        m.set(doc, p[i + 1]);
      }
      return m;
    });
  }

  function show(q, hits, docs) {
    out.textContent = '';
    var h = document.createElement('p');
    h.textContent = hits.length
      ? '“' + q + '”：找到 ' + hits.length + ' 条结果' + (hits.length > 20 ? '，显示前 20 条' : '')
      : '没有找到与“' + q + '”相关的内容。';
    out.appendChild(h);
    if (!hits.length) return;
    var ol = document.createElement('ol');
    hits.slice(0, 20).forEach(function (hit) {
      var d = docs[hit.doc];
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = d[1];
      a.textContent = d[0];
      li.appendChild(a);
      var k = document.createElement('span');
      k.className = 'kind';
      k.textContent = d[2];
      li.appendChild(k);
      if (d[3]) {
        var s = document.createElement('p');
        s.className = 'snippet';
        s.textContent = d[3];
        li.appendChild(s);
      }
      ol.appendChild(li);
    });
    out.appendChild(ol);
  }

  function run(q) {
    var ts = terms(q);
    if (!ts.length) { out.textContent = ''; return; }
    get('meta.json').then(function (m) {
      if (m.version !== 2) throw new Error('index version ' + m.version);
      meta = m;
      return Promise.all(ts.map(postings));
    }).then(function (lists) {
      // Every term must match; if nothing does, any term may.
      var all = new Map(), any = new Map();
      lists.forEach(function (l, i) {
        l.forEach(function (score, doc) {
          any.set(doc, (any.get(doc) || 0) + score);
          if (i === 0) all.set(doc, score);
        });
        if (i > 0) all.forEach(function (s, doc) {
          if (l.has(doc)) all.set(doc, s + l.get(doc)); else all.delete(doc);
        });
      });
      var pick = all.size ? all : any, hits = [];
      pick.forEach(function (score, doc) { hits.push({ doc: doc, score: score }); });
      hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      var chunks = {};
      hits.slice(0, 20).forEach(function (h) { chunks[Math.floor(h.doc / meta.chunk)] = 1; });
      return Promise.all(Object.keys(chunks).map(function (k) {
        return get('docs/' + k + '.json').then(function (list) {
          var o = {};
          list.forEach(function (d, i) { o[k * meta.chunk + i] = d; });
          return o;
        });
      })).then(function (parts) {
        show(q, hits, Object.assign.apply(null, [{}].concat(parts)));
      });
    }).catch(function (e) {
      out.textContent = '搜索暂时不可用（' + e.message + '）。请使用下方的分类浏览。';
    });
  }

  var timer;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value.trim()); }, 200);
  });
  var q = new URLSearchParams(location.search).get('q');
  if (q) {
    input.value = q;
    run(q.trim());
  }
})();
