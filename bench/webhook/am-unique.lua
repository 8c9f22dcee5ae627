-- The peer's storm: every request 10 alerts Alertmanager has never seen, the counterpart of unique.lua.
local tid = 0
function setup(thread) tid = tid + 1; thread:set("id", tid) end
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local alerts = {}
  for i = 0, 9 do
    alerts[#alerts + 1] = string.format('{"labels":{"alertname":"BenchUnique","severity":"warning","namespace":"bench-unique","instance":"t%d-%d-%d"},"annotations":{"summary":"unique bench alert"},"startsAt":"2026-11-22T23:10:05.911374093Z","generatorURL":"http://127.0.0.1:19090/graph?g0.expr=up"}', id, counter, i)
  end
  return wrk.format(nil, nil, nil, '[' .. table.concat(alerts, ",") .. ']')
end
