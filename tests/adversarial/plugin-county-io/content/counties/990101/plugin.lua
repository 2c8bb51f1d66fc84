io.open("/tmp/pwned", "w"):write("x")
