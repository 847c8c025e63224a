#!/usr/bin/env node
// Builds Lawline's default consultation taxonomy from the outlines in tools/taxonomy/source/
// and the Markdown copy of the criminal-charge regulations (shared data), and writes
//   src/Lawline.Server/Taxonomy/Data/default-taxonomy.json
//   src/Lawline.Server/Taxonomy/Data/default-taxonomy.csv
//   src/Lawline.Server/Taxonomy/Data/civil-2020-second-level.csv
//
// Usage (from the repository root):
//   node tools/taxonomy/build-taxonomy.mjs [--charges-dir DIR] [--out-dir DIR] [--civil-level2 full|part|category]
//
//   --charges-dir   folder with the criminal-charge Markdown files
//                   (default: ../shared/data/taxonomy/criminal-charges beside the repository)
//   --out-dir       output folder (default: src/Lawline.Server/Taxonomy/Data)
//   --civil-level2  "full" (default): the regulation's own four levels under the MS root (part → second-level
//                   cause → third-level cause → fourth-level cause), five levels deep like the court's 2011 tree;
//                   "part": level 2 of MS is the regulation's 11 parts (第一部分…);
//                   "category": level 2 is its 54 second-level causes (一、…五十四、) instead.
//
// Needs only Node.js (18+). See tools/taxonomy/README.md.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const sourceDir = path.join(here, 'source');

const SKILLS = new Set(['LABOR', 'FAMILY', 'CONTRACT', 'CONSUMER', 'MIGRANT-WAGES', 'WOMEN-CHILDREN', 'SME', 'GENERAL']);

function parseArgs(argv) {
  const args = {
    chargesDir: path.resolve(repoRoot, '..', 'shared', 'data', 'taxonomy', 'criminal-charges'),
    outDir: path.join(repoRoot, 'src', 'Lawline.Server', 'Taxonomy', 'Data'),
    civilLevel2: 'full',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--charges-dir') args.chargesDir = path.resolve(next());
    else if (a === '--out-dir') args.outDir = path.resolve(next());
    else if (a === '--civil-level2') args.civilLevel2 = next();
    else throw new Error(`unknown argument ${a}`);
  }
  if (!['full', 'part', 'category'].includes(args.civilLevel2)) throw new Error('--civil-level2 must be full, part or category');
  return args;
}

function fail(message) {
  throw new Error(message);
}

// Reads a source outline: drops comments and blank lines, keeps line numbers for errors.
function readOutline(fileName) {
  const text = fs.readFileSync(path.join(sourceDir, fileName), 'utf8');
  return text
    .split('\n')
    .map((raw, i) => ({ raw: raw.replace(/\s+$/, ''), lineNo: i + 1, file: fileName }))
    .filter((l) => l.raw.trim() !== '' && !l.raw.trimStart().startsWith('#'));
}

// Splits "name [lawline] @SKILL" into its parts.
function splitNameAndSkill(rest, where) {
  let skill = null;
  let name = rest.trim();
  const m = name.match(/\s@([A-Z-]+)$/);
  if (m) {
    skill = m[1];
    name = name.slice(0, m.index).trim();
    if (!SKILLS.has(skill)) fail(`${where}: unknown skill ${skill}`);
  }
  const lawline = /\s\[lawline\]$/.test(name);
  name = name.replace(/\s\[lawline\]$/, '').trim();
  if (name === '') fail(`${where}: empty name`);
  if (/\s/.test(name)) fail(`${where}: whitespace inside name "${name}"`);
  return { name, skill, lawline };
}

const pad = (n, width) => String(n).padStart(width, '0');

function node(code, name, parentCode, level, skill) {
  return { code, name, parentCode, level, skill: skill ?? null };
}

// ---------------------------------------------------------------- civil (MS)

