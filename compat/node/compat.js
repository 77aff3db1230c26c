// The node-postgres (npm pg) client program of `make compat`: the checks of
// compat/README.md, printed as normalised text for the runner to compare
// between PostgreSQL and nqdb. Usage: node compat.js host port prefix
'use strict';
process.env.TZ = 'UTC'; // Date values print the same wherever CI runs
const { Client } = require('pg');
const { from: copyFrom, to: copyTo } = require('pg-copy-streams');
const { pipeline } = require('stream/promises');
const { Readable, Writable } = require('stream');

const [host, port, prefix] = process.argv.slice(2);

function fmt(v) {
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v)) return 'Buffer=' + v.toString('hex');
  if (v instanceof Date) return 'Date=' + (isNaN(v) ? 'Invalid' : v.toISOString());
  if (Array.isArray(v)) return '[' + v.map(fmt).join(',') + ']';
  if (typeof v === 'object') {
    if (v.constructor && v.constructor.name === 'PostgresInterval') return 'Interval=' + v.toPostgres();
    return 'object=' + JSON.stringify(v, Object.keys(v).sort());
  }
  return typeof v + '=' + JSON.stringify(v);
}

function errText(e) {
  if (e && e.code) {
    return `ERROR ${e.code}: ${e.message} detail=${JSON.stringify(e.detail || '')} hint=${JSON.stringify(e.hint || '')} position=${e.position || ''}`;
  }
  return 'client error: ' + (e && e.message);
}

async function show(c, text, values) {
  try {
    const r = await c.query({ text, values });
    const results = Array.isArray(r) ? r : [r];
    for (const res of results) {
      console.log('columns: ' + res.fields.map((f) => f.name).join(','));
      for (const row of res.rows) {
        console.log('  ' + res.fields.map((f) => f.name + '=' + fmt(row[f.name])).join(' | '));
      }
      console.log(`${res.command} (${res.rowCount} rows)`);
    }
    return results[results.length - 1];
  } catch (e) {
    console.log(errText(e));
    return null;
  }
}

async function doq(c, text, values) {
  const w = text.trim().split(/\s+/)[0].toUpperCase();
  try {
    const r = await c.query(text, values);
    console.log(`${w} -> ${r.command} ${r.rowCount === null ? '' : r.rowCount}`);
  } catch (e) {
    console.log(`${w} -> ${errText(e)}`);
  }
}

const typesDDL = (t) => `CREATE TABLE ${t} (id int4 PRIMARY KEY, c_int2 int2, c_int4 int4, c_int8 int8,
 c_numeric numeric(12,3), c_float4 float4, c_float8 float8, c_text text, c_varchar varchar(20), c_bool bool,
 c_bytea bytea, c_date date, c_ts timestamp, c_tstz timestamptz, c_interval interval, c_uuid uuid,
 c_json json, c_jsonb jsonb, c_intarr int[], c_textarr text[])`;
const typeCols = 'id, c_int2, c_int4, c_int8, c_numeric, c_float4, c_float8, c_text, c_varchar, c_bool, c_bytea, c_date, c_ts, c_tstz, c_interval, c_uuid, c_json, c_jsonb, c_intarr, c_textarr';
const ph = (n) => Array.from({ length: n }, (_, i) => '$' + (i + 1)).join(', ');

function row(id, n) {
  const ts = Date.UTC(2024, 1, 29, 13, 45, 30, 123);
  return [id, -3 * n, 100000 * n, (BigInt(9000000000) * BigInt(n)).toString(), `${12345 * n}.125`,
    1.5 * n, 2.25 * n, `text ${n} 'q' "dq" \\ é`, `vc${n}`, n % 2 === 0, Buffer.from([0, 1, 2, 0xfe, n]),
    `${1999 + n}-12-31`, new Date(ts + n * 3600000), new Date(ts - n * 60000), `${n} hours 90 seconds`,
    `a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a${(n + 16).toString(16)}`,
    JSON.stringify({ a: n, b: ['x', true, null] }), JSON.stringify({ k: String(n), n: 1.5 }),
    [1, n, -7], ['a', 'b c', '', 'd"e', String(n)]];
}

