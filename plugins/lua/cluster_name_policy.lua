-- Cluster-name policy: gives every cluster an alias operators recognise.
--
--   1. the primary's cluster_name setting, when set (cluster_name = 'payments');
--   2. else a naming convention on the primary's host name: "pg-<name>-<n>..." gives <name>
--      (pg-payments-1.db.example.com -> payments);
--   3. else no opinion: ClusterNameToAlias / DetectClusterAliasQuery, if configured, apply.
--
-- The alias is what the API shows as ClusterAlias/SuggestedClusterAlias, what
-- /api/cluster/alias/<alias> resolves, and what RecoverMasterClusterFilters entries written
-- "alias=payments" match. Enable: "LuaScripts": [".../cluster_name_policy.lua"].

orc.on("cluster_name", function(event)
  if event.clusterNameSetting ~= nil and event.clusterNameSetting ~= "" then
    return { alias = event.clusterNameSetting }
  end
  local name = event.primary.host:match("^pg%-([%a][%w_]*)%-%d+")
  if name ~= nil then
    return { alias = name }
  end
  return nil
end)
