-- x IN (SELECT y ...) in WHERE runs as a hash semi join: same rows as the subquery, NULLs included.
create table ia (id int, v text);
create table ib (x int, w text);
insert into ia values (1,'a'),(2,'b'),(null,'c'),(3,'d'),(3,'e');
insert into ib values (1,'p'),(1,'q'),(null,'r'),(3,'s'),(7,'t');
select * from ia where id in (select x from ib) order by id, v;
select * from ia where id in (select x from ib where w > 'p') and v <> 'e' order by v;
select * from ia where id in (select max(x) from ib group by w) order by v;
select * from ia where id in (select x::bigint from ib) order by v;
select * from ia where id::numeric in (select x from ib limit 2) order by v;
select * from ia where v in (select w from ib) order by v;
select * from ia where id not in (select x from ib where x is not null) order by v;
select count(*) from ia where id in (select x from ib) or v = 'c';
