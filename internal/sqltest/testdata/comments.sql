-- COMMENT ON tables, columns, views, sequences, indexes and schemas:
-- pg_description, obj_description / col_description, psql's \d+ and
-- \dt+ descriptions, transactional changes, removal, drops, errors.
create schema crm;
create table crm.client (id int primary key, name text);
create view crm.names as select name from crm.client;
create sequence crm.seq;
create index client_name on crm.client (name);
comment on table crm.client is 'Paying customers';
comment on column crm.client.name is 'Full name';
comment on view crm.names is 'Just names';
comment on sequence crm.seq is 'Numbers';
comment on index crm.client_name is 'By name';
comment on schema crm is 'Customer data';
select obj_description('crm.client'::regclass, 'pg_class'), col_description('crm.client'::regclass, 2),
  col_description('crm.client'::regclass, 1), obj_description('crm.names'::regclass);
select obj_description(oid, 'pg_namespace') from pg_namespace where nspname = 'crm';
select c.relname, d.objsubid, d.description from pg_description d join pg_class c on c.oid = d.objoid
  where d.classoid = 'pg_class'::regclass order by 1, 2;
\d+ crm.client
\dn+ crm
begin;
comment on table crm.client is 'changed';
rollback;
select obj_description('crm.client'::regclass, 'pg_class');
comment on table crm.client is null;
comment on column crm.client.name is '';
select obj_description('crm.client'::regclass, 'pg_class'), col_description('crm.client'::regclass, 2);
comment on table crm.nosuch is 'x';
comment on column crm.client.nosuch is 'x';
comment on schema nosuch is 'x';
drop view crm.names;
select count(*) from pg_description where description = 'Just names';
drop schema crm cascade;
select count(*) from pg_description where description in ('Customer data', 'Numbers', 'By name');
create table sp (a int);
begin;
comment on table sp is 'kept';
savepoint s1;
comment on table sp is 'undone';
comment on column sp.a is 'undone too';
rollback to savepoint s1;
commit;
select obj_description('sp'::regclass, 'pg_class'), col_description('sp'::regclass, 1);
