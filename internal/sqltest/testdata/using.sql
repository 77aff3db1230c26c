-- JOIN ... USING and NATURAL JOIN.
create table a (id int, x text, k int);
create table b (id int, y text, k int);
insert into a values (1, 'a1', 10), (2, 'a2', 20), (3, 'a3', 30);
insert into b values (1, 'b1', 10), (2, 'b2', 99), (4, 'b4', 40);
select * from a join b using (id) order by id;
select id, x, y from a left join b using (id) order by id;
select id, x, y from a right join b using (id) order by id;
select * from a natural join b order by 1;
select * from a join b using (id, k);
select a.id, b.id, id from a join b using (id) order by 1;
select count(*) from a join b using (nosuch);
select * from a join b using (id) join (select 1 as id, 'c' as z) c using (id);
select n.x from a n join b m using (id) where m.y = 'b2';
