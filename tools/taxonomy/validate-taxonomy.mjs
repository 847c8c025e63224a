#!/usr/bin/env node
// Checks the default taxonomy files and prints node counts per root and level.
//   node tools/taxonomy/validate-taxonomy.mjs [--data-dir DIR] [--tree-2011 DIR]
// Exits 1 on the first list of problems. --tree-2011 (default: the shared 2011 tree beside the
// repository, skipped if absent) adds the check that pinyin-initials.txt covers the 2011 names too.
//
// Checks: JSON shape; unique codes; codes readable and hierarchical (child = parent code + "." +
// 2 or 3 digits; roots MS, XS, XZ, ZX-XX); every parentCode exists and precedes its child; nodes in
// depth-first tree order; level = depth, 1..4; names non-empty, without surrounding or inner
// whitespace; no duplicate names among siblings; skills from the known set, set on every root and
// every level-2 node (so every node has one, directly or inherited); the CSV (UTF-8 without BOM,
// RFC 4180) holds exactly the JSON's nodes in the same order; pinyin-initials.txt has a well-formed
// line for every Han character of every name.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const SKILLS = new Set(['LABOR', 'FAMILY', 'CONTRACT', 'CONSUMER', 'MIGRANT-WAGES', 'WOMEN-CHILDREN', 'SME', 'GENERAL']);
const HAN = /\p{Script=Han}/u;

const args = {
  dataDir: path.join(repoRoot, 'src', 'Lawline.Server', 'Taxonomy', 'Data'),
  tree2011: path.resolve(repoRoot, '..', 'shared', 'data', 'taxonomy', 'wenshu-anyou-tree-2011'),
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (argv[i] === '--data-dir') args.dataDir = path.resolve(argv[i + 1]);
  else if (argv[i] === '--tree-2011') args.tree2011 = path.resolve(argv[i + 1]);
  else { console.error(`unknown argument ${argv[i]}`); process.exit(2); }
}

const problems = [];
const problem = (m) => { if (problems.length < 200) problems.push(m); };

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// ---- JSON
const jsonPath = path.join(args.dataDir, 'default-taxonomy.json');
const jsonBytes = fs.readFileSync(jsonPath);
if (jsonBytes[0] === 0xef && jsonBytes[1] === 0xbb && jsonBytes[2] === 0xbf) problem('JSON starts with a BOM');
const doc = JSON.parse(jsonBytes.toString('utf8'));
if (typeof doc.version !== 'string' || !doc.version) problem('JSON: missing version');
if (typeof doc.source !== 'string' || !doc.source || /\n/.test(doc.source)) problem('JSON: source must be one non-empty line');
if (!Array.isArray(doc.nodes)) { console.error('JSON: nodes is not an array'); process.exit(1); }
const nodes = doc.nodes;

const byCode = new Map();
const index = new Map();
const stack = []; // current root-to-node path, for the depth-first order check
nodes.forEach((n, i) => {
  const where = `node ${i} (${n.code})`;
  const keys = Object.keys(n).sort().join(',');
  if (keys !== 'code,level,name,parentCode,skill') problem(`${where}: properties ${keys}`);
  if (typeof n.code !== 'string' || !n.code) { problem(`${where}: no code`); return; }
  if (byCode.has(n.code)) problem(`${where}: duplicate code`);
  byCode.set(n.code, n);
  index.set(n.code, i);
  if (typeof n.name !== 'string' || n.name.trim() === '') problem(`${where}: empty name`);
  else if (/\s/.test(n.name)) problem(`${where}: whitespace in name "${n.name}"`);
  if (n.skill !== null && !SKILLS.has(n.skill)) problem(`${where}: unknown skill ${n.skill}`);
  if (!Number.isInteger(n.level) || n.level < 1 || n.level > 5) problem(`${where}: level ${n.level} outside 1..5`);

  if (n.parentCode === null) {
    if (!/^(MS|XS|XZ|ZX-[A-Z]{2})$/.test(n.code)) problem(`${where}: root code not MS, XS, XZ or ZX-XX`);
    if (n.level !== 1) problem(`${where}: root with level ${n.level}`);
    if (!n.skill) problem(`${where}: root without skill`);
    stack.length = 0;
    stack.push(n.code);
    return;
  }
  const parent = byCode.get(n.parentCode);
  if (!parent || index.get(n.parentCode) >= i) { problem(`${where}: parent ${n.parentCode} missing or not before the child`); return; }
  if (!new RegExp(`^${n.parentCode.replace(/\./g, '\\.')}\\.\\d{2,3}$`).test(n.code)) problem(`${where}: code is not parent code + ".NN" / ".NNN"`);
  if (n.level !== parent.level + 1) problem(`${where}: level ${n.level} but parent level ${parent.level}`);
  if (n.level === 2 && !n.skill) problem(`${where}: level-2 node without skill`);
  // Depth-first order: the parent must be on the current path.
  const at = stack.lastIndexOf(n.parentCode);
  if (at < 0) problem(`${where}: not in depth-first order (parent ${n.parentCode} is not an ancestor of the previous node)`);
  else { stack.length = at + 1; stack.push(n.code); }
});

