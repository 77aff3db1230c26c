-- SELECT DISTINCT ON: the first row of each group in ORDER BY order.
create table w (id int primary key, city text, temp int, day date);
insert into w values (1, 'oslo', 3, '2024-01-01'), (2, 'oslo', 7, '2024-01-02'), (3, 'rome', 15, '2024-01-01'),
  (4, 'rome', 12, '2024-01-03'), (5, 'lima', 20, '2024-01-02'), (6, 'oslo', 7, '2024-01-04'), (7, null, 1, null);
select distinct on (city) city, temp, day from w order by city, day desc;
select distinct on (city) city, temp from w order by city, temp desc, id;
select distinct on (city) * from w order by city nulls first, id;
select distinct on (1) city, id from w order by 1, 2 desc;
select distinct on (city, temp) city, temp from w order by city, temp;
select distinct on (temp > 5) temp > 5 as warm, city from w order by temp > 5, city;
select distinct on (c) city as c, id from w order by c, id;
select count(*) from (select distinct on (city) city from w) s;
select distinct on (city) city, id from w order by city, id limit 2;
select distinct on (city) city, id from w order by id;
select distinct on (city) city, id from w order by city, id desc offset 1;
select distinct on (upper(city)) city from w order by upper(city), id desc;
select distinct on (nosuch) city from w;
select distinct on () city from w;
explain (costs off) select distinct on (city) city, temp from w order by city, temp;
select city, (select distinct on (w2.temp) w2.id from w w2 where w2.city = w.city order by w2.temp desc, w2.id) from w order by id;
