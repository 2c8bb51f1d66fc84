shortcodes = {
  img = function(args, page) return "<img src=x onerror=alert(3)>" end,
  md = function(args, page)
    return hearth.markdown("[a](javascript:alert(4)) <script>alert(5)</script>")
  end,
  arg = function(args, page) return args.x end,
}
