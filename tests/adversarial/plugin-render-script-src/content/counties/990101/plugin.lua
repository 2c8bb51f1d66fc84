function brand(c)
  return {
    note = hearth.render("search", { script = "https://evil.example/x.js", index = "/search/" }),
  }
end
