-- source: metabase/metabase src/metabase/driver/postgres.clj (commit 008fd6675457cdd62da2265628bed3b725a607ea)
-- what: db-default-timezone
show timezone;
