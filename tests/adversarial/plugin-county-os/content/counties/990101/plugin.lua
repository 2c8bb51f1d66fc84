-- Only os.time, os.date and os.clock are there.
local t = os.time()
os.execute("touch /tmp/pwned")
