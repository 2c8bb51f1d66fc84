-- expect: plugin.lua:2: error: attempt to call a nil value (field 'execute')
os.execute("touch /tmp/hearth-pwned")
