function brand(c)
  return { lead = " jAvAsCrIpT:alert(1)" }
end
