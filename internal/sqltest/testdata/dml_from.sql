-- UPDATE ... FROM and DELETE ... USING (planner/dmlfrom.go)
create table acct (id int primary key, owner text, balance numeric not null);
create table tx (acct_id int, amount numeric, kind text);
create table owners (name text, vip bool);
insert into acct values (1, 'ann', 100), (2, 'bob', 50), (3, 'cy', 0), (4, 'dee', 10);
insert into tx values (1, 10, 'dep'), (2, -20, 'wd'), (2, 5, 'dep'), (9, 1, 'dep'), (null, 3, 'dep');
insert into owners values ('ann', true), ('bob', false), ('dee', true);
update acct set balance = balance + tx.amount from tx where tx.acct_id = acct.id and tx.kind = 'dep';
select * from acct order by id;
update acct a set balance = a.balance * 2 from owners o where o.name = a.owner and o.vip and a.id < 4 returning a.id, a.balance, o.*;
update acct a set balance = a.balance * 2 from owners o where o.name = a.owner and o.vip and a.id = 4 returning *;
update acct set owner = upper(owner) from owners where owners.name = acct.owner and not owners.vip;
select * from acct order by id;
-- several FROM items, a join inside the list, and no match
update acct set balance = 0 from tx join owners on owners.vip where tx.acct_id = acct.id and acct.owner = owners.name;
select * from acct order by id;
update acct set balance = 1 from tx where tx.acct_id = 42;
update acct set balance = -1 from tx where false;
-- the target must not appear in the list again; unknown names
update acct set balance = 1 from acct where acct.id = 1;
update acct set balance = 1 from nosuch where nosuch.x = acct.id;
update acct set balance = tx.nope from tx where tx.acct_id = acct.id;
-- NOT NULL still checked through FROM
update acct set balance = tx.amount from tx where tx.acct_id = acct.id and tx.acct_id is null;
update acct set balance = null from tx where tx.acct_id = acct.id;
-- IS DISTINCT FROM in SET is not a FROM list
update acct set owner = 'x' where owner is distinct from 'ann' and id = 3;
select * from acct order by id;
delete from tx using acct where acct.id = tx.acct_id and acct.balance = 0 returning tx.*;
select * from tx order by acct_id, amount;
delete from acct a using owners o, tx where o.name = a.owner and tx.acct_id = a.id;
delete from acct using (select 3 as id) s where s.id = acct.id returning *;
select * from acct order by id;
delete from acct using acct where true;
update acct set balance = 1 from tx, where tx.acct_id = acct.id;
update acct set balance = 1 from tx where tx.acct_id = acct.id returning nope;
