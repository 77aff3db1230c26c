-- Index range scans: ranges, BETWEEN, IN lists, LIKE prefixes over the
-- primary key and secondary indexes, NULLs, descending ORDER BY ... LIMIT
-- read in key order, mixed types (the key must not be used where it
-- cannot follow the comparison) and parameters through PREPARE/EXECUTE.
create table r (id int primary key, k int, c text, v varchar(10), n numeric);
create index r_k on r (k);
create index r_c on r (c);
create index r_v on r (v);
create index r_n on r (n);
create index r_kc on r (k, c);
COPY r FROM stdin;
1	1		v1	4.48
2	2	abc	v2	1.51
3	3	banana3	v3	3.21
4	4	band	v4	-1.34
5	5	apricot	v0	4.1
6	6	ch%rry6	v1	-4.63
7	7	abd	v2	-0.82
8	8	c_t	v3	-4.09
9	0	abd9	v4	-4.41
10	1	band	v0	4.47
11	\N	apricot	v1	0.77
12	3	abc12	v2	-4.5
13	4	\N	v3	-2.79
14	5	bandana	v4	-2.1
15	6	bandana15	v0	0.41
16	7	Zed	v1	0.6
17	8	cherry	\N	-3.97
18	0	ch%rry18	v3	-1.28
19	1	banana	v4	\N
20	2	apricot	v0	1.19
21	3	éa21	v1	1.8
22	\N	abd	v2	2.77
23	5	é1	v3	0.86
24	6	é124	v4	-1.38
25	7	c_t	v0	2.94
26	8	\N	v1	1.99
27	0	c_t27	v2	-4.18
28	1	Zed	v3	0.25
29	2		v4	2.29
30	3	Zed30	v0	1.09
31	4	banana	v1	-3.82
32	5	abd	v2	-3.35
33	\N	33	v3	-3.48
34	7	éa	\N	-0.78
35	8	banana	v0	2.65
36	0	36	v1	-1.6
37	1	ab	v2	0.94
38	2	é1	v3	\N
39	3	\N	v4	-4.31
40	4	banana	v0	4.45
41	5	éa	v1	1.97
42	6	banana42	v2	-4.39
43	7	Zed	v3	1.47
44	\N	é1	v4	-2.15
45	0	abc45	v0	3.87
46	1	ab	v1	-4.77
47	2	é1	v2	-1.45
48	3	band48	v3	-0.06
49	4	ch%rry	v4	2.68
50	5	bandana	v0	2.38
51	6	abc51	\N	-1.09
52	7	\N	v2	3.71
53	8	banana	v3	-3.34
54	0	abc54	v4	0.49
55	\N	bandana	v0	3.19
56	2	zeta	v1	2.06
57	3	ab57	v2	\N
58	4	abc	v3	4.58
59	5	bandana	v4	-4.17
60	6	bandana60	v0	-2.68
61	7	c_t	v1	-4.88
62	8	cherry	v2	-2.37
63	0	apple63	v3	-3.54
64	1	ab	v4	1.1
65	2	\N	v0	-1.81
66	\N	bandana66	v1	1.9
67	4	日本	v2	4.5
68	5	apricot	\N	-0.43
69	6	abc69	v4	-1.02
70	7	abc	v0	-3.96
71	8	abc	v1	-4.38
72	0	banana72	v2	4.85
73	1	é1	v3	-3.38
74	2		v4	1.01
75	3	band75	v0	-5.0
76	4	bandana	v1	\N
77	\N	band	v2	4.49
78	6	\N	v3	1.14
79	7	banana	v4	3.74
80	8	abc	v0	-3.51
81	0	zeta81	v1	4.55
82	1	ab	v2	-0.26
83	2	band	v3	3.49
84	3	é184	v4	-0.2
85	4	Zed	\N	-4.14
86	5	band	v1	2.5
87	6	zeta87	v2	-0.21
88	\N	cherry	v3	0.16
89	8	ch%rry	v4	4.51
90	0	日本90	v0	-1.38
91	1	\N	v1	1.9
92	2	apple	v2	2.58
93	3	Zed93	v3	4.79
94	4	banana	v4	1.96
95	5	zeta	v0	\N
96	6	日本96	v1	-1.33
97	7	cherry	v2	-1.44
98	8	c_t	v3	0.33
99	\N	日本99	v4	-1.7
100	1	c_t	v0	1.13
101	2	ch%rry	v1	3.06
102	3	abc102	\N	2.4
103	4	c_t	v3	-3.0
104	5	\N	v4	-0.07
105	6	apple105	v0	4.9
106	7	zeta	v1	-0.28
107	8	ch%rry	v2	1.93
108	0	ab108	v3	-0.53
109	1	ab	v4	4.55
110	\N	ab	v0	-4.19
111	3	band111	v1	-2.73
112	4	ch%rry	v2	-1.62
113	5	éa	v3	1.24
114	6	apple114	v4	\N
115	7	éa	v0	4.09
116	8	ab	v1	3.0
117	0	\N	v2	-4.15
118	1	band	v3	4.1
119	2	ch%rry	\N	-0.22
120	3	cherry120	v0	-0.66
\.
-- primary key ranges
select id from r where id between 5 and 9 order by id;
select id from r where id > 115 order by id;
select id from r where id >= 115 order by id;
select id from r where id < 3 order by id;
select id from r where id <= 3 order by id;
select id from r where 3 > id order by id;
select id from r where id > 5 and id > 7 and id < 12 and id <= 10 order by id;
select id from r where id between 9 and 5;
select id from r where id > null;
select id from r where id between 1 and null;
select id from r where id in (3, 1, 3, null, 7, 500) order by id;
select id from r where id in (null, null);
select id from r where id not in (1, 2) and id < 5 order by id;
select id from r where id between 3 and 6 or id = 100 order by id;
-- mixed types: int4 key against int8, int2, numeric and float8 values
select id from r where id < 3000000000 and id > 118 order by id;
select id from r where id > -3000000000 and id < 3 order by id;
select id from r where id = 4::int8;
select id from r where id < 3::int2 order by id;
select id from r where id > 2.5 and id < 5 order by id;
select id from r where id in (2.0, 3.5, 4) order by id;
select id from r where id = 4.0;
select id from r where id < 2.5::float8 order by id;
select id from r where id::int8 between 10 and 12 order by id;
-- secondary index ranges with NULLs and duplicates
select id, k from r where k = 3 order by id;
select id, k from r where k > 6 order by k, id;
select id, k from r where k < 2 order by k, id;
select id, k from r where k between 2 and 3 order by k, id;
select id, k from r where k in (0, 8, null) order by k, id;
select id, k from r where k is null order by id;
select id, k from r where k = 2 and id between 20 and 60 order by id;
select id, k from r where k in (1, 2) and id < 30 order by id;
select count(*) from r where k >= 0;
select count(*) from r where k < 100;
-- numeric index: int and numeric values
select id, n from r where n > 4 order by n, id;
select id, n from r where n between -1 and 1 order by n, id;
select id, n from r where n < -4.5 order by n, id;
select id, n from r where n = 1.51 order by id;
select id, n from r where n >= 4.480 order by n, id;
-- text and varchar, LIKE prefixes
select id, c from r where c > 'c' and c < 'd' order by c, id;
select id, c from r where c >= 'zeta' order by c, id;
select id, c from r where c < 'ab' order by c, id;
select id, c from r where c like 'ban%' order by c, id;
select id, c from r where c like 'band%' order by c, id;
select id, c from r where c like 'ab_' order by c, id;
select id, c from r where c like 'ab' order by c, id;
select id, c from r where c like 'ch\%rry%' order by c, id;
select id, c from r where c like 'ch%rry%' order by c, id;
select id, c from r where c like 'c\_t%' order by c, id;
select id, c from r where c like 'c#_t%' escape '#' order by c, id;
select id, c from r where c like 'é%' order by c, id;
select id, c from r where c like '日%' order by c, id;
select id, c from r where c like '%3' order by c, id;
select id, c from r where c like '' order by c, id;
select id, c from r where c like 'Z%' order by c, id;
select id, c from r where c like 'a%' and c > 'abc' order by c, id;
select id, c from r where c ilike 'Z%' order by c, id;
select id, c from r where c like 'ab\' order by c, id;
select id, c from r where c like 'ab%' escape '' order by c, id;
select id, c from r where c like 'ab' escape '' order by c, id;
select id, c from r where c like 'a' || '%' order by c, id;
select id, c from r where c in ('ab', 'zeta', 'nope') order by c, id;
select id, v from r where v = 'v3' order by id;
select id, v from r where v > 'v3' order by v, id;
select id, v from r where v like 'v4%' order by id;
select id, v from r where v = 'v3'::text order by id;
select id, v from r where v < 'v1'::text order by v, id;
-- multi-column index: equality prefix then a range
select id, k, c from r where k = 1 and c > 'b' order by c, id;
select id, k, c from r where k = 2 and c like 'a%' order by c, id;
select id, k, c from r where k = 5 and c between 'a' and 'c' order by c, id;
-- ORDER BY ... LIMIT read in key order, both ways
select id from r order by id limit 5;
select id from r order by id desc limit 5;
select id from r order by id desc limit 5 offset 3;
select id from r where id < 50 order by id desc limit 3;
select id from r where id > 50 order by id limit 3;
select id from r where id in (9, 4, 7) order by id desc limit 2;
select id, k from r order by k, id limit 5;
select id, k from r order by k desc, id desc limit 15;
select id, k from r order by k desc nulls last, id desc limit 5;
select id, k from r order by k nulls first, id limit 15;
select id, k from r where k = 4 order by id desc limit 4;
select id, k from r where k in (4, 6) order by k desc, id desc limit 5;
select id, c from r order by c, id limit 5;
select id, c from r order by c desc, id desc limit 15;
select id, c from r where c like 'ap%' order by c desc, id desc limit 3;
select distinct k from r order by k desc limit 4;
select id, n from r order by n desc, id desc limit 4;
select id from r order by id, k limit 3;
select id, k from r where k = 3 order by k, id desc limit 3;
-- parameters
prepare p1(int, int) as select id from r where id between $1 and $2 order by id;
execute p1(10, 14);
execute p1(14, 10);
execute p1(null, 14);
prepare p2(int, int) as select id from r where id >= $1 order by id desc limit $2;
execute p2(100, 3);
execute p2(null, 3);
prepare p3(text) as select id, c from r where c like $1 order by c, id;
execute p3('ba%');
execute p3('%');
execute p3(null);
execute p3('app_e');
prepare p4(int, int, int) as select id from r where id in ($1, $2, $3) order by id;
execute p4(5, 5, null);
execute p4(null, null, null);
prepare p5(bigint) as select id from r where id < $1 order by id desc limit 2;
execute p5(3000000000);
execute p5(-3000000000);
prepare p6(numeric) as select id from r where id < $1 order by id limit 3;
execute p6(2.5);
-- UPDATE and DELETE through ranges
update r set k = k + 100 where id between 10 and 12;
select id, k from r where id between 9 and 13 order by id;
delete from r where c like 'bandana%';
select count(*) from r where c like 'band%';
delete from r where id in (1, 2, 3, 1000);
select id from r order by id limit 3;
begin;
insert into r values (0, 0, 'own', 'v0', 0);
delete from r where id = 4;
select id from r where id < 7 order by id desc limit 3;
select id, c from r where c like 'ow%';
rollback;
drop table r;
