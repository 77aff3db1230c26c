-- SELECT ... FOR UPDATE / FOR SHARE in one session: results, the clauses'
-- errors, and the locks' interplay with UPDATE in the same transaction.
-- (Waits between sessions are in internal/isolationtest's
-- select_for_update.spec.)
create table q (id int primary key, state text, v int);
insert into q values (1, 'new', 10), (2, 'new', 20), (3, 'done', 30);
select * from q where id = 1 for update;
select id from q order by id desc for share;
select id from q where state = 'new' order by id limit 1 for update skip locked;
select id from q order by id for no key update nowait;
select id from q order by id for key share;
select v + 1 as w from q where id = 2 for update of q;
select * from q x where id = 2 for update of x;
select * from q for update of nosuch;
select count(*) from q for update;
select state from q group by state for update;
select distinct state from q for share;
select 1 for update;
begin;
select * from q where id = 1 for update;
update q set v = v + 1 where id = 1;
select * from q where id = 1 for share;
commit;
select * from q order by id;
