function brand(c)
  return {
    note = hearth.render("news-card", { url = "javascript:alert(1)", title = "x" }),
    figures = { { label = "a", value = "1", unit = "个" } },
  }
end
