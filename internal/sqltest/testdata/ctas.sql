-- CREATE TABLE ... AS query [WITH [NO] DATA]
create table src (id int primary key, name varchar(10), amount numeric(8,2), at date);
insert into src values (1, 'a', 1.50, '2024-01-02'), (2, 'b', null, '2024-02-03'), (3, 'c', 7, null);
create table t1 as select * from src where id < 3;
select * from t1 order by id;
\d t1
create table t2 (x, y) as select id * 2, upper(name) from src order by id;
select * from t2 order by x;
create table t3 as select id, 'lit' as l, 1.5 as n from src with no data;
select count(*) from t3;
\d t3
create table if not exists t3 as select 1;
create table t4 as (select name, count(*) from src group by name) with data;
select * from t4 order by name;
create table t5 (a, b, c) as select 1, 2;
create table t6 as select * from nosuch;
create table t1 as select 1;
begin;
create table t7 as select id from src;
rollback;
select * from t7;
create table t8 as select s.id, t1.name from src s join t1 on s.id = t1.id;
select * from t8 order by id;
