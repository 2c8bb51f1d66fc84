shortcodes = { x = function(args, page) return "x" end }
