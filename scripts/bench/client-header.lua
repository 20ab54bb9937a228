-- wrk: every request carries X-Bench-Client with a new value (the sticky contender's client,
-- contenders.mjs), so that each connection's first request names a new client.
local n = 0
request = function()
  n = n + 1
  wrk.headers["X-Bench-Client"] = tostring(n)
  return wrk.format(nil, nil, nil, nil)
end
