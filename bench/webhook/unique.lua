-- Worst case: every request carries 10 alerts the hub has never seen (each is stored, routed and
-- delivered: here to a sink that is not configured, so it is logged at a level that is switched off).
local tid = 0
function setup(thread) tid = tid + 1; thread:set("id", tid) end
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local alerts = {}
  for i = 0, 9 do
    alerts[#alerts + 1] = string.format('{"status":"firing","labels":{"alertname":"BenchUnique","severity":"warning","namespace":"bench-unique","instance":"t%d-%d-%d"},"annotations":{"summary":"unique bench alert"},"startsAt":"2026-11-22T23:10:05.911374093Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://127.0.0.1:19090/graph?g0.expr=up","fingerprint":""}', id, counter, i)
  end
  local body = '{"receiver":"bench","status":"firing","alerts":[' .. table.concat(alerts, ",") .. '],"version":"4","groupKey":"bench","truncatedAlerts":0}'
  return wrk.format(nil, nil, nil, body)
end
