function page(p, kind)
  if p.site then p.site.base = "javascript:alert(1)//" end
  return p
end
