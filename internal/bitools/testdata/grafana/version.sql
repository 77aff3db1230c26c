-- source: grafana/grafana public/app/plugins/datasource/grafana-postgresql-datasource/postgresMetaQuery.ts (commit 12f912ab8d010f4d95a4043a0efaa20fc4ca0100)
-- what: getVersion (the configuration page's version probe)
SELECT current_setting('server_version_num')::int/100 as version
