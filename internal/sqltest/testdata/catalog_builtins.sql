-- PostgreSQL 15's built-in catalog rows under PostgreSQL's OIDs
-- (executor/pgcatalog/builtins.go, data in pgdata_*.go): pg_proc,
-- pg_operator, pg_cast, pg_aggregate, pg_opclass / pg_opfamily / pg_amop /
-- pg_amproc, pg_conversion, their descriptions, regproc and the psql
-- meta-commands that read them. The patterns are ones whose PostgreSQL
-- rows are all for types and functions nqdb has.

-- Operators (\do reads pg_operator, format_type and the descriptions).
\do ->
\do+ ->>
\do #>
\do #>>
\do #-
\do+ %
\do ^
\do |/
\do ||/
\do @
\do !~
-- Casts.
\dC jsonb
\dC json
\dC boolean
\dC interval
\dC "char"
\dC name
\dC uuid
-- Aggregates.
\da count
\da avg
\da+ bool_and
\da every
\da json*
\da stddev*
\da var*
\da percentile*
\da mode
-- Functions.
\df abs
\df now
\df replace
\df concat*
\df format
\df quote_*
\df sqrt
\df round
\df md5
\df gen_random_uuid
\df jsonb_build_object
\df jsonb_agg
\df array_length
\df left
\df split_part
\df string_to_array
\df lpad
\df current_setting
\df has_table_privilege
\df pg_typeof
\df row_number
\df lag
\df ntile
\df+ abs
\df+ now
\df+ lpad
-- Operator classes and families.
\dAc btree int4
\dAc btree text
\dAc hash int4
\dAf btree int4
\dAf+ btree int4
\dAf hash int8

-- The catalogs joined by OID.
select oprname, oprleft::regtype, oprright::regtype, oprresult::regtype, oprcode
  from pg_operator where oprname in ('->>', '~*', '!~*') order by 1, 2, 3;
select o.oid, o.oprname, l.typname, r.typname, p.proname, p.oid = o.oprcode::oid as code_ok
  from pg_operator o join pg_type l on l.oid = o.oprleft join pg_type r on r.oid = o.oprright
  join pg_proc p on p.oid = o.oprcode
  where o.oprname in ('+', '=') and o.oprleft = 'int4'::regtype and o.oprright = 'int4'::regtype order by 1;
select c.oid, s.typname, t.typname, c.castfunc, c.castcontext, c.castmethod
  from pg_cast c join pg_type s on s.oid = c.castsource join pg_type t on t.oid = c.casttarget
  where s.typname in ('int2', 'int8', 'jsonb', 'bool') and t.typname in ('int4', 'numeric', 'text', 'float8')
  order by 1;
select p.oid, p.proname, t.typname, p.pronargs, p.proargtypes, p.prokind, p.proisstrict, p.provolatile, p.prosrc
  from pg_proc p join pg_type t on t.oid = p.prorettype
  where p.proname in ('abs', 'now', 'md5', 'replace', 'split_part', 'int4pl', 'textcat') order by 1;
select proname, proargnames, proallargtypes, proargmodes, pronargdefaults, proretset, prorows
  from pg_proc where proname in ('make_interval', 'jsonb_array_elements', 'jsonb_set', 'concat_ws', 'parse_ident') order by oid;
select aggfnoid, aggfnoid::oid, aggkind, aggtransfn, aggfinalfn, aggcombinefn, aggtranstype::regtype, agginitval, aggsortop
  from pg_aggregate where aggfnoid::oid in (2108, 2147, 2803, 2100, 2116, 2132) order by 2;
select opcname, opfname, opcintype::regtype, opcdefault
  from pg_opclass c join pg_opfamily f on f.oid = c.opcfamily
  where c.opcmethod = 405 and c.opcintype in ('int4'::regtype, 'text'::regtype, 'uuid'::regtype) order by 1;
select amopstrategy, amopopr::oid, o.oprname from pg_amop a join pg_operator o on o.oid = a.amopopr
  where amopfamily = 1976 and amoplefttype = 23 and amoprighttype = 23 order by 1;
select amprocnum, amproc from pg_amproc
  where amprocfamily = 1976 and amproclefttype = 23 and amprocrighttype = 23 order by 1;
select conname, pg_encoding_to_char(conforencoding), pg_encoding_to_char(contoencoding), conproc, condefault
  from pg_conversion where conname like 'utf8_to_iso%' order by 1 limit 3;

-- regproc and the function texts.
select 'int4pl'::regproc, 'int4pl'::regproc::oid, 870::regproc, 177::regproc, 'pg_catalog.textcat'::regproc::oid;
select 'lower'::regproc;
select 'nosuch'::regproc;
select to_regproc('int4pl')::oid, to_regproc('lower'), to_regproc('nosuch');
select pg_get_function_arguments('make_interval'::regproc), pg_get_function_result('jsonb_array_elements'::regproc);
select pg_get_functiondef('int4eq'::regproc);
select pg_get_functiondef('now'::regproc);
select pg_get_function_sqlbody('lpad(text,int)'::regprocedure), pg_get_function_sqlbody(870);
select obj_description('int4pl'::regproc, 'pg_proc'), obj_description(551, 'pg_operator');
select d.description from pg_description d join pg_proc p on p.oid = d.objoid
  where d.classoid = 'pg_proc'::regclass and p.proname = 'md5' order by p.oid;

-- regprocedure, regoper, regoperator and \sf.
select 551::regoper, 551::regoperator, 558::regoperator, 'lower(text)'::regprocedure,
  'substr(text, int4)'::regprocedure, 870::regprocedure, 'make_interval'::regproc::regprocedure;
select ' lower ( text ) '::regprocedure, 'pg_catalog.lower(text)'::regprocedure, '"lower"(text)'::regprocedure::oid;
select 0::regprocedure, 0::regoper, 0::regoperator, '-'::regprocedure;
select 'lower(int4)'::regprocedure;
select 'lower(foo)'::regprocedure;
select 'lower'::regprocedure;
select '+'::regoper;
select '+(int4,int4)'::regoperator::oid, '-(NONE,int4)'::regoperator::oid, '->>(jsonb,text)'::regoperator::regoper;
select '+(int4)'::regoperator;
select '+(int4,int8,int2)'::regoperator;
select to_regprocedure('lower(text)'), to_regprocedure('lower(int4)'), to_regoper('+'), to_regoper('->>'),
  to_regoperator('+(int4,int4)'), to_regoperator('+(int4,uuid)');
select 'quote_literal(anyelement)'::regprocedure, 707::regoperator;
select oprname, oprcode from pg_operator where oid = '->>(jsonb,text)'::regoperator;
\sf lower(text)
\sf btrim(text)
\sf+ int4eq
\sf quote_literal(anyelement)
