-- Markup in every string a page shows.
local x = "<script>alert(1)</script>"
function page(p, kind)
  if kind == "news" and p.news then
    p.news.title = x
    p.news.summary = x .. "\"'><svg onload=alert(3)>"
    p.news.body = "<img src=x onerror=alert(2)>"
  end
  if p.page then
    p.page.title = x
    p.page.description = "\"><script>alert(4)</script>"
  end
  return p
end
