-- source: DBeaver's PostgreSQL navigator as captured from its traffic in other projects' DBeaver tests (the text was not located in dbeaver/dbeaver's stored source; unverified)
-- what: the default schema and user read on every connection
SELECT current_schema(),session_user
