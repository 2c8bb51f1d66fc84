function page(p, kind)
  p.nav = { { title = "首页", url = "javascript:alert(1)" } }
  p.breadcrumbs = { { title = "x", url = "javascript:alert(2)" } }
  return p
end
