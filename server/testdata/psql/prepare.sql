-- SQL-level PREPARE / EXECUTE / DEALLOCATE share the namespace of protocol statements.
prepare q1 (int, text) as select $1 + 1 as n, $2 || 'x' as s;
execute q1(41, 'a');
execute q1('2', 'b' || 'c');
execute q1(1);
prepare q1 as select 1;
deallocate q1;
execute q1(1, 'a');
prepare q2 as select $1::int * 2;
execute q2(21);
create table pt (a int, b text);
prepare ins (int, text) as insert into pt values ($1, $2);
execute ins(1, 'one');
execute ins(2, 'two');
select * from pt order by a;
deallocate all;
execute ins(3, 'x');
drop table pt;
