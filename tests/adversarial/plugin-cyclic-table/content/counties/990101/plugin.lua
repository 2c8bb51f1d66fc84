local t = {}; t.t = t; function page(p) p.custom = t; return p end