function buildCivil(mode) {
  const lines = readOutline('ms-civil-2020.txt');
  const parts = []; // {no, name, skill, categories: [{ordinal, name, causes: [...]}]}
  let part = null;
  let category = null;
  let cause = null;
  let expectedCause = 1;
  for (const l of lines) {
    const where = `${l.file}:${l.lineNo}`;
    let m;
    if ((m = l.raw.match(/^= (\d{2}) (.+)$/))) {
      const { name, skill } = splitNameAndSkill(m[2], where);
      if (!skill) fail(`${where}: a part needs a skill`);
      part = { no: Number(m[1]), name, skill, categories: [] };
      if (part.no !== parts.length + 1) fail(`${where}: part ${part.no} out of order`);
      parts.push(part);
      category = null;
      cause = null;
    } else if ((m = l.raw.match(/^== (\S+) (.+)$/))) {
      if (!part) fail(`${where}: category outside a part`);
      const { name } = splitNameAndSkill(m[2], where);
      category = { ordinal: m[1], name, causes: [] };
      part.categories.push(category);
      cause = null;
    } else if ((m = l.raw.match(/^(\d{3}) (.+)$/))) {
      if (!category) fail(`${where}: cause outside a category`);
      const no = Number(m[1]);
      if (no !== expectedCause) fail(`${where}: expected cause ${expectedCause}, found ${no}`);
      expectedCause++;
      const { name, skill } = splitNameAndSkill(m[2], where);
      cause = { no, name, skill, subs: [] };
      category.causes.push(cause);
    } else if ((m = l.raw.match(/^ {2}\((\d+)\) (.+)$/))) {
      if (!cause) fail(`${where}: fourth-level cause outside a cause`);
      const no = Number(m[1]);
      if (no !== cause.subs.length + 1) fail(`${where}: expected (${cause.subs.length + 1}), found (${no})`);
      const { name, skill } = splitNameAndSkill(m[2], where);
      cause.subs.push({ no, name, skill });
    } else {
      fail(`${where}: cannot parse "${l.raw}"`);
    }
  }
  if (parts.length !== 11) fail(`civil: expected 11 parts, found ${parts.length}`);
  const categoryCount = parts.reduce((n, p) => n + p.categories.length, 0);
  if (categoryCount !== 54) fail(`civil: expected 54 second-level causes, found ${categoryCount}`);
  if (expectedCause - 1 !== 473) fail(`civil: expected 473 third-level causes, found ${expectedCause - 1}`);

  const nodes = [node('MS', '民事案件案由', null, 1, 'GENERAL')];
  const secondLevel = [];
  let categoryNo = 0;
  for (const p of parts) {
    const partCode = `MS.${pad(p.no, 2)}`;
    if (mode !== 'category') nodes.push(node(partCode, p.name, 'MS', 2, p.skill));
    for (const c of p.categories) {
      categoryNo++;
      // full: MS.08.16 (the 16th second-level cause, inside part 08); category: MS.16 directly under MS.
      const categoryCode = mode === 'full' ? `${partCode}.${pad(categoryNo, 2)}` : `MS.${pad(categoryNo, 2)}`;
      if (mode === 'full') nodes.push(node(categoryCode, c.name, partCode, 3, null));
      if (mode === 'category') nodes.push(node(categoryCode, c.name, 'MS', 2, p.skill));
      const parentCode = mode === 'part' ? partCode : categoryCode;
      const causeLevel = mode === 'full' ? 4 : 3;
      for (const cause of c.causes) {
        const causeCode = `${parentCode}.${pad(cause.no, 3)}`;
        nodes.push(node(causeCode, cause.name, parentCode, causeLevel, cause.skill));
        for (const s of cause.subs) {
          nodes.push(node(`${causeCode}.${pad(s.no, 2)}`, s.name, causeCode, causeLevel + 1, s.skill));
        }
      }
      secondLevel.push({
        part: p.no,
        partName: p.name,
        ordinal: categoryNo,
        chineseOrdinal: c.ordinal,
        name: c.name,
        firstCause: c.causes[0].no,
        lastCause: c.causes[c.causes.length - 1].no,
      });
    }
  }
  return { nodes, secondLevel, parts };
}

