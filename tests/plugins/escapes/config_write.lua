-- expect: plugin.lua:2: error: attempt to modify a read-only table (field 'title')
hearth.config.title = "pwned"
