// An independent parser of the Prometheus text exposition format (version 0.0.4), written from the
// format's description, not from our renderer: HELP and TYPE lines, samples with optional labels
// and timestamp, label value escapes, float values including NaN and +-Inf. It reports every
// violation it sees instead of stopping at the first.
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(s) {
  if (s === 'NaN') return NaN;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

// Parses `name{a="x",b="y"} value [ts]`; returns {name, labels, value} or {error}.
function parseSample(line) {
  let i = 0;
  while (i < line.length && /[a-zA-Z0-9_:]/.test(line[i])) i++;
  const name = line.slice(0, i);
  if (!NAME.test(name)) return { error: `bad metric name in "${line}"` };
  const labels = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ') i++;
      if (line[i] === '}') { i++; break; }
      let j = i;
      while (j < line.length && /[a-zA-Z0-9_]/.test(line[j])) j++;
      const lname = line.slice(i, j);
      if (!LABEL.test(lname)) return { error: `bad label name in "${line}"` };
      if (line[j] !== '=' || line[j + 1] !== '"') return { error: `expected ="..." after ${lname} in "${line}"` };
      i = j + 2;
      let v = '';
      for (;;) {
        if (i >= line.length) return { error: `unterminated label value in "${line}"` };
        const c = line[i++];
        if (c === '"') break;
        if (c === '\\') {
          const e = line[i++];
          if (e === 'n') v += '\n';
          else if (e === '\\' || e === '"') v += e;
          else return { error: `bad escape \\${e} in "${line}"` };
        } else v += c;
      }
      if (lname in labels) return { error: `label ${lname} twice in "${line}"` };
      labels[lname] = v;
      while (line[i] === ' ') i++;
      if (line[i] === ',') { i++; continue; }
      if (line[i] === '}') { i++; break; }
      return { error: `expected , or } in "${line}"` };
    }
  }
  if (line[i] !== ' ') return { error: `expected a space before the value in "${line}"` };
  const rest = line.slice(i).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2) return { error: `expected value [timestamp] in "${line}"` };
  const value = parseValue(rest[0]);
  if (value === undefined) return { error: `bad value "${rest[0]}" in "${line}"` };
  if (rest.length === 2 && !/^-?\d+$/.test(rest[1])) return { error: `bad timestamp in "${line}"` };
  return { name, labels, value };
}

// The family a sample name belongs to, given the declared types.
function familyOf(name, families) {
  if (families.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const f = families.get(base);
      if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return base;
    }
  }
  return null;
}

export function parseExposition(text) {
  const errors = [];
  const families = new Map();
  const order = [];
  if (!text.endsWith('\n')) errors.push('the exposition must end with a newline');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let current = null;
  const closed = new Set();
  const family = (n) => {
    if (!families.has(n)) {
      families.set(n, { name: n, help: null, type: null, samples: [] });
      order.push(n);
    }
    return families.get(n);
  };
  for (const line of lines) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) continue;  // a plain comment
      const [, kind, n, rest] = m;
      if (!NAME.test(n)) { errors.push(`bad name in "${line}"`); continue; }
      const f = family(n);
      if (kind === 'HELP') {
        if (f.help !== null) errors.push(`second HELP for ${n}`);
        f.help = rest ?? '';
      } else {
        if (f.type !== null) errors.push(`second TYPE for ${n}`);
        if (f.samples.length) errors.push(`TYPE for ${n} after its samples`);
        if (!TYPES.has(rest)) errors.push(`unknown type "${rest}" for ${n}`);
        f.type = rest;
      }
      if (current !== n) {
        if (current) closed.add(current);
        if (closed.has(n)) errors.push(`family ${n} is not contiguous`);
        current = n;
      }
      continue;
    }
    const s = parseSample(line);
    if (s.error) { errors.push(s.error); continue; }
    const fname = familyOf(s.name, families) ?? s.name;
    const f = family(fname);
    if (current !== fname) {
      if (current) closed.add(current);
      if (closed.has(fname)) errors.push(`family ${fname} is not contiguous`);
      current = fname;
    }
    f.samples.push(s);
  }
  for (const f of families.values()) {
    if (f.help === null) errors.push(`${f.name} has no HELP`);
    if (f.type === null) errors.push(`${f.name} has no TYPE`);
    if (f.type === 'counter' && f.samples.some((s) => s.value < 0)) errors.push(`counter ${f.name} is negative`);
    if (f.type === 'histogram') {
      const buckets = f.samples.filter((s) => s.name === f.name + '_bucket');
      const count = f.samples.find((s) => s.name === f.name + '_count');
      if (!f.samples.some((s) => s.name === f.name + '_sum')) errors.push(`histogram ${f.name} has no _sum`);
      if (!count) errors.push(`histogram ${f.name} has no _count`);
      let prevLe = -Infinity, prev = 0;
      for (const b of buckets) {
        const le = parseValue(b.labels.le ?? '');
        if (le === undefined) { errors.push(`histogram ${f.name}: bad le "${b.labels.le}"`); continue; }
        if (le <= prevLe) errors.push(`histogram ${f.name}: le not increasing at ${b.labels.le}`);
        if (b.value < prev) errors.push(`histogram ${f.name}: buckets not cumulative at le=${b.labels.le}`);
        prevLe = le;
        prev = b.value;
      }
      const inf = buckets.find((b) => b.labels.le === '+Inf');
      if (!inf) errors.push(`histogram ${f.name} has no +Inf bucket`);
      else if (count && inf.value !== count.value) errors.push(`histogram ${f.name}: +Inf bucket != _count`);
    }
  }
  return { families, order, errors };
}