// ---------------------------------------------------------------- criminal (XS)

const CHINESE_DIGITS = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
function chineseNumber(s) {
  let total = 0;
  let current = 0;
  for (const ch of s) {
    if (ch in CHINESE_DIGITS) current = CHINESE_DIGITS[ch];
    else if (ch === '十') { total += (current || 1) * 10; current = 0; }
    else if (ch === '百') { total += current * 100; current = 0; }
    else fail(`not a Chinese number: ${s}`);
  }
  return total + current;
}

// Article key [article, 之N, paragraph] of the first article cited in "第114条、第115条第1款".
function baseArticleKey(citation) {
  const m = citation.match(/第(\d+)条(?:第(\d+)款)?/);
  if (!m) return null;
  return [Number(m[1]), 0, m[2] ? Number(m[2]) : 0];
}

// Article key of "120-1:2" (第一百二十条之一第二款).
function opArticleKey(s) {
  const m = s.match(/^(\d+)(?:-(\d+))?(?::(\d+))?$/);
  if (!m) fail(`bad article "${s}"`);
  return [Number(m[1]), m[2] ? Number(m[2]) : 0, m[3] ? Number(m[3]) : 0];
}

const compareKeys = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

function readChargeMarkdown(chargesDir) {
  const files = fs.readdirSync(chargesDir).filter((f) => f.endsWith('.md'));
  const find = (pattern) => {
    const hits = files.filter((f) => pattern.test(f));
    if (hits.length !== 1) fail(`criminal charges: expected one file matching ${pattern} in ${chargesDir}, found ${hits.length}`);
    return fs.readFileSync(path.join(chargesDir, hits[0]), 'utf8');
  };
  return {
    base: find(/^最高人民检察院关于适用刑法分则规定的犯罪的罪名的意见/),
    supplements: {
      2002: find(/确定罪名的补充规定\(2002/),
      2003: find(/补充规定（二）/),
      2007: find(/补充规定（三）/),
      2009: find(/补充规定（四）/),
      2011: find(/补充规定（五）/),
      2015: find(/补充规定（六）/),
      2021: find(/补充规定（七）/),
      2024: find(/补充规定（八）/),
    },
  };
}

// Parses the 1997 SPP opinion into chapters / sections / charges (with article keys).
function parseBaseCharges(markdown) {
  const chapters = [];
  let chapter = null;
  let section = null;
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    let m;
    if ((m = line.match(/^## 第(.+?)章 (.+)$/))) {
      chapter = { no: chineseNumber(m[1]), name: m[2].trim(), sections: [], charges: [] };
      chapters.push(chapter);
      section = null;
    } else if ((m = line.match(/^### 第(.+?)节 (.+)$/))) {
      if (!chapter) fail('section before chapter');
      section = { no: chineseNumber(m[1]), name: m[2].trim(), charges: [] };
      chapter.sections.push(section);
    } else if (chapter && /罪（第/.test(line)) {
      const re = /(?:^|\s)(?:\d+．)?(\S+?罪)（(第[^）]*)）/g;
      let c;
      while ((c = re.exec(line))) {
        const key = baseArticleKey(c[2]);
        if (!key) fail(`no article in "${c[0]}"`);
        (section ?? chapter).charges.push({ name: c[1], key, skill: null });
      }
    }
  }
  return chapters;
}

function buildCriminal(chargesDir) {
  const md = readChargeMarkdown(chargesDir);
  const chapters = parseBaseCharges(md.base);
  if (chapters.length !== 10) fail(`criminal: expected 10 chapters, found ${chapters.length}`);

  // One flat list of "slots" in regulation order: each charge remembers its container.
  const containers = [];
  for (const ch of chapters) {
    if (ch.sections.length === 0) containers.push(ch);
    else {
      if (ch.charges.length) fail(`chapter ${ch.no} has charges outside its sections`);
      containers.push(...ch.sections);
    }
  }
  const all = () => containers.flatMap((c) => c.charges.map((charge) => ({ container: c, charge })));
  const baseCount = all().length;
  if (baseCount !== 414) fail(`criminal: expected 414 charges in the 1997 SPP list, found ${baseCount}`);

  const locate = (name) => {
    for (const c of containers) {
      const i = c.charges.findIndex((x) => x.name === name);
      if (i >= 0) return { container: c, index: i };
    }
    return null;
  };
  const insertByArticle = (charge) => {
    // After the last charge (in regulation order) whose article key is <= the new one.
    let target = null;
    for (const c of containers) {
      c.charges.forEach((x, i) => {
        if (compareKeys(x.key, charge.key) <= 0) target = { container: c, index: i };
      });
    }
    if (!target) fail(`cannot place ${charge.name}`);
    target.container.charges.splice(target.index + 1, 0, charge);
  };

  const norm = (s) => s.replace(/\s+/g, '');
  const lines = readOutline('xs-charge-supplements.txt');
  const log = { added: 0, replaced: 0, abolished: 0 };
  for (const l of lines) {
    const where = `${l.file}:${l.lineNo}`;
    const cols = l.raw.split(' | ').map((s) => s.trim());
    if (cols.length !== 5) fail(`${where}: expected 5 columns`);
    const [supp, op, article, newCol, oldCol] = cols;
    const news = newCol === '-' ? [] : newCol.split('；');
    const olds = oldCol === '-' ? [] : oldCol.split('；');
    if (supp !== 'base') {
      const text = norm(md.supplements[supp] ?? fail(`${where}: unknown supplement ${supp}`));
      for (const n of news) if (!text.includes(n)) fail(`${where}: "${n}" does not occur in supplement ${supp}`);
      for (const o of olds) if (!text.includes(o) && !norm(md.base).includes(o)) fail(`${where}: "${o}" occurs neither in supplement ${supp} nor in the base list`);
    }
    if (op === 'SECTION') {
      const s = containers.find((c) => c.name === olds[0]) ?? fail(`${where}: no section ${olds[0]}`);
      s.name = news[0];
      continue;
    }
    if (op === 'ADD') {
      if (news.length !== 1 || olds.length) fail(`${where}: ADD takes one new name`);
      if (locate(news[0])) fail(`${where}: ${news[0]} already exists`);
      if (article.startsWith('after:')) {
        const at = locate(article.slice(6)) ?? fail(`${where}: no charge ${article.slice(6)}`);
        const prev = at.container.charges[at.index];
        at.container.charges.splice(at.index + 1, 0, { name: news[0], key: [...prev.key], skill: null });
      } else {
        insertByArticle({ name: news[0], key: opArticleKey(article), skill: null });
      }
      log.added++;
      continue;
    }
    if (op === 'REPLACE' || op === 'ABOLISH' || op === 'FIX') {
      if (!olds.length) fail(`${where}: ${op} needs old names`);
      if (op === 'ABOLISH' && news.length) fail(`${where}: ABOLISH takes no new name`);
      for (const o of olds) if (!locate(o)) fail(`${where}: no charge ${o}`);
      for (const n of news) if (locate(n)) fail(`${where}: ${n} already exists`);
      if (article === '-') {
        // The new names take the place of the first old one: insert them before it, then remove the old ones.
        const first = locate(olds[0]);
        const firstKey = first.container.charges[first.index].key;
        first.container.charges.splice(first.index, 0, ...news.map((n) => ({ name: n, key: [...firstKey], skill: null })));
      }
      for (const o of olds) {
        const at = locate(o);
        at.container.charges.splice(at.index, 1);
      }
      if (article !== '-') {
        for (const n of news) insertByArticle({ name: n, key: opArticleKey(article), skill: null });
      }
      if (op === 'ABOLISH') log.abolished += olds.length;
      else if (op === 'REPLACE') log.replaced++;
      continue;
    }
    fail(`${where}: unknown op ${op}`);
  }

  const current = all();
  if (current.length !== 483) fail(`criminal: expected 483 charges after the supplements, found ${current.length}`);
  const names = new Set();
  for (const { charge } of current) {
    if (names.has(charge.name)) fail(`criminal: duplicate charge ${charge.name}`);
    names.add(charge.name);
  }
  // The article order must hold within every chapter / section.
  for (const c of containers) {
    for (let i = 1; i < c.charges.length; i++) {
      if (compareKeys(c.charges[i - 1].key, c.charges[i].key) > 0 && c.charges[i].key[0] !== 371) {
        console.warn(`warning: article order ${c.charges[i - 1].name} > ${c.charges[i].name}`);
      }
    }
  }

  for (const l of readOutline('xs-charge-skills.txt')) {
    const where = `${l.file}:${l.lineNo}`;
    const { name, skill } = splitNameAndSkill(l.raw, where);
    if (!skill) fail(`${where}: missing @SKILL`);
    const at = locate(name) ?? fail(`${where}: ${name} is not a current charge`);
    at.container.charges[at.index].skill = skill;
  }

  const nodes = [node('XS', '刑事罪名', null, 1, 'GENERAL')];
  for (const ch of chapters) {
    const chCode = `XS.${pad(ch.no, 2)}`;
    nodes.push(node(chCode, ch.name, 'XS', 2, 'GENERAL'));
    if (ch.sections.length === 0) {
      ch.charges.forEach((c, i) => nodes.push(node(`${chCode}.${pad(i + 1, 3)}`, c.name, chCode, 3, c.skill)));
    } else {
      for (const s of ch.sections) {
        const sCode = `${chCode}.${pad(s.no, 2)}`;
        nodes.push(node(sCode, s.name, chCode, 3, null));
        s.charges.forEach((c, i) => nodes.push(node(`${sCode}.${pad(i + 1, 2)}`, c.name, sCode, 4, c.skill)));
      }
    }
  }
  return { nodes, log };
}

// ---------------------------------------------------------------- administrative (XZ)

function buildAdministrative() {
  const nodes = [node('XZ', '行政案件案由', null, 1, 'GENERAL')];
  let kind = null;
  let added = 0;
  for (const l of readOutline('xz-administrative-2020.txt')) {
    const where = `${l.file}:${l.lineNo}`;
    let m;
    if ((m = l.raw.match(/^= (\d{2}) (.+)$/))) {
      const { name, skill } = splitNameAndSkill(m[2], where);
      if (!skill) fail(`${where}: a kind needs a skill`);
      kind = `XZ.${m[1]}`;
      nodes.push(node(kind, name, 'XZ', 2, skill));
    } else if ((m = l.raw.match(/^- (\d{2}) (.+)$/))) {
      if (!kind) fail(`${where}: item outside a kind`);
      const { name, skill, lawline } = splitNameAndSkill(m[2], where);
      if (lawline) added++;
      nodes.push(node(`${kind}.${m[1]}`, name, kind, 3, skill));
    } else fail(`${where}: cannot parse "${l.raw}"`);
  }
  return { nodes, added };
}

// ---------------------------------------------------------------- consultation branches (ZX-*)

function buildConsultation() {
  const nodes = [];
  let root = null;
  let l2 = null;
  for (const l of readOutline('zx-consultation.txt')) {
    const where = `${l.file}:${l.lineNo}`;
    let m;
    if ((m = l.raw.match(/^ROOT (ZX-[A-Z]{2}) (.+)$/))) {
      const { name, skill } = splitNameAndSkill(m[2], where);
      if (!skill) fail(`${where}: a root needs a skill`);
      root = m[1];
      l2 = null;
      nodes.push(node(root, name, null, 1, skill));
    } else if ((m = l.raw.match(/^= (\d{2}) (.+)$/))) {
      if (!root) fail(`${where}: level 2 outside a root`);
      const { name, skill } = splitNameAndSkill(m[2], where);
      l2 = `${root}.${m[1]}`;
      // Every level-2 node carries its skill explicitly (inherited from the root unless overridden).
      nodes.push(node(l2, name, root, 2, skill ?? nodes.find((n) => n.code === root).skill));
    } else if ((m = l.raw.match(/^- (\d{2}) (.+)$/))) {
      if (!l2) fail(`${where}: level 3 outside a level-2 node`);
      const { name, skill } = splitNameAndSkill(m[2], where);
      nodes.push(node(`${l2}.${m[1]}`, name, l2, 3, skill));
    } else fail(`${where}: cannot parse "${l.raw}"`);
  }
  return { nodes };
}

// ---------------------------------------------------------------- output

function csvField(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function writeOutputs(outDir, nodes, secondLevel, civilMode) {
  fs.mkdirSync(outDir, { recursive: true });
  const doc = {
    version: '2021.1',
    source:
      '民事：《民事案件案由规定》（法〔2020〕347号，2021-01-01施行）；刑事：最高人民法院、最高人民检察院确定罪名的规定及补充规定（一）至（八）（截至2024年3月1日，483个罪名）；' +
      '行政：《最高人民法院关于行政案件案由的暂行规定》（法发〔2020〕44号，2021-01-01施行）；ZX-*：Lawline 自编的热线咨询分类',
    nodes,
  };
  // One node per line keeps diffs readable.
  const json =
    '{\n' +
    `  "version": ${JSON.stringify(doc.version)},\n` +
    `  "source": ${JSON.stringify(doc.source)},\n` +
    '  "nodes": [\n' +
    nodes.map((n) => '    ' + JSON.stringify(n)).join(',\n') +
    '\n  ]\n}\n';
  fs.writeFileSync(path.join(outDir, 'default-taxonomy.json'), json);

  const csv = ['code,name,parent_code,level,skill']
    .concat(nodes.map((n) => [n.code, n.name, n.parentCode, n.level, n.skill].map(csvField).join(',')))
    .join('\n') + '\n';
  fs.writeFileSync(path.join(outDir, 'default-taxonomy.csv'), csv);

  // The regulation's 54 second-level civil causes, which the 4-level tree cannot hold as nodes
  // when level 2 is the part: each covers a contiguous range of third-level cause numbers.
  const rows = ['ordinal,chinese_ordinal,name,part_code,part_name,first_cause_code,last_cause_code'];
  for (const s of secondLevel) {
    const parentCode = civilMode === 'part' ? `MS.${pad(s.part, 2)}` : `MS.${pad(s.ordinal, 2)}`;
    rows.push(
      [s.ordinal, s.chineseOrdinal, s.name, `MS.${pad(s.part, 2)}`, s.partName, `${parentCode}.${pad(s.firstCause, 3)}`, `${parentCode}.${pad(s.lastCause, 3)}`]
        .map(csvField)
        .join(','),
    );
  }
  fs.writeFileSync(path.join(outDir, 'civil-2020-second-level.csv'), rows.join('\n') + '\n');
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const civil = buildCivil(args.civilLevel2);
  const criminal = buildCriminal(args.chargesDir);
  const admin = buildAdministrative();
  const consultation = buildConsultation();
  const nodes = [...civil.nodes, ...criminal.nodes, ...admin.nodes, ...consultation.nodes];
  writeOutputs(args.outDir, nodes, civil.secondLevel, args.civilLevel2);
  console.log(`civil: ${civil.nodes.length} nodes (level 2 = ${args.civilLevel2})`);
  console.log(`criminal: ${criminal.nodes.length} nodes (supplements: ${criminal.log.added} added, ${criminal.log.replaced} replaced/renamed, ${criminal.log.abolished} abolished)`);
  console.log(`administrative: ${admin.nodes.length} nodes (${admin.added} Lawline-added items)`);
  console.log(`consultation: ${consultation.nodes.length} nodes`);
  console.log(`total: ${nodes.length} nodes -> ${path.relative(repoRoot, args.outDir) || '.'}`);
}

try {
  main();
} catch (e) {
  console.error(`build-taxonomy: ${e.message}`);
  process.exit(1);
}
