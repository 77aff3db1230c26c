-- Equalities that chain across relations (a.k = b.k, b.k = c.k) imply the
-- ones nobody wrote (a.k = c.k), which the join order may use (TPC-H
-- q05's customers of one region); the answers must not change, NULLs and
-- repeated keys included.
create table ea (id int primary key, k int, v text);
create table eb (id int primary key, k int, w int);
create table ec (k int primary key, name text);
create index ea_k on ea (k);
create index eb_k on eb (k);
insert into ea select g, case when g % 7 = 0 then null else g % 5 end, 'a' || g from generate_series(1, 200) g;
insert into eb select g, case when g % 11 = 0 then null else g % 4 end, g from generate_series(1, 150) g;
insert into ec values (0, 'zero'), (1, 'one'), (2, 'two'), (3, 'three'), (9, 'nine');
analyze ea; analyze eb; analyze ec;
select ec.name, count(*), sum(eb.w) from ea, eb, ec where ea.k = eb.k and eb.k = ec.k group by ec.name order by 1;
select count(*) from ea join eb on ea.k = eb.k join ec on ec.k = ea.k where ec.name <> 'one';
select ec.name, count(*) from ec, eb, ea where ec.k = eb.k and ea.k = eb.k and ea.id < 50 group by 1 order by 1;
-- A chain over four relations with a filter at one end.
select count(*), min(a1.id), max(a2.id) from ea a1, ea a2, eb, ec where a1.k = a2.k and a2.k = eb.k and eb.k = ec.k and ec.name = 'two';
-- Outer joins are not part of the class.
select count(*) from ea left join eb on ea.k = eb.k left join ec on eb.k = ec.k where ec.k is null;
drop table ea, eb, ec;
