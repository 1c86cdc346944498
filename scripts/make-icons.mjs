// Renders assets/icons/icon.svg into the PNG icons of the web app manifest and the
// favicon.ico (a PNG inside an ICO header), with the Chromium the specs use. Run it after
// changing the SVG: node scripts/make-icons.mjs
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'icons');

const svg = await readFile(path.join(DIR, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
const render = async (size) => {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<style>html,body{margin:0;background:transparent}svg{width:${size}px;height:${size}px;display:block}</style>${svg}`);
  return page.screenshot({ omitBackground: true });
};
for (const size of [192, 512]) await writeFile(path.join(DIR, `icon-${size}.png`), await render(size));
// An ICO with one 32×32 PNG image.
const png = await render(32);
const head = Buffer.alloc(22);
head.writeUInt16LE(0, 0); // reserved
head.writeUInt16LE(1, 2); // type: icon
head.writeUInt16LE(1, 4); // one image
head.writeUInt8(32, 6); // width
head.writeUInt8(32, 7); // height
head.writeUInt8(0, 8); // no palette
head.writeUInt8(0, 9);
head.writeUInt16LE(1, 10); // colour planes
head.writeUInt16LE(32, 12); // bits per pixel
head.writeUInt32LE(png.length, 14);
head.writeUInt32LE(22, 18); // offset of the image
await writeFile(path.join(DIR, 'favicon.ico'), Buffer.concat([head, png]));
await browser.close();
