-- Pre-failover safety check: refuse to promote a candidate that is too far behind the failed
-- primary's last known WAL position, since the difference would be lost.
--
-- At pre_failover the coordinator has chosen the candidate: event.candidate is that standby
-- (not yet promoted) and event.candidateLSN the WAL it holds; event.failedLSN is the failed
-- primary's last known position. LSNs arrive as "X/Y" text.
--
-- Marked critical: if this check itself fails (a bug, a timeout), the failover is refused
-- rather than done unchecked. Drop {critical = true} if you prefer availability.
-- Enable: "LuaScripts": [".../prefailover_lag_veto.lua"].

local MAX_LAG_BYTES = 16 * 1024 * 1024

local function lsn_bytes(text)
  local high, low = text:match("^(%x+)/(%x+)$")
  if high == nil then error("not an LSN: " .. tostring(text)) end
  return tonumber(high, 16) * 4294967296 + tonumber(low, 16)
end

orc.on("pre_failover", function(event)
  if event.candidate == nil or event.failedLSN == nil or event.candidateLSN == nil then
    return nil -- nothing to compare: let the coordinator's own rules decide
  end
  local behind = lsn_bytes(event.failedLSN) - lsn_bytes(event.candidateLSN)
  if behind > MAX_LAG_BYTES then
    return { veto = string.format("candidate %s:%d is %d bytes behind the failed primary (limit %d)",
      event.candidate.host, event.candidate.port, behind, MAX_LAG_BYTES) }
  end
  return nil
end, { critical = true })
