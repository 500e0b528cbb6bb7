// duckdb.mjs: runs decision.sql in DuckDB (npm @duckdb/node-api) on a
// snapshot: node duckdb.mjs SNAPSHOT AS_OF OUT. Prints the rows written.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, asof, out] = process.argv.slice(2);
const here = new URL('.', import.meta.url).pathname;
const sql = readFileSync(here + 'decision.sql', 'utf8')
  .replaceAll('${DIR}', dir).replaceAll('${ASOF}', asof)
  .replaceAll('${OUT}', out);
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const r = await con.run(sql);
console.log(String(r.rowsChanged ?? ''));
