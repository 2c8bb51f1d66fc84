function page(p, kind)
  if p.page then p.page.canonical = "javascript:alert(1)" end
  return p
end
