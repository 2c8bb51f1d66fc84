-- expect: plugin.lua:2: error: attempt to modify a read-only table
rawset(hearth.config, "title", "pwned")