const checks = {
  async connect(c) {
    await show(c, "SELECT 1 AS one, 'x'::text AS t, current_database() AS db, current_user AS u");
    await show(c, 'SHOW client_encoding');
  },
  async types(c) {
    const t = prefix + 'types';
    await doq(c, 'DROP TABLE IF EXISTS ' + t);
    await doq(c, typesDDL(t));
    const r = await show(c, `SELECT ${typeCols} FROM ${t}`);
    if (r) for (const f of r.fields) console.log(`field ${f.name} oid=${f.dataTypeID} attnum=${f.columnID} size=${f.dataTypeSize} typmod=${f.dataTypeModifier} format=${f.format}`);
  },
  async crud(c) {
    const t = prefix + 'crud';
    await doq(c, 'DROP TABLE IF EXISTS ' + t);
    await doq(c, typesDDL(t));
    for (let i = 1; i <= 3; i++) await doq(c, `INSERT INTO ${t} (${typeCols}) VALUES (${ph(20)})`, row(i, i));
    await show(c, `SELECT ${typeCols} FROM ${t} ORDER BY id`);
    await show(c, `SELECT id, c_text FROM ${t} WHERE c_int8 = $1 AND c_bool = $2`, ['18000000000', true]);
    await show(c, `SELECT id FROM ${t} WHERE c_date > $1 AND c_tstz < $2 ORDER BY id`, ['2000-06-01', new Date(Date.UTC(2024, 1, 29, 13, 44))]);
    const r = row(9, 7);
    await doq(c, `UPDATE ${t} SET c_text = $1, c_float8 = $2, c_bytea = $3, c_ts = $4, c_intarr = $5, c_jsonb = $6 WHERE id = $7`,
      [r[7], r[6], r[10], r[12], r[18], r[17], 2]);
    await show(c, `SELECT id, c_text, c_float8, c_bytea, c_ts, c_intarr, c_jsonb FROM ${t} WHERE id = $1`, [2]);
    await doq(c, `DELETE FROM ${t} WHERE id = $1`, [1]);
    await show(c, `SELECT count(*) AS n, sum(c_int4) AS s FROM ${t}`);
  },
  async serial(c) {
    const t = prefix + 'serial';
    await doq(c, 'DROP TABLE IF EXISTS ' + t);
    await doq(c, `CREATE TABLE ${t} (id serial PRIMARY KEY, name text NOT NULL, big bigserial)`);
    await show(c, `INSERT INTO ${t} (name) VALUES ($1) RETURNING id, name, big`, ['first']);
    await show(c, `INSERT INTO ${t} (name) VALUES ($1), ($2) RETURNING *`, ['second', 'third']);
    await show(c, `UPDATE ${t} SET name = upper(name) WHERE id >= $1 RETURNING id, name`, [2]);
    await show(c, `DELETE FROM ${t} WHERE id = $1 RETURNING *`, [1]);
    await show(c, `SELECT * FROM ${t} ORDER BY id`);
  },
  async txn(c) {
    const t = prefix + 'txn';
    await doq(c, 'DROP TABLE IF EXISTS ' + t);
    await doq(c, `CREATE TABLE ${t} (id int PRIMARY KEY, v text)`);
    await doq(c, 'BEGIN');
    await doq(c, `INSERT INTO ${t} VALUES ($1, $2)`, [1, 'committed']);
    await doq(c, 'COMMIT');
    await doq(c, 'BEGIN');
    await doq(c, `INSERT INTO ${t} VALUES ($1, $2)`, [2, 'rolled back']);
    await show(c, `SELECT count(*) FROM ${t}`);
    await doq(c, 'ROLLBACK');
    await show(c, `SELECT * FROM ${t} ORDER BY id`);
  },
  async savepoint(c) {
    const t = prefix + 'sp';
    await doq(c, 'DROP TABLE IF EXISTS ' + t);
    await doq(c, `CREATE TABLE ${t} (id int PRIMARY KEY, v text)`);
    await doq(c, 'BEGIN');
    await doq(c, `INSERT INTO ${t} VALUES ($1, $2)`, [1, 'a']);
    await doq(c, 'SAVEPOINT s1');
    await doq(c, `INSERT INTO ${t} VALUES ($1, $2)`, [2, 'undone']);
    await doq(c, 'ROLLBACK TO SAVEPOINT s1');
    await doq(c, 'SAVEPOINT s2');
    await doq(c, `INSERT INTO ${t} VALUES ($1, $2)`, [1, 'duplicate']);
    await doq(c, 'ROLLBACK TO s2');
    await doq(c, `INSERT INTO ${t} VALUES ($1, $2)`, [3, 'c']);
    await doq(c, 'RELEASE SAVEPOINT s2');
    await doq(c, 'COMMIT');
    await show(c, `SELECT * FROM ${t} ORDER BY id`);
  },
  async errors(c) {
    const t = prefix + 'err';
    await doq(c, 'DROP TABLE IF EXISTS ' + t);
    await doq(c, `CREATE TABLE ${t} (id int PRIMARY KEY, u text UNIQUE)`);
    await doq(c, `INSERT INTO ${t} VALUES ($1, $2)`, [1, 'x']);
    await doq(c, `INSERT INTO ${t} VALUES ($1, $2)`, [1, 'y']);
    await doq(c, `INSERT INTO ${t} VALUES ($1, $2)`, [2, 'x']);
    await show(c, 'SELECT 1 AS still_usable');
    await show(c, 'SELEC 1');
    await show(c, `SELECT * FROM ${prefix}no_such_table`);
    await show(c, `SELECT no_such_column FROM ${t}`);
    await show(c, 'SELECT 1/0 AS z');
    await show(c, 'SELECT $1::int AS bad', ['not a number']);
    // Two statements in one simple Query: the second never runs.
    await show(c, `INSERT INTO ${t} VALUES (5, 'five'); SELECT 1/0`);
    await doq(c, 'BEGIN');
    await doq(c, `INSERT INTO ${t} VALUES ($1, $2)`, [1, 'z']);
    await show(c, 'SELECT 1');
    await doq(c, 'ROLLBACK');
    await show(c, `SELECT id, u FROM ${t} ORDER BY id`);
  },
  async nulls(c) {
    const t = prefix + 'nulls';
    await doq(c, 'DROP TABLE IF EXISTS ' + t);
    await doq(c, typesDDL(t));
    await doq(c, `INSERT INTO ${t} (${typeCols}) VALUES (${ph(20)})`, [1, ...Array(19).fill(null)]);
    await doq(c, `INSERT INTO ${t} (id) VALUES (2)`);
    await show(c, `SELECT ${typeCols} FROM ${t} ORDER BY id`);
    await show(c, 'SELECT NULL::int AS a, NULL AS b, $1::text IS NULL AS c, coalesce($2::int, 7) AS d', [null, null]);
    await show(c, `SELECT id FROM ${t} WHERE c_text IS NOT DISTINCT FROM $1 ORDER BY id`, [null]);
  },
  async metadata(c) {
    const t = prefix + 'meta';
    await doq(c, 'DROP TABLE IF EXISTS ' + t);
    await doq(c, `CREATE TABLE ${t} (id bigint PRIMARY KEY, name varchar(40) NOT NULL, price numeric(10,2), at timestamptz, tags text[])`);
    for (const q of [`SELECT * FROM ${t}`, `SELECT id + 1 AS expr, 'x' || name, price * 2, length(name) AS len FROM ${t}`]) {
      const r = await show(c, q);
      if (r) for (const f of r.fields) console.log(`field ${f.name} oid=${f.dataTypeID} attnum=${f.columnID} size=${f.dataTypeSize} typmod=${f.dataTypeModifier} format=${f.format}`);
    }
    await show(c, 'SELECT column_name, data_type, is_nullable, character_maximum_length, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position', [t]);
  },
  async copy(c) {
    const t = prefix + 'copy';
    await doq(c, 'DROP TABLE IF EXISTS ' + t);
    await doq(c, `CREATE TABLE ${t} (id int PRIMARY KEY, name text, amount numeric, at timestamptz, flags bool[])`);
    const data = '1\tone\t1.50\t2024-01-02 03:04:05+00\t{t,f}\n2\ttab\\there\t-0.001\t1970-01-01 00:00:00+00\t{}\n3\t\\N\t\\N\t\\N\t\\N\n';
    try {
      const s = c.query(copyFrom(`COPY ${t} FROM STDIN`));
      await pipeline(Readable.from([data]), s);
      console.log('copy from: ' + s.rowCount);
    } catch (e) { console.log('copy from: ' + errText(e)); }
    try {
      let out = '';
      const s = c.query(copyTo(`COPY ${t} TO STDOUT WITH (FORMAT csv, HEADER)`));
      await pipeline(s, new Writable({ write(chunk, _e, cb) { out += chunk; cb(); } }));
      console.log('copy to:\n' + out);
    } catch (e) { console.log('copy to: ' + errText(e)); }
    try {
      const s = c.query(copyFrom(`COPY ${t} (id) FROM STDIN`));
      await pipeline(Readable.from(['9\n1\n']), s);
      console.log('duplicate copy: no error');
    } catch (e) { console.log('duplicate copy: ' + errText(e)); }
    await show(c, `SELECT * FROM ${t} ORDER BY id`);
  },
};

(async () => {
  for (const [name, fn] of Object.entries(checks)) {
    console.log('### ' + name);
    const c = new Client({ host, port: Number(port), user: 'postgres', database: 'postgres' });
    c.on('error', (e) => console.log('connection error: ' + errText(e)));
    try {
      await c.connect();
    } catch (e) {
      console.log('connect error: ' + errText(e));
      continue;
    }
    try {
      await fn(c);
    } catch (e) {
      console.log('check aborted: ' + errText(e));
    }
    await c.end().catch(() => {});
  }
})();