// Sibling names.
const siblings = new Map();
for (const n of nodes) {
  const key = `${n.parentCode ?? ''}\u0000${n.name}`;
  if (siblings.has(key)) problem(`duplicate sibling name "${n.name}" under ${n.parentCode ?? '(roots)'}: ${siblings.get(key)} and ${n.code}`);
  else siblings.set(key, n.code);
}

// Every node has a skill, directly or inherited.
const effectiveSkill = (n) => {
  for (let hops = 0; n && !n.skill && hops < 10; hops++) n = byCode.get(n.parentCode);
  return n?.skill ?? null;
};
for (const n of nodes) if (!effectiveSkill(n)) problem(`${n.code}: no skill, directly or inherited`);

// ---- CSV
const csvPath = path.join(args.dataDir, 'default-taxonomy.csv');
const csvBytes = fs.readFileSync(csvPath);
if (csvBytes[0] === 0xef && csvBytes[1] === 0xbb && csvBytes[2] === 0xbf) problem('CSV starts with a BOM');
const csvText = csvBytes.toString('utf8');
if (Buffer.from(csvText, 'utf8').compare(csvBytes) !== 0) problem('CSV is not valid UTF-8');
const rows = parseCsv(csvText);
if (rows.length && rows[rows.length - 1].length === 1 && rows[rows.length - 1][0] === '') rows.pop();
if (rows[0]?.join(',') !== 'code,name,parent_code,level,skill') problem(`CSV header is "${rows[0]?.join(',')}"`);
if (rows.length - 1 !== nodes.length) problem(`CSV has ${rows.length - 1} rows, JSON ${nodes.length} nodes`);
rows.slice(1).forEach((r, i) => {
  const n = nodes[i];
  if (!n) return;
  const expected = [n.code, n.name, n.parentCode ?? '', String(n.level), n.skill ?? ''];
  if (r.length !== 5 || r.some((v, k) => v !== expected[k])) problem(`CSV row ${i + 2} differs from JSON node ${n.code}: ${JSON.stringify(r)}`);
});

// ---- pinyin initials
const pinyinPath = path.join(args.dataDir, 'pinyin-initials.txt');
const initials = new Map();
for (const [i, line] of fs.readFileSync(pinyinPath, 'utf8').split('\n').entries()) {
  if (line === '' || line.startsWith('#')) continue;
  const m = line.match(/^(.)\t([a-z](?:,[a-z])*)$/u);
  if (!m || !HAN.test(m[1])) { problem(`pinyin-initials.txt:${i + 1}: malformed "${line}"`); continue; }
  if (initials.has(m[1])) problem(`pinyin-initials.txt:${i + 1}: duplicate ${m[1]}`);
  initials.set(m[1], m[2]);
}
const needChars = (names, what) => {
  const missing = new Set();
  for (const name of names) for (const ch of name) if (HAN.test(ch) && !initials.has(ch)) missing.add(ch);
  if (missing.size) problem(`pinyin-initials.txt lacks ${missing.size} characters of ${what}: ${[...missing].join('')}`);
};
needChars(nodes.map((n) => n.name), 'the taxonomy');
let checked2011 = false;
if (fs.existsSync(path.join(args.tree2011, 'anyou.flat.csv'))) {
  const flat = parseCsv(fs.readFileSync(path.join(args.tree2011, 'anyou.flat.csv'), 'utf8').replace(/^\uFEFF/, ''));
  const col = flat[0].indexOf('name');
  needChars(flat.slice(1).map((r) => r[col] ?? ''), 'the 2011 tree');
  checked2011 = true;
}

// ---- report
const roots = nodes.filter((n) => n.parentCode === null);
const rootOf = (n) => {
  for (let hops = 0; n && n.parentCode && hops < 10; hops++) n = byCode.get(n.parentCode);
  return n && !n.parentCode ? n.code : null;
};
const counts = new Map(roots.map((r) => [r.code, [0, 0, 0, 0, 0]]));
for (const n of nodes) if (counts.has(rootOf(n)) && n.level >= 1 && n.level <= 5) counts.get(rootOf(n))[n.level - 1]++;
const skills = new Map();
for (const n of nodes) skills.set(effectiveSkill(n), (skills.get(effectiveSkill(n)) ?? 0) + 1);

console.log(`default-taxonomy version ${doc.version}: ${nodes.length} nodes`);
console.log('root        L1   L2   L3   L4   L5  total  name');
const totals = [0, 0, 0, 0, 0];
for (const r of roots) {
  const c = counts.get(r.code);
  c.forEach((v, k) => { totals[k] += v; });
  console.log(`${r.code.padEnd(10)} ${c.map((v) => String(v).padStart(4)).join(' ')} ${String(c.reduce((a, b) => a + b, 0)).padStart(6)}  ${r.name}`);
}
console.log(`${'all'.padEnd(10)} ${totals.map((v) => String(v).padStart(4)).join(' ')} ${String(nodes.length).padStart(6)}`);
console.log('effective skills: ' + [...skills].map(([k, v]) => `${k} ${v}`).join(', '));
console.log(`pinyin-initials.txt: ${initials.size} characters${checked2011 ? ' (2011 tree checked too)' : ' (2011 tree not found, not checked)'}`);

if (problems.length) {
  console.error(`\n${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('OK');
