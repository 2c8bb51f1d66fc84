local m = require("../../../../tmp/pwned")
