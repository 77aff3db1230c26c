-- Schema and queries for TestExplainStructure (explain_test.go): each
-- query after the blank line is explained on nqdb and PostgreSQL.
create table region (r_id int primary key, r_name text);
create table nation (n_id int primary key, n_name text, n_region int);
create table cust (c_id int primary key, c_name text, c_nation int, c_bal numeric);
create table sales (region text, amount numeric);
insert into sales values ('e', 1), ('w', 2), (null, 3);
create index cust_nation on cust (c_nation);
insert into region select g, 'r' || g from generate_series(1, 5) g;
insert into nation select g, 'n' || g, g % 5 + 1 from generate_series(1, 25) g;
insert into cust select g, 'c' || g, g % 25 + 1, g * 1.5 from generate_series(1, 2000) g;

select * from cust where c_id = 7
select count(*) from cust where c_bal > 100
select n_name, count(*) from cust join nation on c_nation = n_id group by n_name order by 2 desc, 1 limit 5
select r_name, sum(c_bal) from region, nation, cust where r_id = n_region and n_id = c_nation and r_name = 'r1' group by r_name
select c_name from cust where c_nation = 3 order by c_name
select n_name from nation left join cust on c_nation = n_id and c_bal < 0 where c_id is null order by 1
select c_name from cust c where exists (select 1 from nation n where n.n_id = c.c_nation and n.n_name = 'n4') order by 1
select c_name from cust where c_bal > (select avg(c_bal) from cust) order by c_id limit 3
select distinct n_region from nation order by 1
select r_id from region union select n_region from nation order by 1
select 1 + 1
select region, count(*) from sales group by rollup (region)
