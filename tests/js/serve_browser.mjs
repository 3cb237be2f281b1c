// Loads pages in headless Chromium (puppeteer-core, the system's chromium) as a person would:
//   node serve_browser.mjs OUT_DIR NAME=URL [NAME=URL ...]
// For each page: a full-page screenshot OUT_DIR/NAME.png, the number of distinct colours in it
// (decoded here with node's zlib: a blank page has one or two), the chart marks in the DOM
// (svg.chart count, path.series, circle.point, rect.bar), the console errors, page errors and
// failed requests. Prints one JSON object {NAME: {...}} on stdout; the caller judges it.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import puppeteer from 'puppeteer-core';

const [outDir, ...pages] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });

// Distinct RGBA colours of an 8-bit RGB or RGBA, non-interlaced PNG.
function distinctColours(buf) {
  let pos = 8, width = 0, height = 0, colourType = 0, depth = 0, interlace = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8];
      colourType = data[9];
      interlace = data[12];
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  if (depth !== 8 || (colourType !== 2 && colourType !== 6) || interlace !== 0)
    throw new Error(`unsupported PNG: depth ${depth}, colour type ${colourType}, interlace ${interlace}`);
  const bpp = colourType === 6 ? 4 : 3;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  let prev = Buffer.alloc(stride);
  const colours = new Set();
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      let p = 0;
      if (f === 1) p = a;
      else if (f === 2) p = b;
      else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) {
        const q = a + b - c, pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = (line[i] + p) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let k = 0; k < bpp; k++) v = v * 256 + line[x * bpp + k];
      colours.add(v);
    }
    prev = line;
  }
  return { width, height, colours: colours.size };
}

const userDataDir = fs.mkdtempSync(path.join(outDir, '.chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  userDataDir,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const result = {};
try {
  for (const spec of pages) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, eq), url = spec.slice(eq + 1);
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
    page.on('pageerror', (e) => errors.push('page error: ' + e.message));
    page.on('requestfailed', (r) => errors.push('request failed: ' + r.url()));
    const resp = await page.goto(url, { waitUntil: 'load', timeout: 20000 });
    const file = path.join(outDir, name + '.png');
    await page.screenshot({ path: file, fullPage: true });
    const dom = await page.evaluate(() => ({
      title: document.title,
      charts: document.querySelectorAll('svg.chart').length,
      series: document.querySelectorAll('svg.chart path.series').length,
      points: document.querySelectorAll('svg.chart circle.point').length,
      bars: document.querySelectorAll('svg.chart rect.bar').length,
      nodata: document.querySelectorAll('svg.chart .nodata').length,
      tables: document.querySelectorAll('table').length,
      text: document.body.innerText.length,
    }));
    result[name] = { status: resp ? resp.status() : 0, screenshot: file, ...distinctColours(fs.readFileSync(file)), ...dom, errors };
    await page.close();
  }
} finally {
  await browser.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
