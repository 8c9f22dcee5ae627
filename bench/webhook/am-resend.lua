-- The peer's steady state: the same 10 firing alerts posted to Alertmanager's own POST /api/v2/alerts
-- (what Prometheus sends it), the counterpart of resend.lua.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local alerts = {}
for i = 0, 9 do
  alerts[#alerts + 1] = string.format('{"labels":{"alertname":"BenchAlert10","severity":"warning","namespace":"bench","deployment":"bench","instance":"bench-%d"},"annotations":{"summary":"bench alert","runbook_url":"https://runbooks.example.com/bench"},"startsAt":"2026-11-22T23:10:05.911374093Z","generatorURL":"http://127.0.0.1:19090/graph?g0.expr=up&g0.tab=1"}', i)
end
wrk.body = '[' .. table.concat(alerts, ",") .. ']'
