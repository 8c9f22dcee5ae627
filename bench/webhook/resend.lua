-- Alertmanager's steady state: the same group of 10 firing alerts re-sent every group_interval.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local alerts = {}
for i = 0, 9 do
  alerts[#alerts + 1] = string.format('{"status":"firing","labels":{"alertname":"BenchAlert10","severity":"warning","namespace":"bench","deployment":"bench","instance":"bench-%d"},"annotations":{"summary":"bench alert","runbook_url":"https://runbooks.example.com/bench"},"startsAt":"2026-11-22T23:10:05.911374093Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://127.0.0.1:19090/graph?g0.expr=up&g0.tab=1","fingerprint":""}', i)
end
wrk.body = '{"receiver":"bench","status":"firing","alerts":[' .. table.concat(alerts, ",") .. '],"groupLabels":{"alertname":"BenchAlert10"},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://127.0.0.1:19093","version":"4","groupKey":"{}:{alertname=\\"BenchAlert10\\"}","truncatedAlerts":0}'
